"""``port security pair add|remove|clear|list``: allowed address pairs."""

from __future__ import annotations

import argparse
from typing import Any, Callable

from osc_lib.command import command
from osc_lib import exceptions

from osc_portsec import columns
from osc_portsec import errors
from osc_portsec import journal
from osc_portsec import lookup
from osc_portsec import pairs as _pairs
from osc_portsec import plans
from osc_portsec import update
from osc_portsec.v2 import common


def _restored_pairs(
    port: Any, cloud: dict[str, Any], label: str
) -> list[dict[str, Any]]:
    entry = journal.last_removal(
        port.id, cloud.get('auth_url'), pairs_only=True
    )
    if entry is None:
        raise exceptions.CommandError(
            f"The journal {journal.path()} records no removal of allowed "
            f"address pairs from port {label}; there is nothing to restore."
        )
    return journal.removed(entry)[1]


class AddPortSecurityPair(common.Mutation, command.ShowOne):
    _description = (
        'Add allowed address pairs to a port, skipping pairs it already has'
    )
    journal_name = 'pair add'
    what = 'allowed address pairs'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_port_argument(parser, many=False)
        common.add_allowed_address(parser, 'Add', required=False)
        parser.add_argument(
            '--restore',
            action='store_true',
            help='Add back the pairs that the last pair clear, pair remove '
                 'or disable of this tool removed from the port',
        )
        common.add_dry_run(parser)
        return parser

    def plan(
        self, client: Any, port: Any, parsed_args: argparse.Namespace,
        label: str,
    ) -> Callable[[Any], update.Plan]:
        requested = list(parsed_args.requested)
        if parsed_args.restore:
            restored = _restored_pairs(port, common.cloud_info(self.app),
                                       label)
            requested += [_pairs.as_pair(p) for p in restored]
        return lambda current: plans.pair_add(current, requested, label)

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        if not parsed_args.allowed_address_pairs and not parsed_args.restore:
            raise exceptions.CommandError(
                'Give at least one --allowed-address '
                'ip-address=<ip-address>[,mac-address=<mac-address>], or '
                '--restore.'
            )
        # Every value is checked before the first request is sent.
        parsed_args.requested = _pairs.parse_pairs(
            parsed_args.allowed_address_pairs or []
        )
        values = self.mutate(
            parsed_args, parsed_args.port, self.network_id(parsed_args)
        )
        return columns.CHANGE_COLUMNS, columns.row(
            values, columns.CHANGE_COLUMNS
        )


class RemovePortSecurityPair(common.Mutation, command.ShowOne):
    _description = (
        'Remove allowed address pairs from a port; a pair given without a '
        'MAC matches the pair stored with the port\'s MAC'
    )
    journal_name = 'pair remove'
    what = 'allowed address pairs'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_port_argument(parser, many=False)
        common.add_allowed_address(parser, 'Remove')
        common.add_dry_run(parser)
        return parser

    def plan(
        self, client: Any, port: Any, parsed_args: argparse.Namespace,
        label: str,
    ) -> Callable[[Any], update.Plan]:
        requested = parsed_args.requested
        return lambda current: plans.pair_remove(current, requested, label)

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        parsed_args.requested = _pairs.parse_pairs(
            parsed_args.allowed_address_pairs
        )
        values = self.mutate(
            parsed_args, parsed_args.port, self.network_id(parsed_args)
        )
        return columns.CHANGE_COLUMNS, columns.row(
            values, columns.CHANGE_COLUMNS
        )


class ClearPortSecurityPair(common.MultiPortMutation, command.Lister):
    _description = 'Remove every allowed address pair from one or more ports'
    journal_name = 'pair clear'
    what = 'allowed address pairs'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_port_argument(parser, many=True)
        common.add_dry_run(parser)
        return parser

    def plan(
        self, client: Any, port: Any, parsed_args: argparse.Namespace,
        label: str,
    ) -> Callable[[Any], update.Plan]:
        return plans.pair_clear


class ListPortSecurityPair(command.Lister):
    _description = 'List the allowed address pairs of a port'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_port_argument(parser, many=False)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        with errors.explained(parsed_args.port):
            client = common.network(self.app)
            net_id = lookup.network_id(client, parsed_args.network)
            port = lookup.find_port(client, parsed_args.port, net_id)
        rows = [
            (p.get('ip_address'), p.get('mac_address'))
            for p in port.allowed_address_pairs or []
        ]
        return columns.PAIR_COLUMNS, rows
