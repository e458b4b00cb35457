"""What the commands show about a port, computed from the port as read."""

from __future__ import annotations

from typing import Any, Iterable

from osc_portsec import update


def group_names(client: Any, ids: Iterable[str]) -> dict[str, str | None]:
    """Names of the security groups ``ids``, in one list request.

    A group the caller cannot see (another project's, or deleted) maps to
    None; a group without a name maps to ''.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    names: dict[str, str | None] = dict.fromkeys(wanted)
    for group in client.security_groups(id=wanted, fields=['id', 'name']):
        names[group.id] = group.name or ''
    return names


def disable_would_remove(
    port: Any, names: dict[str, str | None]
) -> dict[str, Any] | None:
    """What a ``disable`` has to remove, and the refusal a plain one gets.

    Neutron checks the pairs first: with pairs present it answers 409
    ``AddressPairAndPortSecurityRequired``, else with security groups 409
    ``PortSecurityPortHasSecurityGroup``.
    """
    current = update.state(port)
    if not current['port_security_enabled']:
        return None
    groups = [
        {'id': sg, 'name': names.get(sg)}
        for sg in current['security_group_ids']
    ]
    pairs = current['allowed_address_pairs']
    if pairs:
        reason = 'AddressPairAndPortSecurityRequired'
    elif groups:
        reason = 'PortSecurityPortHasSecurityGroup'
    else:
        reason = None
    return {
        'security_groups': groups,
        'allowed_address_pairs': pairs,
        'neutron_refuses_plain_disable': reason,
    }


def port_values(port: Any, names: dict[str, str | None]) -> dict[str, Any]:
    """The values of every ``show``/``list`` column for ``port``."""
    current = update.state(port)
    return {
        'id': port.id,
        'name': port.name,
        'status': port.status,
        'network_id': port.network_id,
        'device_owner': port.device_owner,
        'device_id': port.device_id,
        'mac_address': port.mac_address,
        'fixed_ips': [dict(ip) for ip in port.fixed_ips or []],
        'port_security_enabled': current['port_security_enabled'],
        'security_group_ids': current['security_group_ids'],
        'security_groups': [
            {'id': sg, 'name': names.get(sg)}
            for sg in current['security_group_ids']
        ],
        'allowed_address_pairs': current['allowed_address_pairs'],
        'disable_would_remove': disable_would_remove(port, names),
        'revision_number': port.revision_number,
    }


_WOULD = {
    'added': 'add',
    'disabled': 'disable',
    'enabled': 'enable',
    'removed': 'remove',
    'restored': 'restore',
    'skipped': 'skip',
}


def would(change: str) -> str:
    """A change as a dry run reports it: 'removed X' -> 'would remove X'."""
    verb, space, rest = change.partition(' ')
    if verb not in _WOULD:
        return change
    return f'would {_WOULD[verb]}{space}{rest}'


def change_values(outcome: update.Outcome) -> dict[str, Any]:
    """The values of the mutation commands' columns for one port."""
    after = outcome.after
    current = update.state(after)
    changes = outcome.plan.changes
    if outcome.result == 'dry-run':
        changes = [would(c) for c in changes]
    return {
        'id': after.id,
        'name': after.name,
        'result': outcome.result,
        'changes': changes,
        'port_security_enabled': current['port_security_enabled'],
        'security_group_ids': current['security_group_ids'],
        'allowed_address_pairs': current['allowed_address_pairs'],
        'revision_number': after.revision_number,
    }
