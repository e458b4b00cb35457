"""The packet ``reach`` follows: its addresses and MACs at both ends, and
the packet each end judges (out of the source, into the destination, and
the reply each way).

The user's values are read by explain's packet rules (``packet.parse``),
before any request; the rest is filled from the ports once they are read.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any

from osc_lib import exceptions

from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet
from osc_portsec import values

BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff'
# The packets of a flow: out of the source, into the destination, and the
# reply out of the destination and into the source.
OUT = 'out'
IN = 'in'
BACK_OUT = 'back_out'
BACK_IN = 'back_in'
# The fields of a reply that differ from the packet: ((field, value), ...).
Shape = tuple[tuple[str, Any], ...]
_VERSIONS = {4: _packet.IPV4, 6: _packet.IPV6}


@dataclasses.dataclass(frozen=True)
class End:
    """One end: a port as the evaluator knows it, or an outside address.

    ``network_stateful`` says whether the port's network has a port in a
    stateful group (OVN then tracks every port's connections); None when
    it was not read.
    """

    ref: str
    facts: _facts.Facts | None = None
    network_id: str | None = None
    network_stateful: bool | None = None
    address: str | None = None

    @property
    def outside(self) -> bool:
        return self.facts is None

    @property
    def port(self) -> _facts.Port:
        assert self.facts is not None
        return self.facts.port


@dataclasses.dataclass(frozen=True)
class Flow:
    """One packet from the source to the destination, complete."""

    ethertype: str
    protocol: int | None
    port: int | None
    icmp_type: int | None
    icmp_code: int | None
    source_ip: str
    destination_ip: str
    # The frame's MACs; None at an outside end.
    source_mac: str | None = None
    destination_mac: str | None = None

    def packet(self, kind: str, shape: Shape = ()) -> _packet.Packet:
        """The packet ``kind`` of the flow: OUT, IN, BACK_OUT or BACK_IN.

        A reply's ``shape`` gives the fields that differ (its port, its
        ICMP type and code).
        """
        direction, local, remote, mac = self.addresses(kind)
        fields = dict(shape)
        return _packet.Packet(
            direction, self.ethertype, self.protocol,
            fields.get('port', self.port),
            fields.get('icmp_type', self.icmp_type),
            fields.get('icmp_code', self.icmp_code), remote, local, mac)

    def addresses(self, kind: str) -> tuple[str, str, str, str | None]:
        """(direction, local IP, remote IP, local MAC) of a packet kind."""
        if kind == OUT:
            return (_packet.EGRESS, self.source_ip, self.destination_ip,
                    self.source_mac)
        if kind == IN:
            return (_packet.INGRESS, self.destination_ip, self.source_ip,
                    self.destination_mac)
        if kind == BACK_OUT:
            return (_packet.EGRESS, self.destination_ip, self.source_ip,
                    self.destination_mac)
        return (_packet.INGRESS, self.source_ip, self.destination_ip,
                self.source_mac)

    def out_of_source(self) -> _packet.Packet:
        return self.packet(OUT)

    def into_destination(self) -> _packet.Packet:
        return self.packet(IN)

    def reply_out_of_destination(self, **shape: Any) -> _packet.Packet:
        return self.packet(BACK_OUT, tuple(shape.items()))

    def reply_into_source(self, **shape: Any) -> _packet.Packet:
        return self.packet(BACK_IN, tuple(shape.items()))

    @property
    def to_multicast_mac(self) -> bool:
        """Sent to a broadcast or multicast MAC (the I/G bit is set)."""
        mac = self.destination_mac
        return mac is not None and bool(int(mac[:2], 16) & 1)

    @property
    def broadcast(self) -> bool:
        """To a broadcast or multicast address: answers are no replies."""
        if self.destination_mac is not None:
            return self.to_multicast_mac
        ip = ipaddress.ip_address(self.destination_ip)
        return ip.is_multicast or self.destination_ip == '255.255.255.255'

    def to_dict(self) -> dict[str, Any]:
        return {
            'ethertype': self.ethertype,
            'protocol': self.out_of_source().protocol_name,
            'port': self.port, 'icmp_type': self.icmp_type,
            'icmp_code': self.icmp_code, 'source_ip': self.source_ip,
            'destination_ip': self.destination_ip,
            'source_mac': self.source_mac,
            'destination_mac': self.destination_mac,
        }


def _ip(value: str | None, option: str) -> str | None:
    return None if value is None else values.address(value, option)


def wanted(protocol: str | None = None, port: int | None = None,
           icmp_type: int | None = None, icmp_code: int | None = None,
           ethertype: str | None = None, source_ip: str | None = None,
           destination_ip: str | None = None) -> _packet.Packet:
    """Every value the user gave, checked before any request.

    The packet as the source sends it (egress: ``local_ip`` is the source,
    ``remote_ip`` the destination); what is not given stays None.
    """
    source = _ip(source_ip, '--source-ip')
    destination = _ip(destination_ip, '--destination-ip')
    _same_version(source, destination, '--source-ip', '--destination-ip')
    return _packet.parse(
        _packet.EGRESS, protocol, port, icmp_type, icmp_code,
        remote_ip=destination, local_ip=source, ethertype=ethertype)


def _same_version(a: str | None, b: str | None, what_a: str,
                  what_b: str) -> None:
    if a and b and (ipaddress.ip_address(a).version
                    != ipaddress.ip_address(b).version):
        raise exceptions.CommandError(
            f"{what_a} {a} and {what_b} {b} are of different IP versions; "
            f"give two IPv4 or two IPv6 addresses.")


def _version(ip: str | None) -> str | None:
    return _VERSIONS[ipaddress.ip_address(ip).version] if ip else None


def _given(option: str, value: str | None, end: End) -> str | None:
    """The address the user gave for an end; an outside end's is its own."""
    if not end.outside:
        return value
    if value and value != end.address:
        raise exceptions.CommandError(
            f"{end.ref} is an address outside Neutron, so it is the packet's "
            f"{option[2:].replace('-ip', '')} address; leave {option} "
            f"{value} out.")
    return end.address


def _first(end: End, ethertype: str) -> str | None:
    wanted_version = 4 if ethertype == _packet.IPV4 else 6
    return next((ip for ip in end.port.fixed_ips
                 if ipaddress.ip_address(ip).version == wanted_version), None)


def _default(end: End, ip: str | None, ethertype: str, option: str,
             what: str) -> str:
    if ip is not None:
        return ip
    found = _first(end, ethertype)
    if found is None:
        raise exceptions.CommandError(
            f"Port {end.port.id} has no {ethertype} fixed IP to {what}; "
            f"give {option}.")
    return found


def _covering(port: _facts.Port, ip: str) -> list[_facts.Pair]:
    address = ipaddress.ip_address(ip)
    return [p for p in port.pairs
            if address.version == _facts.network(p.ip_address).version
            and address in _facts.network(p.ip_address)]


def sending_mac(port: _facts.Port, ip: str) -> str:
    """The MAC a port sends ``ip`` from.

    Its own, or that of the pair that covers ``ip`` (a keepalived VIP on a
    VRRP MAC is sent from that MAC).
    """
    if ip in port.fixed_ips:
        return port.mac_address
    macs = [p.mac_address for p in _covering(port, ip)]
    if not macs or port.mac_address in macs:
        return port.mac_address
    return macs[0]


def receiving_mac(port: _facts.Port, ip: str) -> str:
    """The MAC a frame to ``ip`` at ``port`` is addressed to."""
    address = ipaddress.ip_address(ip)
    if ip == '255.255.255.255':
        return BROADCAST_MAC
    if address.is_multicast:
        if address.version == 4:
            low = address.packed[1:]
            return '01:00:5e:' + ':'.join(
                f'{b:02x}' for b in (low[0] & 0x7f, low[1], low[2]))
        return '33:33:' + ':'.join(f'{b:02x}' for b in address.packed[12:])
    return sending_mac(port, ip)


def build(asked: _packet.Packet, source: End, destination: End) -> Flow:
    """The complete packet between the two ends."""
    src = _given('--source-ip', asked.local_ip, source)
    dst = _given('--destination-ip', asked.remote_ip, destination)
    _same_version(src, dst, 'the source', 'the destination')
    ethertype = (_version(src) or _version(dst) or asked.ethertype
                 or next((str(_version(e.port.fixed_ips[0]))
                          for e in (source, destination)
                          if not e.outside and e.port.fixed_ips),
                         _packet.IPV4))
    if asked.ethertype and asked.ethertype != ethertype:
        raise exceptions.CommandError(
            f"--ethertype {asked.ethertype} contradicts the {ethertype} "
            f"address of the packet; drop --ethertype or give "
            f"{asked.ethertype} addresses.")
    if not source.outside:
        src = _default(source, src, ethertype, '--source-ip', 'send from')
    if not destination.outside:
        dst = _default(destination, dst, ethertype, '--destination-ip',
                       'receive at')
    assert src is not None and dst is not None
    protocol = asked.protocol
    if ethertype == _packet.IPV6 and protocol == _packet.ICMP:
        protocol = _packet.ICMPV6
    return Flow(
        ethertype=ethertype, protocol=protocol, port=asked.port,
        icmp_type=asked.icmp_type, icmp_code=asked.icmp_code,
        source_ip=src, destination_ip=dst,
        source_mac=None if source.outside else sending_mac(source.port, src),
        destination_mac=(None if destination.outside
                         else receiving_mac(destination.port, dst)))
