"""The ``openstack port security`` commands.

OSC imports every command module of every plugin on every ``openstack`` run,
so this one module holds all eight commands and imports only what OSC has
already loaded. Each command parses its arguments here and imports the
modules that do the work (``audit``, ``runner``, ``plans``, ...) inside the
method that needs them.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any, Callable, TYPE_CHECKING

from osc_lib.cli import parseractions
from osc_lib.command import command
from osc_lib import exceptions

if TYPE_CHECKING:
    from osc_portsec import update

LOG = logging.getLogger(__name__)


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
        help='Look up port names and fixed IPs on this network only '
             '(name or ID)',
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


class Mutation:
    """Read, plan, update and journal one port at a time.

    Subclasses implement ``plan(client, port, parsed_args, label)``, which
    returns the function that plans the change from a port as read.
    """

    app: Any
    journal_name = ''
    # What the command changes, for the policy refusal's message.
    what = 'port security'

    def plan(
        self, client: Any, port: Any, parsed_args: argparse.Namespace,
        label: str,
    ) -> Callable[[Any], update.Plan]:
        raise NotImplementedError

    def mutate(self, parsed_args: argparse.Namespace, ref: str,
               net_id: str | None) -> dict[str, Any]:
        from osc_portsec import runner

        return runner.mutate(
            self.app, ref, net_id,
            lambda client, port: self.plan(client, port, parsed_args, ref),
            dry_run=parsed_args.dry_run, journal_name=self.journal_name,
            what=self.what,
        )

    def network_id(self, parsed_args: argparse.Namespace) -> str | None:
        from osc_portsec import runner

        return runner.network_id(self.app, parsed_args.network)


class MultiPortMutation(Mutation):
    """Try every port, report each failure, end with "N of M failed"."""

    _failed = 0

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)  # type: ignore[misc]
        parser.add_argument(
            '--long',
            action='store_true',
            help='Also list each port\'s port security, security groups, '
                 'allowed address pairs and revision after the change',
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        from osc_portsec import columns
        from osc_portsec import errors

        shown = (columns.CHANGE_COLUMNS if parsed_args.long
                 else columns.CHANGE_SHORT_COLUMNS)
        net_id = self.network_id(parsed_args)
        rows = []
        self._failed = 0
        if len(parsed_args.port) == 1:
            values = self.mutate(parsed_args, parsed_args.port[0], net_id)
            return shown, [columns.row(values, shown)]
        for ref in parsed_args.port:
            try:
                values = self.mutate(parsed_args, ref, net_id)
            except exceptions.CommandError as exc:
                self._failed += 1
                LOG.error('%s', exc)
                continue
            except errors.HANDLED as exc:
                self._failed += 1
                LOG.error('%s', errors.explain(exc, ref))
                continue
            rows.append(columns.row(values, shown))
        if not rows:
            raise self._summary(parsed_args)
        return shown, rows

    def _summary(
        self, parsed_args: argparse.Namespace
    ) -> exceptions.CommandError:
        return exceptions.CommandError(
            f'{self._failed} of {len(parsed_args.port)} ports failed.'
        )

    def run(self, parsed_args: argparse.Namespace) -> int:
        # The rows of the ports that did change are printed before the
        # command fails, so a partial failure still shows what was done.
        result = super().run(parsed_args)  # type: ignore[misc]
        if self._failed:
            raise self._summary(parsed_args)
        return result


class ShowPortSecurity(command.ShowOne):
    _description = (
        'Show the port security of a port: its flag, security groups, '
        'allowed address pairs, and what a disable would remove'
    )

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_port_argument(parser, many=False)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import audit

        return audit.show(self.app, parsed_args)


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

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import audit

        return audit.list_ports(self.app, parsed_args)


class _OnePortMutation(Mutation, command.ShowOne):
    """A pair change on one port; every value is checked before sending."""

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns
        from osc_portsec import pairs

        parsed_args.requested = pairs.parse_pairs(
            parsed_args.allowed_address_pairs or []
        )
        values = self.mutate(
            parsed_args, parsed_args.port, self.network_id(parsed_args)
        )
        return columns.CHANGE_COLUMNS, columns.row(
            values, columns.CHANGE_COLUMNS
        )


class AddPortSecurityPair(_OnePortMutation):
    _description = (
        'Add allowed address pairs to a port, skipping pairs it already has'
    )
    journal_name = 'pair add'
    what = 'allowed address pairs'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_port_argument(parser, many=False)
        add_allowed_address(parser, 'Add', required=False)
        parser.add_argument(
            '--restore',
            action='store_true',
            help='Add back the pairs that the last pair clear, pair remove '
                 'or disable of this tool removed from the port',
        )
        add_dry_run(parser)
        return parser

    def plan(
        self, client: Any, port: Any, parsed_args: argparse.Namespace,
        label: str,
    ) -> Callable[[Any], update.Plan]:
        from osc_portsec import pairs
        from osc_portsec import plans
        from osc_portsec import restore

        requested = parsed_args.requested
        restored = []
        if parsed_args.restore:
            restored = [pairs.as_pair(p)
                        for p in restore.pairs(self.app, port, label)]
        return lambda current: plans.pair_add(
            current, requested, label, restored
        )

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        if not parsed_args.allowed_address_pairs and not parsed_args.restore:
            raise exceptions.CommandError(
                'Give at least one --allowed-address '
                'ip-address=<ip-address>[,mac-address=<mac-address>], or '
                '--restore.'
            )
        return super().take_action(parsed_args)


class RemovePortSecurityPair(_OnePortMutation):
    _description = (
        'Remove allowed address pairs from a port; a pair given without a '
        'MAC matches the pair stored with the port\'s MAC'
    )
    journal_name = 'pair remove'
    what = 'allowed address pairs'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_port_argument(parser, many=False)
        add_allowed_address(parser, 'Remove')
        add_dry_run(parser)
        return parser

    def plan(
        self, client: Any, port: Any, parsed_args: argparse.Namespace,
        label: str,
    ) -> Callable[[Any], update.Plan]:
        from osc_portsec import plans

        requested = parsed_args.requested
        return lambda current: plans.pair_remove(current, requested, label)


class ClearPortSecurityPair(MultiPortMutation, command.Lister):
    _description = 'Remove every allowed address pair from one or more ports'
    journal_name = 'pair clear'
    what = 'allowed address pairs'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_port_argument(parser, many=True)
        add_dry_run(parser)
        return parser

    def plan(
        self, client: Any, port: Any, parsed_args: argparse.Namespace,
        label: str,
    ) -> Callable[[Any], update.Plan]:
        from osc_portsec import plans

        return plans.pair_clear


class ListPortSecurityPair(command.Lister):
    _description = 'List the allowed address pairs of a port'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_port_argument(parser, many=False)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import audit

        return audit.pair_rows(self.app, parsed_args)


class DisablePortSecurity(MultiPortMutation, command.Lister):
    _description = (
        'Disable port security on one or more ports, removing their security '
        'groups and allowed address pairs in the same request'
    )
    journal_name = 'disable'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_port_argument(parser, many=True)
        add_dry_run(parser)
        return parser

    def plan(
        self, client: Any, port: Any, parsed_args: argparse.Namespace,
        label: str,
    ) -> Callable[[Any], update.Plan]:
        from osc_portsec import plans
        from osc_portsec import view

        names = view.group_names(client, port.security_group_ids or [])

        def plan_for(current: Any) -> update.Plan:
            # A re-read may show groups added meanwhile: name them too.
            known = dict(names)
            missing = set(current.security_group_ids or []) - set(known)
            if missing:
                known.update(view.group_names(client, missing))
            return plans.disable(current, known, label)

        return plan_for


class EnablePortSecurity(MultiPortMutation, command.Lister):
    _description = (
        'Enable port security on one or more ports, with security groups '
        'or the state the last disable removed'
    )
    journal_name = 'enable'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_port_argument(parser, many=True)
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
        add_dry_run(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        from osc_portsec import errors
        from osc_portsec import lookup
        from osc_portsec import runner

        # Groups are looked up once, before any port is changed.
        with errors.explained(''):
            self._given = lookup.security_groups(
                runner.network(self.app), parsed_args.security_groups
            )
        return super().take_action(parsed_args)

    def plan(
        self, client: Any, port: Any, parsed_args: argparse.Namespace,
        label: str,
    ) -> Callable[[Any], update.Plan]:
        from osc_portsec import plans
        from osc_portsec import restore

        names: dict[str, Any] = dict(self._given)
        restored: dict[str, str] = {}
        restore_pairs: list[dict[str, Any]] = []
        skipped: list[str] = []
        if parsed_args.restore:
            restored, restore_pairs, skipped = restore.groups_and_pairs(
                self.app, client, port, label
            )
            names.update(restored)
        ordered = list(dict.fromkeys([*restored, *self._given]))

        def plan_for(current: Any) -> update.Plan:
            plan = plans.enable(
                current, ordered, names, label, restore_pairs=restore_pairs,
                restored_groups=restored,
            )
            plan.changes += skipped
            return plan

        return plan_for
