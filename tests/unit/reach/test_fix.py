"""Tests of osc_portsec.reach.fix: the change at each blocking side."""

from __future__ import annotations

import testtools

from osc_portsec.reach import fix
from osc_portsec.reach import follow
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
