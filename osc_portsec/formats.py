"""How a value is shown: in words for a person, as plain JSON for a script.

Each class is the formatter of one or more columns of the registry
(:mod:`osc_portsec.columns`). A table gets one item per line, no Python
repr and no nested quotes, ``''`` for a value that is not there; JSON, YAML
and ``-f value`` get the value's structure (``machine_readable`` returns
plain JSON types, None stays null).
"""

from __future__ import annotations

from typing import Any, Iterable

from cliff import columns as cliff_columns


def lines(items: Iterable[Any]) -> str:
    return '\n'.join(str(i) for i in items)


class Plain(cliff_columns.FormattableColumn[Any]):
    """A scalar: ``''`` in a table when absent, null in JSON."""

    def human_readable(self) -> str:
        return '' if self._value is None else str(self._value)

    def machine_readable(self) -> Any:
        return self._value


def _unavailable(extension: str) -> str:
    return f'unavailable (no {extension} extension)'


class _Structured(Plain):
    """A list or dict: its structure in JSON.

    None when the cloud lacks the field (shown as unavailable, naming the
    extension).
    """

    extension = ''

    def human_readable(self) -> str:
        if self._value is None:
            return _unavailable(self.extension) if self.extension else ''
        return self.words(self._value)

    def words(self, value: Any) -> str:
        return lines(value)


class PortSecurity(Plain):
    """``port_security_enabled``; None when the cloud lacks the extension."""

    def human_readable(self) -> str:
        if self._value is None:
            return _unavailable('port-security')
        return str(bool(self._value))

    def machine_readable(self) -> bool | None:
        return None if self._value is None else bool(self._value)


class OnOff(PortSecurity):
    """The port-security flag in a word, for the list: on, off."""

    def human_readable(self) -> str:
        if self._value is None:
            return 'n/a'
        return 'on' if self._value else 'off'


class Lines(_Structured):
    """A list of words or commands: one per line."""


class GroupIds(_Structured):
    """Security group IDs; None when the cloud lacks security groups."""

    extension = 'security-group'


def group_label(group: dict[str, Any]) -> str:
    return f"{group['name']} ({group['id']})" if group.get('name') else (
        str(group['id']))


def pair_label(pair: dict[str, Any]) -> str:
    mac = pair.get('mac_address')
    return f"{pair['ip_address']} ({mac})" if mac else str(
        pair['ip_address'])


class Groups(_Structured):
    """Security groups with names: ``web (ID)`` a line."""

    extension = 'security-group'

    def words(self, value: Any) -> str:
        return lines(group_label(g) for g in value)


class Pairs(_Structured):
    """Allowed address pairs: ``10.0.0.5 (fa:16:3e:..)`` a line."""

    extension = 'allowed-address-pairs'

    def words(self, value: Any) -> str:
        return lines(pair_label(p) for p in value)


class Count(_Structured):
    """A list in a table as its length; the list in JSON."""

    extension = 'allowed-address-pairs'

    def words(self, value: Any) -> str:
        return str(len(value))


class FixedIps(_Structured):
    """Fixed IPs: an address and its subnet a line.

    JSON keeps ``port show``'s shape.
    """

    def words(self, value: Any) -> str:
        return lines(f"{ip.get('ip_address')} (subnet {ip.get('subnet_id')})"
                     for ip in value)


class Dict(_Structured):
    """A flat dict: ``key: value`` a line."""

    def words(self, value: Any) -> str:
        return lines(f'{k}: {"" if v is None else v}'
                     for k, v in value.items())


# What a plain disable is refused with, in words (the Neutron error type
# stays in the JSON for scripts).
_REFUSAL = {
    'AddressPairAndPortSecurityRequired':
        'Neutron refuses a plain disable while the port has allowed '
        'address pairs',
    'PortSecurityPortHasSecurityGroup':
        'Neutron refuses a plain disable while the port has security '
        'groups',
}


class DisableWouldRemove(Plain):
    """What ``port security disable`` would have to remove, and why.

    The value is ``{'security_groups': [{'id', 'name'}],
    'allowed_address_pairs': [...], 'neutron_refuses_plain_disable': type}``
    (a list is None when the cloud lacks its extension), None when port
    security is already off, or ``{'unavailable': 'port-security'}`` when
    the cloud has no port-security extension (disable cannot work there).
    """

    def human_readable(self) -> str:
        value = self._value
        if value is None:
            return 'nothing (port security is not enabled)'
        if 'unavailable' in value:
            return (f"{_unavailable(value['unavailable'])}: disable cannot "
                    f"work on this cloud")
        parts = []
        if value['security_groups']:
            parts.append('security groups ' + ', '.join(
                group_label(g) for g in value['security_groups']))
        if value['allowed_address_pairs']:
            parts.append('allowed address pairs ' + ', '.join(
                pair_label(p) for p in value['allowed_address_pairs']))
        if not parts:
            return 'nothing'
        reason = _REFUSAL.get(value['neutron_refuses_plain_disable'])
        return '\n'.join(parts + ([f'({reason})'] if reason else []))


class Changed(Plain):
    """What a change added, removed, restored and skipped, as structure.

    Scripts read it in JSON; a table shows the ``changes`` column, which
    says the same in words.
    """

    def human_readable(self) -> str:
        value = self._value or {}
        parts = []
        for action in ('added', 'removed', 'restored', 'skipped'):
            items = value.get(action) or {}
            groups = items.get('security_groups') or []
            pairs = items.get('allowed_address_pairs') or []
            if groups:
                parts.append(f'{action} security groups ' + ', '.join(
                    group_label(g) for g in groups))
            if pairs:
                parts.append(f'{action} allowed address pairs ' + ', '.join(
                    pair_label(p) for p in pairs))
        flag = value.get('port_security_enabled') or {}
        if flag.get('before') != flag.get('after'):
            parts.append(f"port_security_enabled {flag.get('before')} -> "
                         f"{flag.get('after')}")
        return '\n'.join(parts) or 'nothing'


# vip


class Members(_Structured):
    """A VIP's members: a member a line, with its pair and state."""

    def words(self, value: Any) -> str:
        out = []
        for m in value:
            flag = m.get('port_security_enabled')
            facts = [f"{m.get('pair') or 'no'} pair"
                     + (' (added by the VIP)' if m.get('pair_added_by_vip')
                        else ''),
                     'port security ' + ('n/a' if flag is None
                                         else 'on' if flag else 'off')]
            if m.get('binding_host_id'):
                facts.append(f"host {m['binding_host_id']}")
            out.append(f"{m.get('name') or m['id']} ({m['id']}): "
                       + ', '.join(facts))
        return lines(out)


class VrrpRules(_Structured):
    """The members' VRRP rules: a rule a line."""

    extension = 'security-group'

    def words(self, value: Any) -> str:
        if not value:
            return 'none'
        return lines(
            f"{r['id']}: ingress {r['ethertype']} "
            f"{r.get('protocol') or 'any'} from "
            + (f"group {r['remote_group_id']}" if r.get('remote_group_id')
               else r.get('remote_ip_prefix') or 'any')
            + f" (group {r['security_group_id']})"
            for r in value)


class HeldBy(Plain):
    """Where Neutron shows the VIP's address active."""

    def human_readable(self) -> str:
        value = self._value
        if not value:
            return 'not shown (no member claimed it, or not visible to you)'
        if value.get('member'):
            return f"member {value['member']} on host {value['host']}"
        candidates = ', '.join(value.get('candidates') or []) or 'none'
        return f"host {value['host']} (members there: {candidates})"


class Named(Plain):
    """A port or network (``{'id', 'name'}``) or an address.

    Its name in a table (the ID when it has none), its ID in JSON, for
    scripts; an address is shown as it is in both.
    """

    def human_readable(self) -> str:
        value = self._value
        if isinstance(value, dict):
            return str(value.get('name') or value.get('id'))
        return '' if value is None else str(value)

    def machine_readable(self) -> Any:
        value = self._value
        return value.get('id') if isinstance(value, dict) else value
