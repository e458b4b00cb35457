"""Every refusal of ``vip create`` and ``vip set``, before any change.

Pure functions of what was read once: the network's ports and subnets.
Each refusal is one sentence naming the value and what to do.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Sequence

from osc_lib import exceptions

from osc_portsec import pairs as _pairs
from osc_portsec import port_state
from osc_portsec.vip import model


def _refuse(text: str) -> exceptions.CommandError:
    return exceptions.CommandError(text + ' Nothing was changed.')


def find_member(ref: str, ports: Sequence[Any]) -> Any | None:
    """The port ``ref`` (ID, name or fixed IP) among the network's ports."""
    for port in ports:
        if port.id == ref:
            return port
    named = [p for p in ports if p.name == ref]
    if not named:
        named = [p for p in ports
                 if any(ip.get('ip_address') == ref
                        for ip in p.fixed_ips or [])]
    if len(named) > 1:
        ids = ', '.join(p.id for p in named)
        raise _refuse(f"Member '{ref}' matches more than one port on the "
                      f"VIP's network ({ids}); give the port ID.")
    return named[0] if named else None


def check_member(ref: str, port: Any, address: str, vip_id: str | None
                 ) -> None:
    if port.id == vip_id:
        raise _refuse(f"Member '{ref}' is the VIP port itself; give the "
                      f"ports of the servers that share the address.")
    if not port_state.has_field(port, 'allowed_address_pairs'):
        raise _refuse(port_state.lacking(
            'allowed_address_pairs', f"'{ref}' ({port.id})",
            'a VIP cannot be given to its members'))
    # None: a cloud without the port-security extension, where pairs work.
    if port_state.flag(port) is False:
        raise _refuse(
            f"Member '{ref}' ({port.id}) has port security disabled, so "
            f"Neutron cannot give it the VIP's allowed address pair; run "
            f"'openstack port security enable {port.id}' first.")
    current = port.allowed_address_pairs or []
    if any(model.carries(p, address) == 'single' for p in current):
        return
    if len(current) + 1 > model.MAX_PAIRS:
        raise _refuse(
            f"Member '{ref}' ({port.id}) already has {len(current)} allowed "
            f"address pairs and Neutron allows {model.MAX_PAIRS} by default; "
            f"remove one with 'openstack port security pair remove'.")


def groups_available(found: Sequence[tuple[str, Any]], group: str) -> None:
    """``--security-group`` needs a cloud with security groups."""
    for ref, port in found:
        if not port_state.has_field(port, 'security_groups'):
            raise _refuse(port_state.lacking(
                'security_groups', f"'{ref}' ({port.id})",
                f"--security-group {group} cannot be given a VRRP rule"))


def address(value: str) -> str:
    """``--ip-address``: one address, never a CIDR."""
    if '/' in value:
        raise _refuse(f"--ip-address '{value}' is a CIDR; a VIP is a single "
                      f"address (OVN turns only a single-IP pair into its "
                      f"virtual port).")
    return _pairs.normalise_ip(value)


def subnet_for(value: str, subnets: Sequence[Any], network: str) -> Any:
    ip = ipaddress.ip_address(value)
    for subnet in subnets:
        if ip in ipaddress.ip_network(subnet.cidr):
            return subnet
    cidrs = ', '.join(s.cidr for s in subnets) or 'none'
    raise _refuse(f"Address {value} is outside the subnets of network "
                  f"{network} ({cidrs}); give an address inside one.")


def pick_subnet(ref: str | None, subnets: Sequence[Any],
                network: str) -> Any:
    """``--subnet`` among the network's subnets, else its first IPv4 one."""
    if ref:
        found = [s for s in subnets if ref in (s.id, s.name)]
        if len(found) != 1:
            raise _refuse(
                f"Subnet '{ref}' is not a subnet of network {network}"
                + (' (or the name is not unique)' if found else '')
                + "; check it with 'openstack subnet list --network'.")
        return found[0]
    if not subnets:
        raise _refuse(f"Network {network} has no subnet, so it has no "
                      f"address to give the VIP; create a subnet first.")
    return sorted(subnets, key=lambda s: s.ip_version)[0]


def address_free(value: str, ports: Sequence[Any], vip_id: str | None
                 ) -> None:
    for port in ports:
        if port.id == vip_id:
            continue
        if any(ip.get('ip_address') == value for ip in port.fixed_ips or []):
            raise _refuse(
                f"Address {value} is already used by port "
                f"{port.name or port.id} ({port.id}); choose another "
                f"address, or omit --ip-address to take a free one.")
