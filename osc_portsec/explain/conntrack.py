"""Which ICMP messages connection tracking refuses without a connection.

A security group rule allows what starts a connection; what only belongs
to one (an echo reply, an ICMP error quoting a packet) is let through by
connection tracking when that connection exists, and is *invalid* without
it: OVN drops invalid packets before any ACL (``ct.inv`` at priority
65532 in ``ls_in_acl`` and ``ls_out_acl``), and so does the openvswitch
firewall (``_initialize_tracked_egress``/``_ingress``: ``ct_state=+inv``).
The iptables firewall reads the security group rules before its
``--state INVALID -j DROP`` (``_convert_sgr_to_iptables_rules``), so a rule
still lets such a packet in there.

``explain`` judges a packet on its own, as the first of its connection;
``classify`` says when that cannot pass. The two conntracks differ on
details: Open vSwitch's userspace one (``lib/conntrack.c``
``extract_l4_icmp``/``icmp6``, the ``netdev`` datapath) refuses an echo,
timestamp or information message with a non-zero code and every type it
does not know, while the Linux kernel's (``nf_conntrack_proto_icmp.c``,
``icmpv6``) ignores codes and also starts connections for address-mask
and node-information queries.
"""

from __future__ import annotations

from typing import NamedTuple

from osc_portsec.explain import packet as _packet

USERSPACE = 'netdev'
KERNEL = 'system'

# Neighbour discovery and multicast listener messages: OVN's pre-ACL stage
# and the openvswitch firewall pass them before conntrack, and the kernel
# does not track them.
UNTRACKED_ICMPV6 = frozenset({130, 131, 132, 133, 134, 135, 136, 143})

_ERRORS = {
    _packet.ICMP: frozenset({3, 4, 5, 11, 12}),
    _packet.ICMPV6: frozenset({1, 2, 3, 4}),
}
# (requests that start a connection, their replies), per datapath.
_QUERIES = {
    (_packet.ICMP, USERSPACE): ({8, 13, 15}, {0, 14, 16}),
    (_packet.ICMP, KERNEL): ({8, 13, 15, 17}, {0, 14, 16, 18}),
    (_packet.ICMPV6, USERSPACE): ({128}, {129}),
    (_packet.ICMPV6, KERNEL): ({128, 139}, {129, 140}),
}
_NAMES = {
    (_packet.ICMP, 0): 'an ICMP echo reply',
    (_packet.ICMP, 14): 'an ICMP timestamp reply',
    (_packet.ICMP, 16): 'an ICMP information reply',
    (_packet.ICMP, 18): 'an ICMP address mask reply',
    (_packet.ICMPV6, 129): 'an ICMPv6 echo reply',
    (_packet.ICMPV6, 140): 'an ICMPv6 node information reply',
}


class Refusal(NamedTuple):
    """Why conntrack finds a packet invalid without its connection."""

    # 'reply', 'error' or 'invalid' (never valid, connection or not).
    kind: str
    why: str


def _message(packet: _packet.Packet) -> tuple[int, int, int] | None:
    if packet.protocol not in _ERRORS or packet.icmp_type is None:
        return None
    return packet.protocol, packet.icmp_type, packet.icmp_code or 0


def _one(protocol: int, itype: int, code: int,
         datapath: str) -> Refusal | None:
    label = 'ICMPv6' if protocol == _packet.ICMPV6 else 'ICMP'
    if protocol == _packet.ICMPV6 and itype in UNTRACKED_ICMPV6:
        return None
    if itype in _ERRORS[protocol]:
        return Refusal('error', (
            f'an {label} error (type {itype}) belongs to the connection of '
            f'the packet it quotes, and none exists'))
    starts, replies = _QUERIES[protocol, datapath]
    if code and datapath == USERSPACE and itype in starts | replies:
        return Refusal('invalid', (
            f'Open vSwitch\'s userspace conntrack finds {label} type {itype} '
            f'with code {code} invalid (it accepts code 0 only)'))
    if itype in replies:
        name = _NAMES.get((protocol, itype), f'{label} type {itype}')
        return Refusal('reply', (
            f'{name} only answers a request, and no request opened its '
            f'connection'))
    if itype not in starts:
        return Refusal('invalid', (
            f'conntrack knows no connection that {label} type {itype} '
            f'could start'))
    return None


def classify(packet: _packet.Packet,
             datapath: str | None) -> Refusal | None:
    """Why conntrack refuses ``packet`` without a connection, or None.

    ``datapath`` is the port's ``binding:vif_details`` ``datapath_type``;
    when it is not known (None), the packet is refused if either
    datapath's conntrack refuses it, and the reason says which one.
    """
    found = _message(packet)
    if found is None:
        return None
    if datapath in (USERSPACE, KERNEL):
        return _one(*found, datapath)
    userspace = _one(*found, USERSPACE)
    kernel = _one(*found, KERNEL)
    if userspace is None or kernel is not None:
        return kernel
    return Refusal(userspace.kind, (
        f'{userspace.why}; this port\'s datapath type is not shown to you, '
        f'and on the kernel datapath conntrack would accept it'))


def refused_anywhere(packet: _packet.Packet) -> bool:
    """Whether a datapath's conntrack could refuse ``packet``."""
    return classify(packet, None) is not None
