"""``port security pair add|remove|clear``: allowed address pairs.

Imported when one of these commands is built (see
:mod:`osc_portsec`).
"""

from __future__ import annotations

import argparse
from typing import Any

from osc_lib import exceptions

import osc_portsec
from osc_portsec.v2 import common


def _requested(parsed_args: argparse.Namespace,
               keep_host_bits: bool = False) -> list[Any]:
    from osc_portsec import pairs

    return pairs.parse_pairs(parsed_args.allowed_address_pairs or [],
                             keep_host_bits)


class AddPortSecurityPair(osc_portsec.AddPortSecurityPair,
                          common.OnePortChange):

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
        common.examples(
            parser,
            'openstack port security pair add vip-a '
            '--allowed-address ip-address=10.0.0.100',
            'openstack port security pair add fw-1 '
            '--allowed-address ip-address=10.1.0.0/24 --dry-run',
            'openstack port security pair add vip-a --restore',
        )
        return parser

    def mutation(self, parsed_args: argparse.Namespace) -> Any:
        from osc_portsec import mutations

        if not parsed_args.allowed_address_pairs and not parsed_args.restore:
            raise exceptions.CommandError(
                'Give at least one --allowed-address '
                'ip-address=<ip-address>[,mac-address=<mac-address>], or '
                '--restore.'
            )
        return mutations.PairAdd(_requested(parsed_args),
                                 parsed_args.restore)


class RemovePortSecurityPair(osc_portsec.RemovePortSecurityPair,
                             common.OnePortChange):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_port_argument(parser, many=False)
        common.add_allowed_address(parser, 'Remove')
        common.add_dry_run(parser)
        common.examples(
            parser,
            'openstack port security pair remove vip-a '
            '--allowed-address ip-address=10.0.0.100',
        )
        return parser

    def mutation(self, parsed_args: argparse.Namespace) -> Any:
        from osc_portsec import mutations

        # Removes exactly what is stored, host bits included.
        return mutations.PairRemove(_requested(parsed_args, True))


class ClearPortSecurityPair(osc_portsec.ClearPortSecurityPair,
                            common.ManyPortChange):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.examples(
            parser,
            'openstack port security pair clear vip-a vip-b',
            'openstack port security pair add vip-a --restore   # undo',
        )
        return parser

    def mutation(self, parsed_args: argparse.Namespace) -> Any:
        from osc_portsec import mutations

        return mutations.PairClear()
