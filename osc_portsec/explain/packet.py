"""The packet ``explain`` judges, checked and normalised before any request.

Every value is read by :mod:`osc_portsec.values`, as every other command
reads it; a value that cannot be judged is refused with one sentence
before any request.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any

from osc_lib import exceptions

from osc_portsec import values

INGRESS = 'ingress'
EGRESS = 'egress'
IPV4 = 'IPv4'
IPV6 = 'IPv6'

# Protocol names and numbers: the one declaration is in values.py.
IP_PROTOCOL_MAP = values.IP_PROTOCOL_MAP
PROTOCOL_NAMES = values.PROTOCOL_NAMES
ICMP = values.ICMP
ICMPV6 = values.ICMPV6
# The protocols whose destination port a rule can match on every backend
# (neutron/common/ovn/acl.py TRANSPORT_PROTOCOLS).
PORT_PROTOCOLS = {6: 'tcp', 17: 'udp', 132: 'sctp'}
# Protocols Neutron refuses on IPv4 rules
# (securitygroups_db._validate_ethertype_and_protocol).
IPV6_ONLY = {41, 43, 44, 58, 59, 60}


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
    # A packet of a connection conntrack already knows (a reply): never
    # refused as one that starts none. explain judges first packets only.
    established: bool = False

    @property
    def protocol_name(self) -> str:
        if self.protocol is None:
            return 'any'
        return PROTOCOL_NAMES.get(self.protocol, str(self.protocol))

    def to_dict(self) -> dict[str, Any]:
        body = dataclasses.asdict(self)
        body['protocol'] = self.protocol_name
        del body['established']
        return body


def protocol_number(value: str | int | None,
                    ethertype: str | None) -> int | None:
    """The IP protocol number ``value`` names, as Neutron reads a rule."""
    return values.protocol(value, ethertype == IPV6)


def _address(value: str | None, option: str) -> Any:
    if value is None:
        return None
    return ipaddress.ip_address(values.address(value, option))


def _ethertype(addresses: list[Any], given: str | None,
               protocol: str | None) -> str | None:
    versions = {a.version for a in addresses if a is not None}
    if len(versions) > 1:
        raise exceptions.CommandError(
            "--remote-ip and --local-ip are of different IP versions; give "
            "two IPv4 or two IPv6 addresses.")
    found = {4: IPV4, 6: IPV6}[versions.pop()] if versions else None
    if given and found and given != found:
        raise exceptions.CommandError(
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
            raise exceptions.CommandError(
                f"--port {port} needs --protocol tcp, udp or sctp; other "
                f"protocols have no destination port.")
        values.number(port, '--port', 0, 65535)
    for option, value in (('--icmp-type', icmp_type),
                          ('--icmp-code', icmp_code)):
        if value is None:
            continue
        if number not in (ICMP, ICMPV6):
            raise exceptions.CommandError(
                f"{option} {value} needs --protocol icmp or ipv6-icmp.")
        values.number(value, option, 0, 255)
    if icmp_code is not None and icmp_type is None:
        raise exceptions.CommandError(
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
        raise exceptions.CommandError(
            f"Protocol '{protocol}' is an IPv6 protocol; give IPv6 addresses "
            f"or --ethertype IPv6.")
    _check_ports(number, port, icmp_type, icmp_code)
    mac = values.any_mac(local_mac, '--local-mac') if local_mac else None
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
        local_mac = values.any_mac(mac, 'MAC') if mac else None
    return dataclasses.replace(
        packet, ethertype=ethertype, local_ip=local_ip, protocol=protocol,
        local_mac=local_mac)
