"""``vip restore``: make a deleted VIP again from the journal.

``vip delete`` records the VIP's name, network, address and members (those
whose pair the tool added and those that had it before), and the VIP's
security group, before it removes anything. Restoring is ``vip create``
with those values: the same checks (the address must still be free, every
member must still be there with port security on), the same port (name,
address, tag and description), the rule when an equivalent one is
missing, the VIP's pair on every member, and the same rollback. A VIP of
that name that exists again is refused, never completed. An adopted VIP
(its port held the address before, and ``delete`` only untagged it) is
adopted again, with the members recorded.
"""

from __future__ import annotations

import logging
from typing import Any, TYPE_CHECKING

from osc_lib import exceptions

from osc_portsec import journal
from osc_portsec.vip import adopt
from osc_portsec.vip import create

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy

LOG = logging.getLogger(__name__)


def request(entry: dict[str, Any], dry_run: bool) -> create.Request:
    """The ``vip create`` that makes the recorded VIP again."""
    vip = entry['vip']
    return create.Request(
        name=vip['name'], network=vip['network_id'],
        members=[*(vip.get('members') or []), *(vip.get('kept') or [])],
        ip_address=vip['ip_address'],
        security_group=vip.get('rule_group_id'), dry_run=dry_run,
        command='vip restore', restoring=True)


def readopt(entry: dict[str, Any], dry_run: bool) -> adopt.Request:
    """The ``vip adopt`` that takes the recorded VIP over again.

    Its port was kept (untagged) by the delete, and the pairs its members
    had before it was adopted (unless ``--all`` removed them: ``pair add
    <member> --restore`` puts them back first).
    """
    vip = entry['vip']
    return adopt.Request(
        name=vip['name'], network=vip['network_id'],
        ip_address=vip['ip_address'], members=list(vip.get('kept') or []),
        dry_run=dry_run)


def find(ref: str, auth_url: str | None) -> dict[str, Any]:
    entry = journal.last_vip_deletion(ref, auth_url)
    if entry is None or not isinstance(entry.get('vip'), dict):
        raise exceptions.CommandError(
            f"The journal {journal.path()} records no deleted VIP '{ref}'; "
            f"there is nothing to restore. Nothing was changed.")
    return entry


def restore(client: Proxy, ref: str, cloud: dict[str, Any],
            dry_run: bool) -> list[dict[str, Any]]:
    """The rows of what was made again (an adopted VIP: adopted again)."""
    entry = find(ref, cloud.get('auth_url'))
    if entry['vip'].get('adopted'):
        added = entry['vip'].get('members') or []
        rows = adopt.adopt(client, readopt(entry, dry_run), cloud)
        if added:
            LOG.warning(
                "VIP %s is adopted again with the members that had its "
                "address before; the pairs the tool had added are not: "
                "'openstack port security vip set %s %s' adds them.",
                entry['vip']['name'], entry['vip']['name'],
                ' '.join(f'--member {m}' for m in added))
        return rows
    req = request(entry, dry_run)
    if not req.members:
        raise exceptions.CommandError(
            f"The journal records VIP '{ref}' without members; create it "
            f"again with 'openstack port security vip create'. Nothing "
            f"was changed.")
    return create.create(client, req, cloud)
