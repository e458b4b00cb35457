"""The smallest change at each side that blocks, and what it also opens.

A rule added to a group applies to every port of the group: ``also_opens``
names the group's other filtered ports, to which the rule lets the same
packet (sent from them, for an egress rule; to them, for an ingress one).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable

from osc_portsec.explain import evaluate
from osc_portsec.explain import fixed
from osc_portsec.explain import packet as _packet
from osc_portsec.reach import conntrack
from osc_portsec.reach import flow as _flow
from osc_portsec.reach import follow as _follow


@dataclasses.dataclass(frozen=True)
class Peer:
    """Another port of a group a fix would change."""

    id: str
    name: str
    security_group_ids: tuple[str, ...]
    # Port security on and not a network:* port: a rule changes its
    # traffic (an unfiltered port passes everything already).
    filtered: bool = True


def rule_create(direction: str, flow: _flow.Flow, remote: str,
                group_id: str, dst_port: str | None = None,
                icmp: tuple[int | None, int | None] | None = None) -> str:
    """``openstack security group rule create`` for exactly this packet."""
    words = ['openstack security group rule create', f'--{direction}',
             f'--ethertype {flow.ethertype}',
             f'--protocol {flow.out_of_source().protocol_name}']
    if dst_port is not None:
        words.append(f'--dst-port {dst_port}')
    icmp_type, icmp_code = icmp or (None, None)
    if icmp_type is not None:
        words.append(f'--icmp-type {icmp_type}')
    if icmp_code is not None:
        words.append(f'--icmp-code {icmp_code}')
    bits = 32 if flow.ethertype == _packet.IPV4 else 128
    words += [f'--remote-ip {remote}/{bits}', group_id]
    return ' '.join(words)


def _pair_add(port_id: str, ip: str, mac: str | None) -> str:
    value = f'ip-address={ip}' + (f',mac-address={mac}' if mac else '')
    return (f'openstack port security pair add {port_id} '
            f'--allowed-address {value}')


def _opens(group_id: str, subject: str,
           peers: Iterable[Peer]) -> list[dict[str, str]]:
    return [{'id': p.id, 'name': p.name} for p in peers
            if group_id in p.security_group_ids and p.id != subject
            and p.filtered]


def _rule_fix(side: str, end: _flow.End, command: Any,
              peers: Iterable[Peer]) -> dict[str, Any]:
    port = end.port
    if not port.security_group_ids:
        return {'command': f'openstack port set --security-group '
                           f'<security-group> {port.id}',
                'side': side, 'also_opens': []}
    group = port.security_group_ids[0]
    return {'command': command(group), 'side': side,
            'also_opens': _opens(group, port.id, peers)}


def _forward(side: str, end: _flow.End, outcome: evaluate.Outcome,
             flow: _flow.Flow, backend: str,
             peers: Iterable[Peer]) -> list[dict[str, Any]]:
    source = side == _follow.SOURCE
    packet = flow.out_of_source() if source else flow.into_destination()
    if outcome.decided_by == evaluate.NO_MATCHING_RULE:
        direction = packet.direction
        remote = flow.destination_ip if source else flow.source_ip
        port = None if flow.port is None else str(flow.port)
        return [_rule_fix(side, end, lambda group: rule_create(
            direction, flow, remote, group, port,
            (flow.icmp_type, flow.icmp_code)), peers)]
    if outcome.decided_by == evaluate.ANTI_SPOOFING and not fixed.banned(
            packet, backend):
        port_ = end.port
        ip = flow.source_ip if source else flow.destination_ip
        mac = flow.source_mac if source else flow.destination_mac
        return [{'command': _pair_add(
            port_.id, ip, mac if mac and mac != port_.mac_address and (
                mac != _flow.BROADCAST_MAC) else None),
            'side': side, 'also_opens': []}]
    # Conntrack's drop and the traffic a back end bans: no change of the
    # port's rules or pairs lets it through.
    return []


def _reply(end_name: str, end: _flow.End, outcome: evaluate.Outcome,
           flow: _flow.Flow, peers: Iterable[Peer]) -> list[dict[str, Any]]:
    if outcome.decided_by != evaluate.NO_MATCHING_RULE:
        return []
    at_destination = end_name == _follow.DESTINATION
    direction = _packet.EGRESS if at_destination else _packet.INGRESS
    remote = flow.source_ip if at_destination else flow.destination_ip
    shapes, _ = conntrack.reply_shapes(flow.out_of_source())
    dst_port = icmp = None
    if 'port' in shapes[0]:
        dst_port = '{}:{}'.format(*conntrack.EPHEMERAL)
    else:
        icmp = (shapes[0]['icmp_type'], None)
    return [_rule_fix(_follow.REPLY, end, lambda group: rule_create(
        direction, flow, remote, group, dst_port, icmp), peers)]


def fixes(result: _follow.Result, source: _flow.End,
          destination: _flow.End,
          peers: Iterable[Peer]) -> list[dict[str, Any]]:
    """``[{command, side, also_opens}]``: one change per blocking side."""
    peers = list(peers)
    found: list[dict[str, Any]] = []
    for side, end, outcome in (
            (_follow.SOURCE, source, result.source),
            (_follow.DESTINATION, destination, result.destination)):
        if outcome is not None and outcome.verdict == evaluate.DROP:
            found += _forward(side, end, outcome, result.flow,
                              result.backend, peers)
    ends = {_follow.SOURCE: source, _follow.DESTINATION: destination}
    for name, outcome in result.reply.blocking:
        for item in _reply(name, ends[name], outcome, result.flow, peers):
            # A port without groups blocks both ways: one change is enough.
            if item['command'] not in (f['command'] for f in found):
                found.append(item)
    return found
