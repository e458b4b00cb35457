"""Tests of osc_portsec.rollback and runner.roll_back: undo as a plan."""

from unittest import mock

import fixtures
from keystoneauth1 import exceptions as ks_exc
from openstack.network.v2 import _proxy
from osc_lib.test import base

from osc_portsec import errors
from osc_portsec import failures
from osc_portsec import rollback
from osc_portsec import runner
from tests.unit import fakes

CLOUD = {'name': 'prod', 'auth_url': fakes.AUTH_URL}
VIP = '10.0.0.100'


class TestJoined(base.TestCase):

    def test_only_what_the_join_added(self):
        added = {'allowed_address_pairs': [{'ip_address': VIP,
                                            'mac_address': 'm'}],
                 'security_groups': [{'id': fakes.SG2_ID, 'name': 'db'}]}
        step = rollback.joined('web-1', fakes.PORT_ID, VIP, added,
                               (fakes.SG2_ID, 'db'))
        self.assertEqual('the pair 10.0.0.100 and the security group db on '
                         'member web-1', step.what)
        self.assertEqual({'address': VIP, 'group': (fakes.SG2_ID, 'db'),
                          'pair': True}, dict(step.detail))
        self.assertEqual(f'openstack port security pair remove '
                         f'{fakes.PORT_ID} --allowed-address '
                         f'ip-address={VIP}', step.by_hand)

    def test_group_already_there_is_not_undone(self):
        added = {'allowed_address_pairs': [{'ip_address': VIP}],
                 'security_groups': []}
        step = rollback.joined('web-1', fakes.PORT_ID, VIP, added,
                               (fakes.SG2_ID, 'db'))
        self.assertIsNone(step.detail['group'])

    def test_nothing_added_nothing_to_undo(self):
        self.assertIsNone(rollback.joined(
            'web-1', fakes.PORT_ID, VIP,
            {'allowed_address_pairs': [], 'security_groups': []}, None))

    def test_steps_are_values(self):
        step = rollback.port_created('p1', 'web-vip')
        self.assertEqual(step, rollback.port_created('p1', 'web-vip'))
        with self.assertRaises(TypeError):
            step.detail['x'] = 1  # type: ignore[index]
        self.assertRaises(AttributeError, setattr, step, 'target', 'p2')


class TestRollBack(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.EnvironmentVariable(
            'XDG_STATE_HOME', self.useFixture(fixtures.TempDir()).path))
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.neutron = fakes.FakeVipNeutron(self.client)
        self.neutron.add(fakes.make_port(allowed_address_pairs=[
            {'ip_address': VIP, 'mac_address': fakes.PORT_MAC}]))

    def test_newest_first_and_each_reported(self):
        plan = (rollback.port_created('vip-id', 'web-vip'),
                rollback.rule_created('r1', 'db'),
                rollback.joined('web-1', fakes.PORT_ID, VIP, {
                    'allowed_address_pairs': [{'ip_address': VIP}]}, None))
        gone = ks_exc.ConnectFailure('Unable to establish connection to '
                                     'http://127.0.0.1:9696/v2.0/ports')
        self.client.delete_security_group_rule.side_effect = gone
        done = runner.roll_back(self.client, plan, CLOUD)
        self.assertEqual(
            [failures.Undone('the pair 10.0.0.100 on member web-1',
                             plan[2].by_hand),
             failures.Undone('the VRRP rule r1 of security group db',
                             'openstack security group rule delete r1',
                             left=True),
             failures.Undone('the VIP port web-vip (vip-id)',
                             'openstack port delete vip-id')], list(done))
        self.assertEqual([], self.neutron.ports[
            fakes.PORT_ID].allowed_address_pairs)
        self.client.delete_port.assert_called_once_with(
            'vip-id', ignore_missing=True)

    def test_a_name_comes_back(self):
        step = rollback.renamed(fakes.PORT_ID, '')
        self.assertEqual(f"openstack port set --name '' {fakes.PORT_ID}",
                         step.by_hand)
        self.neutron.update_port(fakes.PORT_ID, name='web-vip')
        done = runner.roll_back(self.client, (step,), CLOUD)
        self.assertEqual([failures.Undone(f'the name of port '
                                          f'{fakes.PORT_ID}', step.by_hand)],
                         list(done))
        self.assertEqual('', self.neutron.ports[fakes.PORT_ID].name)

    def test_the_sentence_from_the_data(self):
        cause = fakes.neutron_error(403, 'PolicyNotAuthorized', 'no')
        exc = failures.PartlyDone(failures.About(
            failures.Subject('web-2', 'allowed address pairs'), cause), (
            failures.Undone('the pair 10.0.0.100 on member web-1', 'x'),
            failures.Undone('the VIP port v (id)', 'openstack port delete id',
                            left=True)))
        text = errors.explain(exc)
        self.assertTrue(text.startswith(
            'You are not allowed to change allowed address pairs on port '
            'web-2'), text)
        self.assertTrue(text.endswith(
            'Rolled back: the pair 10.0.0.100 on member web-1. The rollback '
            'failed, so this is left: the VIP port v (id) (remove it with '
            "'openstack port delete id')."), text)
        self.assertIn('Nothing had been changed.', errors.explain(
            failures.PartlyDone(cause, ())))
