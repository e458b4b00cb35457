"""Rollback is a plan too: the undo of each step a run made, as data.

A run that changes several resources (``vip create`` and ``vip set``)
pushes, after each step that changed the cloud, how to undo it and the
command a user would run to undo it by hand. When a later step fails,
:func:`osc_portsec.runner.roll_back` runs the plan newest first and
reports how each step ended (:class:`osc_portsec.failures.Undone`).
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any, Mapping


@dataclasses.dataclass(frozen=True)
class Undo:
    """How to undo one step: ``kind`` on ``target``, with ``detail``.

    ``kind`` is ``delete_port``, ``delete_rule``, ``untag`` (``detail``:
    the tag), ``rename`` (``detail``: the name before) or ``leave``
    (``detail``: the VIP's address, the group the step added, and whether
    it added the pair).
    """

    what: str
    by_hand: str
    kind: str
    target: str
    detail: Mapping[str, Any] = dataclasses.field(
        default_factory=lambda: types.MappingProxyType({}))


Plan = tuple[Undo, ...]


def port_created(port_id: str, name: str) -> Undo:
    return Undo(f'the VIP port {name} ({port_id})',
                f'openstack port delete {port_id}', 'delete_port', port_id)


def rule_created(rule_id: str, group: str) -> Undo:
    return Undo(f'the VRRP rule {rule_id} of security group {group}',
                f'openstack security group rule delete {rule_id}',
                'delete_rule', rule_id)


def tagged(port_id: str, name: str, tag: str) -> Undo:
    return Undo(f'the tag {tag} of the VIP port {name}',
                f'openstack port unset --tag {tag} {port_id}', 'untag',
                port_id, types.MappingProxyType({'tag': tag}))


def renamed(port_id: str, before: str) -> Undo:
    """A port ``vip adopt`` named: the name it had (none) comes back."""
    return Undo(f'the name of port {port_id}',
                f"openstack port set --name '{before}' {port_id}", 'rename',
                port_id, types.MappingProxyType({'name': before}))


def joined(ref: str, port_id: str, address: str,
           added: Mapping[str, Any],
           group: tuple[str, str] | None) -> Undo | None:
    """The undo of a member's join, from what the join reported adding.

    ``added`` is the ``changed['added']`` summary of the member's update:
    only what this run added is taken off again.
    """
    pair = any(p['ip_address'] == address
               for p in added.get('allowed_address_pairs') or [])
    group = group if group and any(
        g['id'] == group[0] for g in added.get('security_groups') or []
    ) else None
    if not pair and not group:
        return None
    what = ' and '.join(
        ([f'the pair {address}'] if pair else [])
        + ([f'the security group {group[1] or group[0]}'] if group else []))
    by_hand = (f'openstack port security pair remove {port_id} '
               f'--allowed-address ip-address={address}' if pair
               else f'openstack port unset --security-group {group[0]} '
                    f'{port_id}' if group else '')
    return Undo(f'{what} on member {ref}', by_hand, 'leave', port_id,
                types.MappingProxyType({'address': address, 'group': group,
                                        'pair': pair}))
