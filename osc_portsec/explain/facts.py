"""What the evaluator knows about a port, built from Neutron's bodies.

Plain frozen dataclasses, so the evaluator can judge any port and any
packet (the VIP command asks about ports it never printed), and so tests
build them directly. Addresses are parsed once here, not per rule checked.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any, Iterable, Mapping

import netaddr

from osc_portsec.explain import packet as _packet

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def network(value: str) -> Network:
    """A CIDR or address as a network.

    Host bits are ignored, as Neutron's ``normalized_cidr`` ignores them.
    """
    return ipaddress.ip_network(value.strip(), strict=False)


def eui64_lla(mac: str) -> str:
    """The IPv6 link-local address a MAC gives (modified EUI-64).

    As every back end computes it (netutils.get_ipv6_addr_by_EUI64 on
    fe80::/64 in Neutron, the ``lla`` of OVN's port security).
    """
    return str(netaddr.EUI(mac).ipv6_link_local())


@dataclasses.dataclass(frozen=True)
class Rule:
    """One security group rule, its protocol normalised as Neutron does."""

    id: str
    group_id: str
    direction: str
    ethertype: str
    protocol: int | None = None
    port_range_min: int | None = None
    port_range_max: int | None = None
    remote_ip_prefix: str | None = None
    remote_group_id: str | None = None
    remote_address_group_id: str | None = None

    @property
    def prefix(self) -> Network | None:
        return _prefix(self.remote_ip_prefix)

    def render(self, group_names: Mapping[str, str] | None = None) -> str:
        """The rule in one line, e.g. ``ingress IPv4 tcp 22 from any``."""
        parts = [self.direction, self.ethertype, protocol_label(self.protocol)]
        lo, hi = self.port_range_min, self.port_range_max
        if self.protocol in (_packet.ICMP, _packet.ICMPV6):
            if lo is not None:
                parts.append(f'type {lo}')
            if hi is not None:
                parts.append(f'code {hi}')
        elif lo is not None or hi is not None:
            parts.append(str(lo) if lo == hi else f'{lo}-{hi}')
        side = 'from' if self.direction == _packet.INGRESS else 'to'
        parts.append(f'{side} {self._remote(group_names or {})}')
        return ' '.join(parts)

    def _remote(self, names: Mapping[str, str]) -> str:
        if self.remote_group_id:
            name = names.get(self.remote_group_id)
            label = f'{name} ({self.remote_group_id})' if name else (
                self.remote_group_id)
            return f'group {label}'
        if self.remote_address_group_id:
            return f'address group {self.remote_address_group_id}'
        return self.remote_ip_prefix or 'any'


def protocol_label(number: int | None) -> str:
    if number is None:
        return 'any'
    return _packet.PROTOCOL_NAMES.get(number, str(number))


_PREFIXES: dict[str, Network] = {}


def _prefix(value: str | None) -> Network | None:
    # Parsed once per distinct prefix: a port's rules repeat a few prefixes.
    if not value:
        return None
    found = _PREFIXES.get(value)
    if found is None:
        found = _PREFIXES[value] = network(value)
    return found


@dataclasses.dataclass(frozen=True)
class Group:
    id: str
    name: str
    stateful: bool = True
    rules: tuple[Rule, ...] = ()

    @property
    def tracks(self) -> bool:
        """Whether OVN makes connection tracking of the group's traffic.

        Only allow-related ACLs (the rules of a stateful group) make OVN
        send a network's traffic through conntrack; a group without rules
        has no ACL.
        """
        return self.stateful and bool(self.rules)


@dataclasses.dataclass(frozen=True)
class Subnet:
    """A subnet of the port's fixed IPs: its broadcast and DHCP server."""

    id: str
    cidr: str
    gateway_ip: str | None = None
    enable_dhcp: bool = False

    @property
    def broadcast(self) -> str | None:
        net = network(self.cidr)
        return str(net.broadcast_address) if net.version == 4 else None


@dataclasses.dataclass(frozen=True)
class Pair:
    """An allowed address pair as Neutron stores it (always with a MAC)."""

    ip_address: str
    mac_address: str


@dataclasses.dataclass(frozen=True)
class Port:
    id: str
    mac_address: str
    fixed_ips: tuple[str, ...] = ()
    pairs: tuple[Pair, ...] = ()
    name: str = ''
    # None: the cloud lacks the port-security extension; the firewalls then
    # filter (neutron/agent/firewall.py port_sec_enabled defaults to True).
    port_security_enabled: bool | None = True
    device_owner: str = ''
    security_group_ids: tuple[str, ...] = ()
    vif_type: str | None = None
    vif_details: Mapping[str, Any] | None = None
    network_id: str = ''
    subnet_ids: tuple[str, ...] = ()

    @property
    def datapath_type(self) -> str | None:
        """The OVS datapath of the port's host (netdev, system), if shown.

        Only admins see ``binding:vif_details`` by default.
        """
        found = (self.vif_details or {}).get('datapath_type')
        return str(found) if found else None


@dataclasses.dataclass(frozen=True)
class Member:
    """A port in a remote group: its fixed IPs and its pairs' addresses."""

    id: str
    security_group_ids: tuple[str, ...]
    fixed_ips: tuple[str, ...] = ()
    pair_ips: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Facts:
    """Everything one evaluation needs, read once."""

    port: Port
    groups: tuple[Group, ...] = ()
    members: tuple[Member, ...] = ()
    address_groups: Mapping[str, tuple[str, ...]] = dataclasses.field(
        default_factory=dict)
    # Read only for the packets that need them (see prepare.py).
    subnets: tuple[Subnet, ...] = ()
    # Whether a port of the port's network is in a stateful group with
    # rules (OVN then sends all its unicast IP through conntrack); None
    # when not read.
    network_stateful: bool | None = None
    # Only this port's own stage of OVN's pipeline is judged (reach judges
    # the other end's on its own); explain, not knowing the other end,
    # also judges what the network's conntrack does there.
    one_stage: bool = False

    def group_names(self) -> dict[str, str]:
        return {g.id: g.name for g in self.groups}


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def rule_from_body(body: Mapping[str, Any]) -> Rule:
    """A rule from its Neutron body (``security_group_rules`` entries)."""
    ethertype = body.get('ethertype') or _packet.IPV4
    return Rule(
        id=body.get('id') or '',
        group_id=body.get('security_group_id') or '',
        direction=body.get('direction') or _packet.INGRESS,
        ethertype=ethertype,
        protocol=_packet.protocol_number(body.get('protocol'), ethertype),
        port_range_min=_int(body.get('port_range_min')),
        port_range_max=_int(body.get('port_range_max')),
        remote_ip_prefix=(body.get('normalized_cidr')
                          or body.get('remote_ip_prefix') or None),
        remote_group_id=body.get('remote_group_id') or None,
        remote_address_group_id=body.get('remote_address_group_id') or None,
    )


def group_from_body(body: Mapping[str, Any]) -> Group:
    stateful = body.get('stateful')
    return Group(
        id=body['id'], name=body.get('name') or '',
        stateful=True if stateful is None else bool(stateful),
        rules=tuple(rule_from_body(dict(r, security_group_id=body['id']))
                    for r in body.get('security_group_rules') or []),
    )


def _ips(fixed_ips: Iterable[Mapping[str, Any]] | None) -> tuple[str, ...]:
    return tuple(ip['ip_address'] for ip in fixed_ips or [])


def port_from_body(body: Mapping[str, Any]) -> Port:
    """A port from its Neutron body (``port.to_dict()`` keys work too)."""
    mac = body.get('mac_address') or ''
    enabled = body.get('port_security_enabled',
                       body.get('is_port_security_enabled'))
    groups = body.get('security_groups', body.get('security_group_ids'))
    return Port(
        id=body.get('id') or '', name=body.get('name') or '',
        mac_address=mac.lower(), fixed_ips=_ips(body.get('fixed_ips')),
        pairs=tuple(
            Pair(p['ip_address'], (p.get('mac_address') or mac).lower())
            for p in body.get('allowed_address_pairs') or []),
        port_security_enabled=None if enabled is None else bool(enabled),
        device_owner=body.get('device_owner') or '',
        security_group_ids=tuple(groups or ()),
        vif_type=body.get('binding:vif_type', body.get('binding_vif_type')),
        vif_details=body.get('binding:vif_details',
                             body.get('binding_vif_details')),
        network_id=body.get('network_id') or '',
        subnet_ids=tuple(dict.fromkeys(
            ip['subnet_id'] for ip in body.get('fixed_ips') or []
            if ip.get('subnet_id'))),
    )


def subnet_from_body(body: Mapping[str, Any]) -> Subnet:
    return Subnet(id=body.get('id') or '', cidr=body['cidr'],
                  gateway_ip=body.get('gateway_ip') or None,
                  enable_dhcp=bool(body.get('enable_dhcp',
                                            body.get('is_dhcp_enabled'))))


def member_from_body(body: Mapping[str, Any]) -> Member:
    groups = body.get('security_groups', body.get('security_group_ids'))
    return Member(
        id=body.get('id') or '', security_group_ids=tuple(groups or ()),
        fixed_ips=_ips(body.get('fixed_ips')),
        pair_ips=tuple(p['ip_address']
                       for p in body.get('allowed_address_pairs') or []),
    )
