"""What ``vip check`` judges, read once, and who is who in it.

:class:`Seen` is built by :func:`osc_portsec.vip.prepare.seen` (or by
``vip create``, ``set`` and ``adopt`` from what they read and changed);
the functions here say which port holds the address, which ports are the
members and which subnet the address is in. Pure.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any

from osc_portsec.vip import model


@dataclasses.dataclass(frozen=True)
class Seen:
    """Everything ``vip check`` judges, read once.

    ``vip`` is the tool's VIP (its members are the recorded ones), None
    for a hand-made VIP (its members are the ports whose pairs carry the
    address). ``rules`` are the rules of the members' groups,
    ``floating_ips`` those pointing at the port holding the address.
    """

    address: str
    network_id: str
    ports: tuple[Any, ...]
    subnets: tuple[Any, ...] = ()
    vip: model.Vip | None = None
    rules: tuple[Any, ...] = ()
    floating_ips: tuple[Any, ...] = ()


def subject(port: Any) -> dict[str, Any]:
    return {'id': port.id, 'name': port.name or None}


def label(port: Any) -> str:
    """A port in a sentence: its name, or its ID when it has none.

    (The ``subject`` column carries the ID for scripts.)
    """
    return str(port.name or port.id)


def cidrs(seen: Seen) -> list[str]:
    return [s.cidr for s in seen.subnets]


def subnet_of(seen: Seen) -> Any | None:
    ip = ipaddress.ip_address(seen.address)
    return next((s for s in seen.subnets
                 if ip in ipaddress.ip_network(s.cidr, strict=False)), None)


def subnet_label(subnet: Any) -> str:
    return f'{subnet.name} ({subnet.cidr})' if subnet.name else subnet.cidr


def holder(seen: Seen) -> Any | None:
    """The port holding the address as a fixed IP (the VIP's own)."""
    if seen.vip is not None:
        return next((p for p in seen.ports if p.id == seen.vip.id),
                    seen.vip.port)
    return next((p for p in seen.ports if model.holds(p, seen.address)),
                None)


def carrying(port: Any, seen: Seen) -> Any | None:
    """The pair by which ``port`` shares the address, or None."""
    return next((p for p in port.allowed_address_pairs or []
                 if model.member_kind(p, seen.address, cidrs(seen))), None)


def members(seen: Seen) -> list[Any]:
    """The recorded members, or the ports that share a hand-made VIP."""
    held = holder(seen)
    held_id = held.id if held is not None else None
    if seen.vip is not None:
        recorded = set(seen.vip.all_members)
        return [p for p in seen.ports
                if p.id in recorded and p.id != held_id]
    return [p for p in seen.ports
            if p.id != held_id and carrying(p, seen) is not None]


def vip_name(seen: Seen) -> str:
    """The name fix commands give the VIP."""
    if seen.vip is not None:
        return seen.vip.name or seen.vip.id
    held = holder(seen)
    return (held.name if held is not None and held.name else '<name>')


def planned_port(name: str, network_id: str, subnet_id: str, address: str,
                 tags: list[str]) -> Any:
    """The VIP port a dry run would make, as Neutron would return it."""
    from openstack.network.v2 import port as _port

    return _port.Port.existing(
        id='', name=name, network_id=network_id, status='DOWN',
        fixed_ips=[{'subnet_id': subnet_id, 'ip_address': address}],
        device_owner='', device_id='', tags=tags,
        description=model.DESCRIPTION, allowed_address_pairs=[])


def planned_rule(group_id: str, ether: str) -> Any:
    """The VRRP rule a dry run would create in ``group_id``."""
    from openstack.network.v2 import security_group_rule as _rule

    return _rule.SecurityGroupRule.existing(
        id='', security_group_id=group_id, direction='ingress',
        protocol='vrrp', ether_type=ether, remote_group_id=group_id)
