"""Tests of osc_portsec.mutations: what each command reads once, and plans."""

from unittest import mock

import fixtures
from openstack.network.v2 import _proxy
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import changes
from osc_portsec import mutations
from osc_portsec import pairs
from osc_portsec import restore
from tests.unit import fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
PAIR_B = {'ip_address': '10.0.0.10', 'mac_address': fakes.PORT_MAC}


class MutationTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.neutron = fakes.FakeNeutron(self.client)
        self.neutron.groups.update({fakes.SG_ID: 'web', fakes.SG2_ID: ''})
        self.useFixture(fixtures.EnvironmentVariable(
            'XDG_STATE_HOME', self.useFixture(fixtures.TempDir()).path))


class TestNames(base.TestCase):

    def test_journal_names_and_what_a_403_names(self):
        for mutation, name, what in (
            (mutations.PairAdd(), 'pair add', 'allowed address pairs'),
            (mutations.PairRemove(), 'pair remove', 'allowed address pairs'),
            (mutations.PairClear(), 'pair clear', 'allowed address pairs'),
            (mutations.Disable(), 'disable', 'port security'),
            (mutations.Enable(), 'enable', 'port security'),
        ):
            self.assertEqual(name, mutation.journal_name)
            self.assertEqual(what, mutation.what)

    def test_base_has_no_plan(self):
        self.assertRaises(NotImplementedError, mutations.Mutation().plan,
                          fakes.make_port(), mutations.Prepared('web-1'))


class TestPrepareReadsNothing(MutationTestCase):

    def test_pairs_without_restore(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        for mutation in (mutations.PairAdd([pairs.Pair('10.0.0.10')]),
                         mutations.PairRemove([pairs.Pair('10.0.0.9')]),
                         mutations.PairClear(),
                         mutations.Enable({fakes.SG_ID: 'web'})):
            prepared = mutation.prepare(self.client, port, 'web-1',
                                        fakes.AUTH_URL)
            self.assertEqual(mutations.Prepared('web-1'), prepared)
        self.assertEqual([], self.client.mock_calls)


class TestDisable(MutationTestCase):

    def test_group_names_in_one_request(self):
        port = fakes.make_port(
            security_groups=[fakes.SG_ID, fakes.SG2_ID, 'sg-gone'])
        prepared = mutations.Disable().prepare(self.client, port, 'web-1',
                                               None)
        self.client.security_groups.assert_called_once_with(
            id=[fakes.SG_ID, fakes.SG2_ID, 'sg-gone'], fields=['id', 'name'])
        # Unnamed: ''; not visible: None.
        self.assertEqual(
            {fakes.SG_ID: 'web', fakes.SG2_ID: '', 'sg-gone': None},
            dict(prepared.names))
        plan = mutations.Disable().plan(port, prepared)
        self.assertEqual(
            [changes.group('remove', fakes.SG_ID, 'web'),
             changes.group('remove', fakes.SG2_ID, ''),
             changes.group('remove', 'sg-gone', None),
             changes.Change('disable', 'port_security')],
            list(plan.changes))

    def test_no_groups_no_request(self):
        port = fakes.make_port(security_groups=[])
        prepared = mutations.Disable().prepare(self.client, port, 'web-1',
                                               None)
        self.assertEqual({}, dict(prepared.names))
        self.client.security_groups.assert_not_called()

    def test_plan_is_pure_and_repeatable(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        mutation = mutations.Disable()
        prepared = mutation.prepare(self.client, port, 'web-1', None)
        self.client.reset_mock()
        fresh = fakes.make_port(security_groups=[fakes.SG_ID, fakes.SG2_ID],
                                revision_number=4)
        plan = mutation.plan(fresh, prepared)
        self.assertEqual([], self.client.mock_calls)
        # A group added after the names were read is named by its ID.
        self.assertIn(changes.group('remove', fakes.SG2_ID, None),
                      list(plan.changes))


class TestPairs(MutationTestCase):

    def test_add(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        mutation = mutations.PairAdd([pairs.Pair('10.0.0.10')])
        plan = mutation.plan(port, mutation.prepare(self.client, port,
                                                    'web-1', None))
        self.assertEqual(
            {'allowed_address_pairs': [PAIR_A, {'ip_address': '10.0.0.10'}]},
            plan.attrs)

    def test_add_restore_reads_the_journal(self):
        fakes.record_removal(
            'pair clear',
            {'allowed_address_pairs': [PAIR_A, PAIR_B],
             'revision_number': 2},
            {'allowed_address_pairs': [], 'revision_number': 3})
        port = fakes.make_port()
        mutation = mutations.PairAdd((), restore=True)
        prepared = mutation.prepare(self.client, port, 'web-1',
                                    fakes.AUTH_URL)
        self.assertEqual(
            restore.Record({}, [PAIR_A, PAIR_B], []), prepared.record)
        plan = mutation.plan(port, prepared)
        self.assertEqual(
            [changes.pair('restore', '10.0.0.9', fakes.PORT_MAC),
             changes.pair('restore', '10.0.0.10', fakes.PORT_MAC)],
            list(plan.changes))

    def test_add_restore_nothing_recorded(self):
        exc = self.assertRaises(
            exceptions.CommandError, mutations.PairAdd((), True).prepare,
            self.client, fakes.make_port(), 'web-1', fakes.AUTH_URL)
        self.assertIn('records no removal of allowed address pairs from '
                      'port web-1', str(exc))

    def test_remove_and_clear(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B])
        prepared = mutations.Prepared('web-1')
        self.assertEqual(
            {'allowed_address_pairs': [PAIR_B]},
            mutations.PairRemove([pairs.Pair('10.0.0.9')]).plan(
                port, prepared).attrs)
        self.assertEqual(
            {'allowed_address_pairs': []},
            mutations.PairClear().plan(port, prepared).attrs)


class TestEnable(MutationTestCase):

    def test_groups(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        mutation = mutations.Enable({fakes.SG_ID: 'web'})
        plan = mutation.plan(port, mutation.prepare(self.client, port,
                                                    'web-1', None))
        self.assertEqual(
            {'is_port_security_enabled': True,
             'security_group_ids': [fakes.SG_ID]}, plan.attrs)

    def test_restore(self):
        fakes.record_removal(
            'disable',
            {'port_security_enabled': True,
             'security_group_ids': [fakes.SG_ID, 'sg-gone'],
             'allowed_address_pairs': [PAIR_A], 'revision_number': 2},
            {'port_security_enabled': False, 'security_group_ids': [],
             'allowed_address_pairs': [], 'revision_number': 3})
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        mutation = mutations.Enable({fakes.SG2_ID: ''}, restore=True)
        prepared = mutation.prepare(self.client, port, 'web-1',
                                    fakes.AUTH_URL)
        plan = mutation.plan(port, prepared)
        self.assertEqual(
            {'is_port_security_enabled': True,
             'security_group_ids': [fakes.SG_ID, fakes.SG2_ID],
             'allowed_address_pairs': [PAIR_A]}, plan.attrs)
        self.assertEqual(
            [changes.group('skip', 'sg-gone', None, 'gone'),
             changes.Change('enable', 'port_security'),
             changes.group('restore', fakes.SG_ID, 'web'),
             changes.group('add', fakes.SG2_ID, ''),
             changes.pair('restore', '10.0.0.9', fakes.PORT_MAC)],
            list(plan.changes))


class TestPrepareAll(MutationTestCase):
    """Many ports prepared together: one request for every group name."""

    def setUp(self):
        super().setUp()
        self.web = fakes.make_port(security_groups=[fakes.SG_ID])
        self.db = fakes.make_port(id=fakes.OTHER_ID, name='web-2',
                                  security_groups=[fakes.SG2_ID, fakes.SG_ID])

    def test_disable(self):
        got = mutations.Disable().prepare_all(
            self.client, [('web-1', self.web), ('web-2', self.db)], None)
        self.client.security_groups.assert_called_once_with(
            id=[fakes.SG_ID, fakes.SG2_ID], fields=['id', 'name'])
        self.assertEqual(
            [mutations.Prepared('web-1', names={fakes.SG_ID: 'web'}),
             mutations.Prepared('web-2', names={fakes.SG2_ID: '',
                                                fakes.SG_ID: 'web'})],
            got)

    def test_enable_restore_refusal_in_its_place(self):
        fakes.record_removal(
            'disable',
            {'port_security_enabled': True,
             'security_group_ids': [fakes.SG2_ID, 'sg-gone'],
             'allowed_address_pairs': [], 'revision_number': 2},
            {'port_security_enabled': False, 'security_group_ids': [],
             'allowed_address_pairs': [], 'revision_number': 3},
            port_id=fakes.OTHER_ID)
        got = mutations.Enable(restore=True).prepare_all(
            self.client, [('web-1', self.web), ('web-2', self.db)],
            fakes.AUTH_URL)
        self.assertIsInstance(got[0], exceptions.CommandError)
        self.assertIn('records no removal from port web-1', str(got[0]))
        self.assertEqual(
            mutations.Prepared('web-2', record=restore.Record(
                {fakes.SG2_ID: ''}, [],
                [changes.group('skip', 'sg-gone', None, 'gone')])),
            got[1])
        self.client.security_groups.assert_called_once_with(
            id=[fakes.SG2_ID, 'sg-gone'], fields=['id', 'name'])

    def test_enable_restore_nothing_recorded_no_request(self):
        got = mutations.Enable(restore=True).prepare_all(
            self.client, [('web-1', self.web)], fakes.AUTH_URL)
        self.assertIsInstance(got[0], exceptions.CommandError)
        self.client.security_groups.assert_not_called()

    def test_pair_add_restore_refusal_in_its_place(self):
        fakes.record_removal(
            'pair clear',
            {'allowed_address_pairs': [PAIR_A], 'revision_number': 2},
            {'allowed_address_pairs': [], 'revision_number': 3})
        got = mutations.PairAdd((), restore=True).prepare_all(
            self.client, [('web-1', self.web), ('web-2', self.db)],
            fakes.AUTH_URL)
        self.assertEqual(
            mutations.Prepared('web-1', record=restore.Record(
                {}, [PAIR_A], [])), got[0])
        self.assertIsInstance(got[1], exceptions.CommandError)
        self.assertEqual([], self.client.mock_calls)

    def test_prepare_raises_the_refusal(self):
        self.assertRaises(
            exceptions.CommandError, mutations.Enable(restore=True).prepare,
            self.client, self.web, 'web-1', fakes.AUTH_URL)
