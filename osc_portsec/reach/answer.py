"""The answer of ``reach``: one back end's verdict at both ends and back,
the others' where they differ, the fix and the trace. Plain data (the JSON
contract, doc/source/reach.rst); the command only formats it.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any, Iterable

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import evaluate
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import verdict as _verdict
from osc_portsec.reach import conntrack
from osc_portsec.reach import fix as _fix
from osc_portsec.reach import flow as _flow
from osc_portsec.reach import follow as _follow
from osc_portsec.reach import trace as _trace


@dataclasses.dataclass(frozen=True)
class Answer:
    """The JSON contract of ``openstack port security reach``."""

    verdict: str
    blocked_at: list[str]
    source: dict[str, Any]
    destination: dict[str, Any]
    reply: dict[str, Any]
    fix: list[dict[str, Any]]
    trace: list[str]
    backend: dict[str, str]
    differences: list[dict[str, Any]]
    packet: dict[str, Any]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def rule(outcome: evaluate.Outcome | None,
         names: dict[str, str]) -> dict[str, Any] | None:
    """The deciding rule: ID, group and one line."""
    if outcome is None or outcome.rule is None or outcome.group is None:
        return None
    return {'id': outcome.rule.id, 'security_group_id': outcome.group.id,
            'security_group_name': outcome.group.name,
            'rule': outcome.rule.render(names)}


def _considered(outcome: evaluate.Outcome,
                names: dict[str, str]) -> list[dict[str, Any]]:
    return [{'id': c.rule.id, 'security_group_id': c.group.id,
             'security_group_name': c.group.name,
             'rule': c.rule.render(names), 'matched': c.matched,
             'why': c.why} for c in outcome.considered]


def end(item: _flow.End, outcome: evaluate.Outcome | None, address: str,
        long: bool = False,
        names: dict[str, str] | None = None) -> dict[str, Any]:
    """One end of the answer: the port's verdict, or that it is outside.

    ``names`` are the names of groups known beyond the port's own (a rule
    may name the other end's group as its remote group).
    """
    if outcome is None or item.facts is None:
        return {'outside': True, 'address': address, 'reason': (
            f'{address} is no port\'s fixed IP: an endpoint outside '
            f'Neutron\'s filtering (a host behind a router, the internet), '
            f'so only the other end is evaluated.')}
    port = item.facts.port
    names = {**(names or {}), **item.facts.group_names()}
    body: dict[str, Any] = {
        'port': {'id': port.id, 'name': port.name,
                 'network_id': item.network_id},
        'address': address, 'verdict': outcome.verdict,
        'decided_by': outcome.decided_by, 'rule': rule(outcome, names),
        'reason': outcome.reason,
    }
    if long:
        body['considered'] = _considered(outcome, names)
    return body


def choose(source: _flow.End, destination: _flow.End,
           requested: str | None) -> tuple[str, str]:
    """(back end, how it was chosen).

    --backend, else the binding of the source port, else of the
    destination, else OVN (ML2's default).
    """
    if requested:
        return requested, '--backend'
    hows = []
    for item in (source, destination):
        if item.outside:
            continue
        found, how = _backend.choose(item.port.vif_type,
                                     item.port.vif_details)
        if found:
            return found, f'the {item.ref} port\'s {how}'
        if how not in hows:
            hows.append(how)
    return _verdict.DEFAULT_BACKEND, (
        f'{"; ".join(hows) or "no port end"}; '
        f'{_verdict.DEFAULT_BACKEND}, ML2\'s default, is assumed and the '
        f'other back ends are listed where they differ')


def differences(results: dict[str, _follow.Result],
                chosen: str) -> list[dict[str, Any]]:
    main = results[chosen]
    found = []
    for name, other in results.items():
        if name == chosen or (other.verdict, other.blocked_at) == (
                main.verdict, main.blocked_at):
            continue
        first = other.blocked_at[0] if other.blocked_at else None
        outcome = {_follow.SOURCE: other.source,
                   _follow.DESTINATION: other.destination}.get(first or '')
        found.append({
            'backend': name, 'verdict': other.verdict,
            'blocked_at': other.blocked_at,
            'decided_by': outcome.decided_by if outcome else (
                'reply' if first else 'pass'),
            'why': (outcome.reason if outcome else other.reply.reason)})
    return found


def _pair_address(port: _facts.Port, ip: str) -> str | None:
    if ip in port.fixed_ips:
        return None
    address = ipaddress.ip_address(ip)
    for pair in port.pairs:
        net = _facts.network(pair.ip_address)
        if address.version == net.version and address in net:
            return pair.ip_address
    return None


def notes(source: _flow.End, destination: _flow.End,
          flow: _flow.Flow) -> list[str]:
    """What the answer assumes or leaves out, in sentences."""
    said = []
    if (not source.outside and not destination.outside
            and source.network_id != destination.network_id):
        said.append(
            f'The ports are on different networks ({source.network_id} and '
            f'{destination.network_id}): routing between them is outside '
            f'the model; both ends are evaluated as if the packet arrived.')
    for item, ip, what in ((source, flow.source_ip, 'sends from'),
                           (destination, flow.destination_ip, 'is sent to')):
        if not item.outside and _pair_address(item.port, ip):
            mac = (flow.source_mac if item is source
                   else flow.destination_mac)
            said.append(
                f'The packet {what} {ip}, which the {item.ref} port holds '
                f'through its allowed address pair '
                f'{_pair_address(item.port, ip)} (a VIP or a routed '
                f'address), with MAC {mac}.')
    if conntrack.refused(flow.out_of_source()) and any(
            not e.outside and e.network_stateful is None
            for e in (source, destination)):
        said.append(
            'Conntrack is assumed on for the network (a port in a stateful '
            'group, as in Neutron\'s default group): a port with port '
            'security off then drops invalid packets on OVN too.')
    return said


def answer(source: _flow.End, destination: _flow.End, flow: _flow.Flow,
           requested: str | None, peers: Iterable[_fix.Peer],
           admin: bool, long: bool = False) -> Answer:
    """Follow ``flow`` under every back end; answer for the chosen one."""
    chosen, how = choose(source, destination, requested)
    results = {name: _follow.follow(source, destination, flow, name)
               for name in _backend.BACKENDS}
    main = results[chosen]
    names = {k: v for e in (source, destination) if e.facts is not None
             for k, v in e.facts.group_names().items()}
    return Answer(
        verdict=main.verdict, blocked_at=main.blocked_at,
        source=end(source, main.source, flow.source_ip, long, names),
        destination=end(destination, main.destination, flow.destination_ip,
                        long, names),
        reply={'verdict': main.reply.verdict, 'reason': main.reply.reason},
        fix=_fix.fixes(main, source, destination, peers),
        trace=_trace.commands(main, source, destination, admin),
        backend={'name': chosen, 'chosen_by': how},
        differences=differences(results, chosen),
        packet=flow.to_dict(),
        notes=notes(source, destination, flow))
