"""What connection tracking adds between two ends: the replies it lets
back, and what a packet is to it.

Which first packets conntrack refuses is explain's to say, at each end
(:mod:`osc_portsec.explain.conntrack`, applied by ``evaluate.judge``);
here is what only a connection between two ends shows, read in Neutron's
drivers and measured on the project's data plane (OVN 23.03 on Open
vSwitch 3.1's userspace conntrack, doc/source/reach.rst):

- A packet a stateful group let through is committed, so its replies come
  back without a rule (OVN ``ct.est && ct.rpl``); a stateless group needs
  a rule for the reply.
- openvswitch firewall: every packet of a filtered port goes through
  conntrack (firewall.py); it has no stateless mode.
- The replies of TCP, UDP and SCTP go to the client's ephemeral port; an
  ICMP request gets its reply type.
"""

from __future__ import annotations

import functools

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import conntrack as _explain_conntrack
from osc_portsec.explain import evaluate
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet

# ICMP requests that open a connection, and the type of their reply.
ICMP_REPLIES = {_packet.ICMP: {8: 0, 13: 14, 15: 16},
                _packet.ICMPV6: {128: 129}}
# The client's source port: Linux's default ephemeral range
# (net.ipv4.ip_local_port_range), where the replies of TCP, UDP and SCTP go.
EPHEMERAL = (32768, 60999)
UNFILTERED = (evaluate.PORT_SECURITY_DISABLED, evaluate.TRUSTED_PORT)
# The replies of a packet: each the fields that differ, ((field, value),).
Shapes = tuple[tuple[tuple[str, int], ...], ...]


def refused(packet: _packet.Packet) -> bool:
    """Whether a datapath's conntrack refuses ``packet`` as a first packet.

    explain's rule (:mod:`osc_portsec.explain.conntrack`), the one place
    that says which ICMP messages start no connection.
    """
    return _explain_conntrack.refused_anywhere(packet)


def stateful(port: _facts.Port, groups: tuple[_facts.Group, ...],
             backend: str) -> bool:
    """Whether a filtered port's packets meet conntrack as a stateful group's.

    They are committed, their replies come back, invalid ones drop.
    """
    if backend == _backend.OPENVSWITCH:
        return True
    return bool(groups) and all(g.stateful for g in groups)


@functools.lru_cache(maxsize=256)
def shapes(protocol: int | None, icmp_type: int | None,
           icmp_code: int | None) -> tuple[Shapes, str | None]:
    """The replies of a connection of this protocol, and why there is none.

    Each reply is the fields that differ from the first packet, as
    ``((field, value), ...)``; the reason is None but when there is none.
    TCP, UDP and SCTP replies go to the client's source port, any of the
    ephemeral range: both ends of it are judged. An ICMP request gets its
    reply type.
    """
    name = _packet.PROTOCOL_NAMES.get(protocol or -1, str(protocol))
    if protocol is None:
        name = 'any'
    if protocol in _packet.PORT_PROTOCOLS:
        return tuple((('port', p),) for p in EPHEMERAL), None
    if protocol in ICMP_REPLIES:
        reply = ICMP_REPLIES[protocol].get(
            -1 if icmp_type is None else icmp_type)
        if reply is None or icmp_code:
            return (), (f'{name} type {icmp_type} is not a request: '
                        f'nothing answers it')
        return ((('icmp_type', reply), ('icmp_code', 0)),), None
    return (), (f'protocol {name} has no replies the tool follows (only '
                f'TCP, UDP, SCTP and ICMP requests)')


def reply_shapes(packet: _packet.Packet) -> tuple[list[dict], str | None]:
    """:func:`shapes` of ``packet``, each reply as a dict of fields."""
    found, why = shapes(packet.protocol, packet.icmp_type, packet.icmp_code)
    return [dict(shape) for shape in found], why
