"""Tests of disable and enable."""

import json
import logging
import os

import fixtures
from keystoneauth1 import exceptions as ks_exc
from osc_lib import exceptions

from osc_portsec import formats
from osc_portsec import journal
from osc_portsec.v2 import toggle
from tests.unit import fakes
from tests.unit.fakes import CHANGE_TABLE
from tests.unit.fakes import CHANGES_TABLE
from tests.unit.fakes import DISABLED
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import PAIR_A
from tests.unit.fakes import results


class TestDisablePortSecurity(fakes.TestCommand):

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
            self.cmd,
            ['web-1'],
            [('port', ['web-1']), ('dry_run', False)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=False,
            security_group_ids=[], allowed_address_pairs=[])
        self.network.security_groups.assert_called_once_with(
            id=[fakes.SG_ID, fakes.SG2_ID], fields=['id', 'name'])
        self.assertEqual(CHANGES_TABLE, cols)
        self.assertEqual(1, len(data))
        self.assertItemEqual(
            (fakes.PORT_ID, 'web-1', 'updated',
             formats.Lines([
                 f'removed security group web ({fakes.SG_ID})',
                 f'removed security group db ({fakes.SG2_ID})',
                 f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
                 'disabled port security'])),
            data[0],
        )
        entries = list(journal.entries())
        self.assertEqual(1, len(entries))
        self.assertEqual('disable', entries[0]['command'])
        self.assertEqual(([fakes.SG_ID, fakes.SG2_ID], [PAIR_A]),
                         journal.removed(entries[0]))
        self.assertEqual(fakes.AUTH_URL, entries[0]['auth_url'])

    def test_long(self):
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4, **DISABLED)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--long'],
            [('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=False,
            security_group_ids=[], allowed_address_pairs=[])
        self.assertEqual(CHANGE_TABLE, cols)
        self.assertListItemEqual(
            [(fakes.PORT_ID, 'web-1', 'updated',
              formats.Lines([
                  f'removed security group web ({fakes.SG_ID})',
                  f'removed security group db ({fakes.SG2_ID})',
                  f'removed allowed address pair 10.0.0.9 '
                  f'({fakes.PORT_MAC})',
                  'disabled port security']),
              formats.PortSecurity(False),
              formats.GroupIds([]),
              formats.Pairs([]),
              4)],
            data,
        )

    def test_groups_without_pairs(self):
        # No allowed_address_pairs key, so Neutron does not check the
        # update_port:allowed_address_pairs policy.
        self.network.update_port.return_value = fakes.make_port(
            id=OTHER_ID, name='web-2', revision_number=10, **DISABLED)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-2'],
            [('port', ['web-2'])])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            OTHER_ID, if_revision=9, is_port_security_enabled=False,
            security_group_ids=[])
        self.assertItemEqual(
            (OTHER_ID, 'web-2', 'updated',
             formats.Lines([
                 f'removed security group web ({fakes.SG_ID})',
                 'disabled port security'])),
            data[0],
        )
        entries = list(journal.entries())
        self.assertEqual(([fakes.SG_ID], []), journal.removed(entries[0]))

    def test_nothing_attached_sends_only_flag(self):
        self.find_ports(fakes.make_port(security_groups=[]))
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4, **DISABLED)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1'],
            [('port', ['web-1'])])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=False)
        self.network.security_groups.assert_not_called()
        self.assertItemEqual(
            (fakes.PORT_ID, 'web-1', 'updated',
             formats.Lines(['disabled port security'])),
            data[0],
        )

    def test_already_disabled(self):
        self.find_ports(fakes.make_port(**DISABLED))
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1'],
            [('port', ['web-1'])])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        row = dict(zip(cols, data[0]))
        self.assertEqual('unchanged', row['result'])
        self.assertEqual(['port security is already disabled'],
                         row['changes'].machine_readable())

    def test_no_extension(self):
        self.find_ports(fakes.make_port(port_security_enabled=None))
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1'],
            [('port', ['web-1'])])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn('port-security extension', str(exc))
        self.network.update_port.assert_not_called()

    def test_dry_run(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', 'web-2', '--dry-run', '--long'],
            [('dry_run', True), ('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(CHANGE_TABLE, cols)
        self.assertEqual(['dry-run', 'dry-run'], results(cols, data))
        row = dict(zip(cols, data[0]))
        self.assertEqual(
            [f'would remove security group web ({fakes.SG_ID})',
             f'would remove security group db ({fakes.SG2_ID})',
             f'would remove allowed address pair 10.0.0.9 '
             f'({fakes.PORT_MAC})',
             'would disable port security'],
            row['changes'].machine_readable())
        self.assertIs(False, row['port_security_enabled'].machine_readable())
        self.assertEqual([], row['security_group_ids'].machine_readable())
        self.assertEqual([],
                         row['allowed_address_pairs'].machine_readable())
        self.assertEqual(3, row['revision_number'])
        other = dict(zip(cols, data[1]))
        self.assertEqual(
            [f'would remove security group web ({fakes.SG_ID})',
             'would disable port security'],
            other['changes'].machine_readable())
        self.assertEqual(9, other['revision_number'])
        self.assertEqual([], list(journal.entries()))

    def test_412_replans_with_new_group(self):
        fresh = fakes.make_port(
            security_groups=[fakes.SG_ID, fakes.SG2_ID, 'sg-new'],
            allowed_address_pairs=[PAIR_A], revision_number=5)
        self.network.get_port.side_effect = [fresh]
        self.network.update_port.side_effect = [
            fakes.stale_revision(5),
            fakes.make_port(revision_number=6, **DISABLED),
        ]
        self.groups['sg-new'] = 'late'
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1'],
            [('port', ['web-1'])])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual(2, self.network.update_port.call_count)
        self.network.update_port.assert_called_with(
            fakes.PORT_ID, if_revision=5, is_port_security_enabled=False,
            security_group_ids=[], allowed_address_pairs=[])
        # Names are read once, before the first attempt; the retry reads
        # nothing but the port, so a group added meanwhile shows its ID.
        self.network.security_groups.assert_called_once_with(
            id=[fakes.SG_ID, fakes.SG2_ID], fields=['id', 'name'])
        self.network.get_port.assert_called_once_with(fakes.PORT_ID)
        self.assertIn('removed security group sg-new',
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
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', 'web-2'],
            [('port', ['web-1', 'web-2'])])
        exc = self.assertRaises(exceptions.CommandError, self.cmd.run,
                                parsed_args)
        self.assertEqual('1 of 2 ports failed.', str(exc))
        self.assertEqual(2, self.network.update_port.call_count)
        self.network.update_port.assert_called_with(
            OTHER_ID, if_revision=9, is_port_security_enabled=False,
            security_group_ids=[])
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
        parsed_args = self.check_parser(
            self.cmd,
            ['nope', 'web-2'],
            [('port', ['nope', 'web-2'])])
        exc = self.assertRaises(exceptions.CommandError, self.cmd.run,
                                parsed_args)
        self.assertEqual('1 of 2 ports failed.', str(exc))
        self.network.update_port.assert_called_once()

    def test_many_ports_name_their_groups_in_one_request(self):
        # Two requests a port (find, update) and one for every group name.
        self.other.security_group_ids = [fakes.SG2_ID, 'sg-third']
        self.network.update_port.side_effect = [
            fakes.make_port(revision_number=4, **DISABLED),
            fakes.make_port(id=OTHER_ID, name='web-2', revision_number=10,
                            **DISABLED),
        ]
        self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', 'nope', 'web-2'],
            [('port', ['web-1', 'nope', 'web-2'])])
        exc = self.assertRaises(exceptions.CommandError, self.cmd.run,
                                parsed_args)
        self.assertEqual('1 of 3 ports failed.', str(exc))
        self.network.security_groups.assert_called_once_with(
            id=[fakes.SG_ID, fakes.SG2_ID, 'sg-third'],
            fields=['id', 'name'])
        self.assertEqual(2, self.network.update_port.call_count)
        output = self.app.stdout.make_string()
        self.assertLess(output.index(fakes.PORT_ID), output.index(OTHER_ID))
        entries = list(journal.entries())
        self.assertEqual(
            [fakes.SG_ID, fakes.SG2_ID],
            entries[0]['before']['security_group_ids'])
        self.assertEqual(
            [fakes.SG2_ID, 'sg-third'],
            entries[-1]['before']['security_group_ids'])

    def test_all_fail(self):
        self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        parsed_args = self.check_parser(
            self.cmd,
            ['nope', 'gone'],
            [('port', ['nope', 'gone'])])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertEqual('2 of 2 ports failed.', str(exc))

    def test_run_success(self):
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4, **DISABLED)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '-f', 'json'],
            [('port', ['web-1']), ('formatter', 'json')])
        self.assertEqual(0, self.cmd.run(parsed_args))
        self.assertIn('"result": "updated"', self.app.stdout.make_string())


class TestEnablePortSecurity(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.cmd = toggle.EnablePortSecurity(self.app, None)
        self.port = fakes.make_port(**DISABLED)
        self.other = fakes.make_port(id=OTHER_ID, name='web-2',
                                     revision_number=9, **DISABLED)
        self.find_ports(self.port, self.other)

    def record_disable(self, port_id=fakes.PORT_ID, groups=(fakes.SG_ID,),
                       pairs=(PAIR_A,), revision=3):
        # ``revision`` is the port's revision after the recorded disable.
        fakes.record_removal(
            'disable',
            {'port_security_enabled': True,
             'security_group_ids': list(groups),
             'allowed_address_pairs': list(pairs),
             'revision_number': revision - 1},
            {'port_security_enabled': False, 'security_group_ids': [],
             'allowed_address_pairs': [], 'revision_number': revision},
            port_id=port_id)

    def test_enable_with_group(self):
        after = fakes.make_port(revision_number=4,
                                allowed_address_pairs=[])
        self.network.update_port.return_value = after
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--security-group', 'web', '--long'],
            [('port', ['web-1']),
             ('security_groups', ['web']),
             ('restore', False),
             ('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.security_groups.assert_any_call(name='web')
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID])
        self.assertEqual(CHANGE_TABLE, cols)
        self.assertListItemEqual(
            [(fakes.PORT_ID, 'web-1', 'updated',
              formats.Lines([
                  'enabled port security',
                  f'added security group web ({fakes.SG_ID})']),
              formats.PortSecurity(True),
              formats.GroupIds([fakes.SG_ID]),
              formats.Pairs([]),
              4)],
            data,
        )

    def test_default_columns(self):
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--security-group', 'web'],
            [('long', False)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID])
        self.assertEqual(CHANGES_TABLE, cols)
        self.assertListItemEqual(
            [(fakes.PORT_ID, 'web-1', 'updated',
              formats.Lines([
                  'enabled port security',
                  f'added security group web ({fakes.SG_ID})']))],
            data,
        )

    def test_without_group_warns(self):
        self.network.update_port.return_value = fakes.make_port(
            security_groups=[], revision_number=4)
        logger = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1'],
            [('port', ['web-1'])])
        self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True)
        self.assertIn('Port web-1 has port security enabled and no security '
                      'group', logger.output)

    def test_unknown_group_before_any_port(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--security-group', 'nope'],
            [('port', ['web-1']), ('security_groups', ['nope'])])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn("Security group 'nope' was not found", str(exc))
        self.network.find_port.assert_not_called()
        self.network.update_port.assert_not_called()

    def test_duplicate_group_name(self):
        self.groups = {fakes.SG_ID: 'web', fakes.SG2_ID: 'web'}
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--security-group', 'web'],
            [('port', ['web-1']), ('security_groups', ['web'])])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn("More than one security group is named 'web'",
                      str(exc))

    def test_restore(self):
        self.record_disable()
        self.network.update_port.return_value = fakes.make_port(
            allowed_address_pairs=[PAIR_A], revision_number=4)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--restore'],
            [('restore', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID],
            allowed_address_pairs=[PAIR_A])
        self.assertEqual(
            ['enabled port security',
             f'restored security group web ({fakes.SG_ID})',
             f'restored allowed address pair 10.0.0.9 ({fakes.PORT_MAC})'],
            dict(zip(cols, data[0]))['changes'].machine_readable())

    def test_restore_with_extra_group(self):
        self.record_disable(pairs=())
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--restore', '--security-group', fakes.SG2_ID,
             '--security-group', 'web'],
            [('port', ['web-1']), ('restore', True),
             ('security_groups', [fakes.SG2_ID, 'web'])])
        self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID, fakes.SG2_ID])

    def test_restore_skips_deleted_group(self):
        self.record_disable(groups=(fakes.SG_ID, fakes.SG2_ID))
        del self.groups[fakes.SG2_ID]
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--restore'],
            [('port', ['web-1']), ('restore', True)])
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
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--restore'],
            [('port', ['web-1']), ('restore', True)])
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
            self.cmd,
            ['web-1', 'web-2', '--restore'],
            [('port', ['web-1', 'web-2']), ('restore', True)])
        exc = self.assertRaises(exceptions.CommandError, self.cmd.run,
                                parsed_args)
        self.assertEqual('1 of 2 ports failed.', str(exc))
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID],
            allowed_address_pairs=[PAIR_A])

    def test_restore_many_names_their_groups_in_one_request(self):
        self.record_disable()
        self.record_disable(port_id=OTHER_ID, groups=(fakes.SG2_ID,),
                            pairs=(), revision=9)
        self.network.update_port.side_effect = [
            fakes.make_port(revision_number=4),
            fakes.make_port(id=OTHER_ID, name='web-2', revision_number=10),
        ]
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', 'web-2', '--restore'],
            [('port', ['web-1', 'web-2']), ('restore', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.security_groups.assert_called_once_with(
            id=[fakes.SG_ID, fakes.SG2_ID], fields=['id', 'name'])
        self.network.update_port.assert_called_with(
            OTHER_ID, if_revision=9, is_port_security_enabled=True,
            security_group_ids=[fakes.SG2_ID])
        self.assertEqual(
            ['enabled port security',
             f'restored security group db ({fakes.SG2_ID})'],
            dict(zip(cols, data[1]))['changes'].machine_readable())

    def test_dry_run(self):
        self.record_disable()
        self.record_disable(port_id=OTHER_ID, pairs=(), revision=9)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1',
             'web-2',
             '--restore',
             '--security-group',
             'db',
             '--dry-run',
             '--long'],
            [('port', ['web-1', 'web-2']),
             ('security_groups', ['db']),
             ('restore', True),
             ('dry_run', True),
             ('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(['dry-run', 'dry-run'], results(cols, data))
        first = dict(zip(cols, data[0]))
        self.assertEqual(
            ['would enable port security',
             f'would restore security group web ({fakes.SG_ID})',
             f'would add security group db ({fakes.SG2_ID})',
             f'would restore allowed address pair 10.0.0.9 '
             f'({fakes.PORT_MAC})'],
            first['changes'].machine_readable())
        self.assertEqual([fakes.SG_ID, fakes.SG2_ID],
                         first['security_group_ids'].machine_readable())
        self.assertEqual([PAIR_A],
                         first['allowed_address_pairs'].machine_readable())
        second = dict(zip(cols, data[1]))
        self.assertEqual(
            ['would enable port security',
             f'would restore security group web ({fakes.SG_ID})',
             f'would add security group db ({fakes.SG2_ID})'],
            second['changes'].machine_readable())
        self.assertEqual(2, len(list(journal.entries())))

    def test_restore_after_port_moved_on(self):
        # The port changed after the recorded disable (revision 2 then,
        # 3 now): the note says so, and only what is missing goes back.
        self.record_disable(revision=2)
        self.network.update_port.return_value = fakes.make_port(
            allowed_address_pairs=[PAIR_A], revision_number=4)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--restore', '--long', '-f', 'yaml'],
            [('restore', True), ('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID],
            allowed_address_pairs=[PAIR_A])
        row = dict(zip(cols, data[0]))
        self.assertEqual(
            ['port changed since the recorded disable (revision 2 then, 3 '
             'now): only what is missing from the port is put back',
             'enabled port security',
             f'restored security group web ({fakes.SG_ID})',
             f'restored allowed address pair 10.0.0.9 ({fakes.PORT_MAC})'],
            row['changes'].machine_readable())
        self.assertEqual(
            fakes.changed(
                before=False, after=True,
                restored_groups=[{'id': fakes.SG_ID, 'name': 'web'}],
                restored_pairs=[PAIR_A]).machine_readable(),
            row['changed'].machine_readable())

    def test_dry_run_predicts(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--security-group', 'db', '--dry-run', '--long'],
            [('port', ['web-1']),
             ('security_groups', ['db']),
             ('dry_run', True),
             ('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        row = dict(zip(cols, data[0]))
        self.assertEqual('dry-run', row['result'])
        self.assertEqual(
            ['would enable port security',
             f'would add security group db ({fakes.SG2_ID})'],
            row['changes'].machine_readable())
        self.assertIs(True, row['port_security_enabled'].machine_readable())
        self.assertEqual([fakes.SG2_ID],
                         row['security_group_ids'].machine_readable())

    def test_already_enabled(self):
        self.find_ports(fakes.make_port())
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--security-group', 'web'],
            [('port', ['web-1']), ('security_groups', ['web'])])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(['unchanged'], results(cols, data))


class TestDisableJournal(fakes.TestCommand):
    """The journal is written ahead: no removal it could not undo."""

    def setUp(self):
        super().setUp()
        self.cmd = toggle.DisablePortSecurity(self.app, None)
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.find_ports(self.port)
        self.after = fakes.make_port(revision_number=4, **DISABLED)

    def parse(self, *args):
        return self.check_parser(self.cmd, ['web-1', *args],
                                 [('port', ['web-1'])])

    def test_intent_is_on_disk_before_the_put(self):
        phases = []

        def update_port(port_id, **attrs):
            with open(journal.path(), encoding='utf-8') as stream:
                phases.extend(json.loads(line)['phase'] for line in stream)
            return self.after

        self.network.update_port.side_effect = update_port
        self.cmd.take_action(self.parse())
        self.assertEqual(['intent'], phases)
        with open(journal.path(), encoding='utf-8') as stream:
            self.assertEqual(['intent', 'applied'],
                             [json.loads(line)['phase'] for line in stream])

    def test_unwritable_journal_sends_nothing(self):
        # The journal's directory is a file.
        os.makedirs(self.state_home, exist_ok=True)
        with open(journal.directory(), 'w', encoding='utf-8'):
            pass
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, self.parse())
        self.network.update_port.assert_not_called()
        self.assertEqual(
            f'The journal {journal.path()} cannot be written (File exists), '
            f'and this change to port web-1 removes something that only the '
            f'journal could put back, so nothing was sent; fix the directory '
            f'or set XDG_STATE_HOME to a writable one.', str(exc))

    def test_unwritable_journal_dry_run_still_works(self):
        with open(journal.directory(), 'w', encoding='utf-8'):
            pass
        cols, data = self.cmd.take_action(self.parse('--dry-run'))
        self.network.update_port.assert_not_called()
        self.assertEqual(['dry-run'], results(cols, data))

    def test_applied_line_fails_after_the_change(self):
        def update_port(port_id, **attrs):
            # The journal file is replaced by a directory meanwhile.
            os.remove(journal.path())
            os.mkdir(journal.path())
            return self.after

        self.network.update_port.side_effect = update_port
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, self.parse())
        self.network.update_port.assert_called_once()
        self.assertEqual(
            f'Port web-1 was changed (revision 4), but the journal '
            f'{journal.path()} could not be written (Is a directory), so '
            f"--restore cannot undo this change; fix the journal's "
            f'directory.', str(exc))


class TestDisableLostReply(fakes.TestCommand):
    """The connection fails after the PUT: a re-read tells what happened."""

    LOST = ks_exc.ConnectFailure(
        f"Unable to establish connection to https://neutron.example.com:9696"
        f"/v2.0/ports/{fakes.PORT_ID}: ('Connection aborted.', "
        f"RemoteDisconnected('Remote end closed connection without "
        f"response'))")

    def setUp(self):
        super().setUp()
        self.cmd = toggle.DisablePortSecurity(self.app, None)
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.find_ports(self.port)
        self.parsed_args = self.check_parser(
            self.cmd, ['web-1', '--long'],
            [('port', ['web-1']), ('long', True)])

    def test_applied(self):
        after = fakes.make_port(revision_number=4, **DISABLED)

        def update_port(port_id, **attrs):
            self.neutron.add(after)
            raise self.LOST

        self.network.update_port.side_effect = update_port
        self.network.get_port.reset_mock()
        cols, data = self.cmd.take_action(self.parsed_args)
        self.network.get_port.assert_called_with(fakes.PORT_ID)
        row = dict(zip(cols, data[0]))
        self.assertEqual('updated', row['result'])
        self.assertEqual(
            ['the reply to the update was lost (the connection closed '
             'without a reply); a re-read shows the change was applied',
             f'removed security group web ({fakes.SG_ID})',
             f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
             'disabled port security'],
            row['changes'].machine_readable())
        self.assertEqual(4, row['revision_number'])
        # The journal holds the applied change, so --restore works.
        (entry,) = journal.entries()
        self.assertEqual(([fakes.SG_ID], [PAIR_A]), journal.removed(entry))

    def test_not_applied(self):
        self.network.update_port.side_effect = self.LOST
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, self.parsed_args)
        self.assertEqual(
            'The connection to Neutron failed during the update of port '
            'web-1 (the connection closed without a reply); a re-read shows '
            'the change was not applied; run the command again.', str(exc))
        self.assertEqual([], list(journal.entries()))

    def test_maybe_applied(self):
        self.network.update_port.side_effect = self.LOST
        self.network.get_port.side_effect = self.LOST
        self.useFixture(fixtures.MockPatch('time.sleep'))
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, self.parsed_args)
        self.assertEqual(
            f'The reply to the update of port web-1 was lost (the connection '
            f'closed without a reply) and the port cannot be re-read, so the '
            f'change may have been applied; check with \'openstack port '
            f'security show {fakes.PORT_ID}\' once Neutron answers.',
            str(exc))
        self.assertNotIn('urllib3', str(exc))


class TestChangedJson(fakes.TestCommand):

    def test_json_structure(self):
        cmd = toggle.DisablePortSecurity(self.app, None)
        self.find_ports(fakes.make_port(allowed_address_pairs=[PAIR_A]))
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4, **DISABLED)
        parsed_args = self.check_parser(
            cmd, ['web-1', '--long', '-f', 'json'],
            [('port', ['web-1']), ('long', True), ('formatter', 'json')])
        self.assertEqual(0, cmd.run(parsed_args))
        (row,) = json.loads(self.app.stdout.make_string())
        self.assertEqual(
            {'added': {'security_groups': [], 'allowed_address_pairs': []},
             'removed': {
                 'security_groups': [{'id': fakes.SG_ID, 'name': 'web'}],
                 'allowed_address_pairs': [PAIR_A]},
             'restored': {'security_groups': [],
                          'allowed_address_pairs': []},
             'skipped': {'security_groups': [],
                         'allowed_address_pairs': []},
             'port_security_enabled': {'before': True, 'after': False}},
            row['changed'])
        self.assertEqual('updated', row['result'])
        self.assertIs(False, row['port_security_enabled'])
