"""Small builders of reach ends and flows for the reach tests."""

from __future__ import annotations

from typing import Any

from osc_portsec.explain import facts
from osc_portsec.reach import flow
from tests.unit.explain import builders as b

A_MAC = 'fa:16:3e:00:00:0a'
B_MAC = 'fa:16:3e:00:00:0b'
A_IP = '10.0.0.10'
B_IP = '10.0.0.11'
NET = 'net-1'
SG_A = 'sg-a'
SG_B = 'sg-b'

ALL_EGRESS = b.rule('r-out', direction='egress', group=SG_A)


def port(port_id: str, ip: str | None, mac: str, groups: tuple = (),
         **overrides: Any) -> facts.Port:
    return b.port(id=port_id, name=port_id, mac_address=mac,
                  fixed_ips=(ip,) if ip else (),
                  security_group_ids=tuple(g.id for g in groups),
                  **overrides)


def end(subject: facts.Port, groups: tuple = (),
        members: tuple = (), network: str = NET,
        stateful: bool | None = None, **facts_kw: Any) -> flow.End:
    return flow.End(subject.name, b.make_facts(subject, groups, members,
                                               **facts_kw),
                    network, stateful)


def outside(ip: str) -> flow.End:
    return flow.End(ip, address=ip)


def pair_of_ends(a_groups: tuple, b_groups: tuple, a_kw: dict | None = None,
                 b_kw: dict | None = None, members: tuple = ()
                 ) -> tuple[flow.End, flow.End]:
    """Ports A (10.0.0.10) and B (10.0.0.11) in the given groups."""
    a = port('port-a', A_IP, A_MAC, a_groups, **(a_kw or {}))
    bb = port('port-b', B_IP, B_MAC, b_groups, **(b_kw or {}))
    peers = members or (
        facts.Member('port-a', a.security_group_ids, (A_IP,)),
        facts.Member('port-b', bb.security_group_ids, (B_IP,)))
    return end(a, a_groups, peers), end(bb, b_groups, peers)


def built(source: flow.End, destination: flow.End,
          **values: Any) -> flow.Flow:
    """The flow between two ends from CLI-style values."""
    return flow.build(flow.wanted(**values), source, destination)


def group_a(*rules: facts.Rule, stateful: bool = True) -> facts.Group:
    return b.group(ALL_EGRESS, *rules, group_id=SG_A, name='a',
                   stateful=stateful)


def group_b(*rules: facts.Rule, stateful: bool = True) -> facts.Group:
    return b.group(*rules, group_id=SG_B, name='b', stateful=stateful)


def ingress(rule_id: str, group: str = SG_B, **values: Any) -> facts.Rule:
    return b.rule(rule_id, direction='ingress', group=group, **values)


def egress(rule_id: str, group: str = SG_B, **values: Any) -> facts.Rule:
    return b.rule(rule_id, direction='egress', group=group, **values)
