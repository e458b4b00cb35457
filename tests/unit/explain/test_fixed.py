"""What the back ends decide before the rules: the agents' anti-spoofing,
the natural destination MAC, traffic always allowed and banned."""

import dataclasses

import testtools

from osc_portsec.explain import facts
from osc_portsec.explain import fixed
from osc_portsec.explain import packet as _packet
from tests.unit.explain import builders as b

OVN, OVS, IPT = 'ovn', 'openvswitch', 'iptables_hybrid'


def ingress(local_ip, **kw):
    return _packet.Packet('ingress', 'IPv6' if ':' in local_ip else 'IPv4',
                          local_ip=local_ip, **kw)


def egress(local_ip, local_mac=b.MAC, **kw):
    return _packet.Packet('egress', 'IPv6' if ':' in local_ip else 'IPv4',
                          local_ip=local_ip, local_mac=local_mac, **kw)


class TestDestinationMac(testtools.TestCase):

    def mac(self, local_ip, **kw):
        subject = b.make_facts(**kw)
        return fixed.destination_mac(subject, ingress(local_ip))

    def test_natural_macs(self):
        for ip, mac in (('10.0.0.5', b.MAC),
                        ('255.255.255.255', 'ff:ff:ff:ff:ff:ff'),
                        ('224.0.0.18', '01:00:5e:00:00:12'),
                        ('239.129.2.3', '01:00:5e:01:02:03'),
                        ('ff02::1:ff00:5', '33:33:ff:00:00:05'),
                        ('192.0.2.1', b.MAC)):
            self.assertEqual(mac, self.mac(ip), ip)

    def test_subnet_broadcast_when_the_subnet_is_known(self):
        self.assertEqual('ff:ff:ff:ff:ff:ff',
                         self.mac('10.0.0.255', subnets=(b.SUBNET4,)))
        self.assertEqual(b.MAC, self.mac('10.0.0.255'))

    def test_a_vip_goes_to_its_pair_mac(self):
        port = b.port(pairs=(('10.0.0.100', b.VRRP_MAC),))
        self.assertEqual(b.VRRP_MAC, self.mac('10.0.0.100', port_=port))
        self.assertEqual(b.MAC, self.mac('10.0.0.5', port_=port))

    def test_given_mac_wins(self):
        subject = b.make_facts()
        packet = ingress('10.0.0.5', local_mac=b.VRRP_MAC)
        self.assertEqual(b.VRRP_MAC, fixed.destination_mac(subject, packet))


class TestAgentsSource(testtools.TestCase):

    def ok(self, port, packet, backend):
        return fixed.source_check(packet, port, backend)[0]

    def test_host_bits_are_the_network(self):
        port = b.port(pairs=('10.0.0.130/28',))
        for backend in (OVS, IPT):
            self.assertTrue(self.ok(port, egress('10.0.0.131'), backend))
            self.assertFalse(self.ok(port, egress('10.0.0.144'), backend))

    def test_no_fixed_ip(self):
        port = b.port(fixed_ips=())
        self.assertTrue(self.ok(port, egress('192.0.2.1'), IPT))
        self.assertFalse(self.ok(port, egress('192.0.2.1'), OVS))
        self.assertFalse(self.ok(port, egress('192.0.2.1', b.OTHER_MAC),
                                 IPT))

    def test_link_local_addresses(self):
        lla = facts.eui64_lla(b.MAC)
        vrrp_lla = facts.eui64_lla(b.VRRP_MAC)
        v4_only = b.port(fixed_ips=(b.IP4,))
        self.assertTrue(self.ok(v4_only, egress(lla), OVS))
        self.assertFalse(self.ok(v4_only, egress(lla), IPT))
        self.assertTrue(self.ok(b.port(), egress(lla), IPT))
        # iptables: the LLA of a pair MAC that has an IPv6 address.
        v6_pair = b.port(pairs=(('2001:db8::100', b.VRRP_MAC),))
        v4_pair = b.port(pairs=(('10.0.0.100', b.VRRP_MAC),))
        self.assertTrue(self.ok(v6_pair, egress(vrrp_lla, b.VRRP_MAC), IPT))
        self.assertFalse(self.ok(v4_pair, egress(vrrp_lla, b.VRRP_MAC), IPT))
        self.assertFalse(self.ok(v6_pair, egress(vrrp_lla, b.VRRP_MAC), OVS))

    def test_dhcp_discovery_from_zero(self):
        packet = egress('0.0.0.0', protocol=17, port=67,
                        remote_ip='255.255.255.255')
        for backend in (OVN, OVS, IPT):
            self.assertTrue(self.ok(b.port(), packet, backend), backend)


class TestAgentsDestination(testtools.TestCase):

    def test_macs_only(self):
        port = b.port(pairs=(('10.0.0.100', b.VRRP_MAC),))
        packet = ingress('192.0.2.9')
        for mac, ok in ((b.MAC, True), (b.VRRP_MAC, True),
                        ('ff:ff:ff:ff:ff:ff', True), (b.OTHER_MAC, False)):
            for backend in (OVS, IPT):
                self.assertEqual(
                    ok, fixed.destination_check(packet, port, backend,
                                                mac)[0], (mac, backend))


class TestFreeAndBanned(testtools.TestCase):

    def test_ovn_dhcp_server_is_the_gateway(self):
        subject = b.make_facts(subnets=(b.SUBNET4,))
        said = ("OVN always lets DHCP replies of the network's DHCP service "
                "in")
        reply = ingress('10.0.0.5', protocol=17, port=68)
        self.assertEqual(said, fixed.free(reply, OVN, subject))
        from_gateway = dataclasses.replace(reply, remote_ip='10.0.0.1')
        self.assertEqual(said, fixed.free(from_gateway, OVN, subject))
        other = dataclasses.replace(reply, remote_ip='10.0.0.7')
        self.assertIsNone(fixed.free(other, OVN, subject))
        self.assertEqual(said.replace('OVN', 'The openvswitch firewall'),
                         fixed.free(other, OVS, subject))
        no_dhcp = b.make_facts(subnets=(dataclasses.replace(
            b.SUBNET4, enable_dhcp=False),))
        self.assertIsNone(fixed.free(from_gateway, OVN, no_dhcp))

    def test_banned_only_by_the_agents(self):
        server = egress('10.0.0.5', protocol=17, port=68)
        ra = egress(facts.eui64_lla(b.MAC), protocol=58, icmp_type=134)
        for packet in (server, ra):
            self.assertIsNone(fixed.banned(packet, OVN))
            for backend in (OVS, IPT):
                self.assertIn('whatever the rules say',
                              fixed.banned(packet, backend))

    def test_group_macs(self):
        for mac, group in (('ff:ff:ff:ff:ff:ff', True),
                           ('01:00:5e:00:00:01', True),
                           ('33:33:00:00:00:01', True),
                           (b.MAC, False), (b.VRRP_MAC, False)):
            self.assertEqual(group, fixed.is_group_mac(mac), mac)
