"""``--restore``: what the journal says the last removal took off a port."""

from __future__ import annotations

from typing import Any

from osc_lib import exceptions

from osc_portsec import journal
from osc_portsec import runner
from osc_portsec import view


def pairs(app: Any, port: Any, label: str) -> list[dict[str, Any]]:
    """The pairs the last removal of pairs took off ``port``."""
    entry = journal.last_removal(
        port.id, runner.cloud_info(app).get('auth_url'), pairs_only=True
    )
    if entry is None:
        raise exceptions.CommandError(
            f"The journal {journal.path()} records no removal of allowed "
            f"address pairs from port {label}; there is nothing to restore."
        )
    return journal.removed(entry)[1]


def groups_and_pairs(
    app: Any, client: Any, port: Any, label: str
) -> tuple[dict[str, str], list[dict[str, Any]], list[str]]:
    """Groups (ID to name) and pairs the last removal took off ``port``.

    A group that no longer exists, or that the caller cannot see, cannot be
    put back: it is left out and reported in the third item.
    """
    entry = journal.last_removal(
        port.id, runner.cloud_info(app).get('auth_url')
    )
    if entry is None:
        raise exceptions.CommandError(
            f"The journal {journal.path()} records no removal from port "
            f"{label}; there is nothing to restore."
        )
    removed_groups, removed_pairs = journal.removed(entry)
    groups: dict[str, str] = {}
    skipped = []
    for sg, name in view.group_names(client, removed_groups).items():
        if name is None:
            skipped.append(
                f'skipped security group {sg}: it no longer exists or is '
                f'not visible to you'
            )
        else:
            groups[sg] = name
    return groups, removed_pairs, skipped
