"""Tests of osc_portsec.reach.matrix: rows, and answers shared by pairs."""

from __future__ import annotations

import testtools

from osc_portsec.explain import facts
from osc_portsec.reach import flow
from osc_portsec.reach import matrix
from tests.unit.reach import builders as b


def ends(count=4):
    """Ports in group b, which lets TCP 22 in from the group itself."""
    group = b.group_b(b.ingress('r22', protocol='tcp', lo=22, hi=22,
                                remote_group=b.SG_B),
                      b.egress('r-out'))
    ports = [b.port(f'p{n}', f'10.0.0.{10 + n}', f'fa:16:3e:00:00:{n:02x}',
                    (group,)) for n in range(count)]
    members = tuple(facts.Member(p.id, p.security_group_ids, p.fixed_ips)
                    for p in ports)
    return [b.end(p, (group,), members, stateful=True) for p in ports]


class TestMatrix(testtools.TestCase):

    def test_rows_of_every_ordered_pair(self):
        rows = list(matrix.rows(ends(3), flow.wanted('tcp', 22), None))
        self.assertEqual(
            [('p0', 'p1'), ('p0', 'p2'), ('p1', 'p0'), ('p1', 'p2'),
             ('p2', 'p0'), ('p2', 'p1')],
            [(r['source']['id'], r['destination']['id']) for r in rows])
        self.assertEqual({'source', 'destination', 'verdict', 'blocked_at',
                          'rule'}, set(rows[0]))
        self.assertEqual(['r-out', 'r22'], [r['id'] for r in rows[0]['rule']])
        self.assertEqual(['source', 'destination'],
                         [r['side'] for r in rows[0]['rule']])

    def test_the_blocking_side_and_long(self):
        rows = list(matrix.rows(ends(2), flow.wanted('tcp', 80), None,
                                long=True))
        self.assertEqual(['destination'], rows[0]['blocked_at'])
        self.assertEqual([{'side': 'destination',
                           'decided_by': 'no_matching_rule'}],
                         rows[0]['rule'])
        self.assertEqual(('pass', 'ovn'), (rows[0]['reply']['verdict'],
                                           rows[0]['backend']))

    def test_pairs_that_differ_only_in_who_they_are_share_an_answer(self):
        many = ends(30)
        memo = matrix.Memo(many)
        # Every member of group b meets the rule's condition alike.
        signatures = {memo.signature(many[0], 'ingress', e.port.fixed_ips[0])
                      for e in many[1:]}
        self.assertEqual(1, len(signatures))
        rows = list(matrix.rows(many, flow.wanted('tcp', 22), None))
        self.assertEqual(30 * 29, len(rows))
        self.assertEqual({'pass'}, {r['verdict'] for r in rows})

    def test_ports_without_an_address_are_left_out(self):
        bare = b.end(facts.Port('p9', 'fa:16:3e:00:00:99', (), name='p9'))
        given = ends(2) + [bare]
        self.assertEqual(['p9'], matrix.without_address(given, 'IPv4'))
        self.assertEqual(2, len(list(matrix.rows(given, flow.wanted('tcp'),
                                                 None))))
        self.assertEqual('IPv6', matrix.ethertype_of(
            flow.wanted(ethertype='IPv6'), given))
