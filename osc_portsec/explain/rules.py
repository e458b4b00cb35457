"""Which security group rules match a packet, and why the others do not.

Rules only allow: a packet passes by rule when any rule of any of the
port's groups matches it. The remote side of a rule differs between back
ends (remote groups); everything else is the same everywhere (``statics``
is computed once for all back ends).
"""

from __future__ import annotations

import ipaddress
from typing import Any, NamedTuple

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet


class Considered(NamedTuple):
    """One rule and why it did or did not match the packet.

    ``reason`` is a format string and its arguments, rendered only when
    asked for (``--long``): a port may have thousands of rules.
    """

    rule: _facts.Rule
    group: _facts.Group
    matched: bool
    reason: tuple[Any, ...] = ()

    @property
    def why(self) -> str:
        if self.matched:
            return 'it matches'
        return str(self.reason[0]).format(*self.reason[1:])


class _Remotes:
    """Addresses of remote groups and address groups, built on first use.

    openvswitch and iptables_hybrid take member ports' fixed IPs and their
    pairs' addresses (securitygroups_rpc_base._select_ips_for_remote_group);
    OVN's address sets hold fixed IPs only (ovn_client.py, address sets
    per port group).
    """

    def __init__(self, facts: _facts.Facts, backend: str) -> None:
        self.facts = facts
        self.with_pairs = backend != _backend.OVN
        self.cache: dict[tuple[str, str], list[Any]] = {}

    def group(self, group_id: str) -> list[Any]:
        key = ('group', group_id)
        if key not in self.cache:
            nets = []
            for member in self.facts.members:
                if group_id not in member.security_group_ids:
                    continue
                nets += [_facts.network(ip) for ip in member.fixed_ips]
                if self.with_pairs:
                    nets += [_facts.network(ip) for ip in member.pair_ips]
            self.cache[key] = nets
        return self.cache[key]

    def address_group(self, ag_id: str) -> list[Any]:
        key = ('address_group', ag_id)
        if key not in self.cache:
            self.cache[key] = [
                _facts.network(a)
                for a in self.facts.address_groups.get(ag_id, ())]
        return self.cache[key]


def _in(ip: Any, nets: list[Any]) -> bool:
    return any(ip.version == n.version and ip in n for n in nets)


Why = tuple[Any, ...] | None


def _protocol_why(rule: _facts.Rule, packet: _packet.Packet) -> Why:
    """None when protocol, ports and ICMP type/code match; else why not."""
    if rule.protocol is None:
        return None
    if packet.protocol is None:
        return ('the rule is for {}; the packet\'s protocol is not given '
                '(--protocol)', _facts.protocol_label(rule.protocol))
    if rule.protocol != packet.protocol:
        return ('the rule is for protocol {}',
                _facts.protocol_label(rule.protocol))
    lo, hi = rule.port_range_min, rule.port_range_max
    if rule.protocol in _packet.PORT_PROTOCOLS and (lo, hi) != (None, None):
        # Ports match the destination in both directions (acl.py
        # acl_protocol_and_ports "%s.dst"; rules.py create_port_range_flows).
        low, high = lo or 1, 65535 if hi is None else hi
        if packet.port is None:
            return ('the rule needs destination port {}-{}; none given',
                    low, high)
        if not low <= packet.port <= high:
            return ('destination port {} is outside {}-{}', packet.port,
                    low, high)
    if rule.protocol in (_packet.ICMP, _packet.ICMPV6) and lo is not None:
        # port_range_min/max are the ICMP type/code (acl.py, rules.py
        # create_icmp_flows, iptables_firewall.py _port_arg).
        if packet.icmp_type != lo:
            return ('the rule needs ICMP type {}', lo)
        if hi is not None and packet.icmp_code != hi:
            return ('the rule needs ICMP code {}', hi)
    return None


def _remote_why(rule: _facts.Rule, remote: Any, remotes: _Remotes) -> Why:
    """None when the rule's remote side covers the packet's remote IP.

    The remote is the source of ingress and the destination of egress
    (acl.py acl_remote_ip_prefix "src_or_dst"); a /0 prefix is no limit
    (rules.py is_valid_prefix).
    """
    prefix = rule.prefix
    if prefix is not None and prefix.prefixlen == 0:
        prefix = None
    if prefix is None and not rule.remote_group_id and not (
            rule.remote_address_group_id):
        return None
    if remote is None:
        return ('the rule limits the remote address; none given '
                '(--remote-ip)',)
    if prefix is not None and not _in(remote, [prefix]):
        return ('{} is outside {}', remote, rule.remote_ip_prefix)
    if rule.remote_group_id and not _in(
            remote, remotes.group(rule.remote_group_id)):
        where = 'fixed IPs or pair addresses' if remotes.with_pairs else (
            'fixed IPs')
        return ('{} is not among the {} of the member ports of group {}',
                remote, where, rule.remote_group_id)
    if rule.remote_address_group_id and not _in(
            remote, remotes.address_group(rule.remote_address_group_id)):
        return ('{} is not in address group {}', remote,
                rule.remote_address_group_id)
    return None


def static_why(rule: _facts.Rule, packet: _packet.Packet) -> Why:
    """The part of a match no back end changes.

    Direction, ethertype, protocol, ports and ICMP, in the order of acl.py
    _add_sg_rule_acl_for_port_group.
    """
    if rule.direction != packet.direction:
        return ('the rule is for {} traffic', rule.direction)
    if rule.ethertype != packet.ethertype:
        return ('the rule is for {}', rule.ethertype)
    return _protocol_why(rule, packet)


Static = list[tuple[_facts.Rule, _facts.Group, Why]]


def statics(facts: _facts.Facts, packet: _packet.Packet) -> Static:
    """``static_why`` of every rule of every group, once for all back ends."""
    return [(rule, group, static_why(rule, packet))
            for group in facts.groups for rule in group.rules]


def match(facts: _facts.Facts, packet: _packet.Packet, backend: str,
          static: Static) -> tuple[Considered, ...]:
    """Every rule with whether it matches ``packet`` under ``backend``."""
    remotes = _Remotes(facts, backend)
    remote = (ipaddress.ip_address(packet.remote_ip)
              if packet.remote_ip else None)
    considered = []
    for rule, group, why in static:
        if why is None:
            why = _remote_why(rule, remote, remotes)
        considered.append(Considered(rule, group, why is None, why or ()))
    return tuple(considered)
