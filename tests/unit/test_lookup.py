"""Tests of osc_portsec.lookup: a port by ID, name or fixed IP."""

from unittest import mock

from openstack import exceptions as sdk_exc
from openstack.network.v2 import _proxy
from openstack.network.v2 import network as _network
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import lookup
from tests.unit import fakes


OTHER_ID = '2c9f3a8e-7b6d-4e5f-9a0b-1c2d3e4f5a6b'
OTHER_NETWORK = '7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a'


class TestFindPort(base.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.port = fakes.make_port()

    def test_by_id(self):
        self.client.find_port.return_value = self.port
        self.assertIs(self.port, lookup.find_port(self.client, fakes.PORT_ID))
        self.client.find_port.assert_called_once_with(
            fakes.PORT_ID, ignore_missing=False)
        self.client.ports.assert_not_called()

    def test_by_name(self):
        self.client.find_port.return_value = self.port
        self.assertIs(self.port, lookup.find_port(self.client, 'web-1'))
        self.client.find_port.assert_called_once_with(
            'web-1', ignore_missing=False)

    def test_by_name_on_network(self):
        self.client.find_port.return_value = self.port
        lookup.find_port(self.client, 'web-1', fakes.NETWORK_ID)
        self.client.find_port.assert_called_once_with(
            'web-1', ignore_missing=False, network_id=fakes.NETWORK_ID)

    def test_by_fixed_ip(self):
        self.client.ports.return_value = iter([self.port])
        self.assertIs(self.port, lookup.find_port(self.client, '10.0.0.5'))
        self.client.ports.assert_called_once_with(
            fixed_ips='ip_address=10.0.0.5')
        self.client.find_port.assert_not_called()

    def test_by_fixed_ip_on_network(self):
        self.client.ports.return_value = iter([self.port])
        lookup.find_port(self.client, '2001:db8::5', fakes.NETWORK_ID)
        self.client.ports.assert_called_once_with(
            fixed_ips='ip_address=2001:db8::5', network_id=fakes.NETWORK_ID)

    def test_several_ports_for_ip(self):
        other = fakes.make_port(id=OTHER_ID, network_id=OTHER_NETWORK,
                                device_owner='')
        self.client.ports.return_value = iter([self.port, other])
        exc = self.assertRaises(
            exceptions.CommandError, lookup.find_port, self.client,
            '10.0.0.5',
        )
        message = str(exc)
        self.assertIn("More than one port has the fixed IP '10.0.0.5'",
                      message)
        self.assertIn(
            f'{fakes.PORT_ID} (network {fakes.NETWORK_ID}, device owner '
            f'compute:nova)', message)
        self.assertIn(
            f'{OTHER_ID} (network {OTHER_NETWORK}, device owner none)',
            message)
        self.assertIn('--network', message)
        self.client.find_port.assert_not_called()

    def test_ip_owned_by_no_port_falls_back_to_name(self):
        named = fakes.make_port(name='10.0.0.77')
        self.client.ports.return_value = iter([])
        self.client.find_port.return_value = named
        self.assertIs(named, lookup.find_port(self.client, '10.0.0.77'))
        self.client.find_port.assert_called_once_with(
            '10.0.0.77', ignore_missing=False)

    def test_duplicate_name(self):
        other = fakes.make_port(id=OTHER_ID)
        self.client.find_port.side_effect = sdk_exc.DuplicateResource(
            "More than one Port exists with the name 'web-1'.")
        self.client.ports.return_value = iter([self.port, other])
        exc = self.assertRaises(
            exceptions.CommandError, lookup.find_port, self.client, 'web-1',
            fakes.NETWORK_ID,
        )
        self.client.ports.assert_called_once_with(
            name='web-1', network_id=fakes.NETWORK_ID)
        self.assertIn("More than one port has the name 'web-1'", str(exc))
        self.assertIn(fakes.PORT_ID, str(exc))
        self.assertIn(OTHER_ID, str(exc))

    def test_not_found(self):
        self.client.find_port.side_effect = sdk_exc.NotFoundException(
            'No Port found for nope')
        exc = self.assertRaises(
            exceptions.CommandError, lookup.find_port, self.client, 'nope')
        self.assertEqual(
            "No port with ID, name or fixed IP 'nope' was found; check it "
            "with 'openstack port list'.", str(exc))

    def test_not_found_on_network(self):
        self.client.ports.return_value = iter([])
        self.client.find_port.side_effect = sdk_exc.NotFoundException(
            'No Port found for 10.0.0.77')
        exc = self.assertRaises(
            exceptions.CommandError, lookup.find_port, self.client,
            '10.0.0.77', fakes.NETWORK_ID)
        self.assertIn("'10.0.0.77' was found on network "
                      f"{fakes.NETWORK_ID}", str(exc))


class TestNetworkId(base.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)

    def test_none(self):
        self.assertIsNone(lookup.network_id(self.client, None))
        self.client.find_network.assert_not_called()

    def test_found(self):
        self.client.find_network.return_value = _network.Network(
            id=fakes.NETWORK_ID, name='private', _synchronized=True)
        self.assertEqual(fakes.NETWORK_ID,
                         lookup.network_id(self.client, 'private'))
        self.client.find_network.assert_called_once_with(
            'private', ignore_missing=False)

    def test_not_found(self):
        self.client.find_network.side_effect = sdk_exc.NotFoundException(
            'No Network found for nope')
        exc = self.assertRaises(exceptions.CommandError, lookup.network_id,
                                self.client, 'nope')
        self.assertIn("Network 'nope' was not found", str(exc))

    def test_duplicate(self):
        self.client.find_network.side_effect = sdk_exc.DuplicateResource(
            'More than one Network exists')
        exc = self.assertRaises(exceptions.CommandError, lookup.network_id,
                                self.client, 'private')
        self.assertIn("More than one network is named 'private'", str(exc))
