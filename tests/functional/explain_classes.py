"""The classes of packets the data plane decides beyond the rules.

Each class is a kind of packet or port where OVN's answer does not follow
from the security group rules alone (issue 19): a pair stored with host
bits, a port without fixed IPs, broadcast and multicast destinations,
connection tracking, a pair with a VRRP virtual MAC, and what OVN always
lets in. ``CASES`` holds one or more fixed cases of every class (with the
verdict OVN gives, measured with real packets); ``class_case`` draws a
seeded random case of one class, whose verdict ``explain`` predicts and
the data plane checks (tools/benchmark_explain_dataplane.py), so that a
new class of disagreement shows up as a failing seed.

Peers B and C have port security off unless a case says otherwise; a
case that needs the network to carry a stateful group puts C in one
(``STATEFUL_C``): OVN then sends every unicast packet of the network
through conntrack.
"""

from __future__ import annotations

import random
from typing import Any, Callable

from tests.functional import explain_cases as c

PASS, DROP = c.PASS, c.DROP
RULE, NONE, SPOOF, FREE = c.RULE, c.NONE, c.SPOOF, c.FREE
CT = 'conntrack'

V6_PEER = {'src_ip': c.ADDRESSES['B6']}
ICMP_IN = c.Group('icmpin', (
    c._r(protocol='icmp'), c._r(protocol='ipv6-icmp', ethertype='IPv6'),
    c.EGRESS_ALL, c.EGRESS_ALL6))
COLD_ICMP = c.Group('coldicmp', ICMP_IN.rules, stateful=False)
OPEN = c.OPEN
A_OPEN = c.VM('A', groups=('open',))
A_ICMP = c.VM('A', groups=('icmpin',))
A_COLD = c.VM('A', groups=('coldicmp',))
OFF = c.VM('B', port_security=False)
STATEFUL_C = (OFF, c.VM('C', groups=('open',)))
HOST_BITS = '10.77.0.130/28'
HOST_BITS6 = '2001:db8:77::85/123'


def _case(cid: str, groups: tuple[c.Group, ...], a: c.VM, packet: c.Packet,
          verdict: str, by: str,
          peers: tuple[c.VM, ...] | None = None) -> c.Case:
    return c.Case(cid, groups, a, packet, verdict, by,
                  peers or c.OPEN_PEERS)


def _in(**kw: Any) -> c.Packet:
    return c.Packet('ingress', **kw)


def _out(**kw: Any) -> c.Packet:
    return c.Packet('egress', **kw)


def _host_bits() -> list[c.Case]:
    a = c.VM('A', groups=('open',), pairs=((HOST_BITS, None),))
    a6 = c.VM('A', groups=('open',), pairs=((HOST_BITS6, None),))
    udp = {'protocol': 'udp', 'port': 9}
    return [
        _case('host-bits-egress-host', (OPEN,), a,
              _out(src_ip='10.77.0.130', **udp), PASS, RULE),
        _case('host-bits-egress-network', (OPEN,), a,
              _out(src_ip='10.77.0.131', **udp), DROP, SPOOF),
        _case('host-bits-ingress-host', (OPEN,), a,
              _in(dst_ip='10.77.0.130', **udp), PASS, RULE),
        _case('host-bits-ingress-network', (OPEN,), a,
              _in(dst_ip='10.77.0.129', **udp), DROP, SPOOF),
        _case('host-bits-ingress-its-broadcast', (OPEN,), a,
              _in(dst_ip='10.77.0.143', **udp), PASS, RULE),
        _case('host-bits-v6-host', (OPEN,), a6,
              _out(src_ip='2001:db8:77::85', ipv6=True, **udp), PASS, RULE),
        _case('host-bits-v6-network', (OPEN,), a6,
              _out(src_ip='2001:db8:77::86', ipv6=True, **udp), DROP,
              SPOOF),
        _case('host-bits-v6-ingress-network', (OPEN,), a6,
              _in(dst_ip='2001:db8:77::9f', ipv6=True, **udp), DROP,
              SPOOF),
        _case('network-form-v6', (OPEN,),
              c.VM('A', groups=('open',),
                   pairs=(('2001:db8:77::80/123', None),)),
              _out(src_ip='2001:db8:77::9f', ipv6=True, **udp), PASS, RULE),
    ]


def _no_fixed_ip() -> list[c.Case]:
    bare = c.VM('A', groups=('open',), fixed_ips=False)
    paired = c.VM('A', groups=('open',), fixed_ips=False,
                  pairs=((c.VIP, None),))
    udp = {'protocol': 'udp', 'port': 9}
    return [
        _case('no-fixed-ip-egress-any', (OPEN,), bare,
              _out(src_ip=c.FOREIGN, **udp), PASS, RULE),
        _case('no-fixed-ip-egress-other-mac', (OPEN,), bare,
              _out(src_ip=c.FOREIGN, src_mac=c.SPOOF_MAC, **udp), DROP,
              SPOOF),
        _case('no-fixed-ip-ingress-any', (OPEN,), bare,
              _in(dst_ip=c.FOREIGN, **udp), PASS, RULE),
        _case('no-fixed-ip-with-pair-egress-other', (OPEN,), paired,
              _out(src_ip=c.FOREIGN, **udp), DROP, SPOOF),
        _case('no-fixed-ip-with-pair-egress-pair', (OPEN,), paired,
              _out(src_ip=c.VIP, **udp), PASS, RULE),
    ]


def _broadcast() -> list[c.Case]:
    udp = {'protocol': 'udp', 'port': 9}
    empty = c.VM('A', groups=('empty',))
    return [
        _case('subnet-broadcast', (OPEN,), A_OPEN,
              _in(dst_ip=c.SUBNET_BROADCAST, **udp), PASS, RULE),
        _case('subnet-broadcast-to-port-mac', (OPEN,), A_OPEN,
              _in(dst_ip=c.SUBNET_BROADCAST, dst_mac=c.A_MAC, **udp), DROP,
              SPOOF),
        _case('broadcast-mac-foreign-ip', (OPEN,), A_OPEN,
              _in(dst_ip=c.FOREIGN, dst_mac=c.BROADCAST_MAC, **udp), PASS,
              RULE),
        _case('multicast-mac-foreign-ip', (OPEN,), A_OPEN,
              _in(dst_ip=c.FOREIGN, dst_mac=c.MULTICAST_MAC, **udp), PASS,
              RULE),
        _case('broadcast-mac-still-needs-a-rule', (c.EMPTY,), empty,
              _in(dst_ip=c.FOREIGN, dst_mac=c.BROADCAST_MAC, **udp), DROP,
              NONE),
        _case('limited-broadcast-to-port-mac', (OPEN,), A_OPEN,
              _in(dst_ip='255.255.255.255', dst_mac=c.A_MAC, **udp), PASS,
              RULE),
        _case('v6-other-link-local', (OPEN,), A_OPEN,
              _in(src_ip='fe80::11', dst_ip='fe80::1234', ipv6=True,
                  **udp), DROP, SPOOF),
    ]


def _conntrack() -> list[c.Case]:
    def icmp(t: int, code: int = 0, **kw: Any) -> dict[str, Any]:
        proto = 'ipv6-icmp' if kw.get('ipv6') else 'icmp'
        return dict(protocol=proto, icmp_type=t, icmp_code=code, **kw)

    both = (ICMP_IN, OPEN)
    return [
        _case('echo-request-starts', (ICMP_IN,), A_ICMP, _in(**icmp(8)),
              PASS, RULE),
        _case('unsolicited-echo-reply', (ICMP_IN,), A_ICMP,
              _in(**icmp(0)), DROP, CT),
        _case('icmp-error-without-connection', (ICMP_IN,), A_ICMP,
              _in(**icmp(3, 3)), DROP, CT),
        _case('time-exceeded-without-connection', (ICMP_IN,), A_ICMP,
              _in(**icmp(11)), DROP, CT),
        _case('echo-request-code-1', (ICMP_IN,), A_ICMP,
              _in(**icmp(8, 1)), DROP, CT),
        _case('unknown-icmp-type', (ICMP_IN,), A_ICMP, _in(**icmp(42)),
              DROP, CT),
        _case('v6-unsolicited-echo-reply', (ICMP_IN,), A_ICMP,
              _in(**icmp(129, ipv6=True)), DROP, CT),
        _case('v6-error-without-connection', (ICMP_IN,), A_ICMP,
              _in(**icmp(1, 4, ipv6=True)), DROP, CT),
        _case('egress-unsolicited-echo-reply', (ICMP_IN,), A_ICMP,
              _out(**icmp(0)), DROP, CT),
        _case('echo-reply-to-broadcast-mac', (ICMP_IN,), A_ICMP,
              _in(dst_mac=c.BROADCAST_MAC, **icmp(0)), PASS, RULE),
        _case('stateless-quiet-network-echo-reply', (COLD_ICMP,), A_COLD,
              _in(**icmp(0)), PASS, RULE),
        _case('stateless-stateful-network-echo-reply', (COLD_ICMP, OPEN),
              A_COLD, _in(**icmp(0)), DROP, CT, STATEFUL_C),
        _case('port-security-off-stateful-network', both,
              c.VM('A', port_security=False), _in(**icmp(0)), DROP, CT,
              STATEFUL_C),
        _case('port-security-off-quiet-network', (),
              c.VM('A', port_security=False), _in(**icmp(0)), PASS,
              'port_security_disabled'),
    ]


def _vrrp_mac() -> list[c.Case]:
    a = c.VM('A', groups=('open',), pairs=((c.VIP, c.VRRP_MAC),))
    udp = {'protocol': 'udp', 'port': 9}
    return [
        _case('vrrp-mac-to-vip', (OPEN,), a, _in(dst_ip=c.VIP, **udp), PASS,
              RULE),
        _case('port-mac-to-vip', (OPEN,), a,
              _in(dst_ip=c.VIP, dst_mac=c.A_MAC, **udp), DROP, SPOOF),
        _case('vrrp-mac-to-fixed-ip', (OPEN,), a,
              _in(dst_mac=c.VRRP_MAC, **udp), DROP, SPOOF),
        _case('vrrp-mac-from-fixed-ip', (OPEN,), a,
              _out(src_mac=c.VRRP_MAC, **udp), DROP, SPOOF),
    ]


def _always_allowed() -> list[c.Case]:
    dhcp_out = c.Group('dhcpout', (c._r('egress', protocol='udp', port=67),))
    return [
        _case('ovn-dhcp-offer-in', (dhcp_out,), c.VM('A', groups=('dhcpout',)),
              _in(protocol='udp', port=68, peer=c.DHCP), PASS, FREE),
        _case('nd-advertisement-in-no-group', (), c.VM('A'),
              _in(protocol='ipv6-icmp', icmp_type=136, icmp_code=0,
                  ipv6=True), PASS, FREE),
        _case('nd-advertisement-out-of-own-address', (c.EMPTY,),
              c.VM('A', groups=('empty',)),
              _out(protocol='ipv6-icmp', icmp_type=136, icmp_code=0,
                   ipv6=True), PASS, FREE),
        # OVN 23.03's flows for an advertisement of the link-local address
        # never match one a VM sends.
        _case('nd-advertisement-out-of-link-local', (c.EMPTY,),
              c.VM('A', groups=('empty',)),
              _out(protocol='ipv6-icmp', icmp_type=136, icmp_code=0,
                   ipv6=True, src_ip=c.A_LLA, dst_ip='ff02::1'), DROP,
              SPOOF),
    ]


CASES: tuple[c.Case, ...] = tuple(
    _host_bits() + _no_fixed_ip() + _broadcast() + _conntrack()
    + _vrrp_mac() + _always_allowed())
ALL: tuple[c.Case, ...] = c.CASES + CASES


# -- seeded random cases of every class -------------------------------------

def _pick(rnd: random.Random, *options: Any) -> Any:
    return rnd.choice(options)


def _random_host_bits(rnd: random.Random, cid: str) -> c.Case:
    v6 = rnd.random() < 0.25
    prefix = rnd.randint(26, 30) if not v6 else rnd.randint(122, 126)
    size = 2 ** ((128 if v6 else 32) - prefix)
    host = rnd.randint(1, size - 2)
    base, last = ('2001:db8:77::', 0x80) if v6 else ('10.77.0.', 128)

    def at(offset: int) -> str:
        return f'{base}{last + offset:x}' if v6 else f'{base}{last + offset}'

    pair = f'{at(host)}/{prefix}'
    address = at(_pick(rnd, host, 0, size - 1, (host + 1) % size, size + 3))
    a = c.VM('A', groups=('open',), pairs=((pair, None),))
    if rnd.random() < 0.5:
        packet = _out(protocol='udp', port=9, src_ip=address, ipv6=v6)
    else:
        packet = _in(protocol='udp', port=9, dst_ip=address, ipv6=v6)
    return c.Case(cid, (OPEN,), a, packet, None, None, c.OPEN_PEERS)


def _random_no_fixed_ip(rnd: random.Random, cid: str) -> c.Case:
    pairs = _pick(rnd, (), ((c.VIP, None),), ((c.VIP, c.VRRP_MAC),))
    a = c.VM('A', groups=('open',), fixed_ips=False, pairs=pairs)
    address = _pick(rnd, c.FOREIGN, c.VIP, c.ADDRESSES['A'])
    if rnd.random() < 0.5:
        packet = _out(protocol='udp', port=9, src_ip=address,
                      src_mac=_pick(rnd, None, None, c.SPOOF_MAC,
                                    c.VRRP_MAC))
    else:
        packet = _in(protocol='udp', port=9, dst_ip=address,
                     dst_mac=_pick(rnd, None, c.A_MAC, c.VRRP_MAC))
    return c.Case(cid, (OPEN,), a, packet, None, None, c.OPEN_PEERS)


def _random_broadcast(rnd: random.Random, cid: str) -> c.Case:
    group = _pick(rnd, OPEN, OPEN, c.EMPTY)
    a = c.VM('A', groups=(group.name,))
    packet = _in(protocol='udp', port=9,
                 dst_ip=_pick(rnd, None, c.FOREIGN, c.SUBNET_BROADCAST,
                              '255.255.255.255', '224.0.0.5', '192.0.2.1'),
                 dst_mac=_pick(rnd, None, None, c.BROADCAST_MAC,
                               c.MULTICAST_MAC, c.A_MAC))
    return c.Case(cid, (group,), a, packet, None, None, c.OPEN_PEERS)


_ICMP4 = ((0, 0), (3, 1), (3, 3), (4, 0), (5, 1), (8, 0), (8, 1), (11, 0),
          (12, 0), (13, 0), (14, 0), (15, 0), (17, 0), (42, 0), (0, 2))
_ICMP6 = ((1, 4), (2, 0), (3, 0), (4, 1), (128, 0), (128, 3), (129, 0),
          (139, 0), (200, 0))


def _random_conntrack(rnd: random.Random, cid: str) -> c.Case:
    v6 = rnd.random() < 0.3
    itype, code = rnd.choice(_ICMP6 if v6 else _ICMP4)
    group = _pick(rnd, ICMP_IN, COLD_ICMP, c.EMPTY)
    a = (c.VM('A', port_security=False) if rnd.random() < 0.15
         else c.VM('A', groups=(group.name,)))
    stateful_c = rnd.random() < 0.5
    peers = STATEFUL_C if stateful_c else c.OPEN_PEERS
    groups = (group, OPEN) if stateful_c else (group,)
    kw = dict(protocol='ipv6-icmp' if v6 else 'icmp', icmp_type=itype,
              icmp_code=code, ipv6=v6)
    if rnd.random() < 0.5:
        packet = _out(**kw)
    else:
        packet = _in(dst_mac=c.BROADCAST_MAC if rnd.random() < 0.1
                     else None, **kw)
    return c.Case(cid, groups, a, packet, None, None, peers)


def _random_vrrp_mac(rnd: random.Random, cid: str) -> c.Case:
    pairs = ((c.VIP, c.VRRP_MAC),) + _pick(rnd, (), ((c.FOREIGN, None),))
    a = c.VM('A', groups=('open',), pairs=pairs)
    address = _pick(rnd, c.VIP, c.ADDRESSES['A'], c.FOREIGN)
    if rnd.random() < 0.5:
        packet = _out(protocol='udp', port=9, src_ip=address,
                      src_mac=_pick(rnd, None, c.VRRP_MAC))
    else:
        packet = _in(protocol='udp', port=9, dst_ip=address,
                     dst_mac=_pick(rnd, None, c.A_MAC, c.VRRP_MAC))
    return c.Case(cid, (OPEN,), a, packet, None, None, c.OPEN_PEERS)


def _random_always(rnd: random.Random, cid: str) -> c.Case:
    dhcp_out = c.Group('dhcpout', (c._r('egress', protocol='udp', port=67),)
                       + _pick(rnd, (), (c.SSH,)))
    kind = rnd.randint(0, 2)
    if kind == 0:
        return c.Case(cid, (dhcp_out,), c.VM('A', groups=('dhcpout',)),
                      _in(protocol='udp', port=68, peer=c.DHCP), None, None,
                      c.OPEN_PEERS)
    group = _pick(rnd, c.EMPTY, ICMP_IN)
    a = c.VM('A', groups=(group.name,))
    itype = _pick(rnd, 135, 136) if kind == 1 else _pick(rnd, 133, 134)
    if kind == 1 and rnd.random() < 0.5:
        packet = _in(protocol='ipv6-icmp', icmp_type=itype, icmp_code=0,
                     ipv6=True)
    else:
        packet = _out(protocol='ipv6-icmp', icmp_type=itype, icmp_code=0,
                      ipv6=True, src_ip=c.A_LLA,
                      dst_ip='ff02::2' if itype == 133 else 'ff02::1')
    return c.Case(cid, (group,), a, packet, None, None, c.OPEN_PEERS)


GENERATORS: dict[str, Callable[[random.Random, str], c.Case]] = {
    'rules': c.random_case,
    'host_bits': _random_host_bits,
    'no_fixed_ip': _random_no_fixed_ip,
    'broadcast': _random_broadcast,
    'conntrack': _random_conntrack,
    'vrrp_mac': _random_vrrp_mac,
    'always_allowed': _random_always,
}


def random_cases(seed: int, count: int) -> list[c.Case]:
    """``count`` seeded random cases, the kind in each ID.

    A third are rule sets, the rest are drawn evenly from the classes
    above.
    """
    rnd = random.Random(seed)
    kinds = list(GENERATORS)
    found = []
    for n in range(count):
        kind = 'rules' if rnd.random() < 1 / 3 else rnd.choice(kinds[1:])
        found.append(GENERATORS[kind](rnd, f'{kind}-{seed}-{n}'))
    return found
