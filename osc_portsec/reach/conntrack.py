"""What connection tracking adds at an end: first packets it refuses, and
the replies it lets back.

Read in Neutron's drivers and measured on the project's data plane (OVN
23.03 on Open vSwitch 3.1's userspace conntrack, doc/source/reach.rst):

- OVN sends every IP packet of a logical switch that has a stateful ACL (a
  port of the network in a stateful group) through conntrack, in the zone
  of the port it leaves and again of the port it enters, unless a
  stateless ACL matched it; ``ct.inv`` is dropped before any ACL
  (ovn-northd build_acls, priority 65532), for a port with port security
  off too. A packet a stateful group let through is committed, so its
  replies come back without a rule (``ct.est && ct.rpl``).
- openvswitch firewall: every packet of a filtered port goes through
  conntrack and ``ct_state=+inv`` is dropped (firewall.py); it has no
  stateless mode.
- iptables_hybrid: a stateful group drops ``--state INVALID``; a stateless
  group's traffic is NOTRACK (iptables_firewall.py).

Conntrack accepts as the first packet of a connection TCP, UDP, other IP
protocols, and of ICMP only requests: echo, timestamp and information
request on IPv4, echo request on IPv6 (userspace conntrack-icmp.c
icmp4_valid_new / icmp6_valid_new); their code must be 0 there. An echo
reply or an ICMP error that answers no connection is invalid.
"""

from __future__ import annotations

import functools

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import evaluate
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet

CONNTRACK = 'conntrack'
# ICMP requests that open a connection, and the type of their reply.
ICMP_REPLIES = {_packet.ICMP: {8: 0, 13: 14, 15: 16},
                _packet.ICMPV6: {128: 129}}
# The client's source port: Linux's default ephemeral range
# (net.ipv4.ip_local_port_range), where the replies of TCP, UDP and SCTP go.
EPHEMERAL = (32768, 60999)
# ICMPv6 messages OVN and the firewalls let through before conntrack and
# any ACL: neighbour discovery and multicast listener messages.
_ND_MLD = frozenset({130, 131, 132, 133, 134, 135, 136, 143})
UNFILTERED = (evaluate.PORT_SECURITY_DISABLED, evaluate.TRUSTED_PORT)
# The replies of a packet: each the fields that differ, ((field, value),).
Shapes = tuple[tuple[tuple[str, int], ...], ...]


def invalid(packet: _packet.Packet) -> str | None:
    """Why conntrack refuses ``packet`` as a first packet, or None."""
    if packet.protocol not in ICMP_REPLIES or packet.icmp_type is None:
        return None
    kind = 'ICMP' if packet.protocol == _packet.ICMP else 'ICMPv6'
    if packet.protocol == _packet.ICMPV6 and packet.icmp_type in _ND_MLD:
        return None
    if packet.icmp_type not in ICMP_REPLIES[packet.protocol]:
        return (f'{kind} type {packet.icmp_type} answers a connection or is '
                f'unknown to conntrack, and this packet has no connection')
    if packet.icmp_code:
        return (f'conntrack takes {kind} type {packet.icmp_type} only with '
                f'code 0, not {packet.icmp_code}')
    return None


def stateful(port: _facts.Port, groups: tuple[_facts.Group, ...],
             backend: str) -> bool:
    """Whether a filtered port's packets meet conntrack as a stateful group's.

    They are committed, their replies come back, invalid ones drop.
    """
    if backend == _backend.OPENVSWITCH:
        return True
    return bool(groups) and all(g.stateful for g in groups)


def tracked(facts: _facts.Facts, outcome: evaluate.Outcome, backend: str,
            network_stateful: bool | None) -> bool:
    """Whether conntrack sees the packet at this end (and drops it if bad).

    ``network_stateful`` None is taken as True: nearly every network has a
    port in Neutron's default group, which is stateful.
    """
    if outcome.decided_by in UNFILTERED:
        # OVN still tracks the switch's every port when it has a stateful
        # ACL; the firewalls leave an unfiltered port alone.
        return backend == _backend.OVN and network_stateful is not False
    return stateful(facts.port, facts.groups, backend)


def check(facts: _facts.Facts, packet: _packet.Packet,
          outcome: evaluate.Outcome, backend: str,
          network_stateful: bool | None,
          multicast: bool = False) -> evaluate.Outcome:
    """``outcome`` with conntrack's drop of an invalid first packet.

    Only a pass can turn: packets let through before any ACL (neighbour
    discovery, DHCP) never reach conntrack's drop, and OVN does not track
    frames to a broadcast or multicast MAC (``multicast``: ovn-northd's
    pre-ACL flows "eth.mcast", measured too).
    """
    if outcome.verdict != evaluate.PASS or (
            outcome.decided_by == evaluate.ALWAYS_ALLOWED) or (
            multicast and backend == _backend.OVN):
        return outcome
    why = invalid(packet)
    if why is None or not tracked(facts, outcome, backend, network_stateful):
        return outcome
    return evaluate.Outcome(
        backend, evaluate.DROP, CONNTRACK,
        f'Connection tracking at the port drops it whatever the rules say: '
        f'{why}.', considered=outcome.considered)


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
