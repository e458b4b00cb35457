"""The answer of explain: the verdict, its fix and the other back ends."""

import testtools

from osc_portsec.explain import evaluate
from osc_portsec.explain import verdict
from tests.unit.explain import builders as b

ID = 'port-a'
PAIR_ADD = 'openstack port security pair add port-a --allowed-address '


def outcome(decided_by, check='', verdict_='drop', reason='Because.'):
    return evaluate.Outcome('ovn', verdict_, decided_by, reason, check=check)


class TestFix(testtools.TestCase):

    def fix(self, out, **values):
        subject = b.port()
        return verdict.fix(out, b.make_packet(subject, **values), subject)

    def test_decided_by_data_not_by_words(self):
        # The reason's text plays no part: only decided_by and check.
        words = 'whatever the rules say'
        spoofed = dict(direction='egress', local_ip='10.0.0.77',
                       remote_ip='10.0.0.9')
        self.assertEqual(
            [PAIR_ADD + 'ip-address=10.0.0.77',
             'openstack port security disable port-a'],
            self.fix(outcome(evaluate.ANTI_SPOOFING, evaluate.SOURCE,
                             reason=words), **spoofed))
        self.assertEqual(
            ['openstack port security disable port-a'],
            self.fix(outcome(evaluate.ANTI_SPOOFING, evaluate.BANNED,
                             reason='Anything.'), **spoofed))

    def test_destination_pair_for_the_mac_the_frame_goes_to(self):
        self.assertEqual(
            [PAIR_ADD + 'ip-address=10.0.0.100,mac-address=00:00:5e:00:01:0a',
             'openstack port security disable port-a'],
            self.fix(outcome(evaluate.ANTI_SPOOFING, evaluate.DESTINATION),
                     direction='ingress', local_ip='10.0.0.100',
                     local_mac=b.VRRP_MAC, remote_ip='10.0.0.9'))
        self.assertEqual(
            [PAIR_ADD + 'ip-address=10.0.0.100',
             'openstack port security disable port-a'],
            self.fix(outcome(evaluate.ANTI_SPOOFING, evaluate.DESTINATION),
                     direction='ingress', local_ip='10.0.0.100',
                     local_mac=b.MAC, remote_ip='10.0.0.9'))

    def test_a_frame_to_another_mac(self):
        self.assertEqual(
            ['openstack port security disable port-a'],
            self.fix(outcome(evaluate.ANTI_SPOOFING, evaluate.OTHER_MAC),
                     direction='ingress', local_ip='10.0.0.5',
                     local_mac=b.OTHER_MAC, remote_ip='10.0.0.9'))

    def test_nothing_to_run(self):
        for by, check in ((evaluate.CONNTRACK, 'reply'),
                          (evaluate.PORT_SECURITY_UNKNOWN, ''),
                          (evaluate.ALWAYS_ALLOWED, ''),
                          (evaluate.TRUSTED_PORT, '')):
            self.assertEqual([], self.fix(outcome(by, check),
                                          direction='ingress',
                                          remote_ip='10.0.0.9'), by)

    def test_rules(self):
        self.assertEqual(
            ['openstack security group rule create --ingress --ethertype '
             'IPv4 --protocol tcp --dst-port 22 --remote-ip 10.0.0.9/32 '
             'sg-web'],
            self.fix(outcome(evaluate.NO_MATCHING_RULE), direction='ingress',
                     protocol='tcp', port=22, remote_ip='10.0.0.9'))
        self.assertEqual(
            ['openstack port security enable port-a'],
            self.fix(outcome(evaluate.PORT_SECURITY_DISABLED, verdict_='pass'),
                     direction='ingress', remote_ip='10.0.0.9'))


class TestExplain(testtools.TestCase):

    def test_ingress_shows_the_mac_judged(self):
        port = b.port(pairs=(('10.0.0.100', b.VRRP_MAC),))
        subject = b.make_facts(port)
        answer = verdict.explain(subject, b.make_packet(
            port, direction='ingress', local_ip='10.0.0.100',
            remote_ip='10.0.0.9'))
        self.assertEqual(b.VRRP_MAC, answer.packet['local_mac'])
        answer = verdict.explain(subject, b.make_packet(
            port, direction='ingress', local_ip='224.0.0.18',
            remote_ip='10.0.0.9'))
        self.assertEqual('01:00:5e:00:00:12', answer.packet['local_mac'])

    def test_unknown_without_the_flag(self):
        port = b.port(port_security_enabled=None)
        answer = verdict.explain(
            b.make_facts(port), b.make_packet(
                port, direction='ingress', protocol='tcp', port=23,
                remote_ip='10.0.0.9'), 'ovn')
        self.assertEqual(('unknown', 'port_security_unknown', []),
                         (answer.verdict, answer.decided_by, answer.fix))
        self.assertIn('Still filtered: drop (no_matching_rule)',
                      answer.reason)
        self.assertIn('Not filtered: pass (port_security_disabled)',
                      answer.reason)
        self.assertEqual(
            {('openvswitch', 'drop'), ('iptables_hybrid', 'drop')},
            {(d['backend'], d['verdict']) for d in answer.differences})

    def test_differences_name_the_other_back_ends(self):
        port = b.port(pairs=('10.0.0.130/28',))
        rules = b.group(b.rule('eg', direction='egress'))
        answer = verdict.explain(
            b.make_facts(port, (rules,)), b.make_packet(
                port, direction='egress', local_ip='10.0.0.131',
                remote_ip='10.0.0.9'), 'ovn')
        self.assertEqual(('drop', 'anti_spoofing'),
                         (answer.verdict, answer.decided_by))
        self.assertEqual(
            [('openvswitch', 'pass', 'security_group_rule'),
             ('iptables_hybrid', 'pass', 'security_group_rule')],
            [(d['backend'], d['verdict'], d['decided_by'])
             for d in answer.differences])
