"""The VRRP rule: whether members hear each other, and the rule that lets
them.

keepalived's peers exchange VRRP (IP protocol 112); when a member's
security groups drop it, every member believes it is the master and
claims the address. Whether VRRP passes is decided by ``explain``'s
evaluator, as for any packet. Pure functions; the rule itself is created
by :mod:`osc_portsec.vip.create`.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Sequence

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import evaluate as _evaluate
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet
from osc_portsec.vip import model

# Where VRRP goes: the VRRP multicast group (keepalived's default) or,
# with unicast peers, the other member's own address.
VRRP_GROUP = {'IPv4': '224.0.0.18', 'IPv6': 'ff02::12'}


def equivalent(rules: Sequence[Any], group_id: str, ether: str
               ) -> Any | None:
    """The rule of the group that already lets VRRP in from the group."""
    return next((r for r in rules
                 if model.is_vrrp_rule(r, ether, group_id)), None)


def label(group: tuple[str, str], ether: str) -> str:
    """A VRRP rule in a few words: ``ingress IPv4 vrrp from group web``."""
    return f'ingress {ether} vrrp from group {group[1] or group[0]}'


def command(group: str, ether: str) -> str:
    return (f"openstack security group rule create --ingress --protocol "
            f"vrrp --ethertype {ether} --remote-group {group} {group}")


def fix_commands(ports: Sequence[Any], ether: str) -> list[str]:
    """The commands that let VRRP between all of ``ports``.

    A group every member is in gets a rule admitting VRRP from itself;
    without one, the first member's first group does, and the members not
    in it join it.
    """
    sets = [set(p.security_group_ids or []) for p in ports]
    common = set.intersection(*sets) if sets else set()
    first = list(ports[0].security_group_ids or []) if ports else []
    shared = [g for g in first if g in common]
    if shared:
        return [command(shared[0], ether)]
    group = first[0] if first else '<security-group>'
    return [*(f'openstack port set --security-group {group} {p.id}'
              for p in ports if group not in (p.security_group_ids or [])),
            command(group, ether)]


def fix(ports: Sequence[Any], ether: str) -> str:
    """:func:`fix_commands`, quoted, in a sentence."""
    return ' and '.join(f"'{c}'" for c in fix_commands(ports, ether))


def gaps_warning(gaps: Sequence[Any], ports: Sequence[Any],
                 ether: str) -> str | None:
    if not gaps:
        return None
    names = ', '.join(p.name or p.id for p in gaps)
    return (
        f"No security group rule lets VRRP (IP protocol 112) into member(s) "
        f"{names} from every other member, so members that do not hear "
        f"the master would claim the address too; give --security-group "
        f"<group> (a group for the members) or run {fix(ports, ether)}.")


def _body(resource: Any) -> dict[str, Any]:
    # SDK resources are dicts too, keyed by attribute name: ask for
    # Neutron's names.
    if hasattr(resource, 'to_dict'):
        return dict(resource.to_dict(computed=False, original_names=True))
    return dict(resource)


def _groups(rules: Sequence[Any]) -> dict[str, _facts.Group]:
    by_group: dict[str, list[_facts.Rule]] = {}
    for rule in rules:
        body = _body(rule)
        by_group.setdefault(body.get('security_group_id') or '', []).append(
            _facts.rule_from_body(body))
    return {g: _facts.Group(g, '', rules=tuple(r))
            for g, r in by_group.items()}


def _addresses(port: _facts.Port, ether: str) -> list[str]:
    version = 4 if ether == _packet.IPV4 else 6
    return [ip for ip in port.fixed_ips
            if ipaddress.ip_address(ip).version == version]


def vrrp_packets(sender: _facts.Port, receiver: _facts.Port,
                 ether: str) -> list[_packet.Packet]:
    """VRRP from ``sender``'s addresses, seen entering ``receiver``."""
    return [
        _packet.Packet(direction=_packet.INGRESS, ethertype=ether,
                       protocol=model.VRRP_PROTOCOL, remote_ip=source,
                       local_ip=target)
        for source in _addresses(sender, ether)
        for target in [*_addresses(receiver, ether), VRRP_GROUP[ether]]
    ]


def vrrp_reaches(facts: _facts.Facts, packets: Sequence[_packet.Packet]
                 ) -> bool:
    """Whether one of ``packets`` (one sender) passes under every back end.

    Multicast or unicast: either way of running VRRP is enough. Every back
    end must let it in, since the members' back end is not known before
    they are bound.
    """
    return any(
        all(_evaluate.judge(facts, packet, backend).verdict ==
            _evaluate.PASS for backend in _backend.BACKENDS)
        for packet in packets)


def vrrp_deaf(members: Sequence[Any], rules: Sequence[Any],
              ether: str) -> dict[str, list[Any]]:
    """For each member (by ID), the other members whose VRRP misses it.

    Judged by ``explain``'s evaluator: a VRRP packet (IP protocol 112)
    from each other member's fixed IP to this member (its own address, or
    the VRRP multicast group) against this member's port security and the
    rules of its groups. ``rules`` are the rules of the members' groups.
    The only remote addresses asked about are the members' own fixed IPs,
    so the members themselves are the remote groups' ports that matter.
    """
    groups = _groups(rules)
    subjects = [_facts.port_from_body(_body(m)) for m in members]
    remotes = tuple(_facts.member_from_body(_body(m)) for m in members)
    deaf: dict[str, list[Any]] = {}
    for port, subject in zip(members, subjects):
        facts = _facts.Facts(
            port=subject, members=remotes,
            groups=tuple(groups[g] for g in subject.security_group_ids
                         if g in groups))
        deaf[port.id] = [
            sender for sender, other in zip(members, subjects)
            if other.id != subject.id and not vrrp_reaches(
                facts, vrrp_packets(other, subject, ether))]
    return deaf


def vrrp_gaps(members: Sequence[Any], rules: Sequence[Any],
              ether: str) -> list[Any]:
    """Members that VRRP from another member misses (:func:`vrrp_deaf`)."""
    deaf = vrrp_deaf(members, rules, ether)
    return [port for port in members if deaf[port.id]]


def gaps(members: Sequence[Any], rules: Sequence[Any],
         ether: str) -> str | None:
    """The warning when filtered members cannot hear each other."""
    # Filtered: port security on, or a cloud without the flag (None).
    from osc_portsec import port_state

    live = [p for p in members if port_state.flag(p) is not False]
    if len(live) < 2:
        return None
    return gaps_warning(vrrp_gaps(live, rules, ether), live, ether)
