"""Tests of ``port security disable`` and ``port security enable``."""

import logging

import fixtures
from openstack import exceptions as sdk_exc
from osc_lib.cli import format_columns
from osc_lib import exceptions

from osc_portsec import columns
from osc_portsec import journal
from osc_portsec.v2 import toggle
from tests.unit import fakes
from tests.unit.v2 import fakes as cmd_fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
OTHER_ID = '2c9f3a8e-7b6d-4e5f-9a0b-1c2d3e4f5a6b'
DISABLED = {'port_security_enabled': False, 'security_groups': [],
            'allowed_address_pairs': []}


def results(cols, data):
    return [dict(zip(cols, row))['result'] for row in data]


class TestDisablePortSecurity(cmd_fakes.TestPortSecurityCommand):

    def setUp(self):
        super().setUp()
        self.cmd = toggle.DisablePortSecurity(self.app, None)
        self.port = fakes.make_port(
            security_groups=[fakes.SG_ID, fakes.SG2_ID],
            allowed_address_pairs=[PAIR_A])
        self.other = fakes.make_port(id=OTHER_ID, name='web-2',
                                     revision_number=9)
        self.find_ports(self.port, self.other)

    def test_disable_one_request(self):
        after = fakes.make_port(revision_number=4, **DISABLED)
        self.network.update_port.return_value = after
        parsed_args = self.check_parser(
            self.cmd, ['web-1'], [('port', ['web-1']), ('dry_run', False)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=False,
            security_group_ids=[], allowed_address_pairs=[])
        self.network.security_groups.assert_called_once_with(
            id=[fakes.SG_ID, fakes.SG2_ID], fields=['id', 'name'])
        self.assertEqual(columns.CHANGE_COLUMNS, cols)
        self.assertEqual(1, len(data))
        self.assertItemEqual(
            (fakes.PORT_ID, 'web-1', 'updated',
             columns.LinesColumn([
                 f'removed security group web ({fakes.SG_ID})',
                 f'removed security group db ({fakes.SG2_ID})',
                 f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
                 'port security disabled']),
             columns.PortSecurityColumn(False),
             format_columns.ListColumn([]),
             format_columns.ListDictColumn([]),
             4),
            data[0],
        )
        entries = list(journal.entries())
        self.assertEqual(1, len(entries))
        self.assertEqual('disable', entries[0]['command'])
        self.assertEqual(([fakes.SG_ID, fakes.SG2_ID], [PAIR_A]),
                         journal.removed(entries[0]))
        self.assertEqual(fakes.AUTH_URL, entries[0]['auth_url'])

    def test_already_disabled(self):
        self.find_ports(fakes.make_port(**DISABLED))
        parsed_args = self.check_parser(self.cmd, ['web-1'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        row = dict(zip(cols, data[0]))
        self.assertEqual('unchanged', row['result'])
        self.assertEqual(['port security is already disabled'],
                         row['changes'].machine_readable())

    def test_no_extension(self):
        self.find_ports(fakes.make_port(port_security_enabled=None))
        parsed_args = self.check_parser(self.cmd, ['web-1'], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn('port-security extension', str(exc))
        self.network.update_port.assert_not_called()

    def test_dry_run(self):
        parsed_args = self.check_parser(
            self.cmd, ['web-1', 'web-2', '--dry-run'], [('dry_run', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(['dry-run', 'dry-run'], results(cols, data))
        row = dict(zip(cols, data[0]))
        self.assertIs(False, row['port_security_enabled'].machine_readable())
        self.assertEqual([], row['security_group_ids'].machine_readable())
        self.assertEqual(3, row['revision_number'])
        self.assertEqual([], list(journal.entries()))

    def test_412_replans_with_new_group(self):
        fresh = fakes.make_port(
            security_groups=[fakes.SG_ID, fakes.SG2_ID, 'sg-new'],
            allowed_address_pairs=[PAIR_A], revision_number=5)
        self.network.get_port.return_value = fresh
        self.network.update_port.side_effect = [
            fakes.stale_revision(5),
            fakes.make_port(revision_number=6, **DISABLED),
        ]
        self.groups['sg-new'] = 'late'
        parsed_args = self.check_parser(self.cmd, ['web-1'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual(2, self.network.update_port.call_count)
        self.network.update_port.assert_called_with(
            fakes.PORT_ID, if_revision=5, is_port_security_enabled=False,
            security_group_ids=[], allowed_address_pairs=[])
        self.network.security_groups.assert_called_with(
            id=['sg-new'], fields=['id', 'name'])
        self.assertIn('removed security group late (sg-new)',
                      dict(zip(cols, data[0]))['changes'].machine_readable())

    def test_one_of_two_fails(self):
        self.network.update_port.side_effect = [
            fakes.neutron_error(
                403, 'PolicyNotAuthorized',
                '(rule:update_port and rule:update_port:'
                'port_security_enabled) is disallowed by policy'),
            fakes.make_port(id=OTHER_ID, name='web-2', revision_number=10,
                            **DISABLED),
        ]
        logger = self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        parsed_args = self.check_parser(self.cmd, ['web-1', 'web-2'], [])
        exc = self.assertRaises(exceptions.CommandError, self.cmd.run,
                                parsed_args)
        self.assertEqual('1 of 2 ports failed.', str(exc))
        self.assertEqual(2, self.network.update_port.call_count)
        self.network.update_port.assert_called_with(
            OTHER_ID, if_revision=9, is_port_security_enabled=False,
            security_group_ids=[], allowed_address_pairs=[])
        # The port that did change is printed before the command fails.
        output = self.app.stdout.make_string()
        self.assertIn(OTHER_ID, output)
        self.assertNotIn(fakes.PORT_ID, output)
        self.assertIn('You are not allowed to change port security on port '
                      'web-1', logger.output)
        self.assertIn('admin', logger.output)
        entries = list(journal.entries())
        self.assertEqual([OTHER_ID], [e['port_id'] for e in entries])

    def test_one_port_not_found(self):
        self.network.update_port.return_value = fakes.make_port(
            id=OTHER_ID, **DISABLED)
        self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        parsed_args = self.check_parser(self.cmd, ['nope', 'web-2'], [])
        exc = self.assertRaises(exceptions.CommandError, self.cmd.run,
                                parsed_args)
        self.assertEqual('1 of 2 ports failed.', str(exc))
        self.network.update_port.assert_called_once()

    def test_all_fail(self):
        self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        parsed_args = self.check_parser(self.cmd, ['nope', 'gone'], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertEqual('2 of 2 ports failed.', str(exc))

    def test_run_success(self):
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4, **DISABLED)
        parsed_args = self.check_parser(self.cmd, ['web-1', '-f', 'json'],
                                        [])
        self.assertEqual(0, self.cmd.run(parsed_args))
        self.assertIn('"result": "updated"', self.app.stdout.make_string())


class TestEnablePortSecurity(cmd_fakes.TestPortSecurityCommand):

    def setUp(self):
        super().setUp()
        self.cmd = toggle.EnablePortSecurity(self.app, None)
        self.port = fakes.make_port(**DISABLED)
        self.other = fakes.make_port(id=OTHER_ID, name='web-2',
                                     revision_number=9, **DISABLED)
        self.find_ports(self.port, self.other)
        self.network.find_security_group.side_effect = self._find_group

    def _find_group(self, ref, ignore_missing=True):
        for sg, name in self.groups.items():
            if ref in (sg, name):
                return fakes.make_group(sg, name)
        raise sdk_exc.NotFoundException(f'No SecurityGroup found for {ref}')

    def record_disable(self, port_id=fakes.PORT_ID, groups=(fakes.SG_ID,),
                       pairs=(PAIR_A,)):
        journal.append(journal.record(
            'disable', port_id,
            {'port_security_enabled': True,
             'security_group_ids': list(groups),
             'allowed_address_pairs': list(pairs), 'revision_number': 3},
            {'port_security_enabled': False, 'security_group_ids': [],
             'allowed_address_pairs': [], 'revision_number': 4},
            {'name': 'prod', 'auth_url': fakes.AUTH_URL}))

    def test_enable_with_group(self):
        after = fakes.make_port(revision_number=4,
                                allowed_address_pairs=[])
        self.network.update_port.return_value = after
        parsed_args = self.check_parser(
            self.cmd, ['web-1', '--security-group', 'web'],
            [('port', ['web-1']), ('security_groups', ['web']),
             ('restore', False)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.find_security_group.assert_called_once_with(
            'web', ignore_missing=False)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID])
        row = dict(zip(cols, data[0]))
        self.assertEqual(
            ['port security enabled',
             f'added security group web ({fakes.SG_ID})'],
            row['changes'].machine_readable())
        self.assertEqual([fakes.SG_ID],
                         row['security_group_ids'].machine_readable())

    def test_without_group_warns(self):
        self.network.update_port.return_value = fakes.make_port(
            security_groups=[], revision_number=4)
        logger = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        parsed_args = self.check_parser(self.cmd, ['web-1'], [])
        self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True)
        self.assertIn('Port web-1 has port security enabled and no security '
                      'group', logger.output)

    def test_unknown_group_before_any_port(self):
        parsed_args = self.check_parser(
            self.cmd, ['web-1', '--security-group', 'nope'], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn("Security group 'nope' was not found", str(exc))
        self.network.find_port.assert_not_called()
        self.network.update_port.assert_not_called()

    def test_duplicate_group_name(self):
        self.network.find_security_group.side_effect = (
            sdk_exc.DuplicateResource('More than one SecurityGroup'))
        parsed_args = self.check_parser(
            self.cmd, ['web-1', '--security-group', 'web'], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn("More than one security group is named 'web'",
                      str(exc))

    def test_restore(self):
        self.record_disable()
        self.network.update_port.return_value = fakes.make_port(
            allowed_address_pairs=[PAIR_A], revision_number=4)
        parsed_args = self.check_parser(self.cmd, ['web-1', '--restore'],
                                        [('restore', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID],
            allowed_address_pairs=[PAIR_A])
        self.assertEqual(
            ['port security enabled',
             f'added security group web ({fakes.SG_ID})',
             f'restored allowed address pair 10.0.0.9 ({fakes.PORT_MAC})'],
            dict(zip(cols, data[0]))['changes'].machine_readable())

    def test_restore_with_extra_group(self):
        self.record_disable(pairs=())
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4)
        parsed_args = self.check_parser(
            self.cmd, ['web-1', '--restore', '--security-group', fakes.SG2_ID,
                       '--security-group', 'web'], [])
        self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID, fakes.SG2_ID])

    def test_restore_skips_deleted_group(self):
        self.record_disable(groups=(fakes.SG_ID, fakes.SG2_ID))
        del self.groups[fakes.SG2_ID]
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4)
        parsed_args = self.check_parser(self.cmd, ['web-1', '--restore'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID],
            allowed_address_pairs=[PAIR_A])
        self.assertIn(
            f'skipped security group {fakes.SG2_ID}: it no longer exists or '
            f'is not visible to you',
            dict(zip(cols, data[0]))['changes'].machine_readable())

    def test_restore_nothing_recorded(self):
        self.record_disable(port_id='another-port')
        parsed_args = self.check_parser(self.cmd, ['web-1', '--restore'], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn('records no removal from port web-1', str(exc))
        self.assertIn(journal.path(), str(exc))
        self.network.update_port.assert_not_called()

    def test_restore_one_of_two_without_record(self):
        self.record_disable()
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4)
        self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        parsed_args = self.check_parser(
            self.cmd, ['web-1', 'web-2', '--restore'], [])
        exc = self.assertRaises(exceptions.CommandError, self.cmd.run,
                                parsed_args)
        self.assertEqual('1 of 2 ports failed.', str(exc))
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID],
            allowed_address_pairs=[PAIR_A])

    def test_dry_run(self):
        self.record_disable()
        self.record_disable(port_id=OTHER_ID, pairs=())
        parsed_args = self.check_parser(
            self.cmd, ['web-1', 'web-2', '--restore', '--security-group',
                       'db', '--dry-run'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(['dry-run', 'dry-run'], results(cols, data))
        first = dict(zip(cols, data[0]))
        self.assertEqual([fakes.SG_ID, fakes.SG2_ID],
                         first['security_group_ids'].machine_readable())
        self.assertEqual([PAIR_A],
                         first['allowed_address_pairs'].machine_readable())
        self.assertEqual(2, len(list(journal.entries())))

    def test_dry_run_predicts(self):
        parsed_args = self.check_parser(
            self.cmd, ['web-1', '--security-group', 'db', '--dry-run'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        row = dict(zip(cols, data[0]))
        self.assertEqual('dry-run', row['result'])
        self.assertIs(True, row['port_security_enabled'].machine_readable())
        self.assertEqual([fakes.SG2_ID],
                         row['security_group_ids'].machine_readable())

    def test_already_enabled(self):
        self.find_ports(fakes.make_port())
        parsed_args = self.check_parser(
            self.cmd, ['web-1', '--security-group', 'web'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(['unchanged'], results(cols, data))
