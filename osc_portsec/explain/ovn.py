"""OVN's port security, as ovn-controller enforces what Neutron writes.

Neutron writes a port's ``port_security`` column as entries "MAC IP ..."
(ovn_client.py ``_get_allowed_addresses_from_port``): one entry for the
port's MAC with its fixed IPs and every pair stored with that MAC, and one
entry "MAC IP" for each pair stored with another MAC (the "VRRPv3 ..." entry
it writes beside it is rejected as invalid syntax by OVN 23.03).
ovn-controller turns the entries into the flows of its port security tables
(read with ``ovs-ofctl dump-flows`` on the local cloud):

- from the port: the source MAC must be an entry's; when that entry has
  addresses of the packet's IP version, the source IP must be one of them
  (its IPv6 link-local address too, and DHCP discovery and duplicate address
  detection from the unspecified address); an entry without any address lets
  every IP through, an entry with addresses of the other version none;
- to the port: a frame to a broadcast or multicast MAC skips port security
  (``ls_out_check_port_sec`` "eth.mcast"); otherwise the destination MAC
  must be an entry's, and the destination IP one of its addresses,
  255.255.255.255 or 224.0.0.0/4 (IPv6: its link-local address or ff00::/8),
  with the same rule for entries without addresses.

A CIDR written with host bits is matched as its host only
(``10.0.0.130/28`` as ``nw_src=10.0.0.130``, ``2001:db8::85/123`` as
``ipv6_src=2001:db8::85``), an IPv4 one also as the CIDR's broadcast
address to the port (``nw_dst=10.0.0.143``); a CIDR without host bits is
matched as its network.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any

from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet

_ANY_V4 = (ipaddress.ip_network('255.255.255.255/32'),
           ipaddress.ip_network('224.0.0.0/4'))
_ANY_V6 = (ipaddress.ip_network('ff00::/8'),)


@dataclasses.dataclass(frozen=True)
class Address:
    """One address of an entry, as the flows match it."""

    text: str
    # What the port may send from, and what it is delivered.
    sources: tuple[Any, ...]
    destinations: tuple[Any, ...]

    @property
    def version(self) -> int:
        return int(self.sources[0].version)


def address(text: str) -> Address:
    """An address or CIDR of an entry, as ovn-controller matches it."""
    net = _facts.network(text)
    given = ipaddress.ip_interface(text.strip()).ip
    if given == net.network_address:
        return Address(text, (net,), (net,))
    host = ipaddress.ip_network(given)
    if net.version == 6:
        return Address(text, (host,), (host,))
    broadcast = ipaddress.ip_network(net.broadcast_address)
    return Address(text, (host,), (host, broadcast))


@dataclasses.dataclass(frozen=True)
class Entry:
    """One entry of the port_security column: a MAC and its addresses."""

    mac: str
    addresses: tuple[Address, ...] = ()

    def of_version(self, version: int) -> tuple[Address, ...]:
        return tuple(a for a in self.addresses if a.version == version)

    @property
    def lla(self) -> str:
        return _facts.eui64_lla(self.mac)


def entries(port: _facts.Port) -> tuple[Entry, ...]:
    """The entries Neutron writes for ``port`` (MACs compared as MACs)."""
    own = [address(ip) for ip in port.fixed_ips]
    others: dict[str, list[Address]] = {}
    for pair in port.pairs:
        if pair.mac_address == port.mac_address:
            own.append(address(pair.ip_address))
        else:
            others.setdefault(pair.mac_address, []).append(
                address(pair.ip_address))
    return (Entry(port.mac_address, tuple(own)),
            *(Entry(mac, tuple(found)) for mac, found in others.items()))


def _within(ip: Any, nets: tuple[Any, ...]) -> bool:
    return any(ip.version == n.version and ip in n for n in nets)


def _entry(port: _facts.Port, mac: str) -> Entry | None:
    return next((e for e in entries(port) if e.mac == mac), None)


def _special_source(packet: _packet.Packet, ip: Any,
                    entry: Entry) -> str | None:
    if ip.version == 6 and str(ip) == entry.lla:
        return f'{ip} is the link-local address of MAC {entry.mac}'
    if not ip.is_unspecified:
        return None
    if (ip.version == 4 and packet.protocol == 17 and packet.port == 67
            and packet.remote_ip == '255.255.255.255'):
        return f'a DHCP discovery from 0.0.0.0 with MAC {entry.mac}'
    if packet.protocol == _packet.ICMPV6 and packet.icmp_type in (
            131, 135, 143):
        return f'duplicate address detection from :: with MAC {entry.mac}'
    return None


def source_check(packet: _packet.Packet,
                 port: _facts.Port) -> tuple[bool, str]:
    """May the port send ``packet`` (its local MAC and IP) out?"""
    mac = packet.local_mac or port.mac_address
    entry = _entry(port, mac)
    if entry is None:
        return False, (f'{mac} is neither the port\'s MAC nor the MAC of one '
                       f'of its allowed address pairs')
    if not entry.addresses:
        return True, (f'OVN port security lists MAC {mac} without addresses, '
                      f'so it may send from any address')
    if packet.local_ip is None:
        return False, (f'the port has no {packet.ethertype} address to send '
                       f'from')
    ip = ipaddress.ip_address(packet.local_ip)
    if (packet.protocol == _packet.ICMPV6 and packet.icmp_type == 136
            and str(ip) == entry.lla):
        # Measured on OVN 23.03: its flows for an advertisement of the
        # link-local address never match one a VM sends (they carry no
        # dl_src and a hop limit of 225), and the catch-all drops it.
        return False, (f'OVN drops a neighbour advertisement of the '
                       f'link-local address {ip} (an advertisement is taken '
                       f'as advertising its source address)')
    special = _special_source(packet, ip, entry)
    if special and entry.of_version(ip.version):
        return True, special
    for found in entry.of_version(ip.version):
        if _within(ip, found.sources):
            return True, _covered(found, port, 'from')
    return False, _not_from(ip, mac, port, entry)


def _covered(found: Address, port: _facts.Port, way: str) -> str:
    if found.text in port.fixed_ips:
        return f'{found.text} is a fixed IP of the port'
    return f'allowed address pair {found.text} lets the port {way} it'


def _not_from(ip: Any, mac: str, port: _facts.Port, entry: Entry) -> str:
    for other in entries(port):
        if other.mac != mac and any(
                _within(ip, a.sources) for a in other.addresses):
            return (f'OVN lets {ip} out only with MAC {other.mac}, not '
                    f'{mac}')
    if not entry.of_version(ip.version):
        return (f'OVN port security lists no IPv{ip.version} address for '
                f'MAC {mac}, so no IPv{ip.version} packet may leave with it')
    hosts = [a.text for a in entry.addresses if '/' in a.text
             and a.sources[0].prefixlen == a.sources[0].max_prefixlen]
    inside = [h for h in hosts if _within(ip, (_facts.network(h),))]
    if inside:
        return (f'{ip} is inside allowed address pair {inside[0]}, but OVN '
                f'reads a CIDR with host bits as its host only')
    return (f'{ip} is neither a fixed IP of the port nor inside one of its '
            f'allowed address pairs')


def destination_check(packet: _packet.Packet, port: _facts.Port,
                      mac: str) -> tuple[bool, str]:
    """Is a frame to ``mac`` and ``packet.local_ip`` delivered to the port?"""
    if int(mac.split(':')[0], 16) & 1:
        return True, (f'the frame goes to the broadcast or multicast MAC '
                      f'{mac}, which OVN port security does not check')
    entry = _entry(port, mac)
    if entry is None:
        return False, (f'the frame goes to MAC {mac}, which is neither the '
                       f'port\'s MAC nor a MAC of its allowed address pairs')
    if not entry.addresses or packet.local_ip is None:
        return True, (f'OVN port security lists MAC {mac} without addresses, '
                      f'so any address is delivered to it')
    ip = ipaddress.ip_address(packet.local_ip)
    own = entry.of_version(ip.version)
    for found in own:
        if _within(ip, found.destinations):
            return True, _covered(found, port, 'receive')
    if own and (_within(ip, _ANY_V4 + _ANY_V6) or str(ip) == entry.lla):
        return True, f'{ip} is a broadcast, multicast or link-local address'
    return False, _not_to(ip, mac, port, entry)


def _not_to(ip: Any, mac: str, port: _facts.Port, entry: Entry) -> str:
    if not entry.of_version(ip.version):
        return (f'OVN port security lists no IPv{ip.version} address for '
                f'MAC {mac}, so it delivers no IPv{ip.version} packet to it')
    for other in entries(port):
        if other.mac != mac and any(
                _within(ip, a.destinations) for a in other.addresses):
            return (f'OVN delivers {ip} only in frames to MAC {other.mac}, '
                    f'and this frame goes to {mac}')
    return (f'OVN delivers to the port only its own addresses, and {ip} is '
            f'neither a fixed IP nor inside an allowed address pair')
