"""Tests of osc_portsec.rows: the values of the output columns."""

from osc_lib.test import base

from osc_portsec import changes
from osc_portsec import plans
from osc_portsec import port_state
from osc_portsec import rows
from osc_portsec import update
from tests.unit import fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}


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
            rows.disable_would_remove(port, {fakes.SG_ID: 'web'}),
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
            rows.disable_would_remove(port, {}),
        )

    def test_nothing(self):
        port = fakes.make_port(security_groups=[])
        self.assertEqual(
            {'security_groups': [], 'allowed_address_pairs': [],
             'neutron_refuses_plain_disable': None},
            rows.disable_would_remove(port, {}),
        )

    def test_disabled(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        self.assertIsNone(rows.disable_would_remove(port, {}))

    def test_no_extension(self):
        port = fakes.make_port(port_security_enabled=None)
        self.assertEqual({'unavailable': 'port-security'},
                         rows.disable_would_remove(port, {}))


class TestPortValues(base.TestCase):

    def test_values(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        values = rows.port_values(port, {fakes.SG_ID: 'web'})
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
                'port_security': True,
                'security_group_ids': [fakes.SG_ID],
                'security_groups': [{'id': fakes.SG_ID, 'name': 'web'}],
                'allowed_address_pairs': [PAIR_A],
                'pairs': [PAIR_A],
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


class TestChangeValues(base.TestCase):

    def test_values_from_after(self):
        before = fakes.make_port(allowed_address_pairs=[PAIR_A])
        after = fakes.make_port(port_security_enabled=False,
                                security_groups=[], revision_number=4)
        plan = plans.disable(before, {fakes.SG_ID: 'web'}, 'web-1')
        outcome = update.Outcome(before, after, plan, 'updated', 1)
        self.assertEqual(
            {
                'id': fakes.PORT_ID,
                'name': 'web-1',
                'result': 'updated',
                'changes': [
                    f'removed security group web ({fakes.SG_ID})',
                    f'removed allowed address pair 10.0.0.9 '
                    f'({fakes.PORT_MAC})',
                    'disabled port security',
                ],
                'changed': {
                    'added': {'security_groups': [],
                              'allowed_address_pairs': []},
                    'removed': {
                        'security_groups': [{'id': fakes.SG_ID,
                                             'name': 'web'}],
                        'allowed_address_pairs': [PAIR_A],
                    },
                    'restored': {'security_groups': [],
                                 'allowed_address_pairs': []},
                    'skipped': {'security_groups': [],
                                'allowed_address_pairs': []},
                    'port_security_enabled': {'before': True,
                                              'after': False},
                },
                'port_security_enabled': False,
                'security_group_ids': [],
                'allowed_address_pairs': [],
                'revision_number': 4,
            },
            rows.change_values(outcome),
        )

    def test_dry_run_worded_as_not_done(self):
        before = fakes.make_port(allowed_address_pairs=[PAIR_A])
        plan = plans.disable(before, {fakes.SG_ID: 'web'}, 'web-1')
        after = port_state.predicted(before, plan.attrs)
        outcome = update.Outcome(before, after, plan, 'dry-run', 1)
        values = rows.change_values(outcome)
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
        # The structure is the same for a dry run.
        self.assertEqual({'before': True, 'after': False},
                         values['changed']['port_security_enabled'])
        self.assertEqual([PAIR_A], values['changed']['removed'][
            'allowed_address_pairs'])

    def test_unchanged_not_reworded(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        plan = plans.disable(port, {}, 'web-1')
        outcome = update.Outcome(port, port, plan, 'unchanged', 1)
        values = rows.change_values(outcome)
        self.assertEqual(['port security is already disabled'],
                         values['changes'])
        self.assertEqual({'before': False, 'after': False},
                         values['changed']['port_security_enabled'])

    def test_notes_come_first(self):
        before = fakes.make_port()
        after = fakes.make_port(allowed_address_pairs=[PAIR_A],
                                revision_number=4)
        plan = changes.extend(
            plans.pair_add(before, [], 'web-1', restored=[]),
            more=[changes.pair('add', '10.0.0.9', None)])
        note = changes.Change('note', 'reply', {'cause': 'timed out'})
        outcome = update.Outcome(before, after, plan, 'updated', 1, [note])
        self.assertEqual(
            ['the reply to the update was lost (timed out); a re-read '
             'shows the change was applied',
             'added allowed address pair 10.0.0.9'],
            rows.change_values(outcome)['changes'])

    def test_no_extension(self):
        port = fakes.make_port(port_security_enabled=None)
        plan = changes.Plan({}, [])
        values = rows.change_values(
            update.Outcome(port, port, plan, 'unchanged', 1))
        self.assertIsNone(values['port_security_enabled'])
        self.assertEqual({'before': None, 'after': None},
                         values['changed']['port_security_enabled'])


class TestMissingExtensions(base.TestCase):

    def test_no_port_security(self):
        port = fakes.make_port(port_security_enabled=None)
        values = rows.port_values(port, {})
        self.assertIsNone(values['port_security_enabled'])
        self.assertEqual({'unavailable': 'port-security'},
                         values['disable_would_remove'])

    def test_no_security_groups(self):
        port = fakes.make_port(security_groups=None,
                               allowed_address_pairs=None)
        values = rows.port_values(port, {})
        self.assertIsNone(values['security_group_ids'])
        self.assertIsNone(values['security_groups'])
        self.assertIsNone(values['allowed_address_pairs'])
        self.assertEqual(
            {'security_groups': None, 'allowed_address_pairs': None,
             'neutron_refuses_plain_disable': None},
            values['disable_would_remove'])
