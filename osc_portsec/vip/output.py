"""The VIP commands' columns, each declared once, and their values."""

from __future__ import annotations

from typing import Any

from osc_lib.cli import format_columns
from osc_lib import utils

from osc_portsec import columns
from osc_portsec.vip import model

_COLUMNS = {c.name: c for c in (
    columns.Column('id'),
    columns.Column('name'),
    columns.Column('ip_address'),
    columns.Column('network_id'),
    columns.Column('subnet_id'),
    columns.Column('status'),
    columns.Column('members', None, format_columns.ListDictColumn),
    columns.Column('member_ids', None, format_columns.ListColumn),
    columns.Column('vrrp_rules', None, format_columns.ListDictColumn),
    columns.Column('created_rule_id'),
    columns.Column('held_by', None, format_columns.DictColumn),
    columns.Column('findings', None, columns.LinesColumn),
    columns.Column('resource'),
    columns.Column('result'),
    columns.Column('changes', None, columns.LinesColumn),
)}

FORMATTERS = {c.name: c.formatter for c in _COLUMNS.values() if c.formatter}

SHOW_COLUMNS = ('id', 'name', 'ip_address', 'network_id', 'subnet_id',
                'status', 'members', 'vrrp_rules', 'created_rule_id',
                'held_by', 'findings')
LIST_COLUMNS = ('id', 'name', 'ip_address', 'network_id', 'member_ids',
                'created_rule_id')
STEP_COLUMNS = ('resource', 'id', 'name', 'result', 'changes')


def row(values: dict[str, Any], names: tuple[str, ...]) -> tuple:
    return utils.get_dict_properties(values, names, formatters=FORMATTERS)


def list_values(vip: model.Vip) -> dict[str, Any]:
    return {
        'id': vip.id, 'name': vip.name, 'ip_address': vip.ip_address,
        'network_id': vip.network_id, 'member_ids': list(vip.members),
        'created_rule_id': vip.rule_id,
    }
