"""``matrix``: ``reach`` for every ordered pair of a set of ports.

Each pair is followed by ``follow.follow``, as ``reach`` follows it, with
every port's own first fixed IP of the packet's version. What makes 200
ports (39,800 pairs) quick is that few pairs differ: at one end, explain's
``judge`` reads the other end's address only through the rules' remote
conditions (a prefix, a remote group's addresses, an address group) and
the kind of address it is; and a port that sends from and receives at its
own address and MAC passes its anti-spoofing whatever else it holds. So
two pairs whose ports have the same groups, flag, owner and network, and
whose addresses meet the same conditions of each other's rules, get one
answer; an end judged anew is judged with only the remote-group members
that hold the other address (the others cannot match it).
``tests/unit/reach/test_properties.py`` checks the matrix against reach
pair by pair, over generated ports, rules and packets.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any, Iterator

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import evaluate
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet
from osc_portsec.explain import verdict as _verdict
from osc_portsec.reach import answer as _answer
from osc_portsec.reach import flow as _flow
from osc_portsec.reach import follow as _follow


Condition = tuple[str, Any]


def _conditions(rules: Iterator[_facts.Rule]) -> list[Condition]:
    """The remote conditions the rules can put on an address."""
    found: dict[Condition, None] = {}
    for rule in rules:
        if rule.prefix is not None:
            found[('prefix', rule.prefix)] = None
        if rule.remote_group_id:
            found[('group', rule.remote_group_id)] = None
        if rule.remote_address_group_id:
            found[('address_group', rule.remote_address_group_id)] = None
    return list(found)


def _inside(ip: Any, nets: list[Any]) -> bool:
    return any(ip.version == n.version and ip in n for n in nets)


class Memo:
    """The per-end verdicts of a matrix.

    Shared by the pairs whose other end meets the same remote conditions
    of the end's rules (see the module's docstring). Conditions and
    signatures are numbered, so that a lookup hashes small tuples.
    """

    def __init__(self, ends: list[_flow.End]) -> None:
        facts = [e.facts for e in ends if e.facts is not None]
        self.members = facts[0].members if facts else ()
        self.address_groups = facts[0].address_groups if facts else {}
        # Each member's networks, parsed once: (all of them, fixed IPs).
        self.nets = [([_facts.network(a) for a in m.fixed_ips + m.pair_ips],
                      [_facts.network(a) for a in m.fixed_ips])
                     for m in self.members]
        self.conditions = _conditions(
            r for f in facts for g in f.groups for r in g.rules)
        self.index = {c: i for i, c in enumerate(self.conditions)}
        self.relevant: dict[str, tuple[_facts.Member, ...]] = {}
        self.vectors: dict[str, tuple[tuple, tuple]] = {}
        self.projections: dict[tuple[str, str], int] = {}
        self.indices: dict[tuple[int, ...], int] = {}
        self.wanted: list[tuple[int, ...]] = []
        self.sigs: dict[tuple[int, str], int] = {}
        self.sig_ids: dict[tuple, int] = {}
        self.outcomes: dict[tuple, evaluate.Outcome] = {}
        self.replies: dict[tuple, _follow.Reply] = {}

    def _met(self, ip: Any, condition: Condition,
             holders: list[tuple[_facts.Member, bool]]) -> Any:
        """Whether ``ip`` meets ``condition``, as judge would read it."""
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

    def _vector(self, remote: str) -> tuple[tuple, tuple]:
        """(kind of address, every condition met or not), once a remote."""
        if remote not in self.vectors:
            ip = ipaddress.ip_address(remote)
            holders = [(m, _inside(ip, fixed)) for m, (every, fixed) in zip(
                self.members, self.nets) if _inside(ip, every)]
            self.relevant[remote] = tuple(m for m, _ in holders)
            self.vectors[remote] = (
                (ip.version, ip.is_multicast, ip.is_link_local,
                 ip.is_unspecified, ip.is_loopback,
                 remote == '255.255.255.255'),
                tuple(self._met(ip, c, holders) for c in self.conditions))
        return self.vectors[remote]

    def _projection(self, end: _flow.End, direction: str) -> int:
        """The number of the end's conditions for ``direction``."""
        assert end.facts is not None
        key = (end.facts.port.id, direction)
        if key not in self.projections:
            wanted = tuple(self.index[c] for c in _conditions(
                r for g in end.facts.groups for r in g.rules
                if r.direction == direction))
            if wanted not in self.indices:
                self.indices[wanted] = len(self.wanted)
                self.wanted.append(wanted)
            self.projections[key] = self.indices[wanted]
        return self.projections[key]

    def signature(self, end: _flow.End, direction: str, remote: str) -> int:
        """The number of what the end's rules read of ``remote``."""
        key = (self._projection(end, direction), remote)
        found = self.sigs.get(key)
        if found is None:
            kinds, bits = self._vector(remote)
            found = self.sigs[key] = self.sig_ids.setdefault(
                (kinds, tuple(bits[i] for i in self.wanted[key[0]])),
                len(self.sig_ids))
        return found

    def judge(self, end: _flow.End, flow: _flow.Flow, kind: str,
              shape: _flow.Shape, backend: str,
              step: str) -> evaluate.Outcome:
        direction, local, remote, mac = flow.addresses(kind)
        assert end.facts is not None
        key = (end.facts.port.id, kind, shape, backend, step, flow.protocol,
               flow.port, flow.icmp_type, flow.icmp_code, local, mac,
               self.signature(end, direction, remote))
        found = self.outcomes.get(key)
        if found is None:
            lean = dataclasses.replace(end, facts=dataclasses.replace(
                end.facts, members=self.relevant[remote]))
            found = self.outcomes[key] = _follow.judge_end(
                lean, flow, kind, shape, backend, step)
        return found

    def reply(self, judged: _follow.Judged, backend: str) -> _follow.Reply:
        """The reply of the same outcomes at the same ends, made once."""
        key = (backend,) + tuple((name, id(end), tuple(map(id, outcomes)))
                                 for name, end, outcomes in judged)
        if key not in self.replies:
            self.replies[key] = _follow.reply_of(judged, backend)
        return self.replies[key]


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


Pair = tuple[_flow.End, str, _flow.End, str, str]


def pairs(ends: list[_flow.End], ethertype: str,
          requested: str | None) -> Iterator[Pair]:
    """Every ordered pair, source-major, with its addresses and back end.

    Only ports with an address of the packet's version take part. The
    back end is the one reach chooses: --backend, the source's binding,
    the destination's, else ML2's default.
    """
    usable = [(e, ip) for e, ip in ((e, _first_ip(e, ethertype))
                                    for e in ends) if ip is not None]
    found = _backends([e for e, _ in usable])
    for source, src_ip in usable:
        for destination, dst_ip in usable:
            if source is not destination:
                yield source, src_ip, destination, dst_ip, (
                    requested or found[source.port.id]
                    or found[destination.port.id]
                    or _verdict.DEFAULT_BACKEND)


def _role(end: _flow.End) -> tuple:
    """What a port's verdicts on its own address depend on.

    But for the other end: its groups, its flag, its owner, its network.
    """
    port = end.port
    return (port.security_group_ids, port.port_security_enabled,
            port.device_owner, end.network_stateful)


def _rules(result: _follow.Result, ends: dict[str, _flow.End]
           ) -> list[dict[str, Any]]:
    """The deciding rule at each blocking side, or the allowing rules."""
    blocked = result.blocked_at
    shown = []
    for side, outcome in ((_follow.SOURCE, result.source),
                          (_follow.DESTINATION, result.destination)):
        if outcome is None or (blocked and side not in blocked):
            continue
        facts = ends[side].facts
        assert facts is not None
        shown.append(dict(_answer.rule(outcome, facts.group_names()) or {},
                          decided_by=outcome.decided_by, side=side))
    for side, outcome in result.reply.blocking:
        shown.append({'side': _follow.REPLY, 'at': side,
                      'decided_by': outcome.decided_by})
    return shown


def _core(result: _follow.Result, source: _flow.End,
          destination: _flow.End, long: bool) -> dict[str, Any]:
    """A row but for its ports."""
    ends = {_follow.SOURCE: source, _follow.DESTINATION: destination}
    core: dict[str, Any] = {'verdict': result.verdict,
                            'blocked_at': result.blocked_at,
                            'rule': _rules(result, ends)}
    if long:
        core['reply'] = {'verdict': result.reply.verdict,
                         'reason': result.reply.reason}
        core['backend'] = result.backend
    return core


def rows(ends: list[_flow.End], asked: _packet.Packet,
         requested: str | None, long: bool = False
         ) -> Iterator[dict[str, Any]]:
    """The matrix's rows as plain data, one per ordered pair.

    A pair is followed as reach follows it; two pairs whose ports have
    the same role (:func:`_role`) and whose addresses meet the same
    conditions of each other's rules share one answer: each port sends
    from and receives at its own address and MAC, which its anti-spoofing
    always lets through.
    """
    ethertype = ethertype_of(asked, ends)
    protocol = asked.protocol
    if ethertype == _packet.IPV6 and protocol == _packet.ICMP:
        protocol = _packet.ICMPV6
    memo = Memo(ends)
    roles = {e.port.id: _role(e) for e in ends}
    cores: dict[tuple, dict[str, Any]] = {}
    out, into = _packet.EGRESS, _packet.INGRESS
    for source, src_ip, destination, dst_ip, backend in pairs(
            ends, ethertype, requested):
        key = (roles[source.port.id], roles[destination.port.id], backend,
               memo.signature(source, out, dst_ip),
               memo.signature(source, into, dst_ip),
               memo.signature(destination, into, src_ip),
               memo.signature(destination, out, src_ip))
        core = cores.get(key)
        if core is None:
            flow = _flow.Flow(
                ethertype, protocol, asked.port, asked.icmp_type,
                asked.icmp_code, src_ip, dst_ip, source.port.mac_address,
                destination.port.mac_address)
            core = cores[key] = _core(_follow.follow(
                source, destination, flow, backend, memo.judge, memo.reply),
                source, destination, long)
        yield dict(core, source=_label(source),
                   destination=_label(destination))


def _label(end: _flow.End) -> dict[str, str]:
    return {'id': end.port.id, 'name': end.port.name}
