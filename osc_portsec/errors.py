"""Turn Neutron's refusals into one sentence the user can act on.

Neutron names each refusal in the response body (``NeutronError.type``);
those names are stable API, unlike the wording of the message, so the
mapping keys on them and falls back to the HTTP status.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as sdk_exc
from osc_lib import exceptions


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


def _status(exc: BaseException) -> int | None:
    return getattr(exc, 'status_code', None)


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


def explain(exc: BaseException, port: str = '',
            what: str = 'port security') -> str:
    """One actionable sentence for an error raised while handling ``port``.

    ``port`` is what the user typed ('' for requests about no single port);
    ``what`` names the change that was attempted, for the policy message.
    """
    where = f' while handling port {port}' if port else ''
    if isinstance(exc, ks_exc.ConnectFailure):
        return (
            f"Cannot reach the network service{where} ({exc}); check that "
            f"Neutron is running and that its endpoint is reachable, then run "
            f"the command again."
        )
    if isinstance(exc, ks_exc.ClientException) and not isinstance(
        exc, ks_exc.HttpError
    ):
        return (
            f"Cannot talk to the cloud{where} ({exc}); check the cloud's "
            f"endpoints and your network, then try again."
        )
    err_type, message = neutron_error(exc)
    status = _status(exc)
    detail = message.rstrip('.') or f'HTTP {status}'
    if port and err_type in _BY_TYPE:
        return _BY_TYPE[err_type].format(port=port, detail=detail)
    if port and status == 403:
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
    target = f'the change to port {port}' if port else 'the request'
    return f"Neutron refused {target} ({code}{kind}: {detail})."


def to_command_error(
    exc: BaseException, port: str, what: str = 'port security'
) -> exceptions.CommandError:
    return exceptions.CommandError(explain(exc, port, what))


HANDLED = (sdk_exc.SDKException, ks_exc.ClientException)


@contextlib.contextmanager
def explained(port: str, what: str = 'port security') -> Iterator[None]:
    """Turn any SDK or keystoneauth error inside into a CommandError."""
    try:
        yield
    except HANDLED as exc:
        raise to_command_error(exc, port, what) from exc
