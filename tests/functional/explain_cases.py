"""Differential cases for ``explain``: data, replayable on a real data plane.

Each case describes a small lab on one network (IPv4 10.77.0.0/24 and IPv6
2001:db8:77::/64): the port explained, ``A``, and its peers ``B`` and
``C``, their security groups and rules (rules may name another group of
the case as remote group), port security, pairs and device owner; then one
packet and the verdict OVN is expected to give.

Two consumers:

- the API replay (tests/functional/test_explain_cases.py) builds the lab
  in the local cloud and checks that ``explain --backend ovn`` answers
  ``verdict``/``decided_by``;
- a data-plane replay builds the same lab with VMs behind the ports and
  sends ``case.send()``: "from VM S with source IP/MAC, protocol and
  destination port, to D: did it arrive?". It must arrive exactly when
  ``verdict`` is ``pass``.

Peers have port security off unless a case puts them in groups, so they
can send from any address and receive anything: only A's filtering is
under test. ``random_cases(seed, n)`` adds seeded random rule sets and
packets; their verdict is whatever ``explain`` predicts, for the data
plane to confirm.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

V4 = '10.77.0.0/24'
V6 = '2001:db8:77::/64'
ADDRESSES = {
    'A': '10.77.0.10', 'B': '10.77.0.11', 'C': '10.77.0.12',
    'A6': '2001:db8:77::10', 'B6': '2001:db8:77::11',
    'C6': '2001:db8:77::12',
}
VIP = '10.77.0.100'
FOREIGN = '10.77.0.200'
# The subnet's gateway: OVN's DHCP server answers from it.
GATEWAY = '10.77.0.1'
SUBNET_BROADCAST = '10.77.0.255'
BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff'
MULTICAST_MAC = '01:00:5e:01:02:03'
# A packet's peer that is OVN's own DHCP server: the replay sends a DHCP
# discover from A and watches for OVN's offer coming back.
DHCP = 'dhcp'
VRRP_MAC = '00:00:5e:00:01:0a'
SPOOF_MAC = 'fa:16:3e:de:ad:01'
# The IPv6 link-local address and the MAC of A are only known once the
# port exists: these placeholders are resolved by the replay.
A_LLA = 'A-lla'
A_MAC = 'A-mac'


@dataclasses.dataclass(frozen=True)
class Rule:
    direction: str
    protocol: str | None = None
    ports: tuple[int, int] | None = None
    icmp: tuple[int, int | None] | None = None
    remote_ip_prefix: str | None = None
    remote_group: str | None = None
    ethertype: str = 'IPv4'

    def create_args(self, group_ids: dict[str, str]) -> list[str]:
        """``openstack security group rule create`` options."""
        args = [f'--{self.direction}', '--ethertype', self.ethertype,
                '--protocol', self.protocol or 'any']
        if self.ports:
            args += ['--dst-port', f'{self.ports[0]}:{self.ports[1]}']
        if self.icmp:
            args += ['--icmp-type', str(self.icmp[0])]
            if self.icmp[1] is not None:
                args += ['--icmp-code', str(self.icmp[1])]
        if self.remote_ip_prefix:
            args += ['--remote-ip', self.remote_ip_prefix]
        if self.remote_group:
            args += ['--remote-group', group_ids[self.remote_group]]
        return args


@dataclasses.dataclass(frozen=True)
class Group:
    name: str
    rules: tuple[Rule, ...] = ()
    stateful: bool = True


@dataclasses.dataclass(frozen=True)
class VM:
    name: str
    groups: tuple[str, ...] = ()
    port_security: bool = True
    pairs: tuple[tuple[str, str | None], ...] = ()
    device_owner: str = ''
    # False: the port has no fixed IP (the VM keeps its address).
    fixed_ips: bool = True


@dataclasses.dataclass(frozen=True)
class Packet:
    """One packet, seen from A.

    ``src_ip``/``src_mac``: the sender's source when not its own;
    ``dst_ip``: the destination when not the receiver's own; ``dst_mac``
    (ingress): the frame's destination MAC when not the one the address
    naturally goes to (given to explain as ``--local-mac``).
    """

    direction: str
    protocol: str | None = None
    port: int | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None
    peer: str = 'B'
    src_ip: str | None = None
    src_mac: str | None = None
    dst_ip: str | None = None
    ipv6: bool = False
    dst_mac: str | None = None


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    groups: tuple[Group, ...]
    a: VM
    packet: Packet
    verdict: str | None
    decided_by: str | None
    peers: tuple[VM, ...] = ()

    def _ip(self, name: str) -> str:
        if name == DHCP:
            return GATEWAY
        return ADDRESSES[name + ('6' if self.packet.ipv6 else '')]

    def send(self) -> dict[str, Any]:
        """The packet for a data plane: who sends what to whom."""
        p = self.packet
        sender, receiver = (p.peer, 'A') if p.direction == 'ingress' else (
            'A', p.peer)
        return {
            'from': sender, 'to': receiver,
            'src_ip': p.src_ip or self._ip(sender), 'src_mac': p.src_mac,
            'dst_ip': p.dst_ip or self._ip(receiver),
            'protocol': p.protocol or 'any', 'port': p.port,
            'icmp_type': p.icmp_type, 'icmp_code': p.icmp_code,
            'dst_mac': p.dst_mac,
        }

    def explain_args(self) -> list[str]:
        """``openstack port security explain <A>`` options for the case."""
        sent = self.send()
        p = self.packet
        args = [f'--{p.direction}']
        if p.protocol:
            args += ['--protocol', p.protocol]
        for option, value in (('--port', p.port),
                              ('--icmp-type', p.icmp_type),
                              ('--icmp-code', p.icmp_code)):
            if value is not None:
                args += [option, str(value)]
        remote, local = ((sent['src_ip'], sent['dst_ip'])
                         if p.direction == 'ingress'
                         else (sent['dst_ip'], sent['src_ip']))
        args += ['--remote-ip', remote, '--local-ip', local]
        if p.direction == 'egress' and p.src_mac:
            args += ['--local-mac', p.src_mac]
        if p.direction == 'ingress' and p.dst_mac:
            args += ['--local-mac', p.dst_mac]
        return args


def _r(direction: str = 'ingress', protocol: str | None = None,
       port: int | None = None, **kw: Any) -> Rule:
    return Rule(direction, protocol, (port, port) if port else None, **kw)


SSH = _r(protocol='tcp', port=22)
EGRESS_ALL = _r('egress')
EGRESS_ALL6 = _r('egress', ethertype='IPv6')
WEB = Group('web', (SSH, _r(protocol='tcp', port=80), EGRESS_ALL,
                    EGRESS_ALL6))
EMPTY = Group('empty')
OPEN = Group('open', (_r(), _r(ethertype='IPv6'), EGRESS_ALL, EGRESS_ALL6))
PEERS = Group('peers', (_r(remote_group='peers'), EGRESS_ALL))
MEMBER_B = VM('B', groups=('peers', 'open'))
# Peers that send from any address and receive anything.
OPEN_PEERS = (VM('B', port_security=False), VM('C', port_security=False))
A_WEB = VM('A', groups=('web',))


def _case(cid: str, groups: tuple[Group, ...], a: VM, packet: Packet,
          verdict: str, decided_by: str,
          peers: tuple[VM, ...] | None = None) -> Case:
    return Case(cid, groups, a, packet, verdict, decided_by,
                peers or OPEN_PEERS)


def _ingress(**kw: Any) -> Packet:
    return Packet('ingress', **kw)


def _egress(**kw: Any) -> Packet:
    return Packet('egress', **kw)


PASS, DROP = 'pass', 'drop'
RULE, NONE = 'security_group_rule', 'no_matching_rule'
SPOOF, FREE = 'anti_spoofing', 'always_allowed'


def _port_security_cases() -> list[Case]:
    off = VM('A', port_security=False)
    trusted = VM('A', groups=('empty',), device_owner='network:appliance')
    return [
        _case('psec-off-ingress-tcp', (), off,
              _ingress(protocol='tcp', port=22), PASS,
              'port_security_disabled'),
        _case('psec-off-egress-spoofed', (), off,
              _egress(protocol='udp', port=53, src_ip=FOREIGN), PASS,
              'port_security_disabled'),
        _case('psec-off-ingress-foreign-dst', (), off,
              _ingress(protocol='udp', port=9, dst_ip=FOREIGN), PASS,
              'port_security_disabled'),
        _case('trusted-ingress-tcp', (EMPTY,), trusted,
              _ingress(protocol='tcp', port=22), PASS, 'trusted_port'),
        _case('trusted-egress-spoofed', (EMPTY,), trusted,
              _egress(protocol='udp', port=53, src_ip=FOREIGN), PASS,
              'trusted_port'),
    ]


def _spoofing_cases() -> list[Case]:
    vip = VM('A', groups=('web',), pairs=((VIP, None),))
    cidr = VM('A', groups=('web',), pairs=(('10.77.0.128/25', None),))
    vmac = VM('A', groups=('web',), pairs=((VIP, VRRP_MAC),))
    return [
        _case('egress-own-address', (WEB,), A_WEB,
              _egress(protocol='udp', port=53), PASS, RULE),
        _case('egress-foreign-ip', (WEB,), A_WEB,
              _egress(protocol='udp', port=53, src_ip=FOREIGN), DROP,
              SPOOF),
        _case('egress-foreign-mac', (WEB,), A_WEB,
              _egress(protocol='udp', port=53, src_mac=SPOOF_MAC), DROP,
              SPOOF),
        _case('egress-peer-ip', (WEB,), A_WEB,
              _egress(protocol='udp', port=53, src_ip=ADDRESSES['C']),
              DROP, SPOOF),
        _case('egress-pair-ip', (WEB,), vip,
              _egress(protocol='udp', port=53, src_ip=VIP), PASS, RULE),
        _case('egress-pair-ip-foreign-mac', (WEB,), vip,
              _egress(protocol='udp', port=53, src_ip=VIP,
                      src_mac=SPOOF_MAC), DROP, SPOOF),
        _case('egress-cidr-pair', (WEB,), cidr,
              _egress(protocol='udp', port=53, src_ip='10.77.0.201'), PASS,
              RULE),
        _case('egress-outside-cidr-pair', (WEB,), cidr,
              _egress(protocol='udp', port=53, src_ip='10.77.0.99'), DROP,
              SPOOF),
        _case('egress-vrrp-mac-pair', (WEB,), vmac,
              _egress(protocol='udp', port=53, src_ip=VIP,
                      src_mac=VRRP_MAC), PASS, RULE),
        _case('egress-vrrp-pair-port-mac', (WEB,), vmac,
              _egress(protocol='udp', port=53, src_ip=VIP), DROP, SPOOF),
        _case('ingress-foreign-dst', (OPEN,), VM('A', groups=('open',)),
              _ingress(protocol='udp', port=9, dst_ip=FOREIGN), DROP,
              SPOOF),
        _case('ingress-pair-dst', (OPEN,),
              VM('A', groups=('open',), pairs=((VIP, None),)),
              _ingress(protocol='udp', port=9, dst_ip=VIP), PASS, RULE),
        _case('ingress-cidr-pair-dst', (OPEN,),
              VM('A', groups=('open',), pairs=(('10.77.0.128/25', None),)),
              _ingress(protocol='udp', port=9, dst_ip='10.77.0.201'), PASS,
              RULE),
        _case('egress-v6-own', (WEB,), A_WEB,
              _egress(protocol='udp', port=53, ipv6=True), PASS, RULE),
        _case('egress-v6-foreign', (WEB,), A_WEB,
              _egress(protocol='udp', port=53, ipv6=True,
                      src_ip='2001:db8:77::99'), DROP, SPOOF),
        _case('egress-v6-link-local', (WEB,), A_WEB,
              _egress(protocol='udp', port=53, ipv6=True, src_ip=A_LLA,
                      dst_ip='fe80::1'), PASS, RULE),
    ]


def _rule_cases() -> list[Case]:
    ssh_lan = Group('lan', (_r(protocol='tcp', port=22,
                               remote_ip_prefix='10.77.0.0/28'),))
    out_prefix = Group('out', (_r('egress', remote_ip_prefix='10.77.0.8/30'),))
    rng = Group('range', (Rule('ingress', 'udp', (5000, 5100)),))
    ping = Group('ping', (_r(protocol='icmp', icmp=(8, None)),))
    ping0 = Group('ping0', (_r(protocol='icmp', icmp=(8, 0)),))
    icmp_any = Group('icmp', (_r(protocol='icmp'),))
    vrrp = Group('vrrp', (_r(protocol='vrrp'),))
    num112 = Group('num112', (_r(protocol='112'),))
    gre = Group('gre', (_r(protocol='gre'),))
    ping6 = Group('ping6', (_r(protocol='ipv6-icmp', ethertype='IPv6'),))
    udp_in = Group('udpin', (_r(protocol='udp'),))
    dns_out = Group('dns', (_r('egress', protocol='udp', port=53),))
    two = (Group('g1', (SSH,)), Group('g2', (_r(protocol='tcp', port=443),)))
    a = VM('A', groups=('web',))

    def one(group: Group, packet: Packet, verdict: str, by: str,
            cid: str) -> Case:
        return _case(cid, (group,), VM('A', groups=(group.name,)), packet,
                     verdict, by)

    return [
        _case('tcp-22-allowed', (WEB,), a, _ingress(protocol='tcp', port=22),
              PASS, RULE),
        _case('tcp-80-allowed', (WEB,), a, _ingress(protocol='tcp', port=80),
              PASS, RULE),
        _case('tcp-8080-dropped', (WEB,), a,
              _ingress(protocol='tcp', port=8080), DROP, NONE),
        _case('udp-22-dropped', (WEB,), a,
              _ingress(protocol='udp', port=22), DROP, NONE),
        _case('icmp-no-rule', (WEB,), a,
              _ingress(protocol='icmp', icmp_type=8, icmp_code=0), DROP,
              NONE),
        _case('empty-group-drops', (EMPTY,), VM('A', groups=('empty',)),
              _ingress(protocol='tcp', port=22), DROP, NONE),
        _case('no-group-drops', (), VM('A'),
              _ingress(protocol='udp', port=9), DROP, NONE),
        _case('no-group-egress-drops', (), VM('A'),
              _egress(protocol='udp', port=9), DROP, NONE),
        _case('second-group-allows', two,
              VM('A', groups=('g1', 'g2')),
              _ingress(protocol='tcp', port=443), PASS, RULE),
        _case('neither-group-allows', two,
              VM('A', groups=('g1', 'g2')),
              _ingress(protocol='tcp', port=8443), DROP, NONE),
        _case('egress-rule-not-ingress', (Group('eg', (EGRESS_ALL,)),),
              VM('A', groups=('eg',)), _ingress(protocol='udp', port=9),
              DROP, NONE),
        one(ssh_lan, _ingress(protocol='tcp', port=22), PASS, RULE,
            'prefix-source-inside'),
        one(ssh_lan, _ingress(protocol='tcp', port=22, src_ip=FOREIGN),
            DROP, NONE, 'prefix-source-outside'),
        one(out_prefix, _egress(protocol='udp', port=9), PASS, RULE,
            'prefix-destination-inside'),
        one(out_prefix, _egress(protocol='udp', port=9, peer='C'), DROP,
            NONE, 'prefix-destination-outside'),
        one(rng, _ingress(protocol='udp', port=5000), PASS, RULE,
            'range-low-end'),
        one(rng, _ingress(protocol='udp', port=5100), PASS, RULE,
            'range-high-end'),
        one(rng, _ingress(protocol='udp', port=5101), DROP, NONE,
            'range-above'),
        one(rng, _ingress(protocol='udp', port=4999), DROP, NONE,
            'range-below'),
        one(dns_out, _egress(protocol='udp', port=53), PASS, RULE,
            'egress-destination-port'),
        one(dns_out, _egress(protocol='udp', port=54), DROP, NONE,
            'egress-other-port'),
        one(ping, _ingress(protocol='icmp', icmp_type=8, icmp_code=0), PASS,
            RULE, 'icmp-echo-type'),
        one(ping, _ingress(protocol='icmp', icmp_type=13, icmp_code=0),
            DROP, NONE, 'icmp-other-type'),
        one(ping0, _ingress(protocol='icmp', icmp_type=8, icmp_code=0),
            PASS, RULE, 'icmp-type-and-code'),
        one(icmp_any, _ingress(protocol='icmp', icmp_type=13, icmp_code=0),
            PASS, RULE, 'icmp-any-type'),
        one(vrrp, _ingress(protocol='vrrp'), PASS, RULE, 'vrrp-by-name'),
        one(num112, _ingress(protocol='vrrp'), PASS, RULE,
            'vrrp-by-number'),
        one(vrrp, _ingress(protocol='gre'), DROP, NONE, 'vrrp-not-gre'),
        one(gre, _ingress(protocol='47'), PASS, RULE, 'gre-by-number'),
        one(udp_in, _ingress(protocol='udp', port=9, ipv6=True), DROP, NONE,
            'ipv4-rule-not-ipv6'),
        one(ping6, _ingress(protocol='ipv6-icmp', icmp_type=128,
                            icmp_code=0, ipv6=True), PASS, RULE,
            'icmpv6-echo'),
        one(ping6, _ingress(protocol='icmp', icmp_type=8, icmp_code=0),
            DROP, NONE, 'icmpv6-rule-not-icmp'),
        one(udp_in, _ingress(protocol='udp', port=67, src_ip='10.77.0.2'),
            PASS, RULE, 'udp-to-67-by-rule'),
        one(Group('tcp', (_r(protocol='tcp'),)),
            _ingress(protocol='udp', port=68), DROP, NONE,
            'dhcp-reply-from-peer-needs-rule'),
        one(dns_out, _egress(protocol='udp', port=67,
                             src_ip='0.0.0.0', dst_ip='255.255.255.255'),
            DROP, NONE, 'dhcp-discover-needs-egress-rule'),
        _case('dhcp-discover-with-egress-rule', (WEB,), a,
              _egress(protocol='udp', port=67, src_ip='0.0.0.0',
                      dst_ip='255.255.255.255'), PASS, RULE),
        _case('vm-dhcp-server-by-rule', (WEB,), a,
              _egress(protocol='udp', port=68), PASS, RULE),
    ]


def _remote_group_cases() -> list[Case]:
    a = VM('A', groups=('peers',))
    with_pair = (VM('B', groups=('peers', 'open'), pairs=((VIP, None),)),)
    return [
        _case('remote-group-member', (PEERS, OPEN), a,
              _ingress(protocol='udp', port=9), PASS, RULE, (MEMBER_B,)),
        _case('remote-group-vrrp', (PEERS, OPEN), a,
              _ingress(protocol='vrrp'), PASS, RULE, (MEMBER_B,)),
        _case('remote-group-non-member', (PEERS, OPEN), a,
              _ingress(protocol='udp', port=9), DROP, NONE),
        _case('remote-group-member-ip-spoofed', (PEERS, OPEN), a,
              _ingress(protocol='udp', port=9, peer='C',
                       src_ip=ADDRESSES['B']), PASS, RULE,
              (MEMBER_B, VM('C', port_security=False))),
        _case('remote-group-pair-not-on-ovn', (PEERS, OPEN), a,
              _ingress(protocol='udp', port=9, src_ip=VIP), DROP, NONE,
              with_pair),
        _case('remote-group-egress', (Group('eg-peers', (
            _r('egress', remote_group='open'),)), OPEN),
            VM('A', groups=('eg-peers',)),
            _egress(protocol='udp', port=9), PASS, RULE,
            (VM('B', groups=('open',)),)),
        _case('remote-group-egress-non-member', (Group('eg-peers', (
            _r('egress', remote_group='open'),)), OPEN),
            VM('A', groups=('eg-peers',)),
            _egress(protocol='udp', port=9, peer='C'), DROP, NONE,
            (VM('B', groups=('open',)), VM('C', port_security=False))),
        _case('self-group-member', (PEERS,), a,
              _ingress(protocol='udp', port=9), PASS, RULE,
              (VM('B', groups=('peers',)),)),
    ]


def _stateless_cases() -> list[Case]:
    cold = (Group('cold', (_r(protocol='udp', port=9),), stateful=False),)
    return [
        _case('stateless-ingress-allowed', cold, VM('A', groups=('cold',)),
              _ingress(protocol='udp', port=9), PASS, RULE),
        _case('stateless-egress-no-rule', cold, VM('A', groups=('cold',)),
              _egress(protocol='udp', port=9), DROP, NONE),
    ]


def _always_allowed_cases() -> list[Case]:
    a = VM('A', groups=('empty',))
    return [
        # ovn-northd lets neighbour discovery and MLD skip the ACLs.
        _case('nd-solicitation-out', (EMPTY,), a,
              _egress(protocol='ipv6-icmp', icmp_type=135, icmp_code=0,
                      ipv6=True, dst_ip='ff02::1:ff00:11'), PASS, FREE),
        _case('nd-advertisement-in', (EMPTY,), a,
              _ingress(protocol='ipv6-icmp', icmp_type=136, icmp_code=0,
                       ipv6=True), PASS, FREE),
        _case('nd-solicitation-in', (EMPTY,), a,
              _ingress(protocol='ipv6-icmp', icmp_type=135, icmp_code=0,
                       ipv6=True), PASS, FREE),
        # ... router solicitations and advertisements too, even from a VM
        # (the openvswitch and iptables firewalls drop a VM's RA).
        _case('ra-out', (EMPTY,), a,
              _egress(protocol='ipv6-icmp', icmp_type=134, icmp_code=0,
                      ipv6=True, src_ip=A_LLA, dst_ip='ff02::1'), PASS,
              FREE),
        _case('rs-out', (EMPTY,), a,
              _egress(protocol='ipv6-icmp', icmp_type=133, icmp_code=0,
                      ipv6=True, src_ip=A_LLA, dst_ip='ff02::2'), PASS,
              FREE),
        _case('icmpv6-echo-needs-rule', (EMPTY,), a,
              _ingress(protocol='ipv6-icmp', icmp_type=128, icmp_code=0,
                       ipv6=True), DROP, NONE),
    ]


CASES: tuple[Case, ...] = tuple(
    _port_security_cases() + _spoofing_cases() + _rule_cases()
    + _remote_group_cases() + _stateless_cases() + _always_allowed_cases())


def random_cases(seed: int, count: int) -> list[Case]:
    """``count`` seeded random rule sets and packets.

    Their verdicts are unknown (``None``): ``explain`` predicts them, the
    data plane checks them.
    """
    rnd = random.Random(seed)
    return [random_case(rnd, f'random-{seed}-{n}') for n in range(count)]


def random_case(rnd: random.Random, cid: str) -> Case:
    """One random rule set and packet (see ``random_cases``)."""
    rules = tuple(_random_rule(rnd) for _ in range(rnd.randint(0, 5)))
    pairs = ((VIP, None),) if rnd.random() < 0.3 else ()
    peers = (MEMBER_B, OPEN_PEERS[1]) if rnd.random() < 0.3 else (
        OPEN_PEERS)
    return Case(cid, (Group('rand', rules), PEERS, OPEN),
                VM('A', groups=('rand',), pairs=pairs), _random_packet(rnd),
                None, None, peers)


def _random_rule(rnd: random.Random) -> Rule:
    protocol = rnd.choice((None, 'tcp', 'udp', 'icmp', 'vrrp'))
    ports = None
    if protocol in ('tcp', 'udp') and rnd.random() < 0.7:
        low = rnd.choice((9, 22, 53, 80, 5000))
        ports = (low, low + rnd.choice((0, 0, 10)))
    icmp = (8, None) if protocol == 'icmp' and rnd.random() < 0.5 else None
    remote = rnd.random()
    return Rule(rnd.choice(('ingress', 'egress')), protocol, ports, icmp,
                remote_ip_prefix=('10.77.0.8/29' if remote < 0.2 else None),
                remote_group=('peers' if 0.2 <= remote < 0.4 else None))


def _random_packet(rnd: random.Random) -> Packet:
    protocol = rnd.choice(('tcp', 'udp', 'udp', 'icmp', 'vrrp'))
    port = rnd.choice((9, 22, 53, 80, 5005)) if protocol in (
        'tcp', 'udp') else None
    icmp = (8, 0) if protocol == 'icmp' else (None, None)
    direction = rnd.choice(('ingress', 'egress'))
    src = rnd.choice((None, None, None, VIP, FOREIGN))
    return Packet(direction, protocol, port, icmp[0], icmp[1],
                  src_ip=src if direction == 'egress' else None)
