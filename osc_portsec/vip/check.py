"""``vip check``: the whole VRRP contract around an address, judged.

Pure functions of what was read once (:class:`~osc_portsec.vip.observed.
Seen`); each returns :class:`~osc_portsec.vip.Finding` values,
decisions as data: the address here, the members in
:mod:`osc_portsec.vip.peers`. The Neutron and OVN facts behind them are
Neutron 29's OVN driver (``neutron/common/ovn/utils.py``
``get_virtual_port_parents``: a port becomes virtual when ports of its
subnet store exactly its address as a pair;
``validate_port_binding_and_virtual_port``: never a bound one) and OVN's
logical flows on the local cloud (doc/source/vip-adopt.rst).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from osc_portsec.vip import findings
from osc_portsec.vip.findings import Finding
from osc_portsec.vip import model
from osc_portsec.vip import observed as obs
from osc_portsec.vip import peers
from osc_portsec.vip import show

# The metadata service's addresses (OVN answers them on every network
# with metadata).
METADATA = {4: '169.254.169.254', 6: 'fe80::a9fe:a9fe'}
# Ports Neutron owns, by device owner, in words.
ROLES = {
    'network:dhcp': "Neutron's DHCP port",
    'network:distributed': "OVN's metadata port",
    'network:router_interface': 'the router interface',
    'network:router_interface_distributed': 'the router interface',
    'network:ha_router_replicated_interface': 'the router interface',
    'network:router_gateway': "a router's gateway port",
    'network:router_centralized_snat': "a router's SNAT port",
}


def _address_finding(check: str, seen: obs.Seen, ok: bool, why: str,
                     **facts: Any) -> Finding:
    return Finding(check, ok, seen.address, why,
                   {'address': seen.address, **facts})


def address_in_subnet(seen: obs.Seen) -> Finding:
    subnet = obs.subnet_of(seen)
    if subnet is not None:
        return _address_finding('address_in_subnet', seen, True,
                                'in_subnet', subnet=obs.subnet_label(subnet))
    return _address_finding(
        'address_in_subnet', seen, False, 'outside_subnets',
        network=seen.network_id, cidrs=', '.join(obs.cidrs(seen)) or 'none')


def _reserved_by_subnet(seen: obs.Seen, subnet: Any) -> str | None:
    """Why the subnet itself keeps the address: a key, or None."""
    ip = ipaddress.ip_address(seen.address)
    net = ipaddress.ip_network(subnet.cidr, strict=False)
    # /31 and /32 (RFC 3021) have neither network nor broadcast address.
    ends = net.version == 6 or net.prefixlen < 31
    if ends and ip == net.network_address:
        return 'network_address'
    if net.version == 4 and ends and ip == net.broadcast_address:
        return 'broadcast'
    gateway = getattr(subnet, 'gateway_ip', None)
    if gateway and ip == ipaddress.ip_address(gateway):
        return 'gateway'
    return None


def role(owner: str) -> str:
    return ROLES.get(owner, f'the Neutron port ({owner})')


def address_not_reserved(seen: obs.Seen) -> Finding:
    check = 'address_not_reserved'
    ip = ipaddress.ip_address(seen.address)
    if seen.address == METADATA[ip.version]:
        return _address_finding(check, seen, False, 'metadata')
    subnet = obs.subnet_of(seen)
    where = (obs.subnet_label(subnet) if subnet is not None
             else f'network {seen.network_id}')
    why = _reserved_by_subnet(seen, subnet) if subnet is not None else None
    if why:
        return _address_finding(check, seen, False, why, subnet=where)
    for port in seen.ports:
        owner = port.device_owner or ''
        if owner.startswith('network:') and model.holds(port, seen.address):
            return _address_finding(check, seen, False, 'neutron_port',
                                    role=role(owner), port=obs.label(port))
    return _address_finding(check, seen, True, 'not_reserved', subnet=where)


def bound(port: Any) -> str | None:
    """Why ``port`` cannot be a VIP's virtual port: a key, or None."""
    if (port.device_owner or '').startswith('compute:'):
        return 'held_by_vm'
    if port.binding_host_id:
        return 'held_bound'
    return None


def address_reserved(seen: obs.Seen) -> Finding:
    check = 'address_reserved'
    held = obs.holder(seen)
    if held is None:
        return Finding(
            check, False, seen.address, 'not_held',
            {'address': seen.address, 'network': seen.network_id},
            [f'openstack port security vip adopt <name> --network '
             f'{seen.network_id} --ip-address {seen.address}'])
    facts = {'address': seen.address, 'port': obs.label(held)}
    owner = held.device_owner or ''
    if owner.startswith('network:'):
        return Finding(check, False, obs.subject(held), 'held_by_neutron',
                       {**facts, 'role': role(owner)})
    why = bound(held)
    if why == 'held_by_vm':
        return Finding(check, False, obs.subject(held), why,
                       {**facts, 'device': held.device_id, 'owner': owner},
                       [f'openstack server remove port {held.device_id} '
                        f'{held.id}'])
    if why == 'held_bound':
        return Finding(check, False, obs.subject(held), why,
                       {**facts, 'host': held.binding_host_id},
                       [f'openstack port unset --host {held.id}'])
    return Finding(check, True, obs.subject(held), 'reserved', facts)


def floating_ips(seen: obs.Seen) -> list[Finding]:
    """Each floating IP pointing at the port that holds the address."""
    held = obs.holder(seen)
    if held is None:
        return []
    parents = peers.virtual_parents(seen)
    out = []
    for fip in seen.floating_ips:
        facts = {'fip': fip.floating_ip_address, 'address': seen.address,
                 'port': obs.label(held), 'router': fip.router_id,
                 'fixed': fip.fixed_ip_address, 'mac': held.mac_address}
        if fip.fixed_ip_address != seen.address:
            out.append(Finding(
                'floating_ip', False, fip.floating_ip_address,
                'fip_other_ip', facts,
                [f'openstack floating ip set --port {held.id} '
                 f'--fixed-ip-address {seen.address} {fip.id}']))
        elif bound(held) or not parents:
            reason = ('it is bound' if bound(held) else
                      'no port of its subnet stores the address itself as '
                      'a pair')
            out.append(Finding('floating_ip', False,
                               fip.floating_ip_address, 'fip_static',
                               {**facts, 'reason': reason}))
        else:
            out.append(Finding('floating_ip', True, fip.floating_ip_address,
                               'fip_follows', facts))
    return out


def held_by(seen: obs.Seen, found: list[Any]) -> Finding:
    """Informational: where Neutron shows the address active."""
    facts: dict[str, Any] = {'address': seen.address}
    held = obs.holder(seen)
    if held is None:
        return Finding('held_by', True, seen.address, 'held_nowhere', facts)
    shown = show.held_by(model.from_port(held), found)
    if shown is None:
        return Finding('held_by', True, seen.address, 'held_unseen', facts)
    facts.update(host=shown['host'], member=shown['member'],
                 candidates=', '.join(shown['candidates']) or 'none')
    return Finding('held_by', True, seen.address,
                   'held_member' if shown['member'] else 'held_host', facts)


def judge(seen: obs.Seen, vmac: bool = False) -> list[Finding]:
    """Every check, in the order of :data:`findings.CHECKS`."""
    found = obs.members(seen)
    out = [address_in_subnet(seen), address_not_reserved(seen),
           address_reserved(seen), *peers.member_pairs(seen, found),
           *(peers.member_port_security(p) for p in found),
           *peers.no_outsider(seen, found), *peers.vrrp_between(seen, found)]
    if vmac:
        out += peers.vmac_pairs(seen, found)
    out += [*floating_ips(seen), held_by(seen, found)]
    order = {name: i for i, name in enumerate(findings.CHECKS)}
    return sorted(out, key=lambda f: order[f.check])
