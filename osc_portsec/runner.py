"""Run a mutation on one port, one way: look up, prepare, plan, update,
journal, report.

The command modules stay thin (OSC imports them on every ``openstack`` run);
the work happens here, imported only when a mutation actually runs. Nothing
here calls back into a command: what it needs travels as arguments.
"""

from __future__ import annotations

import logging
from typing import Any, TYPE_CHECKING

from osc_portsec import journal
from osc_portsec import lookup
from osc_portsec import rows
from osc_portsec import update

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy
    from openstack.network.v2.port import Port

    from osc_portsec import mutations

LOG = logging.getLogger(__name__)


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


def change_port(
    client: Proxy,
    ref: str,
    net_id: str | None,
    mutation: mutations.Mutation,
    cloud: dict[str, Any],
    dry_run: bool,
) -> dict[str, Any]:
    """Change the port ``ref``; the values of the change columns."""
    port = lookup.find_port(client, ref, net_id)
    prepared = mutation.prepare(client, port, ref, cloud.get('auth_url'))
    return change_found(client, port, prepared, mutation, cloud, dry_run)


def change_found(
    client: Proxy,
    port: Port,
    prepared: mutations.Prepared,
    mutation: mutations.Mutation,
    cloud: dict[str, Any],
    dry_run: bool,
) -> dict[str, Any]:
    """Change a port already found and prepared: plan, update, journal."""
    recorder: update.Recorder = (
        journal.Dry() if dry_run
        else journal.Recorder(mutation.journal_name, cloud)
    )
    outcome = update.apply(
        client, port, lambda current: mutation.plan(current, prepared),
        recorder, dry_run=dry_run,
    )
    for warning in outcome.plan.warnings:
        LOG.warning(warning)
    return rows.change_values(outcome)
