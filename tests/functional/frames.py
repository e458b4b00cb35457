"""Any packet an explain case describes, as a real frame, and its arrival.

``packets.py`` covers UDP and ping with one helper process per check; the
differential replay sends many packets of many kinds, so here the test
process itself holds one raw socket in each VM's namespace (a socket stays
in the namespace it was made in) and builds every frame byte by byte:
UDP, a TCP SYN, ICMP and ICMPv6 of any type and code, neighbour
solicitations and advertisements, a DHCP discover, VRRP and any other IP
protocol by number, over IPv4 or IPv6, from any source MAC and IP.

Each frame carries a random token; "arrived" means a frame with that token
came in on the receiving VM's interface (what the VM's NIC was handed,
before its own kernel looks at it). Every checksum is right, since OVS's
userspace conntrack treats a bad one as invalid and drops the packet.
"""

from __future__ import annotations

import ctypes
import dataclasses
import ipaddress
import os
import select
import socket
import struct
import time
from typing import Any

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
CLONE_NEWNET = 0x40000000
BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff'
# Neutron's protocol names that are not plain numbers here.
PROTOCOL_NUMBERS = {'tcp': 6, 'udp': 17, 'icmp': 1, 'ipv6-icmp': 58,
                    'icmpv6': 58, 'vrrp': 112, 'gre': 47, 'sctp': 132}
# An ND option type no one defines: it carries the token and is skipped by
# every parser (OVS's included).
_TOKEN_OPTION = 253

_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f'setns: {os.strerror(err)}')


def netns_socket(namespace: str, interface: str) -> socket.socket:
    """A raw packet socket on ``interface`` inside ``namespace``."""
    own = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
    target = os.open(f'/run/netns/{namespace}', os.O_RDONLY)
    try:
        _setns(target)
        try:
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                 socket.htons(ETH_P_ALL))
            sock.bind((interface, ETH_P_ALL))
        finally:
            _setns(own)
    finally:
        os.close(own)
        os.close(target)
    sock.setblocking(False)
    return sock


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of ``data``."""
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def _mac(text: str) -> bytes:
    return bytes.fromhex(text.replace(':', ''))


def multicast_mac(ip: str) -> str | None:
    """The Ethernet address of a multicast or broadcast IP, else None."""
    addr = ipaddress.ip_address(ip)
    if addr.version == 4:
        if ip == '255.255.255.255':
            return BROADCAST_MAC
        if addr.is_multicast:
            low = addr.packed[1:]
            return '01:00:5e:' + ':'.join(
                f'{b:02x}' for b in (low[0] & 0x7f, low[1], low[2]))
        return None
    if addr.is_multicast:
        return '33:33:' + ':'.join(f'{b:02x}' for b in addr.packed[12:])
    return None


@dataclasses.dataclass(frozen=True)
class Spec:
    """One packet: addresses, protocol and what identifies its arrival."""

    src_mac: str
    dst_mac: str
    src_ip: str
    dst_ip: str
    protocol: str = 'udp'
    port: int | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None


def _l4(spec: Spec, token: bytes, sport: int) -> tuple[int, bytes]:
    """(IP protocol number, the layer-4 bytes) without the checksum."""
    v6 = ':' in spec.dst_ip
    name = (spec.protocol or 'any').lower()
    if name == 'any':
        name = 'udp'
    if name == 'icmp' and v6:
        name = 'ipv6-icmp'
    number = PROTOCOL_NUMBERS.get(name)
    if number is None:
        number = int(name)
    if number == 17:
        dport = spec.port if spec.port is not None else 9
        return number, struct.pack('!HHHH', sport, dport, 8 + len(token),
                                   0) + token
    if number == 6:
        dport = spec.port if spec.port is not None else 9
        # A SYN carrying the token (legal, and seen as a new connection).
        return number, struct.pack('!HHIIBBHHH', sport, dport,
                                   int.from_bytes(token[:4], 'big'), 0,
                                   5 << 4, 0x02, 64240, 0, 0) + token
    if number in (1, 58):
        default = 8 if number == 1 else 128
        itype = spec.icmp_type if spec.icmp_type is not None else default
        code = spec.icmp_code or 0
        return number, struct.pack('!BBH', itype, code, 0) + _icmp_body(
            number, itype, spec, token)
    # VRRP, GRE and anything else: the token as the payload.
    return number, token


def _quoted(spec: Spec, token: bytes) -> bytes:
    """The datagram an ICMP error quotes.

    UDP from the error's receiver to its sender (the packet the error
    answers), so that conntrack reads a well-formed inner header and looks
    for that connection.
    """
    src = ipaddress.ip_address(spec.dst_ip).packed
    dst = ipaddress.ip_address(spec.src_ip).packed
    udp = struct.pack('!HHHH', 33000, 9, 8 + len(token), 0) + token
    udp = _l4_checksum(17, src, dst, udp)
    if len(src) == 4:
        header = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0,
                             0x4000, 64, 17, 0, src, dst)
        return (header[:10] + struct.pack('!H', checksum(header))
                + header[12:] + udp)
    return struct.pack('!IHBB16s16s', 0x60000000, len(udp), 17, 64, src,
                       dst) + udp


# ICMP errors, which carry the packet they answer (RFC 792, RFC 4443).
ICMP_ERRORS = {1: frozenset({3, 4, 5, 11, 12}),
               58: frozenset({1, 2, 3, 4})}


def _icmp_body(number: int, itype: int, spec: Spec, token: bytes) -> bytes:
    if itype in ICMP_ERRORS[number]:
        # Unused (or MTU, pointer, gateway) word, then the quoted packet.
        return b'\0' * 4 + _quoted(spec, token)
    if number == 1 and itype == 13:
        # Timestamp: identifier, sequence, three timestamps.
        return struct.pack('!HHIII', 1, 1, 0, 0, 0) + token
    if number == 58 and itype in (133, 134, 135, 136):
        option = struct.pack('!BB', _TOKEN_OPTION, 3) + token + b'\0' * (
            22 - len(token))
        if itype == 133:
            return b'\0' * 4 + option
        if itype == 134:
            # Hop limit 64, no flags, router lifetime 0 (not a default
            # router), no reachable or retransmission time.
            return struct.pack('!BBHII', 64, 0, 0, 0, 0) + option
        if itype == 135:
            target = nd_target(spec.dst_ip)
            lla = struct.pack('!BB', 1, 1) + _mac(spec.src_mac)
            return (b'\0' * 4 + ipaddress.IPv6Address(target).packed
                    + lla + option)
        # A solicited advertisement of the sender's own address.
        lla = struct.pack('!BB', 2, 1) + _mac(spec.src_mac)
        return (struct.pack('!I', 0x60000000)
                + ipaddress.IPv6Address(spec.src_ip).packed + lla + option)
    # Echo and the rest: identifier and sequence, then the token.
    return struct.pack('!HH', 1, 1) + token


def nd_target(dst_ip: str) -> str:
    """The target of a neighbour solicitation sent to ``dst_ip``.

    An address no port has, so that OVN's own ND responder (which answers
    for the ports' addresses) lets the solicitation travel to the VM
    instead of replying itself; for a solicited-node group, one of the
    group's addresses.
    """
    addr = ipaddress.IPv6Address(dst_ip)
    base = int(ipaddress.IPv6Address('2001:db8:77::9900:0'))
    if addr in ipaddress.IPv6Network('ff02::1:ff00:0/104'):
        return str(ipaddress.IPv6Address(base | int(addr) & 0xffffff))
    return str(ipaddress.IPv6Address(base | 0x99))


def _l4_checksum(number: int, src: bytes, dst: bytes, l4: bytes) -> bytes:
    offsets = {17: 6, 6: 16, 1: 2, 58: 2}
    if number not in offsets:
        return l4
    if number == 1:
        pseudo = b''
    elif len(src) == 4:
        pseudo = src + dst + struct.pack('!BBH', 0, number, len(l4))
    else:
        pseudo = src + dst + struct.pack('!IxxxB', len(l4), number)
    value = checksum(pseudo + l4)
    if number == 17 and value == 0:
        value = 0xffff
    at = offsets[number]
    return l4[:at] + struct.pack('!H', value) + l4[at + 2:]


def frame(spec: Spec, token: bytes, sport: int = 40000) -> bytes:
    """The Ethernet frame of ``spec``, carrying ``token``."""
    src = ipaddress.ip_address(spec.src_ip).packed
    dst = ipaddress.ip_address(spec.dst_ip).packed
    number, l4 = _l4(spec, token, sport)
    l4 = _l4_checksum(number, src, dst, l4)
    if len(src) == 4:
        header = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 0,
                             0x4000, 255 if number == 112 else 64, number,
                             0, src, dst)
        header = (header[:10] + struct.pack('!H', checksum(header))
                  + header[12:])
        ethertype = 0x0800
    else:
        # Neighbour discovery must come with hop limit 255.
        header = struct.pack('!IHBB16s16s', 0x60000000, len(l4), number,
                             255, src, dst)
        ethertype = 0x86dd
    return (_mac(spec.dst_mac) + _mac(spec.src_mac)
            + struct.pack('!H', ethertype) + header + l4)


def dhcp_discover(mac: str, token: bytes) -> tuple[bytes, bytes]:
    """A DHCPDISCOVER from ``mac`` and what starts an answer to it.

    The token is in the discover's file field; an answer is a BOOTREPLY
    with the discover's transaction ID.
    """
    xid = token[:4]
    bootp = (struct.pack('!BBBB', 1, 1, 6, 0) + xid + b'\0' * 4
             + b'\0' * 16 + _mac(mac) + b'\0' * 10 + b'\0' * 64
             + token.ljust(128, b'\0') + bytes.fromhex('63825363')
             + bytes((53, 1, 1, 255)))
    udp = struct.pack('!HHHH', 68, 67, 8 + len(bootp), 0) + bootp
    src = ipaddress.IPv4Address('0.0.0.0').packed
    dst = ipaddress.IPv4Address('255.255.255.255').packed
    udp = _l4_checksum(17, src, dst, udp)
    header = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64,
                         17, 0, src, dst)
    header = header[:10] + struct.pack('!H', checksum(header)) + header[12:]
    raw = (_mac(BROADCAST_MAC) + _mac(mac) + struct.pack('!H', 0x0800)
           + header + udp)
    return raw, struct.pack('!BBBB', 2, 1, 6, 0) + xid


def drain(sock: socket.socket) -> None:
    while True:
        try:
            sock.recv(65535)
        except BlockingIOError:
            return


def seen(sock: socket.socket, pattern: bytes) -> bool:
    """Whether an incoming frame with ``pattern`` is waiting on ``sock``."""
    while True:
        try:
            data, addr = sock.recvfrom(65535)
        except BlockingIOError:
            return False
        if addr[2] != PACKET_OUTGOING and pattern in data:
            return True


def arrives(out: socket.socket, frames: list[bytes],
            watch: list[tuple[socket.socket, bytes]],
            window: float, every: float = 0.25) -> bool:
    """Whether a frame sent arrived.

    ``frames`` are sent in turn every ``every`` s on ``out`` until one of
    the ``watch`` sockets receives its pattern, or ``window`` s pass.
    """
    for sock, _ in watch:
        drain(sock)
    end = time.monotonic() + window
    n = 0
    next_send = 0.0
    while True:
        now = time.monotonic()
        if now >= end:
            return False
        if now >= next_send:
            out.send(frames[n % len(frames)])
            n += 1
            next_send = now + every
        ready, _, _ = select.select([s for s, _ in watch], [], [],
                                    max(0.0, min(next_send, end) - now))
        for sock, pattern in watch:
            if sock in ready and seen(sock, pattern):
                return True


def fresh_token() -> bytes:
    return os.urandom(16)


def describe(spec: Spec) -> dict[str, Any]:
    return dataclasses.asdict(spec)
