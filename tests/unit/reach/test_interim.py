"""Tests of osc_portsec.reach.interim: per-port classes explain lacks."""

from __future__ import annotations

import testtools

from osc_portsec.explain import facts
from osc_portsec.reach import interim
from tests.unit.explain import builders as eb


class TestInterim(testtools.TestCase):

    def test_host_bits_pair_is_its_host_on_ovn(self):
        subject = eb.make_facts(eb.port(pairs=('10.0.0.130/28',
                                               '10.0.1.0/24', '10.0.2.5')))
        got = interim.facts(subject, 'ovn').port.pairs
        self.assertEqual(['10.0.0.130', '10.0.1.0/24', '10.0.2.5'],
                         [p.ip_address for p in got])
        self.assertIs(subject, interim.facts(subject, 'openvswitch'))
        plain = eb.make_facts(eb.port(pairs=('10.0.1.0/24',)))
        self.assertIs(plain, interim.facts(plain, 'ovn'))

    def test_host_bits_in_a_verdict(self):
        subject = eb.make_facts(eb.port(pairs=('10.0.0.130/28',)),
                                (eb.group(eb.rule(direction='egress')),))
        for ip, ovn, ovs in (('10.0.0.130', 'pass', 'pass'),
                             ('10.0.0.131', 'drop', 'pass')):
            packet = eb.make_packet(subject.port, direction='egress',
                                    local_ip=ip, remote_ip='10.0.0.9')
            self.assertEqual(ovn, interim.judge(subject, packet,
                                                'ovn').verdict)
            self.assertEqual(ovs, interim.judge(subject, packet,
                                                'openvswitch').verdict)

    def test_port_without_fixed_ips_sends_from_any_address(self):
        port = facts.Port('p', eb.MAC, (), security_group_ids=(eb.SG,))
        subject = eb.make_facts(port, (eb.group(eb.rule(
            direction='egress')),))
        packet = eb.make_packet(port, direction='egress',
                                local_ip='10.9.9.9', remote_ip='10.0.0.9')
        self.assertEqual('pass', interim.judge(subject, packet,
                                               'ovn').verdict)
        self.assertEqual('drop', interim.judge(subject, packet,
                                               'openvswitch').verdict)
        spoofed_mac = eb.make_packet(
            port, direction='egress', local_ip='10.9.9.9',
            local_mac=eb.OTHER_MAC, remote_ip='10.0.0.9')
        self.assertEqual('drop', interim.judge(subject, spoofed_mac,
                                               'ovn').verdict)
