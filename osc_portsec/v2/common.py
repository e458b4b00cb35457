"""Pieces shared by the port security commands: arguments and mutations."""

from __future__ import annotations

import argparse
import json
import logging
from typing import Any, Callable

from osc_lib.cli import parseractions
from osc_lib import exceptions

from osc_portsec import columns
from osc_portsec import errors
from osc_portsec import journal
from osc_portsec import lookup
from osc_portsec import update
from osc_portsec import view

LOG = logging.getLogger(__name__)


def network(app: Any) -> Any:
    """The openstacksdk network proxy that OSC built for this run."""
    return app.client_manager.network


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


def cloud_info(app: Any) -> dict[str, Any]:
    """Cloud name, auth URL and project ID for the journal; no secrets."""
    info: dict[str, Any] = {}
    cloud = getattr(app, 'cloud', None)
    if cloud is not None:
        info['name'] = getattr(cloud, 'name', None)
        auth = (getattr(cloud, 'config', None) or {}).get('auth') or {}
        info['auth_url'] = auth.get('auth_url')
    try:
        info['project_id'] = app.client_manager.auth_ref.project_id
    except Exception:  # noqa: BLE001 - the journal works without it
        info['project_id'] = None
    return info


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
        with errors.explained(ref, self.what):
            client = network(self.app)
            port = lookup.find_port(client, ref, net_id)
            plan_for = self.plan(client, port, parsed_args, ref)
            outcome = update.apply(
                client, port, plan_for, ref, dry_run=parsed_args.dry_run,
                what=self.what,
            )
        for warning in outcome.plan.warnings:
            LOG.warning(warning)
        if outcome.result == 'updated':
            self._journal(outcome)
        return view.change_values(outcome)

    def _journal(self, outcome: update.Outcome) -> None:
        entry = journal.record(
            self.journal_name,
            outcome.after.id,
            update.state(outcome.before),
            update.state(outcome.after),
            cloud_info(self.app),
        )
        try:
            journal.append(entry)
        except OSError as exc:
            # The change is made; losing the record silently would make a
            # later --restore put back the wrong state.
            LOG.error(
                'Port %s was changed, but the journal %s could not be '
                'written (%s); keep this record to restore it by hand: %s',
                outcome.after.id, journal.path(), exc,
                json.dumps(entry, sort_keys=True),
            )

    def network_id(self, parsed_args: argparse.Namespace) -> str | None:
        with errors.explained(''):
            return lookup.network_id(network(self.app), parsed_args.network)


class MultiPortMutation(Mutation):
    """Try every port, report each failure, end with "N of M failed"."""

    _failed = 0

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        net_id = self.network_id(parsed_args)
        rows = []
        self._failed = 0
        if len(parsed_args.port) == 1:
            values = self.mutate(parsed_args, parsed_args.port[0], net_id)
            return columns.CHANGE_COLUMNS, [
                columns.row(values, columns.CHANGE_COLUMNS)
            ]
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
            rows.append(columns.row(values, columns.CHANGE_COLUMNS))
        if not rows:
            raise self._summary(parsed_args)
        return columns.CHANGE_COLUMNS, rows

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
