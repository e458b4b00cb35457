"""Tests of osc_portsec.reach.fix and osc_portsec.reach.trace."""

from __future__ import annotations

import shlex

import testtools

from osc_portsec.reach import fix
from osc_portsec.reach import follow
from osc_portsec.reach import trace
from tests.unit.reach import builders as b

PEERS = [
    fix.Peer('port-a', 'a', (b.SG_A,)),
    fix.Peer('port-b', 'b', (b.SG_B,)),
    fix.Peer('port-c', 'c', (b.SG_B,)),
    fix.Peer('port-off', 'off', (b.SG_B,), filtered=False),
    fix.Peer('port-d', 'd', (b.SG_A, b.SG_B)),
]


def fixes(source, destination, backend='ovn', **values):
    flow_ = b.built(source, destination, **values)
    result = follow.follow(source, destination, flow_, backend)
    return fix.fixes(result, source, destination, PEERS), result


class TestFix(testtools.TestCase):

    def test_rule_at_the_destination_and_what_it_also_opens(self):
        a, bb = b.pair_of_ends((b.group_a(),), (b.group_b(),))
        found, _ = fixes(a, bb, protocol='tcp', port=22)
        self.assertEqual([{
            'command': 'openstack security group rule create --ingress '
                       '--ethertype IPv4 --protocol tcp --dst-port 22 '
                       '--remote-ip 10.0.0.10/32 sg-b',
            'side': 'destination',
            'also_opens': [{'id': 'port-c', 'name': 'c'},
                           {'id': 'port-d', 'name': 'd'}]}], found)

    def test_egress_rule_at_the_source(self):
        a, bb = b.pair_of_ends(
            (b.group_b(b.ingress('r', group=b.SG_B)),),
            (b.group_b(b.ingress('r')),))
        found, _ = fixes(a, bb, protocol='icmp', icmp_type=8, icmp_code=0)
        self.assertEqual(
            'openstack security group rule create --egress --ethertype IPv4 '
            '--protocol icmp --icmp-type 8 --icmp-code 0 --remote-ip '
            '10.0.0.11/32 sg-b', found[0]['command'])
        self.assertEqual('source', found[0]['side'])

    def test_spoofed_source_and_foreign_destination_get_pairs(self):
        a, bb = b.pair_of_ends((b.group_a(),), (b.group_b(b.ingress('r')),))
        found, _ = fixes(a, bb, protocol='udp', port=1,
                         source_ip='10.0.0.50', destination_ip='10.0.0.60')
        commands = [(f['side'], f['command']) for f in found]
        self.assertIn(('source', 'openstack port security pair add port-a '
                       '--allowed-address ip-address=10.0.0.50'), commands)
        self.assertIn(('destination', 'openstack port security pair add '
                       'port-b --allowed-address ip-address=10.0.0.60'),
                      commands)

    def test_port_without_groups(self):
        a, bb = b.pair_of_ends((b.group_a(),), ())
        found, _ = fixes(a, bb, protocol='udp', port=1)
        self.assertEqual([{'command': 'openstack port set --security-group '
                                      '<security-group> port-b',
                           'side': 'destination', 'also_opens': []}], found)

    def test_reply_rule_at_a_stateless_destination(self):
        a, bb = b.pair_of_ends(
            (b.group_a(),), (b.group_b(b.ingress('r', protocol='tcp'),
                                       stateful=False),))
        found, result = fixes(a, bb, protocol='tcp', port=22)
        self.assertEqual(['reply'], result.blocked_at)
        self.assertEqual([{
            'command': 'openstack security group rule create --egress '
                       '--ethertype IPv4 --protocol tcp --dst-port '
                       '32768:60999 --remote-ip 10.0.0.10/32 sg-b',
            'side': 'reply',
            'also_opens': [{'id': 'port-c', 'name': 'c'},
                           {'id': 'port-d', 'name': 'd'}]}], found)

    def test_echo_reply_rule_at_a_stateless_source(self):
        a, bb = b.pair_of_ends(
            (b.group_a(stateful=False),),
            (b.group_b(b.ingress('r', protocol='icmp')),))
        found, _ = fixes(a, bb, protocol='icmp', icmp_type=8, icmp_code=0)
        self.assertEqual(
            'openstack security group rule create --ingress --ethertype '
            'IPv4 --protocol icmp --icmp-type 0 --remote-ip 10.0.0.11/32 '
            'sg-a', found[0]['command'])

    def test_no_change_opens_what_conntrack_drops(self):
        a, bb = b.pair_of_ends((b.group_a(),), (b.group_b(b.ingress('r')),))
        found, result = fixes(a, bb, protocol='icmp', icmp_type=0,
                              icmp_code=0)
        self.assertEqual(['source', 'destination'], result.blocked_at)
        self.assertEqual([], found)


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
