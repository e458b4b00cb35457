"""``port security show`` and ``port security list``: read-only views."""

from __future__ import annotations

import argparse
import logging
import re
from typing import Any

from osc_lib.command import command
from osc_lib import exceptions

from osc_portsec import columns
from osc_portsec import errors
from osc_portsec import lookup
from osc_portsec import update
from osc_portsec.v2 import common
from osc_portsec import view

LOG = logging.getLogger(__name__)

_UUID = re.compile(r'^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$')

# Neutron body keys of each list column; only these are asked for.
_FIELDS = {
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


class ShowPortSecurity(command.ShowOne):
    _description = (
        'Show the port security of a port: its flag, security groups, '
        'allowed address pairs, and what a disable would remove'
    )

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_port_argument(parser, many=False)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        with errors.explained(parsed_args.port):
            client = common.network(self.app)
            net_id = lookup.network_id(client, parsed_args.network)
            port = lookup.find_port(client, parsed_args.port, net_id)
            names = view.group_names(client, port.security_group_ids or [])
        values = view.port_values(port, names)
        return columns.SHOW_COLUMNS, columns.row(values, columns.SHOW_COLUMNS)


def _filter(port: Any, parsed_args: argparse.Namespace) -> bool:
    # Neutron answers 400 to a port_security_enabled filter, so that one and
    # --with-pairs are applied to the page as it arrives.
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


class ListPortSecurity(command.Lister):
    _description = (
        'List the port security of the ports you can see, to audit a project'
    )

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--network', metavar='<network>',
            help='List only ports on this network (name or ID)',
        )
        parser.add_argument(
            '--project', metavar='<project>',
            help='List only ports of this project (name or ID)',
        )
        parser.add_argument(
            '--server', metavar='<server>',
            help='List only ports of this server (name or ID)',
        )
        parser.add_argument(
            '--device-owner', metavar='<device-owner>',
            help='List only ports with this device owner '
                 '(for example compute:nova or network:router_interface)',
        )
        parser.add_argument(
            '--fixed-ip', metavar='<ip-address>',
            help='List only ports with this fixed IP address',
        )
        parser.add_argument(
            '--port-security', choices=('enabled', 'disabled'),
            help='List only ports with port security enabled or disabled',
        )
        parser.add_argument(
            '--with-pairs', action='store_true',
            help='List only ports that have allowed address pairs',
        )
        parser.add_argument(
            '--long', action='store_true',
            help='List additional fields in output',
        )
        return parser

    def _project_id(self, value: str) -> str:
        try:
            identity: Any = self.app.client_manager.sdk_connection.identity
            project = identity.find_project(value, ignore_missing=True)
        except errors.HANDLED as exc:
            # Members may not look projects up; take the value as an ID.
            LOG.debug('project lookup of %s failed (%s)', value, exc)
            return value
        return project.id if project is not None else value

    def _server_id(self, value: str) -> str:
        if _UUID.match(value):
            return value
        try:
            compute: Any = self.app.client_manager.sdk_connection.compute
            return compute.find_server(value, ignore_missing=False).id
        except errors.HANDLED as exc:
            raise exceptions.CommandError(
                f"Server '{value}' was not found ({exc}); give the server ID."
            ) from exc

    def _ports(self, parsed_args: argparse.Namespace,
               shown: tuple[str, ...]) -> Any:
        client = common.network(self.app)
        query: dict[str, Any] = {
            'fields': [_FIELDS[c] for c in shown],
        }
        if parsed_args.network:
            query['network_id'] = lookup.network_id(
                client, parsed_args.network
            )
        if parsed_args.project:
            query['project_id'] = self._project_id(parsed_args.project)
        if parsed_args.server:
            query['device_id'] = self._server_id(parsed_args.server)
        if parsed_args.device_owner:
            query['device_owner'] = parsed_args.device_owner
        if parsed_args.fixed_ip:
            query['fixed_ips'] = [f'ip_address={parsed_args.fixed_ip}']
        # One paginated query: the request count grows with pages, never
        # with ports.
        return client.ports(**query)

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        shown = (
            columns.LIST_LONG_COLUMNS if parsed_args.long
            else columns.LIST_COLUMNS
        )
        with errors.explained(''):
            ports = [p for p in self._ports(parsed_args, shown)
                     if _filter(p, parsed_args)]
        rows = [
            columns.row(view.port_values(p, {}), shown) for p in ports
        ]
        return shown, rows
