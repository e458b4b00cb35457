"""Run a mutation on one port, one way: look up, prepare, plan, update,
journal, report; and roll back a run that failed part-way.

The command modules stay thin (OSC imports them on every ``openstack`` run);
the work happens here, imported only when a mutation actually runs. Nothing
here calls back into a command: what it needs travels as arguments. A
failure is raised as it came, with the port it concerns attached
(:class:`~osc_portsec.failures.About`): the command's one boundary makes the
sentence.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence, TYPE_CHECKING

from osc_portsec import failures
from osc_portsec import journal
from osc_portsec import lookup
from osc_portsec import rows
from osc_portsec import update

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy
    from openstack.network.v2.port import Port

    from osc_portsec import mutations
    from osc_portsec import rollback

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
    with failures.about(failures.Subject(ref, mutation.what)):
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
    return rows.change_values(
        outcome_found(client, port, prepared, mutation, cloud, dry_run))


def outcome_found(
    client: Proxy,
    port: Port,
    prepared: mutations.Prepared,
    mutation: mutations.Mutation,
    cloud: dict[str, Any],
    dry_run: bool,
) -> update.Outcome:
    """:func:`change_found`, the port before and after as they came."""
    recorder: update.Recorder = (
        journal.Dry() if dry_run
        else journal.Recorder(mutation.journal_name, cloud)
    )
    with failures.about(failures.Subject(prepared.ref, mutation.what)):
        outcome = update.apply(
            client, port, lambda current: mutation.plan(current, prepared),
            recorder, dry_run=dry_run,
        )
    for warning in outcome.plan.warnings:
        LOG.warning(warning)
    return outcome


def roll_back(client: Proxy, plan: Sequence[rollback.Undo],
              cloud: dict[str, Any]) -> tuple[failures.Undone, ...]:
    """Run a rollback plan, newest step first; how each step ended.

    A member's step is a mutation through :func:`change_found`
    (conditional, journalled, so a concurrent change to the member is
    kept); a step that fails is reported with the command that removes
    what it left, and the others still run.
    """
    done = []
    for step in reversed(plan):
        try:
            _undo(client, step, cloud)
        except _UNDO_FAILED as exc:
            LOG.debug('undo of %s failed: %s', step.what, exc)
            done.append(failures.Undone(step.what, step.by_hand, left=True))
            continue
        done.append(failures.Undone(step.what, step.by_hand))
    return tuple(done)


_UNDO_FAILED = (*failures.HANDLED, failures.About, failures.NotApplied,
                failures.MaybeApplied, failures.TooManyConflicts,
                failures.JournalUnwritable)


def _undo(client: Proxy, step: rollback.Undo, cloud: dict[str, Any]) -> None:
    from osc_portsec import mutations

    if step.kind == 'delete_port':
        client.delete_port(step.target, ignore_missing=True)
    elif step.kind == 'delete_rule':
        client.delete_security_group_rule(step.target, ignore_missing=True)
    elif step.kind == 'untag':
        client.remove_tag(client.get_port(step.target), step.detail['tag'])
    elif step.kind == 'rename':
        client.update_port(step.target, name=step.detail['name'])
    elif step.kind == 'leave':
        mutation = mutations.VipLeave(
            step.detail['address'], step.detail.get('group'),
            pair=step.detail.get('pair', True), journal_name='vip rollback')
        port = client.get_port(step.target)
        change_found(client, port, mutations.Prepared(step.target),
                     mutation, cloud, False)
    else:
        raise ValueError(f'no undo for {step.kind}')
