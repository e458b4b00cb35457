"""Tests of osc_portsec.reach.conntrack."""

from __future__ import annotations

import dataclasses

import testtools

from osc_portsec.explain import evaluate
from osc_portsec.explain import packet as _packet
from osc_portsec.reach import conntrack
from tests.unit.explain import builders as eb


def icmp(itype, code=0, version=4):
    return _packet.Packet(
        'egress', 'IPv4' if version == 4 else 'IPv6',
        _packet.ICMP if version == 4 else _packet.ICMPV6,
        icmp_type=itype, icmp_code=code, remote_ip='10.0.0.11',
        local_ip='10.0.0.10')


PASS = evaluate.Outcome('ovn', 'pass', 'security_group_rule', 'allowed')


class TestInvalid(testtools.TestCase):

    def test_requests_open_connections(self):
        for itype in (8, 13, 15):
            self.assertIsNone(conntrack.invalid(icmp(itype)))
        self.assertIsNone(conntrack.invalid(icmp(128, version=6)))

    def test_answers_without_a_connection(self):
        for itype in (0, 3, 11, 14, 17, 200):
            self.assertIn(f'type {itype} answers',
                          conntrack.invalid(icmp(itype)))
        self.assertIn('ICMPv6 type 129',
                      conntrack.invalid(icmp(129, version=6)))

    def test_request_with_a_code(self):
        self.assertIn('only with code 0, not 1',
                      conntrack.invalid(icmp(8, 1)))

    def test_neighbour_discovery_and_other_protocols(self):
        self.assertIsNone(conntrack.invalid(icmp(135, version=6)))
        tcp = dataclasses.replace(icmp(0), protocol=6, icmp_type=None)
        self.assertIsNone(conntrack.invalid(tcp))
        self.assertIsNone(conntrack.invalid(
            dataclasses.replace(icmp(0), icmp_type=None)))


class TestTracked(testtools.TestCase):

    def facts(self, stateful=True, **port):
        group = eb.group(stateful=stateful)
        return eb.make_facts(eb.port(**port), (group,))

    def test_stateful_and_stateless_groups(self):
        self.assertTrue(conntrack.tracked(self.facts(), PASS, 'ovn', None))
        self.assertFalse(conntrack.tracked(self.facts(False), PASS, 'ovn',
                                           None))
        self.assertFalse(conntrack.tracked(self.facts(False), PASS,
                                           'iptables_hybrid', None))
        # The openvswitch firewall has no stateless mode.
        self.assertTrue(conntrack.tracked(self.facts(False), PASS,
                                          'openvswitch', None))

    def test_unfiltered_port_on_ovn_follows_the_network(self):
        off = evaluate.Outcome('ovn', 'pass', 'port_security_disabled', '')
        facts = self.facts(port_security_enabled=False)
        self.assertTrue(conntrack.tracked(facts, off, 'ovn', None))
        self.assertTrue(conntrack.tracked(facts, off, 'ovn', True))
        self.assertFalse(conntrack.tracked(facts, off, 'ovn', False))
        self.assertFalse(conntrack.tracked(facts, off, 'openvswitch', True))


class TestCheck(testtools.TestCase):

    def test_turns_a_pass_of_an_invalid_packet(self):
        facts = eb.make_facts(eb.port(), (eb.group(),))
        got = conntrack.check(facts, icmp(0), PASS, 'ovn', None)
        self.assertEqual(('drop', 'conntrack'),
                         (got.verdict, got.decided_by))
        self.assertIn('whatever the rules say', got.reason)

    def test_leaves_drops_free_traffic_and_multicast(self):
        facts = eb.make_facts(eb.port(), (eb.group(),))
        drop = evaluate.Outcome('ovn', 'drop', 'no_matching_rule', '')
        free = evaluate.Outcome('ovn', 'pass', 'always_allowed', '')
        for outcome in (drop, free):
            self.assertIs(outcome, conntrack.check(facts, icmp(0), outcome,
                                                   'ovn', None))
        self.assertIs(PASS, conntrack.check(facts, icmp(0), PASS, 'ovn',
                                            None, multicast=True))
        self.assertEqual('drop', conntrack.check(
            facts, icmp(0), PASS, 'openvswitch', None,
            multicast=True).verdict)
        self.assertIs(PASS, conntrack.check(facts, icmp(8), PASS, 'ovn',
                                            None))


class TestReplyShapes(testtools.TestCase):

    def test_ports_of_the_client(self):
        tcp = dataclasses.replace(icmp(None), protocol=6, port=22)
        self.assertEqual(([{'port': 32768}, {'port': 60999}], None),
                         conntrack.reply_shapes(tcp))

    def test_icmp_requests_and_the_rest(self):
        self.assertEqual(([{'icmp_type': 0, 'icmp_code': 0}], None),
                         conntrack.reply_shapes(icmp(8)))
        self.assertEqual(([{'icmp_type': 129, 'icmp_code': 0}], None),
                         conntrack.reply_shapes(icmp(128, version=6)))
        shapes, why = conntrack.reply_shapes(icmp(3, 3))
        self.assertEqual([], shapes)
        self.assertIn('not a request', why)
        shapes, why = conntrack.reply_shapes(
            dataclasses.replace(icmp(None), protocol=112))
        self.assertIn('protocol vrrp has no replies', why)
