"""What each back end decides before any security group rule is read.

Anti-spoofing (which source MAC/IP a port may send from, and on OVN which
destinations it receives), the traffic let through without any rule, and
the traffic banned whatever the rules say. Every rule below names the
Neutron (or OVN) code it encodes.

The packet model has a destination port only, so DHCP is recognised by it:
udp to 67 (547 on IPv6) is a DHCP client's request, udp to 68 (546) a
server's reply.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet

OVN = _backend.OVN
OVS = _backend.OPENVSWITCH
IPT = _backend.IPTABLES_HYBRID

UDP = 17
RA = 134
# ICMPv6 types each back end lets through without a rule.
# openvswitch: firewall.py _initialize_egress_ipv6_icmp
#   (agent/firewall.py ICMPV6_ALLOWED_EGRESS_TYPES + RESTRICTED (NA)) and
#   _initialize_ingress_ipv6_icmp (ICMPV6_ALLOWED_INGRESS_TYPES + RA).
# iptables_hybrid: iptables_firewall.py _spoofing_rule returns every ICMPv6
#   type but RA on egress; _accept_inbound_icmpv6 on ingress, and the RA of
#   the subnet's router (securitygroups_rpc_base._add_ingress_ra_rule).
# ovn: ovn-northd build_acls lets "nd || nd_rs || nd_ra || mldv1 || mldv2"
#   skip the ACLs in both directions.
_OVN_ICMPV6 = frozenset({130, 131, 132, 133, 134, 135, 136, 143})
FREE_ICMPV6 = {
    (OVS, _packet.EGRESS): frozenset({130, 133, 135, 136}),
    (OVS, _packet.INGRESS): frozenset({130, 135, 136, RA}),
    (IPT, _packet.INGRESS): frozenset({130, 135, 136, RA}),
    (OVN, _packet.EGRESS): _OVN_ICMPV6,
    (OVN, _packet.INGRESS): _OVN_ICMPV6,
}
_DHCP_CLIENT = {_packet.IPV4: 67, _packet.IPV6: 547}
_DHCP_SERVER = {_packet.IPV4: 68, _packet.IPV6: 546}
# Unspecified-source ICMPv6 for duplicate address detection
# (neutron_lib ICMPV6_ALLOWED_UNSPEC_ADDR_TYPES).
_DAD_TYPES = frozenset({131, 135, 143})
_BROADCAST = ipaddress.ip_address('255.255.255.255')


def eui64_lla(mac: str) -> str:
    """The IPv6 link-local address a MAC gives.

    As every back end computes it: netutils.get_ipv6_addr_by_EUI64 on
    fe80::/64.
    """
    octets = [int(x, 16) for x in mac.split(':')]
    octets[0] ^= 0x02
    eui = octets[:3] + [0xff, 0xfe] + octets[3:]
    value = int.from_bytes(bytes(eui), 'big')
    return str(ipaddress.IPv6Address((0xfe80 << 112) | value))


def _is_udp_to(packet: _packet.Packet, ports: dict[str, int]) -> bool:
    return (packet.protocol == UDP
            and packet.port == ports.get(packet.ethertype))


def banned(packet: _packet.Packet, backend: str) -> str | None:
    """Why ``backend`` drops this egress packet whatever the rules, or None.

    openvswitch: firewall.py _initialize_egress "Ban dhcp service running on
    an instance" and "Drop Router Advertisements from instances";
    iptables_hybrid: iptables_firewall.py _drop_dhcp_rule and _spoofing_rule
    (RA). Neutron's OVN driver adds no such ACL.
    """
    if packet.direction != _packet.EGRESS or backend == OVN:
        return None
    if _is_udp_to(packet, _DHCP_SERVER):
        return (f'{backend} drops DHCP server replies sent by a VM '
                f'(udp to port {packet.port}) whatever the rules say')
    if packet.protocol == _packet.ICMPV6 and packet.icmp_type == RA:
        return (f'{backend} drops router advertisements sent by a VM '
                f'whatever the rules say')
    return None


def free(packet: _packet.Packet, backend: str) -> str | None:
    """Why ``backend`` lets this packet through without a rule, or None."""
    if packet.protocol == _packet.ICMPV6 and packet.icmp_type is not None:
        if backend == IPT and packet.direction == _packet.EGRESS:
            if packet.icmp_type != RA:
                return ('iptables_hybrid lets every ICMPv6 message but router '
                        'advertisements out of a port')
        elif packet.icmp_type in FREE_ICMPV6.get(
                (backend, packet.direction), ()):
            return (f'{backend} always lets ICMPv6 type {packet.icmp_type} '
                    f'(neighbour discovery / multicast listener) '
                    f'{"in" if packet.direction == "ingress" else "out"}')
    if packet.direction == _packet.INGRESS:
        if _is_udp_to(packet, _DHCP_SERVER) and (
                backend != OVN or packet.remote_ip is None):
            # ovn: only OVN's own DHCP responder bypasses the ACLs; a reply
            # sent by another port (--remote-ip given) meets the rules.
            return (f'{backend} always lets DHCP replies of the network\'s '
                    f'DHCP service in')
    elif backend != OVN and _is_udp_to(packet, _DHCP_CLIENT):
        # ovn: DHCP requests need an egress rule (no bypass ACL).
        return f'{backend} always lets a port\'s DHCP requests out'
    return None


def _in_pair(ip: Any, pair: _facts.Pair) -> bool:
    net = _facts.network(pair.ip_address)
    return ip.version == net.version and ip in net


def _unspecified_ok(packet: _packet.Packet, ip: Any, mac: str,
                    port: _facts.Port) -> str | None:
    if mac != port.mac_address or not ip.is_unspecified:
        return None
    if ip.version == 4 and _is_udp_to(packet, _DHCP_CLIENT):
        return 'a DHCP discovery from 0.0.0.0 with the port\'s MAC'
    if (ip.version == 6 and packet.protocol == _packet.ICMPV6
            and packet.icmp_type in _DAD_TYPES):
        return 'duplicate address detection from :: with the port\'s MAC'
    return None


def _lla_ok(ip: Any, mac: str, port: _facts.Port, backend: str) -> bool:
    if ip.version != 6 or not ip.is_link_local:
        return False
    macs = {port.mac_address}
    if backend == IPT:
        # iptables_firewall.py _build_ipv4v6_mac_ip_list adds the LLA of
        # every MAC, pair MACs included.
        macs |= {p.mac_address for p in port.pairs}
    return mac in macs and str(ip) == eui64_lla(mac)


def source_check(packet: _packet.Packet, port: _facts.Port,
                 backend: str) -> tuple[bool, str]:
    """Egress anti-spoofing: may the port send from (local_mac, local_ip)?

    openvswitch: firewall.py _initialize_egress (dl_src/nw_src pairs);
    iptables_hybrid: iptables_firewall.py _spoofing_rule; ovn:
    ovn_client.py _get_allowed_addresses_from_port (port_security column).
    """
    mac = packet.local_mac or port.mac_address
    if packet.local_ip is None:
        if not port.fixed_ips and backend != OVS and mac == port.mac_address:
            return True, ('the port has no fixed IP, so its MAC may send from '
                          'any address')
        return False, (f'the port has no {packet.ethertype} address to send '
                       f'from')
    ip = ipaddress.ip_address(packet.local_ip)
    special = _unspecified_ok(packet, ip, mac, port)
    if special:
        return True, special
    if mac == port.mac_address and packet.local_ip in port.fixed_ips:
        return True, f'{packet.local_ip} is a fixed IP of the port'
    if _lla_ok(ip, mac, port, backend):
        return True, f'{ip} is the link-local address of MAC {mac}'
    for pair in port.pairs:
        if _in_pair(ip, pair) and mac == pair.mac_address:
            return True, (f'allowed address pair {pair.ip_address} '
                          f'({pair.mac_address}) covers it')
    return False, _spoof_reason(ip, mac, port)


def _spoof_reason(ip: Any, mac: str, port: _facts.Port) -> str:
    for pair in port.pairs:
        if _in_pair(ip, pair):
            return (f'allowed address pair {pair.ip_address} allows {ip} only '
                    f'from MAC {pair.mac_address}, not {mac}')
    if str(ip) in port.fixed_ips:
        return f'{ip} is the port\'s, but {mac} is not the port\'s MAC'
    return (f'{ip} is neither a fixed IP of the port nor inside one of its '
            f'allowed address pairs')


def destination_check(packet: _packet.Packet,
                      port: _facts.Port) -> tuple[bool, str]:
    """OVN only: port security also limits what a port receives.

    OVN's ls_out_port_sec_ip stage lets to a port only IPs of its
    port_security entries (fixed IPs and pairs, from
    ovn_client.py _get_allowed_addresses_from_port), link-local, broadcast
    and multicast.
    """
    if packet.local_ip is None or not port.fixed_ips:
        return True, 'the port has no fixed IP to limit its destinations'
    ip = ipaddress.ip_address(packet.local_ip)
    if ip.is_multicast or ip == _BROADCAST or (
            ip.version == 6 and ip.is_link_local):
        return True, f'{ip} is a multicast, broadcast or link-local address'
    if packet.local_ip in port.fixed_ips:
        return True, f'{ip} is a fixed IP of the port'
    for pair in port.pairs:
        if _in_pair(ip, pair):
            return True, f'allowed address pair {pair.ip_address} covers {ip}'
    return False, (f'OVN delivers to the port only its own addresses, and '
                   f'{ip} is neither a fixed IP nor inside an allowed address '
                   f'pair')
