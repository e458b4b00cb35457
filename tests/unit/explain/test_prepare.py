"""The read: at most three requests after the port, whatever its size."""

from unittest import mock

from openstack.network.v2 import _proxy
from openstack.network.v2 import address_group as _address_group
from openstack.network.v2 import port as _port
from openstack.network.v2 import security_group as _security_group
import testtools

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
