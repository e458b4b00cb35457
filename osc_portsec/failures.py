"""What went wrong, as facts: the exceptions lower layers raise.

Nothing here makes a sentence; :mod:`osc_portsec.errors` turns these (and
the SDK's and keystoneauth's own exceptions) into the one sentence a user
reads, once per invocation. The helpers read what a failure says about
itself: Neutron's error type, the endpoint and the cause of a connection
failure.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from typing import Any, Iterator
import urllib.parse

from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as sdk_exc
from osc_lib import exceptions

HANDLED = (sdk_exc.SDKException, ks_exc.ClientException)


@dataclasses.dataclass(frozen=True)
class Subject:
    """What an invocation works on, for the sentence.

    ``ref`` is the port as the user typed it ('' for none); ``change`` is
    what the command changes (None for a read).
    """

    ref: str = ''
    change: str | None = None


class About(Exception):
    """A failure while handling one subject: the subject travels with it.

    Raised by the layers that work on several ports (a VIP's members, the
    ports of a multi-port command) so that the one boundary names the port
    that failed, not the command's first argument.
    """

    def __init__(self, subject: Subject, cause: BaseException):
        super().__init__(subject, cause)
        self.subject = subject
        self.cause = cause


@contextlib.contextmanager
def about(subject: Subject) -> Iterator[None]:
    """Attach ``subject`` to a failure raised inside (no sentence yet)."""
    try:
        yield
    except About:
        raise
    except (*HANDLED, NotApplied, MaybeApplied, TooManyConflicts,
            JournalUnwritable, exceptions.CommandError) as exc:
        raise About(subject, exc) from exc


@dataclasses.dataclass(frozen=True)
class Undone:
    """One step of a rollback plan and how it ended.

    ``left`` is False when it was undone; True when the undo failed and
    ``by_hand`` is the command that removes what is left.
    """

    what: str
    by_hand: str
    left: bool = False


class PartlyDone(Exception):
    """A run that failed part-way; its rollback plan ran (``undone``)."""

    def __init__(self, cause: BaseException, undone: tuple[Undone, ...]):
        super().__init__(cause)
        self.cause = cause
        self.undone = undone


class NotApplied(Exception):
    """The connection failed during an update that Neutron did not apply."""

    def __init__(self, cause: str, changed_by_other: bool = False,
                 sent: bool = True):
        super().__init__(cause)
        self.cause = cause
        self.changed_by_other = changed_by_other
        # False when the connection failed before the request was sent.
        self.sent = sent


class MaybeApplied(Exception):
    """The reply to an update was lost and the port cannot be re-read."""

    def __init__(self, cause: str, port_id: str):
        super().__init__(cause)
        self.cause = cause
        self.port_id = port_id


class TooManyConflicts(Exception):
    """Other clients changed the port on every attempt."""

    def __init__(self, attempts: int):
        super().__init__(attempts)
        self.attempts = attempts


class JournalUnwritable(Exception):
    """The undo record of a change cannot be written."""

    def __init__(self, path: str, reason: str, applied: Any = None):
        super().__init__(path, reason)
        self.path = path
        self.reason = reason
        # The port after the change, when it was applied anyway.
        self.applied = applied


def neutron_error(exc: BaseException) -> tuple[str | None, str]:
    """Return ``(type, message)`` from a Neutron error response."""
    response = getattr(exc, 'response', None)
    body: Any = None
    if response is not None:
        try:
            body = response.json()
        except Exception:  # noqa: BLE001 - not JSON: no type to read
            body = None
    if isinstance(body, dict) and isinstance(body.get('NeutronError'), dict):
        err = body['NeutronError']
        return err.get('type'), str(err.get('message') or '').strip()
    details = getattr(exc, 'details', None)
    return None, str(details or exc).strip()


_ERRNO = re.compile(r'\[Errno -?\d+\] ([^\'")]+)')
_URL = re.compile(r'(https?://[^\s:/]+(?::\d+)?)')


def connection_problem(exc: BaseException) -> tuple[str, str]:
    """``(endpoint, cause)`` of a connection failure, in a few words.

    keystoneauth's message carries the whole urllib3 chain; the endpoint and
    the innermost cause are what a user can act on (the rest is in --debug).
    """
    text = str(exc)
    url = _URL.search(text)
    endpoint = url.group(1) if url else 'the endpoint'
    if url:
        parsed = urllib.parse.urlsplit(url.group(1))
        endpoint = f'{parsed.scheme}://{parsed.netloc}'
    errno = _ERRNO.search(text)
    if errno:
        cause = errno.group(1).strip().rstrip('.').lower()
    elif isinstance(exc, ks_exc.SSLError):
        cause = 'TLS error'
    elif isinstance(exc, ks_exc.ConnectTimeout) or 'timed out' in text:
        cause = 'timed out'
    elif 'RemoteDisconnected' in text or 'without response' in text:
        cause = 'the connection closed without a reply'
    elif 'reset' in text.lower():
        cause = 'connection reset'
    else:
        cause = 'connection failed'
    return endpoint, cause


def never_sent(exc: BaseException) -> bool:
    """Whether a connection failure happened before a request was sent."""
    text = str(exc)
    return 'NewConnectionError' in text or 'Name or service' in text
