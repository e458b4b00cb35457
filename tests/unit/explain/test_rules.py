"""Which rules match a packet, and why the others do not."""

import testtools

from osc_portsec.explain import evaluate
from osc_portsec.explain import rules
from tests.unit.explain import builders as b

OVN = 'ovn'
SSH = b.rule('ssh', protocol='tcp', lo=22, hi=22)
EGRESS_ANY = b.rule('eg4', direction='egress')
EGRESS_ANY6 = b.rule('eg6', direction='egress', ethertype='IPv6')
WEB = b.group(SSH, EGRESS_ANY, EGRESS_ANY6)


class TestConsidered(testtools.TestCase):

    def test_every_rule_with_why(self):
        subject = b.make_facts(groups=(WEB,))
        packet = b.make_packet(subject.port, direction='ingress',
                               protocol='tcp', port=80,
                               remote_ip='192.0.2.9')
        out = evaluate.judge(subject, packet, OVN)
        self.assertEqual(['ssh', 'eg4', 'eg6'],
                         [c.rule.id for c in out.considered])
        self.assertEqual(
            ['destination port 80 is outside 22-22',
             'the rule is for egress traffic',
             'the rule is for egress traffic'],
            [c.why for c in out.considered])

    def test_unknown_remote_matches_only_open_rules(self):
        subject = b.make_facts(groups=(b.group(b.rule(
            'lan', protocol='tcp', lo=22, hi=22, prefix='10.1.0.0/16')),))
        packet = b.make_packet(subject.port, direction='ingress',
                               protocol='tcp', port=22)
        out = evaluate.judge(subject, packet, OVN)
        self.assertEqual('no_matching_rule', out.decided_by)
        self.assertIn('--remote-ip', out.considered[0].why)


class TestMatch(testtools.TestCase):

    def test_remote_group_members_per_back_end(self):
        subject = b.make_facts(
            groups=(b.group(b.rule('peers', remote_group=b.SG)),),
            members=(b.member('port-b', ('10.0.0.6',),
                              ('10.0.0.100', '10.0.0.130/28')),))
        for remote, backend, matched in (
                ('10.0.0.6', 'ovn', True), ('10.0.0.100', 'ovn', False),
                ('10.0.0.100', 'openvswitch', True),
                # A member's pair with host bits: the agents' ipsets and
                # flows take its network.
                ('10.0.0.131', 'iptables_hybrid', True)):
            packet = b.make_packet(subject.port, direction='ingress',
                                   protocol='udp', port=9, remote_ip=remote)
            found = rules.match(subject, packet, backend,
                                rules.statics(subject, packet))
            self.assertEqual(matched, found[0].matched, (remote, backend))
            if not matched:
                self.assertEqual(
                    f'{remote} is not among the fixed IPs of the member '
                    f'ports of group {b.SG}', found[0].why)
