"""Tests of osc_portsec.view: what show, list and the mutations display."""

from unittest import mock

from openstack.network.v2 import _proxy
from osc_lib.test import base

from osc_portsec import plans
from osc_portsec import update
from osc_portsec import view
from tests.unit import fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
OTHER_MAC = 'fa:16:3e:aa:bb:cc'


class TestGroupNames(base.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)

    def test_one_request(self):
        self.client.security_groups.return_value = iter([
            fakes.make_group(fakes.SG_ID, 'web'),
        ])
        names = view.group_names(
            self.client, [fakes.SG_ID, fakes.SG2_ID, fakes.SG_ID]
        )
        self.client.security_groups.assert_called_once_with(
            id=[fakes.SG_ID, fakes.SG2_ID], fields=['id', 'name']
        )
        self.assertEqual({fakes.SG_ID: 'web', fakes.SG2_ID: None}, names)

    def test_unnamed_group(self):
        self.client.security_groups.return_value = iter([
            fakes.make_group(fakes.SG_ID, ''),
        ])
        self.assertEqual(
            {fakes.SG_ID: ''}, view.group_names(self.client, [fakes.SG_ID])
        )

    def test_no_groups_no_request(self):
        self.assertEqual({}, view.group_names(self.client, []))
        self.client.security_groups.assert_not_called()


class TestDisableWouldRemove(base.TestCase):

    def test_pairs_and_groups(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.assertEqual(
            {
                'security_groups': [{'id': fakes.SG_ID, 'name': 'web'}],
                'allowed_address_pairs': [PAIR_A],
                'neutron_refuses_plain_disable':
                    'AddressPairAndPortSecurityRequired',
            },
            view.disable_would_remove(port, {fakes.SG_ID: 'web'}),
        )

    def test_groups_only(self):
        port = fakes.make_port()
        self.assertEqual(
            {
                'security_groups': [{'id': fakes.SG_ID, 'name': None}],
                'allowed_address_pairs': [],
                'neutron_refuses_plain_disable':
                    'PortSecurityPortHasSecurityGroup',
            },
            view.disable_would_remove(port, {}),
        )

    def test_nothing(self):
        port = fakes.make_port(security_groups=[])
        self.assertEqual(
            {'security_groups': [], 'allowed_address_pairs': [],
             'neutron_refuses_plain_disable': None},
            view.disable_would_remove(port, {}),
        )

    def test_disabled(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        self.assertIsNone(view.disable_would_remove(port, {}))

    def test_no_extension(self):
        port = fakes.make_port(port_security_enabled=None)
        self.assertIsNone(view.disable_would_remove(port, {}))


class TestPortValues(base.TestCase):

    def test_values(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        values = view.port_values(port, {fakes.SG_ID: 'web'})
        self.assertEqual(
            {
                'id': fakes.PORT_ID,
                'name': 'web-1',
                'status': 'ACTIVE',
                'network_id': fakes.NETWORK_ID,
                'device_owner': 'compute:nova',
                'device_id': 'd6b0e6a0-1f2e-4c3d-8b9a-7f6e5d4c3b2a',
                'mac_address': fakes.PORT_MAC,
                'fixed_ips': [{'subnet_id': fakes.SUBNET_ID,
                               'ip_address': '10.0.0.5'}],
                'port_security_enabled': True,
                'security_group_ids': [fakes.SG_ID],
                'security_groups': [{'id': fakes.SG_ID, 'name': 'web'}],
                'allowed_address_pairs': [PAIR_A],
                'disable_would_remove': {
                    'security_groups': [{'id': fakes.SG_ID, 'name': 'web'}],
                    'allowed_address_pairs': [PAIR_A],
                    'neutron_refuses_plain_disable':
                        'AddressPairAndPortSecurityRequired',
                },
                'revision_number': 3,
            },
            values,
        )

    def test_no_extension(self):
        port = fakes.make_port(port_security_enabled=None)
        values = view.port_values(port, {})
        self.assertIsNone(values['port_security_enabled'])
        self.assertIsNone(values['disable_would_remove'])


class TestChangeValues(base.TestCase):

    def test_values_from_after(self):
        before = fakes.make_port(allowed_address_pairs=[PAIR_A])
        after = fakes.make_port(port_security_enabled=False,
                                security_groups=[], revision_number=4)
        plan = plans.disable(before, {}, 'web-1')
        outcome = update.Outcome(before, after, plan, 'updated', 1)
        self.assertEqual(
            {
                'id': fakes.PORT_ID,
                'name': 'web-1',
                'result': 'updated',
                'changes': plan.changes,
                'port_security_enabled': False,
                'security_group_ids': [],
                'allowed_address_pairs': [],
                'revision_number': 4,
            },
            view.change_values(outcome),
        )

    def test_dry_run_worded_as_not_done(self):
        before = fakes.make_port(allowed_address_pairs=[PAIR_A])
        plan = plans.disable(before, {fakes.SG_ID: 'web'}, 'web-1')
        after = update.predicted(before, plan.attrs)
        outcome = update.Outcome(before, after, plan, 'dry-run', 1)
        values = view.change_values(outcome)
        self.assertEqual(
            [f'would remove security group web ({fakes.SG_ID})',
             f'would remove allowed address pair 10.0.0.9 '
             f'({fakes.PORT_MAC})',
             'would disable port security'],
            values['changes'],
        )
        self.assertEqual('dry-run', values['result'])
        self.assertIs(False, values['port_security_enabled'])
        self.assertEqual(3, values['revision_number'])
        # The plan itself keeps the past tense.
        self.assertEqual(
            [f'removed security group web ({fakes.SG_ID})',
             f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
             'disabled port security'],
            plan.changes,
        )

    def test_unchanged_not_reworded(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        plan = plans.disable(port, {}, 'web-1')
        outcome = update.Outcome(port, port, plan, 'unchanged', 1)
        self.assertEqual(['port security is already disabled'],
                         view.change_values(outcome)['changes'])


class TestWould(base.TestCase):

    def test_each_verb(self):
        for done, dry in (
            (f'removed security group web ({fakes.SG_ID})',
             f'would remove security group web ({fakes.SG_ID})'),
            (f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
             f'would remove allowed address pair 10.0.0.9 '
             f'({fakes.PORT_MAC})'),
            ('added allowed address pair 10.0.0.10',
             'would add allowed address pair 10.0.0.10'),
            (f'added security group {fakes.SG2_ID}',
             f'would add security group {fakes.SG2_ID}'),
            (f'restored allowed address pair 10.0.1.0/24 ({OTHER_MAC})',
             f'would restore allowed address pair 10.0.1.0/24 '
             f'({OTHER_MAC})'),
            (f'restored security group web ({fakes.SG_ID})',
             f'would restore security group web ({fakes.SG_ID})'),
            ('skipped allowed address pair 10.0.0.9: already on the port',
             'would skip allowed address pair 10.0.0.9: already on the port'),
            ('skipped allowed address pair 10.0.0.10: given more than once',
             'would skip allowed address pair 10.0.0.10: given more than '
             'once'),
            (f'skipped security group {fakes.SG2_ID}: it no longer exists '
             f'or is not visible to you',
             f'would skip security group {fakes.SG2_ID}: it no longer '
             f'exists or is not visible to you'),
            ('disabled port security', 'would disable port security'),
            ('enabled port security', 'would enable port security'),
        ):
            self.assertEqual(dry, view.would(done), done)

    def test_unmapped_unchanged(self):
        for sentence in (
            'port security is already disabled',
            'port security is already enabled',
            'no allowed address pairs to clear',
            # Only the first word is a verb, and only a whole word.
            'addedd allowed address pair 10.0.0.10',
            'port security disabled',
            'Removed security group web',
            '',
        ):
            self.assertEqual(sentence, view.would(sentence), sentence)

    def test_only_first_word(self):
        self.assertEqual(
            'would skip allowed address pair 10.0.0.9: added earlier',
            view.would('skipped allowed address pair 10.0.0.9: added '
                       'earlier'),
        )
