"""``vip create``: read once, check everything, then port, rule, members.

The VIP port comes first and carries, in its creation request, the tags
that name every member and the group: killed at any moment after that, the
run leaves a VIP that ``vip list`` shows and ``vip delete`` removes, and
before it nothing at all. Two runs that create the same VIP at once both
see both ports; the older one wins and the other run removes its own
(:func:`osc_portsec.vip.model.winner`). Then the VRRP rule (when missing;
a rule another run created meanwhile is used), then each member through
the same conditional, journalled update as ``pair add``. A failure
part-way runs the rollback plan of what this run did, newest first.
``vip check`` judges the result (or, for a dry run, what would be made)
and its failures are printed as warnings.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, Sequence, TYPE_CHECKING

from openstack import exceptions as sdk_exc
from osc_lib import exceptions

from osc_portsec import failures
from osc_portsec import lookup
from osc_portsec import rollback
from osc_portsec import runner
from osc_portsec.vip import check
from osc_portsec.vip import checks
from osc_portsec.vip import findings
from osc_portsec.vip import join
from osc_portsec.vip import model
from osc_portsec.vip import observed
from osc_portsec.vip import prepare
from osc_portsec.vip import report
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


@dataclasses.dataclass(frozen=True)
class Target:
    """What the reads and checks decided: where the VIP goes, who joins."""

    net_id: str
    address: str | None  # None: a free address of ``subnet``
    subnet: Any
    existing: model.Vip | None
    members: tuple[prepare.Member, ...]
    group: tuple[str, str] | None
    ether: str
    group_rules: tuple[Any, ...]
    ports: tuple[Any, ...] = ()
    subnets: tuple[Any, ...] = ()


def _existing(ports: Sequence[Any], name: str) -> model.Vip | None:
    found = [model.from_port(p) for p in ports
             if p.name == name and model.is_vip(p)]
    return model.winner(found) if found else None


def _address(req: Request, existing: model.Vip | None,
             subnets: Sequence[Any]) -> tuple[str | None, Any]:
    if existing and req.restoring:
        raise checks.refuse(
            f"VIP {req.name} exists ({existing.id}, address "
            f"{existing.ip_address}); there is nothing to restore.")
    given = (checks.address(req.ip_address)
             if req.ip_address is not None else None)
    if existing:
        if given and given != existing.ip_address:
            raise checks.refuse(
                f"VIP {req.name} already exists with address "
                f"{existing.ip_address}, not {given}; delete it first or "
                f"choose another name.")
        return existing.ip_address, None
    if given:
        return given, checks.subnet_for(given, subnets, req.network)
    return None, checks.pick_subnet(req.subnet, subnets, req.network)


def target(client: Proxy, req: Request) -> Target:
    """Every read and every check; raises before anything is created."""
    try:
        return _target(client, req)
    except exceptions.CommandError as exc:
        raise checks.refuse(str(exc)) from None


def _target(client: Proxy, req: Request) -> Target:
    net_id = lookup.network_id(client, req.network)
    assert net_id is not None
    ports = prepare.network_ports(client, net_id)
    subnets = list(client.subnets(network_id=net_id))
    existing = _existing(ports, req.name)
    address, subnet = _address(req, existing, subnets)
    vip_id = existing.id if existing else None
    found = prepare.members(client, req.members, ports, net_id, address,
                            vip_id)
    if address:
        known = [m.port.id for m in found]
        checks.address_free(address, ports, known + list(
            existing.all_members if existing else ()), vip_id)
    group: tuple[str, str] | None = None
    group_rules: list[Any] = []
    if req.security_group:
        checks.groups_available([(m.ref, m.port) for m in found],
                                req.security_group)
        group, group_rules = prepare.group(client, req.security_group)
    ether = (model.ethertype(address) if address
             else f'IPv{subnet.ip_version}')
    return Target(net_id, address, subnet, existing, tuple(found), group,
                  ether, tuple(group_rules), tuple(ports), tuple(subnets))


def _new_port(client: Proxy, req: Request, tgt: Target,
              undo: list[rollback.Undo]) -> model.Vip:
    fixed = {'subnet_id': tgt.subnet.id}
    if tgt.address:
        fixed['ip_address'] = tgt.address
    tags = model.tags([m.port.id for m in tgt.members if not m.kept],
                      [m.port.id for m in tgt.members if m.kept],
                      group_id=tgt.group[0] if tgt.group else None)
    port = join.create_port(client, tgt.net_id, req.name, fixed, tags, undo)
    vip = model.from_port(port)
    _contest(client, req, vip)
    return vip


def _contest(client: Proxy, req: Request, vip: model.Vip) -> None:
    """Refuse when another run made a VIP of this name at the same time."""
    same = [model.from_port(p) for p in client.ports(
        name=req.name, network_id=vip.network_id) if model.is_vip(p)]
    first = model.winner(same or [vip])
    if first.id != vip.id:
        raise exceptions.CommandError(
            f"Another run created VIP {req.name} at the same time (port "
            f"{first.id}, address {first.ip_address}); this run's port is "
            f"removed, so run 'openstack port security vip set {req.name} "
            f"--member ...' to add members to it.")


def _members_of(client: Proxy, vip: model.Vip, tgt: Target,
                undo: list[rollback.Undo]) -> model.Vip:
    """An existing VIP records the members that join it first."""
    vip = join.tag_members(client, vip, tgt.members, undo)
    if tgt.group and not vip.group_id:
        tag = model.GROUP_TAG + tgt.group[0]
        join.add_tag(client, vip, tag, undo)
        vip = dataclasses.replace(vip, group_id=tgt.group[0])
    return vip


def _rule(client: Proxy, vip: model.Vip, tgt: Target,
          undo: list[rollback.Undo]) -> tuple[dict[str, Any], Any]:
    """The VRRP rule's row, and the rule (created, or the one in place)."""
    assert tgt.group is not None
    group, ether = tgt.group, tgt.ether
    label = rules.label(group, ether)
    found = rules.equivalent(tgt.group_rules, group[0], ether)
    if found is None:
        try:
            found = client.create_security_group_rule(
                security_group_id=group[0], direction='ingress',
                protocol='vrrp', ether_type=ether, remote_group_id=group[0],
                description=model.rule_description(vip.name))
        except sdk_exc.ConflictException as exc:
            if failures.neutron_error(exc)[0] != 'SecurityGroupRuleExists':
                raise
            # Another run created it since the group was read: use it.
            _, current = prepare.group(client, group[0])
            found = rules.equivalent(current, group[0], ether)
            if found is None:
                raise
        else:
            # The rule's description names the VIP: that is how delete
            # knows the rule is the VIP's own.
            undo.append(rollback.rule_created(found.id, group[1] or group[0]))
            return report.row(
                'vrrp_rule', found.id, group[1], 'created',
                [report.rule_change('create', found.id, label)]), found
    return report.row('vrrp_rule', found.id, group[1], 'existing',
                      [report.rule_change('skip', found.id, label,
                                          'in_group')]), found


def create(client: Proxy, req: Request, cloud: dict[str, Any]
           ) -> list[dict[str, Any]]:
    """Create (or complete) the VIP; the rows of what was done.

    ``vip check`` then judges the result; its failures are warnings.
    """
    tgt = target(client, req)
    if req.dry_run:
        return _dry_run(client, req, tgt, cloud)
    undo: list[rollback.Undo] = []
    rule = None
    try:
        if tgt.existing:
            vip = _members_of(client, tgt.existing, tgt, undo)
            rows = [report.row('vip_port', vip.id, vip.name, 'existing', [
                report.port_change('keep', vip.id, vip.name,
                                   vip.ip_address)])]
        else:
            vip = _new_port(client, req, tgt, undo)
            rows = [report.row('vip_port', vip.id, vip.name, 'created', [
                report.port_change('create', vip.id, vip.name,
                                   vip.ip_address)])]
        if tgt.group:
            row, rule = _rule(client, vip, tgt, undo)
            rows.append(row)
        joined = join.members(client, vip, tgt.members, tgt.group,
                              req.command, cloud, undo)
    except join.FAILED as exc:
        raise failures.PartlyDone(
            exc, runner.roll_back(client, undo, cloud)) from exc
    findings.warn(check.judge(prepare.seen_after(
        client, joined.vip or vip, tgt.ports, joined.ports, tgt.subnets,
        [*tgt.group_rules, rule] if rule is not None else None,
        with_fips=tgt.existing is not None)))
    return rows + joined.rows


def _planned(req: Request, tgt: Target) -> tuple[model.Vip, list[Any]]:
    """The VIP a dry run would make or complete, and its rule's part."""
    added = [m.port.id for m in tgt.members if not m.kept]
    kept = [m.port.id for m in tgt.members if m.kept]
    group_id = tgt.group[0] if tgt.group else None
    planned = [] if group_id is None else [observed.planned_rule(
        group_id, tgt.ether)]
    if tgt.existing:
        vip = tgt.existing
        return dataclasses.replace(
            vip, members=tuple(dict.fromkeys((*vip.members, *added))),
            kept=tuple(dict.fromkeys((*vip.kept, *kept)))), planned
    assert tgt.address is not None
    port = observed.planned_port(
        req.name, tgt.net_id, tgt.subnet.id, tgt.address,
        model.tags(added, kept, group_id=group_id))
    return model.from_port(port), planned


def _dry_run(client: Proxy, req: Request, tgt: Target,
             cloud: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a create as "would ...", with nothing sent.

    ``vip check`` judges what the create would make (when the address is
    known: Neutron picks a free one only when the port is made).
    """
    if tgt.existing:
        vip = tgt.existing
        rows = [report.row('vip_port', vip.id, vip.name, 'existing', [
            report.port_change('keep', vip.id, vip.name, vip.ip_address)],
            dry_run=True)]
    else:
        holds = tgt.address or f'a free address of {tgt.subnet.cidr}'
        rows = [report.row('vip_port', None, req.name, 'dry-run', [
            report.port_change('create', None, req.name, holds)],
            dry_run=True)]
    if tgt.group:
        label = rules.label(tgt.group, tgt.ether)
        found = rules.equivalent(tgt.group_rules, tgt.group[0], tgt.ether)
        change = (report.rule_change('skip', found.id, label, 'in_group')
                  if found else report.rule_change('create', None, label))
        rows.append(report.row('vrrp_rule', found.id if found else None,
                               tgt.group[1], 'dry-run', [change],
                               dry_run=True))
    joined = join.dry_run(client, tgt.address, tgt.members, tgt.group,
                          req.command, cloud)
    if tgt.address is not None:
        vip, planned = _planned(req, tgt)
        findings.warn(check.judge(prepare.seen_after(
            client, vip, tgt.ports, joined.ports, tgt.subnets,
            [*tgt.group_rules, *planned] if tgt.group else None,
            with_fips=tgt.existing is not None)))
    return rows + joined.rows
