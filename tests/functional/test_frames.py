"""The frames the differential test sends are well formed (no cloud).

A wrong checksum would make OVS's conntrack call the packet invalid and
drop it: a false "drop" that would look like a filtering verdict.
"""

from __future__ import annotations

import ipaddress
import struct

import pytest

from tests.functional import frames

TOKEN = bytes(range(16))
MAC_A, MAC_B = 'fa:16:3e:00:00:0a', 'fa:16:3e:00:00:0b'


def _fold(data: bytes) -> int:
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return total


def _verify(raw: bytes) -> tuple[int, bytes]:
    """Check every checksum of ``raw``; (IP protocol, layer-4 bytes)."""
    ethertype = struct.unpack('!H', raw[12:14])[0]
    ip = raw[14:]
    if ethertype == 0x0800:
        assert _fold(ip[:20]) == 0xffff
        number, src, dst, l4 = ip[9], ip[12:16], ip[16:20], ip[20:]
        pseudo = src + dst + struct.pack('!BBH', 0, number, len(l4))
    else:
        assert ethertype == 0x86dd
        number, src, dst, l4 = ip[6], ip[8:24], ip[24:40], ip[40:]
        assert struct.unpack('!H', ip[4:6])[0] == len(l4)
        pseudo = src + dst + struct.pack('!IxxxB', len(l4), number)
    if number == 1:
        assert _fold(l4) == 0xffff
    elif number in (6, 17, 58):
        assert _fold(pseudo + l4) == 0xffff
    return number, l4


@pytest.mark.parametrize('protocol,v6,icmp', [
    ('udp', False, None), ('tcp', False, None), ('icmp', False, (8, 0)),
    ('icmp', False, (13, 0)), ('vrrp', False, None), ('47', False, None),
    ('udp', True, None), ('tcp', True, None), ('ipv6-icmp', True, (128, 0)),
    ('ipv6-icmp', True, (135, 0)), ('ipv6-icmp', True, (136, 0)),
    ('ipv6-icmp', True, (134, 0)), ('ipv6-icmp', True, (133, 0)),
])
def test_checksums_and_token(protocol, v6, icmp):
    src, dst = (('2001:db8:77::10', '2001:db8:77::11') if v6
                else ('10.77.0.10', '10.77.0.11'))
    spec = frames.Spec(MAC_A, MAC_B, src, dst, protocol, port=22,
                       icmp_type=icmp and icmp[0],
                       icmp_code=icmp and icmp[1])
    raw = frames.frame(spec, TOKEN, 40001)
    number, l4 = _verify(raw)
    assert number == frames.PROTOCOL_NUMBERS.get(protocol, None) or int(
        protocol)
    assert TOKEN in raw
    if protocol in ('udp', 'tcp'):
        assert struct.unpack('!HH', l4[:4]) == (40001, 22)
    if icmp:
        assert (l4[0], l4[1]) == icmp


def test_solicitation_targets_an_address_no_port_has():
    # To A's solicited-node group: a target in that group that is not A's.
    target = frames.nd_target('ff02::1:ff00:10')
    assert target != '2001:db8:77::10'
    assert ipaddress.IPv6Address(target).packed[-3:] == b'\x00\x00\x10'
    spec = frames.Spec(MAC_B, '33:33:ff:00:00:10', '2001:db8:77::11',
                       'ff02::1:ff00:10', 'ipv6-icmp', icmp_type=135,
                       icmp_code=0)
    _, l4 = _verify(frames.frame(spec, TOKEN))
    assert l4[8:24] == ipaddress.IPv6Address(target).packed
    # Source link-layer address option: the sender's MAC.
    assert l4[24:32] == b'\x01\x01' + bytes.fromhex(MAC_B.replace(':', ''))


def test_dhcp_discover():
    raw, reply = frames.dhcp_discover(MAC_A, TOKEN)
    assert raw[:6] == b'\xff' * 6
    number, l4 = _verify(raw)
    assert number == 17 and struct.unpack('!HH', l4[:4]) == (68, 67)
    bootp = l4[8:]
    assert bootp[:4] == b'\x01\x01\x06\x00' and bootp[4:8] == TOKEN[:4]
    assert reply == b'\x02\x01\x06\x00' + TOKEN[:4]


def test_multicast_macs():
    assert frames.multicast_mac('255.255.255.255') == 'ff:ff:ff:ff:ff:ff'
    assert frames.multicast_mac('224.0.0.18') == '01:00:5e:00:00:12'
    assert frames.multicast_mac('ff02::1:ff00:11') == '33:33:ff:00:00:11'
    assert frames.multicast_mac('10.77.0.10') is None
    assert frames.multicast_mac('2001:db8:77::10') is None
