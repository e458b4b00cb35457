"""``openstack port security reach`` and ``matrix``: can A reach B?

Imported when a command is built (see :mod:`osc_portsec`); the reads and
the evaluation (:mod:`osc_portsec.reach`) when it runs.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from osc_lib.command import command

import osc_portsec
from osc_portsec.v2 import common

LOG = logging.getLogger(__name__)


def _packet_arguments(parser: argparse.ArgumentParser) -> None:
    common.add_packet_arguments(parser)
    common.add_ethertype(parser)


def _wanted(parsed_args: argparse.Namespace, **addresses: Any) -> Any:
    from osc_portsec.reach import flow

    return flow.wanted(
        parsed_args.protocol, parsed_args.dst_port, parsed_args.icmp_type,
        parsed_args.icmp_code, parsed_args.ethertype, **addresses)


def _admin(app: Any) -> bool:
    """Whether the token carries the admin role (who may run ovn-trace)."""
    auth_ref = getattr(app.client_manager, 'auth_ref', None)
    return 'admin' in (getattr(auth_ref, 'role_names', None) or [])


class ReachPortSecurity(osc_portsec.ReachPortSecurity, common.Command,
                        command.ShowOne):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.examples(
            parser,
            'can web-1 reach SSH on db-1, and if not, what would open it?',
            '  openstack port security reach web-1 db-1 --protocol tcp '
            '--port 22',
            'does a ping from the internet reach the VIP 10.0.0.100 on lb-1?',
            '  openstack port security reach 203.0.113.9 lb-1 --protocol '
            'icmp --icmp-type 8 --destination-ip 10.0.0.100',
            'fail (exit 2) unless app-1 reaches db-1 on 5432, for CI:',
            '  openstack port security reach app-1 db-1 --protocol tcp '
            '--port 5432 --expect pass')
        for name in ('source', 'destination'):
            parser.add_argument(
                name, metavar=f'<{name}>',
                help=f'The {name}: a port (name, ID or fixed IP address), '
                     f'or an IP address that is no port\'s fixed IP (an '
                     f'endpoint outside Neutron)')
        _packet_arguments(parser)
        parser.add_argument(
            '--source-ip', metavar='<ip-address>',
            help='The address the source sends from (default: its first '
                 'fixed IP of the packet\'s version; may be a VIP or pair '
                 'address)')
        parser.add_argument(
            '--destination-ip', metavar='<ip-address>',
            help='The address the packet is sent to (default: the '
                 'destination port\'s first fixed IP; may be a VIP or pair '
                 'address)')
        parser.add_argument(
            '--backend', choices=common.BACKENDS,
            help='Apply this back end\'s semantics (default: the one the '
                 'ports\' binding shows, else ovn)')
        parser.add_argument(
            '--network', metavar='<network>',
            help='Look up port names and fixed IPs on this network only '
                 '(name or ID)')
        common.add_expect(parser)
        parser.add_argument(
            '--long', action='store_true',
            help='Also list, at each end, every rule considered and why it '
                 'did or did not match')
        return parser

    def subject(self, parsed_args: argparse.Namespace) -> Any:
        from osc_portsec import failures

        return failures.Subject(
            f'{parsed_args.source} and {parsed_args.destination}')

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns
        from osc_portsec import lookup
        from osc_portsec.reach import answer
        from osc_portsec.reach import flow
        from osc_portsec.reach import prepare
        from osc_portsec import values

        asked = _wanted(parsed_args, source_ip=parsed_args.source_ip,
                        destination_ip=parsed_args.destination_ip)
        refs = [values.nonblank(parsed_args.source, 'source port'),
                values.nonblank(parsed_args.destination, 'destination port')]
        client = common.network(self.app)
        net_id = lookup.network_id(client, parsed_args.network)
        source, destination, peers = prepare.reach_ends(
            client, refs[0], refs[1], net_id)
        result = answer.answer(
            source, destination, flow.build(asked, source, destination),
            parsed_args.backend, peers, _admin(self.app), parsed_args.long)
        self.not_as_expected = _disagreement(parsed_args.expect, result)
        return columns.show(result.to_dict(), columns.REACH, parsed_args)


def _disagreement(expect: str | None, result: Any) -> str | None:
    if expect is None or result.verdict == expect:
        return None
    where = ', '.join(result.blocked_at) or 'nowhere'
    return (f'Expected {expect}, but the verdict is {result.verdict} '
            f'(blocked at: {where}).')


class MatrixPortSecurity(osc_portsec.MatrixPortSecurity, common.Command,
                         command.Lister):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.examples(
            parser,
            'which ports of app-net reach each other on 5432?',
            '  openstack port security matrix --network app-net --protocol '
            'tcp --port 5432',
            'do the members of the lb group hear each other\'s VRRP?',
            '  openstack port security matrix --security-group lb '
            '--protocol vrrp')
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            '--network', metavar='<network>',
            help='Every port of this network (name or ID) but Neutron\'s '
                 'own (DHCP, router interfaces)')
        which.add_argument(
            '--security-group', metavar='<group>',
            help='Every port in this security group (name or ID)')
        which.add_argument(
            'port', metavar='<port>', nargs='*', default=[],
            help='These ports (name, ID or fixed IP address)')
        _packet_arguments(parser)
        parser.add_argument(
            '--backend', choices=common.BACKENDS,
            help='Apply this back end\'s semantics (default: the one each '
                 'source port\'s binding shows, else ovn)')
        parser.add_argument(
            '--long', action='store_true',
            help='Also show each pair\'s reply and back end')
        return parser

    def subject(self, parsed_args: argparse.Namespace) -> Any:
        from osc_portsec import failures

        return failures.Subject(
            parsed_args.network or parsed_args.security_group or '')

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_lib import exceptions

        from osc_portsec import columns
        from osc_portsec.reach import matrix
        from osc_portsec.reach import prepare

        asked = _wanted(parsed_args)
        if not (parsed_args.network or parsed_args.security_group
                or parsed_args.port):
            raise exceptions.CommandError(
                'Give --network, --security-group or at least two ports.')
        refs = common.refs(parsed_args) if parsed_args.port else []
        if len(refs) == 1:
            raise exceptions.CommandError(
                f'A matrix needs at least two ports; give more than '
                f'{refs[0]}, or --network or --security-group.')
        ports, whole = prepare.matrix_ports(
            common.network(self.app), parsed_args.network,
            parsed_args.security_group, refs)
        ends = prepare.matrix_ends(common.network(self.app), ports, whole)
        ethertype = matrix.ethertype_of(asked, ends)
        for ref in matrix.without_address(ends, ethertype):
            LOG.warning('Port %s has no %s fixed IP: it is left out of the '
                        'matrix.', ref, ethertype)
        return columns.listed(matrix.rows(
            ends, asked, parsed_args.backend, parsed_args.long),
            columns.MATRIX, parsed_args)
