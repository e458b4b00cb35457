"""The read: at most three requests after the port, whatever its size."""

from unittest import mock

from openstack.network.v2 import _proxy
from openstack.network.v2 import address_group as _address_group
from openstack.network.v2 import port as _port
from openstack.network.v2 import security_group as _security_group
from openstack.network.v2 import subnet as _subnet
import testtools

from osc_portsec.explain import packet as _packet
from osc_portsec.explain import prepare
from tests.unit import fakes


def rule(n, **values):
    body = {'id': f'r{n}', 'direction': 'ingress', 'ethertype': 'IPv4',
            'protocol': 'tcp', 'port_range_min': n, 'port_range_max': n,
            'remote_group_id': None, 'remote_address_group_id': None}
    body.update(values)
    return body


class TestPrepare(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)

    def test_requests_do_not_grow_with_rules(self):
        rules = [rule(n, remote_group_id=fakes.SG2_ID if n % 2 else None,
                      remote_address_group_id='ag' if n == 7 else None)
                 for n in range(1, 500)]
        self.client.security_groups.return_value = iter([
            _security_group.SecurityGroup(
                id=fakes.SG_ID, name='web', security_group_rules=rules,
                _synchronized=True)])
        self.client.ports.return_value = iter([_port.Port(
            id='m1', security_groups=[fakes.SG2_ID],
            fixed_ips=[{'ip_address': '10.0.0.8'}],
            allowed_address_pairs=[{'ip_address': '10.0.0.99',
                                    'mac_address': 'fa:16:3e:00:00:08'}],
            _synchronized=True)])
        self.client.address_groups.return_value = iter([
            _address_group.AddressGroup(id='ag', addresses=['10.9.0.0/16'],
                                        _synchronized=True),
            _address_group.AddressGroup(id='other', addresses=['10.8.0.0/16'],
                                        _synchronized=True)])
        got = prepare.prepare(self.client, fakes.make_port())
        self.assertEqual(499, len(got.groups[0].rules))
        self.assertEqual(('10.0.0.99',), got.members[0].pair_ips)
        self.assertEqual({'ag': ('10.9.0.0/16',)}, dict(got.address_groups))
        self.client.security_groups.assert_called_once_with(
            id=[fakes.SG_ID])
        self.client.ports.assert_called_once_with(
            security_groups=[fakes.SG2_ID], fields=list(prepare.MEMBER_FIELDS))
        self.client.address_groups.assert_called_once_with()
        self.assertEqual(3, len(self.client.mock_calls))

    def test_no_group_no_request(self):
        got = prepare.prepare(
            self.client, fakes.make_port(security_groups=[]))
        self.assertEqual((), got.groups)
        self.assertEqual([], self.client.mock_calls)

    def test_port_facts(self):
        port = fakes.make_port(
            allowed_address_pairs=[{'ip_address': '10.0.0.9',
                                    'mac_address': 'FA:16:3E:AA:BB:CC'}],
            device_owner='network:dhcp')
        got = prepare.port_facts(port)
        self.assertEqual(('10.0.0.5',), got.fixed_ips)
        self.assertEqual('fa:16:3e:aa:bb:cc', got.pairs[0].mac_address)
        self.assertEqual((fakes.SG_ID,), got.security_group_ids)
        self.assertEqual('network:dhcp', got.device_owner)
        self.assertTrue(got.port_security_enabled)

    def test_port_facts_without_the_flag(self):
        # The SDK says False for the field; the cloud did not report it.
        got = prepare.port_facts(fakes.make_port(port_security_enabled=None))
        self.assertIsNone(got.port_security_enabled)


class TestReadOnlyWhatThePacketNeeds(testtools.TestCase):
    """Subnets and the network's groups: only for the packets they decide."""

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.client.security_groups.return_value = iter([
            _security_group.SecurityGroup(
                id=fakes.SG_ID, name='cold', stateful=False,
                security_group_rules=[rule(1)], _synchronized=True)])

    def test_an_ordinary_packet_reads_nothing_more(self):
        for wanted in (
                _packet.parse('ingress', protocol='tcp', port=22,
                              remote_ip='10.0.0.9'),
                _packet.parse('ingress', protocol='icmp', icmp_type=8,
                              local_ip='10.0.0.5')):
            self.client.reset_mock()
            got = prepare.prepare(self.client, fakes.make_port(), wanted)
            self.assertEqual(((), None), (got.subnets, got.network_stateful))
            self.assertEqual(1, len(self.client.mock_calls))

    def test_subnets_for_another_destination_or_a_dhcp_server(self):
        self.client.subnets.return_value = iter([_subnet.Subnet(
            id=fakes.SUBNET_ID, cidr='10.0.0.0/24', gateway_ip='10.0.0.1',
            is_dhcp_enabled=True, _synchronized=True)])
        wanted = _packet.parse('ingress', protocol='udp', port=9,
                               local_ip='10.0.0.255')
        got = prepare.prepare(self.client, fakes.make_port(), wanted)
        self.assertEqual('10.0.0.255', got.subnets[0].broadcast)
        self.client.subnets.assert_called_once_with(id=[fakes.SUBNET_ID])
        self.client.subnets.reset_mock()
        self.client.subnets.return_value = iter([])
        prepare.prepare(self.client, fakes.make_port(), _packet.parse(
            'ingress', protocol='udp', port=68, remote_ip='10.0.0.1'))
        self.client.subnets.assert_called_once_with(id=[fakes.SUBNET_ID])

    def test_network_groups_for_what_conntrack_refuses(self):
        self.client.ports.return_value = iter([
            _port.Port(id='other', security_groups=[fakes.SG2_ID],
                       _synchronized=True)])
        self.client.security_groups.side_effect = [
            self.client.security_groups.return_value,
            iter([_security_group.SecurityGroup(
                id=fakes.SG2_ID, name='default', stateful=True,
                security_group_rules=[rule(2)], _synchronized=True)])]
        wanted = _packet.parse('ingress', protocol='icmp', icmp_type=0,
                               remote_ip='10.0.0.9')
        got = prepare.prepare(self.client, fakes.make_port(), wanted)
        self.assertTrue(got.network_stateful)
        self.client.ports.assert_called_once_with(
            network_id=fakes.NETWORK_ID, fields=['id', 'security_groups'])
        self.assertEqual(
            mock.call(id=[fakes.SG2_ID]),
            self.client.security_groups.call_args_list[1])

    def test_a_stateful_group_of_the_port_is_enough(self):
        self.client.security_groups.return_value = iter([
            _security_group.SecurityGroup(
                id=fakes.SG_ID, name='web', security_group_rules=[rule(1)],
                _synchronized=True)])
        wanted = _packet.parse('ingress', protocol='icmp', icmp_type=0)
        got = prepare.prepare(self.client, fakes.make_port(), wanted)
        self.assertTrue(got.network_stateful)
        self.client.ports.assert_not_called()
