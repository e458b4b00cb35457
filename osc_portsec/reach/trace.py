"""The ``ovn-trace`` commands that confirm a verdict on the live data plane.

Run by an admin on a node that reaches OVN's southbound database: the
logical switch is ``neutron-<network ID>`` and each logical port is named
by its Neutron port ID (Neutron's OVN driver names them so). A packet
meets conntrack up to twice on its way (the zone of the port it leaves,
then of the port it enters): each ``--ct`` gives, in that order, the state
reach assumes where the packet is tracked.
"""

from __future__ import annotations

import shlex

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import evaluate
from osc_portsec.explain import packet as _packet
from osc_portsec.reach import conntrack
from osc_portsec.reach import flow as _flow
from osc_portsec.reach import follow as _follow

_L4 = {6: 'tcp', 17: 'udp', 132: 'sctp'}


def _l4(protocol: int | None, sport: int | None, dport: int | None,
        icmp: tuple[int | None, int | None]) -> list[str]:
    if protocol in _L4:
        name = _L4[protocol]
        return [name] + [f'{name}.{k} == {v}' for k, v in
                         (('src', sport), ('dst', dport)) if v is not None]
    if protocol in (_packet.ICMP, _packet.ICMPV6):
        name = 'icmp4' if protocol == _packet.ICMP else 'icmp6'
        return [name] + [f'{name}.{k} == {v}' for k, v in
                         (('type', icmp[0]), ('code', icmp[1]))
                         if v is not None]
    if protocol is not None:
        return [f'ip.proto == {protocol}']
    return []


def microflow(inport: str, eth: tuple[str, str], ips: tuple[str, str],
              ethertype: str, l4: list[str]) -> str:
    ip = 'ip4' if ethertype == _packet.IPV4 else 'ip6'
    parts = [f'inport == "{inport}"', f'eth.src == {eth[0]}',
             f'eth.dst == {eth[1]}', f'{ip}.src == {ips[0]}',
             f'{ip}.dst == {ips[1]}', 'ip.ttl == 64'] + l4
    return ' && '.join(parts)


def _command(states: list[str], network_id: str | None, flow: str) -> str:
    ct = ''.join(f'--ct={state} ' for state in states)
    return f'ovn-trace {ct}neutron-{network_id} {shlex.quote(flow)}'


def _runs(end: _flow.End, outcome: evaluate.Outcome | None) -> bool:
    """Whether the packet meets conntrack at this end on OVN.

    Every port of a switch with a stateful ACL does, but for the packets a
    stateless ACL lets through (ovn-northd's stateless pre-ACL flows).
    """
    if outcome is None or end.facts is None or end.network_stateful is False:
        return False
    if outcome.decided_by in conntrack.UNFILTERED or conntrack.stateful(
            end.port, end.facts.groups, _backend.OVN):
        return True
    return not (outcome.verdict == evaluate.PASS
                and outcome.decided_by == evaluate.SECURITY_GROUP_RULE)


def _reply_states(result: _follow.Result, source: _flow.End,
                  destination: _flow.End) -> list[str]:
    """The conntrack state the reply meets at each end it is tracked at.

    Where the first packet was tracked the reply is ``est,rpl``; where it
    was not (a stateless ACL let it through), the reply starts a
    connection there: new for UDP and the like, invalid for a TCP SYN-ACK
    or an ICMP reply.
    """
    judged = dict(result.reply.judged)
    first = 'trk,new' if result.flow.protocol not in (
        6, _packet.ICMP, _packet.ICMPV6) else 'trk,inv'
    states = []
    for name, end, forward in (
            (_follow.DESTINATION, destination, result.destination),
            (_follow.SOURCE, source, result.source)):
        if _runs(end, judged.get(name)):
            states.append('trk,est,rpl' if _runs(end, forward) else first)
    return states


def commands(result: _follow.Result, source: _flow.End,
             destination: _flow.End, admin: bool) -> list[str]:
    """The trace of the packet and of its reply.

    [] when not admin, not OVN, or when an end is outside Neutron or on
    another network.
    """
    if (not admin or result.backend != _backend.OVN or source.outside
            or destination.outside
            or source.network_id != destination.network_id):
        return []
    flow = result.flow
    assert flow.source_mac and flow.destination_mac
    client = conntrack.EPHEMERAL[0]
    first = flow.out_of_source()
    state = 'trk,inv' if conntrack.refused(first) else 'trk,new'
    # OVN does not track frames to a broadcast or multicast MAC.
    states = [] if flow.to_multicast_mac else [
        state for end, outcome in ((source, result.source),
                                   (destination, result.destination))
        if _runs(end, outcome)]
    found = [_command(states, source.network_id, microflow(
        source.port.id, (flow.source_mac, flow.destination_mac),
        (flow.source_ip, flow.destination_ip), flow.ethertype,
        _l4(flow.protocol, client, flow.port,
            (flow.icmp_type, flow.icmp_code))))]
    shapes, _ = conntrack.reply_shapes(first)
    if result.reply.verdict is not None and shapes:
        shape = shapes[0]
        found.append(_command(
            _reply_states(result, source, destination), source.network_id,
            microflow(destination.port.id,
                      (flow.destination_mac, flow.source_mac),
                      (flow.destination_ip, flow.source_ip), flow.ethertype,
                      _l4(flow.protocol, flow.port, shape.get('port'),
                          (shape.get('icmp_type'),
                           shape.get('icmp_code'))))))
    return found
