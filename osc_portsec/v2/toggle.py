"""``port security disable|enable``: the flag, in one request per port."""

from __future__ import annotations

import argparse
from typing import Any, Callable

from openstack import exceptions as sdk_exc
from osc_lib.command import command
from osc_lib import exceptions

from osc_portsec import errors
from osc_portsec import journal
from osc_portsec import plans
from osc_portsec import update
from osc_portsec.v2 import common
from osc_portsec import view


class DisablePortSecurity(common.MultiPortMutation, command.Lister):
    _description = (
        'Disable port security on one or more ports, removing their security '
        'groups and allowed address pairs in the same request'
    )
    journal_name = 'disable'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_port_argument(parser, many=True)
        common.add_dry_run(parser)
        return parser

    def plan(
        self, client: Any, port: Any, parsed_args: argparse.Namespace,
        label: str,
    ) -> Callable[[Any], update.Plan]:
        names = view.group_names(client, port.security_group_ids or [])

        def plan_for(current: Any) -> update.Plan:
            # A re-read may show groups added meanwhile: name them too.
            known = dict(names)
            missing = set(current.security_group_ids or []) - set(known)
            if missing:
                known.update(view.group_names(client, missing))
            return plans.disable(current, known, label)

        return plan_for


class EnablePortSecurity(common.MultiPortMutation, command.Lister):
    _description = (
        'Enable port security on one or more ports, with security groups '
        'or the state the last disable removed'
    )
    journal_name = 'enable'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_port_argument(parser, many=True)
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
        common.add_dry_run(parser)
        return parser

    def _groups(self, client: Any, refs: list[str]) -> dict[str, str]:
        groups = {}
        for ref in refs:
            try:
                group = client.find_security_group(ref, ignore_missing=False)
            except sdk_exc.NotFoundException:
                raise exceptions.CommandError(
                    f"Security group '{ref}' was not found; check it with "
                    f"'openstack security group list'."
                ) from None
            except sdk_exc.DuplicateResource:
                raise exceptions.CommandError(
                    f"More than one security group is named '{ref}'; give "
                    f"the security group ID."
                ) from None
            groups[group.id] = group.name or ''
        return groups

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        # Groups are looked up once, before any port is changed.
        with errors.explained(''):
            client = common.network(self.app)
            self._given = self._groups(client, parsed_args.security_groups)
        return super().take_action(parsed_args)

    def plan(
        self, client: Any, port: Any, parsed_args: argparse.Namespace,
        label: str,
    ) -> Callable[[Any], update.Plan]:
        names: dict[str, Any] = dict(self._given)
        restored: list[str] = []
        restore_pairs: list[dict[str, Any]] = []
        skipped = []
        if parsed_args.restore:
            cloud = common.cloud_info(self.app)
            entry = journal.last_removal(port.id, cloud.get('auth_url'))
            if entry is None:
                raise exceptions.CommandError(
                    f"The journal {journal.path()} records no removal from "
                    f"port {label}; there is nothing to restore."
                )
            removed_groups, restore_pairs = journal.removed(entry)
            for sg, name in view.group_names(client, removed_groups).items():
                if name is None:
                    skipped.append(
                        f'skipped security group {sg}: it no longer exists '
                        f'or is not visible to you'
                    )
                else:
                    names[sg] = name
                    restored.append(sg)
        ordered = list(dict.fromkeys(restored + list(self._given)))

        def plan_for(current: Any) -> update.Plan:
            plan = plans.enable(
                current, ordered, names, label, restore_pairs=restore_pairs
            )
            plan.changes += skipped
            return plan

        return plan_for
