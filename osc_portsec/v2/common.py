"""What every ``openstack port security`` command shares: arguments,
examples in ``--help``, and the one error boundary of an invocation.

Imported with the first command built, never at OSC's start-up (see
:mod:`osc_portsec`); the modules that do the work are imported
inside the method that needs them.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
from typing import Any, Iterator

from cliff import _argparse
from osc_lib.cli import parseractions
from osc_lib.command import command
from osc_lib import exceptions

LOG = logging.getLogger(__name__)


class _ExamplesFormatter(_argparse.SmartHelpFormatter):
    """Keeps the line breaks of the examples in the epilog."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if '\n' not in text:
            return super()._fill_text(text, width, indent)
        return ''.join(indent + line
                       for line in text.splitlines(keepends=True))


def examples(parser: argparse.ArgumentParser, *lines: str) -> None:
    """End ``--help`` with examples, as a user would type them."""
    parser.formatter_class = _ExamplesFormatter
    parser.epilog = 'Examples:\n' + ''.join(f'  {line}\n' for line in lines)


def add_port_argument(parser: argparse.ArgumentParser, many: bool) -> None:
    parser.add_argument(
        'port',
        metavar='<port>',
        nargs='+' if many else None,
        help=(
            'Port(s) to change (name, ID or fixed IP address)'
            if many else 'Port (name, ID or fixed IP address)'
        ),
    )
    parser.add_argument(
        '--network',
        metavar='<network>',
        help='Look up port names and fixed IPs on this network only, and '
             'check that a port given by ID is on it (name or ID)',
    )


def add_dry_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        '--dry-run',
        action='store_true',
        help='Show what would change and send no update',
    )


def add_allowed_address(
    parser: argparse.ArgumentParser, verb: str, required: bool = True
) -> None:
    # Same syntax as 'openstack port set --allowed-address'.
    parser.add_argument(
        '--allowed-address',
        metavar='ip-address=<ip-address>[,mac-address=<mac-address>]',
        action=parseractions.MultiKeyValueAction,
        dest='allowed_address_pairs',
        required_keys=['ip-address'],
        optional_keys=['mac-address'],
        required=required,
        help=f'{verb} allowed-address pair associated with this port: '
             f'ip-address=<ip-address>[,mac-address=<mac-address>] '
             f'(repeat option to {verb.lower()} multiple allowed-address '
             f'pairs)',
    )


def refs(parsed_args: argparse.Namespace) -> list[str]:
    """The port references of a command, checked for blanks."""
    from osc_portsec import values

    ports = parsed_args.port
    ports = ports if isinstance(ports, list) else [ports]
    for ref in ports:
        values.nonblank(ref, 'port')
    if getattr(parsed_args, 'network', None) is not None:
        values.nonblank(parsed_args.network, 'network')
    return ports


def port_subject(self: Any, parsed_args: argparse.Namespace) -> Any:
    """The subject of a command about one port: the port as typed."""
    from osc_portsec import failures

    return failures.Subject(str(parsed_args.port))


# Exit status of a command that ran but whose answer is not the one asked
# for (--expect, a failed vip check); 1 stays "the command failed".
NOT_AS_EXPECTED = 2
BACKENDS = ('ovn', 'openvswitch', 'iptables_hybrid')


def add_packet_arguments(parser: argparse.ArgumentParser) -> None:
    """The packet's protocol, port, ICMP type and code (explain, reach)."""
    parser.add_argument(
        '--protocol', metavar='<protocol>',
        help='IP protocol: tcp, udp, sctp, icmp, ipv6-icmp, vrrp, any '
             'other name Neutron accepts, or a number 0-255 '
             '(default: any)')
    parser.add_argument(
        '--port', metavar='<port-number>', type=int, dest='dst_port',
        help='Destination port (tcp, udp, sctp)')
    parser.add_argument(
        '--icmp-type', metavar='<n>', type=int, help='ICMP type')
    parser.add_argument(
        '--icmp-code', metavar='<n>', type=int,
        help='ICMP code (needs --icmp-type)')


def add_ethertype(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        '--ethertype', choices=('IPv4', 'IPv6'),
        help='IP version when no address gives it')


def add_expect(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        '--expect', choices=('pass', 'drop'),
        help=f'Exit {NOT_AS_EXPECTED} when the verdict differs (for '
             f'scripts and CI checks)')


def network(app: Any) -> Any:
    """The openstacksdk network proxy that OSC built for this run."""
    return app.client_manager.network


class Command:
    """The one error boundary of an invocation, for every command.

    Put before the osc-lib base class (``ShowOne``, ``Lister``,
    ``Command``). Subclasses write ``act`` instead of ``take_action``; a
    failure anywhere below, in ``act`` or while a list's rows stream to
    cliff's formatter, becomes one sentence here and nowhere else.
    Commands that work on several items (ports, VIPs) try each in
    :meth:`item`, report each failure and end with "N of M <noun>
    failed".
    """

    app: Any
    noun = 'ports'
    _failed = 0
    _total = 0
    # Set by act: why the answer is not the one asked for (exit 2), as
    # one sentence, or '' when nothing needs saying beyond the rows.
    not_as_expected: str | None = None

    def subject(self, parsed_args: argparse.Namespace) -> Any:
        """What the sentence names: the port given, and what changes."""
        from osc_portsec import failures

        return failures.Subject()

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        raise NotImplementedError

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import errors

        subject = self.subject(parsed_args)
        self._failed = 0
        self.not_as_expected = None
        with errors.boundary(subject):
            columns, data = self.act(parsed_args)
        if isinstance(data, (list, tuple)):
            return columns, data
        return columns, self._guarded(data, subject)

    @staticmethod
    def _guarded(rows: Iterator[Any], subject: Any) -> Iterator[Any]:
        """Rows that stream from Neutron's pages, inside the boundary."""
        from osc_portsec import errors

        with errors.boundary(subject):
            yield from rows

    @contextlib.contextmanager
    def item(self, ref: str, change: str | None = None) -> Iterator[None]:
        """One item's boundary: its failure is logged and counted."""
        from osc_portsec import errors
        from osc_portsec import failures

        try:
            with errors.boundary(failures.Subject(ref, change)):
                yield
        except exceptions.CommandError as exc:
            self._failed += 1
            LOG.error('%s', exc)

    def summary(self) -> exceptions.CommandError:
        return exceptions.CommandError(
            f'{self._failed} of {self._total} {self.noun} failed.')

    def run(self, parsed_args: argparse.Namespace) -> int:
        # The rows of the items that did work are printed before the
        # command fails, so a partial failure still shows what was done.
        result = super().run(parsed_args)  # type: ignore[misc]
        if self._failed:
            raise self.summary()
        if result == 0 and self.not_as_expected is not None:
            if self.not_as_expected:
                LOG.error('%s', self.not_as_expected)
            return NOT_AS_EXPECTED
        return int(result)


class Change(Command):
    """A command that changes ports through ``runner.change_port``.

    Subclasses build the mutation from the arguments in ``mutation`` (every
    value checked, every shared look-up made, before any port is read).
    """

    def mutation(self, parsed_args: argparse.Namespace) -> Any:
        raise NotImplementedError

    def prepare(self, parsed_args: argparse.Namespace) -> tuple:
        """The port references, the mutation and the --network ID."""
        from osc_portsec import lookup

        ports = refs(parsed_args)
        mutation = self.mutation(parsed_args)
        net_id = lookup.network_id(network(self.app), parsed_args.network)
        return ports, mutation, net_id

    def change(self, parsed_args: argparse.Namespace, mutation: Any,
               ref: str, net_id: str | None) -> dict[str, Any]:
        """Change one port; a failure names it."""
        from osc_portsec import runner

        return runner.change_port(
            network(self.app), ref, net_id, mutation,
            runner.cloud_info(self.app), parsed_args.dry_run,
        )


class OnePortChange(Change, command.ShowOne):
    """A change to one port: the port's row after the change."""

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns

        ports, mutation, net_id = self.prepare(parsed_args)
        values = self.change(parsed_args, mutation, ports[0], net_id)
        return columns.show(values, columns.CHANGE, parsed_args)


class ManyPortChange(Change, command.Lister):
    """Try every port, report each failure, end with "N of M failed"."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_port_argument(parser, many=True)
        parser.add_argument(
            '--long',
            action='store_true',
            help='Also list each port\'s port security, security groups, '
                 'allowed address pairs, revision and the change as '
                 'structure',
        )
        add_dry_run(parser)
        return parser

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns

        ports, mutation, net_id = self.prepare(parsed_args)
        self._total = len(ports)
        if len(ports) == 1:
            values = [self.change(parsed_args, mutation, ports[0], net_id)]
        else:
            values = list(self._change_each(parsed_args, mutation, ports,
                                            net_id))
            if not values:
                raise self.summary()
        return columns.listed(values, columns.CHANGES, parsed_args)

    def _change_each(self, parsed_args: argparse.Namespace, mutation: Any,
                     ports: list[str], net_id: str | None) -> Iterator[dict]:
        """Find every port, prepare them together, then change each.

        The reads a change needs (the names of every port's groups, the
        journal) are made once for all the ports: two requests a port.
        A port that fails is reported, counted, and the others go on.
        """
        from osc_portsec import lookup
        from osc_portsec import runner

        client, cloud = network(self.app), runner.cloud_info(self.app)
        found = []
        for ref in ports:
            with self.item(ref, mutation.what):
                found.append((ref, lookup.find_port(client, ref, net_id)))
        prepared = mutation.prepare_all(client, found, cloud.get('auth_url'))
        for (ref, port), ready in zip(found, prepared):
            with self.item(ref, mutation.what):
                if isinstance(ready, exceptions.CommandError):
                    raise ready
                yield runner.change_found(client, port, ready, mutation,
                                          cloud, parsed_args.dry_run)
