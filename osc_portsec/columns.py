"""Every output column, declared once: name, Neutron field, formatter; and
which of them each command shows.

Columns that ``openstack port show`` also has keep its names and JSON
shapes, so scripts written against it keep working. A command's
:class:`View` names its columns for a table (what a person reads on an
80-column terminal) and for the machine formats (JSON, YAML, value, CSV:
every column a script needs); ``--long`` adds to both, and ``-c`` may name
any column of either. The ``fields=`` sent to Neutron and the formatted
rows derive from :data:`COLUMNS`.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any, Iterable, Iterator

from cliff import columns as cliff_columns

from osc_portsec import answers
from osc_portsec import formats


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    # The Neutron body key to ask for with fields=, None when computed.
    field: str | None = None
    formatter: type[cliff_columns.FormattableColumn[Any]] = formats.Plain


COLUMNS = {c.name: c for c in (
    # ports: show, list, pair list, changes
    Column('id', 'id'),
    Column('name', 'name'),
    Column('status', 'status'),
    Column('network_id', 'network_id'),
    Column('device_owner', 'device_owner'),
    Column('device_id', 'device_id'),
    Column('mac_address', 'mac_address'),
    Column('fixed_ips', 'fixed_ips', formats.FixedIps),
    Column('port_security_enabled', 'port_security_enabled',
           formats.PortSecurity),
    Column('port_security', 'port_security_enabled', formats.OnOff),
    Column('security_group_ids', 'security_groups', formats.GroupIds),
    Column('security_groups', None, formats.Groups),
    Column('allowed_address_pairs', 'allowed_address_pairs',
           formats.Pairs),
    Column('pairs', 'allowed_address_pairs', formats.Count),
    Column('disable_would_remove', None, formats.DisableWouldRemove),
    Column('revision_number', 'revision_number'),
    Column('result'),
    Column('changes', None, formats.Lines),
    Column('changed', None, formats.Changed),
    Column('ip_address', 'ip_address'),
    # explain, reach and matrix
    Column('verdict'),
    Column('decided_by'),
    Column('rule', None, answers.Rule),
    Column('reason'),
    Column('fix', None, answers.Fixes),
    Column('backend', None, answers.Backend),
    Column('differences', None, answers.Differences),
    Column('replies'),
    Column('port', None, answers.Port),
    Column('packet', None, answers.Packet),
    Column('considered', None, answers.Considered),
    Column('blocked_at', None, answers.Sides),
    Column('source', None, answers.End),
    Column('destination', None, answers.End),
    Column('reply', None, answers.Reply),
    Column('trace', None, formats.Lines),
    Column('notes', None, formats.Lines),
    # vip
    Column('subnet_id'),
    Column('members', None, formats.Members),
    Column('member_ids', None, formats.Lines),
    Column('member_count', None, formats.Plain),
    Column('vrrp_rules', None, formats.VrrpRules),
    Column('created_rule_id'),
    Column('held_by', None, formats.HeldBy),
    Column('findings', None, formats.Lines),
    Column('resource'),
    # vip check, vip list --unmanaged
    Column('check'),
    Column('ok'),
    Column('subject', None, formats.Named),
    Column('detail'),
    Column('network', None, formats.Named),
    Column('reserved_by', None, formats.Named),
)}


@dataclasses.dataclass(frozen=True)
class View:
    """The columns of one command.

    For a table, for the machine formats, and what ``--long`` adds to each.
    """

    table: tuple[str, ...]
    data: tuple[str, ...] = ()
    long_table: tuple[str, ...] = ()
    long_data: tuple[str, ...] = ()

    def names(self, machine: bool, long: bool) -> tuple[str, ...]:
        base = (self.data or self.table) if machine else self.table
        more = (self.long_data or self.long_table) if machine else (
            self.long_table)
        return tuple(dict.fromkeys(base + (more if long else ())))

    def every(self) -> tuple[str, ...]:
        # In the data's order (the full one), so -c keeps the fields in
        # the order of the default JSON.
        return tuple(dict.fromkeys(self.data + self.long_data + self.table
                                   + self.long_table))


_PORT = ('id', 'name', 'status', 'network_id', 'device_owner', 'device_id',
         'mac_address', 'fixed_ips', 'port_security_enabled',
         'security_group_ids', 'security_groups', 'allowed_address_pairs',
         'disable_would_remove', 'revision_number')
# A table names each group once, with its name (security_groups); JSON
# keeps port show's security_group_ids too.
SHOW = View(table=tuple(c for c in _PORT if c != 'security_group_ids'),
            data=_PORT)
LIST = View(
    table=('id', 'name', 'port_security', 'pairs'),
    data=('id', 'name', 'network_id', 'device_owner',
          'port_security_enabled', 'security_group_ids',
          'allowed_address_pairs'),
    long_table=('network_id', 'device_owner', 'security_group_ids',
                'allowed_address_pairs', 'device_id', 'fixed_ips'),
    long_data=('device_id', 'fixed_ips'))
PAIRS = View(('ip_address', 'mac_address'))
_AFTER = ('port_security_enabled', 'security_group_ids',
          'allowed_address_pairs', 'revision_number')
# One port changed: the port after the change; the structure of the
# change (``changed``) is for scripts, the table says it in words.
CHANGE = View(table=('id', 'name', 'result', 'changes', *_AFTER),
              data=('id', 'name', 'result', 'changes', 'changed', *_AFTER))
# Several ports: one line a port; --long adds the state after the change.
CHANGES = View(table=('id', 'name', 'result', 'changes'),
               data=('id', 'name', 'result', 'changes'),
               long_table=_AFTER, long_data=('changed', *_AFTER))
EXPLAIN = View(('verdict', 'decided_by', 'rule', 'reason', 'fix', 'backend',
                'differences', 'replies', 'port', 'packet'),
               long_table=('considered',))
REACH = View(('verdict', 'blocked_at', 'source', 'destination', 'reply',
              'fix', 'trace', 'backend', 'differences', 'packet', 'notes'))
MATRIX = View(('source', 'destination', 'verdict', 'blocked_at', 'rule'),
              long_table=('reply', 'backend'))
VIP_SHOW = View(('id', 'name', 'ip_address', 'network_id', 'subnet_id',
                 'status', 'members', 'vrrp_rules', 'created_rule_id',
                 'held_by', 'findings'))
VIP_LIST = View(table=('id', 'name', 'ip_address', 'member_count'),
                data=('id', 'name', 'ip_address', 'network_id',
                      'member_ids', 'created_rule_id'))
VIP_STEPS = View(table=('resource', 'name', 'result', 'changes'),
                 data=('resource', 'id', 'name', 'result', 'changes'))
VIP_CHECK = View(('check', 'ok', 'subject', 'detail', 'fix'))
VIP_UNMANAGED = View(('ip_address', 'network', 'members', 'reserved_by'))


def select(view: View, parsed_args: argparse.Namespace) -> tuple[str, ...]:
    """The columns to give cliff for this run's output format.

    With ``-c`` every column of the view is available to pick from.
    """
    if getattr(parsed_args, 'columns', None):
        return view.every()
    machine = getattr(parsed_args, 'formatter', 'table') != 'table'
    return view.names(machine, bool(getattr(parsed_args, 'long', False)))


def fields(names: Iterable[str]) -> list[str]:
    """The Neutron fields to ask for to show ``names``."""
    return list(dict.fromkeys(
        f for f in (COLUMNS[n].field for n in names) if f))


def _cell(name: str, value: Any) -> Any:
    formatter = COLUMNS[name].formatter
    if formatter is formats.Plain and value is not None:
        return value  # a scalar is shown as it is
    return formatter(value)


def row(values: dict[str, Any], names: tuple[str, ...]) -> tuple:
    """The formatted row of ``values`` for the columns ``names``.

    A missing value is ``''`` in a table and null in JSON, never "None".
    """
    return tuple(_cell(n, values.get(n)) for n in names)


def show(values: dict[str, Any], view: View,
         parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], tuple]:
    """``(columns, row)`` for a ``ShowOne``."""
    names = select(view, parsed_args)
    return names, row(values, names)


def listed(items: Iterable[dict[str, Any]], view: View,
           parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Any]:
    """``(columns, rows)`` for a ``Lister``; rows stream as items come."""
    names = select(view, parsed_args)
    rows: Iterator[tuple] = (row(values, names) for values in items)
    return names, rows if not isinstance(items, list) else list(rows)
