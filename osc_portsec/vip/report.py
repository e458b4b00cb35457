"""The rows a VIP command prints: one a resource it touched, its changes
as data rendered once (:func:`osc_portsec.changes.words`)."""

from __future__ import annotations

from typing import Any, Sequence

from osc_portsec import changes


def row(resource: str, obj_id: str | None, name: str | None, result: str,
        done: Sequence[changes.Change] = (),
        dry_run: bool = False) -> dict[str, Any]:
    return {
        'resource': resource, 'id': obj_id, 'name': name, 'result': result,
        'changes': [changes.words(c, dry_run) for c in done],
    }


def member(values: dict[str, Any]) -> dict[str, Any]:
    """A member's row, from the values of its port update."""
    return {'resource': 'member', 'id': values['id'],
            'name': values['name'], 'result': values['result'],
            'changes': list(values['changes'])}


def port_change(action: str, vip_id: str | None, name: str,
                address: str) -> changes.Change:
    return changes.Change(action, 'vip_port', {
        'id': vip_id, 'name': name, 'ip_address': address})


def rule_change(action: str, rule_id: str | None, rule: str,
                reason: str | None = None) -> changes.Change:
    detail: dict[str, Any] = {'id': rule_id, 'rule': rule}
    if reason:
        detail['reason'] = reason
    return changes.Change(action, 'vrrp_rule', detail)
