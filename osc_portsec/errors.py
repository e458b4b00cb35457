"""The one error boundary: every failure becomes one actionable sentence.

Lower layers raise what happened: the SDK's and keystoneauth's exceptions as
they come, and the facts below (a change whose outcome a lost reply hid, a
journal that cannot be written). :func:`boundary` turns them into an
``osc_lib`` ``CommandError`` once per invocation (per port for commands
that change several). Neutron names each refusal in the response body
(``NeutronError.type``); those names are stable API, unlike the wording of
the message, so the mapping keys on them and falls back to the HTTP status.
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


_BY_TYPE = {
    'PortSecurityPortHasSecurityGroup': (
        "Neutron refused to disable port security on port {port} because it "
        "still has security groups; 'openstack port security disable {port}' "
        "removes them in the same request."
    ),
    'AddressPairAndPortSecurityRequired': (
        "Port {port} has port security disabled, and Neutron allows allowed "
        "address pairs only while port security is enabled; run 'openstack "
        "port security enable {port}' first."
    ),
    'PortSecurityAndIPRequiredForSecurityGroups': (
        "Port {port} can have security groups only while port security is "
        "enabled and it has a fixed IP address; enable port security (or add "
        "a fixed IP) first."
    ),
    'AllowedAddressPairExhausted': (
        "Port {port} would have more allowed address pairs than this cloud "
        "allows ({detail}); remove unused pairs or ask the cloud operator to "
        "raise max_allowed_address_pair."
    ),
    'DuplicateAddressPairInRequest': (
        "The update of port {port} carried the same allowed address pair "
        "twice ({detail}); give each pair once."
    ),
    'RevisionNumberConstraintFailed': (
        "Port {port} was changed by someone else during this update "
        "({detail}); nothing was applied, run the command again."
    ),
    'PortNotFound': (
        "Port {port} no longer exists; check the port with 'openstack port "
        "list'."
    ),
}

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


def _connection(exc: BaseException, subject: Subject) -> str:
    endpoint, cause = connection_problem(exc)
    where = f' while handling port {subject.ref}' if subject.ref else ''
    return (
        f"Cannot reach the cloud at {endpoint}{where} ({cause}); check that "
        f"the service is running and reachable, then run the command again."
    )


def _auth(detail: str) -> str:
    return (
        f"Authentication failed ({detail}): the token expired or was "
        f"revoked, or the credentials are wrong; check the credentials in "
        f"clouds.yaml or the OS_* variables ('openstack token issue' tests "
        f"them) and run the command again."
    )


def _facts(exc: BaseException, subject: Subject) -> str | None:
    ref = subject.ref
    if isinstance(exc, NotApplied) and not exc.sent:
        return (
            f"The update of port {ref} never reached Neutron ({exc.cause}), "
            f"so nothing was changed; check that the service is running and "
            f"reachable, then run the command again."
        )
    if isinstance(exc, NotApplied):
        other = (' (another client changed the port meanwhile)'
                 if exc.changed_by_other else '')
        return (
            f"The connection to Neutron failed during the update of port "
            f"{ref} ({exc.cause}); a re-read shows the change was not "
            f"applied{other}; run the command again."
        )
    if isinstance(exc, MaybeApplied):
        return (
            f"The reply to the update of port {ref} was lost ({exc.cause}) "
            f"and the port cannot be re-read, so the change may have been "
            f"applied; check with 'openstack port security show "
            f"{exc.port_id}' once Neutron answers."
        )
    if isinstance(exc, TooManyConflicts):
        return (
            f"Port {ref} changed {exc.attempts} times while this command was "
            f"updating it, so nothing was applied; run the command again."
        )
    if isinstance(exc, JournalUnwritable):
        if exc.applied is not None:
            return (
                f"Port {ref} was changed (revision "
                f"{exc.applied.revision_number}), but the journal {exc.path} "
                f"could not be written ({exc.reason}), so --restore cannot "
                f"undo this change; fix the journal's directory."
            )
        return (
            f"The journal {exc.path} cannot be written ({exc.reason}), and "
            f"this change to port {ref} removes something that only the "
            f"journal could put back, so nothing was sent; fix the "
            f"directory or set XDG_STATE_HOME to a writable one."
        )
    return None


def explain(exc: BaseException, subject: Subject = Subject()) -> str:
    """One actionable sentence for ``exc``, raised handling ``subject``."""
    fact = _facts(exc, subject)
    if fact:
        return fact
    if isinstance(exc, ks_exc.Unauthorized):
        return _auth(str(exc).strip().rstrip('.') or 'HTTP 401')
    if isinstance(exc, (ks_exc.ConnectFailure, ks_exc.ConnectTimeout)):
        return _connection(exc, subject)
    if isinstance(exc, ks_exc.ConnectionError):
        endpoint, cause = connection_problem(exc)
        return (
            f"Cannot talk to the cloud at {endpoint} ({cause}); check the "
            f"cloud's endpoints and your network, then try again."
        )
    if isinstance(exc, ks_exc.ClientException) and not isinstance(
        exc, ks_exc.HttpError
    ):
        return (
            f"Cannot talk to the cloud ({str(exc).strip().rstrip('.')}); "
            f"check the cloud's endpoints and your network, then try again."
        )
    return _http(exc, subject)


def _http(exc: BaseException, subject: Subject) -> str:
    err_type, message = neutron_error(exc)
    status = getattr(exc, 'status_code', None)
    detail = message.rstrip('.') or f'HTTP {status}'
    port = subject.ref
    if status == 401:
        return _auth(detail)
    if port and err_type in _BY_TYPE:
        return _BY_TYPE[err_type].format(port=port, detail=detail)
    if port and status == 403:
        what = subject.change or 'port security'
        return (
            f"You are not allowed to change {what} on port {port} (Neutron: "
            f"{detail}); by default only an admin or a member of the project "
            f"that owns the port's network may change port security and "
            f"allowed address pairs, so ask one of them."
        )
    if port and status == 404:
        return (
            f"Port {port} was not found ({detail}); check the name or ID with "
            f"'openstack port list'."
        )
    if port and status == 412:
        return _BY_TYPE['RevisionNumberConstraintFailed'].format(
            port=port, detail=detail
        )
    kind = f' {err_type}' if err_type else ''
    code = f'HTTP {status}' if status else type(exc).__name__
    if port and subject.change:
        return f"Neutron refused the change to port {port} ({code}{kind}: " \
               f"{detail})."
    target = f' about port {port}' if port else ''
    return f"The cloud answered the request{target} with {code}{kind}: " \
           f"{detail}."


BOUNDARY = (*HANDLED, NotApplied, MaybeApplied, TooManyConflicts,
            JournalUnwritable)


@contextlib.contextmanager
def boundary(subject: Subject = Subject()) -> Iterator[None]:
    """The one place where failures become the user's sentence."""
    try:
        yield
    except BOUNDARY as exc:
        raise exceptions.CommandError(explain(exc, subject)) from exc
