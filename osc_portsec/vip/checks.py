"""Every refusal of ``vip create`` and ``vip set``, before any change.

Pure functions of what was read once: the network's ports and subnets.
Each refusal is one sentence naming the value and what to do.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Sequence

from osc_lib import exceptions

from osc_portsec import pairs
from osc_portsec import port_state
from osc_portsec import values
from osc_portsec.vip import model


NOTHING = 'Nothing was changed.'


def refuse(text: str) -> exceptions.CommandError:
    """A refusal before any change, saying so once."""
    text = text if text.endswith(NOTHING) else f'{text} {NOTHING}'
    return exceptions.CommandError(text)


def member_state(ref: str, port: Any, address: str | None,
                 vip_id: str | None) -> bool:
    """Whether the member already carries the VIP's address.

    True: its pair was there before (the tool will never remove it);
    False: the tool adds it. Raises the refusal of a port that cannot be
    a member.
    """
    if port.id == vip_id:
        raise refuse(f"Member '{ref}' is the VIP port itself; give the "
                     f"ports of the servers that share the address.")
    if not port_state.has_field(port, 'allowed_address_pairs'):
        raise refuse(port_state.lacking(
            'allowed_address_pairs', f"'{ref}' ({port.id})",
            'a VIP cannot be given to its members'))
    # None: a cloud without the port-security extension, where pairs work.
    if port_state.flag(port) is False:
        raise refuse(
            f"Member '{ref}' ({port.id}) has port security disabled, so "
            f"Neutron cannot give it the VIP's allowed address pair; run "
            f"'openstack port security enable {port.id}' first.")
    current = port.allowed_address_pairs or []
    if address and any(model.carries(p, address) == 'single'
                       and values.same_mac(p.get('mac_address'),
                                           port.mac_address)
                       for p in current):
        return True
    if len(current) + 1 > model.MAX_PAIRS:
        raise refuse(
            f"Member '{ref}' ({port.id}) already has {len(current)} allowed "
            f"address pairs and Neutron allows {model.MAX_PAIRS} by default; "
            f"remove one with 'openstack port security pair remove'.")
    return False


def groups_available(found: Sequence[tuple[str, Any]], group: str) -> None:
    """``--security-group`` needs a cloud with security groups."""
    for ref, port in found:
        if not port_state.has_field(port, 'security_groups'):
            raise refuse(port_state.lacking(
                'security_groups', f"'{ref}' ({port.id})",
                f"--security-group {group} cannot be given a VRRP rule"))


def address(value: str) -> str:
    """``--ip-address``: one address, never a CIDR, never blank."""
    text = value.strip()
    if not text:
        raise refuse(f"--ip-address is empty ({value!r}); give one address, "
                     f"or leave --ip-address out to take a free one.")
    if '/' in text:
        raise refuse(f"--ip-address '{value}' is a CIDR; a VIP is a single "
                     f"address (OVN turns only a single-IP pair into its "
                     f"virtual port).")
    return pairs.normalise_ip(text)


def subnet_for(value: str, subnets: Sequence[Any], network: str) -> Any:
    ip = ipaddress.ip_address(value)
    for subnet in subnets:
        if ip in ipaddress.ip_network(subnet.cidr):
            return subnet
    cidrs = ', '.join(s.cidr for s in subnets) or 'none'
    raise refuse(f"Address {value} is outside the subnets of network "
                 f"{network} ({cidrs}); give an address inside one.")


def pick_subnet(ref: str | None, subnets: Sequence[Any],
                network: str) -> Any:
    """``--subnet`` among the network's subnets, else its first IPv4 one."""
    if ref:
        found = [s for s in subnets if ref in (s.id, s.name)]
        if len(found) != 1:
            raise refuse(
                f"Subnet '{ref}' is not a subnet of network {network}"
                + (' (or the name is not unique)' if found else '')
                + "; check it with 'openstack subnet list --network'.")
        return found[0]
    if not subnets:
        raise refuse(f"Network {network} has no subnet, so it has no "
                     f"address to give the VIP; create a subnet first.")
    return sorted(subnets, key=lambda s: s.ip_version)[0]


def _label(port: Any) -> str:
    return f'{port.name or port.id} ({port.id})'


def address_free(value: str, ports: Sequence[Any], members: Sequence[str],
                 vip_id: str | None) -> None:
    """No port but the VIP's own and its members may hold ``value``.

    A fixed IP is never shared; a pair that carries the address (the
    address itself, or with a prefix) on a port that is not a member
    means another server may answer for it: the VIP would take over an
    address in use. A member named on the command line may carry it.
    """
    for port in ports:
        if port.id == vip_id:
            continue
        if any(ip.get('ip_address') == value for ip in port.fixed_ips or []):
            raise refuse(
                f"Address {value} is already used by port {_label(port)}; "
                f"choose another address, or omit --ip-address to take a "
                f"free one.")
        if port.id in members:
            continue
        if any(model.carries(p, value) in ('single', 'prefixed')
               for p in port.allowed_address_pairs or []):
            raise refuse(
                f"Address {value} is already an allowed address pair of "
                f"port {_label(port)}, which is not a member; name it with "
                f"--member {port.id} if it shares the VIP, or choose "
                f"another address.")


def adoptable(name: str, address: str, holder: Any | None,
              vip: model.Vip | None) -> None:
    """Refuse an address ``vip adopt`` cannot take over as it stands.

    ``holder`` is the port holding the address; ``vip`` the tool's VIP
    that port already is. A VIP of another name, a Neutron port (DHCP,
    metadata, router) or a port named otherwise is refused: adopt
    renames nothing and never makes Neutron's own port a VIP.
    """
    if vip is not None:
        if vip.name != name:
            raise refuse(
                f"Address {address} is already VIP {vip.name or vip.id} "
                f"({vip.id}); see it with 'openstack port security vip "
                f"show {vip.id}'.")
        return
    if holder is None:
        return
    owner = holder.device_owner or ''
    if owner.startswith('network:'):
        raise refuse(
            f"Address {address} is held by Neutron's own port "
            f"{_label(holder)} ({owner}): it is not a VIP's address; "
            f"choose the VIP's own address.")
    if holder.name and holder.name != name:
        raise refuse(
            f"Port {_label(holder)} holds {address} under the name "
            f"'{holder.name}'; adopt the VIP by that name ('openstack port "
            f"security vip adopt {holder.name} ...'), or rename the port "
            f"first ('openstack port set --name {name} {holder.id}').")


def adopted_member(ref: str, port: Any, address: str,
                   subnets: Sequence[str], holder_id: str | None) -> None:
    """A member named to ``vip adopt`` must share the address already."""
    if port.id == holder_id:
        raise refuse(f"Member '{ref}' is the port holding {address}; give "
                     f"the ports of the servers that share the address.")
    if not any(model.member_kind(p, address, subnets)
               for p in port.allowed_address_pairs or []):
        raise refuse(
            f"Member '{ref}' ({port.id}) does not carry {address} in its "
            f"allowed address pairs, and adopt adds no pair; adopt the VIP "
            f"without it, then add it with 'openstack port security vip "
            f"set <name> --member {port.id}'.")
