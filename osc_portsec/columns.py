"""Output columns shared by the commands, declared once.

Columns that ``openstack port show`` also has keep its names and JSON shapes,
so scripts written against it keep working.
"""

from __future__ import annotations

from typing import Any

from cliff import columns as cliff_columns
from osc_lib.cli import format_columns

SHOW_COLUMNS = (
    'id',
    'name',
    'status',
    'network_id',
    'device_owner',
    'device_id',
    'mac_address',
    'fixed_ips',
    'port_security_enabled',
    'security_group_ids',
    'security_groups',
    'allowed_address_pairs',
    'disable_would_remove',
    'revision_number',
)

LIST_COLUMNS = (
    'id',
    'name',
    'network_id',
    'device_owner',
    'port_security_enabled',
    'security_group_ids',
    'allowed_address_pairs',
)
LIST_LONG_COLUMNS = LIST_COLUMNS + ('device_id', 'fixed_ips')

CHANGE_COLUMNS = (
    'id',
    'name',
    'result',
    'changes',
    'port_security_enabled',
    'security_group_ids',
    'allowed_address_pairs',
    'revision_number',
)

# What a command changing several ports shows by default: one line a port;
# --long adds the state after the change.
CHANGE_SHORT_COLUMNS = CHANGE_COLUMNS[:4]

PAIR_COLUMNS = ('ip_address', 'mac_address')


class PortSecurityColumn(cliff_columns.FormattableColumn[Any]):
    """``port_security_enabled``; None when the cloud lacks the extension."""

    def human_readable(self) -> str:
        if self._value is None:
            return 'unavailable (no port-security extension)'
        return str(bool(self._value))

    def machine_readable(self) -> bool | None:
        return None if self._value is None else bool(self._value)


class LinesColumn(format_columns.ListColumn):
    """A list of sentences: one per line in a table, a list in JSON."""

    def human_readable(self) -> str:
        return '\n'.join(str(v) for v in self._value or [])


class DisableColumn(cliff_columns.FormattableColumn[Any]):
    """What ``port security disable`` would have to remove, and why.

    The value is ``{'security_groups': [{'id', 'name'}],
    'allowed_address_pairs': [...], 'neutron_refuses_plain_disable': type}``
    or None when port security is already off or unavailable.
    """

    def human_readable(self) -> str:
        value = self._value
        if value is None:
            return 'nothing (port security is not enabled)'
        parts = []
        groups = value['security_groups']
        if groups:
            parts.append(
                'security groups '
                + ', '.join(
                    f"{g['name']} ({g['id']})" if g.get('name') else g['id']
                    for g in groups
                )
            )
        pairs = value['allowed_address_pairs']
        if pairs:
            parts.append(
                'allowed address pairs '
                + ', '.join(
                    f"{p['ip_address']} ({p.get('mac_address')})"
                    for p in pairs
                )
            )
        if not parts:
            return 'nothing'
        reason = value['neutron_refuses_plain_disable']
        return '; '.join(parts) + (
            f' (Neutron refuses a plain disable: {reason})' if reason else ''
        )

    def machine_readable(self) -> dict[str, Any] | None:
        return self._value


FORMATTERS: dict[str, Any] = {
    'fixed_ips': format_columns.ListDictColumn,
    'port_security_enabled': PortSecurityColumn,
    'security_group_ids': format_columns.ListColumn,
    'security_groups': format_columns.ListDictColumn,
    'allowed_address_pairs': format_columns.ListDictColumn,
    'disable_would_remove': DisableColumn,
    'changes': LinesColumn,
}


def row(values: dict[str, Any], columns: tuple[str, ...]) -> tuple:
    """The formatted row of ``values`` for ``columns``."""
    out = []
    for name in columns:
        value = values.get(name)
        formatter = FORMATTERS.get(name)
        out.append(formatter(value) if formatter else value)
    return tuple(out)
