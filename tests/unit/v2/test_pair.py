"""Tests of pair add, remove and clear."""

import json
import logging

import fixtures
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import formats
from osc_portsec import journal
from osc_portsec.v2 import pair
from tests.unit import fakes
from tests.unit.fakes import CHANGE_TABLE
from tests.unit.fakes import CHANGES_TABLE
from tests.unit.fakes import journal_entries
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import PAIR_A
from tests.unit.fakes import PAIR_B


class TestAddPortSecurityPair(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.cmd = pair.AddPortSecurityPair(self.app, None)
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.find_ports(self.port)

    def record_clear(self):
        fakes.record_removal(
            'pair clear',
            {'security_group_ids': [fakes.SG_ID],
             'allowed_address_pairs': [PAIR_A, PAIR_B]},
            {'security_group_ids': [fakes.SG_ID],
             'allowed_address_pairs': []})

    def test_add(self):
        after = fakes.make_port(
            allowed_address_pairs=[PAIR_A, PAIR_B,
                                   {'ip_address': '10.0.0.10',
                                    'mac_address': fakes.PORT_MAC}],
            revision_number=4)
        self.network.update_port.return_value = after
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1',
             '--allowed-address',
             'ip-address=10.0.1.0/24,mac-address=FA-16-3E-AA-BB-CC',
             '--allowed-address',
             'ip-address=10.0.0.10'],
            [('port', 'web-1'),
             ('allowed_address_pairs',
              [{'ip-address': '10.0.1.0/24',
                'mac-address': 'FA-16-3E-AA-BB-CC'},
               {'ip-address': '10.0.0.10'}]),
             ('dry_run', False)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3,
            allowed_address_pairs=[PAIR_A, PAIR_B,
                                   {'ip_address': '10.0.0.10'}])
        self.assertEqual(CHANGE_TABLE, cols)
        self.assertItemEqual(
            (fakes.PORT_ID, 'web-1', 'updated',
             formats.Lines([
                 f'added allowed address pair 10.0.1.0/24 ({OTHER_MAC})',
                 'added allowed address pair 10.0.0.10']),
             formats.PortSecurity(True),
             formats.GroupIds([fakes.SG_ID]),
             formats.Pairs(after.allowed_address_pairs),
             4),
            data,
        )
        entries = journal_entries()
        self.assertEqual(1, len(entries))
        self.assertEqual('pair add', entries[0]['command'])
        self.assertEqual([PAIR_A], entries[0]['before'][
            'allowed_address_pairs'])

    def test_skips_existing(self):
        after = fakes.make_port(
            allowed_address_pairs=[PAIR_A, {'ip_address': '10.0.0.10',
                                            'mac_address': fakes.PORT_MAC}],
            revision_number=4)
        self.network.update_port.return_value = after
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1',
             '--allowed-address',
             'ip-address=10.0.0.9',
             '--allowed-address',
             'ip-address=10.0.0.10'],
            [('port', 'web-1'),
             ('allowed_address_pairs',
              [{'ip-address': '10.0.0.9'}, {'ip-address': '10.0.0.10'}])])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3,
            allowed_address_pairs=[PAIR_A, {'ip_address': '10.0.0.10'}])
        self.assertEqual(
            ['added allowed address pair 10.0.0.10',
             'skipped allowed address pair 10.0.0.9: already on the port'],
            dict(zip(cols, data))['changes'].machine_readable())

    def test_given_more_than_once(self):
        after = fakes.make_port(
            allowed_address_pairs=[PAIR_A, {'ip_address': '10.0.0.10',
                                            'mac_address': fakes.PORT_MAC}],
            revision_number=4)
        self.network.update_port.return_value = after
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1',
             '--allowed-address',
             'ip-address=10.0.0.10',
             '--allowed-address',
             'ip-address=10.0.0.9',
             '--allowed-address',
             'ip-address=10.0.0.10/32'],
            [('port', 'web-1'),
             ('allowed_address_pairs',
              [{'ip-address': '10.0.0.10'},
               {'ip-address': '10.0.0.9'},
               {'ip-address': '10.0.0.10/32'}])])
        cols, data = self.cmd.take_action(parsed_args)
        # Sent once: Neutron answers 400 DuplicateAddressPairInRequest to a
        # pair given twice in one request.
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3,
            allowed_address_pairs=[PAIR_A, {'ip_address': '10.0.0.10'}])
        self.assertEqual(
            ['added allowed address pair 10.0.0.10',
             'skipped allowed address pair 10.0.0.9: already on the port',
             'skipped allowed address pair 10.0.0.10/32: given more than '
             'once'],
            dict(zip(cols, data))['changes'].machine_readable())

    def test_all_existing_no_update(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--allowed-address',
             f'ip-address=10.0.0.9/32,mac-address={fakes.PORT_MAC.upper()}'],
            [('port', 'web-1'),
             ('allowed_address_pairs', [
                 {'ip-address': '10.0.0.9/32',
                  'mac-address': fakes.PORT_MAC.upper()}])])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        shown = dict(zip(cols, data))
        self.assertEqual('unchanged', shown['result'])
        self.assertEqual(
            [f'skipped allowed address pair 10.0.0.9/32 ({fakes.PORT_MAC}): '
             f'already on the port'],
            shown['changes'].machine_readable())
        self.assertEqual([], journal_entries())

    def test_port_security_disabled(self):
        self.find_ports(fakes.make_port(port_security_enabled=False,
                                        security_groups=[]))
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--allowed-address', 'ip-address=10.0.0.10'],
            [('port', 'web-1'),
             ('allowed_address_pairs', [{'ip-address': '10.0.0.10'}])])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn('Port web-1 has port security disabled', str(exc))
        self.network.update_port.assert_not_called()

    def test_open_to_all_warns(self):
        self.network.update_port.return_value = self.port
        logger = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--allowed-address', 'ip-address=0.0.0.0/0'],
            [('port', 'web-1'),
             ('allowed_address_pairs', [{'ip-address': '0.0.0.0/0'}])])
        self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3,
            allowed_address_pairs=[PAIR_A, {'ip_address': '0.0.0.0/0'}])
        self.assertIn('Allowed address pair 0.0.0.0/0 on port web-1',
                      logger.output)

    def test_invalid_before_any_request(self):
        for value in ('ip-address=10.0.0.999',
                      'ip-address=foo',
                      'ip-address=224.0.0.1',
                      'ip-address=10.0.0.5,mac-address=zz:zz:zz:zz:zz:zz',
                      'ip-address=10.0.0.5,mac-address=01:00:5e:00:00:01'):
            parsed_args = self.check_parser(
                self.cmd,
                ['web-1', '--allowed-address', 'ip-address=10.0.0.10',
                 '--allowed-address', value],
                [('port', 'web-1'),
                 ('allowed_address_pairs', [
                     {'ip-address': '10.0.0.10'},
                     dict(item.split('=', 1) for item in value.split(','))])])
            self.assertRaises(exceptions.CommandError,
                              self.cmd.take_action, parsed_args)
        self.assertEqual([], self.network.mock_calls)

    def test_no_pairs_no_restore(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1'],
            [('port', 'web-1')])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn('--allowed-address', str(exc))
        self.assertEqual([], self.network.mock_calls)

    def test_dry_run(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1',
             '--allowed-address',
             'ip-address=10.0.0.10',
             '--dry-run'],
            [('dry_run', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(CHANGE_TABLE, cols)
        shown = dict(zip(cols, data))
        self.assertEqual('dry-run', shown['result'])
        self.assertEqual(['would add allowed address pair 10.0.0.10'],
                         shown['changes'].machine_readable())
        self.assertEqual(
            [PAIR_A, {'ip_address': '10.0.0.10',
                      'mac_address': fakes.PORT_MAC}],
            shown['allowed_address_pairs'].machine_readable())
        self.assertEqual([], journal_entries())

    def test_dry_run_restore(self):
        self.record_clear()
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--restore', '--dry-run'],
            [('port', 'web-1'), ('restore', True), ('dry_run', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(
            [f'would restore allowed address pair 10.0.1.0/24 '
             f'({OTHER_MAC})',
             f'would skip allowed address pair 10.0.0.9 ({fakes.PORT_MAC}): '
             f'already on the port'],
            dict(zip(cols, data))['changes'].machine_readable())

    def test_no_long_option(self):
        # One port, shown as a ShowOne: always every change column.
        self.assertRaises(
            base.ParserException, self.check_parser, self.cmd,
            ['web-1', '--allowed-address', 'ip-address=10.0.0.10', '--long'],
            [])

    def test_restore(self):
        self.record_clear()
        self.network.update_port.return_value = fakes.make_port(
            allowed_address_pairs=[PAIR_A, PAIR_B], revision_number=4)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--restore'],
            [('restore', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3,
            allowed_address_pairs=[PAIR_A, PAIR_B])
        self.assertEqual(
            [f'restored allowed address pair 10.0.1.0/24 ({OTHER_MAC})',
             f'skipped allowed address pair 10.0.0.9 ({fakes.PORT_MAC}): '
             f'already on the port'],
            dict(zip(cols, data))['changes'].machine_readable())

    def test_restore_after_port_moved_on_dry_run(self):
        fakes.record_removal(
            'pair clear',
            {'security_group_ids': [fakes.SG_ID],
             'allowed_address_pairs': [PAIR_A, PAIR_B],
             'revision_number': 1},
            {'security_group_ids': [fakes.SG_ID],
             'allowed_address_pairs': [], 'revision_number': 2})
        parsed_args = self.check_parser(
            self.cmd, ['web-1', '--restore', '--dry-run', '-f', 'json'],
            [('port', 'web-1'), ('restore', True), ('dry_run', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        shown = dict(zip(cols, data))
        self.assertEqual('dry-run', shown['result'])
        self.assertEqual(
            ['port changed since the recorded pair clear (revision 2 then, '
             '3 now): only what is missing from the port is put back',
             f'would restore allowed address pair 10.0.1.0/24 ({OTHER_MAC})',
             f'would skip allowed address pair 10.0.0.9 ({fakes.PORT_MAC}): '
             f'already on the port'],
            shown['changes'].machine_readable())
        self.assertEqual(
            fakes.changed(
                restored_pairs=[PAIR_B],
                skipped_pairs=[dict(PAIR_A, reason='present')],
            ).machine_readable(),
            shown['changed'].machine_readable())

    def test_restore_and_add(self):
        self.record_clear()
        self.network.update_port.return_value = fakes.make_port(
            allowed_address_pairs=[PAIR_A, PAIR_B], revision_number=4)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1',
             '--restore',
             '--allowed-address',
             'ip-address=10.0.0.10'],
            [('restore', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3,
            allowed_address_pairs=[PAIR_A, {'ip_address': '10.0.0.10'},
                                   PAIR_B])
        self.assertEqual(
            ['added allowed address pair 10.0.0.10',
             f'restored allowed address pair 10.0.1.0/24 ({OTHER_MAC})',
             f'skipped allowed address pair 10.0.0.9 ({fakes.PORT_MAC}): '
             f'already on the port'],
            dict(zip(cols, data))['changes'].machine_readable())

    def test_restore_nothing_recorded(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--restore'],
            [('port', 'web-1'), ('restore', True)])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn('records no removal of allowed address pairs from port '
                      'web-1', str(exc))
        self.network.update_port.assert_not_called()

    def test_journal_has_no_secrets(self):
        self.network.update_port.return_value = self.port
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--allowed-address', 'ip-address=10.0.0.10'],
            [('port', 'web-1'),
             ('allowed_address_pairs', [{'ip-address': '10.0.0.10'}])])
        self.cmd.take_action(parsed_args)
        with open(journal.path(), encoding='utf-8') as stream:
            text = stream.read()
        self.assertNotIn(fakes.PASSWORD, text)
        intent, applied = [json.loads(line) for line in text.splitlines()]
        self.assertEqual(('intent', 'applied'),
                         (intent['phase'], applied['phase']))
        self.assertEqual(intent['id'], applied['id'])
        entry = intent
        self.assertEqual('prod', entry['cloud'])
        self.assertEqual(fakes.AUTH_URL, entry['auth_url'])
        self.assertEqual(fakes.PROJECT_ID, entry['project_id'])


class TestRemovePortSecurityPair(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.cmd = pair.RemovePortSecurityPair(self.app, None)
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B])
        self.find_ports(self.port)

    def test_macless_match(self):
        after = fakes.make_port(allowed_address_pairs=[PAIR_B],
                                revision_number=4)
        self.network.update_port.return_value = after
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--allowed-address', 'ip-address=10.0.0.9'],
            [('allowed_address_pairs', [{'ip-address': '10.0.0.9'}])])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, allowed_address_pairs=[PAIR_B])
        shown = dict(zip(cols, data))
        self.assertEqual(
            [f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})'],
            shown['changes'].machine_readable())
        self.assertEqual([PAIR_B],
                         shown['allowed_address_pairs'].machine_readable())
        entry = journal_entries()[0]
        self.assertEqual('pair remove', entry['command'])
        self.assertEqual(([], [PAIR_A]), journal.removed(entry))

    def test_missing_pair(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1',
             '--allowed-address',
             'ip-address=10.0.0.9',
             '--allowed-address',
             'ip-address=10.0.1.0/24'],
            [('port', 'web-1'),
             ('allowed_address_pairs',
              [{'ip-address': '10.0.0.9'}, {'ip-address': '10.0.1.0/24'}])])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn('10.0.1.0/24 is not on port web-1', str(exc))
        self.assertIn(f'mac-address={OTHER_MAC}', str(exc))
        self.network.update_port.assert_not_called()

    def test_required(self):
        self.assertRaises(base.ParserException, self.check_parser,
                          self.cmd, ['web-1'], [])

    def test_dry_run(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--allowed-address',
             f'ip-address=10.0.1.0/24,mac-address={OTHER_MAC}',
             '--dry-run'],
            [('port', 'web-1'),
             ('allowed_address_pairs', [{'ip-address': '10.0.1.0/24',
                                         'mac-address': OTHER_MAC}]),
             ('dry_run', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(CHANGE_TABLE, cols)
        shown = dict(zip(cols, data))
        self.assertEqual('dry-run', shown['result'])
        self.assertEqual(
            [f'would remove allowed address pair 10.0.1.0/24 ({OTHER_MAC})'],
            shown['changes'].machine_readable())
        self.assertEqual([PAIR_A],
                         shown['allowed_address_pairs'].machine_readable())

    def test_no_long_option(self):
        self.assertRaises(
            base.ParserException, self.check_parser, self.cmd,
            ['web-1', '--allowed-address', 'ip-address=10.0.0.9', '--long'],
            [])


class TestClearPortSecurityPair(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.cmd = pair.ClearPortSecurityPair(self.app, None)
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B])
        self.empty = fakes.make_port(id=OTHER_ID, name='web-2')
        self.find_ports(self.port, self.empty)

    def test_clear(self):
        after = fakes.make_port(revision_number=4)
        self.network.update_port.return_value = after
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1'],
            [('port', ['web-1'])])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, allowed_address_pairs=[])
        self.assertEqual(CHANGES_TABLE, cols)
        self.assertEqual(('id', 'name', 'result', 'changes'), cols)
        self.assertEqual(1, len(data))
        self.assertItemEqual(
            (fakes.PORT_ID, 'web-1', 'updated',
             formats.Lines([
                 f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
                 f'removed allowed address pair 10.0.1.0/24 ({OTHER_MAC})'])),
            data[0],
        )
        entry = journal_entries()[0]
        self.assertEqual('pair clear', entry['command'])
        self.assertEqual(([], [PAIR_A, PAIR_B]), journal.removed(entry))

    def test_long(self):
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', 'web-2', '--long'],
            [('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, allowed_address_pairs=[])
        self.assertEqual(CHANGE_TABLE, cols)
        self.assertListItemEqual(
            [(fakes.PORT_ID, 'web-1', 'updated',
              formats.Lines([
                  f'removed allowed address pair 10.0.0.9 '
                  f'({fakes.PORT_MAC})',
                  f'removed allowed address pair 10.0.1.0/24 '
                  f'({OTHER_MAC})']),
              formats.PortSecurity(True),
              formats.GroupIds([fakes.SG_ID]),
              formats.Pairs([]),
              4),
             (OTHER_ID, 'web-2', 'unchanged',
              formats.Lines(['no allowed address pairs to clear']),
              formats.PortSecurity(True),
              formats.GroupIds([fakes.SG_ID]),
              formats.Pairs([]),
              3)],
            data,
        )

    def test_default_columns_several_ports(self):
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', 'web-2'],
            [('long', False)])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual(CHANGES_TABLE, cols)
        self.assertListItemEqual(
            [(fakes.PORT_ID, 'web-1', 'updated',
              formats.Lines([
                  f'removed allowed address pair 10.0.0.9 '
                  f'({fakes.PORT_MAC})',
                  f'removed allowed address pair 10.0.1.0/24 '
                  f'({OTHER_MAC})'])),
             (OTHER_ID, 'web-2', 'unchanged',
              formats.Lines(['no allowed address pairs to clear']))],
            data,
        )

    def test_empty_no_request(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-2'],
            [('port', ['web-2'])])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        row = dict(zip(cols, data[0]))
        self.assertEqual('unchanged', row['result'])
        self.assertEqual(['no allowed address pairs to clear'],
                         row['changes'].machine_readable())
        self.assertEqual([], journal_entries())

    def test_several_ports(self):
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', 'web-2'],
            [('port', ['web-1', 'web-2'])])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, allowed_address_pairs=[])
        self.assertEqual(['updated', 'unchanged'],
                         [dict(zip(cols, r))['result'] for r in data])
        self.assertEqual(0, self.cmd._failed)

    def test_dry_run(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', 'web-2', '--dry-run'],
            [('port', ['web-1', 'web-2']), ('dry_run', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(['dry-run', 'unchanged'],
                         [dict(zip(cols, r))['result'] for r in data])
        self.assertEqual(
            [[f'would remove allowed address pair 10.0.0.9 '
              f'({fakes.PORT_MAC})',
              f'would remove allowed address pair 10.0.1.0/24 '
              f'({OTHER_MAC})'],
             ['no allowed address pairs to clear']],
            [dict(zip(cols, r))['changes'].machine_readable() for r in data])
        self.assertEqual([], journal_entries())

    def test_one_of_two_fails(self):
        self.network.update_port.side_effect = fakes.neutron_error(
            403, 'PolicyNotAuthorized',
            '(rule:update_port and rule:update_port:allowed_address_pairs) '
            'is disallowed by policy')
        logger = self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', 'web-2'],
            [('port', ['web-1', 'web-2'])])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual(1, self.cmd._failed)
        self.assertEqual([OTHER_ID], [r[0] for r in data])
        self.assertIn('You are not allowed', logger.output)
        self.assertIn('port web-1', logger.output)


class TestPairJournal(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.find_ports(fakes.make_port(allowed_address_pairs=[PAIR_A]))
        # The journal's directory is a file: nothing can be written.
        with open(journal.directory(), 'w', encoding='utf-8'):
            pass

    def test_add_goes_ahead_with_a_warning(self):
        cmd = pair.AddPortSecurityPair(self.app, None)
        self.network.update_port.return_value = fakes.make_port(
            allowed_address_pairs=[PAIR_A, PAIR_B], revision_number=4)
        logger = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        parsed_args = self.check_parser(
            cmd, ['web-1', '--allowed-address', 'ip-address=10.0.1.0/24'],
            [('port', 'web-1'),
             ('allowed_address_pairs', [{'ip-address': '10.0.1.0/24'}])])
        cols, data = cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once()
        self.assertEqual('updated', dict(zip(cols, data))['result'])
        self.assertIn(f'The journal {journal.path()} cannot be written',
                      logger.output)

    def test_removals_are_not_sent(self):
        for cmd, args in (
            (pair.RemovePortSecurityPair(self.app, None),
             ['web-1', '--allowed-address', 'ip-address=10.0.0.9']),
            (pair.ClearPortSecurityPair(self.app, None), ['web-1']),
        ):
            parsed_args = cmd.get_parser('openstack').parse_args(args)
            exc = self.assertRaises(exceptions.CommandError, cmd.take_action,
                                    parsed_args)
            self.assertIn(f'The journal {journal.path()} cannot be written',
                          str(exc))
            self.assertIn('nothing was sent', str(exc))
        self.network.update_port.assert_not_called()
