"""Run a mutation on one port: look up, plan, update, journal, report.

The command modules stay thin (OSC imports them on every ``openstack`` run);
the work happens here, imported only when a mutation actually runs.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable

from osc_portsec import errors
from osc_portsec import journal
from osc_portsec import lookup
from osc_portsec import update
from osc_portsec import view

LOG = logging.getLogger(__name__)

# Builds the planning function for a port as first read.
PlanFactory = Callable[[Any, Any], Callable[[Any], update.Plan]]


def network(app: Any) -> Any:
    """The openstacksdk network proxy that OSC built for this run."""
    return app.client_manager.network


def network_id(app: Any, network_ref: str | None) -> str | None:
    with errors.explained(''):
        return lookup.network_id(network(app), network_ref)


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


def mutate(
    app: Any,
    ref: str,
    net_id: str | None,
    plan_factory: PlanFactory,
    *,
    dry_run: bool,
    journal_name: str,
    what: str,
) -> dict[str, Any]:
    """Change one port; the values of the change columns."""
    with errors.explained(ref, what):
        client = network(app)
        port = lookup.find_port(client, ref, net_id)
        plan_for = plan_factory(client, port)
        outcome = update.apply(
            client, port, plan_for, ref, dry_run=dry_run, what=what,
        )
    for warning in outcome.plan.warnings:
        LOG.warning(warning)
    if outcome.result == 'updated':
        record(app, journal_name, outcome)
    return view.change_values(outcome)


def record(app: Any, journal_name: str, outcome: update.Outcome) -> None:
    entry = journal.record(
        journal_name,
        outcome.after.id,
        update.state(outcome.before),
        update.state(outcome.after),
        cloud_info(app),
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
