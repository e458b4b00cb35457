"""Conditional port updates: read, plan, compare-and-swap, retry.

Every mutation reads the port, computes the new state from what it read,
and sends the update with ``If-Match: revision_number=<read>``. When another
client changed the port in between, Neutron answers 412 and the change is
recomputed from a fresh read, so no concurrent edit is lost.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from typing import Any, Callable

from openstack import exceptions as sdk_exc
from osc_lib import exceptions

from osc_portsec import errors

LOG = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
_BACKOFF_CAP = 1.0


@dataclasses.dataclass
class Plan:
    """What one mutation sends, and the changes it makes, in plain words."""

    attrs: dict[str, Any]
    changes: list[str]
    warnings: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Outcome:
    """The port before and after a mutation."""

    before: Any
    after: Any
    plan: Plan
    result: str  # 'updated', 'unchanged' or 'dry-run'
    attempts: int


def state(port: Any) -> dict[str, Any]:
    """The port-security state of ``port`` in Neutron's field names."""
    return {
        'port_security_enabled': (
            port.is_port_security_enabled
            if has_port_security(port)
            else None
        ),
        'security_group_ids': list(port.security_group_ids or []),
        'allowed_address_pairs': [
            dict(p) for p in (port.allowed_address_pairs or [])
        ],
        'revision_number': port.revision_number,
    }


def has_port_security(port: Any) -> bool:
    """Whether Neutron reported ``port_security_enabled`` for the port.

    The SDK defaults ``is_port_security_enabled`` to False when the field is
    absent, which on a cloud without the ``port-security`` extension would
    claim that port security is off. Only the response body can tell.
    """
    body = getattr(port, '_body', None)
    attributes = getattr(body, 'attributes', None)
    if attributes is None:
        return port.is_port_security_enabled is not None
    return 'port_security_enabled' in attributes


def require_port_security(port: Any, label: str) -> None:
    if not has_port_security(port):
        raise exceptions.CommandError(
            f"Port {label} reports no port_security_enabled field: this cloud "
            f"does not have Neutron's port-security extension, so port "
            f"security cannot be changed here."
        )


def predicted(port: Any, attrs: dict[str, Any]) -> Any:
    """A copy of ``port`` with ``attrs`` applied, for a dry run."""
    values = port.to_dict(computed=False)
    if not has_port_security(port):
        # to_dict fills in the SDK's default False; keep the field absent so
        # the prediction still says the extension is missing.
        values.pop('is_port_security_enabled', None)
    values.update(attrs)
    # Neutron stores the port's own MAC in a pair given without one.
    if 'allowed_address_pairs' in attrs:
        values['allowed_address_pairs'] = [
            {
                'ip_address': p['ip_address'],
                'mac_address': p.get('mac_address') or port.mac_address,
            }
            for p in attrs['allowed_address_pairs']
        ]
    return type(port).existing(**values)


def _if_match_unsupported(client: Any, exc: Exception) -> bool:
    # A Neutron without the revision-if-match extension answers 400 to the
    # If-Match header; a malformed header is our bug, never the user's.
    if not isinstance(exc, sdk_exc.BadRequestException):
        return False
    text = f"{exc} {getattr(exc, 'details', '') or ''}"
    if 'if-match' not in text.lower():
        return False
    try:
        return client.find_extension('revision-if-match') is None
    except errors.HANDLED:
        return False


def apply(
    client: Any,
    port: Any,
    plan_for: Callable[[Any], Plan],
    label: str,
    dry_run: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    what: str = 'port security',
) -> Outcome:
    """Plan and apply a change to ``port``, retrying on concurrent edits.

    ``plan_for`` computes the change from a port as read; it is called again
    after every re-read, so the change always applies to the latest state.
    """
    conditional = True
    for attempt in range(1, MAX_ATTEMPTS + 1):
        plan = plan_for(port)
        if not plan.attrs:
            return Outcome(port, port, plan, 'unchanged', attempt)
        if dry_run:
            return Outcome(
                port, predicted(port, plan.attrs), plan, 'dry-run', attempt
            )
        revision = port.revision_number if conditional else None
        try:
            after = client.update_port(
                port.id, if_revision=revision, **plan.attrs
            )
            return Outcome(port, after, plan, 'updated', attempt)
        except sdk_exc.PreconditionFailedException:
            LOG.debug(
                'port %s changed since revision %s was read; re-reading '
                '(attempt %d of %d)', port.id, revision, attempt,
                MAX_ATTEMPTS,
            )
            sleep(random.uniform(0, min(_BACKOFF_CAP, 0.05 * 2 ** attempt)))
        except errors.HANDLED as exc:
            if conditional and _if_match_unsupported(client, exc):
                LOG.debug(
                    'the cloud has no revision-if-match extension; updating '
                    'port %s without a revision check', port.id,
                )
                conditional = False
                continue
            raise errors.to_command_error(exc, label, what) from exc
        try:
            port = client.get_port(port.id)
        except errors.HANDLED as exc:
            raise errors.to_command_error(exc, label, what) from exc
    raise exceptions.CommandError(
        f"Port {label} changed {MAX_ATTEMPTS} times while this command was "
        f"updating it, so nothing was applied; run the command again."
    )
