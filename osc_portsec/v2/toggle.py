"""``port security disable|enable``: the flag, groups and pairs at once.

Imported when one of these commands is built (see
:mod:`osc_portsec`).
"""

from __future__ import annotations

import argparse
from typing import Any

import osc_portsec
from osc_portsec.v2 import common


class DisablePortSecurity(osc_portsec.DisablePortSecurity,
                          common.ManyPortChange):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.epilog = None
        common.examples(
            parser,
            'openstack port security disable fw-port --dry-run',
            'openstack port security disable fw-port',
            'openstack port security enable fw-port --restore   # undo',
            '',
            'Afterwards the port is unfiltered: no security group, no',
            'anti-spoofing, every packet passes. The journal records what',
            'was removed, and "enable --restore" puts it back.',
        )
        return parser

    def mutation(self, parsed_args: argparse.Namespace) -> Any:
        from osc_portsec import mutations

        return mutations.Disable()


class EnablePortSecurity(osc_portsec.EnablePortSecurity,
                         common.ManyPortChange):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--security-group',
            metavar='<security-group>',
            action='append',
            default=[],
            dest='security_groups',
            help='Security group to add to the port in the same request '
                 '(name or ID; repeat option to add several)',
        )
        parser.add_argument(
            '--restore',
            action='store_true',
            help='Put back the security groups and allowed address pairs '
                 'that the last disable, pair clear or pair remove of this '
                 'tool removed from the port',
        )
        common.examples(
            parser,
            'openstack port security enable fw-port --restore',
            'openstack port security enable app-1 app-2 '
            '--security-group web',
        )
        return parser

    def mutation(self, parsed_args: argparse.Namespace) -> Any:
        from osc_portsec import lookup
        from osc_portsec import mutations

        # Groups are looked up once, before any port is changed.
        groups = lookup.security_groups(common.network(self.app),
                                        parsed_args.security_groups)
        return mutations.Enable(groups, parsed_args.restore)
