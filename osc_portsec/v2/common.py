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


def network(app: Any) -> Any:
    """The openstacksdk network proxy that OSC built for this run."""
    return app.client_manager.network


class Change:
    """A command that changes ports through ``runner.change_port``.

    Subclasses build the mutation from the arguments in ``mutation`` (every
    value checked, every shared look-up made, before any port is read).
    """

    app: Any

    def mutation(self, parsed_args: argparse.Namespace) -> Any:
        raise NotImplementedError

    def prepare(self, parsed_args: argparse.Namespace) -> tuple:
        """The port references, the mutation and the --network ID."""
        from osc_portsec import errors
        from osc_portsec import lookup

        ports = refs(parsed_args)
        with errors.boundary():
            mutation = self.mutation(parsed_args)
            net_id = lookup.network_id(network(self.app),
                                       parsed_args.network)
        return ports, mutation, net_id

    def change(self, parsed_args: argparse.Namespace, mutation: Any,
               ref: str, net_id: str | None) -> dict[str, Any]:
        """Change one port, inside its own error boundary."""
        from osc_portsec import errors
        from osc_portsec import runner

        with errors.boundary(errors.Subject(ref, mutation.what)):
            return runner.change_port(
                network(self.app), ref, net_id, mutation,
                runner.cloud_info(self.app), parsed_args.dry_run,
            )


class OnePortChange(Change, command.ShowOne):
    """A change to one port: the port's row after the change."""

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns

        ports, mutation, net_id = self.prepare(parsed_args)
        values = self.change(parsed_args, mutation, ports[0], net_id)
        return columns.CHANGE_COLUMNS, columns.row(
            values, columns.CHANGE_COLUMNS
        )


class ManyPortChange(Change, command.Lister):
    """Try every port, report each failure, end with "N of M failed"."""

    _failed = 0

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

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns

        shown = (columns.CHANGE_COLUMNS if parsed_args.long
                 else columns.CHANGE_SHORT_COLUMNS)
        ports, mutation, net_id = self.prepare(parsed_args)
        self._failed = 0
        if len(ports) == 1:
            values = self.change(parsed_args, mutation, ports[0], net_id)
            return shown, [columns.row(values, shown)]
        rows = [columns.row(values, shown)
                for values in self._change_each(parsed_args, mutation,
                                                ports, net_id)]
        if not rows:
            raise self._summary(len(ports))
        return shown, rows

    def _change_each(self, parsed_args: argparse.Namespace, mutation: Any,
                     ports: list[str], net_id: str | None) -> Iterator[dict]:
        """Find every port, prepare them together, then change each.

        The reads a change needs (the names of every port's groups, the
        journal) are made once for all the ports: two requests a port.
        A port that fails is reported, counted, and the others go on.
        """
        from osc_portsec import errors
        from osc_portsec import lookup
        from osc_portsec import runner

        client, cloud = network(self.app), runner.cloud_info(self.app)
        found = []
        for ref in ports:
            with self._each(ref, mutation):
                found.append((ref, lookup.find_port(client, ref, net_id)))
        with errors.boundary():
            prepared = mutation.prepare_all(client, found,
                                            cloud.get('auth_url'))
        for (ref, port), ready in zip(found, prepared):
            with self._each(ref, mutation):
                if isinstance(ready, exceptions.CommandError):
                    raise ready
                yield runner.change_found(client, port, ready, mutation,
                                          cloud, parsed_args.dry_run)

    @contextlib.contextmanager
    def _each(self, ref: str, mutation: Any) -> Iterator[None]:
        """One port's error boundary: its failure is logged and counted."""
        from osc_portsec import errors

        try:
            with errors.boundary(errors.Subject(ref, mutation.what)):
                yield
        except exceptions.CommandError as exc:
            self._failed += 1
            LOG.error('%s', exc)

    def _summary(self, total: int) -> exceptions.CommandError:
        return exceptions.CommandError(
            f'{self._failed} of {total} ports failed.'
        )

    def run(self, parsed_args: argparse.Namespace) -> int:
        # The rows of the ports that did change are printed before the
        # command fails, so a partial failure still shows what was done.
        result = super().run(parsed_args)
        if self._failed:
            raise self._summary(len(parsed_args.port))
        return result
