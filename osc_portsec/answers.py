"""How an answer about traffic is shown: ``explain``, ``reach``, ``matrix``.

The formatters of their columns in the registry (:mod:`osc_portsec.columns`):
words for a person in a table, the answer's plain data in JSON. A column
that two commands share (``rule``, ``fix``, ``backend``, ``differences``,
``packet``) shows either command's shape.
"""

from __future__ import annotations

from typing import Any

from osc_portsec.formats import lines
from osc_portsec.formats import Plain


class Rule(Plain):
    """The deciding rule: the rule in words, then its ID and group.

    ``explain`` has one rule (or none); a ``matrix`` row what decided at
    each side, a side a line.
    """

    def human_readable(self) -> str:
        if not self._value:
            return ''
        if isinstance(self._value, list):
            return lines(_side(item) for item in self._value)
        rule = self._value
        group = rule['security_group_name'] or rule['security_group_id']
        return (f"{rule['rule']}\n(rule {rule['id']} of group {group})")


def _side(item: dict[str, Any]) -> str:
    if item.get('rule'):
        group = (item.get('security_group_name')
                 or item.get('security_group_id'))
        return f"{item['side']}: {item['rule']} [{group}]"
    where = f" at the {item['at']}" if item.get('at') else ''
    return f"{item['side']}: {item['decided_by']}{where}"


_BACKENDS = {'ovn': 'OVN', 'openvswitch': 'the openvswitch firewall',
             'iptables_hybrid': 'the iptables_hybrid firewall'}


class Backend(Plain):
    """The back end whose semantics decided, and why that one."""

    def human_readable(self) -> str:
        if isinstance(self._value, str):
            return self._value
        value = self._value or {}
        name = _BACKENDS.get(str(value.get('name')), value.get('name'))
        how = str(value.get('chosen_by') or '')
        if how == '--backend':
            return f'{name}, as asked with --backend'
        if how.startswith('binding:'):
            return f"{name}, as the port's binding shows ({how})"
        return f'{name}: {how}'


class Differences(Plain):
    """Other back ends whose verdict differs, one per line."""

    def human_readable(self) -> str:
        if not self._value:
            return 'none: every back end agrees'
        return lines(
            f"{d['backend']}: {d['verdict']} "
            f"({', '.join(d.get('blocked_at') or []) or d['decided_by']}): "
            f"{d['why']}" for d in self._value)


class Considered(Plain):
    """Every rule considered, with why it did or did not match."""

    def human_readable(self) -> str:
        return lines(
            f"{'MATCH' if c['matched'] else 'no'} {c['id']} "
            f"[{c['security_group_name'] or c['security_group_id']}] "
            f"{c['rule']}: {c['why']}"
            for c in self._value or [])


class Port(Plain):
    """The port judged: who it is and what filters it, a fact a line."""

    def human_readable(self) -> str:
        port = self._value or {}
        flag = port.get('port_security_enabled')
        state = ('unknown (no port-security extension)' if flag is None
                 else 'enabled' if flag else 'disabled')
        said = [f"{port.get('name') or '(no name)'} ({port.get('id')})",
                f"MAC {port.get('mac_address')}",
                'fixed IPs ' + (', '.join(port.get('fixed_ips') or [])
                                or 'none'),
                f'port security {state}']
        groups = port.get('security_group_ids') or []
        said.append('security groups ' + (', '.join(groups) or 'none'))
        if port.get('device_owner'):
            said.append(f"device owner {port['device_owner']}")
        return lines(said)


class Packet(Plain):
    """The packet judged, as a sentence."""

    def human_readable(self) -> str:
        p = self._value or {}
        # reach's packet has no direction; any protocol is None.
        words = [str(p[key]) for key in ('direction', 'ethertype')
                 if p.get(key)]
        words.append(str(p.get('protocol') or 'any protocol'))
        if p.get('port') is not None:
            words.append(f"to port {p['port']}")
        if p.get('icmp_type') is not None:
            words.append(f"type {p['icmp_type']}")
        if p.get('icmp_code') is not None:
            words.append(f"code {p['icmp_code']}")
        ends = [f"{k} {p[key]}" for k, key in
                (('from', 'source_ip'), ('to', 'destination_ip'),
                 ('remote', 'remote_ip'), ('local', 'local_ip'),
                 ('MAC', 'local_mac'), ('source MAC', 'source_mac'),
                 ('destination MAC', 'destination_mac'))
                if p.get(key)]
        return ' '.join(words) + ('\n' + ', '.join(ends) if ends else '')


def _end(value: dict[str, Any]) -> str:
    """A port as a person reads it: its name, else its ID."""
    return str(value.get('name') or value.get('id') or '')


class End(Plain):
    """One end of ``reach`` (its verdict), or a port of a ``matrix`` row."""

    def human_readable(self) -> str:
        value = self._value or {}
        if value.get('outside'):
            return f"{value['address']}: outside Neutron, not evaluated"
        if 'verdict' not in value:
            return _end(value)
        return (f"{_end(value['port'])} ({value['address']}): "
                f"{value['verdict']} ({value['decided_by']})\n"
                f"{value['reason']}")


class Reply(Plain):
    """Whether the reply of a connection comes back, and why."""

    def human_readable(self) -> str:
        value = self._value or {}
        return f"{value.get('verdict') or 'none'}: {value.get('reason')}"


class Fixes(Plain):
    """Commands that would change a verdict.

    For ``reach``, the side each changes and every other port the change
    would also open.
    """

    def human_readable(self) -> str:
        found = []
        for item in self._value or []:
            if isinstance(item, str):
                found.append(item)
                continue
            found.append(f"[{item['side']}] {item['command']}")
            if item.get('also_opens'):
                found.append('  also opens: ' + ', '.join(
                    _end(p) for p in item['also_opens']))
        return lines(found)


class Sides(Plain):
    """Where a packet is blocked, in the order it meets them."""

    def human_readable(self) -> str:
        return ', '.join(str(v) for v in self._value or [])
