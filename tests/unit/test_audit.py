"""Tests of osc_portsec.audit: the filters of the list audit."""

import argparse
import types
from unittest import mock

from openstack.compute.v2 import _proxy as compute_proxy
from openstack.identity.v3 import _proxy as identity_proxy
from openstack.network.v2 import _proxy
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import audit
from osc_portsec import columns
from tests.unit import fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
SERVER_ID = 'd6b0e6a0-1f2e-4c3d-8b9a-7f6e5d4c3b2a'
OTHER_PROJECT = '9f8e7d6c5b4a49388271605f4e3d2c1b'


class TestKeep(base.TestCase):

    def test_filters(self):
        on = fakes.make_port()
        paired = fakes.make_port(allowed_address_pairs=[PAIR_A])
        off = fakes.make_port(port_security_enabled=False,
                              security_groups=[])
        missing = fakes.make_port(port_security_enabled=None)
        for port, security, with_pairs, kept in (
            (on, None, False, True),
            (on, 'enabled', False, True),
            (on, 'disabled', False, False),
            (off, 'disabled', False, True),
            (off, 'enabled', False, False),
            (missing, None, False, True),
            (on, None, True, False),
            (paired, 'enabled', True, True),
        ):
            self.assertEqual(kept, audit.keep(port, security, with_pairs),
                             (port.is_port_security_enabled, security,
                              with_pairs))


class TestKeepMissingExtensions(base.TestCase):

    def test_port_security_filter_refuses_without_the_flag(self):
        missing = fakes.make_port(port_security_enabled=None)
        for security in ('enabled', 'disabled'):
            exc = self.assertRaises(exceptions.CommandError, audit.keep,
                                    missing, security, False)
            self.assertIn('--port-security cannot filter ports', str(exc))
            self.assertIn('port-security extension', str(exc))

    def test_with_pairs_refuses_without_pairs(self):
        missing = fakes.make_port(allowed_address_pairs=None,
                                  security_groups=None)
        exc = self.assertRaises(exceptions.CommandError, audit.keep,
                                missing, None, True)
        self.assertIn('--with-pairs cannot filter ports', str(exc))
        self.assertTrue(audit.keep(missing, 'enabled', False))


class TestPorts(base.TestCase):

    def test_one_query(self):
        client = mock.Mock(spec=_proxy.Proxy)
        wanted = fakes.make_port(port_security_enabled=False,
                                 security_groups=[])
        client.ports.return_value = iter([fakes.make_port(), wanted])
        found = audit.ports(client, {'fields': ['id']}, 'disabled', False)
        self.assertEqual([wanted], list(found))
        client.ports.assert_called_once_with(sort_key='id', sort_dir='asc',
                                             fields=['id'])


class AppTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.identity = mock.Mock(spec=identity_proxy.Proxy)
        self.compute = mock.Mock(spec=compute_proxy.Proxy)
        self.network = mock.Mock(spec=_proxy.Proxy)
        self.neutron = fakes.FakeNeutron(self.network)
        self.neutron.networks[fakes.NETWORK_ID] = 'private'
        self.app = types.SimpleNamespace(client_manager=types.SimpleNamespace(
            auth_ref=fakes.auth_ref(project_id=fakes.PROJECT_ID,
                                    project_name=fakes.PROJECT_NAME),
            sdk_connection=types.SimpleNamespace(identity=self.identity,
                                                 compute=self.compute),
            network=self.network,
        ))


class TestQuery(AppTestCase):

    def args(self, **given):
        values = dict(network=None, project=None, server=None,
                      device_owner=None, fixed_ip=None)
        values.update(given)
        return argparse.Namespace(**values)

    def test_fields_only(self):
        self.assertEqual(
            {'fields': columns.fields(columns.LIST.table)},
            audit.query(self.app, self.args(), columns.LIST.table))

    def test_every_filter(self):
        query = audit.query(
            self.app,
            self.args(network='private', project=fakes.PROJECT_NAME,
                      server=SERVER_ID, device_owner='compute:nova',
                      fixed_ip='10.0.0.5'),
            columns.LIST.table)
        self.assertEqual(
            {'fields': columns.fields(columns.LIST.table),
             'network_id': fakes.NETWORK_ID,
             'project_id': fakes.PROJECT_ID,
             'device_id': SERVER_ID,
             'device_owner': 'compute:nova',
             'fixed_ips': ['ip_address=10.0.0.5']},
            query)
