"""What a VIP is, in Neutron terms: pure functions of what was read.

The VIP port carries everything the tool needs to find it again in its
tags: the marker tag, one tag per member port, and the VRRP rule it
created (so ``delete`` removes only that rule). Tags, unlike the
description, are filtered by Neutron (``ports(tags=...)``), so ``list``
is one request.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any, Iterable, Sequence, TYPE_CHECKING

from osc_portsec import changes
from osc_portsec.changes import Plan
from osc_portsec.explain import backend as _backend
from osc_portsec.explain import evaluate as _evaluate
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet
from osc_portsec import pairs as _pairs
from osc_portsec import plans

if TYPE_CHECKING:
    from openstack.network.v2.port import Port

TAG = 'osc-portsec-vip'
MEMBER_TAG = 'osc-portsec-vip-member:'
RULE_TAG = 'osc-portsec-vip-rule:'
# Neutron's default max_allowed_address_pair; the API does not expose the
# configured value, so a member is refused before the cloud would refuse
# it half-way through a create.
MAX_PAIRS = 10
# IP protocol 112: VRRP. Neutron accepts the name and the number.
VRRP = ('vrrp', '112')
VRRP_PROTOCOL = 112


def description(name: str) -> str:
    return (
        f"Virtual IP '{name}' reserved by osc-portsec: the address of a "
        f"keepalived/VRRP VIP held by its member ports' allowed address "
        f"pairs; remove with 'openstack port security vip delete'."
    )


def tags(members: Iterable[str], rule_id: str | None) -> list[str]:
    out = [TAG] + [MEMBER_TAG + m for m in dict.fromkeys(members)]
    if rule_id:
        out.append(RULE_TAG + rule_id)
    return out


@dataclasses.dataclass(frozen=True)
class Vip:
    """A VIP port as this tool reads it."""

    id: str
    name: str
    network_id: str
    ip_address: str
    subnet_id: str | None
    members: tuple[str, ...]
    rule_id: str | None
    port: Any = None

    def tags(self, members: Iterable[str] | None = None) -> list[str]:
        return tags(self.members if members is None else members,
                    self.rule_id)


def from_port(port: Port) -> Vip:
    found = list(port.tags or [])
    fixed = (port.fixed_ips or [{}])[0]
    rules = [t[len(RULE_TAG):] for t in found if t.startswith(RULE_TAG)]
    return Vip(
        id=port.id, name=port.name or '', network_id=port.network_id,
        ip_address=fixed.get('ip_address', ''),
        subnet_id=fixed.get('subnet_id'),
        members=tuple(t[len(MEMBER_TAG):] for t in found
                      if t.startswith(MEMBER_TAG)),
        rule_id=rules[0] if rules else None, port=port,
    )


def ethertype(address: str) -> str:
    return 'IPv%d' % ipaddress.ip_address(address).version


def carries(pair: Any, address: str) -> str | None:
    """How ``pair`` carries ``address``: ``'single'``, ``'cidr'`` or None.

    ``'cidr'`` is a wider CIDR pair that covers the address.
    """
    net = ipaddress.ip_interface(pair['ip_address']).network
    ip = ipaddress.ip_address(address)
    if ip not in net:
        return None
    return 'single' if net.num_addresses == 1 else 'cidr'


def vip_pair(port: Port, address: str) -> _pairs.Pair:
    # The member's own MAC: OVN (Neutron 29) refuses other MACs except
    # VRRP's, and keepalived sends from the interface's MAC by default.
    return _pairs.Pair(address, port.mac_address)


def join(port: Port, ref: str, address: str,
         group: tuple[str, str] | None) -> Plan:
    """The VIP's pair, and the group, on a member in one update."""
    plan = plans.pair_add(port, [vip_pair(port, address)], ref)
    current = list(port.security_group_ids or [])
    if group and group[0] not in current:
        plan.attrs['security_group_ids'] = current + [group[0]]
        plan.changes.append(changes.group('add', group[0], group[1]))
    return plan


def leave(port: Port, address: str,
          group: tuple[str, str] | None = None, pair: bool = True) -> Plan:
    """Remove only the VIP's single-IP pair (any MAC), keep every other.

    With ``group`` (a rollback) also the group this run added; without
    ``pair`` (a rollback where the pair was there before) only that group.
    """
    current = list(port.allowed_address_pairs or [])
    kept = [p for p in current
            if not pair or carries(p, address) != 'single']
    attrs: dict[str, Any] = {}
    done = [changes.pair('remove', p['ip_address'], p.get('mac_address'))
            for p in current if p not in kept]
    if done:
        attrs['allowed_address_pairs'] = kept
    groups = list(port.security_group_ids or [])
    if group and group[0] in groups:
        attrs['security_group_ids'] = [g for g in groups if g != group[0]]
        done.append(changes.group('remove', group[0], group[1]))
    return Plan(attrs=attrs, changes=done)


def is_vrrp_rule(rule: Any, ether: str, remote_group: str | None) -> bool:
    """Whether ``rule`` lets VRRP (or any protocol) in from a source.

    The source is ``remote_group``, or anywhere when it is None.
    """
    if rule.direction != 'ingress' or rule.ether_type != ether:
        return False
    if rule.protocol not in (None, *VRRP):
        return False
    if remote_group is not None:
        return (rule.remote_group_id == remote_group
                and not rule.remote_ip_prefix)
    return not rule.remote_group_id and rule.remote_ip_prefix in (
        None, '0.0.0.0/0', '::/0')


def rule_line(rule: Any) -> dict[str, Any]:
    return {
        'id': rule.id, 'security_group_id': rule.security_group_id,
        'protocol': rule.protocol, 'ethertype': rule.ether_type,
        'remote_group_id': rule.remote_group_id,
        'remote_ip_prefix': rule.remote_ip_prefix,
    }


# Where VRRP goes: the VRRP multicast group (keepalived's default) or,
# with unicast peers, the other member's own address.
VRRP_GROUP = {'IPv4': '224.0.0.18', 'IPv6': 'ff02::12'}


def _body(resource: Any) -> dict[str, Any]:
    # SDK resources are dicts too, keyed by attribute name: ask for
    # Neutron's names.
    if hasattr(resource, 'to_dict'):
        return resource.to_dict(computed=False, original_names=True)
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
                       protocol=VRRP_PROTOCOL, remote_ip=source,
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


def vrrp_gaps(members: Sequence[Port], rules: Sequence[Any],
              ether: str) -> list[Port]:
    """Members that VRRP from one of the other members would not reach.

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
    gaps = []
    for port, subject in zip(members, subjects):
        facts = _facts.Facts(
            port=subject, members=remotes,
            groups=tuple(groups[g] for g in subject.security_group_ids
                         if g in groups))
        if not all(vrrp_reaches(facts, vrrp_packets(other, subject, ether))
                   for other in subjects if other.id != subject.id):
            gaps.append(port)
    return gaps
