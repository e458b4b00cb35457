"""What was read from Neutron, as the evaluator holds it."""

from oslo_utils import netutils
import testtools

from osc_portsec.explain import facts


class TestValues(testtools.TestCase):

    def test_eui64_link_local_as_neutron_computes_it(self):
        for mac in ('fa:16:3e:00:00:01', 'fa:16:3e:e4:ff:0d',
                    '00:00:5e:00:01:0a'):
            self.assertEqual(
                str(netutils.get_ipv6_addr_by_EUI64('fe80::/64', mac)),
                facts.eui64_lla(mac), mac)
        # Seen in OVN's flows for this MAC on the local cloud.
        self.assertEqual('fe80::f816:3eff:fee4:ff0d',
                         facts.eui64_lla('fa:16:3e:e4:ff:0d'))

    def test_network_drops_host_bits(self):
        self.assertEqual('10.0.0.128/28',
                         str(facts.network('10.0.0.130/28')))
        self.assertEqual('10.0.0.5/32', str(facts.network(' 10.0.0.5')))

    def test_subnet_broadcast(self):
        self.assertEqual('10.0.0.255',
                         facts.Subnet('s', '10.0.0.0/24').broadcast)
        self.assertIsNone(facts.Subnet('s', '2001:db8::/64').broadcast)

    def test_group_tracks_only_with_rules_and_state(self):
        rule = facts.Rule('r', 'g', 'ingress', 'IPv4')
        self.assertTrue(facts.Group('g', 'web', True, (rule,)).tracks)
        self.assertFalse(facts.Group('g', 'web', True, ()).tracks)
        self.assertFalse(facts.Group('g', 'web', False, (rule,)).tracks)


class TestFromBodies(testtools.TestCase):

    def test_port(self):
        port = facts.port_from_body({
            'id': 'p', 'mac_address': 'FA:16:3E:00:00:01',
            'network_id': 'net',
            'fixed_ips': [{'subnet_id': 's4', 'ip_address': '10.0.0.5'},
                          {'subnet_id': 's6', 'ip_address': '2001:db8::5'},
                          {'subnet_id': 's4', 'ip_address': '10.0.0.6'}],
            'allowed_address_pairs': [{'ip_address': '10.0.0.130/28'}],
            'binding:vif_details': {'datapath_type': 'netdev'},
            'port_security_enabled': True, 'security_groups': ['g'],
        })
        self.assertEqual('fa:16:3e:00:00:01', port.mac_address)
        self.assertEqual(('s4', 's6'), port.subnet_ids)
        self.assertEqual('net', port.network_id)
        self.assertEqual((facts.Pair('10.0.0.130/28', 'fa:16:3e:00:00:01'),),
                         port.pairs)
        self.assertEqual('netdev', port.datapath_type)

    def test_datapath_not_shown(self):
        self.assertIsNone(facts.port_from_body({'id': 'p'}).datapath_type)
        self.assertIsNone(facts.port_from_body(
            {'id': 'p', 'binding:vif_details': {}}).datapath_type)

    def test_subnet(self):
        for body in ({'id': 's', 'cidr': '10.0.0.0/24',
                      'gateway_ip': '10.0.0.1', 'enable_dhcp': True},
                     {'id': 's', 'cidr': '10.0.0.0/24',
                      'gateway_ip': '10.0.0.1', 'is_dhcp_enabled': True}):
            self.assertEqual(
                facts.Subnet('s', '10.0.0.0/24', '10.0.0.1', True),
                facts.subnet_from_body(body))
        self.assertIsNone(facts.subnet_from_body(
            {'id': 's', 'cidr': '10.0.0.0/24', 'gateway_ip': None})
            .gateway_ip)

    def test_rule_takes_the_normalized_cidr(self):
        rule = facts.rule_from_body({
            'id': 'r', 'direction': 'ingress', 'ethertype': 'IPv6',
            'protocol': 'icmp', 'remote_ip_prefix': '10.1.2.3/16',
            'normalized_cidr': '10.1.0.0/16'})
        self.assertEqual('10.1.0.0/16', rule.remote_ip_prefix)
        self.assertEqual(58, rule.protocol)

    def test_group_defaults_to_stateful(self):
        group = facts.group_from_body({'id': 'g', 'security_group_rules': [
            {'id': 'r', 'direction': 'egress'}]})
        self.assertTrue(group.stateful)
        self.assertEqual('g', group.rules[0].group_id)
