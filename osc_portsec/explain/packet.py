"""The packet ``explain`` judges, checked and normalised before any request.

Protocol names and numbers come from Neutron's own map, so a name the user
types means what the same name in a security group rule means.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from typing import Any, Mapping

INGRESS = 'ingress'
EGRESS = 'egress'
IPV4 = 'IPv4'
IPV6 = 'IPv6'

# neutron_lib/constants.py IP_PROTOCOL_MAP (neutron-lib 5.0), copied rather
# than imported: neutron-lib is far too heavy for a client plugin.
IP_PROTOCOL_MAP: Mapping[str, int] = {
    'ah': 51, 'dccp': 33, 'egp': 8, 'esp': 50, 'gre': 47, 'hopopt': 0,
    'icmp': 1, 'igmp': 2, 'ip': 0, 'ipip': 4, 'ipv6-encap': 41,
    'ipv6-frag': 44, 'ipv6-icmp': 58, 'icmpv6': 58, 'ipv6-nonxt': 59,
    'ipv6-opts': 60, 'ipv6-route': 43, 'ospf': 89, 'pgm': 113, 'rsvp': 46,
    'sctp': 132, 'tcp': 6, 'udp': 17, 'udplite': 136, 'vrrp': 112,
}
# neutron_lib IP_PROTOCOL_NUM_TO_NAME_MAP: the canonical name of a number.
PROTOCOL_NAMES: Mapping[int, str] = {
    num: name for name, num in IP_PROTOCOL_MAP.items()
    if name not in ('icmpv6', 'ip')
}
ICMP = 1
ICMPV6 = 58
# The protocols whose destination port a rule can match on every backend
# (neutron/common/ovn/acl.py TRANSPORT_PROTOCOLS).
PORT_PROTOCOLS = {6: 'tcp', 17: 'udp', 132: 'sctp'}
# Names the API takes for "any protocol" (neutron/common/_constants.py
# SG_RULE_PROTO_ANY).
ANY_NAMES = ('', 'any')
# Protocols Neutron refuses on IPv4 rules
# (securitygroups_db._validate_ethertype_and_protocol).
IPV6_ONLY = {41, 43, 44, 58, 59, 60}

# The notations of switches, hypervisors and ``ip link``.
_MAC_FORMS = (
    re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$'),
    re.compile(r'^[0-9a-f]{2}(-[0-9a-f]{2}){5}$'),
    re.compile(r'^[0-9a-f]{4}(\.[0-9a-f]{4}){2}$'),
    re.compile(r'^[0-9a-f]{12}$'),
)


class InvalidPacket(ValueError):
    """A value of the packet that cannot be judged; the message says why."""


@dataclasses.dataclass(frozen=True)
class Packet:
    """One packet, seen from the port.

    ``remote_ip`` is the other end (the source of ingress, the destination
    of egress); ``local_ip``/``local_mac`` the VM's side (the destination
    IP and MAC of ingress, the source of egress). None means "not given":
    only a rule that matches any value matches it.
    """

    direction: str
    ethertype: str
    protocol: int | None = None
    port: int | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None
    remote_ip: str | None = None
    local_ip: str | None = None
    local_mac: str | None = None

    @property
    def protocol_name(self) -> str:
        if self.protocol is None:
            return 'any'
        return PROTOCOL_NAMES.get(self.protocol, str(self.protocol))

    def to_dict(self) -> dict[str, Any]:
        body = dataclasses.asdict(self)
        body['protocol'] = self.protocol_name
        return body


def protocol_number(value: str | int | None,
                    ethertype: str | None) -> int | None:
    """The IP protocol number ``value`` names, as Neutron reads a rule.

    On IPv6, ``icmp`` and ``1`` mean ICMPv6 (58): Neutron rewrites them so
    (securitygroups_db._get_ip_proto_name_and_num).
    """
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ANY_NAMES:
        return None
    if text.isdigit():
        number = int(text)
        if number > 255:
            raise InvalidPacket(
                f"Protocol number {value} is out of range; use 0-255 or a "
                f"name such as tcp, udp or icmp.")
    elif text in IP_PROTOCOL_MAP:
        number = IP_PROTOCOL_MAP[text]
    else:
        names = ', '.join(sorted(IP_PROTOCOL_MAP))
        raise InvalidPacket(
            f"Unknown protocol '{value}'; use a number 0-255 or one of "
            f"{names}.")
    if ethertype == IPV6 and number == ICMP:
        return ICMPV6
    return number


def _address(value: str | None, option: str) -> Any:
    if value is None:
        return None
    try:
        if '%' in value:
            # Python accepts an IPv6 scope (fe80::1%eth0); Neutron does not.
            raise ValueError(value)
        return ipaddress.ip_address(value.strip())
    except ValueError:
        raise InvalidPacket(
            f"{option} '{value}' is not a valid IP address; give one address "
            f"such as 10.0.0.5 or 2001:db8::5.") from None


def normalise_mac(value: str) -> str:
    """``value`` as lower-case colon form, the form Neutron reports."""
    text = value.strip().lower()
    if not any(p.match(text) for p in _MAC_FORMS):
        raise InvalidPacket(
            f"'{value}' is not a valid MAC address; use six hex octets such "
            f"as fa:16:3e:12:34:56.")
    digits = re.sub('[^0-9a-f]', '', text)
    return ':'.join(digits[i:i + 2] for i in range(0, 12, 2))


def _ethertype(addresses: list[Any], given: str | None,
               protocol: str | None) -> str | None:
    versions = {a.version for a in addresses if a is not None}
    if len(versions) > 1:
        raise InvalidPacket(
            "--remote-ip and --local-ip are of different IP versions; give "
            "two IPv4 or two IPv6 addresses.")
    found = {4: IPV4, 6: IPV6}[versions.pop()] if versions else None
    if given and found and given != found:
        raise InvalidPacket(
            f"--ethertype {given} contradicts the {found} address given; "
            f"drop --ethertype or give {given} addresses.")
    if found or given:
        return found or given
    number = protocol_number(protocol, None)
    return IPV6 if number in IPV6_ONLY else None


def _check_ports(number: int | None, port: int | None,
                 icmp_type: int | None, icmp_code: int | None) -> None:
    if port is not None:
        if number not in PORT_PROTOCOLS:
            raise InvalidPacket(
                f"--port {port} needs --protocol tcp, udp or sctp; other "
                f"protocols have no destination port.")
        if not 0 <= port <= 65535:
            raise InvalidPacket(
                f"--port {port} is out of range; use 0-65535.")
    for option, value in (('--icmp-type', icmp_type),
                          ('--icmp-code', icmp_code)):
        if value is None:
            continue
        if number not in (ICMP, ICMPV6):
            raise InvalidPacket(
                f"{option} {value} needs --protocol icmp or ipv6-icmp.")
        if not 0 <= value <= 255:
            raise InvalidPacket(
                f"{option} {value} is out of range; use 0-255.")
    if icmp_code is not None and icmp_type is None:
        raise InvalidPacket(
            f"--icmp-code {icmp_code} needs --icmp-type too, as a security "
            f"group rule's ICMP code does.")


def parse(direction: str, protocol: str | None = None,
          port: int | None = None, icmp_type: int | None = None,
          icmp_code: int | None = None, remote_ip: str | None = None,
          local_ip: str | None = None, local_mac: str | None = None,
          ethertype: str | None = None) -> Packet:
    """Check every CLI value and build the packet, before any request.

    The ethertype may stay None here (no address, no --ethertype): it is
    then taken from the port by ``complete``.
    """
    remote = _address(remote_ip, '--remote-ip')
    local = _address(local_ip, '--local-ip')
    kind = _ethertype([remote, local], ethertype, protocol)
    number = protocol_number(protocol, kind)
    if kind == IPV4 and number in IPV6_ONLY:
        raise InvalidPacket(
            f"Protocol '{protocol}' is an IPv6 protocol; give IPv6 addresses "
            f"or --ethertype IPv6.")
    _check_ports(number, port, icmp_type, icmp_code)
    mac = normalise_mac(local_mac) if local_mac else None
    return Packet(
        direction=direction, ethertype=kind or '', protocol=number,
        port=port, icmp_type=icmp_type, icmp_code=icmp_code,
        remote_ip=remote.compressed if remote else None,
        local_ip=local.compressed if local else None, local_mac=mac)


def complete(packet: Packet, fixed_ips: list[str], mac: str) -> Packet:
    """Fill what the user left to the port: ethertype, local IP and MAC.

    The local IP defaults to the port's first fixed IP of the packet's IP
    version; the source MAC of egress to the port's MAC.
    """
    ethertype = packet.ethertype
    if not ethertype:
        first = fixed_ips[0] if fixed_ips else None
        version = ipaddress.ip_address(first).version if first else 4
        ethertype = IPV4 if version == 4 else IPV6
    local_ip = packet.local_ip
    if local_ip is None:
        wanted = 4 if ethertype == IPV4 else 6
        local_ip = next((ip for ip in fixed_ips
                         if ipaddress.ip_address(ip).version == wanted), None)
    protocol = packet.protocol
    if ethertype == IPV6 and protocol == ICMP:
        protocol = ICMPV6
    local_mac = packet.local_mac
    if packet.direction == EGRESS and local_mac is None:
        local_mac = normalise_mac(mac) if mac else None
    return dataclasses.replace(
        packet, ethertype=ethertype, local_ip=local_ip, protocol=protocol,
        local_mac=local_mac)
