"""``matrix``: ``reach`` for every ordered pair of a set of ports.

Each pair is followed by ``follow.follow``, as ``reach`` follows it, with
every port's own first fixed IP of the packet's version. What makes 200
ports (39,800 pairs) quick is a memo of the per-end verdicts: at one end,
explain's ``judge`` reads the other end's address only through the rules'
remote conditions (a prefix, a remote group's addresses, an address
group) and the kind of address it is, so the other ends that meet the
same conditions at a port get the same verdict. The memo key holds all of
them; on a miss the port is judged with only the remote-group members
that hold that address (the others cannot match it), which gives the same
outcome for far less work. ``tests/unit/reach/test_matrix.py`` checks the
matrix against ``reach`` pair by pair.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any, Iterator

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import evaluate
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet
from osc_portsec.reach import answer as _answer
from osc_portsec.reach import flow as _flow
from osc_portsec.reach import follow as _follow


def _conditions(ends: list[_flow.End]) -> list[tuple[str, Any]]:
    """Every remote condition a rule of these ports can put on an address."""
    found: dict[tuple[str, Any], None] = {}
    for end in ends:
        assert end.facts is not None
        for group in end.facts.groups:
            for rule in group.rules:
                if rule.prefix is not None:
                    found[('prefix', rule.prefix)] = None
                if rule.remote_group_id:
                    found[('group', rule.remote_group_id)] = None
                if rule.remote_address_group_id:
                    found[('address_group', rule.remote_address_group_id)] = (
                        None)
    return list(found)


def _inside(ip: Any, nets: list[Any]) -> bool:
    return any(ip.version == n.version and ip in n for n in nets)


class Memo:
    """The per-end verdicts of a matrix.

    Shared by the pairs that meet the same remote conditions (see the
    module's docstring).
    """

    def __init__(self, ends: list[_flow.End]) -> None:
        facts = [e.facts for e in ends if e.facts is not None]
        self.members = facts[0].members if facts else ()
        self.address_groups = facts[0].address_groups if facts else {}
        self.conditions = _conditions(ends)
        # Each member's networks, parsed once: (all of them, fixed IPs).
        self.nets = [([_facts.network(a) for a in m.fixed_ips + m.pair_ips],
                      [_facts.network(a) for a in m.fixed_ips])
                     for m in self.members]
        self.keys: dict[str, Any] = {}
        self.relevant: dict[str, tuple[_facts.Member, ...]] = {}
        self.outcomes: dict[tuple, evaluate.Outcome] = {}

    def _holders(self, ip: Any) -> list[tuple[_facts.Member, bool]]:
        """The members whose addresses hold ``ip``; True: a fixed IP."""
        return [(m, _inside(ip, fixed)) for m, (every, fixed) in zip(
            self.members, self.nets) if _inside(ip, every)]

    def _met(self, ip: Any, condition: tuple[str, Any],
             holders: list[tuple[_facts.Member, bool]]) -> Any:
        kind, value = condition
        if kind == 'prefix':
            return _inside(ip, [value])
        if kind == 'group':
            # Fixed IPs and pair addresses apart: the back ends differ.
            return (any(value in m.security_group_ids and is_fixed
                        for m, is_fixed in holders),
                    any(value in m.security_group_ids for m, _ in holders))
        return _inside(ip, [_facts.network(a) for a in
                            self.address_groups.get(value, ())])

    def key(self, remote: str) -> Any:
        """What a port's verdict may read of the address ``remote``."""
        if remote not in self.keys:
            ip = ipaddress.ip_address(remote)
            holders = self._holders(ip)
            self.relevant[remote] = tuple(m for m, _ in holders)
            self.keys[remote] = (
                ip.version, ip.is_multicast, ip.is_link_local,
                ip.is_unspecified, ip.is_loopback,
                remote == '255.255.255.255',
                tuple(self._met(ip, c, holders) for c in self.conditions))
        return self.keys[remote]

    def judge(self, end: _flow.End, packet: _packet.Packet, backend: str,
              step: str) -> evaluate.Outcome:
        remote = packet.remote_ip
        assert end.facts is not None and remote is not None
        key = (end.facts.port.id, backend, step, packet.direction,
               packet.protocol, packet.port, packet.icmp_type,
               packet.icmp_code, packet.local_ip, packet.local_mac,
               self.key(remote))
        found = self.outcomes.get(key)
        if found is None:
            lean = dataclasses.replace(end, facts=dataclasses.replace(
                end.facts, members=self.relevant[remote]))
            found = self.outcomes[key] = _follow.judge_end(
                lean, packet, backend, step)
        return found


def _first_ip(end: _flow.End, ethertype: str) -> str | None:
    version = 4 if ethertype == _packet.IPV4 else 6
    return next((ip for ip in end.port.fixed_ips
                 if ipaddress.ip_address(ip).version == version), None)


def ethertype_of(asked: _packet.Packet, ends: list[_flow.End]) -> str:
    """The packet's IP version: given, else the first port's."""
    if asked.ethertype:
        return asked.ethertype
    for end in ends:
        if end.port.fixed_ips:
            version = ipaddress.ip_address(end.port.fixed_ips[0]).version
            return _packet.IPV4 if version == 4 else _packet.IPV6
    return _packet.IPV4


def without_address(ends: list[_flow.End], ethertype: str) -> list[str]:
    """The ports that have no fixed IP of the packet's version."""
    return [e.ref for e in ends if _first_ip(e, ethertype) is None]


def _backends(ends: list[_flow.End]) -> dict[str, str | None]:
    return {e.port.id: _backend.choose(e.port.vif_type,
                                       e.port.vif_details)[0]
            for e in ends}


Pair = tuple[_flow.End, _flow.End, _follow.Result]


def results(ends: list[_flow.End], asked: _packet.Packet,
            requested: str | None) -> Iterator[Pair]:
    """The result of every ordered pair of ``ends``, source-major.

    Only ports with an address of the packet's version take part.
    """
    ethertype = ethertype_of(asked, ends)
    usable = [(e, ip) for e, ip in ((e, _first_ip(e, ethertype))
                                    for e in ends) if ip is not None]
    found = _backends([e for e, _ in usable])
    memo = Memo([e for e, _ in usable])
    protocol = asked.protocol
    if ethertype == _packet.IPV6 and protocol == _packet.ICMP:
        protocol = _packet.ICMPV6
    for source, src_ip in usable:
        for destination, dst_ip in usable:
            if source is destination:
                continue
            flow = _flow.Flow(
                ethertype, protocol, asked.port, asked.icmp_type,
                asked.icmp_code, src_ip, dst_ip, source.port.mac_address,
                destination.port.mac_address)
            backend = (requested or found[source.port.id]
                       or found[destination.port.id]
                       or _answer.choose(source, destination, None)[0])
            yield source, destination, _follow.follow(
                source, destination, flow, backend, memo.judge)


def _rules(result: _follow.Result, ends: dict[str, _flow.End],
           cache: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The deciding rule at each blocking side, or the allowing rules."""
    blocked = result.blocked_at
    shown = []
    for side, outcome in ((_follow.SOURCE, result.source),
                          (_follow.DESTINATION, result.destination)):
        if outcome is None or (blocked and side not in blocked):
            continue
        if id(outcome) not in cache:
            facts = ends[side].facts
            assert facts is not None
            cache[id(outcome)] = dict(
                _answer.rule(outcome, facts.group_names()) or {},
                decided_by=outcome.decided_by)
        shown.append(dict(cache[id(outcome)], side=side))
    for side, outcome in result.reply.blocking:
        shown.append({'side': _follow.REPLY, 'at': side,
                      'decided_by': outcome.decided_by})
    return shown


def rows(ends: list[_flow.End], asked: _packet.Packet,
         requested: str | None, long: bool = False
         ) -> Iterator[dict[str, Any]]:
    """The matrix's rows as plain data, one per ordered pair."""
    cache: dict[int, dict[str, Any]] = {}
    for source, destination, result in results(ends, asked, requested):
        row = {
            'source': _label(source), 'destination': _label(destination),
            'verdict': result.verdict, 'blocked_at': result.blocked_at,
            'rule': _rules(result, {_follow.SOURCE: source,
                                    _follow.DESTINATION: destination},
                           cache),
        }
        if long:
            row['reply'] = {'verdict': result.reply.verdict,
                            'reason': result.reply.reason}
            row['backend'] = result.backend
        yield row


def _label(end: _flow.End) -> dict[str, str]:
    return {'id': end.port.id, 'name': end.port.name}
