"""``port security vip``: a keepalived/VRRP virtual IP and its members.

Imported when one of these commands is built (see
:mod:`osc_portsec`); the work is in :mod:`osc_portsec.vip`.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from osc_lib.command import command
from osc_lib import exceptions

import osc_portsec
from osc_portsec.v2 import common

LOG = logging.getLogger(__name__)


def _member(parser: argparse.ArgumentParser, verb: str,
            required: bool = True) -> None:
    parser.add_argument(
        '--member',
        metavar='<port>',
        action='append',
        dest='members',
        required=required,
        help=f'Port to {verb} (name, ID or fixed IP address; repeat option '
             f'for several ports)',
    )


def _vip(parser: argparse.ArgumentParser, many: bool = False) -> None:
    parser.add_argument(
        'vip', metavar='<vip>', nargs='+' if many else None,
        help='VIP(s) (name or ID of the VIP port)' if many
        else 'VIP (name or ID of the VIP port)',
    )


def _steps(rows: list[dict[str, Any]]) -> tuple:
    from osc_portsec.vip import output

    return output.STEP_COLUMNS, [output.row(r, output.STEP_COLUMNS)
                                 for r in rows]


def _blanks(*given: Any) -> None:
    """Refuse an empty argument before any request."""
    from osc_portsec import values

    for what, value in given:
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                values.nonblank(item, what.lstrip('-').replace('-', ' '))


class CreatePortSecurityVip(osc_portsec.CreatePortSecurityVip, command.Lister):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>',
                            help='Name of the new VIP port')
        parser.add_argument('--network', metavar='<network>', required=True,
                            help='Network of the VIP and its members '
                                 '(name or ID)')
        where = parser.add_mutually_exclusive_group()
        where.add_argument('--ip-address', metavar='<ip-address>',
                           help='The VIP address (default: a free address)')
        where.add_argument('--subnet', metavar='<subnet>',
                           help='Take a free address of this subnet (name '
                                'or ID; default: the network\'s first IPv4 '
                                'subnet)')
        _member(parser, 'share the address')
        parser.add_argument(
            '--security-group', metavar='<security-group>',
            help='Let VRRP in from this group\'s members (a rule is '
                 'created when missing) and add every member to it')
        common.add_dry_run(parser)
        common.examples(
            parser,
            'openstack port security vip create web-vip --network app-net '
            '--ip-address 10.0.0.100 --member web-1 --member web-2',
            'openstack port security vip create db-vip --network app-net '
            '--subnet app-v4 --member db-1 --member db-2 '
            '--security-group db --dry-run',
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import runner
        from osc_portsec.vip import create

        _blanks(('name', parsed_args.name),
                ('--network', parsed_args.network),
                ('--member', parsed_args.members),
                ('--subnet', parsed_args.subnet),
                ('--security-group', parsed_args.security_group))
        req = create.Request(
            parsed_args.name, parsed_args.network, parsed_args.members,
            parsed_args.ip_address, parsed_args.subnet,
            parsed_args.security_group, parsed_args.dry_run)
        return _steps(create.create(common.network(self.app), req,
                                    runner.cloud_info(self.app)))


class ListPortSecurityVip(osc_portsec.ListPortSecurityVip, command.Lister):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('--network', metavar='<network>',
                            help='Only VIPs on this network (name or ID)')
        common.examples(parser, 'openstack port security vip list',
                        'openstack port security vip list --network app-net')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import errors
        from osc_portsec import lookup
        from osc_portsec.vip import members
        from osc_portsec.vip import model
        from osc_portsec.vip import output

        _blanks(('network', parsed_args.network))
        client = common.network(self.app)
        with errors.boundary():
            net_id = lookup.network_id(client, parsed_args.network)
            ports = members.tagged(client, net_id)
        return output.LIST_COLUMNS, [
            output.row(output.list_values(model.from_port(p)),
                       output.LIST_COLUMNS) for p in ports]


class ShowPortSecurityVip(osc_portsec.ShowPortSecurityVip, command.ShowOne):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _vip(parser)
        common.examples(parser, 'openstack port security vip show web-vip',
                        'openstack port security vip show web-vip -f json '
                        '-c findings')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import errors
        from osc_portsec.vip import output
        from osc_portsec.vip import show

        _blanks(('VIP', parsed_args.vip))
        with errors.boundary():
            values = show.values(common.network(self.app), parsed_args.vip)
        return output.SHOW_COLUMNS, output.row(values, output.SHOW_COLUMNS)


class _MemberChange(command.Lister):
    """``vip set`` and ``vip unset``: members join or leave a VIP."""

    # The function of osc_portsec.vip.change that does it, and the
    # command's own word.
    operation = ''
    word = ''

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _vip(parser)
        _member(parser, self.operation)
        common.add_dry_run(parser)
        common.examples(parser, f'openstack port security vip {self.word} '
                                f'web-vip --member web-3')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import runner
        from osc_portsec.vip import change

        _blanks(('vip', parsed_args.vip), ('--member', parsed_args.members))
        return _steps(getattr(change, self.operation)(
            common.network(self.app), parsed_args.vip, parsed_args.members,
            runner.cloud_info(self.app), parsed_args.dry_run))


class SetPortSecurityVip(osc_portsec.SetPortSecurityVip,
                         _MemberChange):
    operation = 'add'
    word = 'set'


class UnsetPortSecurityVip(osc_portsec.UnsetPortSecurityVip,
                           _MemberChange):
    operation = 'remove'
    word = 'unset'


class DeletePortSecurityVip(osc_portsec.DeletePortSecurityVip, command.Lister):
    _failed = 0

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _vip(parser, many=True)
        common.add_dry_run(parser)
        common.examples(
            parser, 'openstack port security vip delete web-vip --dry-run',
            'openstack port security vip delete web-vip db-vip',
            'openstack port security vip restore web-vip   # undo')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import runner
        from osc_portsec.vip import change

        _blanks(('vip', parsed_args.vip))
        rows: list[dict[str, Any]] = []
        self._failed = 0
        for ref in parsed_args.vip:
            try:
                rows += change.delete(common.network(self.app), ref,
                                      runner.cloud_info(self.app),
                                      parsed_args.dry_run)
            except exceptions.CommandError as exc:
                if len(parsed_args.vip) == 1:
                    raise
                self._failed += 1
                LOG.error('%s', exc)
        if self._failed == len(parsed_args.vip):
            raise self._summary(len(parsed_args.vip))
        return _steps(rows)

    def _summary(self, total: int) -> exceptions.CommandError:
        return exceptions.CommandError(
            f'{self._failed} of {total} VIPs failed.')

    def run(self, parsed_args: argparse.Namespace) -> int:
        result = super().run(parsed_args)
        if self._failed:
            raise self._summary(len(parsed_args.vip))
        return result


class RestorePortSecurityVip(osc_portsec.RestorePortSecurityVip,
                             command.Lister):
    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'vip', metavar='<vip>',
            help='Deleted VIP (name or ID of the VIP port it had)')
        common.add_dry_run(parser)
        common.examples(
            parser, 'openstack port security vip restore web-vip --dry-run',
            'openstack port security vip restore web-vip')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import runner
        from osc_portsec.vip import restore

        _blanks(('vip', parsed_args.vip))
        return _steps(restore.restore(
            common.network(self.app), parsed_args.vip,
            runner.cloud_info(self.app), parsed_args.dry_run))
