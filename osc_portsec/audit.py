"""The read side: ``show`` of one port and the ``list`` audit."""

from __future__ import annotations

import argparse
import logging
import re
from typing import Any

from osc_lib import exceptions

from osc_portsec import columns
from osc_portsec import errors
from osc_portsec import lookup
from osc_portsec import runner
from osc_portsec import update
from osc_portsec import view

LOG = logging.getLogger(__name__)

_PROJECT_ID = re.compile(r'^[0-9a-fA-F]{32}$')
_UUID = re.compile(r'^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$')

# Neutron body keys of each list column; only these are asked for.
FIELDS = {
    'id': 'id',
    'name': 'name',
    'network_id': 'network_id',
    'device_owner': 'device_owner',
    'port_security_enabled': 'port_security_enabled',
    'security_group_ids': 'security_groups',
    'allowed_address_pairs': 'allowed_address_pairs',
    'device_id': 'device_id',
    'fixed_ips': 'fixed_ips',
}


def find(app: Any, parsed_args: argparse.Namespace) -> Any:
    """The port named by ``parsed_args.port`` (and ``--network``)."""
    client = runner.network(app)
    net_id = lookup.network_id(client, parsed_args.network)
    return lookup.find_port(client, parsed_args.port, net_id)


def show(app: Any, parsed_args: argparse.Namespace) -> tuple:
    with errors.explained(parsed_args.port):
        port = find(app, parsed_args)
        names = view.group_names(
            runner.network(app), port.security_group_ids or []
        )
    values = view.port_values(port, names)
    return columns.SHOW_COLUMNS, columns.row(values, columns.SHOW_COLUMNS)


def pair_rows(app: Any, parsed_args: argparse.Namespace) -> tuple:
    with errors.explained(parsed_args.port):
        port = find(app, parsed_args)
    rows = [
        (p.get('ip_address'), p.get('mac_address'))
        for p in port.allowed_address_pairs or []
    ]
    return columns.PAIR_COLUMNS, rows


def keep(port: Any, parsed_args: argparse.Namespace) -> bool:
    """The filters Neutron cannot apply, applied to each port as it comes.

    Neutron answers 400 to a ``port_security_enabled`` filter.
    """
    wanted = parsed_args.port_security
    if wanted is not None:
        # A port on a cloud without the extension is neither.
        if not update.has_port_security(port):
            return False
        if bool(port.is_port_security_enabled) != (wanted == 'enabled'):
            return False
    if parsed_args.with_pairs and not port.allowed_address_pairs:
        return False
    return True


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
    filters: dict[str, Any] = {'fields': [FIELDS[c] for c in shown]}
    if parsed_args.network:
        filters['network_id'] = lookup.network_id(
            runner.network(app), parsed_args.network
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


def list_ports(app: Any, parsed_args: argparse.Namespace) -> tuple:
    shown = (
        columns.LIST_LONG_COLUMNS if parsed_args.long
        else columns.LIST_COLUMNS
    )
    with errors.explained(''):
        filters = query(app, parsed_args, shown)
        # One paginated query: the request count grows with pages, never
        # with ports.
        ports = [p for p in runner.network(app).ports(**filters)
                 if keep(p, parsed_args)]
    rows = [columns.row(view.port_values(p, {}), shown) for p in ports]
    return shown, rows
