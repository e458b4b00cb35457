"""Tests of osc_portsec.reach.trace: the ovn-trace hand-off."""

from __future__ import annotations

import shlex

import testtools

from osc_portsec.reach import follow
from osc_portsec.reach import trace
from tests.unit.reach import builders as b


class TestTrace(testtools.TestCase):

    def commands(self, source, destination, admin=True, backend='ovn',
                 **values):
        flow_ = b.built(source, destination, **values)
        result = follow.follow(source, destination, flow_, backend)
        return trace.commands(result, source, destination, admin)

    def test_packet_and_reply(self):
        a, bb = b.pair_of_ends((b.group_a(),),
                               (b.group_b(b.ingress('r')),))
        forward, back = self.commands(a, bb, protocol='tcp', port=22)
        self.assertEqual(
            ['ovn-trace', '--ct=trk,new', '--ct=trk,new', 'neutron-net-1',
             'inport == "port-a" && eth.src == fa:16:3e:00:00:0a && '
             'eth.dst == fa:16:3e:00:00:0b && ip4.src == 10.0.0.10 && '
             'ip4.dst == 10.0.0.11 && ip.ttl == 64 && tcp && tcp.src == '
             '32768 && tcp.dst == 22'], shlex.split(forward))
        self.assertEqual(
            ['ovn-trace', '--ct=trk,est,rpl', '--ct=trk,est,rpl',
             'neutron-net-1',
             'inport == "port-b" && eth.src == fa:16:3e:00:00:0b && '
             'eth.dst == fa:16:3e:00:00:0a && ip4.src == 10.0.0.11 && '
             'ip4.dst == 10.0.0.10 && ip.ttl == 64 && tcp && tcp.src == '
             '22 && tcp.dst == 32768'], shlex.split(back))

    def test_conntrack_states_follow_the_ends(self):
        a, bb = b.pair_of_ends(
            (b.group_a(stateful=False),), (b.group_b(b.ingress('r')),))
        forward = self.commands(a, bb, protocol='icmp', icmp_type=0,
                                icmp_code=0)
        # A's stateless ACL lets it skip conntrack; B's finds it invalid.
        self.assertEqual(['ovn-trace', '--ct=trk,inv'],
                         shlex.split(forward[0])[:2])
        echo = self.commands(a, bb, protocol='icmp', icmp_type=8,
                             icmp_code=0)
        # The reply is tracked at B (est) and at A, where the request was
        # not: an echo reply starting nothing is invalid there.
        self.assertEqual(['--ct=trk,est,rpl', '--ct=trk,inv'],
                         shlex.split(echo[1])[1:3])
        vrrp = self.commands(a, bb, protocol='vrrp',
                             destination_ip='224.0.0.18')
        self.assertEqual(1, len(vrrp))
        self.assertNotIn('--ct', vrrp[0])
        self.assertIn('ip.proto == 112', vrrp[0])

    def test_only_for_admins_on_ovn_between_ports_of_one_network(self):
        a, bb = b.pair_of_ends((b.group_a(),), (b.group_b(),))
        self.assertEqual([], self.commands(a, bb, admin=False))
        self.assertEqual([], self.commands(a, bb, backend='openvswitch'))
        self.assertEqual([], self.commands(a, b.outside('203.0.113.9')))
        other = b.end(bb.facts.port, (b.group_b(),), network='net-2')
        self.assertEqual([], self.commands(a, other))
