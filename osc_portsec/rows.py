"""The values of the output columns, from a port as read or an outcome.

Pure functions: they take what was read (the port, the security groups'
names) and return a dict keyed by the column names of
:mod:`osc_portsec.columns`.
"""

from __future__ import annotations

from typing import Any, Mapping, TYPE_CHECKING

from osc_portsec import changes
from osc_portsec import port_state

if TYPE_CHECKING:
    from openstack.network.v2.port import Port

    from osc_portsec import update

Names = Mapping[str, 'str | None']


def _groups(ids: list[str] | None,
            names: Names) -> list[dict[str, Any]] | None:
    if ids is None:
        return None
    return [{'id': sg, 'name': names.get(sg)} for sg in ids]


def disable_would_remove(port: Port, names: Names) -> dict[str, Any] | None:
    """What a ``disable`` has to remove, and the refusal a plain one gets.

    Neutron checks the pairs first: with pairs present it answers 409
    ``AddressPairAndPortSecurityRequired``, else with security groups 409
    ``PortSecurityPortHasSecurityGroup``.
    """
    current = port_state.state(port)
    if current['port_security_enabled'] is None:
        return {'unavailable': 'port-security'}
    if not current['port_security_enabled']:
        return None
    groups = _groups(current['security_group_ids'], names)
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


def port_values(port: Port, names: Names) -> dict[str, Any]:
    """The values of every ``show``/``list`` column for ``port``."""
    current = port_state.state(port)
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
        'port_security': current['port_security_enabled'],
        'security_group_ids': current['security_group_ids'],
        'security_groups': _groups(current['security_group_ids'], names),
        'allowed_address_pairs': current['allowed_address_pairs'],
        'pairs': current['allowed_address_pairs'],
        'disable_would_remove': disable_would_remove(port, names),
        'revision_number': port.revision_number,
    }


def change_values(outcome: update.Outcome) -> dict[str, Any]:
    """The values of the mutation commands' columns for one port."""
    after = outcome.after
    current = port_state.state(after)
    done = [*outcome.notes, *outcome.plan.changes]
    dry_run = outcome.result == 'dry-run'
    return {
        'id': after.id,
        'name': after.name,
        'result': outcome.result,
        'changes': [changes.words(c, dry_run) for c in done],
        'changed': changes.summary(
            done, port_state.flag(outcome.before), current[
                'port_security_enabled']
        ),
        'port_security_enabled': current['port_security_enabled'],
        'security_group_ids': current['security_group_ids'],
        'allowed_address_pairs': current['allowed_address_pairs'],
        'revision_number': after.revision_number,
    }
