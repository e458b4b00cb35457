"""Tests of osc_portsec.journal: the write-ahead record of each change."""

import json
import logging
import os
import shutil
import stat

import fixtures
from osc_lib.test import base

from osc_portsec import changes
from osc_portsec import failures
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


def port(values, port_id=fakes.PORT_ID):
    """A port in the state ``values`` (as ``state`` gives it)."""
    return fakes.make_port(
        id=port_id,
        port_security_enabled=values['port_security_enabled'],
        security_groups=values['security_group_ids'],
        allowed_address_pairs=values['allowed_address_pairs'],
        revision_number=values['revision_number'])


REMOVAL = changes.Plan({'security_group_ids': []}, [
    changes.group('remove', fakes.SG_ID, 'web')])
ADDITION = changes.Plan({'allowed_address_pairs': [PAIR_A]}, [
    changes.pair('add', '10.0.0.9', None)])


class JournalTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.state_home = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.EnvironmentVariable(
            'XDG_STATE_HOME', self.state_home))

    def write(self, command, before, after, port_id=fakes.PORT_ID,
              cloud=CLOUD):
        """Journal a change as a command run does; the merged entry."""
        recorder = journal.Recorder(command, cloud)
        old, new = port(before, port_id), port(after, port_id)
        recorder.intend(old, REMOVAL)
        recorder.applied(old, new)
        return list(journal.entries())[-1]

    def lines(self):
        with open(journal.path(), encoding='utf-8') as stream:
            return [json.loads(line) for line in stream]


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

    def test_intent_then_applied(self):
        recorder = journal.Recorder('disable', CLOUD)
        before = port(state(groups=[fakes.SG_ID]))
        after = port(state(False, revision=4))
        recorder.intend(before, REMOVAL)
        (intent,) = self.lines()
        self.assertEqual('intent', intent['phase'])
        self.assertEqual('disable', intent['command'])
        self.assertEqual(fakes.PORT_ID, intent['port_id'])
        self.assertEqual('prod', intent['cloud'])
        self.assertEqual(fakes.AUTH_URL, intent['auth_url'])
        self.assertEqual('p1', intent['project_id'])
        self.assertEqual(state(groups=[fakes.SG_ID]), intent['before'])
        self.assertRegex(intent['time'], r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d')
        # Not applied yet: nothing to restore from.
        self.assertEqual([], list(journal.entries()))
        recorder.applied(before, after)
        intent, applied = self.lines()
        self.assertEqual(
            {'id': intent['id'], 'phase': 'applied',
             'time': applied['time'], 'port_id': fakes.PORT_ID,
             'after': state(False, revision=4)},
            applied)
        (entry,) = journal.entries()
        self.assertEqual({**intent, 'phase': 'applied',
                          'after': state(False, revision=4)}, entry)

    def test_no_secrets(self):
        cloud = dict(CLOUD, password='s3cret-pw', token='gAAAAs3cret',
                     auth={'password': 's3cret-pw'})
        self.write('disable', state(groups=[fakes.SG_ID]), state(False),
                   cloud=cloud)
        with open(journal.path(), encoding='utf-8') as stream:
            text = stream.read()
        self.assertNotIn('s3cret', text)
        intent, applied = self.lines()
        self.assertEqual(
            {'id', 'phase', 'time', 'command', 'cloud', 'auth_url',
             'project_id', 'port_id', 'before'},
            set(intent),
        )
        self.assertEqual({'id', 'phase', 'time', 'port_id', 'after'},
                         set(applied))

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
        self.assertEqual(4, len(self.lines()))
        self.assertNotEqual(first['id'], second['id'])
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
        logger = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        self.assertEqual([{'port_id': 'a'}, {'port_id': 'c'}],
                         list(journal.entries()))
        self.assertIn(f'Line 2 of the journal {journal.path()} is damaged '
                      f'or is not a record of this tool; it is skipped, and '
                      f'the other records are read.', logger.output)
        self.assertIn('Line 3 of the journal', logger.output)
        self.assertNotIn('Line 4', logger.output)  # a blank line is fine

    def test_records_of_the_wrong_shape_are_skipped_not_raised(self):
        # Valid JSON that is not a record of this tool, or a record whose
        # values have the wrong types: each is named, the others count.
        fakes.record_removal('disable', {'allowed_address_pairs': [PAIR_A],
                                         'security_group_ids': ['sg-1']},
                             {'allowed_address_pairs': [],
                              'security_group_ids': []})
        with open(journal.path(), 'a', encoding='utf-8') as stream:
            for bad in (
                {'phase': 'intent', 'id': 'x', 'port_id': fakes.PORT_ID,
                 'before': 'not a state'},
                {'phase': 'intent', 'id': 'y', 'port_id': fakes.PORT_ID,
                 'before': {'allowed_address_pairs': [{'ip': 1}]}},
                {'phase': 'applied', 'id': 'z', 'after': [1]},
                {'phase': 'vip-deleted', 'vip': {'name': 'v'}},
                {'phase': 'something else'},
                {'hello': 'world'},
            ):
                stream.write(json.dumps(bad) + '\n')
            stream.write('\x00\xff garbage\n')
        logger = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        entry = journal.last_removal(fakes.PORT_ID, fakes.AUTH_URL)
        self.assertEqual([PAIR_A], journal.removed(entry)[1])
        for number in range(3, 10):
            self.assertIn(f'Line {number} of the journal', logger.output)
        self.assertNotIn('Traceback', logger.output)
        self.assertIsNone(journal.last_vip_deletion('v', None))

    def test_first_write_names_the_journal(self):
        logger = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        journal.append({'phase': 'note'})
        self.assertIn(f'Started the journal {journal.path()}', logger.output)
        journal.append({'phase': 'note'})
        self.assertEqual(1, logger.output.count('Started the journal'))

    def test_old_one_line_entries_count(self):
        os.makedirs(journal.directory())
        old = {'time': '2026-01-01T00:00:00+00:00', 'command': 'disable',
               'port_id': fakes.PORT_ID, 'auth_url': fakes.AUTH_URL,
               'before': state(groups=[fakes.SG_ID]), 'after': state(False)}
        with open(journal.path(), 'w', encoding='utf-8') as stream:
            stream.write(json.dumps(old) + '\n')
        self.assertEqual(old, journal.last_removal(fakes.PORT_ID,
                                                   fakes.AUTH_URL))
        new = self.write('pair clear', state(pairs=[PAIR_A]), state())
        self.assertEqual([old, new], list(journal.entries()))
        self.assertEqual(new, journal.last_removal(fakes.PORT_ID,
                                                   fakes.AUTH_URL))

    def test_intent_without_applied_is_not_a_change(self):
        journal.Recorder('disable', CLOUD).intend(
            port(state(groups=[fakes.SG_ID])), REMOVAL)
        journal.append({'id': 'nobody', 'phase': 'applied',
                        'after': state()})
        self.assertEqual(2, len(self.lines()))
        self.assertEqual([], list(journal.entries()))
        self.assertIsNone(journal.last_removal(fakes.PORT_ID, None))


class TestUnwritable(JournalTestCase):

    def block_directory(self):
        # The journal's directory is a file: nothing can be written.
        with open(journal.directory(), 'w', encoding='utf-8'):
            pass

    def test_removal_refused_when_intent_cannot_be_written(self):
        self.block_directory()
        exc = self.assertRaises(
            failures.JournalUnwritable,
            journal.Recorder('disable', CLOUD).intend,
            port(state(groups=[fakes.SG_ID])), REMOVAL)
        self.assertEqual(journal.path(), exc.path)
        # The operating system's own words, as os.strerror gives them.
        self.assertIn(exc.reason, ('File exists', 'Not a directory'))
        self.assertIsNone(exc.applied)

    def test_addition_goes_ahead_with_a_warning(self):
        self.block_directory()
        logger = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        recorder = journal.Recorder('pair add', CLOUD)
        before = port(state())
        recorder.intend(before, ADDITION)
        self.assertIn(f'The journal {journal.path()} cannot be written',
                      logger.output)
        # No intent, so no applied line is attempted.
        recorder.applied(before, port(state(pairs=[PAIR_A], revision=4)))
        self.assertTrue(os.path.isfile(journal.directory()))

    def test_applied_line_cannot_be_written(self):
        recorder = journal.Recorder('disable', CLOUD)
        before = port(state(groups=[fakes.SG_ID]))
        after = port(state(False, revision=4))
        recorder.intend(before, REMOVAL)
        os.remove(journal.path())
        os.mkdir(journal.path())
        exc = self.assertRaises(failures.JournalUnwritable, recorder.applied,
                                before, after)
        self.assertIs(after, exc.applied)
        self.assertEqual(journal.path(), exc.path)
        shutil.rmtree(journal.path())

    def test_dry_records_nothing(self):
        dry = journal.Dry()
        dry.intend(port(state(groups=[fakes.SG_ID])), REMOVAL)
        dry.applied(port(state()), port(state(False)))
        self.assertFalse(os.path.exists(journal.directory()))


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
