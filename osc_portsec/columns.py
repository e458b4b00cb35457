"""Output columns, each declared once: name, Neutron field, formatter.

Columns that ``openstack port show`` also has keep its names and JSON shapes,
so scripts written against it keep working. The column tuples of each
command, the ``fields=`` sent to Neutron and the formatted rows all derive
from :data:`COLUMNS`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable

from cliff import columns as cliff_columns
from osc_lib.cli import format_columns
from osc_lib import utils


class PortSecurityColumn(cliff_columns.FormattableColumn[Any]):
    """``port_security_enabled``; None when the cloud lacks the extension."""

    def human_readable(self) -> str:
        if self._value is None:
            return 'unavailable (no port-security extension)'
        return str(bool(self._value))

    def machine_readable(self) -> bool | None:
        return None if self._value is None else bool(self._value)


def _unavailable(extension: str) -> str:
    return f'unavailable (no {extension} extension)'


class _MaybeUnavailable:
    """A list column whose value is None when the cloud lacks its field.

    Mixed into osc-lib's list columns, so that each stays one (scripts and
    tests that check for a ``ListColumn`` keep working); its JSON form is
    null for a field the cloud did not report, hence the wider return type.
    """

    _value: Any
    extension = ''

    def human_readable(self) -> str:
        if self._value is None:
            return _unavailable(self.extension)
        return super().human_readable()  # type: ignore[misc]

    def machine_readable(self) -> list[Any] | None:
        if self._value is None:
            return None
        return super().machine_readable()  # type: ignore[misc]


class GroupIdsColumn(  # type: ignore[misc]  # the wider JSON type
        _MaybeUnavailable, format_columns.ListColumn):
    """Security group IDs; None when the cloud lacks security groups."""

    extension = 'security-group'


class GroupsColumn(  # type: ignore[misc]  # the wider JSON type
        _MaybeUnavailable, format_columns.ListDictColumn):
    """Security groups with names; None when the cloud lacks them."""

    extension = 'security-group'


class PairsColumn(  # type: ignore[misc]  # the wider JSON type
        _MaybeUnavailable, format_columns.ListDictColumn):
    """Allowed address pairs; None when the cloud lacks the extension."""

    extension = 'allowed-address-pairs'


class LinesColumn(format_columns.ListColumn):
    """A list of sentences: one per line in a table, a list in JSON."""

    def human_readable(self) -> str:
        return '\n'.join(str(v) for v in self._value or [])


def _names(items: list[dict[str, Any]]) -> str:
    return ', '.join(
        f"{g['name']} ({g['id']})" if g.get('name') else g['id']
        for g in items
    )


def _pairs(items: list[dict[str, Any]]) -> str:
    return ', '.join(
        f"{p['ip_address']} ({p.get('mac_address')})"
        if p.get('mac_address') else p['ip_address']
        for p in items
    )


# What a plain disable is refused with, in words (the Neutron error type
# stays in the JSON for scripts).
_REFUSAL = {
    'AddressPairAndPortSecurityRequired':
        'Neutron refuses a plain disable while the port has allowed '
        'address pairs',
    'PortSecurityPortHasSecurityGroup':
        'Neutron refuses a plain disable while the port has security '
        'groups',
}


class DisableColumn(cliff_columns.FormattableColumn[Any]):
    """What ``port security disable`` would have to remove, and why.

    The value is ``{'security_groups': [{'id', 'name'}],
    'allowed_address_pairs': [...], 'neutron_refuses_plain_disable': type}``
    (a list is None when the cloud lacks its extension), None when port
    security is already off, or ``{'unavailable': 'port-security'}`` when
    the cloud has no port-security extension (disable cannot work there).
    """

    def human_readable(self) -> str:
        value = self._value
        if value is None:
            return 'nothing (port security is not enabled)'
        if 'unavailable' in value:
            return (f"{_unavailable(value['unavailable'])}: disable cannot "
                    f"work on this cloud")
        parts = []
        if value['security_groups']:
            parts.append('security groups '
                         + _names(value['security_groups']))
        if value['allowed_address_pairs']:
            parts.append('allowed address pairs '
                         + _pairs(value['allowed_address_pairs']))
        if not parts:
            return 'nothing'
        reason = _REFUSAL.get(value['neutron_refuses_plain_disable'])
        return '; '.join(parts) + (f' ({reason})' if reason else '')

    def machine_readable(self) -> dict[str, Any] | None:
        return self._value


class ChangedColumn(cliff_columns.FormattableColumn[Any]):
    """What a change added, removed, restored and skipped, as structure."""

    def human_readable(self) -> str:
        value = self._value or {}
        parts = []
        for action in ('added', 'removed', 'restored', 'skipped'):
            items = value.get(action) or {}
            groups = items.get('security_groups') or []
            pairs = items.get('allowed_address_pairs') or []
            if groups:
                parts.append(f'{action} security groups {_names(groups)}')
            if pairs:
                parts.append(f'{action} allowed address pairs '
                             f'{_pairs(pairs)}')
        flag = value.get('port_security_enabled') or {}
        if flag.get('before') != flag.get('after'):
            parts.append(f"port_security_enabled {flag.get('before')} -> "
                         f"{flag.get('after')}")
        return '\n'.join(parts) or 'nothing'

    def machine_readable(self) -> dict[str, Any] | None:
        return self._value


def _end(value: dict[str, Any]) -> str:
    """A port as a person reads it: its name, else its ID."""
    return value.get('name') or value.get('id') or ''


class EndColumn(cliff_columns.FormattableColumn[Any]):
    """One end of ``reach`` (its verdict), or a port of a ``matrix`` row."""

    def human_readable(self) -> str:
        value = self._value or {}
        if value.get('outside'):
            return f"{value['address']}: outside Neutron, not evaluated"
        if 'verdict' not in value:
            return _end(value)
        return (f"{_end(value['port'])} ({value['address']}): "
                f"{value['verdict']} ({value['decided_by']})\n"
                f"{value['reason']}")

    def machine_readable(self) -> dict[str, Any]:
        return dict(self._value or {})


class ReplyColumn(cliff_columns.FormattableColumn[Any]):
    """Whether the reply comes back: its verdict and why."""

    def human_readable(self) -> str:
        value = self._value or {}
        return f"{value.get('verdict') or 'none'}: {value.get('reason')}"

    def machine_readable(self) -> dict[str, Any]:
        return dict(self._value or {})


class FixColumn(cliff_columns.FormattableColumn[Any]):
    """Commands that would change a verdict, with what each also opens."""

    def human_readable(self) -> str:
        lines = []
        for item in self._value or []:
            if isinstance(item, str):
                lines.append(item)
                continue
            lines.append(f"[{item['side']}] {item['command']}")
            if item.get('also_opens'):
                lines.append('  also opens: ' + ', '.join(
                    _end(p) for p in item['also_opens']))
        return '\n'.join(lines)

    def machine_readable(self) -> list[Any]:
        return list(self._value or [])


class RulesColumn(cliff_columns.FormattableColumn[Any]):
    """What decided a matrix row at each side, one side a line."""

    def human_readable(self) -> str:
        lines = []
        for item in self._value or []:
            if item.get('rule'):
                group = (item.get('security_group_name')
                         or item.get('security_group_id'))
                lines.append(f"{item['side']}: {item['rule']} [{group}]")
            else:
                where = f" at the {item['at']}" if item.get('at') else ''
                lines.append(f"{item['side']}: {item['decided_by']}{where}")
        return '\n'.join(lines)

    def machine_readable(self) -> list[dict[str, Any]]:
        return list(self._value or [])


class SidesColumn(format_columns.ListColumn):
    """Where a packet is blocked, in the order it meets them."""

    def human_readable(self) -> str:
        return ', '.join(str(v) for v in self._value or [])


class BackendColumn(cliff_columns.FormattableColumn[Any]):
    """The back end whose semantics decided, and how it was chosen."""

    def human_readable(self) -> str:
        value = self._value
        if isinstance(value, str):
            return value
        return f"{value['name']} (chosen by {value['chosen_by']})"

    def machine_readable(self) -> Any:
        return self._value


class DifferencesColumn(cliff_columns.FormattableColumn[Any]):
    """Other back ends whose verdict differs, one a line."""

    def human_readable(self) -> str:
        if not self._value:
            return 'none: every back end agrees'
        return '\n'.join(
            f"{d['backend']}: {d['verdict']} "
            f"({', '.join(d.get('blocked_at') or []) or d['decided_by']}): "
            f"{d['why']}" for d in self._value)

    def machine_readable(self) -> list[dict[str, Any]]:
        return list(self._value or [])


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    # The Neutron body key to ask for with fields=, None when computed.
    field: str | None = None
    formatter: type[cliff_columns.FormattableColumn[Any]] | None = None


COLUMNS = {c.name: c for c in (
    Column('id', 'id'),
    Column('name', 'name'),
    Column('status', 'status'),
    Column('network_id', 'network_id'),
    Column('device_owner', 'device_owner'),
    Column('device_id', 'device_id'),
    Column('mac_address', 'mac_address'),
    Column('fixed_ips', 'fixed_ips', format_columns.ListDictColumn),
    Column('port_security_enabled', 'port_security_enabled',
           PortSecurityColumn),
    Column('security_group_ids', 'security_groups', GroupIdsColumn),
    Column('security_groups', None, GroupsColumn),
    Column('allowed_address_pairs', 'allowed_address_pairs', PairsColumn),
    Column('disable_would_remove', None, DisableColumn),
    Column('revision_number', 'revision_number'),
    Column('result'),
    Column('changes', None, LinesColumn),
    Column('changed', None, ChangedColumn),
    Column('ip_address', 'ip_address'),
    # reach and matrix
    Column('verdict'),
    Column('blocked_at', None, SidesColumn),
    Column('source', None, EndColumn),
    Column('destination', None, EndColumn),
    Column('reply', None, ReplyColumn),
    Column('fix', None, FixColumn),
    Column('trace', None, LinesColumn),
    Column('backend', None, BackendColumn),
    Column('differences', None, DifferencesColumn),
    Column('packet', None, format_columns.DictColumn),
    Column('notes', None, LinesColumn),
    Column('rule', None, RulesColumn),
)}

FORMATTERS = {c.name: c.formatter for c in COLUMNS.values() if c.formatter}

SHOW_COLUMNS = (
    'id', 'name', 'status', 'network_id', 'device_owner', 'device_id',
    'mac_address', 'fixed_ips', 'port_security_enabled',
    'security_group_ids', 'security_groups', 'allowed_address_pairs',
    'disable_would_remove', 'revision_number',
)

LIST_COLUMNS = (
    'id', 'name', 'network_id', 'device_owner', 'port_security_enabled',
    'security_group_ids', 'allowed_address_pairs',
)
LIST_LONG_COLUMNS = LIST_COLUMNS + ('device_id', 'fixed_ips')

CHANGE_COLUMNS = (
    'id', 'name', 'result', 'changes', 'changed', 'port_security_enabled',
    'security_group_ids', 'allowed_address_pairs', 'revision_number',
)

# What a command changing several ports shows by default: one line a port;
# --long adds the state after the change.
CHANGE_SHORT_COLUMNS = ('id', 'name', 'result', 'changes')

PAIR_COLUMNS = ('ip_address', 'mac_address')

REACH_COLUMNS = (
    'verdict', 'blocked_at', 'source', 'destination', 'reply', 'fix',
    'trace', 'backend', 'differences', 'packet', 'notes',
)
MATRIX_COLUMNS = ('source', 'destination', 'verdict', 'blocked_at', 'rule')
MATRIX_LONG_COLUMNS = MATRIX_COLUMNS + ('reply', 'backend')


def fields(names: Iterable[str]) -> list[str]:
    """The Neutron fields to ask for to show ``names``."""
    return [f for f in (COLUMNS[n].field for n in names) if f]


def row(values: dict[str, Any], names: tuple[str, ...]) -> tuple:
    """The formatted row of ``values`` for the columns ``names``."""
    return utils.get_dict_properties(values, names, formatters=FORMATTERS)
