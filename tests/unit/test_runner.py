"""Tests of osc_portsec.runner: one mutation on one port, one way."""

import json
import logging
import types
from unittest import mock

import fixtures
from openstack.network.v2 import _proxy
from osc_lib.test import base

from osc_portsec import journal
from osc_portsec import mutations
from osc_portsec import pairs
from osc_portsec import runner
from tests.unit import fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
CLOUD = {'name': 'prod', 'auth_url': fakes.AUTH_URL, 'project_id': 'p1'}


class TestCloudInfo(base.TestCase):

    def test_no_secrets(self):
        app = types.SimpleNamespace(
            cloud=types.SimpleNamespace(
                name='prod',
                config={'auth': {'auth_url': fakes.AUTH_URL,
                                 'password': 's3cret', 'token': 't0k'}}),
            client_manager=types.SimpleNamespace(
                auth_ref=fakes.auth_ref(project_id=fakes.PROJECT_ID,
                                        project_name='web-team')),
        )
        self.assertEqual(
            {'name': 'prod', 'auth_url': fakes.AUTH_URL,
             'project_id': fakes.PROJECT_ID},
            runner.cloud_info(app))

    def test_without_cloud_or_token(self):
        app = types.SimpleNamespace(client_manager=types.SimpleNamespace())
        self.assertEqual({'project_id': None}, runner.cloud_info(app))


class TestChangePort(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.EnvironmentVariable(
            'XDG_STATE_HOME', self.useFixture(fixtures.TempDir()).path))
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.neutron = fakes.FakeNeutron(self.client)
        self.neutron.groups[fakes.SG_ID] = 'web'
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.neutron.add(self.port)

    def test_sequence(self):
        after = fakes.make_port(port_security_enabled=False,
                                security_groups=[], revision_number=4)
        self.client.update_port.return_value = after
        values = runner.change_port(self.client, 'web-1', None,
                                    mutations.Disable(), CLOUD, False)
        self.client.security_groups.assert_called_once_with(
            id=[fakes.SG_ID], fields=['id', 'name'])
        self.client.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=False,
            security_group_ids=[], allowed_address_pairs=[])
        self.assertEqual('updated', values['result'])
        self.assertEqual(
            [f'removed security group web ({fakes.SG_ID})',
             f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
             'disabled port security'],
            values['changes'])
        self.assertEqual(4, values['revision_number'])
        (entry,) = journal.entries()
        self.assertEqual('disable', entry['command'])
        self.assertEqual('prod', entry['cloud'])
        self.assertEqual(([fakes.SG_ID], [PAIR_A]), journal.removed(entry))

    def test_dry_run_sends_and_records_nothing(self):
        values = runner.change_port(self.client, 'web-1', None,
                                    mutations.PairClear(), CLOUD, True)
        self.client.update_port.assert_not_called()
        self.assertEqual('dry-run', values['result'])
        self.assertEqual(
            [f'would remove allowed address pair 10.0.0.9 '
             f'({fakes.PORT_MAC})'],
            values['changes'])
        self.assertEqual([], values['allowed_address_pairs'])
        self.assertEqual(3, values['revision_number'])
        self.assertEqual([], list(journal.entries()))

    def test_warnings_logged(self):
        self.client.update_port.return_value = self.port
        logger = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        runner.change_port(self.client, 'web-1', None,
                           mutations.PairAdd([pairs.Pair('0.0.0.0/0')]),
                           CLOUD, False)
        self.assertIn('Allowed address pair 0.0.0.0/0 on port web-1',
                      logger.output)

    def test_intent_written_before_the_put(self):
        seen = []

        def update_port(port_id, **attrs):
            with open(journal.path(), encoding='utf-8') as stream:
                seen.extend(json.loads(line)['phase'] for line in stream)
            return self.port

        self.client.update_port.side_effect = update_port
        runner.change_port(self.client, 'web-1', None,
                           mutations.PairClear(), CLOUD, False)
        self.assertEqual(['intent'], seen)
