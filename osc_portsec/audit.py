"""The ``list`` audit: which ports have port security off, or pairs.

The filters Neutron can apply are sent in one paginated query; the ones it
cannot (``port_security_enabled`` is not a supported filter) are applied to
each port as it comes.
"""

from __future__ import annotations

import argparse
import logging
import re
from typing import Any

from osc_lib import exceptions

from osc_portsec import columns
from osc_portsec import errors
from osc_portsec import lookup
from osc_portsec import port_state

LOG = logging.getLogger(__name__)

_PROJECT_ID = re.compile(r'^[0-9a-fA-F]{32}$')
_UUID = re.compile(r'^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$')


def keep(port: Any, port_security: str | None, with_pairs: bool) -> bool:
    """The filters Neutron cannot apply, applied to each port as it comes.

    Neutron answers 400 to a ``port_security_enabled`` filter.
    """
    if port_security is not None:
        # A port on a cloud without the extension is neither.
        if port_state.flag(port) != (port_security == 'enabled'):
            return False
    if with_pairs and not port.allowed_address_pairs:
        return False
    return True


def ports(client: Any, filters: dict[str, Any], port_security: str | None,
          with_pairs: bool) -> list[Any]:
    """The ports the audit shows, in one paginated query.

    The request count grows with pages, never with ports.
    """
    return [p for p in client.ports(**filters)
            if keep(p, port_security, with_pairs)]


def project_id(app: Any, value: str) -> str:
    """Resolve ``--project`` (name or ID) to an ID.

    Keystone lets members look up no project by name, not even their own,
    so the token's own project is recognised first; an ID of a project the
    caller cannot look up is taken as given.
    """
    auth_ref = getattr(app.client_manager, 'auth_ref', None)
    own_id = getattr(auth_ref, 'project_id', None)
    if own_id and value in (own_id, getattr(auth_ref, 'project_name', None)):
        return str(own_id)
    try:
        identity: Any = app.client_manager.sdk_connection.identity
        project = identity.find_project(value, ignore_missing=True)
    except errors.HANDLED as exc:
        LOG.debug('project lookup of %s failed (%s)', value, exc)
        if _PROJECT_ID.match(value):
            return value
        status = getattr(exc, 'status_code', None)
        why = f'Keystone answered HTTP {status}' if status else str(exc)
        raise exceptions.CommandError(
            f"Project '{value}' could not be looked up ({why}); give the "
            f"project ID instead."
        ) from exc
    if project is None:
        raise exceptions.CommandError(
            f"Project '{value}' was not found; check it with 'openstack "
            f"project list', or give the project ID."
        )
    return project.id


def server_id(app: Any, value: str) -> str:
    if _UUID.match(value):
        return value
    try:
        compute: Any = app.client_manager.sdk_connection.compute
        return compute.find_server(value, ignore_missing=False).id
    except errors.HANDLED as exc:
        raise exceptions.CommandError(
            f"Server '{value}' was not found ({exc}); give the server ID."
        ) from exc


def query(app: Any, parsed_args: argparse.Namespace,
          shown: tuple[str, ...]) -> dict[str, Any]:
    """The filters Neutron applies, and ``fields=`` for the columns shown."""
    filters: dict[str, Any] = {'fields': columns.fields(shown)}
    if parsed_args.network:
        filters['network_id'] = lookup.network_id(
            app.client_manager.network, parsed_args.network
        )
    if parsed_args.project:
        filters['project_id'] = project_id(app, parsed_args.project)
    if parsed_args.server:
        filters['device_id'] = server_id(app, parsed_args.server)
    if parsed_args.device_owner:
        filters['device_owner'] = parsed_args.device_owner
    if parsed_args.fixed_ip:
        filters['fixed_ips'] = [f'ip_address={parsed_args.fixed_ip}']
    return filters
