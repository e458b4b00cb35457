"""``vip show``: the VIP, its members, its VRRP rules and what is wrong.

Three requests whatever the number of members: the tagged ports (to find
the VIP), the ports of its network, the rules of the members' groups.
"""

from __future__ import annotations

from typing import Any, Sequence, TYPE_CHECKING

from osc_portsec import port_state
from osc_portsec.vip import model
from osc_portsec.vip import prepare
from osc_portsec.vip import rules

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy


def _pair_kind(port: Any, address: str) -> str | None:
    kinds = {model.carries(p, address)
             for p in port.allowed_address_pairs or []}
    return next((k for k in ('single', 'prefixed', 'cidr') if k in kinds),
                None)


def member_values(port: Any, address: str, added: bool) -> dict[str, Any]:
    """A member in the ``members`` column: its pair and its state."""
    return {'id': port.id, 'name': port.name,
            'mac_address': port.mac_address,
            'pair': _pair_kind(port, address),
            'pair_added_by_vip': added,
            'port_security_enabled': port_state.flag(port),
            'binding_host_id': port.binding_host_id or None}


def findings(vip: model.Vip, found: Sequence[Any]) -> list[str]:
    out = []
    seen = {p.id for p in found}
    for gone in (m for m in vip.all_members if m not in seen):
        out.append(f"member {gone} no longer exists or is not visible to "
                   f"you; 'openstack port security vip unset {vip.name} "
                   f"--member {gone}' forgets it")
    for port in found:
        label = port.name or port.id
        kind = _pair_kind(port, vip.ip_address)
        if port_state.flag(port) is False:
            out.append(f"member {label} has port security disabled: it "
                       f"sends from any address, and Neutron cannot give "
                       f"it the VIP's pair")
        elif kind is None:
            out.append(f"member {label} has no allowed address pair for "
                       f"{vip.ip_address}; 'openstack port security vip "
                       f"set {vip.name} --member {port.id}' adds it")
        elif kind in ('cidr', 'prefixed'):
            out.append(f"member {label} carries {vip.ip_address} only in a "
                       f"{'CIDR' if kind == 'cidr' else 'prefixed'} pair, "
                       f"which OVN does not turn into the VIP's virtual "
                       f"port; 'openstack port security vip set "
                       f"{vip.name} --member {port.id}' adds the "
                       f"single-IP pair")
    return out


def held_by(vip: model.Vip, found: Sequence[Any]) -> dict[str, Any] | None:
    """Where the address is active, as far as Neutron shows it.

    On OVN the VIP port stays unbound (``binding:host_id`` empty). When a
    member claims the address (keepalived's gratuitous ARP), OVN binds the
    virtual port to that member's chassis and Neutron 29 writes the
    chassis' hostname into the VIP port's ``binding:vif_details``
    ``parent_hostname`` (ml2 plugin ``update_virtual_port_host``); it never
    names the member. So the member is known only when it is the one
    member bound to that host; otherwise the members there are the
    candidates. Neutron shows bindings to admins only (by default).
    """
    port = vip.port
    details = port.binding_vif_details or {}
    host = port.binding_host_id or details.get('parent_hostname')
    if not host:
        return None
    there = [p.name or p.id for p in found if p.binding_host_id == host]
    return {'host': host, 'member': there[0] if len(there) == 1 else None,
            'candidates': there}


def values(client: Proxy, ref: str) -> dict[str, Any]:
    vip = prepare.find_vip(client, ref)
    found = prepare.member_ports(
        vip, prepare.network_ports(client, vip.network_id))
    ether = model.ethertype(vip.ip_address)
    all_rules = prepare.group_rules(client, found)
    vrrp = [r for r in all_rules if r.direction == 'ingress'
            and r.protocol in model.VRRP and r.ether_type == ether]
    notes = findings(vip, found)
    gap = rules.gaps(found, all_rules, ether)
    if gap:
        notes.append(gap)
    return {
        'id': vip.id, 'name': vip.name, 'ip_address': vip.ip_address,
        'network_id': vip.network_id, 'subnet_id': vip.subnet_id,
        'status': vip.port.status,
        'members': [member_values(p, vip.ip_address, p.id in vip.members)
                    for p in found],
        # None on a cloud without security groups: there are no rules.
        'vrrp_rules': [model.rule_line(r) for r in vrrp]
        if port_state.has_field(vip.port, 'security_groups') else None,
        'created_rule_id': vip.rule_id or next(
            (r.id for r in all_rules
             if r.description == model.rule_description(vip.name)), None),
        'held_by': held_by(vip, found),
        'findings': notes,
    }
