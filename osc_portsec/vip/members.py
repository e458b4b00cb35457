"""Reads and member updates shared by every VIP command.

A member's pair (and group) is added and removed by the same conditional,
retried and journalled update as ``pair add`` and ``pair remove``.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence, TYPE_CHECKING

from osc_lib import exceptions

from osc_portsec import changes
from osc_portsec import journal
from osc_portsec import lookup
from osc_portsec import update
from osc_portsec.vip import checks
from osc_portsec.vip import model
from osc_portsec.vip import rollback

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy
    from openstack.network.v2.port import Port


def network_ports(client: Proxy, net_id: str) -> list[Port]:
    """Every port of the network the caller can see, in one list."""
    return list(client.ports(network_id=net_id))


def resolve(client: Proxy, refs: Sequence[str], ports: Sequence[Port],
            net_id: str, address: str | None, vip_id: str | None
            ) -> list[tuple[str, Port]]:
    """The members, each found and checked before anything changes."""
    found: list[tuple[str, Port]] = []
    for ref in refs:
        port = checks.find_member(ref, ports)
        if port is None:
            # Only on this error path: is it elsewhere, or nowhere?
            try:
                other = lookup.find_port(client, ref)
            except exceptions.CommandError as exc:
                raise exceptions.CommandError(
                    f'{exc} Nothing was changed.') from None
            raise exceptions.CommandError(
                f"Member '{ref}' ({other.id}) is on network "
                f"{other.network_id}, not on the VIP's network {net_id}; "
                f"give ports on {net_id}. Nothing was changed.")
        # A free address is not yet known: no pair of the member has it.
        checks.check_member(ref, port, address or '0.0.0.0', vip_id)
        if port.id not in [p.id for _, p in found]:
            found.append((ref, port))
    return found


def apply(client: Proxy, port: Port, plan_for: Callable[[Any], Any],
          command: str, cloud: dict[str, Any], dry_run: bool
          ) -> update.Outcome:
    recorder: update.Recorder = (
        journal.Dry() if dry_run else journal.Recorder(command, cloud))
    return update.apply(client, port, plan_for, recorder, dry_run=dry_run)


def row(resource: str, obj_id: str | None, name: str | None, result: str,
        done: Sequence[changes.Change] = (), dry_run: bool = False,
        words: Sequence[str] = ()) -> dict[str, Any]:
    return {
        'resource': resource, 'id': obj_id, 'name': name, 'result': result,
        'changes': [*words, *(changes.words(c, dry_run) for c in done)],
    }


def outcome_row(outcome: update.Outcome) -> dict[str, Any]:
    return row('member', outcome.after.id, outcome.after.name,
               outcome.result, outcome.plan.changes,
               outcome.result == 'dry-run')


def join(client: Proxy, ref: str, port: Port, address: str,
         group: tuple[str, str] | None, command: str,
         cloud: dict[str, Any], dry_run: bool) -> update.Outcome:
    return apply(client, port,
                 lambda cur: model.join(cur, ref, address, group),
                 command, cloud, dry_run)


def leave(client: Proxy, port: Port, address: str,
          group: tuple[str, str] | None, command: str,
          cloud: dict[str, Any], dry_run: bool,
          pair: bool = True) -> update.Outcome:
    return apply(client, port,
                 lambda cur: model.leave(cur, address, group, pair),
                 command, cloud, dry_run)


def tagged(client: Proxy, net_id: str | None = None) -> list[Port]:
    """The VIP ports this tool made (one list request)."""
    query: dict[str, Any] = {'tags': model.TAG}
    if net_id:
        query['network_id'] = net_id
    return list(client.ports(**query))


def find_vip(client: Proxy, ref: str) -> model.Vip:
    """The VIP named or identified by ``ref``."""
    found = [p for p in tagged(client) if ref in (p.id, p.name)]
    if not found:
        raise exceptions.CommandError(
            f"No VIP named or with ID '{ref}' was found; list them with "
            f"'openstack port security vip list'.")
    if len(found) > 1:
        ids = ', '.join(f'{p.id} (network {p.network_id})' for p in found)
        raise exceptions.CommandError(
            f"More than one VIP is named '{ref}': {ids}; give the VIP's ID.")
    return model.from_port(found[0])


def push_leave(client: Proxy, undo: rollback.Undo, ref: str,
               port_id: str, address: str, group: Any, outcome: Any,
               cloud: dict[str, Any]) -> None:
    """Let ``undo`` take off what a join added, and only that."""
    added = {(c.action, c.subject) for c in outcome.plan.changes}
    pair = ('add', 'allowed_address_pair') in added
    group = group if ('add', 'security_group') in added else None
    what = ' and '.join(
        ([f'the pair {address}'] if pair else [])
        + ([f'the security group {group[1] or group[0]}'] if group else []))
    by_hand = (f'openstack port security pair remove {port_id} '
               f'--allowed-address ip-address={address}' if pair
               else f'openstack port unset --security-group {group[0]} '
                    f'{port_id}')

    def undo_join() -> None:
        leave(client, client.get_port(port_id), address, group,
              'vip rollback', cloud, False, pair=pair)

    undo.push(f'{what} on member {ref}', undo_join, by_hand)
