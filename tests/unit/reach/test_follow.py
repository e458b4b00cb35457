"""Tests of osc_portsec.reach.follow: one packet at both ends and back."""

from __future__ import annotations

import dataclasses

import testtools

from osc_portsec.explain import facts
from osc_portsec.explain import verdict
from osc_portsec.reach import follow
from tests.unit.explain import builders as eb
from tests.unit.reach import builders as b

OVN = 'ovn'


def run(source, destination, backend=OVN, **values):
    return follow.follow(source, destination,
                         b.built(source, destination, **values), backend)


class TestForward(testtools.TestCase):

    def test_both_ends_allow(self):
        a, bb = b.pair_of_ends(
            (b.group_a(),), (b.group_b(b.ingress('r22', protocol='tcp',
                                                 lo=22, hi=22)),))
        result = run(a, bb, protocol='tcp', port=22)
        self.assertEqual(('pass', []), (result.verdict, result.blocked_at))
        self.assertEqual('r-out', result.source.rule.id)
        self.assertEqual('r22', result.destination.rule.id)
        self.assertEqual('pass', result.reply.verdict)

    def test_destination_without_rule(self):
        a, bb = b.pair_of_ends((b.group_a(),), (b.group_b(),))
        result = run(a, bb, protocol='tcp', port=22)
        self.assertEqual(['destination'], result.blocked_at)
        self.assertEqual('no_matching_rule', result.destination.decided_by)
        self.assertEqual('pass', result.source.verdict)

    def test_source_spoofing_and_destination_both_listed(self):
        a, bb = b.pair_of_ends((b.group_a(),), (b.group_b(),))
        result = run(a, bb, protocol='udp', port=53,
                     source_ip='10.0.0.99')
        # The reply to the spoofed address is not delivered to A either.
        self.assertEqual(['source', 'destination', 'reply'],
                         result.blocked_at)
        self.assertEqual('anti_spoofing', result.source.decided_by)

    def test_stateful_sender_drops_an_unsolicited_echo_reply(self):
        # The story: the sender's own conntrack drops it (explain
        # judged only the destination then; it now knows conntrack too).
        a, bb = b.pair_of_ends(
            (b.group_a(),), (b.group_b(b.ingress('r-any')),))
        result = run(a, bb, protocol='icmp', icmp_type=0, icmp_code=0)
        self.assertEqual('conntrack', result.source.decided_by)
        self.assertEqual('drop', result.source.verdict)
        # The destination's group is stateful too: its conntrack drops it.
        self.assertEqual(['source', 'destination'], result.blocked_at)
        self.assertIsNone(result.reply.verdict)
        alone = verdict.explain(bb.facts, result.flow.into_destination(),
                                OVN)
        self.assertEqual(('drop', 'conntrack'),
                         (alone.verdict, alone.decided_by))

    def test_stateless_receiver_does_not_save_it(self):
        # The receiver's stateless rule skips conntrack in its own stage
        # of OVN's pipeline (its allow-stateless ACL), not in the sender's:
        # the stateful sender's conntrack drops it (measured:
        # tests/functional/test_reach_differential.py, blocked at the
        # source only).
        a, bb = b.pair_of_ends(
            (b.group_a(),),
            (b.group_b(b.ingress('r-any'), stateful=False),))
        result = run(a, bb, protocol='icmp', icmp_type=3, icmp_code=3)
        self.assertEqual(['source'], result.blocked_at)
        self.assertEqual(('conntrack', 'security_group_rule'), (
            result.source.decided_by, result.destination.decided_by))
        # explain, judging the receiver alone, does not know the sender:
        # on this stateful network the sender's stage tracks it.
        alone = verdict.explain(
            dataclasses.replace(bb.facts, network_stateful=True),
            result.flow.into_destination(), OVN)
        self.assertEqual(('drop', 'conntrack'),
                         (alone.verdict, alone.decided_by))
        self.assertIn("sender's stage", alone.reason)

    def test_port_security_off_sender_on_a_stateful_network(self):
        # A has no ACLs: its stage tracks everything on a stateful network.
        a, bb = b.pair_of_ends(
            (), (b.group_b(b.ingress('r-any'), stateful=False),),
            a_kw={'port_security_enabled': False})
        result = run(a, bb, protocol='icmp', icmp_type=0, icmp_code=0)
        self.assertEqual(['source'], result.blocked_at)
        # Known to have no stateful group, the network tracks nothing.
        untracked = b.end(a.facts.port, stateful=False)
        quiet = dataclasses.replace(bb, network_stateful=False)
        self.assertEqual([], run(untracked, quiet, protocol='icmp',
                                 icmp_type=0, icmp_code=0).blocked_at)
        # The openvswitch firewall leaves A alone but tracks every
        # filtered port, B too.
        self.assertEqual(['destination'], run(
            a, bb, 'openvswitch', protocol='icmp', icmp_type=0,
            icmp_code=0).blocked_at)

    def test_broadcast_is_not_tracked_on_ovn(self):
        a, bb = b.pair_of_ends((b.group_a(),), (b.group_b(b.ingress('r')),))
        result = run(a, bb, protocol='icmp', icmp_type=0, icmp_code=0,
                     destination_ip='255.255.255.255')
        self.assertEqual('ff:ff:ff:ff:ff:ff', result.flow.destination_mac)
        self.assertEqual([], result.blocked_at)
        self.assertIsNone(result.reply.verdict)
        self.assertIn('broadcast', result.reply.reason)

    def test_outside_source_judged_at_the_destination_only(self):
        _, bb = b.pair_of_ends((), (b.group_b(b.ingress(
            'r-web', protocol='tcp', lo=443, hi=443,
            prefix='203.0.113.0/24')),))
        result = run(b.outside('203.0.113.9'), bb, protocol='tcp',
                     port=443)
        self.assertIsNone(result.source)
        self.assertEqual('pass', result.verdict)
        self.assertIn('outside Neutron', result.reply.reason)
        dropped = run(b.outside('198.51.100.9'), bb, protocol='tcp',
                      port=443)
        self.assertEqual(['destination'], dropped.blocked_at)

    def test_outside_destination(self):
        a, _ = b.pair_of_ends((b.group_a(),), ())
        result = run(a, b.outside('198.51.100.7'), protocol='udp', port=53)
        self.assertEqual('pass', result.verdict)
        self.assertIsNone(result.destination)


class TestPairsAndAddresses(testtools.TestCase):

    def _ends(self, **b_kw):
        return b.pair_of_ends(
            (b.group_a(),), (b.group_b(b.ingress('r-any')),), b_kw=b_kw)

    def test_vip_destination_with_the_port_mac(self):
        a, bb = self._ends(pairs=(('10.0.0.100', b.B_MAC),))
        result = run(a, bb, destination_ip='10.0.0.100', protocol='udp',
                     port=5000)
        self.assertEqual(b.B_MAC, result.flow.destination_mac)
        self.assertEqual('pass', result.verdict)

    def test_vrrp_mac_pair_is_addressed_to_its_mac(self):
        a, bb = self._ends(pairs=(('10.0.0.101', eb.VRRP_MAC),))
        result = run(a, bb, destination_ip='10.0.0.101', protocol='udp',
                     port=5000)
        self.assertEqual(eb.VRRP_MAC, result.flow.destination_mac)
        self.assertEqual('pass', result.verdict)
        # The reply leaves B from the VRRP MAC that the pair allows.
        self.assertEqual('pass', result.reply.verdict)

    def test_foreign_destination_dropped_by_ovn_only(self):
        a, bb = self._ends()
        result = run(a, bb, destination_ip='10.0.0.200', protocol='udp',
                     port=5000)
        # B does not answer from that address either.
        self.assertEqual(['destination', 'reply'], result.blocked_at)
        self.assertEqual('anti_spoofing', result.destination.decided_by)
        other = run(a, bb, 'openvswitch', destination_ip='10.0.0.200',
                    protocol='udp', port=5000)
        # The agents' firewalls deliver it; B's answer from that address
        # is still refused on the way out.
        self.assertEqual(['reply'], other.blocked_at)

    def test_host_bits_pair_lets_only_the_host_through_ovn(self):
        a, bb = b.pair_of_ends(
            (b.group_a(),), (b.group_b(b.ingress('r-any')),),
            a_kw={'pairs': ('10.0.0.130/28',)})
        self.assertEqual([], run(a, bb, source_ip='10.0.0.130',
                                 protocol='udp', port=1).blocked_at)
        spoofed = run(a, bb, source_ip='10.0.0.131', protocol='udp', port=1)
        self.assertEqual(['source', 'reply'], spoofed.blocked_at)
        self.assertEqual([], run(a, bb, 'openvswitch', source_ip='10.0.0.131',
                                 protocol='udp', port=1).blocked_at)

    def test_port_without_fixed_ips_sends_from_any_address(self):
        a_port = facts.Port('port-a', b.A_MAC, (), (), 'port-a',
                            security_group_ids=(b.SG_A,))
        a = b.end(a_port, (b.group_a(),))
        _, bb = self._ends()
        self.assertEqual([], run(a, bb, source_ip='10.0.0.222',
                                 protocol='udp', port=1).blocked_at)
        self.assertEqual(['source'], run(
            a, bb, 'openvswitch', source_ip='10.0.0.222', protocol='udp',
            port=1).blocked_at)


class TestReply(testtools.TestCase):

    def test_stateless_destination_needs_a_rule_for_the_reply(self):
        a, bb = b.pair_of_ends(
            (b.group_a(),),
            (b.group_b(b.ingress('r22', protocol='tcp', lo=22, hi=22),
                       stateful=False),))
        result = run(a, bb, protocol='tcp', port=22)
        self.assertEqual(['reply'], result.blocked_at)
        self.assertEqual('drop', result.verdict)
        self.assertEqual([('destination', 'no_matching_rule')],
                         [(n, o.decided_by) for n, o in
                          result.reply.blocking])
        self.assertIn('stateless', result.reply.reason)

    def test_stateless_ends_with_reply_rules(self):
        a, bb = b.pair_of_ends(
            (b.group_a(b.ingress('r-back', group=b.SG_A, protocol='tcp',
                                 lo=1024, hi=65535), stateful=False),),
            (b.group_b(b.ingress('r22', protocol='tcp', lo=22, hi=22),
                       b.egress('r-out', protocol='tcp'),
                       stateful=False),))
        result = run(a, bb, protocol='tcp', port=22)
        self.assertEqual(('pass', []), (result.verdict, result.blocked_at))

    def test_part_of_the_ephemeral_ports_is_not_enough(self):
        a, bb = b.pair_of_ends(
            (b.group_a(b.ingress('r-back', group=b.SG_A, protocol='udp',
                                 lo=32768, hi=40000), stateful=False),),
            (b.group_b(b.ingress('r53', protocol='udp', lo=53, hi=53),
                       b.egress('r-out'), stateful=False),))
        result = run(a, bb, protocol='udp', port=53)
        self.assertEqual(['reply'], result.blocked_at)
        self.assertIn('part of', result.reply.reason)

    def test_echo_reply_type_for_a_stateless_source(self):
        a, bb = b.pair_of_ends(
            (b.group_a(b.ingress('r-echo-reply', group=b.SG_A,
                                 protocol='icmp', lo=0), stateful=False),),
            (b.group_b(b.ingress('r-ping', protocol='icmp', lo=8)),))
        self.assertEqual([], run(a, bb, protocol='icmp', icmp_type=8,
                                 icmp_code=0).blocked_at)

    def test_no_reply_for_protocols_without_one(self):
        a, bb = b.pair_of_ends((b.group_a(),), (b.group_b(b.ingress('r')),))
        result = run(a, bb, protocol='vrrp')
        self.assertIsNone(result.reply.verdict)
        self.assertEqual('pass', result.verdict)
