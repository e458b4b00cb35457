"""The VRRP rule: find or create it, and warn when members cannot talk.

keepalived's peers exchange VRRP (IP protocol 112); when a member's
security groups drop it, every member believes it is the master and
claims the address.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Sequence, TYPE_CHECKING
import uuid

from openstack import exceptions as sdk_exc
from openstack.network.v2 import security_group_rule as _rule
from osc_lib import exceptions

from osc_portsec.vip import members
from osc_portsec.vip import model
from osc_portsec.vip import rollback

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy

LOG = logging.getLogger(__name__)


def of_groups(client: Proxy, group_ids: Sequence[str]) -> list[Any]:
    """The rules of ``group_ids``, in one list request."""
    ids = list(dict.fromkeys(group_ids))
    if not ids:
        return []
    return list(client.security_group_rules(security_group_id=ids))


def find_group(client: Proxy, ref: str
               ) -> tuple[tuple[str, str], list[Any]]:
    """``(ID, name)`` of the group and its rules, in one request.

    A group's body carries its rules, so no second request lists them.
    """
    try:
        uuid.UUID(ref)
        try:
            found = [client.get_security_group(ref)]
        except sdk_exc.NotFoundException:
            found = []
    except ValueError:
        found = list(client.security_groups(name=ref))
    if len(found) != 1:
        raise exceptions.CommandError(
            f"More than one security group is named '{ref}'; give the "
            f"security group ID. Nothing was changed." if found else
            f"Security group '{ref}' was not found; check it with "
            f"'openstack security group list'. Nothing was changed.")
    group = found[0]
    rules = [_rule.SecurityGroupRule(**r, _synchronized=True)
             for r in group.security_group_rules or []]
    return (group.id, group.name or ''), rules


def _words(group: tuple[str, str], ether: str) -> str:
    label = group[1] or group[0]
    return (f'ingress {ether} protocol vrrp (112) from security group '
            f'{label} into {label}')


def ensure(client: Proxy, group: tuple[str, str], current: Sequence[Any],
           ether: str, dry_run: bool, undo: rollback.Undo
           ) -> tuple[dict[str, Any], str | None]:
    """The rule's row, and its ID when this run created it.

    ``current`` are the group's rules as read with the group.
    """
    found = [r for r in current if model.is_vrrp_rule(r, ether, group[0])]
    name = group[1] or group[0]
    if found:
        return members.row('vrrp_rule', found[0].id, name, 'existing',
                           words=['an equivalent rule is already there: '
                                  + _words(group, ether)]), None
    if dry_run:
        return members.row('vrrp_rule', None, name, 'dry-run', words=[
            'would create rule ' + _words(group, ether)]), None
    rule = client.create_security_group_rule(
        security_group_id=group[0], direction='ingress', protocol='vrrp',
        ether_type=ether, remote_group_id=group[0])
    undo.push(f'the VRRP rule {rule.id} of security group {name}',
              functools.partial(client.delete_security_group_rule, rule.id),
              f'openstack security group rule delete {rule.id}')
    return members.row('vrrp_rule', rule.id, name, 'created', words=[
        'created rule ' + _words(group, ether)]), rule.id


def _rule_command(group: str, ether: str) -> str:
    return (f"openstack security group rule create --ingress --protocol "
            f"vrrp --ethertype {ether} --remote-group {group} {group}")


def fix(ports: Sequence[Any], ether: str) -> str:
    """The commands that let VRRP between all of ``ports``, quoted.

    A group every member is in gets a rule admitting VRRP from itself;
    without one, the first member's first group does, and the members not
    in it join it.
    """
    sets = [set(p.security_group_ids or []) for p in ports]
    common = set.intersection(*sets) if sets else set()
    first = [g for g in (ports[0].security_group_ids or [])] if ports else []
    shared = [g for g in first if g in common]
    if shared:
        return f"'{_rule_command(shared[0], ether)}'"
    group = first[0] if first else '<security-group>'
    joins = ' and '.join(
        f"'openstack port set --security-group {group} {p.id}'"
        for p in ports if group not in (p.security_group_ids or []))
    return f"{joins} and '{_rule_command(group, ether)}'"


def gaps_warning(gaps: Sequence[Any], ports: Sequence[Any],
                 ether: str) -> str | None:
    if not gaps:
        return None
    names = ', '.join(p.name or p.id for p in gaps)
    return (
        f"No security group rule lets VRRP (IP protocol 112) into member(s) "
        f"{names} from every other member, so members that do not hear "
        f"the master would claim the address too; give --security-group "
        f"<group> (a group for the members) or run {fix(ports, ether)}.")


def warn_vrrp(client: Proxy, ports: Sequence[Any], ether: str) -> None:
    if len(ports) < 2:
        return
    groups = [g for p in ports for g in p.security_group_ids or []]
    text = gaps_warning(model.vrrp_gaps(ports, of_groups(client, groups),
                                        ether), ports, ether)
    if text:
        LOG.warning(text)
