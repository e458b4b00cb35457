"""``port security vip``: a keepalived/VRRP virtual IP and its members.

Imported when one of these commands is built (see
:mod:`osc_portsec`); the work is in :mod:`osc_portsec.vip`.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from osc_lib.command import command

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


def _steps(rows: list[dict[str, Any]],
           parsed_args: argparse.Namespace) -> tuple:
    from osc_portsec import columns

    return columns.listed(rows, columns.VIP_STEPS, parsed_args)


def _blanks(*given: Any) -> None:
    """Refuse an empty argument before any request."""
    from osc_portsec import values

    for what, value in given:
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                values.nonblank(item, what.lstrip('-').replace('-', ' '))


class CreatePortSecurityVip(osc_portsec.CreatePortSecurityVip,
                            common.Command, command.Lister):

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

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import runner
        from osc_portsec.vip import create

        _blanks(('name', parsed_args.name),
                ('--network', parsed_args.network),
                ('--member', parsed_args.members),
                ('--subnet', parsed_args.subnet),
                ('--security-group', parsed_args.security_group),
                ('--ip-address', parsed_args.ip_address))
        req = create.Request(
            parsed_args.name, parsed_args.network, parsed_args.members,
            parsed_args.ip_address, parsed_args.subnet,
            parsed_args.security_group, parsed_args.dry_run)
        return _steps(create.create(common.network(self.app), req,
                                    runner.cloud_info(self.app)),
                      parsed_args)


class ListPortSecurityVip(osc_portsec.ListPortSecurityVip, common.Command,
                          command.Lister):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('--network', metavar='<network>',
                            help='Only VIPs on this network (name or ID)')
        parser.add_argument(
            '--unmanaged', action='store_true',
            help='List the VIPs made by hand instead: addresses two or more '
                 'ports carry in their allowed address pairs (or one, and '
                 'an unbound port holds) that no VIP of this tool owns')
        common.examples(parser, 'openstack port security vip list',
                        'openstack port security vip list --network app-net',
                        'openstack port security vip list --unmanaged')
        return parser

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns
        from osc_portsec import lookup
        from osc_portsec.vip import model
        from osc_portsec.vip import prepare

        _blanks(('network', parsed_args.network))
        client = common.network(self.app)
        if parsed_args.unmanaged:
            from osc_portsec.vip import unmanaged

            return columns.listed(
                unmanaged.hand_made(*prepare.everything(
                    client, parsed_args.network)),
                columns.VIP_UNMANAGED, parsed_args)
        net_id = lookup.network_id(client, parsed_args.network)
        vips = [model.from_port(p) for p in prepare.tagged(client, net_id)]
        return columns.listed([_listed(v) for v in vips], columns.VIP_LIST,
                              parsed_args)


class CheckPortSecurityVip(osc_portsec.CheckPortSecurityVip,
                           common.Command, command.Lister):
    """Exit 0 when every check passes, 2 when one fails (rows printed)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'vip', metavar='<vip>',
            help='VIP of this tool (name or ID) or, for a VIP made by '
                 'hand, its IP address')
        parser.add_argument(
            '--network', metavar='<network>',
            help='Network of the VIP (name or ID): needed for an address '
                 'no port holds as a fixed IP')
        parser.add_argument(
            '--vmac', action='store_true',
            help='The members run keepalived with use_vmac (VRRP virtual '
                 'MAC 00:00:5e:00:01:XX): check that it is allowed with '
                 'the address')
        common.examples(
            parser, 'openstack port security vip check web-vip',
            'openstack port security vip check 10.0.0.100 --network app-net',
            'openstack port security vip check web-vip --vmac -f json')
        return parser

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns
        from osc_portsec.vip import check
        from osc_portsec.vip import findings
        from osc_portsec.vip import prepare

        _blanks(('VIP', parsed_args.vip), ('network', parsed_args.network))
        found = check.judge(prepare.seen(
            common.network(self.app), parsed_args.vip.strip(),
            parsed_args.network), parsed_args.vmac)
        if findings.failed(found):
            # The rows say which and why; no sentence more.
            self.not_as_expected = ''
        return columns.listed([findings.row(f) for f in found],
                              columns.VIP_CHECK, parsed_args)


class AdoptPortSecurityVip(osc_portsec.AdoptPortSecurityVip,
                           common.Command, command.Lister):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'name', metavar='<name>',
            help='Name of the VIP (the name of the port holding the '
                 'address, when it has one)')
        parser.add_argument('--network', metavar='<network>', required=True,
                            help='Network of the VIP (name or ID)')
        parser.add_argument('--ip-address', metavar='<ip-address>',
                            required=True, help='The VIP address')
        _member(parser, 'record as a member (default: every port of the '
                        'network whose pairs carry the address)',
                required=False)
        common.add_dry_run(parser)
        common.examples(
            parser, 'openstack port security vip adopt web-vip --network '
                    'app-net --ip-address 10.0.0.100 --dry-run',
            'openstack port security vip adopt web-vip --network app-net '
            '--ip-address 10.0.0.100 --member web-1 --member web-2')
        return parser

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import runner
        from osc_portsec.vip import adopt

        _blanks(('name', parsed_args.name),
                ('--network', parsed_args.network),
                ('--member', parsed_args.members))
        req = adopt.Request(parsed_args.name, parsed_args.network,
                            parsed_args.ip_address,
                            parsed_args.members or (), parsed_args.dry_run)
        return _steps(adopt.adopt(common.network(self.app), req,
                                  runner.cloud_info(self.app)), parsed_args)


class ShowPortSecurityVip(osc_portsec.ShowPortSecurityVip, common.Command,
                          command.ShowOne):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _vip(parser)
        common.examples(parser, 'openstack port security vip show web-vip',
                        'openstack port security vip show web-vip -f json '
                        '-c findings')
        return parser

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns
        from osc_portsec.vip import show

        _blanks(('VIP', parsed_args.vip))
        values = show.values(common.network(self.app), parsed_args.vip)
        return columns.show(values, columns.VIP_SHOW, parsed_args)


class _MemberChange(common.Command, command.Lister):
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

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import runner
        from osc_portsec.vip import change

        _blanks(('vip', parsed_args.vip), ('--member', parsed_args.members))
        return _steps(getattr(change, self.operation)(
            common.network(self.app), parsed_args.vip, parsed_args.members,
            runner.cloud_info(self.app), parsed_args.dry_run), parsed_args)


class SetPortSecurityVip(osc_portsec.SetPortSecurityVip,
                         _MemberChange):
    operation = 'add'
    word = 'set'


class UnsetPortSecurityVip(osc_portsec.UnsetPortSecurityVip,
                           _MemberChange):
    operation = 'remove'
    word = 'unset'


class DeletePortSecurityVip(osc_portsec.DeletePortSecurityVip,
                            common.Command, command.Lister):
    noun = 'VIPs'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _vip(parser, many=True)
        parser.add_argument(
            '--all', action='store_true', dest='every',
            help='Also remove the VIP\'s pair from the members that had it '
                 'before the VIP (an adopted VIP\'s members)')
        common.add_dry_run(parser)
        common.examples(
            parser, 'openstack port security vip delete web-vip --dry-run',
            'openstack port security vip delete web-vip db-vip',
            'openstack port security vip restore web-vip   # undo')
        return parser

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import runner
        from osc_portsec.vip import delete

        _blanks(('vip', parsed_args.vip))
        client, cloud = common.network(self.app), runner.cloud_info(self.app)
        if len(parsed_args.vip) == 1:
            return _steps(delete.delete(
                client, parsed_args.vip[0], cloud, parsed_args.dry_run,
                parsed_args.every), parsed_args)
        self._total = len(parsed_args.vip)
        rows: list[dict[str, Any]] = []
        for ref in parsed_args.vip:
            with self.item(ref):
                rows += delete.delete(client, ref, cloud,
                                      parsed_args.dry_run, parsed_args.every)
        if self._failed == self._total:
            raise self.summary()
        return _steps(rows, parsed_args)


class RestorePortSecurityVip(osc_portsec.RestorePortSecurityVip,
                             common.Command, command.Lister):
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

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import runner
        from osc_portsec.vip import restore

        _blanks(('vip', parsed_args.vip))
        return _steps(restore.restore(
            common.network(self.app), parsed_args.vip,
            runner.cloud_info(self.app), parsed_args.dry_run), parsed_args)


def _listed(vip: Any) -> dict[str, Any]:
    return {
        'id': vip.id, 'name': vip.name, 'ip_address': vip.ip_address,
        'network_id': vip.network_id, 'member_ids': list(vip.all_members),
        'member_count': len(vip.all_members),
        'created_rule_id': vip.rule_id,
    }
