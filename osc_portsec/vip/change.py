"""``vip set``, ``vip unset`` and ``vip delete``.

Members join and leave by the conditional, journalled update of ``pair
add`` and ``pair remove``: only the VIP's own single-IP pair is touched.
``pair add <member> --restore`` puts back what ``unset`` or ``delete``
removed from one member; ``vip restore`` makes a deleted VIP again.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence, TYPE_CHECKING

from openstack import exceptions as sdk_exc
from osc_lib import exceptions

from osc_portsec import errors
from osc_portsec import journal
from osc_portsec.vip import checks
from osc_portsec.vip import members
from osc_portsec.vip import model
from osc_portsec.vip import rollback
from osc_portsec.vip import show

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy

LOG = logging.getLogger(__name__)


def _group(client: Proxy, vip: model.Vip) -> tuple[str, str] | None:
    """The group whose VRRP rule ``create`` made: new members join it."""
    if not vip.rule_id:
        return None
    try:
        rule = client.get_security_group_rule(vip.rule_id)
    except sdk_exc.NotFoundException:
        return None
    return rule.security_group_id, ''


def _member_error(exc: BaseException, ref: str) -> exceptions.CommandError:
    return exceptions.CommandError(rollback.sentence(
        exc, errors.Subject(ref, 'allowed address pairs')))


def add(client: Proxy, ref: str, refs: Sequence[str],
        cloud: dict[str, Any], dry_run: bool) -> list[dict[str, Any]]:
    """``vip set --member``: every member checked, then joined."""
    with errors.boundary():
        vip = members.find_vip(client, ref)
        ports = members.network_ports(client, vip.network_id)
        found = members.resolve(client, refs, ports, vip.network_id,
                                vip.ip_address, vip.id)
        group = _group(client, vip)
    undo = rollback.Undo()
    rows = []
    try:
        for member_ref, port in found:
            try:
                outcome = members.join(client, member_ref, port,
                                       vip.ip_address, group, 'vip set',
                                       cloud, dry_run)
            except errors.BOUNDARY as exc:
                raise _member_error(exc, member_ref) from exc
            rows.append(members.outcome_row(outcome))
            if outcome.result == 'updated':
                members.push_leave(client, undo, member_ref, port.id,
                                   vip.ip_address, group, outcome, cloud)
        _retag(client, vip, [*vip.members, *(p.id for _, p in found)],
               dry_run)
    except rollback.CAUGHT as exc:
        raise rollback.failed(rollback.sentence(exc, errors.Subject()),
                              undo) from exc
    return rows


def _retag(client: Proxy, vip: model.Vip, member_ids: Sequence[str],
           dry_run: bool) -> None:
    wanted = vip.tags(member_ids)
    if not dry_run and sorted(wanted) != sorted(vip.port.tags or []):
        client.set_tags(vip.port, wanted)


def _leaving(vip: model.Vip, refs: Sequence[str], ports: Sequence[Any]
             ) -> list[tuple[str, Any]]:
    current = show.member_ports(vip, ports)
    out = []
    for ref in refs:
        port = checks.find_member(ref, current)
        if port is None:
            raise exceptions.CommandError(
                f"Port '{ref}' is not a member of VIP {vip.name}; see its "
                f"members with 'openstack port security vip show "
                f"{vip.name}'. Nothing was changed.")
        out.append((ref, port))
    return out


def remove(client: Proxy, ref: str, refs: Sequence[str],
           cloud: dict[str, Any], dry_run: bool) -> list[dict[str, Any]]:
    """``vip unset --member``: only the VIP's pair leaves each member."""
    with errors.boundary():
        vip = members.find_vip(client, ref)
        ports = members.network_ports(client, vip.network_id)
        leaving = _leaving(vip, refs, ports)
    rows = []
    for member_ref, port in leaving:
        with errors.boundary(errors.Subject(member_ref,
                                            'allowed address pairs')):
            outcome = members.leave(client, port, vip.ip_address, None,
                                    'vip unset', cloud, dry_run)
        rows.append(members.outcome_row(outcome))
    gone = {p.id for _, p in leaving}
    with errors.boundary():
        _retag(client, vip, [m for m in vip.members if m not in gone],
               dry_run)
    return rows


def delete(client: Proxy, ref: str, cloud: dict[str, Any],
           dry_run: bool) -> list[dict[str, Any]]:
    """Members' pairs, then the rule this tool created, then the port."""
    with errors.boundary():
        vip = members.find_vip(client, ref)
        found = show.member_ports(
            vip, members.network_ports(client, vip.network_id))
    rows = []
    for port in found:
        with errors.boundary(errors.Subject(port.id,
                                            'allowed address pairs')):
            outcome = members.leave(client, port, vip.ip_address, None,
                                    'vip delete', cloud, dry_run)
        rows.append(members.outcome_row(outcome))
    verb = 'would delete' if dry_run else 'deleted'
    result = 'dry-run' if dry_run else 'deleted'
    with errors.boundary():
        rule = _rule(client, vip) if not dry_run else None
        if vip.rule_id:
            if not dry_run:
                client.delete_security_group_rule(vip.rule_id,
                                                  ignore_missing=True)
            rows.append(members.row('vrrp_rule', vip.rule_id, None, result,
                                    words=[f'{verb} the VRRP rule']))
        if not dry_run:
            _record(vip, cloud, found, rule)
            client.delete_port(vip.id, ignore_missing=True)
        rows.insert(0, members.row('vip_port', vip.id, vip.name, result,
                                   words=[f'{verb} port {vip.name} holding '
                                          f'{vip.ip_address}']))
    return rows


def _rule(client: Proxy, vip: model.Vip) -> Any:
    """The VRRP rule ``create`` made, read before it is deleted."""
    if not vip.rule_id:
        return None
    try:
        return client.get_security_group_rule(vip.rule_id)
    except sdk_exc.NotFoundException:
        return None


def _record(vip: model.Vip, cloud: dict[str, Any],
            found: Sequence[Any], rule: Any) -> None:
    # What 'vip restore' needs to make the VIP again: the port, its
    # members and the group whose VRRP rule it had created. The members'
    # pairs are also in their own entries ('pair add <member> --restore').
    try:
        journal.append({
            'phase': 'vip-deleted', 'command': 'vip delete',
            'auth_url': cloud.get('auth_url'), 'port_id': vip.id,
            'vip': {'name': vip.name, 'network_id': vip.network_id,
                    'ip_address': vip.ip_address,
                    'subnet_id': vip.subnet_id,
                    'members': [p.id for p in found],
                    'rule_id': vip.rule_id,
                    'rule_group_id': rule.security_group_id if rule
                    else None},
        })
    except OSError as exc:
        LOG.warning('The journal %s cannot be written (%s); VIP %s is '
                    'deleted without a record of its address.',
                    journal.path(), exc.strerror or exc, vip.name)
