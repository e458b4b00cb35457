"""``vip restore``: make a deleted VIP again from the journal.

``vip delete`` records the VIP's name, network, address and members (those
whose pair the tool added and those that had it before), and the VIP's
security group, before it removes anything. Restoring is ``vip create``
with those values: the same checks (the address must still be free, every
member must still be there with port security on), the same port (name,
address, tag and description), the rule when an equivalent one is
missing, the VIP's pair on every member, and the same rollback. A VIP of
that name that exists again is refused, never completed.
"""

from __future__ import annotations

from typing import Any, TYPE_CHECKING

from osc_lib import exceptions

from osc_portsec import journal
from osc_portsec.vip import create

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy


def request(entry: dict[str, Any], dry_run: bool) -> create.Request:
    """The ``vip create`` that makes the recorded VIP again."""
    vip = entry['vip']
    return create.Request(
        name=vip['name'], network=vip['network_id'],
        members=[*(vip.get('members') or []), *(vip.get('kept') or [])],
        ip_address=vip['ip_address'],
        security_group=vip.get('rule_group_id'), dry_run=dry_run,
        command='vip restore', restoring=True)


def find(ref: str, auth_url: str | None) -> dict[str, Any]:
    entry = journal.last_vip_deletion(ref, auth_url)
    if entry is None or not isinstance(entry.get('vip'), dict):
        raise exceptions.CommandError(
            f"The journal {journal.path()} records no deleted VIP '{ref}'; "
            f"there is nothing to restore. Nothing was changed.")
    return entry


def restore(client: Proxy, ref: str, cloud: dict[str, Any],
            dry_run: bool) -> list[dict[str, Any]]:
    """The rows of what was made again."""
    req = request(find(ref, cloud.get('auth_url')), dry_run)
    if not req.members:
        raise exceptions.CommandError(
            f"The journal records VIP '{ref}' without members; create it "
            f"again with 'openstack port security vip create'. Nothing "
            f"was changed.")
    return create.create(client, req, cloud)
