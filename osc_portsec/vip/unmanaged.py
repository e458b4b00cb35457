"""``vip list --unmanaged``: the VIPs made by hand, found among ports.

Pure functions of one list of ports (all of them, or one network's), the
subnets and the networks' names. A hand-made VIP is an address carried
in the pairs of two or more ports of one network, or held by an unbound
port (not a server's, not Neutron's own) and carried in at least one
pair, that no VIP of this tool owns. "Carried" is what a VIP's member
does (:func:`osc_portsec.vip.model.member_kind`): the address itself, with
or without a prefix, or a CIDR narrower than its subnet; a pair as wide
as the subnet is a router's or firewall's range, not a VIP.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Iterator, Mapping, Sequence

from osc_portsec.vip import check
from osc_portsec.vip import model
from osc_portsec.vip import observed
from osc_portsec.vip import show


def _pair_address(pair: Mapping[str, Any]) -> str | None:
    """The address a pair names as an address (not as a network)."""
    text = str(pair['ip_address']).strip()
    try:
        iface = ipaddress.ip_interface(text)
    except ValueError:
        return None
    if '/' in text and iface.network.num_addresses > 1 and (
            iface.ip == iface.network.network_address):
        return None  # a network: a range, not an address
    return str(iface.ip)


def _reservation(port: Any) -> bool:
    """Whether ``port`` may reserve a VIP's address.

    An unbound port that is neither a server's nor Neutron's own.
    """
    return not ((port.device_owner or '').startswith('network:')
                or check.bound(port))


def candidates(ports: Sequence[Any]) -> list[str]:
    """Addresses that may be VIPs: pairs' addresses, reservations' IPs."""
    found: dict[str, None] = {}
    for port in ports:
        if model.is_vip(port):
            continue
        for pair in port.allowed_address_pairs or []:
            address = _pair_address(pair)
            if address:
                found.setdefault(address)
        if _reservation(port):
            for ip in port.fixed_ips or []:
                found.setdefault(ip['ip_address'])
    return sorted(found, key=lambda a: (ipaddress.ip_address(a).version,
                                        ipaddress.ip_address(a)))


def in_network(net_id: str, ports: Sequence[Any], subnets: Sequence[Any]
               ) -> Iterator[observed.Seen]:
    """Each hand-made VIP of one network, as ``vip check`` would see it."""
    owned = {model.from_port(p).ip_address for p in ports
             if model.is_vip(p)}
    for address in candidates(ports):
        if address in owned:
            continue
        seen = observed.Seen(address, net_id, tuple(ports), tuple(subnets))
        held = observed.holder(seen)
        members = observed.members(seen)
        reserved = held is not None and _reservation(held)
        if len(members) >= 2 or (reserved and members):
            yield seen


def hand_made(ports: Sequence[Any], subnets: Sequence[Any],
              names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The rows of ``vip list --unmanaged``, by network and address."""
    by_net: dict[str, list[Any]] = {}
    for port in ports:
        by_net.setdefault(port.network_id, []).append(port)
    rows = []
    for net_id in sorted(by_net, key=lambda n: (names.get(n) or '', n)):
        mine = [s for s in subnets if s.network_id == net_id]
        for seen in in_network(net_id, by_net[net_id], mine):
            held = observed.holder(seen)
            rows.append({
                'ip_address': seen.address,
                'network': {'id': net_id, 'name': names.get(net_id) or None},
                'members': [show.member_values(p, seen.address, False)
                            for p in observed.members(seen)],
                'reserved_by': (observed.subject(held)
                                if held is not None else None),
            })
    return rows
