"""What each back end decides before any security group rule is read.

Anti-spoofing (which source MAC/IP a port may send from, and which
destinations it receives), the traffic let through without any rule, and
the traffic banned whatever the rules say. OVN's port security is in
``ovn.py``; the agents' firewalls are here. Every rule below names the
Neutron (or OVN) code it encodes.

The packet model has a destination port only, so DHCP is recognised by it:
udp to 67 (547 on IPv6) is a DHCP client's request, udp to 68 (546) a
server's reply.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import netaddr

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import ovn
from osc_portsec.explain import packet as _packet

OVN = _backend.OVN
OVS = _backend.OPENVSWITCH
IPT = _backend.IPTABLES_HYBRID

UDP = 17
RA = 134
BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff'
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


def is_group_mac(mac: str) -> bool:
    """Broadcast or multicast: the first octet's lowest bit is set."""
    return bool(netaddr.EUI(mac).words[0] & 1)


def _group_mac(ip: Any) -> str | None:
    """The Ethernet address of a multicast or broadcast IP, else None.

    RFC 1112 (IPv4), RFC 2464 (IPv6).
    """
    if ip == _BROADCAST:
        return BROADCAST_MAC
    if not ip.is_multicast:
        return None
    if ip.version == 4:
        low = int(ip) & 0x7fffff
        return str(netaddr.EUI(0x01005e000000 | low,
                               dialect=netaddr.mac_unix_expanded))
    low = int(ip) & 0xffffffff
    return str(netaddr.EUI(0x333300000000 | low,
                           dialect=netaddr.mac_unix_expanded))


def destination_mac(facts: _facts.Facts, packet: _packet.Packet) -> str:
    """The MAC an ingress frame to ``packet.local_ip`` is naturally sent to.

    The group MAC of a multicast address, the broadcast MAC for
    255.255.255.255 and for the broadcast address of one of the port's
    subnets, the MAC of a pair that alone covers the address (a VRRP
    virtual MAC), else the port's own MAC.
    """
    port = facts.port
    if packet.local_mac or packet.local_ip is None:
        return packet.local_mac or port.mac_address
    ip = ipaddress.ip_address(packet.local_ip)
    found = _group_mac(ip)
    if found:
        return found
    if any(s.broadcast == str(ip) for s in facts.subnets):
        return BROADCAST_MAC
    own = ovn.entries(port)
    for entry in own:
        if any(ip.version == a.version and ip in a.sources[0]
               for a in entry.addresses):
            return entry.mac
    return port.mac_address


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


def _ovn_dhcp_server(facts: _facts.Facts, remote: str | None) -> bool:
    """Whether ``remote`` is OVN's own DHCP server for the port.

    ovn-northd lets the replies of its DHCP responder in without an ACL
    (``ls_out_acl`` priority 34000: "ip4.src == <server_id> && udp.src ==
    67 && udp.dst == 68"); Neutron's server_id is the subnet's gateway IP
    (ovn_client.py _get_ovn_dhcpv4_opts). Not given: that server.
    """
    if remote is None:
        return True
    return any(s.enable_dhcp and s.gateway_ip == remote
               for s in facts.subnets)


def _who(backend: str) -> str:
    """The back end as the subject of a sentence."""
    return {OVN: 'OVN'}.get(backend, f'The {backend} firewall')


def free(packet: _packet.Packet, backend: str,
         facts: _facts.Facts | None = None) -> str | None:
    """Why ``backend`` lets this packet through without a rule, or None."""
    if packet.protocol == _packet.ICMPV6 and packet.icmp_type is not None:
        if backend == IPT and packet.direction == _packet.EGRESS:
            if packet.icmp_type != RA:
                return ('The iptables_hybrid firewall lets every ICMPv6 '
                        'message but router '
                        'advertisements out of a port')
        elif packet.icmp_type in FREE_ICMPV6.get(
                (backend, packet.direction), ()):
            return (f'{_who(backend)} always lets ICMPv6 type '
                    f'{packet.icmp_type} '
                    f'(neighbour discovery / multicast listener) '
                    f'{"in" if packet.direction == "ingress" else "out"}')
    if packet.direction == _packet.INGRESS:
        if _is_udp_to(packet, _DHCP_SERVER) and (
                backend != OVN or (facts is not None and _ovn_dhcp_server(
                    facts, packet.remote_ip)) or packet.remote_ip is None):
            # ovn: only OVN's own DHCP responder bypasses the ACLs; a reply
            # sent by another port meets the rules.
            return (f'{_who(backend)} always lets DHCP replies of the '
                    f'network\'s DHCP service in')
    elif backend != OVN and _is_udp_to(packet, _DHCP_CLIENT):
        # ovn: DHCP requests need an egress rule (no bypass ACL).
        return f'{_who(backend)} always lets a port\'s DHCP requests out'
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


def _lla_macs(port: _facts.Port, backend: str) -> set[str]:
    """MACs whose link-local address the agents' firewalls let out.

    openvswitch: the port's MAC always (firewall.py OFPort.update adds
    ``lla_address``); iptables: each MAC that has an IPv6 address, fixed
    or in a pair (iptables_firewall.py _build_ipv4v6_mac_ip_list).
    """
    if backend == OVS:
        return {port.mac_address}
    macs = {p.mac_address for p in port.pairs
            if _facts.network(p.ip_address).version == 6}
    if any(':' in ip for ip in port.fixed_ips):
        macs.add(port.mac_address)
    return macs


def _agents_source(packet: _packet.Packet, port: _facts.Port,
                   backend: str) -> tuple[bool, str]:
    """The agents' egress anti-spoofing (host bits: the CIDR's network).

    openvswitch: firewall.py _initialize_egress (dl_src/nw_src pairs);
    iptables_hybrid: iptables_firewall.py _spoofing_rule, which also lets
    a port without fixed IPs send from any address with its MAC.
    """
    mac = packet.local_mac or port.mac_address
    if not port.fixed_ips and backend == IPT and mac == port.mac_address:
        return True, ('the port has no fixed IP, so iptables lets its MAC '
                      'send from any address')
    if packet.local_ip is None:
        return False, (f'the port has no {packet.ethertype} address to send '
                       f'from')
    ip = ipaddress.ip_address(packet.local_ip)
    special = _unspecified_ok(packet, ip, mac, port)
    if special:
        return True, special
    if mac == port.mac_address and packet.local_ip in port.fixed_ips:
        return True, f'{packet.local_ip} is a fixed IP of the port'
    if (ip.version == 6 and mac in _lla_macs(port, backend)
            and str(ip) == _facts.eui64_lla(mac)):
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


def source_check(packet: _packet.Packet, port: _facts.Port,
                 backend: str) -> tuple[bool, str]:
    """Egress anti-spoofing: may the port send from (local_mac, local_ip)?"""
    if backend == OVN:
        return ovn.source_check(packet, port)
    return _agents_source(packet, port, backend)


def destination_check(packet: _packet.Packet, port: _facts.Port,
                      backend: str, mac: str) -> tuple[bool, str]:
    """Ingress: is a frame to ``mac`` and ``local_ip`` delivered?

    OVN checks the MAC and the IP (``ovn.py``). The agents' firewalls
    deliver a frame to the port's MACs (its own and its pairs') whatever
    its destination IP, and broadcast and multicast frames.
    """
    if backend == OVN:
        return ovn.destination_check(packet, port, mac)
    macs = {port.mac_address} | {p.mac_address for p in port.pairs}
    if mac in macs or is_group_mac(mac):
        return True, f'the frame goes to MAC {mac}'
    return False, (f'the frame goes to MAC {mac}, which is neither the '
                   f'port\'s MAC nor a MAC of its allowed address pairs')
