"""The one error boundary: every failure becomes one actionable sentence.

Lower layers raise what happened: the SDK's and keystoneauth's exceptions as
they come, and the facts of :mod:`osc_portsec.failures` (a change whose
outcome a lost reply hid, a journal that cannot be written, a run rolled
back). :func:`boundary` turns them into an ``osc_lib`` ``CommandError``
once per invocation (per item for commands that work on several). Neutron
names each refusal in the response body (``NeutronError.type``); those
names are stable API, unlike the wording of the message, so the mapping
keys on them and falls back to the HTTP status.
"""

from __future__ import annotations

import contextlib
import re
from typing import Iterator

from keystoneauth1 import exceptions as ks_exc
from osc_lib import exceptions

from osc_portsec import failures
from osc_portsec.failures import Subject

# What the boundary turns into a sentence.
HANDLED = failures.HANDLED

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


def _connection(exc: BaseException, subject: Subject) -> str:
    endpoint, cause = failures.connection_problem(exc)
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
    if isinstance(exc, failures.NotApplied) and not exc.sent:
        return (
            f"The update of port {ref} never reached Neutron ({exc.cause}), "
            f"so nothing was changed; check that the service is running and "
            f"reachable, then run the command again."
        )
    if isinstance(exc, failures.NotApplied):
        other = (' (another client changed the port meanwhile)'
                 if exc.changed_by_other else '')
        return (
            f"The connection to Neutron failed during the update of port "
            f"{ref} ({exc.cause}); a re-read shows the change was not "
            f"applied{other}; run the command again."
        )
    if isinstance(exc, failures.MaybeApplied):
        return (
            f"The reply to the update of port {ref} was lost ({exc.cause}) "
            f"and the port cannot be re-read, so the change may have been "
            f"applied; check with 'openstack port security show "
            f"{exc.port_id}' once Neutron answers."
        )
    if isinstance(exc, failures.TooManyConflicts):
        return (
            f"Port {ref} changed {exc.attempts} times while this command was "
            f"updating it, so nothing was applied; run the command again."
        )
    if isinstance(exc, failures.JournalUnwritable):
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


# Who Neutron 29's default policy (neutron/conf/policies/*.py) lets pass
# each rule its 403 names; the rule names are stable, the message text
# "(rule:a and rule:b) is disallowed by policy" lists those it checked.
_NET_OWNER = "a member of the project that owns the port's network"
_POLICY = {
    'update_port': "a member of the port's own project",
    'update_port:port_security_enabled': _NET_OWNER,
    'update_port:allowed_address_pairs': _NET_OWNER,
    'update_port:allowed_address_pairs:ip_address': _NET_OWNER,
    'update_port:allowed_address_pairs:mac_address': _NET_OWNER,
    'update_port:fixed_ips': _NET_OWNER,
    'create_port': "a member of the network's own project (or any project "
                   "on a shared network)",
    'delete_port': "a member of the port's own project",
    'create_security_group_rule': "a member of the security group's own "
                                  "project",
    'delete_security_group_rule': "a member of the security group's own "
                                  "project",
}
_RULE = re.compile(r'rule:([\w:.-]+)')


def _forbidden(port: str, what: str, detail: str) -> str:
    rules = list(dict.fromkeys(_RULE.findall(detail)))
    who = [f'{rule}: an admin or {_POLICY[rule]}'
           for rule in rules if rule in _POLICY]
    if not who:
        return (
            f"You are not allowed to change {what} on port {port} (Neutron: "
            f"{detail}); this cloud's policy decides who may, so ask an "
            f"admin."
        )
    return (
        f"You are not allowed to change {what} on port {port} (Neutron: "
        f"{detail}); by Neutron's default policy " + '; '.join(who)
        + ", so ask one of them."
    )


def _rollback(exc: failures.PartlyDone, subject: Subject) -> str:
    text = explain(exc.cause, subject)
    undone = [u.what for u in exc.undone if not u.left]
    left = [f"{u.what} (remove it with '{u.by_hand}')"
            for u in exc.undone if u.left]
    if undone:
        text += ' Rolled back: ' + '; '.join(undone) + '.'
    if left:
        text += (' The rollback failed, so this is left: '
                 + '; '.join(left) + '.')
    if not exc.undone:
        text += ' Nothing had been changed.'
    return text


def explain(exc: BaseException, subject: Subject = Subject()) -> str:
    """One actionable sentence for ``exc``, raised handling ``subject``."""
    if isinstance(exc, failures.About):
        return explain(exc.cause, exc.subject)
    if isinstance(exc, failures.PartlyDone):
        return _rollback(exc, subject)
    if isinstance(exc, exceptions.CommandError):
        return str(exc)
    fact = _facts(exc, subject)
    if fact:
        return fact
    if isinstance(exc, ks_exc.Unauthorized):
        return _auth(str(exc).strip().rstrip('.') or 'HTTP 401')
    if isinstance(exc, (ks_exc.ConnectFailure, ks_exc.ConnectTimeout)):
        return _connection(exc, subject)
    if isinstance(exc, ks_exc.ConnectionError):
        endpoint, cause = failures.connection_problem(exc)
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
    err_type, message = failures.neutron_error(exc)
    status = getattr(exc, 'status_code', None)
    detail = message.rstrip('.') or f'HTTP {status}'
    port = subject.ref
    if status == 401:
        return _auth(detail)
    if port and err_type in _BY_TYPE:
        return _BY_TYPE[err_type].format(port=port, detail=detail)
    if port and status == 403:
        return _forbidden(port, subject.change or 'port security', detail)
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


BOUNDARY = (*HANDLED, failures.NotApplied, failures.MaybeApplied,
            failures.TooManyConflicts, failures.JournalUnwritable,
            failures.About, failures.PartlyDone)


@contextlib.contextmanager
def boundary(subject: Subject = Subject()) -> Iterator[None]:
    """The one place where failures become the user's sentence.

    Entered once per invocation by the command base class
    (:mod:`osc_portsec.v2.common`), and once per item by a command that
    works on several.
    """
    try:
        yield
    except BOUNDARY as exc:
        raise exceptions.CommandError(explain(exc, subject)) from exc
