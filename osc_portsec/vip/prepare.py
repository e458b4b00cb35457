"""Every read a VIP command makes, once, before anything changes.

The VIPs (the tagged ports, one request), the ports of the VIP's network
(one request), its subnets, the security group with its rules. Members
are found among the network's ports by the same resolver as every port
reference (:func:`osc_portsec.lookup.pick_port`) and checked; SDK errors
propagate as they come, to the command's one boundary.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence, TYPE_CHECKING

from openstack import exceptions as sdk_exc
from osc_lib import exceptions

from osc_portsec import lookup
from osc_portsec import values
from osc_portsec.vip import checks
from osc_portsec.vip import model

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy
    from openstack.network.v2.port import Port


@dataclasses.dataclass(frozen=True)
class Member:
    """A member as found.

    The reference given, the port, and whether it carried the VIP's pair
    before (then the tool never removes it).
    """

    ref: str
    port: Any
    kept: bool = False


def network_ports(client: Proxy, net_id: str) -> list[Port]:
    """Every port of the network the caller can see, in one list."""
    return list(client.ports(network_id=net_id))


def tagged(client: Proxy, net_id: str | None = None) -> list[Port]:
    """The VIP ports this tool made, by their tag or description.

    Two list requests: a VIP port whose tags a killed run never wrote has
    the description; one of an earlier release only the tag.
    """
    where: dict[str, Any] = {'network_id': net_id} if net_id else {}
    found = {p.id: p for p in client.ports(tags=model.TAG, **where)}
    for port in client.ports(description=model.DESCRIPTION, **where):
        found.setdefault(port.id, port)
    return list(found.values())


def _by_ref(client: Proxy, ref: str) -> list[Port]:
    """Ports with ID or name ``ref``: one request."""
    if values.is_uuid_like(ref):
        try:
            return [client.get_port(values.canonical_uuid(ref))]
        except sdk_exc.NotFoundException:
            pass
    return list(client.ports(name=ref))


def find_vip(client: Proxy, ref: str) -> model.Vip:
    """The VIP named or identified by ``ref`` (one request)."""
    found = [p for p in _by_ref(client, ref) if model.is_vip(p)]
    if not found:
        raise exceptions.CommandError(
            f"No VIP named or with ID '{ref}' was found; list them with "
            f"'openstack port security vip list'.")
    if len(found) > 1:
        ids = ', '.join(f'{p.id} (network {p.network_id})' for p in found)
        raise exceptions.CommandError(
            f"More than one VIP is named '{ref}': {ids}; give the VIP's ID.")
    return model.from_port(found[0])


def _elsewhere(client: Proxy, ref: str, net_id: str) -> Exception:
    """Why ``ref`` is not on the VIP's network: elsewhere, or nowhere."""
    try:
        other = lookup.find_port(client, ref)
    except exceptions.CommandError as exc:
        return checks.refuse(str(exc))
    return checks.refuse(
        f"Member '{ref}' ({other.id}) is on network {other.network_id}, not "
        f"on the VIP's network {net_id}; give ports on {net_id}.")


def members(client: Proxy, refs: Sequence[str], ports: Sequence[Port],
            net_id: str, address: str | None, vip_id: str | None
            ) -> list[Member]:
    """The members, each found and checked before anything changes."""
    found: dict[str, Member] = {}
    for ref in refs:
        try:
            port = lookup.pick_port(ref, ports, net_id)
        except exceptions.CommandError as exc:
            raise checks.refuse(str(exc)) from None
        if port is None:
            raise _elsewhere(client, ref, net_id)
        kept = checks.member_state(ref, port, address, vip_id)
        found.setdefault(port.id, Member(ref, port, kept))
    return list(found.values())


def leaving(vip: model.Vip, refs: Sequence[str], ports: Sequence[Port]
            ) -> list[Member]:
    """The members ``vip unset`` names, among the VIP's current members."""
    current = member_ports(vip, ports)
    out: dict[str, Member] = {}
    for ref in refs:
        port = lookup.pick_port(ref, current, vip.network_id)
        if port is None:
            raise checks.refuse(
                f"Port '{ref}' is not a member of VIP {vip.name}; see its "
                f"members with 'openstack port security vip show "
                f"{vip.name}'.")
        # A port that carries the address without the tool having given
        # it (not recorded as a member) keeps its pair too.
        out.setdefault(port.id, Member(ref, port,
                                       port.id not in vip.members))
    return list(out.values())


def member_ports(vip: model.Vip, ports: Sequence[Port]) -> list[Port]:
    """Recorded members, and other ports whose pairs carry the address."""
    recorded = set(vip.all_members)
    return [p for p in ports if p.id != vip.id and (
        p.id in recorded or any(
            model.carries(pair, vip.ip_address)
            for pair in p.allowed_address_pairs or []))]


def group(client: Proxy, ref: str) -> tuple[tuple[str, str], list[Any]]:
    """``(ID, name)`` of the group and its rules, in one request."""
    from openstack.network.v2 import security_group_rule as _rule

    found = lookup.security_group(client, ref)
    rules = [_rule.SecurityGroupRule(**r, _synchronized=True)
             for r in found.security_group_rules or []]
    return (found.id, found.name or ''), rules
