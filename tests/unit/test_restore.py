"""Tests of osc_portsec.restore: what --restore puts back."""

from unittest import mock

import fixtures
from openstack.network.v2 import _proxy
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import changes
from osc_portsec import journal
from osc_portsec import lookup
from osc_portsec import restore
from tests.unit import fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
PAIR_B = {'ip_address': '10.0.0.10', 'mac_address': fakes.PORT_MAC}


def disabled(groups=(fakes.SG_ID,), pairs=(PAIR_A,), revision=3):
    """Journal a disable that left the port at ``revision``."""
    fakes.record_removal(
        'disable',
        {'port_security_enabled': True, 'security_group_ids': list(groups),
         'allowed_address_pairs': list(pairs),
         'revision_number': revision - 1},
        {'port_security_enabled': False, 'security_group_ids': [],
         'allowed_address_pairs': [], 'revision_number': revision})


class RestoreTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.EnvironmentVariable(
            'XDG_STATE_HOME', self.useFixture(fixtures.TempDir()).path))
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.neutron = fakes.FakeNeutron(self.client)
        self.neutron.groups.update({fakes.SG_ID: 'web', fakes.SG2_ID: 'db'})
        self.port = fakes.make_port(port_security_enabled=False,
                                    security_groups=[])


class TestGroupsAndPairs(RestoreTestCase):
    """The removal read from the journal, named with one request."""

    def record(self, ref, auth_url):
        found = restore.removal(self.port, ref, auth_url)
        return restore.record(
            found, lookup.group_names(self.client, found.groups))

    def test_record(self):
        disabled(groups=(fakes.SG_ID, fakes.SG2_ID))
        record = self.record('web-1', fakes.AUTH_URL)
        self.assertEqual(
            restore.Record({fakes.SG_ID: 'web', fakes.SG2_ID: 'db'},
                           [PAIR_A], []),
            record)
        self.client.security_groups.assert_called_once_with(
            id=[fakes.SG_ID, fakes.SG2_ID], fields=['id', 'name'])

    def test_gone_group_is_skipped(self):
        disabled(groups=(fakes.SG_ID, 'sg-gone'))
        record = self.record('web-1', fakes.AUTH_URL)
        self.assertEqual({fakes.SG_ID: 'web'}, record.groups)
        self.assertEqual([changes.group('skip', 'sg-gone', None, 'gone')],
                         record.notes)

    def test_port_moved_on(self):
        disabled(revision=2)
        record = self.record('web-1', fakes.AUTH_URL)
        self.assertEqual(
            [changes.Change('note', 'journal', {
                'command': 'disable', 'recorded_revision': 2,
                'current_revision': 3})],
            record.notes)

    def test_same_revision_no_note(self):
        disabled(revision=3)
        record = self.record('web-1', fakes.AUTH_URL)
        self.assertEqual([], record.notes)

    def test_nothing_recorded(self):
        exc = self.assertRaises(
            exceptions.CommandError, self.record, 'web-1',
            fakes.AUTH_URL)
        self.assertEqual(
            f'The journal {journal.path()} records no removal from port '
            f'web-1; there is nothing to restore.', str(exc))
        self.client.security_groups.assert_not_called()

    def test_other_cloud_not_restored(self):
        disabled()
        self.assertRaises(
            exceptions.CommandError, self.record, 'web-1',
            'https://other.example.com/v3')


class TestRemovalAndRecord(RestoreTestCase):
    """The journal read and the naming, apart (many ports share a lookup)."""

    def test_removal_reads_only_the_journal(self):
        disabled(groups=(fakes.SG_ID, 'sg-gone'), revision=2)
        found = restore.removal(self.port, 'web-1', fakes.AUTH_URL)
        self.assertEqual([fakes.SG_ID, 'sg-gone'], found.groups)
        self.assertEqual([PAIR_A], found.pairs)
        self.assertEqual(1, len(found.notes))
        self.assertEqual([], self.client.mock_calls)

    def test_record_names_and_skips(self):
        found = restore.Removal([fakes.SG_ID, 'sg-gone'], [PAIR_A], [])
        record = restore.record(found, {fakes.SG_ID: 'web', 'sg-gone': None})
        self.assertEqual(
            restore.Record({fakes.SG_ID: 'web'}, [PAIR_A],
                           [changes.group('skip', 'sg-gone', None, 'gone')]),
            record)
        # The removal is not changed by naming it.
        self.assertEqual([], found.notes)


class TestPairs(RestoreTestCase):

    def test_last_pair_removal(self):
        fakes.record_removal(
            'pair remove',
            {'allowed_address_pairs': [PAIR_A, PAIR_B],
             'revision_number': 2},
            {'allowed_address_pairs': [PAIR_B], 'revision_number': 3})
        # A later disable that removed only groups does not count.
        disabled(pairs=(), revision=4)
        port = fakes.make_port(allowed_address_pairs=[PAIR_B],
                               revision_number=4)
        record = restore.pairs(port, 'web-1', fakes.AUTH_URL)
        self.assertEqual({}, record.groups)
        self.assertEqual([PAIR_A], record.pairs)
        self.assertEqual(
            [changes.Change('note', 'journal', {
                'command': 'pair remove', 'recorded_revision': 3,
                'current_revision': 4})],
            record.notes)

    def test_nothing_recorded(self):
        disabled(pairs=())
        exc = self.assertRaises(exceptions.CommandError, restore.pairs,
                                self.port, 'web-1', fakes.AUTH_URL)
        self.assertIn('records no removal of allowed address pairs from '
                      'port web-1', str(exc))
