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
from typing import Callable

from osc_portsec.explain import evaluate
from osc_portsec.explain import packet as _packet
from osc_portsec.reach import conntrack
from osc_portsec.reach import flow as _flow
from osc_portsec.reach import interim

SOURCE = 'source'
DESTINATION = 'destination'
REPLY = 'reply'
# What a packet is to conntrack: the first of a connection (which
# conntrack may refuse), the first sent to a broadcast or multicast MAC
# (which OVN does not track), or a reply.
FIRST = 'first'
MULTICAST = 'multicast'
# A judge of one end: (end, packet, backend, FIRST/MULTICAST/REPLY).
Judge = Callable[[_flow.End, _packet.Packet, str, str], evaluate.Outcome]


def judge_end(end: _flow.End, packet: _packet.Packet, backend: str,
              step: str = FIRST) -> evaluate.Outcome:
    """The verdict at one port end, for a packet that is ``step``."""
    assert end.facts is not None
    outcome = interim.judge(end.facts, packet, backend)
    if step == REPLY:
        return outcome
    return conntrack.check(end.facts, packet, outcome, backend,
                           end.network_stateful, step == MULTICAST)


@dataclasses.dataclass(frozen=True)
class Reply:
    """Whether the reply comes back through both ends.

    ``verdict`` is None when the packet has no reply; ``outcomes`` the
    reply judged at each end that blocks it (for the fix).
    """

    verdict: str | None
    reason: str
    blocking: tuple[tuple[str, evaluate.Outcome], ...] = ()
    # The reply judged at each port end (its first shape), by end.
    judged: tuple[tuple[str, evaluate.Outcome], ...] = ()


@dataclasses.dataclass(frozen=True)
class Result:
    """The packet at both ends and its reply, under one back end."""

    backend: str
    flow: _flow.Flow
    source: evaluate.Outcome | None
    destination: evaluate.Outcome | None
    reply: Reply

    @property
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


def reply(source: _flow.End, destination: _flow.End, flow: _flow.Flow,
          backend: str, judge: Judge = judge_end) -> Reply:
    """Whether the answer to ``flow`` comes back through both ends."""
    shapes, why_none = conntrack.reply_shapes(flow.out_of_source())
    if flow.broadcast:
        why_none = ('a broadcast or multicast packet has no reply: answers '
                    'come from the receiver\'s own address, as new packets')
    if why_none:
        return Reply(None, _sentence(why_none))
    blocking, said, judged = [], [], []
    for name, end, packets in (
            (DESTINATION, destination,
             [flow.reply_out_of_destination(**s) for s in shapes]),
            (SOURCE, source, [flow.reply_into_source(**s) for s in shapes])):
        if end.outside:
            said.append(f'the {name} is outside Neutron (not evaluated)')
            continue
        outcomes = [judge(end, p, backend, REPLY) for p in packets]
        judged.append((name, outcomes[0]))
        dropped, why = _reply_at(outcomes, end, backend)
        said.append(f'at the {name}, {why}')
        if dropped is not None:
            blocking.append((name, dropped))
    verdict = evaluate.DROP if blocking else evaluate.PASS
    return Reply(verdict, _sentence('; '.join(said)), tuple(blocking),
                 tuple(judged))


def follow(source: _flow.End, destination: _flow.End, flow: _flow.Flow,
           backend: str, judge: Judge = judge_end) -> Result:
    """Judge ``flow`` at both ends and its reply, under ``backend``."""
    step = MULTICAST if flow.to_multicast_mac else FIRST
    return Result(
        backend, flow,
        None if source.outside else judge(
            source, flow.out_of_source(), backend, step),
        None if destination.outside else judge(
            destination, flow.into_destination(), backend, step),
        reply(source, destination, flow, backend, judge))
