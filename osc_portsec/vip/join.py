"""Members join a VIP: recorded on the VIP port first, then updated.

Shared by ``vip create``, ``vip set`` and ``vip restore``. A member is
first recorded in the VIP port's tags (one tag, added on its own, so two
runs never lose each other's members), then joins through the runner:
the same conditional, journalled update as ``pair add``. Each step that
changed the cloud adds its undo to the run's rollback plan.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple, Sequence, TYPE_CHECKING

from osc_lib import exceptions

from osc_portsec import changes
from osc_portsec import failures
from osc_portsec import mutations
from osc_portsec import rollback
from osc_portsec import rows
from osc_portsec import runner
from osc_portsec.vip import model
from osc_portsec.vip import prepare
from osc_portsec.vip import report

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy

LOG = logging.getLogger(__name__)

# What makes a run roll back what it did.
FAILED = (*failures.HANDLED, failures.About, failures.NotApplied,
          failures.MaybeApplied, failures.TooManyConflicts,
          failures.JournalUnwritable, exceptions.CommandError)


def add_tag(client: Proxy, vip: model.Vip, tag: str,
            undo: list[rollback.Undo] | None) -> model.Vip:
    """Add one tag to the VIP port; its undo when ``undo`` is given."""
    port: Any = client.add_tag(vip.port, tag)
    if undo is not None:
        undo.append(rollback.tagged(vip.id, vip.name, tag))
    return model.from_port(port if port is not None else vip.port)


def create_port(client: Proxy, network_id: str, name: str,
                fixed: dict[str, str], tags: Sequence[str],
                undo: list[rollback.Undo]) -> Any:
    """Create the VIP's port, with its tags, and its undo."""
    port: Any = client.create_port(
        network_id=network_id, name=name, fixed_ips=[fixed],
        description=model.DESCRIPTION, tags=list(tags))
    undo.append(rollback.port_created(port.id, name))
    for tag in [t for t in tags if t not in (port.tags or [])]:
        # A Neutron without tags in the create request (extension
        # tag-creation, or a policy that drops them): one tag at a time.
        port = client.add_tag(port, tag)
    return port


def tag_members(client: Proxy, vip: model.Vip,
                found: Sequence[prepare.Member],
                undo: list[rollback.Undo] | None) -> model.Vip:
    """Record the members not yet recorded, before they change."""
    for member in found:
        if member.port.id not in vip.all_members:
            vip = add_tag(client, vip, model.member_tag(
                member.port.id, member.kept), undo)
    return vip


def _own(client: Proxy, vip: model.Vip, port_id: str,
         added: bool) -> model.Vip:
    """Correct a new member's tag when another client raced the join.

    The tag said whether the pair was there before; the update found
    otherwise (it was added or removed meanwhile): the tag follows what
    this run really did, so ``delete`` removes only what the tool added.
    """
    right = model.member_tag(port_id, kept=not added)
    wrong = model.member_tag(port_id, kept=added)
    if wrong in (vip.port.tags or []):
        vip = add_tag(client, vip, right, None)
        port: Any = client.remove_tag(vip.port, wrong)
        vip = model.from_port(port if port is not None else vip.port)
    return vip


class Joined(NamedTuple):
    """What each member did (rows), its port after, and the VIP after."""

    rows: list[dict[str, Any]]
    ports: list[Any]
    vip: model.Vip | None = None


def members(client: Proxy, vip: model.Vip, found: Sequence[prepare.Member],
            group: tuple[str, str] | None, command: str,
            cloud: dict[str, Any], undo: list[rollback.Undo]) -> Joined:
    """Each member joins through the runner; the rows of what it did."""
    new = {m.port.id for m in found} - set(vip.all_members)
    vip = tag_members(client, vip, found, undo)
    mutation = mutations.VipJoin(address=vip.ip_address, group=group,
                                 journal_name=command)
    done = Joined([], [], vip)
    for member in found:
        outcome = runner.outcome_found(
            client, member.port, mutations.Prepared(member.ref), mutation,
            cloud, False)
        values = rows.change_values(outcome)
        done.rows.append(report.member(values))
        done.ports.append(outcome.after)
        added = values['changed']['added']
        step = rollback.joined(member.ref, member.port.id, vip.ip_address,
                               added, group)
        if step is not None:
            undo.append(step)
        if member.port.id in new:
            vip = _own(client, vip, member.port.id,
                       bool(step and step.detail.get('pair')))
    return done._replace(vip=vip)


def dry_run(client: Proxy, address: str | None,
            found: Sequence[prepare.Member],
            group: tuple[str, str] | None, command: str,
            cloud: dict[str, Any]) -> Joined:
    """What each member's update would be; nothing is sent."""
    if address is None:
        # The address is Neutron's choice when the port is made.
        return Joined([report.row('member', m.port.id, m.port.name,
                                  'dry-run', [changes.pair(
                                      'add', 'the address Neutron picks',
                                      m.port.mac_address)], dry_run=True)
                       for m in found], [m.port for m in found])
    mutation = mutations.VipJoin(address=address, group=group,
                                 journal_name=command)
    outcomes = [runner.outcome_found(client, m.port,
                                     mutations.Prepared(m.ref), mutation,
                                     cloud, True) for m in found]
    return Joined([report.member(rows.change_values(o)) for o in outcomes],
                  [o.after for o in outcomes])
