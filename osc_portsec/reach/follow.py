"""Follow one packet from the source port to the destination port and its
reply back: explain's per-port ``judge`` at each end, composed.

The source judges the packet as egress (anti-spoofing, its egress rules,
its own conntrack), the destination as ingress (what OVN delivers to it,
its ingress rules, its conntrack). The reply leaves the destination and
enters the source: a stateful end lets it back (its anti-spoofing still
applies), a stateless one needs a rule for it. An end outside Neutron is
not evaluated.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Callable

from osc_portsec.explain import evaluate
from osc_portsec.reach import conntrack
from osc_portsec.reach import flow as _flow

SOURCE = 'source'
DESTINATION = 'destination'
REPLY = 'reply'
# What a packet is to conntrack: the first of a connection (which
# conntrack may refuse), or a reply (of a connection it knows).
FIRST = 'first'
# A judge of one end: (end, flow, which packet of the flow (flow.OUT, IN,
# BACK_OUT, BACK_IN), reply shape, backend, FIRST/REPLY).
Judge = Callable[[_flow.End, _flow.Flow, str, _flow.Shape, str, str],
                 evaluate.Outcome]


def judge_end(end: _flow.End, flow: _flow.Flow, kind: str,
              shape: _flow.Shape, backend: str,
              step: str = FIRST) -> evaluate.Outcome:
    """The verdict at one port end on one packet of ``flow``.

    explain's ``judge``, told what only two ends know: whether the
    network has stateful groups, and that a reply belongs to the
    connection its packet opened.
    """
    assert end.facts is not None
    packet = flow.packet(kind, shape)
    if step == REPLY:
        packet = dataclasses.replace(packet, established=True)
    # Not read (only matrix --network reads the whole network): assumed
    # stateful, as a network with a port in Neutron's default group is.
    stateful = end.network_stateful is not False
    # Each end is this port's own stage of the pipeline: the other
    # end's conntrack is judged at the other end.
    facts = dataclasses.replace(end.facts, network_stateful=stateful,
                                one_stage=True)
    return evaluate.judge(facts, packet, backend)


@dataclasses.dataclass(frozen=True)
class Reply:
    """Whether the reply comes back through both ends.

    ``verdict`` is None when the packet has no reply; ``blocking`` the
    reply judged at each end that blocks it (for the fix), ``judged`` at
    each port end (its first shape).
    """

    verdict: str | None
    reason: str
    blocking: tuple[tuple[str, evaluate.Outcome], ...] = ()
    judged: tuple[tuple[str, evaluate.Outcome], ...] = ()


@dataclasses.dataclass(frozen=True)
class Result:
    """The packet at both ends and its reply, under one back end."""

    backend: str
    flow: _flow.Flow
    source: evaluate.Outcome | None
    destination: evaluate.Outcome | None
    reply: Reply

    @functools.cached_property
    def blocked_at(self) -> list[str]:
        sides = [(SOURCE, self.source), (DESTINATION, self.destination)]
        found = [name for name, outcome in sides
                 if outcome is not None and outcome.verdict == evaluate.DROP]
        if self.reply.verdict == evaluate.DROP:
            found.append(REPLY)
        return found

    @property
    def verdict(self) -> str:
        return evaluate.DROP if self.blocked_at else evaluate.PASS


def _reply_at(outcomes: list[evaluate.Outcome], end: _flow.End,
              backend: str) -> tuple[evaluate.Outcome | None, str]:
    """The reply at one end: (the blocking outcome or None, why)."""
    dropped = next((o for o in outcomes if o.verdict == evaluate.DROP), None)
    if dropped is not None and (
            dropped.decided_by == evaluate.ANTI_SPOOFING):
        return dropped, dropped.reason.rstrip('.')
    if outcomes[0].decided_by in conntrack.UNFILTERED:
        return None, 'the port is not filtered'
    assert end.facts is not None
    if conntrack.stateful(end.port, end.facts.groups, backend):
        return None, ('conntrack lets the reply back (the port\'s groups '
                      'are stateful)')
    if dropped is None:
        return None, 'the stateless group\'s rules allow the reply'
    if any(o.verdict == evaluate.PASS for o in outcomes):
        return dropped, ('its rules allow replies to only part of the '
                         'client\'s ports {}-{}'.format(*conntrack.EPHEMERAL))
    return dropped, 'the group is stateless and no rule allows the reply'


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + '.'


Judged = tuple[tuple[str, _flow.End, tuple[evaluate.Outcome, ...]], ...]


def reply_of(judged: Judged, backend: str) -> Reply:
    """The reply from what each end decided about it (pure)."""
    blocking, said, first = [], [], []
    for name, end, outcomes in judged:
        if end.outside:
            said.append(f'the {name} is outside Neutron (not evaluated)')
            continue
        first.append((name, outcomes[0]))
        dropped, why = _reply_at(list(outcomes), end, backend)
        said.append(f'at the {name}, {why}')
        if dropped is not None:
            blocking.append((name, dropped))
    verdict = evaluate.DROP if blocking else evaluate.PASS
    return Reply(verdict, _sentence('; '.join(said)), tuple(blocking),
                 tuple(first))


def reply(source: _flow.End, destination: _flow.End, flow: _flow.Flow,
          backend: str, judge: Judge = judge_end,
          made: Callable[[Judged, str], Reply] = reply_of) -> Reply:
    """Whether the answer to ``flow`` comes back through both ends."""
    shapes, why_none = conntrack.shapes(flow.protocol, flow.icmp_type,
                                        flow.icmp_code)
    if flow.broadcast:
        why_none = ('a broadcast or multicast packet has no reply: answers '
                    'come from the receiver\'s own address, as new packets')
    if why_none:
        return Reply(None, _sentence(why_none))
    judged = tuple(
        (name, end, () if end.outside else tuple(
            judge(end, flow, kind, shape, backend, REPLY)
            for shape in shapes))
        for name, end, kind in ((DESTINATION, destination, _flow.BACK_OUT),
                                (SOURCE, source, _flow.BACK_IN)))
    return made(judged, backend)


def follow(source: _flow.End, destination: _flow.End, flow: _flow.Flow,
           backend: str, judge: Judge = judge_end,
           made: Callable[[Judged, str], Reply] = reply_of) -> Result:
    """Judge ``flow`` at both ends and its reply, under ``backend``."""
    return Result(
        backend, flow,
        None if source.outside else judge(
            source, flow, _flow.OUT, (), backend, FIRST),
        None if destination.outside else judge(
            destination, flow, _flow.IN, (), backend, FIRST),
        reply(source, destination, flow, backend, judge, made))
