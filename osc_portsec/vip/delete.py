"""``vip delete``: the record first, then the members, the rule, the port.

The journal gets what ``vip restore`` needs before anything is removed; a
run killed part-way leaves the VIP port (and so the VIP) in place, and a
second run completes the delete. Only what the tool added goes: the pairs
it gave members (a pair that was there before stays, unless ``--all``),
the VRRP rule it created (unless another VIP of the group uses it), the
port it made (a port ``vip adopt`` found holding the address only loses
the VIP's tags). Members keep the VIP's security group; every row says
what stayed and why.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence, TYPE_CHECKING

from openstack import exceptions as sdk_exc

from osc_portsec import changes
from osc_portsec import journal
from osc_portsec import port_state
from osc_portsec.vip import change
from osc_portsec.vip import model
from osc_portsec.vip import prepare
from osc_portsec.vip import report
from osc_portsec.vip import rules

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy

LOG = logging.getLogger(__name__)


def _rules(client: Proxy, vip: model.Vip) -> tuple[Any, Any]:
    """The VRRP rule the tool created for the VIP, else the one it used.

    The created rule is named by the VIP port's tag, or (a run killed
    before the tag was written) by its description in the VIP's group; a
    rule another VIP of the tool made in the group counts as the tool's.
    """
    if vip.rule_id:
        try:
            return client.get_security_group_rule(vip.rule_id), None
        except sdk_exc.NotFoundException:
            return None, None
    if not vip.group_id:
        return None, None
    found = list(client.security_group_rules(
        security_group_id=vip.group_id))
    wanted = model.rule_description(vip.name)
    created = next((r for r in found if r.description == wanted), None)
    ether = model.ethertype(vip.ip_address)
    used = None if created else rules.equivalent(found, vip.group_id, ether)
    if used is not None and model.made_by_tool(used):
        # Another VIP of the group made it: it goes with the last of them.
        return used, None
    return created, used


def _words(rule: Any) -> str:
    return f'{rule.id}: ingress {rule.ether_type} vrrp'


def _shared(client: Proxy, vip: model.Vip, rule: Any) -> bool:
    """Whether another VIP of this tool relies on the rule's group."""
    for port in prepare.tagged(client):
        other = model.from_port(port)
        if other.id != vip.id and (
                other.group_id == rule.security_group_id
                or other.rule_id == rule.id):
            return True
    return False


def _rule_row(client: Proxy, vip: model.Vip,
              dry_run: bool) -> dict[str, Any] | None:
    if not port_state.has_field(vip.port, 'security_groups'):
        return report.row('vrrp_rule', vip.rule_id, None, 'unchanged', [
            changes.Change('note', 'extension', {
                'what': 'the VRRP rule', 'extension': 'security-group'})])
    rule, used = _rules(client, vip)
    if rule is None:
        if used is None:
            return None
        return report.row('vrrp_rule', used.id, None, 'unchanged', [
            report.rule_change('keep', used.id, _words(used),
                               'not_created')], dry_run)
    text = _words(rule)
    if _shared(client, vip, rule):
        return report.row('vrrp_rule', rule.id, None, 'unchanged', [
            report.rule_change('keep', rule.id, text, 'shared')], dry_run)
    if not dry_run:
        client.delete_security_group_rule(rule.id, ignore_missing=True)
    return report.row('vrrp_rule', rule.id, None,
                      'dry-run' if dry_run else 'deleted',
                      [report.rule_change('delete', rule.id, text)], dry_run)


def _member_row(client: Proxy, vip: model.Vip, port: Any,
                cloud: dict[str, Any], dry_run: bool,
                every: bool = False) -> dict[str, Any]:
    # --all takes the pairs of the VIP's recorded members, never of a
    # port that carries the address without being one.
    taken = vip.all_members if every else vip.members
    member = prepare.Member(port.id, port, port.id not in taken)
    row = change.leave(client, vip, member, 'vip delete', cloud, dry_run)
    if vip.group_id and vip.group_id in (port.security_group_ids or []):
        row['changes'].append(changes.words(changes.group(
            'keep', vip.group_id, None, 'vip_group'), dry_run))
    return row


def record(vip: model.Vip, cloud: dict[str, Any],
           found: Sequence[Any]) -> None:
    """What ``vip restore`` needs to make the VIP again, journalled first.

    A second run of an interrupted delete may find the rule gone: the
    group is then taken from the first run's record.
    """
    group = vip.group_id
    if group is None:
        earlier = journal.last_vip_deletion(vip.id, cloud.get('auth_url'))
        group = ((earlier or {}).get('vip') or {}).get('rule_group_id')
    try:
        path = journal.append({
            'phase': 'vip-deleted', 'command': 'vip delete',
            'time': journal.now(), 'auth_url': cloud.get('auth_url'),
            'port_id': vip.id,
            'vip': {'name': vip.name, 'network_id': vip.network_id,
                    'ip_address': vip.ip_address,
                    'subnet_id': vip.subnet_id,
                    'members': [p.id for p in found
                                if p.id in vip.members],
                    'kept': [p.id for p in found if p.id not in vip.members],
                    'rule_id': vip.rule_id, 'rule_group_id': group,
                    'adopted': vip.adopted},
        })
    except OSError as exc:
        LOG.warning('The journal %s cannot be written (%s); VIP %s is '
                    'deleted without a record of its address.',
                    journal.path(), exc.strerror or exc, vip.name)
        return
    LOG.info('VIP %s is recorded in the journal %s; '
             "'openstack port security vip restore %s' makes it again.",
             vip.name, path, vip.name)


def _untag(client: Proxy, vip: model.Vip) -> None:
    """An adopted port loses the VIP's tags, the marker of adoption last.

    Killed part-way, the port is still marked adopted: a second delete
    (or adopt) finds it, and no delete ever removes it.
    """
    if model.NAMED_TAG in (vip.port.tags or []):
        client.update_port(vip.id, name='')
    tags = [t for t in vip.port.tags or []
            if t.startswith(model.TAG) and t not in (model.TAG,
                                                     model.ADOPTED_TAG)]
    for tag in [*tags, model.TAG, model.ADOPTED_TAG]:
        if tag in (vip.port.tags or []):
            client.remove_tag(vip.port, tag)


def _port_row(client: Proxy, vip: model.Vip,
              dry_run: bool) -> dict[str, Any]:
    """The VIP port: deleted, or (adopted) untagged and kept."""
    result = 'dry-run' if dry_run else None
    if vip.adopted:
        # Read first: removing a tag changes the SDK port's tags in place.
        named = model.NAMED_TAG in (vip.port.tags or [])
        if not dry_run:
            _untag(client, vip)
        said = [changes.Change('untag', 'vip_port', {
            'id': vip.id, 'name': vip.name, 'ip_address': vip.ip_address,
            'reason': 'adopted'})]
        if named:
            said.append(changes.Change('unname', 'vip_port', {
                'id': vip.id, 'name': vip.name, 'ip_address': vip.ip_address,
                'reason': 'named_by_adopt'}))
        return report.row('vip_port', vip.id, vip.name, result or 'untagged',
                          said, dry_run)
    if not dry_run:
        client.delete_port(vip.id, ignore_missing=True)
    return report.row(
        'vip_port', vip.id, vip.name, result or 'deleted',
        [report.port_change('delete', vip.id, vip.name, vip.ip_address)],
        dry_run)


def delete(client: Proxy, ref: str, cloud: dict[str, Any],
           dry_run: bool, every: bool = False) -> list[dict[str, Any]]:
    """Members' pairs, then the rule this tool created, then the port.

    With ``every`` (``--all``) the members whose pairs were there before
    the VIP lose the VIP's pair too. An adopted port is untagged, never
    deleted.
    """
    vip = prepare.find_vip(client, ref)
    found = prepare.member_ports(
        vip, prepare.network_ports(client, vip.network_id))
    if not dry_run:
        record(vip, cloud, found)
    rows = [_member_row(client, vip, port, cloud, dry_run, every)
            for port in found]
    rule = _rule_row(client, vip, dry_run)
    if rule is not None:
        rows.append(rule)
    rows.insert(0, _port_row(client, vip, dry_run))
    return rows
