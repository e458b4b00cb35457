"""Judge one packet against one port under one back end's semantics.

``judge`` is the evaluator other commands reuse (the VIP command asks
whether members' groups let VRRP between them): facts and packet in, an
``Outcome`` out, no I/O. The order of the checks is the order a packet
meets them in Neutron's drivers: port security off, trusted port, banned
traffic, anti-spoofing, traffic let through without a rule, then the
security group rules (allow-only: any rule of any of the port's groups).
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any, NamedTuple

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import fixed
from osc_portsec.explain import packet as _packet

PASS = 'pass'
DROP = 'drop'
PORT_SECURITY_DISABLED = 'port_security_disabled'
TRUSTED_PORT = 'trusted_port'
ANTI_SPOOFING = 'anti_spoofing'
SECURITY_GROUP_RULE = 'security_group_rule'
NO_MATCHING_RULE = 'no_matching_rule'
ALWAYS_ALLOWED = 'always_allowed'
DECIDED_BY = (PORT_SECURITY_DISABLED, TRUSTED_PORT, ANTI_SPOOFING,
              SECURITY_GROUP_RULE, NO_MATCHING_RULE, ALWAYS_ALLOWED)


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


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One back end's verdict on one packet."""

    backend: str
    verdict: str
    decided_by: str
    reason: str
    rule: _facts.Rule | None = None
    group: _facts.Group | None = None
    considered: tuple[Considered, ...] = ()

    @property
    def matching(self) -> tuple[Considered, ...]:
        return tuple(c for c in self.considered if c.matched)

    @property
    def replies(self) -> str:
        """Whether the answers to this packet come back without a rule."""
        if self.decided_by in (PORT_SECURITY_DISABLED, TRUSTED_PORT):
            return 'not filtered'
        if self.decided_by != SECURITY_GROUP_RULE or self.group is None:
            return 'not applicable'
        if self.group.stateful:
            return 'let back: the group is stateful'
        if self.backend == _backend.OPENVSWITCH:
            # firewall.py has no stateless mode: every flow goes through
            # conntrack and ct_state=+est is accepted.
            return ('let back: the openvswitch firewall treats every group '
                    'as stateful')
        return ('need their own rule: the group is stateless')


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


def _rules(facts: _facts.Facts, packet: _packet.Packet, backend: str,
           static: Static) -> Outcome:
    remotes = _Remotes(facts, backend)
    remote = (ipaddress.ip_address(packet.remote_ip)
              if packet.remote_ip else None)
    considered = []
    for rule, group, why in static:
        if why is None:
            why = _remote_why(rule, remote, remotes)
        considered.append(Considered(rule, group, why is None, why or ()))
    winner = next((c for c in considered if c.matched), None)
    if winner:
        return Outcome(
            backend, PASS, SECURITY_GROUP_RULE,
            f'Rule {winner.rule.id} of group {winner.group.name or ""} '
            f'({winner.group.id}) allows it: '
            f'{winner.rule.render(facts.group_names())}.',
            winner.rule, winner.group, tuple(considered))
    if not facts.port.security_group_ids:
        reason = ('The port has no security group, so no rule allows the '
                  'packet.')
    else:
        reason = (f'None of the {len(considered)} rules of the port\'s '
                  f'{len(facts.groups)} security group(s) allows the packet; '
                  f'rules only allow, so it is dropped.')
    return Outcome(backend, DROP, NO_MATCHING_RULE, reason,
                   considered=tuple(considered))


def _before_rules(facts: _facts.Facts, packet: _packet.Packet,
                  backend: str) -> Outcome | None:
    port = facts.port
    if packet.direction == _packet.EGRESS:
        why = fixed.banned(packet, backend)
        if why:
            return Outcome(backend, DROP, ANTI_SPOOFING, f'{why}.')
        ok, why = fixed.source_check(packet, port, backend)
        if not ok:
            return Outcome(backend, DROP, ANTI_SPOOFING,
                           f'Anti-spoofing drops it: {why}.')
    elif backend == _backend.OVN:
        ok, why = fixed.destination_check(packet, port)
        if not ok:
            return Outcome(backend, DROP, ANTI_SPOOFING, f'{why}.')
    why = fixed.free(packet, backend)
    if why:
        return Outcome(backend, PASS, ALWAYS_ALLOWED,
                       f'{why}, with no rule needed.')
    return None


def judge(facts: _facts.Facts, packet: _packet.Packet, backend: str,
          static: Static | None = None) -> Outcome:
    """The verdict of ``backend`` on ``packet`` at ``facts.port``.

    ``packet`` must be complete (``packet.complete``): its ethertype known.
    ``static`` (from ``statics``) saves work when judging under several
    back ends.
    """
    port = facts.port
    if port.port_security_enabled is False:
        # ovn_client.py: no port_security, addresses 'unknown', no port
        # group; firewall.py/iptables_firewall.py: the port is not filtered.
        return Outcome(backend, PASS, PORT_SECURITY_DISABLED,
                       'Port security is disabled on the port, so nothing is '
                       'filtered.')
    if port.port_security_enabled is None and backend == _backend.OVN:
        # A cloud without the port-security extension. OVN reads the
        # missing flag as off (ovn utils.is_port_security_enabled returns
        # None): no drop port group, addresses 'unknown'. The agents'
        # firewalls default it to on (firewall.port_sec_enabled).
        return Outcome(backend, PASS, PORT_SECURITY_DISABLED,
                       'This cloud has no port-security extension, and OVN '
                       'treats a port without the flag as port security '
                       'disabled, so nothing is filtered.')
    if port.device_owner.startswith('network:'):
        # neutron_lib.utils.net.is_port_trusted; ovn utils.is_lsp_trusted,
        # firewall drivers' process_trusted_ports.
        return Outcome(backend, PASS, TRUSTED_PORT,
                       f'The port is owned by {port.device_owner}, which '
                       f'Neutron trusts and does not filter.')
    by_rules = _rules(facts, packet, backend,
                      statics(facts, packet) if static is None else static)
    early = _before_rules(facts, packet, backend)
    if early is None:
        return by_rules
    # --long still lists every rule, with why it did or did not match.
    return dataclasses.replace(early, considered=by_rules.considered)
