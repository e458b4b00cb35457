"""A local journal of what port-security mutations removed.

One JSON line per change a command applied, in
``$XDG_STATE_HOME/osc-portsec/journal.jsonl`` (default
``~/.local/state/osc-portsec/``). The entries that removed something
make ``--restore`` possible; all of them are an audit trail. It holds port
state only: never a token, a password or any other auth secret.
"""

from __future__ import annotations

import datetime
import json
import os
from typing import Any, Iterator

FILE_NAME = 'journal.jsonl'


def directory() -> str:
    base = os.environ.get('XDG_STATE_HOME') or os.path.join(
        os.path.expanduser('~'), '.local', 'state'
    )
    return os.path.join(base, 'osc-portsec')


def path() -> str:
    return os.path.join(directory(), FILE_NAME)


def record(
    command: str,
    port_id: str,
    before: dict[str, Any],
    after: dict[str, Any],
    cloud: dict[str, Any],
) -> dict[str, Any]:
    """Build one journal entry; ``cloud`` holds name, auth URL and project."""
    return {
        'time': datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec='seconds'
        ),
        'command': command,
        'cloud': cloud.get('name'),
        'auth_url': cloud.get('auth_url'),
        'project_id': cloud.get('project_id'),
        'port_id': port_id,
        'before': before,
        'after': after,
    }


def append(entry: dict[str, Any]) -> str:
    """Append ``entry``; return the journal path. Raises OSError."""
    folder = directory()
    os.makedirs(folder, mode=0o700, exist_ok=True)
    # makedirs does not change the mode of a directory that already exists.
    os.chmod(folder, 0o700)
    target = os.path.join(folder, FILE_NAME)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, 'a', encoding='utf-8') as stream:
        os.fchmod(stream.fileno(), 0o600)
        stream.write(json.dumps(entry, sort_keys=True) + '\n')
    return target


def entries() -> Iterator[dict[str, Any]]:
    """Every readable entry, oldest first; damaged lines are skipped."""
    try:
        with open(path(), encoding='utf-8') as stream:
            for line in stream:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict):
                    yield entry
    except FileNotFoundError:
        return


def removed(entry: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """Security group IDs and pairs that ``entry`` took off the port."""
    before = entry.get('before') or {}
    after = entry.get('after') or {}
    kept_sgs = set(after.get('security_group_ids') or [])
    sgs = [
        sg for sg in before.get('security_group_ids') or []
        if sg not in kept_sgs
    ]
    kept_pairs = after.get('allowed_address_pairs') or []
    pairs = [
        p for p in before.get('allowed_address_pairs') or []
        if p not in kept_pairs
    ]
    return sgs, pairs


def last_removal(
    port_id: str, auth_url: str | None, pairs_only: bool = False
) -> dict[str, Any] | None:
    """The newest entry for the port that removed something.

    With ``pairs_only`` the entry must have removed allowed address pairs.
    """
    found = None
    for entry in entries():
        if entry.get('port_id') != port_id:
            continue
        if auth_url and entry.get('auth_url') not in (None, auth_url):
            continue
        sgs, pairs = removed(entry)
        if pairs or (sgs and not pairs_only):
            found = entry
    return found
