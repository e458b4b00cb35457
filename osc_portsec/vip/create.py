"""``vip create``: read once, check everything, then rule, port, members.

The order keeps a failure cheap to undo: the VRRP rule (when missing),
then the VIP port (which takes the address, and carries the rule's ID and
the members in its tags), then one conditional update per member. A
failure part-way undoes what this run did, newest first.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from typing import Any, Sequence, TYPE_CHECKING

from osc_lib import exceptions

from osc_portsec import errors
from osc_portsec import lookup
from osc_portsec.vip import checks
from osc_portsec.vip import members
from osc_portsec.vip import model
from osc_portsec.vip import rollback
from osc_portsec.vip import rules

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy

LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Request:
    name: str
    network: str
    members: Sequence[str]
    ip_address: str | None = None
    subnet: str | None = None
    security_group: str | None = None
    dry_run: bool = False
    # The command that journals the members' updates; ``vip restore``
    # refuses a VIP that exists again instead of completing it.
    command: str = 'vip create'
    restoring: bool = False


@dataclasses.dataclass
class Target:
    """What the checks decided: where the VIP goes, and who joins it."""

    net_id: str
    address: str | None  # None: a free address of ``subnet``
    subnet: Any
    existing: model.Vip | None
    members: list[tuple[str, Any]]
    group: tuple[str, str] | None
    ether: str
    group_rules: list[Any]


def _existing(ports: Sequence[Any], name: str) -> model.Vip | None:
    for port in ports:
        if port.name == name and model.TAG in (port.tags or []):
            return model.from_port(port)
    return None


def _address(req: Request, existing: model.Vip | None,
             subnets: Sequence[Any], ports: Sequence[Any]) -> tuple:
    if existing and req.restoring:
        raise checks._refuse(
            f"VIP {req.name} exists ({existing.id}, address "
            f"{existing.ip_address}); there is nothing to restore.")
    if existing:
        given = req.ip_address and checks.address(req.ip_address)
        if given and given != existing.ip_address:
            raise checks._refuse(
                f"VIP {req.name} already exists with address "
                f"{existing.ip_address}, not {given}; delete it first or "
                f"choose another name.")
        return existing.ip_address, None
    if req.ip_address:
        address = checks.address(req.ip_address)
        subnet = checks.subnet_for(address, subnets, req.network)
        checks.address_free(address, ports, None)
        return address, subnet
    return None, checks.pick_subnet(req.subnet, subnets, req.network)


def target(client: Proxy, req: Request) -> Target:
    """Every read and every check; raises before anything is created."""
    net_id = lookup.network_id(client, req.network)
    assert net_id is not None
    ports = members.network_ports(client, net_id)
    subnets = list(client.subnets(network_id=net_id))
    existing = _existing(ports, req.name)
    address, subnet = _address(req, existing, subnets, ports)
    found = members.resolve(client, req.members, ports, net_id, address,
                            existing.id if existing else None)
    group: tuple[str, str] | None = None
    group_rules: list[Any] = []
    if req.security_group:
        checks.groups_available(found, req.security_group)
        group, group_rules = rules.find_group(client, req.security_group)
    ether = (model.ethertype(address) if address
             else f'IPv{subnet.ip_version}')
    return Target(net_id, address, subnet, existing, found, group, ether,
                  group_rules)


def _port(client: Proxy, req: Request, tgt: Target, rule_id: str | None,
          undo: rollback.Undo) -> tuple[dict[str, Any], str | None, Any]:
    """The VIP port's row, its address and the port (None in a dry run)."""
    if tgt.existing:
        vip = tgt.existing
        return members.row('vip_port', vip.id, vip.name, 'existing',
                           words=[f'holds {vip.ip_address}']), \
            vip.ip_address, vip.port
    fixed = {'subnet_id': tgt.subnet.id}
    holds = tgt.address or f'a free address of {tgt.subnet.cidr}'
    if tgt.address:
        fixed['ip_address'] = tgt.address
    if req.dry_run:
        return members.row('vip_port', None, req.name, 'dry-run', words=[
            f'would create port {req.name} holding {holds}']), \
            tgt.address, None
    tags = model.tags([p.id for _, p in tgt.members], rule_id)
    port = client.create_port(
        network_id=tgt.net_id, name=req.name, fixed_ips=[fixed],
        description=model.description(req.name), tags=tags)
    undo.push(f'the VIP port {req.name} ({port.id})',
              functools.partial(client.delete_port, port.id),
              f'openstack port delete {port.id}')
    if sorted(port.tags or []) != sorted(tags):
        # A Neutron without tags in the create request (extension
        # tag-creation, or a policy that drops them) needs a second call.
        client.set_tags(port, tags)
    address = port.fixed_ips[0]['ip_address']
    return members.row('vip_port', port.id, req.name, 'created',
                       words=[f'created port {req.name} holding '
                              f'{address}']), address, port


def _members(client: Proxy, tgt: Target, address: str | None,
             cloud: dict[str, Any], req: Request,
             undo: rollback.Undo) -> list[dict[str, Any]]:
    out = []
    for ref, port in tgt.members:
        if address is None:  # a dry run with a free address
            out.append(members.row('member', port.id, port.name, 'dry-run',
                                   words=['would add allowed address pair '
                                          '(the free address)']))
            continue
        try:
            outcome = members.join(client, ref, port, address, tgt.group,
                                   req.command, cloud, req.dry_run)
        except errors.BOUNDARY as exc:
            # The member's own sentence (a 403 names the port and the
            # policy); the caller rolls back.
            raise exceptions.CommandError(rollback.sentence(
                exc, errors.Subject(ref, 'allowed address pairs'))) from exc
        out.append(members.outcome_row(outcome))
        if outcome.result == 'updated':
            members.push_leave(client, undo, ref, port.id, address,
                               tgt.group, outcome, cloud)
    return out


def create(client: Proxy, req: Request, cloud: dict[str, Any]
           ) -> list[dict[str, Any]]:
    """Create (or complete) the VIP; the rows of what was done."""
    rows_: list[dict[str, Any]] = []
    with errors.boundary():
        tgt = target(client, req)
        if tgt.group is None:
            rules.warn_vrrp(client, [p for _, p in tgt.members], tgt.ether)
    undo = rollback.Undo()
    subject = errors.Subject()
    try:
        rule_id = None
        if tgt.group:
            row, rule_id = rules.ensure(client, tgt.group, tgt.group_rules,
                                        tgt.ether, req.dry_run, undo)
            rows_.append(row)
        row, address, port = _port(client, req, tgt, rule_id, undo)
        rows_.insert(0, row)
        rows_ += _members(client, tgt, address, cloud, req, undo)
        if tgt.existing and not req.dry_run:
            _retag(client, tgt, rule_id)
    except rollback.CAUGHT as exc:
        raise rollback.failed(rollback.sentence(exc, subject), undo) from exc
    return rows_


def _retag(client: Proxy, tgt: Target, rule_id: str | None) -> None:
    vip = tgt.existing
    assert vip is not None
    joined = [*vip.members, *(p.id for _, p in tgt.members)]
    wanted = model.tags(joined, vip.rule_id or rule_id)
    if sorted(wanted) != sorted(vip.port.tags or []):
        client.set_tags(vip.port, wanted)
