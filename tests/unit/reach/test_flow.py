"""Tests of osc_portsec.reach.flow: the values read, the packet built."""

from __future__ import annotations

from osc_lib import exceptions
import testtools

from osc_portsec.explain import facts
from osc_portsec.reach import flow
from tests.unit.explain import builders as eb
from tests.unit.reach import builders as b


class TestWanted(testtools.TestCase):

    def test_values_are_read_by_explains_packet_rules(self):
        got = flow.wanted('TCP', 22, source_ip='10.0.0.5',
                          destination_ip='10.0.0.6')
        self.assertEqual((6, 22, '10.0.0.5', '10.0.0.6', 'IPv4'),
                         (got.protocol, got.port, got.local_ip,
                          got.remote_ip, got.ethertype))
        six = flow.wanted('icmp', ethertype='IPv6')
        self.assertEqual(58, six.protocol)

    def test_bad_values_name_the_option(self):
        for kwargs, words in (
            ({'source_ip': '10.0.0.300'}, "--source-ip '10.0.0.300' is not"),
            ({'destination_ip': 'web'}, "--destination-ip 'web' is not"),
            ({'source_ip': '10.0.0.5', 'destination_ip': '2001:db8::1'},
             'are of different IP versions'),
            ({'protocol': 'bogus'}, "Unknown protocol 'bogus'"),
            ({'protocol': 'icmp', 'port': 22}, '--port 22 needs'),
            ({'protocol': 'icmp', 'icmp_code': 1}, 'needs --icmp-type'),
            ({'destination_ip': '10.0.0.5', 'ethertype': 'IPv6'},
             'contradicts'),
        ):
            exc = self.assertRaises(exceptions.CommandError, flow.wanted,
                                    **kwargs)
            self.assertIn(words, str(exc))


class TestBuild(testtools.TestCase):

    def ends(self, **b_kw):
        return b.pair_of_ends((b.group_a(),), (b.group_b(),), b_kw=b_kw)

    def test_defaults_are_the_ports_own(self):
        a, bb = self.ends()
        got = b.built(a, bb, protocol='udp', port=53)
        self.assertEqual(
            {'ethertype': 'IPv4', 'protocol': 'udp', 'port': 53,
             'icmp_type': None, 'icmp_code': None, 'source_ip': b.A_IP,
             'destination_ip': b.B_IP, 'source_mac': b.A_MAC,
             'destination_mac': b.B_MAC}, got.to_dict())

    def test_ipv6_from_the_ethertype(self):
        a = b.end(facts.Port('a', b.A_MAC, ('10.0.0.10', '2001:db8::a'),
                             name='a'))
        bb = b.end(facts.Port('b', b.B_MAC, ('10.0.0.11', '2001:db8::b'),
                              name='b'))
        got = b.built(a, bb, ethertype='IPv6', protocol='icmp')
        self.assertEqual(('2001:db8::a', '2001:db8::b', 58),
                         (got.source_ip, got.destination_ip, got.protocol))

    def test_a_port_without_an_address_of_the_version(self):
        a, bb = self.ends()
        exc = self.assertRaises(exceptions.CommandError, b.built, a, bb,
                                ethertype='IPv6')
        self.assertIn('Port port-a has no IPv6 fixed IP to send from; give '
                      '--source-ip', str(exc))
        empty = b.end(facts.Port('c', b.B_MAC, (), name='c'))
        exc = self.assertRaises(exceptions.CommandError, b.built, a, empty)
        self.assertIn('to receive at; give --destination-ip', str(exc))

    def test_outside_ends_are_their_address(self):
        a, _ = self.ends()
        got = b.built(a, b.outside('203.0.113.9'), protocol='tcp', port=443)
        self.assertEqual(('203.0.113.9', None),
                         (got.destination_ip, got.destination_mac))
        exc = self.assertRaises(
            exceptions.CommandError, b.built, b.outside('203.0.113.9'), a,
            source_ip='203.0.113.10')
        self.assertIn('203.0.113.9 is an address outside Neutron, so it is '
                      "the packet's source address; leave --source-ip",
                      str(exc))
        exc = self.assertRaises(exceptions.CommandError, b.built,
                                b.outside('2001:db8::9'), a)
        self.assertIn('no IPv6 fixed IP to receive at', str(exc))
        exc = self.assertRaises(exceptions.CommandError, b.built,
                                b.outside('2001:db8::9'), a,
                                destination_ip='10.0.0.10')
        self.assertIn('different IP versions', str(exc))

    def test_macs_of_pairs_and_broadcasts(self):
        a, bb = self.ends(pairs=(('10.0.0.101', eb.VRRP_MAC),
                                 ('10.0.1.0/24', b.B_MAC)))
        port = bb.facts.port
        self.assertEqual(eb.VRRP_MAC, flow.sending_mac(port, '10.0.0.101'))
        self.assertEqual(b.B_MAC, flow.sending_mac(port, '10.0.1.7'))
        self.assertEqual(b.B_MAC, flow.sending_mac(port, '10.9.9.9'))
        for ip, mac in (('255.255.255.255', 'ff:ff:ff:ff:ff:ff'),
                        ('224.0.0.18', '01:00:5e:00:00:12'),
                        ('ff02::12', '33:33:00:00:00:12'),
                        ('10.0.0.101', eb.VRRP_MAC)):
            self.assertEqual(mac, flow.receiving_mac(port, ip))
        to_vip = b.built(a, bb, destination_ip='10.0.0.101')
        self.assertFalse(to_vip.to_multicast_mac)
        self.assertTrue(b.built(a, bb, destination_ip='224.0.0.18',
                                protocol='vrrp').to_multicast_mac)

    def test_packets_at_each_end(self):
        a, bb = self.ends()
        got = b.built(a, bb, protocol='tcp', port=22)
        out, into = got.out_of_source(), got.into_destination()
        self.assertEqual(('egress', b.A_IP, b.B_IP, b.A_MAC),
                         (out.direction, out.local_ip, out.remote_ip,
                          out.local_mac))
        self.assertEqual(('ingress', b.B_IP, b.A_IP),
                         (into.direction, into.local_ip, into.remote_ip))
        back = got.reply_out_of_destination(port=32768)
        self.assertEqual(('egress', b.B_IP, b.A_IP, 32768, b.B_MAC),
                         (back.direction, back.local_ip, back.remote_ip,
                          back.port, back.local_mac))
        home = got.reply_into_source(port=32768)
        self.assertEqual(('ingress', b.A_IP, b.B_IP),
                         (home.direction, home.local_ip, home.remote_ip))
