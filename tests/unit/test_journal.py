"""Tests of osc_portsec.journal: the local record of what was removed."""

import json
import os
import stat

import fixtures
from osc_lib.test import base

from osc_portsec import journal
from tests.unit import fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
PAIR_B = {'ip_address': '10.0.0.10', 'mac_address': fakes.PORT_MAC}
CLOUD = {'name': 'prod', 'auth_url': fakes.AUTH_URL, 'project_id': 'p1'}


def state(enabled=True, groups=(), pairs=(), revision=3):
    return {'port_security_enabled': enabled,
            'security_group_ids': list(groups),
            'allowed_address_pairs': list(pairs),
            'revision_number': revision}


class JournalTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.state_home = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.EnvironmentVariable(
            'XDG_STATE_HOME', self.state_home))

    def write(self, command, before, after, port_id=fakes.PORT_ID,
              cloud=CLOUD):
        entry = journal.record(command, port_id, before, after, cloud)
        journal.append(entry)
        return entry


class TestPaths(JournalTestCase):

    def test_xdg_state_home(self):
        self.assertEqual(os.path.join(self.state_home, 'osc-portsec'),
                         journal.directory())
        self.assertEqual(
            os.path.join(self.state_home, 'osc-portsec', 'journal.jsonl'),
            journal.path(),
        )

    def test_default(self):
        home = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.EnvironmentVariable('XDG_STATE_HOME'))
        self.useFixture(fixtures.EnvironmentVariable('HOME', home))
        self.assertEqual(
            os.path.join(home, '.local', 'state', 'osc-portsec'),
            journal.directory(),
        )


class TestRecordAndAppend(JournalTestCase):

    def test_record(self):
        entry = journal.record('disable', fakes.PORT_ID, state(), state(False),
                               CLOUD)
        self.assertEqual('disable', entry['command'])
        self.assertEqual(fakes.PORT_ID, entry['port_id'])
        self.assertEqual('prod', entry['cloud'])
        self.assertEqual(fakes.AUTH_URL, entry['auth_url'])
        self.assertEqual('p1', entry['project_id'])
        self.assertEqual(state(), entry['before'])
        self.assertEqual(state(False), entry['after'])
        self.assertRegex(entry['time'], r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d')

    def test_no_secrets(self):
        cloud = dict(CLOUD, password='s3cret-pw', token='gAAAAs3cret',
                     auth={'password': 's3cret-pw'})
        self.write('disable', state(groups=[fakes.SG_ID]), state(False),
                   cloud=cloud)
        with open(journal.path(), encoding='utf-8') as stream:
            text = stream.read()
        self.assertNotIn('s3cret', text)
        self.assertEqual(
            {'time', 'command', 'cloud', 'auth_url', 'project_id', 'port_id',
             'before', 'after'},
            set(json.loads(text)),
        )

    def test_modes(self):
        target = journal.append({'port_id': fakes.PORT_ID})
        self.assertEqual(journal.path(), target)
        self.assertEqual(
            0o700, stat.S_IMODE(os.stat(journal.directory()).st_mode))
        self.assertEqual(0o600, stat.S_IMODE(os.stat(target).st_mode))

    def test_modes_tightened_on_existing(self):
        os.makedirs(journal.directory(), mode=0o755)
        os.chmod(journal.directory(), 0o755)
        with open(journal.path(), 'w', encoding='utf-8'):
            pass
        os.chmod(journal.path(), 0o644)
        journal.append({'port_id': fakes.PORT_ID})
        self.assertEqual(
            0o700, stat.S_IMODE(os.stat(journal.directory()).st_mode))
        self.assertEqual(0o600, stat.S_IMODE(os.stat(journal.path()).st_mode))

    def test_appends_one_line_each(self):
        first = self.write('pair clear', state(pairs=[PAIR_A]), state())
        second = self.write('disable', state(groups=[fakes.SG_ID]),
                            state(False))
        with open(journal.path(), encoding='utf-8') as stream:
            lines = stream.read().splitlines()
        self.assertEqual(2, len(lines))
        self.assertEqual([first, second], list(journal.entries()))


class TestEntries(JournalTestCase):

    def test_no_file(self):
        self.assertEqual([], list(journal.entries()))

    def test_damaged_lines_skipped(self):
        os.makedirs(journal.directory())
        with open(journal.path(), 'w', encoding='utf-8') as stream:
            stream.write('{"port_id": "a"}\n')
            stream.write('{"port_id": "b", trunc\n')
            stream.write('[1, 2]\n')
            stream.write('\n')
            stream.write('{"port_id": "c"}\n')
        self.assertEqual([{'port_id': 'a'}, {'port_id': 'c'}],
                         list(journal.entries()))


class TestRemoved(base.TestCase):

    def test_removed(self):
        entry = {
            'before': state(groups=[fakes.SG_ID, fakes.SG2_ID],
                            pairs=[PAIR_A, PAIR_B]),
            'after': state(groups=[fakes.SG2_ID], pairs=[PAIR_B]),
        }
        self.assertEqual(([fakes.SG_ID], [PAIR_A]), journal.removed(entry))

    def test_nothing_removed(self):
        entry = {'before': state(False), 'after': state(groups=[fakes.SG_ID])}
        self.assertEqual(([], []), journal.removed(entry))

    def test_missing_states(self):
        self.assertEqual(([], []), journal.removed({}))


class TestLastRemoval(JournalTestCase):

    def test_nothing_recorded(self):
        self.assertIsNone(journal.last_removal(fakes.PORT_ID, fakes.AUTH_URL))

    def test_newest_that_removed_something(self):
        self.write('pair clear', state(groups=[fakes.SG_ID], pairs=[PAIR_A]),
                   state(groups=[fakes.SG_ID]))
        newest = self.write('disable', state(groups=[fakes.SG_ID]),
                            state(False))
        # Neither an enable (removes nothing) nor another port's entry counts.
        self.write('enable', state(False), state(groups=[fakes.SG_ID]))
        self.write('disable', state(groups=[fakes.SG2_ID]), state(False),
                   port_id='other-port')
        self.assertEqual(newest,
                         journal.last_removal(fakes.PORT_ID, fakes.AUTH_URL))

    def test_pairs_only(self):
        with_pairs = self.write(
            'pair clear', state(groups=[fakes.SG_ID], pairs=[PAIR_A]),
            state(groups=[fakes.SG_ID]))
        self.write('disable', state(groups=[fakes.SG_ID]), state(False))
        self.assertEqual(
            with_pairs,
            journal.last_removal(fakes.PORT_ID, fakes.AUTH_URL,
                                 pairs_only=True),
        )

    def test_pairs_only_none(self):
        self.write('disable', state(groups=[fakes.SG_ID]), state(False))
        self.assertIsNone(journal.last_removal(
            fakes.PORT_ID, fakes.AUTH_URL, pairs_only=True))

    def test_other_cloud_ignored(self):
        ours = self.write('disable', state(groups=[fakes.SG_ID]),
                          state(False))
        self.write('disable', state(groups=[fakes.SG2_ID]), state(False),
                   cloud=dict(CLOUD, auth_url='https://other.example.com/v3'))
        self.assertEqual(ours,
                         journal.last_removal(fakes.PORT_ID, fakes.AUTH_URL))

    def test_entry_without_auth_url_matches(self):
        entry = self.write('disable', state(groups=[fakes.SG_ID]),
                           state(False), cloud={})
        self.assertEqual(entry,
                         journal.last_removal(fakes.PORT_ID, fakes.AUTH_URL))

    def test_no_auth_url_matches_any(self):
        entry = self.write('disable', state(groups=[fakes.SG_ID]),
                           state(False))
        self.assertEqual(entry, journal.last_removal(fakes.PORT_ID, None))
