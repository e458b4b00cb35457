"""OVN's port security, as ovn-controller's flows enforce it.

Each case was seen in the flows of the local cloud (``ovs-ofctl
dump-flows``, tables 73-75 of OVN 23.03) and with real packets
(tests/functional/explain_classes.py).
"""

import testtools

from osc_portsec.explain import ovn
from osc_portsec.explain import packet as _packet
from tests.unit.explain import builders as b


def out(local_ip, local_mac=b.MAC, **kw):
    return _packet.Packet('egress', '', local_ip=local_ip,
                          local_mac=local_mac, **kw)


def to(local_ip):
    return _packet.Packet('ingress', '', local_ip=local_ip)


class TestEntries(testtools.TestCase):

    def test_one_entry_per_mac(self):
        port = b.port(pairs=('10.0.0.100', ('10.0.0.101', b.VRRP_MAC),
                             ('10.0.0.102', b.VRRP_MAC)))
        found = ovn.entries(port)
        self.assertEqual([b.MAC, b.VRRP_MAC], [e.mac for e in found])
        self.assertEqual(['10.0.0.5', '2001:db8::5', '10.0.0.100'],
                         [a.text for a in found[0].addresses])
        self.assertEqual(['10.0.0.101', '10.0.0.102'],
                         [a.text for a in found[1].addresses])

    def test_host_bits(self):
        host = ovn.address('10.0.0.130/28')
        self.assertEqual(['10.0.0.130/32'], [str(n) for n in host.sources])
        self.assertEqual(['10.0.0.130/32', '10.0.0.143/32'],
                         [str(n) for n in host.destinations])
        net = ovn.address('10.0.0.128/28')
        self.assertEqual(['10.0.0.128/28'], [str(n) for n in net.sources])
        six = ovn.address('2001:db8::85/123')
        self.assertEqual(['2001:db8::85/128'], [str(n) for n in six.sources])
        self.assertEqual(['2001:db8::85/128'],
                         [str(n) for n in six.destinations])
        six = ovn.address('2001:db8::80/123')
        self.assertEqual(['2001:db8::80/123'], [str(n) for n in six.sources])

    def test_link_local_of_the_entry_mac(self):
        self.assertEqual('fe80::f816:3eff:fe00:1',
                         ovn.entries(b.port())[0].lla)


class TestSource(testtools.TestCase):

    def check(self, port, packet):
        return ovn.source_check(packet, port)[0]

    def test_fixed_ip_and_pairs(self):
        port = b.port(pairs=('10.0.0.130/28', ('10.0.0.100', b.VRRP_MAC)))
        for packet, ok in (
                (out('10.0.0.5'), True), (out('10.0.0.6'), False),
                (out('10.0.0.130'), True), (out('10.0.0.131'), False),
                (out('10.0.0.100', b.VRRP_MAC), True),
                (out('10.0.0.100'), False), (out('10.0.0.5', b.VRRP_MAC),
                                             False),
                (out('10.0.0.5', b.OTHER_MAC), False)):
            self.assertEqual(ok, self.check(port, packet), packet)

    def test_why_names_what_ovn_reads(self):
        port = b.port(pairs=('10.0.0.130/28', ('10.0.0.100', b.VRRP_MAC)))
        self.assertEqual(
            (False, '10.0.0.131 is inside allowed address pair '
                    '10.0.0.130/28, but OVN reads a CIDR with host bits as '
                    'its host only'),
            ovn.source_check(out('10.0.0.131'), port))
        self.assertEqual(
            (False, 'OVN lets 10.0.0.100 out only with MAC '
                    '00:00:5e:00:01:0a, not fa:16:3e:00:00:01'),
            ovn.source_check(out('10.0.0.100'), port))

    def test_entry_without_addresses_sends_anything(self):
        port = b.port(fixed_ips=())
        self.assertTrue(self.check(port, out('192.0.2.1')))
        self.assertTrue(self.check(port, out('2001:db8::77')))
        self.assertFalse(self.check(port, out('192.0.2.1', b.OTHER_MAC)))

    def test_addresses_of_one_version_block_the_other(self):
        port = b.port(fixed_ips=(b.IP4,))
        self.assertFalse(self.check(port, out('fe80::f816:3eff:fe00:1')))
        port = b.port(fixed_ips=(b.IP6,))
        self.assertTrue(self.check(port, out('fe80::f816:3eff:fe00:1')))
        self.assertFalse(self.check(port, out('10.0.0.5')))

    def test_advertising_the_link_local_address(self):
        lla = 'fe80::f816:3eff:fe00:1'
        self.assertFalse(self.check(b.port(), out(
            lla, protocol=58, icmp_type=136, remote_ip='ff02::1')))
        self.assertTrue(self.check(b.port(), out(
            '2001:db8::5', protocol=58, icmp_type=136, remote_ip='ff02::1')))
        self.assertTrue(self.check(b.port(), out(
            lla, protocol=58, icmp_type=135, remote_ip='ff02::1:ff00:9')))

    def test_dhcp_discovery_and_dad(self):
        port = b.port()
        self.assertTrue(self.check(port, out(
            '0.0.0.0', protocol=17, port=67, remote_ip='255.255.255.255')))
        self.assertFalse(self.check(port, out(
            '0.0.0.0', protocol=17, port=53, remote_ip='255.255.255.255')))
        self.assertTrue(self.check(port, out(
            '::', protocol=58, icmp_type=135, remote_ip='ff02::1:ff00:5')))


class TestDestination(testtools.TestCase):

    def check(self, port, ip, mac=b.MAC):
        return ovn.destination_check(to(ip), port, mac)[0]

    def test_group_macs_skip_port_security(self):
        for mac in ('ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:05',
                    '33:33:00:00:00:01'):
            self.assertTrue(self.check(b.port(), '192.0.2.1', mac), mac)

    def test_unicast_mac_needs_its_addresses(self):
        port = b.port(pairs=('10.0.0.130/28', ('10.0.0.100', b.VRRP_MAC)))
        for ip, mac, ok in (
                ('10.0.0.5', b.MAC, True), ('10.0.0.255', b.MAC, False),
                ('255.255.255.255', b.MAC, True), ('224.0.0.18', b.MAC, True),
                ('10.0.0.130', b.MAC, True), ('10.0.0.143', b.MAC, True),
                ('10.0.0.129', b.MAC, False),
                ('10.0.0.100', b.VRRP_MAC, True),
                ('10.0.0.100', b.MAC, False),
                ('10.0.0.5', b.VRRP_MAC, False),
                ('2001:db8::5', b.VRRP_MAC, False),
                ('ff02::1', b.MAC, True), ('fe80::f816:3eff:fe00:1', b.MAC,
                                           True),
                ('fe80::1234', b.MAC, False),
                ('10.0.0.5', b.OTHER_MAC, False)):
            self.assertEqual(ok, self.check(port, ip, mac), (ip, mac))

    def test_entry_without_addresses_receives_anything(self):
        self.assertTrue(self.check(b.port(fixed_ips=()), '192.0.2.1'))
        paired = b.port(fixed_ips=(), pairs=('10.0.0.100',))
        self.assertFalse(self.check(paired, '192.0.2.1'))
        self.assertTrue(self.check(paired, '10.0.0.100'))

    def test_why(self):
        port = b.port(pairs=(('10.0.0.100', b.VRRP_MAC),))
        self.assertEqual(
            'OVN delivers 10.0.0.100 only in frames to MAC 00:00:5e:00:01:0a, '
            'and this frame goes to fa:16:3e:00:00:01',
            ovn.destination_check(to('10.0.0.100'), port, b.MAC)[1])
        self.assertEqual(
            'OVN port security lists no IPv6 address for MAC '
            '00:00:5e:00:01:0a, so it delivers no IPv6 packet to it',
            ovn.destination_check(to('2001:db8::5'), port, b.VRRP_MAC)[1])
