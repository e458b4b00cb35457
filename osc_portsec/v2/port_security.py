"""The read commands: ``port security show``, ``list`` and ``pair list``.

Imported when one of these commands is built (see
:mod:`osc_portsec`); the modules that do the work are imported
inside the method that needs them.
"""

from __future__ import annotations

import argparse

from osc_lib.command import command

import osc_portsec
from osc_portsec.v2 import common


class ShowPortSecurity(osc_portsec.ShowPortSecurity, common.Command,
                       command.ShowOne):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_port_argument(parser, many=False)
        common.examples(
            parser,
            'openstack port security show web-1',
            'openstack port security show 10.0.0.5 --network app-net',
            'openstack port security show web-1 -f json '
            '-c disable_would_remove',
        )
        return parser

    subject = common.port_subject

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns
        from osc_portsec import lookup
        from osc_portsec import rows

        (ref,) = common.refs(parsed_args)
        client = common.network(self.app)
        net_id = lookup.network_id(client, parsed_args.network)
        port = lookup.find_port(client, ref, net_id)
        names = lookup.group_names(client, port.security_group_ids or [])
        return columns.show(rows.port_values(port, names), columns.SHOW,
                            parsed_args)


class ListPortSecurity(osc_portsec.ListPortSecurity, common.Command,
                       command.Lister):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        for option, meta, text in (
            ('--network', '<network>', 'on this network (name or ID)'),
            ('--project', '<project>', 'of this project (name or ID)'),
            ('--server', '<server>', 'of this server (name or ID)'),
            ('--device-owner', '<device-owner>',
             'with this device owner (for example compute:nova or '
             'network:router_interface)'),
            ('--fixed-ip', '<ip-address>', 'with this fixed IP address'),
        ):
            parser.add_argument(option, metavar=meta,
                                help=f'List only ports {text}')
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
            help='List additional fields in output (a table shows ID, name, '
                 'port security and the number of pairs; JSON, YAML and '
                 'the other machine formats every field)',
        )
        common.examples(
            parser,
            'openstack port security list --port-security disabled',
            'openstack port security list --with-pairs --project demo --long',
            'openstack port security list --network app-net -f json',
        )
        return parser

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import audit
        from osc_portsec import columns
        from osc_portsec import rows

        shown = columns.select(columns.LIST, parsed_args)
        filters = audit.query(self.app, parsed_args, shown)
        ports = audit.ports(common.network(self.app), filters,
                            parsed_args.port_security, parsed_args.with_pairs)
        return columns.listed((rows.port_values(port, {}) for port in ports),
                              columns.LIST, parsed_args)


class ListPortSecurityPair(osc_portsec.ListPortSecurityPair,
                           common.Command, command.Lister):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_port_argument(parser, many=False)
        common.examples(parser, 'openstack port security pair list vip-a')
        return parser

    subject = common.port_subject

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns
        from osc_portsec import lookup
        from osc_portsec import port_state

        (ref,) = common.refs(parsed_args)
        client = common.network(self.app)
        net_id = lookup.network_id(client, parsed_args.network)
        port = lookup.find_port(client, ref, net_id)
        port_state.require_pairs(port, ref, 'listed')
        return columns.listed(
            [dict(p) for p in port.allowed_address_pairs or []],
            columns.PAIRS, parsed_args)
