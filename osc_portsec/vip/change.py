"""``vip set`` and ``vip unset``: members join and leave a VIP.

A member joins and leaves through the runner, the same conditional,
journalled update as ``pair add`` and ``pair remove``: only the VIP's own
pair (the address with the member's MAC) is touched, and only a pair the
tool added ever leaves. ``vip set`` records a member before it joins;
``vip unset`` forgets it after it left: a run killed in between leaves a
state the next run of either command completes.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence, TYPE_CHECKING

from osc_portsec import changes
from osc_portsec import failures
from osc_portsec import lookup
from osc_portsec import mutations
from osc_portsec import rollback
from osc_portsec import runner
from osc_portsec.vip import check
from osc_portsec.vip import findings
from osc_portsec.vip import join
from osc_portsec.vip import model
from osc_portsec.vip import prepare
from osc_portsec.vip import report

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy


def vip_group(client: Proxy, vip: model.Vip) -> tuple[str, str] | None:
    """The VIP's group (``--security-group``), new members join it.

    VIPs made before the group was recorded name only the rule they
    created; its group is read from the rule.
    """
    from openstack import exceptions as sdk_exc

    group_id = vip.group_id
    if group_id is None and vip.rule_id:
        try:
            group_id = client.get_security_group_rule(
                vip.rule_id).security_group_id
        except sdk_exc.NotFoundException:
            return None
    if group_id is None:
        return None
    return group_id, lookup.group_names(client, [group_id]).get(
        group_id) or ''


def add(client: Proxy, ref: str, refs: Sequence[str],
        cloud: dict[str, Any], dry_run: bool) -> list[dict[str, Any]]:
    """``vip set --member``: every member checked, then joined.

    ``vip check`` then judges the result (or, for a dry run, what it
    would be); its failures are warnings.
    """
    vip = prepare.find_vip(client, ref)
    ports = prepare.network_ports(client, vip.network_id)
    found = prepare.members(client, refs, ports, vip.network_id,
                            vip.ip_address, vip.id)
    group = vip_group(client, vip)
    if dry_run:
        joined = join.dry_run(client, vip.ip_address, found, group,
                              'vip set', cloud)
        after = recorded(vip, found)
    else:
        undo: list[rollback.Undo] = []
        try:
            joined = join.members(client, vip, found, group, 'vip set',
                                  cloud, undo)
        except join.FAILED as exc:
            raise failures.PartlyDone(
                exc, runner.roll_back(client, undo, cloud)) from exc
        after = joined.vip or vip
    subnets = list(client.subnets(network_id=vip.network_id))
    findings.warn(check.judge(prepare.seen_after(
        client, after, ports, joined.ports, subnets)))
    return joined.rows


def recorded(vip: model.Vip, found: Sequence[prepare.Member]) -> model.Vip:
    """``vip`` with the members not yet recorded recorded (a dry run)."""
    new = [m for m in found if m.port.id not in vip.all_members]
    return dataclasses.replace(
        vip, members=(*vip.members, *(m.port.id for m in new if not m.kept)),
        kept=(*vip.kept, *(m.port.id for m in new if m.kept)))


def kept_row(member: prepare.Member, address: str,
             dry_run: bool) -> dict[str, Any]:
    """A member whose pair the tool did not add: it keeps it."""
    port = member.port
    pairs = [p for p in port.allowed_address_pairs or []
             if model.carries(p, address)]
    done = [changes.pair('keep', p['ip_address'], p.get('mac_address'),
                         'before') for p in pairs]
    return report.row('member', port.id, port.name, 'unchanged', done,
                      dry_run)


def leave(client: Proxy, vip: model.Vip, member: prepare.Member,
          command: str, cloud: dict[str, Any],
          dry_run: bool) -> dict[str, Any]:
    """One member leaves: the row of what it did."""
    if member.kept:
        return kept_row(member, vip.ip_address, dry_run)
    mutation = mutations.VipLeave(address=vip.ip_address,
                                  journal_name=command)
    return report.member(runner.change_found(
        client, member.port, mutations.Prepared(member.ref), mutation,
        cloud, dry_run))


def remove(client: Proxy, ref: str, refs: Sequence[str],
           cloud: dict[str, Any], dry_run: bool) -> list[dict[str, Any]]:
    """``vip unset --member``: only the VIP's pair leaves each member."""
    vip = prepare.find_vip(client, ref)
    ports = prepare.network_ports(client, vip.network_id)
    leaving = prepare.leaving(vip, refs, ports)
    rows = []
    for member in leaving:
        rows.append(leave(client, vip, member, 'vip unset', cloud, dry_run))
        if dry_run:
            continue
        for tag in (model.member_tag(member.port.id),
                    model.member_tag(member.port.id, kept=True)):
            if tag in (vip.port.tags or []):
                client.remove_tag(vip.port, tag)
    return rows
