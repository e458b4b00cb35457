"""A local journal of port-security changes, written ahead of each change.

One JSON line per event in ``$XDG_STATE_HOME/osc-portsec/journal.jsonl``
(default ``~/.local/state/osc-portsec/``): an ``intent`` line with the
port's state before a change is written before the update is sent, and an
``applied`` line with the state after once Neutron confirmed it. A change
that removes something is not sent when its intent cannot be written, so
``--restore`` can always undo what was applied. It holds port state only:
never a token, a password or any other auth secret.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
from typing import Any, Iterator, TYPE_CHECKING
import uuid

from osc_portsec import failures
from osc_portsec import port_state

if TYPE_CHECKING:
    from openstack.network.v2.port import Port

    from osc_portsec import changes

LOG = logging.getLogger(__name__)

FILE_NAME = 'journal.jsonl'


def directory() -> str:
    base = os.environ.get('XDG_STATE_HOME') or os.path.join(
        os.path.expanduser('~'), '.local', 'state'
    )
    return os.path.join(base, 'osc-portsec')


def path() -> str:
    return os.path.join(directory(), FILE_NAME)


def append(entry: dict[str, Any]) -> str:
    """Append ``entry``; return the journal path. Raises OSError."""
    folder = directory()
    os.makedirs(folder, mode=0o700, exist_ok=True)
    # makedirs does not change the mode of a directory that already exists.
    os.chmod(folder, 0o700)
    target = os.path.join(folder, FILE_NAME)
    if not os.path.exists(target):
        LOG.warning('Started the journal %s: it records what each change '
                    'removes, so that --restore (and vip restore) can put '
                    'it back.', target)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, 'a', encoding='utf-8') as stream:
        os.fchmod(stream.fileno(), 0o600)
        stream.write(json.dumps(entry, sort_keys=True) + '\n')
        stream.flush()
        os.fsync(stream.fileno())
    return target


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec='seconds'
    )


class Recorder:
    """Journals the changes of one command run (update.Recorder)."""

    def __init__(self, command: str, cloud: dict[str, Any]):
        self.command = command
        self.cloud = cloud
        self._intent: str | None = None

    def intend(self, port: Port, plan: changes.Plan) -> None:
        self._intent = uuid.uuid4().hex
        entry = {
            'id': self._intent, 'phase': 'intent', 'time': now(),
            'command': self.command,
            'cloud': self.cloud.get('name'),
            'auth_url': self.cloud.get('auth_url'),
            'project_id': self.cloud.get('project_id'),
            'port_id': port.id,
            'before': port_state.state(port),
        }
        try:
            append(entry)
        except OSError as exc:
            if plan.removes:
                raise failures.JournalUnwritable(path(), _why(exc)) from exc
            LOG.warning('The journal %s cannot be written (%s); the change '
                        'is made without a record.', path(), _why(exc))
            self._intent = None

    def applied(self, before: Port, after: Port) -> None:
        if self._intent is None:
            return
        entry = {'id': self._intent, 'phase': 'applied', 'time': now(),
                 'port_id': after.id, 'after': port_state.state(after)}
        try:
            append(entry)
        except OSError as exc:
            raise failures.JournalUnwritable(
                path(), _why(exc), applied=after
            ) from exc


class Dry:
    """A recorder for dry runs: nothing is sent, nothing is recorded."""

    def intend(self, port: Port, plan: changes.Plan) -> None:
        return None

    def applied(self, before: Port, after: Port) -> None:
        return None


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _state(value: Any) -> bool:
    """A port's state as :func:`osc_portsec.port_state.state` writes it."""
    if value is None:
        return True
    if not isinstance(value, dict):
        return False
    pairs = value.get('allowed_address_pairs')
    groups = value.get('security_group_ids')
    return (pairs is None or (isinstance(pairs, list) and all(
        isinstance(p, dict) and isinstance(p.get('ip_address'), str)
        for p in pairs))) and (groups is None or _strings(groups))


def _vip(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(value.get(k), str)
        for k in ('name', 'network_id', 'ip_address')) and all(
        _strings(value.get(k) or []) for k in ('members', 'kept'))


# What each kind of line must hold to be read; anything else is damaged
# or was not written by this tool.
_VALID = {
    'intent': lambda e: isinstance(e.get('port_id'), str) and _state(
        e.get('before')),
    'applied': lambda e: _state(e.get('after')),
    'vip-deleted': lambda e: _vip(e.get('vip')),
    None: lambda e: isinstance(e.get('port_id'), str) and _state(
        e.get('before')) and _state(e.get('after')),
}


def _read(line: str) -> dict[str, Any] | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    if not isinstance(entry, dict):
        return None
    check = _VALID.get(entry.get('phase'), lambda e: False)
    return entry if check(entry) else None


def _lines() -> Iterator[dict[str, Any]]:
    """Every record, oldest first; a line that is not one is skipped.

    Each skipped line is named by its number in a warning, once a run,
    and every other record is still read.
    """
    try:
        with open(path(), encoding='utf-8', errors='replace') as stream:
            for number, line in enumerate(stream, 1):
                entry = _read(line) if line.strip() else {}
                if entry is None:
                    _damaged(number)
                elif entry:
                    yield entry
    except FileNotFoundError:
        return


_WARNED: set[tuple[str, int]] = set()


def _damaged(number: int) -> None:
    if (path(), number) in _WARNED:
        return
    _WARNED.add((path(), number))
    LOG.warning('Line %d of the journal %s is damaged or is not a record '
                'of this tool; it is skipped, and the other records are '
                'read.', number, path())


def entries() -> Iterator[dict[str, Any]]:
    """Every applied change, oldest first; damaged lines are skipped.

    An intent counts once its ``applied`` line follows; lines of the older
    one-line format (no ``phase``) are applied changes.
    """
    intents: dict[str, dict[str, Any]] = {}
    for entry in _lines():
        phase = entry.get('phase')
        if phase == 'intent':
            intents[str(entry.get('id'))] = entry
        elif phase == 'applied':
            intent = intents.pop(str(entry.get('id')), None)
            if intent is not None:
                yield {**intent, 'after': entry.get('after'),
                       'phase': 'applied'}
        elif phase is None:
            yield entry


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
    """The newest applied entry for the port that removed something.

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


def last_vip_deletion(ref: str, auth_url: str | None
                      ) -> dict[str, Any] | None:
    """The newest ``vip delete`` record of VIP ``ref`` on this cloud.

    ``ref`` is the VIP's name or its port's ID; None when none matches.
    """
    found = None
    for entry in _lines():
        vip = entry.get('vip')
        if entry.get('phase') != 'vip-deleted' or not isinstance(vip, dict):
            continue
        if auth_url and entry.get('auth_url') not in (None, auth_url):
            continue
        if ref in (vip.get('name'), entry.get('port_id')):
            found = entry
    return found
