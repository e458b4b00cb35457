"""Tests of ``port security pair add|remove|clear|list``."""

import json
import logging

import fixtures
from osc_lib.cli import format_columns
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import columns
from osc_portsec import journal
from osc_portsec.v2 import pair
from tests.unit import fakes
from tests.unit.v2 import fakes as cmd_fakes


OTHER_MAC = 'fa:16:3e:aa:bb:cc'
PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
PAIR_B = {'ip_address': '10.0.1.0/24', 'mac_address': OTHER_MAC}
OTHER_ID = '2c9f3a8e-7b6d-4e5f-9a0b-1c2d3e4f5a6b'


def journal_entries():
    return list(journal.entries())


class TestAddPortSecurityPair(cmd_fakes.TestPortSecurityCommand):

    def setUp(self):
        super().setUp()
        self.cmd = pair.AddPortSecurityPair(self.app, None)
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.find_ports(self.port)

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
             '--allowed-address', 'ip-address=10.0.1.0/24,'
             'mac-address=FA-16-3E-AA-BB-CC',
             '--allowed-address', 'ip-address=10.0.0.10'],
            [('port', 'web-1'),
             ('allowed_address_pairs', [
                 {'ip-address': '10.0.1.0/24',
                  'mac-address': 'FA-16-3E-AA-BB-CC'},
                 {'ip-address': '10.0.0.10'}]),
             ('dry_run', False)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3,
            allowed_address_pairs=[PAIR_A, PAIR_B,
                                   {'ip_address': '10.0.0.10'}])
        self.assertEqual(columns.CHANGE_COLUMNS, cols)
        self.assertItemEqual(
            (fakes.PORT_ID, 'web-1', 'updated',
             columns.LinesColumn([
                 f'added allowed address pair 10.0.1.0/24 ({OTHER_MAC})',
                 'added allowed address pair 10.0.0.10']),
             columns.PortSecurityColumn(True),
             format_columns.ListColumn([fakes.SG_ID]),
             format_columns.ListDictColumn(after.allowed_address_pairs),
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
            ['web-1', '--allowed-address', 'ip-address=10.0.0.9',
             '--allowed-address', 'ip-address=10.0.0.10'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3,
            allowed_address_pairs=[PAIR_A, {'ip_address': '10.0.0.10'}])
        self.assertEqual(
            ['added allowed address pair 10.0.0.10',
             'skipped allowed address pair 10.0.0.9: already on the port'],
            dict(zip(cols, data))['changes'].machine_readable())

    def test_all_existing_no_update(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--allowed-address',
             f'ip-address=10.0.0.9/32,mac-address={fakes.PORT_MAC.upper()}'],
            [])
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
            self.cmd, ['web-1', '--allowed-address', 'ip-address=10.0.0.10'],
            [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn('Port web-1 has port security disabled', str(exc))
        self.network.update_port.assert_not_called()

    def test_open_to_all_warns(self):
        self.network.update_port.return_value = self.port
        logger = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        parsed_args = self.check_parser(
            self.cmd, ['web-1', '--allowed-address', 'ip-address=0.0.0.0/0'],
            [])
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
                 '--allowed-address', value], [])
            self.assertRaises(exceptions.CommandError,
                              self.cmd.take_action, parsed_args)
        self.network.find_port.assert_not_called()
        self.assertEqual([], self.network.mock_calls)

    def test_no_pairs_no_restore(self):
        parsed_args = self.check_parser(self.cmd, ['web-1'], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn('--allowed-address', str(exc))
        self.assertEqual([], self.network.mock_calls)

    def test_dry_run(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--allowed-address', 'ip-address=10.0.0.10',
             '--dry-run'], [('dry_run', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        shown = dict(zip(cols, data))
        self.assertEqual('dry-run', shown['result'])
        self.assertEqual(
            [PAIR_A, {'ip_address': '10.0.0.10',
                      'mac_address': fakes.PORT_MAC}],
            shown['allowed_address_pairs'].machine_readable())
        self.assertEqual([], journal_entries())

    def test_restore(self):
        journal.append(journal.record(
            'pair clear', fakes.PORT_ID,
            {'security_group_ids': [fakes.SG_ID],
             'allowed_address_pairs': [PAIR_A, PAIR_B]},
            {'security_group_ids': [fakes.SG_ID],
             'allowed_address_pairs': []},
            {'auth_url': fakes.AUTH_URL}))
        self.network.update_port.return_value = self.port
        parsed_args = self.check_parser(self.cmd, ['web-1', '--restore'],
                                        [('restore', True)])
        self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3,
            allowed_address_pairs=[PAIR_A, PAIR_B])

    def test_restore_nothing_recorded(self):
        parsed_args = self.check_parser(self.cmd, ['web-1', '--restore'], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn('records no removal of allowed address pairs from port '
                      'web-1', str(exc))
        self.network.update_port.assert_not_called()

    def test_journal_has_no_secrets(self):
        self.network.update_port.return_value = self.port
        parsed_args = self.check_parser(
            self.cmd, ['web-1', '--allowed-address', 'ip-address=10.0.0.10'],
            [])
        self.cmd.take_action(parsed_args)
        with open(journal.path(), encoding='utf-8') as stream:
            text = stream.read()
        self.assertNotIn(cmd_fakes.PASSWORD, text)
        entry = json.loads(text)
        self.assertEqual('prod', entry['cloud'])
        self.assertEqual(fakes.AUTH_URL, entry['auth_url'])
        self.assertEqual(cmd_fakes.PROJECT_ID, entry['project_id'])


class TestRemovePortSecurityPair(cmd_fakes.TestPortSecurityCommand):

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
            self.cmd, ['web-1', '--allowed-address', 'ip-address=10.0.0.9'],
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
            ['web-1', '--allowed-address', 'ip-address=10.0.0.9',
             '--allowed-address', 'ip-address=10.0.1.0/24'], [])
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
             '--dry-run'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        shown = dict(zip(cols, data))
        self.assertEqual('dry-run', shown['result'])
        self.assertEqual([PAIR_A],
                         shown['allowed_address_pairs'].machine_readable())


class TestClearPortSecurityPair(cmd_fakes.TestPortSecurityCommand):

    def setUp(self):
        super().setUp()
        self.cmd = pair.ClearPortSecurityPair(self.app, None)
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B])
        self.empty = fakes.make_port(id=OTHER_ID, name='web-2')
        self.find_ports(self.port, self.empty)

    def test_clear(self):
        after = fakes.make_port(revision_number=4)
        self.network.update_port.return_value = after
        parsed_args = self.check_parser(self.cmd, ['web-1'],
                                        [('port', ['web-1'])])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, allowed_address_pairs=[])
        self.assertEqual(columns.CHANGE_COLUMNS, cols)
        row = dict(zip(cols, data[0]))
        self.assertEqual('updated', row['result'])
        self.assertEqual(
            [f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
             f'removed allowed address pair 10.0.1.0/24 ({OTHER_MAC})'],
            row['changes'].machine_readable())
        entry = journal_entries()[0]
        self.assertEqual('pair clear', entry['command'])
        self.assertEqual(([], [PAIR_A, PAIR_B]), journal.removed(entry))

    def test_empty_no_request(self):
        parsed_args = self.check_parser(self.cmd, ['web-2'], [])
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
        parsed_args = self.check_parser(self.cmd, ['web-1', 'web-2'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, allowed_address_pairs=[])
        self.assertEqual(['updated', 'unchanged'],
                         [dict(zip(cols, r))['result'] for r in data])
        self.assertEqual(0, self.cmd._failed)

    def test_dry_run(self):
        parsed_args = self.check_parser(
            self.cmd, ['web-1', 'web-2', '--dry-run'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(['dry-run', 'unchanged'],
                         [dict(zip(cols, r))['result'] for r in data])
        self.assertEqual([], journal_entries())

    def test_one_of_two_fails(self):
        self.network.update_port.side_effect = fakes.neutron_error(
            403, 'PolicyNotAuthorized',
            '(rule:update_port and rule:update_port:allowed_address_pairs) '
            'is disallowed by policy')
        logger = self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        parsed_args = self.check_parser(self.cmd, ['web-1', 'web-2'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual(1, self.cmd._failed)
        self.assertEqual([OTHER_ID], [r[0] for r in data])
        self.assertIn('You are not allowed', logger.output)
        self.assertIn('port web-1', logger.output)


class TestListPortSecurityPair(cmd_fakes.TestPortSecurityCommand):

    def setUp(self):
        super().setUp()
        self.cmd = pair.ListPortSecurityPair(self.app, None)

    def test_list(self):
        self.find_ports(
            fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B]))
        parsed_args = self.check_parser(self.cmd, ['web-1'],
                                        [('port', 'web-1')])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual(('ip_address', 'mac_address'), cols)
        self.assertEqual(
            [('10.0.0.9', fakes.PORT_MAC), ('10.0.1.0/24', OTHER_MAC)],
            list(data))
        self.network.update_port.assert_not_called()

    def test_empty(self):
        self.find_ports(fakes.make_port())
        parsed_args = self.check_parser(self.cmd, ['web-1'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual([], list(data))
