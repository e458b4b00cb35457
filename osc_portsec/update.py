"""Conditional port updates: plan, compare-and-swap, retry, settle.

Every mutation computes the new state from the port as read and sends it
with ``If-Match: revision_number=<read>``. When another client changed the
port in between, Neutron answers 412 and the change is recomputed from a
fresh read, so no concurrent edit is lost. When the connection fails after
the request may have reached Neutron, the port is read again to learn
whether the change was applied.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
import weakref
from typing import Any, Callable, Protocol, TYPE_CHECKING

from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as sdk_exc

from osc_portsec import changes
from osc_portsec import failures
from osc_portsec import port_state

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy
    from openstack.network.v2.port import Port

LOG = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
_BACKOFF_CAP = 1.0
# Lost replies: how often, and how far apart, the port is read again.
SETTLE_READS = 3
SETTLE_DELAY = 0.5


class Recorder(Protocol):
    """Writes the journal around an update (osc_portsec.journal)."""

    def intend(self, port: Port, plan: changes.Plan) -> None: ...

    def applied(self, before: Port, after: Port) -> None: ...


@dataclasses.dataclass(frozen=True)
class Outcome:
    """The port before and after a mutation."""

    before: Any
    after: Any
    plan: changes.Plan
    result: str  # 'updated', 'unchanged' or 'dry-run'
    attempts: int
    notes: tuple[changes.Change, ...] = ()


def _if_match_unsupported(client: Proxy, exc: Exception) -> bool:
    # A Neutron without the revision-if-match extension answers 400 to the
    # If-Match header; a malformed header is our bug, never the user's.
    if not isinstance(exc, sdk_exc.BadRequestException):
        return False
    text = f"{exc} {getattr(exc, 'details', '') or ''}"
    if 'if-match' not in text.lower():
        return False
    try:
        return client.find_extension('revision-if-match') is None
    except failures.HANDLED:
        return False


_LOST = (ks_exc.ConnectFailure, ks_exc.ConnectTimeout)

# The proxies (one per cloud) seen without revision-if-match in this run:
# the next ports of a multi-port command are updated without If-Match
# straight away (2 requests a port, not 4), and the user is told once.
_WITHOUT_IF_MATCH: weakref.WeakSet[Any] = weakref.WeakSet()

NO_IF_MATCH = (
    'This cloud has no revision-if-match extension, so ports are updated '
    'without a revision check and a concurrent edit by another client '
    'cannot be detected here.'
)


def _no_if_match(client: Proxy) -> None:
    if client not in _WITHOUT_IF_MATCH:
        _WITHOUT_IF_MATCH.add(client)
        LOG.info(NO_IF_MATCH)


def settle(client: Proxy, before: Port, plan: changes.Plan,
           exc: BaseException,
           sleep: Callable[[float], None] = time.sleep) -> Port:
    """The port after an update whose reply was lost, if it was applied.

    Raises NotApplied when a re-read shows the change is not in effect,
    MaybeApplied when the port cannot be read again.
    """
    _, cause = failures.connection_problem(exc)
    if failures.never_sent(exc):
        raise failures.NotApplied(cause, sent=False) from exc
    expected = port_state.predicted(before, plan.attrs)
    for read in range(SETTLE_READS):
        try:
            current = client.get_port(before.id)
            break
        except failures.HANDLED as again:
            LOG.debug('re-read %d of port %s failed: %s', read + 1,
                      before.id, again)
            sleep(SETTLE_DELAY)
    else:
        raise failures.MaybeApplied(cause, before.id) from exc
    if port_state.matches(current, expected) and (
        current.revision_number != before.revision_number
    ):
        return current
    raise failures.NotApplied(
        cause,
        changed_by_other=current.revision_number != before.revision_number,
    ) from exc


def _send(client: Proxy, port: Port, plan: changes.Plan, conditional: bool,
          recorder: Recorder, sleep: Callable[[float], None],
          ) -> tuple[Port | None, tuple[changes.Change, ...], str]:
    """Send one update: ``(after, notes, '')`` or ``(None, [], why)``.

    ``why`` is ``'conflict'`` after a 412 (re-read and plan again) or
    ``'no-if-match'`` on a cloud without revision-if-match (send again
    without the revision check).
    """
    revision = port.revision_number if conditional else None
    recorder.intend(port, plan)
    try:
        after = client.update_port(port.id, if_revision=revision,
                                   **plan.attrs)
    except sdk_exc.PreconditionFailedException:
        LOG.debug('port %s changed since revision %s was read; re-reading',
                  port.id, revision)
        return None, (), 'conflict'
    except _LOST as exc:
        after = settle(client, port, plan, exc, sleep)
        _, cause = failures.connection_problem(exc)
        LOG.warning('The reply to the update of port %s was lost (%s); a '
                    're-read shows the change was applied.', port.id, cause)
        recorder.applied(port, after)
        return after, (changes.Change('note', 'reply', {'cause': cause}),), ''
    except sdk_exc.BadRequestException as exc:
        if not (conditional and _if_match_unsupported(client, exc)):
            raise
        _no_if_match(client)
        return None, (), 'no-if-match'
    recorder.applied(port, after)
    return after, (), ''


def apply(
    client: Proxy,
    port: Port,
    plan_for: Callable[[Port], changes.Plan],
    recorder: Recorder,
    dry_run: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Plan and apply a change to ``port``, retrying on concurrent edits.

    ``plan_for`` is pure: it computes the change from a port as read and is
    called again after every re-read, so the change always applies to the
    latest state.
    """
    conditional = client not in _WITHOUT_IF_MATCH
    for attempt in range(1, MAX_ATTEMPTS + 1):
        plan = plan_for(port)
        if not plan.attrs:
            return Outcome(port, port, plan, 'unchanged', attempt)
        if dry_run:
            return Outcome(port, port_state.predicted(port, plan.attrs),
                           plan, 'dry-run', attempt)
        after, notes, why = _send(client, port, plan, conditional,
                                  recorder, sleep)
        if after is not None:
            return Outcome(port, after, plan, 'updated', attempt, notes)
        if why == 'no-if-match':
            conditional = False
            continue
        sleep(random.uniform(0, min(_BACKOFF_CAP, 0.05 * 2 ** attempt)))
        port = client.get_port(port.id)
    raise failures.TooManyConflicts(MAX_ATTEMPTS)
