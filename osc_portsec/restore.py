"""``--restore``: what the journal says the last removal took off a port.

Read once, before the change is planned: which groups and pairs to put
back, which groups cannot come back (deleted, or not visible), and whether
the port has changed since the record was made.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping, TYPE_CHECKING

from osc_lib import exceptions

from osc_portsec import changes
from osc_portsec import journal

if TYPE_CHECKING:
    from openstack.network.v2.port import Port


@dataclasses.dataclass(frozen=True)
class Removal:
    """The last removal from a port, before its groups are named."""

    groups: list[str]  # IDs
    pairs: list[dict[str, Any]]
    notes: list[changes.Change]


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


def removal(port: Port, ref: str, auth_url: str | None) -> Removal:
    """What the last removal took off ``port``, as the journal has it."""
    entry = _entry(port, ref, auth_url, pairs_only=False)
    removed_groups, removed_pairs = journal.removed(entry)
    return Removal(removed_groups, removed_pairs, _moved_on(entry, port))


def record(found: Removal, names: Mapping[str, str | None]) -> Record:
    """What ``--restore`` puts back, given the names of the groups.

    A group that no longer exists, or that the caller cannot see (its name
    is None), cannot be put back: it is left out and reported as skipped.
    """
    groups: dict[str, str] = {}
    notes = list(found.notes)
    for sg in dict.fromkeys(found.groups):
        name = names.get(sg)
        if name is None:
            notes.append(changes.group('skip', sg, None, 'gone'))
        else:
            groups[sg] = name
    return Record(groups, list(found.pairs), notes)
