"""Tests of osc_portsec.reach.answer: the JSON contract of reach."""

from __future__ import annotations

import dataclasses

import testtools

from osc_portsec.explain import facts
from osc_portsec.reach import answer
from osc_portsec.reach import fix
from tests.unit.explain import builders as eb
from tests.unit.reach import builders as b

CONTRACT = {'verdict', 'blocked_at', 'source', 'destination', 'reply', 'fix',
            'trace', 'backend', 'differences', 'packet', 'notes'}


def reach(source, destination, requested=None, admin=False, long=False,
          peers=(), **values):
    return answer.answer(source, destination,
                         b.built(source, destination, **values), requested,
                         peers, admin, long).to_dict()


class TestAnswer(testtools.TestCase):

    def test_contract(self):
        a, bb = b.pair_of_ends((b.group_a(),), (b.group_b(b.ingress(
            'r22', protocol='tcp', lo=22, hi=22)),))
        got = reach(a, bb, protocol='tcp', port=22)
        self.assertEqual(CONTRACT, set(got))
        self.assertEqual(('pass', []), (got['verdict'], got['blocked_at']))
        self.assertEqual(
            {'port': {'id': 'port-b', 'name': 'port-b', 'network_id': 'net-1'},
             'address': b.B_IP, 'verdict': 'pass',
             'decided_by': 'security_group_rule',
             'rule': {'id': 'r22', 'security_group_id': 'sg-b',
                      'security_group_name': 'b',
                      'rule': 'ingress IPv4 tcp 22 from any'},
             'reason': 'Rule r22 of group b (sg-b) allows it: ingress IPv4 '
                       'tcp 22 from any.'}, got['destination'])
        self.assertEqual('pass', got['reply']['verdict'])
        self.assertEqual('ovn', got['backend']['name'])
        self.assertIn("ML2's default, is assumed", got['backend']['chosen_by'])
        self.assertEqual([], got['notes'])

    def test_long_lists_the_rules_considered(self):
        a, bb = b.pair_of_ends((b.group_a(),), (b.group_b(b.ingress(
            'r22', protocol='tcp', lo=22, hi=22)),))
        got = reach(a, bb, long=True, protocol='tcp', port=80)
        considered = got['destination']['considered']
        self.assertEqual([('r22', False, 'destination port 80 is outside '
                                         '22-22')],
                         [(c['id'], c['matched'], c['why'])
                          for c in considered])

    def test_backend_from_a_binding_and_differences(self):
        # B's member A holds 10.0.0.100 as a pair: the agents' firewalls
        # count it in the remote group, OVN does not.
        members = (facts.Member('port-a', (b.SG_A,), (b.A_IP,),
                                ('10.0.0.100',)),)
        a, bb = b.pair_of_ends(
            (b.group_a(),),
            (b.group_b(b.ingress('r-peer', remote_group=b.SG_A)),),
            a_kw={'pairs': ('10.0.0.100',)}, members=members)
        bound = dataclasses.replace(bb.facts.port, vif_type='ovs',
                                    vif_details={'bound_drivers':
                                                 {'0': 'ovn'}})
        bb = b.end(bound, bb.facts.groups, bb.facts.members)
        got = reach(a, bb, source_ip='10.0.0.100', protocol='udp', port=1)
        self.assertEqual('ovn', got['backend']['name'])
        self.assertIn("the port-b port's binding", got['backend']['chosen_by'])
        self.assertEqual(['destination'], got['blocked_at'])
        self.assertEqual(
            [('openvswitch', 'pass', []), ('iptables_hybrid', 'pass', [])],
            [(d['backend'], d['verdict'], d['blocked_at'])
             for d in got['differences']])
        forced = reach(a, bb, 'openvswitch', source_ip='10.0.0.100',
                       protocol='udp', port=1)
        self.assertEqual(('pass', '--backend'),
                         (forced['verdict'], forced['backend']['chosen_by']))

    def test_notes(self):
        a, bb = b.pair_of_ends(
            (b.group_a(),), (b.group_b(b.ingress('r')),),
            b_kw={'pairs': (('10.0.0.101', eb.VRRP_MAC),)})
        other = dataclasses.replace(bb, network_id='net-2')
        got = reach(a, other, protocol='icmp', icmp_type=0, icmp_code=0,
                    destination_ip='10.0.0.101')
        notes = ' '.join(got['notes'])
        self.assertIn('different networks (net-1 and net-2): routing '
                      'between them is outside the model', notes)
        self.assertIn('is sent to 10.0.0.101, which the port-b port holds '
                      'through its allowed address pair 10.0.0.101', notes)
        self.assertIn(f'with MAC {eb.VRRP_MAC}', notes)
        self.assertIn('Conntrack is assumed on for the network', notes)

    def test_outside_end(self):
        _, bb = b.pair_of_ends((), (b.group_b(b.ingress('r')),))
        got = reach(b.outside('203.0.113.9'), bb, admin=True,
                    protocol='udp', port=1)
        self.assertEqual({'outside': True, 'address': '203.0.113.9',
                          'reason': got['source']['reason']}, got['source'])
        self.assertIn('only the other end is evaluated',
                      got['source']['reason'])
        self.assertEqual([], got['trace'])

    def test_fix_with_what_it_also_opens(self):
        a, bb = b.pair_of_ends((b.group_a(),), (b.group_b(),))
        peers = [fix.Peer('port-b', 'b', (b.SG_B,)),
                 fix.Peer('port-c', 'db-2', (b.SG_B,))]
        got = reach(a, bb, peers=peers, protocol='tcp', port=5432)
        self.assertEqual([{'id': 'port-c', 'name': 'db-2'}],
                         got['fix'][0]['also_opens'])
