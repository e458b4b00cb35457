"""Every read a VIP command makes, once, before anything changes.

The VIPs (the tagged ports, one request), the ports of the VIP's network
(one request), its subnets, the security group with its rules, the rules
of the members' groups, the floating IPs of the VIP port; and everything
``vip check`` judges (:func:`seen`). Members are found among the
network's ports by the same resolver as every port reference
(:func:`osc_portsec.lookup.pick_port`) and checked; SDK errors propagate
as they come, to the command's one boundary.
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
from osc_portsec.vip import observed
from osc_portsec.vip import rules as _rules

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


def _at_address(client: Proxy, address: str, net_id: str | None) -> str:
    """The network of the port holding ``address`` (one request)."""
    if net_id is not None:
        return net_id
    nets = list(dict.fromkeys(
        p.network_id for p in client.ports(
            fixed_ips=[f'ip_address={address}'])))
    if len(nets) == 1:
        return str(nets[0])
    if not nets:
        raise exceptions.CommandError(
            f"No port holds {address} as a fixed IP; give --network "
            f"<network> to check a VIP that only allowed address pairs "
            f"carry.")
    raise exceptions.CommandError(
        f"{address} is a fixed IP on networks {', '.join(nets)}; give "
        f"--network <network>.")


def _named(ref: str, ports: Sequence[Port], net_id: str) -> model.Vip:
    """The VIP ``ref`` (name or ID) among the network's ports."""
    wanted = values.canonical_uuid(ref) if values.is_uuid_like(ref) else ref
    found = [p for p in ports if model.is_vip(p) and wanted in (p.id, p.name)]
    if len(found) == 1:
        return model.from_port(found[0])
    if not found:
        raise exceptions.CommandError(
            f"No VIP named or with ID '{ref}' was found on network {net_id}; "
            f"list them with 'openstack port security vip list', or give "
            f"the address of a hand-made VIP.")
    raise exceptions.CommandError(
        f"More than one VIP is named '{ref}' on network {net_id}; give the "
        f"VIP's ID.")


def floating_ips(client: Proxy, held: Any | None) -> list[Any]:
    """The floating IPs pointing at the port holding the VIP's address.

    (Neutron associates a floating IP only with a fixed IP of the port it
    names, so only the holder can have one.) A cloud without the L3
    extension answers 404: no floating IP.
    """
    if held is None:
        return []
    try:
        return list(client.ips(port_id=held.id))
    except sdk_exc.NotFoundException:
        return []


def seen(client: Proxy, ref: str, network: str | None) -> observed.Seen:
    """Everything ``vip check`` judges: at most six requests.

    The network (when given), the VIP (by name or ID) or the network of
    the port holding the address, the network's ports, its subnets, the
    rules of the members' groups and the floating IPs of the holder.
    """
    if '/' in ref and values.is_ip_like(ref.split('/', 1)[0]):
        raise exceptions.CommandError(
            f"'{ref}' is a CIDR; give the VIP's address without a prefix "
            f"(or the name or ID of a VIP of this tool).")
    net_id = lookup.network_id(client, network)
    vip: model.Vip | None = None
    if values.is_ip_like(ref):
        address = values.ip_address(ref)
        net_id = _at_address(client, address, net_id)
        ports = network_ports(client, net_id)
    elif net_id is not None:
        ports = network_ports(client, net_id)
        vip = _named(ref, ports, net_id)
    else:
        vip = find_vip(client, ref)
        net_id = vip.network_id
        ports = network_ports(client, net_id)
    if vip is not None:
        address = vip.ip_address
    held = next((p for p in ports if model.holds(p, address)), None)
    if vip is None and held is not None and model.is_vip(held):
        vip = model.from_port(held)
    partial = observed.Seen(address, net_id, tuple(ports), vip=vip)
    subnets = tuple(client.subnets(network_id=net_id))
    found = observed.members(dataclasses.replace(partial, subnets=subnets))
    return dataclasses.replace(
        partial, subnets=subnets,
        rules=tuple(group_rules(client, found)),
        floating_ips=tuple(floating_ips(client, observed.holder(partial))))


def group_rules(client: Proxy, ports: Sequence[Any]) -> list[Any]:
    """The rules of the groups of ``ports``, in one list request."""
    ids = list(dict.fromkeys(g for p in ports
                             for g in p.security_group_ids or []))
    if not ids:
        return []
    return list(client.security_group_rules(security_group_id=ids))


def seen_after(client: Proxy, vip: model.Vip, ports: Sequence[Any],
               changed: Sequence[Any], subnets: Sequence[Any],
               known_rules: Sequence[Any] | None = None,
               with_fips: bool = True) -> observed.Seen:
    """What ``vip check`` judges after a change, from what it read.

    ``ports`` as read before, ``changed`` the members' ports as the change
    returned them, ``vip`` the VIP after. The rules of the members'
    groups are read unless ``known_rules`` already let VRRP between every
    member (rules only allow: more rules change nothing); the floating
    IPs of the VIP port with ``with_fips`` (a new port has none).
    """
    after = {p.id: p for p in changed}
    current = [after.get(p.id, p) for p in ports if p.id != vip.id]
    partial = observed.Seen(vip.ip_address, vip.network_id,
                            (*current, vip.port), tuple(subnets), vip)
    found = observed.members(partial)
    rules = known_rules
    if rules is None or any(_rules.vrrp_deaf(
            found, rules, model.ethertype(vip.ip_address)).values()):
        rules = group_rules(client, found)
    return dataclasses.replace(
        partial, rules=tuple(rules), floating_ips=tuple(
            floating_ips(client, vip.port) if with_fips else ()))


def adopted_members(client: Proxy, refs: Sequence[str],
                    seen: observed.Seen) -> list[Member]:
    """The members ``vip adopt`` records, each keeping its pair.

    Those named (found among the network's ports, each checked), or every
    port whose pairs carry the address.
    """
    held = observed.holder(seen)
    held_id = held.id if held is not None else None
    if not refs:
        found = [Member(p.id, p, kept=True) for p in observed.members(seen)]
        if not found:
            raise checks.refuse(
                f"No port of network {seen.network_id} carries "
                f"{seen.address} in its allowed address pairs: there is no "
                f"VIP to adopt; make one with 'openstack port security vip "
                f"create'.")
        return found
    out: dict[str, Member] = {}
    for ref in refs:
        try:
            port = lookup.pick_port(ref, seen.ports, seen.network_id)
        except exceptions.CommandError as exc:
            raise checks.refuse(str(exc)) from None
        if port is None:
            raise _elsewhere(client, ref, seen.network_id)
        checks.adopted_member(ref, port, seen.address,
                              observed.cidrs(seen), held_id)
        out.setdefault(port.id, Member(ref, port, kept=True))
    return list(out.values())


def everything(client: Proxy, network: str | None
               ) -> tuple[list[Port], list[Any], dict[str, str]]:
    """What ``vip list --unmanaged`` reads: three requests at most.

    The ports (of ``network``, or every port the caller sees: one paged
    list; the tool's VIPs are among them), the subnets, the networks'
    names (the one given, or one list of the networks the ports are on).
    """
    found = lookup.find_network(client, network)
    if found is not None:
        net_id, name = found
        ports = network_ports(client, net_id)
        return (ports, list(client.subnets(network_id=net_id)),
                {net_id: name})
    ports = list(client.ports())
    return (ports, list(client.subnets()), lookup.network_names(
        client, (p.network_id for p in ports)))
