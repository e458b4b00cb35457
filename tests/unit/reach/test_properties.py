"""Invariants of reach and matrix, over generated ports, rules and packets.

- Adding an allow rule never turns a pass into a drop.
- reach passes only if both ends' per-port verdicts pass (explain's, which
  include each end's conntrack, the sender's too) and the sender's
  conntrack accepts the packet.
- The matrix says what reach says, for every ordered pair.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
import testtools

from osc_portsec.explain import evaluate
from osc_portsec.explain import facts
from osc_portsec.explain import packet as _packet
from osc_portsec.reach import answer
from osc_portsec.reach import conntrack
from osc_portsec.reach import flow
from osc_portsec.reach import follow
from osc_portsec.reach import matrix
from tests.unit.explain import builders as eb

GROUPS = ('sg-0', 'sg-1', 'sg-2')


def on_network(end: flow.End) -> facts.Facts:
    """An end's facts with what reach read of its network."""
    return dataclasses.replace(
        end.facts, network_stateful=end.network_stateful is not False)


ADDRESSES = tuple(f'10.0.0.{n}' for n in range(10, 16))
PREFIXES = (None, '10.0.0.0/24', '10.0.0.12/32', '0.0.0.0/0', '10.0.0.8/29',
            '192.0.2.0/24')
BINDINGS = (None, ('ovs', {'bound_drivers': {'0': 'ovn'}}),
            ('ovs', {'bound_drivers': {'0': 'openvswitch'},
                     'ovs_hybrid_plug': False}),
            ('ovs', {'bound_drivers': {'0': 'openvswitch'},
                     'ovs_hybrid_plug': True}))

rules = st.builds(
    lambda i, direction, protocol, port, prefix, remote, group: eb.rule(
        f'r{i}', direction=direction, protocol=protocol,
        lo=(port if protocol in ('tcp', 'udp') and port else
            8 if protocol == 'icmp' and port else None),
        hi=(port if protocol in ('tcp', 'udp') and port else None),
        prefix=None if remote else prefix,
        remote_group=remote, group=group),
    st.integers(0, 10**6), st.sampled_from(('ingress', 'egress')),
    st.sampled_from((None, 'tcp', 'udp', 'icmp', 'vrrp')),
    st.sampled_from((None, 22, 53, 1024)), st.sampled_from(PREFIXES),
    st.sampled_from((None,) + GROUPS), st.sampled_from(GROUPS))


@st.composite
def worlds(draw):
    """Ports on one network, their groups' rules, and the members."""
    rule_list = draw(st.lists(rules, max_size=10))
    stateful = draw(st.lists(st.booleans(), min_size=3, max_size=3))
    groups = {g: eb.group(*[r for r in rule_list if r.group_id == g],
                          group_id=g, name=g, stateful=s)
              for g, s in zip(GROUPS, stateful)}
    count = draw(st.integers(2, 5))
    ends = []
    for n in range(count):
        chosen = tuple(draw(st.lists(st.sampled_from(GROUPS), max_size=2,
                                     unique=True)))
        binding = draw(st.sampled_from(BINDINGS))
        port = facts.Port(
            id=f'p{n}', name=f'p{n}', mac_address=f'fa:16:3e:00:00:{n:02x}',
            fixed_ips=(ADDRESSES[n],),
            pairs=tuple(facts.Pair(p, f'fa:16:3e:00:00:{n:02x}') for p in
                        draw(st.lists(st.sampled_from(
                            ('10.0.0.100', '10.0.0.128/28')), max_size=1))),
            port_security_enabled=draw(st.sampled_from((True, True, False))),
            security_group_ids=chosen,
            vif_type=binding[0] if binding else None,
            vif_details=binding[1] if binding else None)
        ends.append(port)
    members = tuple(facts.Member(p.id, p.security_group_ids, p.fixed_ips,
                                 tuple(x.ip_address for x in p.pairs))
                    for p in ends)
    return [flow.End(p.id, facts.Facts(
        p, tuple(groups[g] for g in p.security_group_ids), members),
        'net', draw(st.sampled_from((None, True)))) for p in ends]


packets = st.fixed_dictionaries({
    'protocol': st.sampled_from(('tcp', 'udp', 'icmp', 'vrrp')),
    'port': st.sampled_from((22, 53, 80)),
    'icmp': st.sampled_from(((8, 0), (0, 0), (3, 3))),
})


def asked(values):
    if values['protocol'] in ('tcp', 'udp'):
        return flow.wanted(values['protocol'], values['port'])
    if values['protocol'] == 'icmp':
        return flow.wanted('icmp', icmp_type=values['icmp'][0],
                           icmp_code=values['icmp'][1])
    return flow.wanted(values['protocol'])


def reach(source, destination, values, backend=None):
    chosen, _ = answer.choose(source, destination, backend)
    return follow.follow(source, destination,
                         flow.build(asked(values), source, destination),
                         chosen)


def with_rule(end, rule):
    groups = tuple(dataclasses.replace(g, rules=g.rules + (rule,))
                   if g.id == rule.group_id else g for g in end.facts.groups)
    return dataclasses.replace(end, facts=dataclasses.replace(
        end.facts, groups=groups))


class TestProperties(testtools.TestCase):

    @settings(max_examples=150, deadline=None)
    @given(worlds(), packets, rules, st.sampled_from(('ovn', 'openvswitch',
                                                      'iptables_hybrid')))
    def test_adding_an_allow_rule_never_drops(self, ends, values, extra,
                                              backend):
        source, destination = ends[0], ends[1]
        before = reach(source, destination, values, backend)
        after = reach(with_rule(source, extra),
                      with_rule(destination, extra), values, backend)
        if before.verdict == 'pass':
            self.assertEqual('pass', after.verdict)
        self.assertLessEqual(set(after.blocked_at), set(before.blocked_at))

    @settings(max_examples=150, deadline=None)
    @given(worlds(), packets, st.sampled_from(('ovn', 'openvswitch',
                                               'iptables_hybrid')))
    def test_pass_needs_both_ends_and_the_senders_conntrack(
            self, ends, values, backend):
        source, destination = ends[0], ends[1]
        result = reach(source, destination, values, backend)
        out = result.flow.out_of_source()
        at_source = evaluate.judge(on_network(source), out, backend)
        at_destination = evaluate.judge(
            on_network(destination), result.flow.into_destination(),
            backend)
        sender_refuses = at_source.decided_by == 'conntrack'
        if result.verdict == 'pass':
            self.assertEqual('pass', at_source.verdict)
            self.assertEqual('pass', at_destination.verdict)
            self.assertFalse(sender_refuses)
        if sender_refuses:
            self.assertTrue(conntrack.refused(out))
        if 'pass' == at_source.verdict == at_destination.verdict and (
                not conntrack.refused(out)):
            self.assertEqual([], [s for s in result.blocked_at
                                  if s != 'reply'])

    @settings(max_examples=60, deadline=None)
    @given(worlds(), packets, st.sampled_from((None, 'ovn', 'openvswitch')))
    def test_matrix_equals_reach_for_every_pair(self, ends, values,
                                                backend):
        rows = list(matrix.rows(ends, asked(values), backend, long=True))
        pairs = [(s, d) for s in ends for d in ends if s is not d]
        self.assertEqual(len(pairs), len(rows))
        for (source, destination), row in zip(pairs, rows):
            result = reach(source, destination, values, backend)
            self.assertEqual(
                (source.port.id, destination.port.id, result.verdict,
                 result.blocked_at, result.reply.verdict, result.backend),
                (row['source']['id'], row['destination']['id'],
                 row['verdict'], row['blocked_at'], row['reply']['verdict'],
                 row['backend']))
            if result.verdict == 'drop':
                self.assertEqual(
                    [s for s in result.blocked_at if s != 'reply'],
                    [r['side'] for r in row['rule'] if r['side'] != 'reply'])

    def test_matrix_leaves_out_ports_without_an_address(self):
        port = facts.Port('p9', 'fa:16:3e:00:00:99', (), name='p9')
        ends = [flow.End('p9', facts.Facts(port))]
        self.assertEqual(['p9'], matrix.without_address(ends, 'IPv4'))
        self.assertEqual(_packet.IPV4, matrix.ethertype_of(
            flow.wanted(), ends))
