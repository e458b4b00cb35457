"""Undo what a run did when a later step fails, and say what is left.

Each step that changed the cloud pushes how to undo it and the command a
user would run to undo it by hand; on failure the steps are undone newest
first, and every undo that fails itself is reported with that command.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Callable

from osc_lib import exceptions

from osc_portsec import errors

LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class Step:
    what: str  # "the VIP port web-vip (ID)"
    undo: Callable[[], object]
    by_hand: str  # the command that removes it


@dataclasses.dataclass
class Undo:
    steps: list[Step] = dataclasses.field(default_factory=list)

    def push(self, what: str, undo: Callable[[], object],
             by_hand: str) -> None:
        self.steps.append(Step(what, undo, by_hand))

    def run(self) -> tuple[list[str], list[str]]:
        """Undo every step, newest first: (undone, left with how)."""
        undone: list[str] = []
        left: list[str] = []
        for step in reversed(self.steps):
            try:
                step.undo()
            except (*errors.BOUNDARY, exceptions.CommandError) as exc:
                LOG.debug('undo of %s failed: %s', step.what, exc)
                left.append(f'{step.what} (remove it with '
                            f"'{step.by_hand}')")
                continue
            undone.append(step.what)
        self.steps = []
        return undone, left


def failed(cause: str, undo: Undo) -> exceptions.CommandError:
    """The error of a run that failed part-way, after rolling back."""
    undone, left = undo.run()
    text = cause
    if undone:
        text += ' Rolled back: ' + '; '.join(undone) + '.'
    if left:
        text += (' The rollback failed, so this is left: '
                 + '; '.join(left) + '.')
    if not undone and not left:
        text += ' Nothing had been changed.'
    return exceptions.CommandError(text)


def sentence(exc: BaseException, subject: errors.Subject) -> str:
    if isinstance(exc, exceptions.CommandError):
        return str(exc)
    return errors.explain(exc, subject)


CAUGHT = (*errors.BOUNDARY, exceptions.CommandError)
