"""The columns of ``explain``, declared once, and how each is shown.

JSON gets the verdict's plain data; a table gets one line per item.
"""

from __future__ import annotations

from typing import Any

from cliff import columns as cliff_columns
from osc_lib.cli import format_columns

from osc_portsec.explain import verdict as _verdict

COLUMNS = ('verdict', 'decided_by', 'rule', 'reason', 'fix', 'backend',
           'differences', 'replies', 'port', 'packet')
LONG_COLUMNS = COLUMNS + ('considered',)


class LinesColumn(format_columns.ListColumn):
    """A list of commands or sentences: one per line in a table."""

    def human_readable(self) -> str:
        return '\n'.join(str(v) for v in self._value or [])


class DifferencesColumn(cliff_columns.FormattableColumn[Any]):
    """Other back ends whose verdict differs, one per line."""

    def human_readable(self) -> str:
        if not self._value:
            return 'none: every back end agrees'
        return '\n'.join(
            f"{d['backend']}: {d['verdict']} ({d['decided_by']}): {d['why']}"
            for d in self._value)

    def machine_readable(self) -> list[dict[str, str]]:
        return list(self._value or [])


class ConsideredColumn(cliff_columns.FormattableColumn[Any]):
    """Every rule considered, with why it did or did not match."""

    def human_readable(self) -> str:
        return '\n'.join(
            f"{'MATCH' if c['matched'] else 'no'} {c['id']} "
            f"[{c['security_group_name'] or c['security_group_id']}] "
            f"{c['rule']}: {c['why']}"
            for c in self._value or [])

    def machine_readable(self) -> list[dict[str, Any]]:
        return list(self._value or [])


class RuleColumn(cliff_columns.FormattableColumn[Any]):
    """The deciding rule: ID, group and a one-line rendering."""

    def human_readable(self) -> str:
        if not self._value:
            return ''
        rule = self._value
        group = rule['security_group_name'] or rule['security_group_id']
        return (f"{rule['id']} in group {group} "
                f"({rule['security_group_id']}): {rule['rule']}")

    def machine_readable(self) -> dict[str, Any] | None:
        return self._value


class BackendColumn(cliff_columns.FormattableColumn[Any]):
    def human_readable(self) -> str:
        return f"{self._value['name']} (chosen by {self._value['chosen_by']})"

    def machine_readable(self) -> dict[str, str]:
        return dict(self._value)


FORMATTERS = {
    'rule': RuleColumn,
    'fix': LinesColumn,
    'backend': BackendColumn,
    'differences': DifferencesColumn,
    'port': format_columns.DictColumn,
    'packet': format_columns.DictColumn,
    'considered': ConsideredColumn,
}


def row(answer: _verdict.Verdict, long: bool) -> tuple[tuple, tuple]:
    """``(columns, values)`` for ``ShowOne``."""
    shown = LONG_COLUMNS if long else COLUMNS
    values = answer.to_dict()
    return shown, tuple(
        FORMATTERS[name](values[name]) if name in FORMATTERS else values[name]
        for name in shown)
