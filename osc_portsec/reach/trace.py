"""The ``ovn-trace`` commands that confirm a verdict on the live data plane.

Run by an admin on a node that reaches OVN's southbound database: the
logical switch is ``neutron-<network ID>`` and each logical port is named
by its Neutron port ID (Neutron's OVN driver names them so). A packet
meets conntrack twice on its way (the zone of the port it leaves, then
of the port it enters): each ``--ct`` gives the state reach assumes.
"""

from __future__ import annotations

import shlex

from osc_portsec.explain import backend as _backend
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


def _command(ct: str, network_id: str | None, flow: str) -> str:
    return (f'ovn-trace --ct={ct} --ct={ct} neutron-{network_id} '
            f'{shlex.quote(flow)}')


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
    ct = 'trk,inv' if conntrack.invalid(first) else 'trk,new'
    found = [_command(ct, source.network_id, microflow(
        source.port.id, (flow.source_mac, flow.destination_mac),
        (flow.source_ip, flow.destination_ip), flow.ethertype,
        _l4(flow.protocol, client, flow.port,
            (flow.icmp_type, flow.icmp_code))))]
    shapes, _ = conntrack.reply_shapes(first)
    if result.reply.verdict is not None and shapes:
        shape = shapes[0]
        found.append(_command('trk,est,rpl', source.network_id, microflow(
            destination.port.id, (flow.destination_mac, flow.source_mac),
            (flow.destination_ip, flow.source_ip), flow.ethertype,
            _l4(flow.protocol, flow.port, shape.get('port'),
                (shape.get('icmp_type'), shape.get('icmp_code'))))))
    return found
