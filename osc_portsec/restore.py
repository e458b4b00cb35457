"""``--restore``: what the journal says the last removal took off a port.

Read once, before the change is planned: which groups and pairs to put
back, which groups cannot come back (deleted, or not visible), and whether
the port has changed since the record was made.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TYPE_CHECKING

from osc_lib import exceptions

from osc_portsec import changes
from osc_portsec import journal
from osc_portsec import lookup

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy
    from openstack.network.v2.port import Port


@dataclasses.dataclass
class Record:
    """What ``--restore`` puts back, and what it says about it."""

    groups: dict[str, str]  # ID to name
    pairs: list[dict[str, Any]]
    notes: list[changes.Change]


def _entry(port: Port, ref: str, auth_url: str | None,
           pairs_only: bool) -> dict[str, Any]:
    entry = journal.last_removal(port.id, auth_url, pairs_only=pairs_only)
    if entry is None:
        what = ('removal of allowed address pairs' if pairs_only
                else 'removal')
        raise exceptions.CommandError(
            f"The journal {journal.path()} records no {what} from port "
            f"{ref}; there is nothing to restore."
        )
    return entry


def _moved_on(entry: dict[str, Any], port: Port) -> list[changes.Change]:
    recorded = (entry.get('after') or {}).get('revision_number')
    if recorded is None or recorded == port.revision_number:
        return []
    return [changes.Change('note', 'journal', {
        'command': entry.get('command'),
        'recorded_revision': recorded,
        'current_revision': port.revision_number,
    })]


def pairs(port: Port, ref: str, auth_url: str | None) -> Record:
    """The pairs the last removal of pairs took off ``port``."""
    entry = _entry(port, ref, auth_url, pairs_only=True)
    return Record({}, journal.removed(entry)[1], _moved_on(entry, port))


def groups_and_pairs(client: Proxy, port: Port, ref: str,
                     auth_url: str | None) -> Record:
    """Groups and pairs the last removal took off ``port``.

    A group that no longer exists, or that the caller cannot see, cannot be
    put back: it is left out and reported as skipped.
    """
    entry = _entry(port, ref, auth_url, pairs_only=False)
    removed_groups, removed_pairs = journal.removed(entry)
    groups: dict[str, str] = {}
    notes = _moved_on(entry, port)
    for sg, name in lookup.group_names(client, removed_groups).items():
        if name is None:
            notes.append(changes.group('skip', sg, None, 'gone'))
        else:
            groups[sg] = name
    return Record(groups, removed_pairs, notes)
