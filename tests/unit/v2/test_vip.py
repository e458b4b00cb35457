"""Tests of the ``port security vip`` commands."""

import json

from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import columns
from osc_portsec import journal
from osc_portsec.v2 import vip
from osc_portsec.vip import model
from tests.unit import fakes
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import PORT_ID
from tests.unit.fakes import PORT_MAC
from tests.unit.fakes import THIRD_ID

ADDRESS = '10.0.0.100'


def as_dicts(cols, data):
    return [dict(zip(cols, row)) for row in data]


class VipTest(fakes.TestVipCommand):

    def create(self, *args):
        cmd = vip.CreatePortSecurityVip(self.app, None)
        parsed = self.check_parser(cmd, [
            'web-vip', '--network', 'private', '--ip-address', ADDRESS,
            '--member', 'web-1', '--member', 'web-2', *args], [])
        return cmd.take_action(parsed)

    def run_cmd(self, cls, args, verify=()):
        cmd = cls(self.app, None)
        parsed = self.check_parser(cmd, args, list(verify))
        return cmd.take_action(parsed)


class TestCreatePortSecurityVip(VipTest):

    def test_parser(self):
        cmd = vip.CreatePortSecurityVip(self.app, None)
        self.check_parser(cmd, [
            'v', '--network', 'n', '--subnet', 's', '--member', 'a',
            '--member', 'b', '--security-group', 'g', '--dry-run'], [
            ('name', 'v'), ('network', 'n'), ('subnet', 's'),
            ('ip_address', None), ('members', ['a', 'b']),
            ('security_group', 'g'), ('dry_run', True)])
        self.assertRaises(
            base.ParserException, self.check_parser, cmd,
            ['v', '--network', 'n', '--member', 'a', '--subnet', 's',
             '--ip-address', ADDRESS], [])

    def test_rows(self):
        cols, data = self.create('--security-group', 'db')
        self.assertEqual(columns.VIP_STEPS.table, cols)
        rows = as_dicts(cols, data)
        self.assertEqual(['created', 'created', 'updated', 'updated'],
                         [r['result'] for r in rows])
        self.assertEqual(
            [f'added allowed address pair {ADDRESS} ({PORT_MAC})',
             f'added security group db ({fakes.SG2_ID})'],
            rows[2]['changes'].machine_readable())

    def test_blank_member(self):
        cmd = vip.CreatePortSecurityVip(self.app, None)
        parsed = self.check_parser(cmd, [
            'v', '--network', 'private', '--member', ' '], [])
        e = self.assertRaises(exceptions.CommandError, cmd.take_action,
                              parsed)
        self.assertIn('The member given is empty', str(e))
        self.network.create_port.assert_not_called()


class TestShowPortSecurityVip(VipTest):

    def test_show(self):
        self.create('--security-group', 'db')
        # A hand-made CIDR pair on a third port.
        self.neutron.update_port(THIRD_ID, allowed_address_pairs=[
            {'ip_address': '10.0.0.0/24', 'mac_address': 'fa:16:3e:dd:ee:ff'}])
        self.network.reset_mock()
        cols, data = self.run_cmd(vip.ShowPortSecurityVip, ['web-vip'],
                                  [('vip', 'web-vip')])
        values = dict(zip(cols, data))
        self.assertEqual(columns.VIP_SHOW.table, cols)
        self.assertEqual(ADDRESS, values['ip_address'])
        members = values['members'].machine_readable()
        self.assertEqual([PORT_ID, OTHER_ID, THIRD_ID],
                         [m['id'] for m in members])
        self.assertEqual(['single', 'single', 'cidr'],
                         [m['pair'] for m in members])
        self.assertEqual([fakes.RULE_ID], [
            r['id'] for r in values['vrrp_rules'].machine_readable()])
        cidr, vrrp = values['findings'].machine_readable()
        self.assertIn('member web-3 carries 10.0.0.100 only in a CIDR pair',
                      cidr)
        # web-3 is not in the group whose rule lets VRRP in: its VRRP
        # reaches neither web-1 nor web-2, and theirs does not reach it.
        self.assertIn('into member(s) web-1, web-2, web-3 from every other '
                      'member', vrrp)
        # All three share 'web': the fix is a VRRP rule there.
        self.assertIn(f"--remote-group {fakes.SG_ID} {fakes.SG_ID}'", vrrp)
        # Three requests whatever the number of members: the VIP by its
        # name, the network's ports, the groups' rules.
        self.assertEqual(3, len(self.network.mock_calls))

    def test_member_lost_its_pair(self):
        self.create()
        self.neutron.update_port(OTHER_ID, allowed_address_pairs=[])
        cols, data = self.run_cmd(vip.ShowPortSecurityVip, ['web-vip'])
        findings = dict(zip(cols, data))['findings'].machine_readable()
        self.assertIn('member web-2 has no allowed address pair for '
                      '10.0.0.100', findings[0])
        self.assertIn('No security group rule lets VRRP', findings[-1])

    def test_unknown(self):
        e = self.assertRaises(exceptions.CommandError, self.run_cmd,
                              vip.ShowPortSecurityVip, ['nope'])
        self.assertIn("No VIP named or with ID 'nope'", str(e))


class TestListPortSecurityVip(VipTest):

    def test_list(self):
        self.create()
        cols, data = self.run_cmd(vip.ListPortSecurityVip,
                                  ['--network', 'private'])
        self.assertEqual(('id', 'name', 'ip_address', 'member_count'), cols)
        [row] = as_dicts(cols, data)
        self.assertEqual((fakes.VIP_ID, ADDRESS, 2), (
            row['id'], row['ip_address'], row['member_count']))
        cols, data = self.run_cmd(vip.ListPortSecurityVip,
                                  ['--network', 'private', '-f', 'json'])
        [row] = as_dicts(cols, data)
        self.assertEqual([PORT_ID, OTHER_ID],
                         row['member_ids'].machine_readable())
        # By the tag, and by the description a port has from its first
        # request (a run killed before it was tagged).
        self.network.ports.assert_any_call(
            tags=model.TAG, network_id=fakes.NETWORK_ID)
        self.network.ports.assert_any_call(
            description=model.DESCRIPTION, network_id=fakes.NETWORK_ID)


class TestSetUnsetPortSecurityVip(VipTest):

    def test_set_then_unset(self):
        self.create('--security-group', 'db')
        self.run_cmd(vip.SetPortSecurityVip,
                     ['web-vip', '--member', 'web-3'],
                     [('vip', 'web-vip'), ('members', ['web-3'])])
        third = self.port(THIRD_ID)
        self.assertIn(fakes.SG2_ID, third.security_group_ids)
        self.assertEqual(ADDRESS, third.allowed_address_pairs[0][
            'ip_address'])
        extra = {'ip_address': '10.0.0.60', 'mac_address': OTHER_MAC}
        self.neutron.update_port(OTHER_ID, allowed_address_pairs=[
            *self.port(OTHER_ID).allowed_address_pairs, extra])
        self.run_cmd(vip.UnsetPortSecurityVip,
                     ['web-vip', '--member', 'web-2'])
        self.assertEqual([extra], self.port(OTHER_ID).allowed_address_pairs)
        self.assertEqual((PORT_ID, THIRD_ID), model.from_port(
            self.port(fakes.VIP_ID)).members)

    def test_set_rolls_back(self):
        self.create()
        self.neutron.add(fakes.member('m4', 'web-4', 'fa:16:3e:44:44:44',
                                      '10.0.0.8'))
        real = self.network.update_port.side_effect
        forbidden = fakes.neutron_error(403, 'PolicyNotAuthorized',
                                        'disallowed by policy')

        def side(port_id, **kw):
            if port_id == 'm4':
                raise forbidden
            return real(port_id, **kw)
        self.network.update_port.side_effect = side
        e = self.assertRaises(exceptions.CommandError, self.run_cmd,
                              vip.SetPortSecurityVip,
                              ['web-vip', '--member', 'web-3',
                               '--member', 'web-4'])
        self.assertIn('on port web-4', str(e))
        self.assertIn('Rolled back: the pair 10.0.0.100 on member web-3',
                      str(e))
        self.assertEqual([], self.port(THIRD_ID).allowed_address_pairs)
        self.assertEqual((PORT_ID, OTHER_ID), model.from_port(
            self.port(fakes.VIP_ID)).members)

    def test_unset_not_a_member(self):
        self.create()
        e = self.assertRaises(exceptions.CommandError, self.run_cmd,
                              vip.UnsetPortSecurityVip,
                              ['web-vip', '--member', 'web-3'])
        self.assertIn("Port 'web-3' is not a member of VIP web-vip", str(e))
        self.assertEqual(3, self.port(THIRD_ID).revision_number)


class TestDeletePortSecurityVip(VipTest):

    def test_dry_run_then_delete(self):
        self.create('--security-group', 'db')
        self.network.reset_mock()
        cols, data = self.run_cmd(vip.DeletePortSecurityVip,
                                  ['web-vip', '--dry-run'])
        self.assertEqual(['dry-run'] * 4,
                         [r['result'] for r in as_dicts(cols, data)])
        self.network.delete_port.assert_not_called()
        self.network.update_port.assert_not_called()
        self.run_cmd(vip.DeletePortSecurityVip, ['web-vip'])
        self.assertNotIn(fakes.VIP_ID, self.neutron.ports)
        self.assertEqual({}, self.neutron.rules)
        for port_id in (PORT_ID, OTHER_ID):
            self.assertEqual([], self.port(port_id).allowed_address_pairs)
        with open(journal.path(), encoding='utf-8') as stream:
            [record] = [json.loads(line) for line in stream
                        if 'vip-deleted' in line]
        self.assertEqual(ADDRESS, record['vip']['ip_address'])
        commands = [e['command'] for e in fakes.journal_entries()]
        self.assertEqual(['vip create', 'vip create', 'vip delete',
                          'vip delete'], commands)

    def test_some_fail(self):
        self.create()
        cmd = vip.DeletePortSecurityVip(self.app, None)
        parsed = self.check_parser(cmd, ['web-vip', 'nope'], [])
        e = self.assertRaises(exceptions.CommandError, cmd.run, parsed)
        self.assertEqual('1 of 2 VIPs failed.', str(e))
        self.assertNotIn(fakes.VIP_ID, self.neutron.ports)


class TestRestorePortSecurityVip(VipTest):

    def delete(self):
        self.create('--security-group', 'db')
        self.run_cmd(vip.DeletePortSecurityVip, ['web-vip'])
        self.assertNotIn(fakes.VIP_ID, self.neutron.ports)
        self.assertEqual({}, self.neutron.rules)

    def test_parser(self):
        cmd = vip.RestorePortSecurityVip(self.app, None)
        self.check_parser(cmd, ['web-vip', '--dry-run'],
                          [('vip', 'web-vip'), ('dry_run', True)])
        self.assertRaises(base.ParserException, self.check_parser, cmd,
                          [], [])

    def test_restore_after_delete(self):
        self.delete()
        cols, data = self.run_cmd(vip.RestorePortSecurityVip, ['web-vip'])
        rows = as_dicts(cols, data)
        self.assertEqual(['created', 'created', 'updated', 'updated'],
                         [r['result'] for r in rows])
        [port] = [p for p in self.neutron.ports.values()
                  if p.name == 'web-vip']
        # A new port: Neutron gives it a new ID.
        self.assertNotEqual(fakes.VIP_ID, port.id)
        self.assertEqual(ADDRESS, port.fixed_ips[0]['ip_address'])
        self.assertEqual(model.DESCRIPTION, port.description)
        self.assertEqual(
            sorted(model.tags([PORT_ID, OTHER_ID], (), None,
                              fakes.SG2_ID)), sorted(port.tags))
        [rule] = self.neutron.rules.values()
        self.assertEqual((fakes.SG2_ID, 'vrrp', fakes.SG2_ID),
                         (rule.security_group_id, rule.protocol,
                          rule.remote_group_id))
        for port_id, mac in ((PORT_ID, PORT_MAC), (OTHER_ID, OTHER_MAC)):
            self.assertEqual([{'ip_address': ADDRESS, 'mac_address': mac}],
                             self.port(port_id).allowed_address_pairs)
        commands = [e['command'] for e in fakes.journal_entries()]
        self.assertEqual(['vip restore', 'vip restore'], commands[-2:])

    def test_dry_run_changes_nothing(self):
        self.delete()
        self.network.reset_mock()
        cols, data = self.run_cmd(vip.RestorePortSecurityVip,
                                  ['web-vip', '--dry-run'])
        self.assertEqual({'dry-run'},
                         {r['result'] for r in as_dicts(cols, data)})
        self.network.create_port.assert_not_called()
        self.network.update_port.assert_not_called()
        self.network.create_security_group_rule.assert_not_called()

    def test_nothing_recorded(self):
        self.create()
        before = self.port(PORT_ID).revision_number
        e = self.assertRaises(exceptions.CommandError, self.run_cmd,
                              vip.RestorePortSecurityVip, ['web-vip'])
        self.assertIn("records no deleted VIP 'web-vip'; there is nothing "
                      "to restore. Nothing was changed.", str(e))
        self.assertEqual(before, self.port(PORT_ID).revision_number)

    def test_address_taken_since(self):
        self.delete()
        self.neutron.add(fakes.member(fakes.VIP_ID, 'squatter',
                                      'fa:16:3e:00:00:09', ADDRESS))
        before = {p: self.port(p).revision_number
                  for p in (PORT_ID, OTHER_ID)}
        self.network.reset_mock()
        e = self.assertRaises(exceptions.CommandError, self.run_cmd,
                              vip.RestorePortSecurityVip, ['web-vip'])
        self.assertIn(f'Address {ADDRESS} is already used by port squatter',
                      str(e))
        self.assertIn('Nothing was changed.', str(e))
        self.network.create_port.assert_not_called()
        self.network.update_port.assert_not_called()
        self.network.create_security_group_rule.assert_not_called()
        self.assertEqual(before, {p: self.port(p).revision_number
                                  for p in (PORT_ID, OTHER_ID)})

    def test_exists_again(self):
        self.delete()
        self.run_cmd(vip.RestorePortSecurityVip, ['web-vip'])
        self.network.reset_mock()
        e = self.assertRaises(exceptions.CommandError, self.run_cmd,
                              vip.RestorePortSecurityVip, ['web-vip'])
        self.assertIn('VIP web-vip exists', str(e))
        self.assertIn('there is nothing to restore. Nothing was changed.',
                      str(e))
        self.network.update_port.assert_not_called()
        self.network.create_port.assert_not_called()


class TestCheckPortSecurityVip(VipTest):

    def run_check(self, *args):
        cmd = vip.CheckPortSecurityVip(self.app, None)
        parsed = self.check_parser(cmd, list(args), [])
        status = cmd.run(parsed)
        return status, json.loads(self.app.stdout.make_string() or '[]')

    def test_parser(self):
        cmd = vip.CheckPortSecurityVip(self.app, None)
        self.check_parser(cmd, ['10.0.0.100', '--network', 'n', '--vmac'], [
            ('vip', '10.0.0.100'), ('network', 'n'), ('vmac', True)])

    def test_exit_2_with_every_row_when_one_fails(self):
        # Made by the tool without a rule: VRRP is dropped between members.
        self.create()
        status, rows = self.run_check('web-vip', '-f', 'json')
        self.assertEqual(2, status)
        self.assertEqual(['check', 'ok', 'subject', 'detail', 'fix'],
                         list(rows[0]))
        self.assertEqual({'vrrp_between_members'},
                         {r['check'] for r in rows if not r['ok']})
        [web1] = [r for r in rows if r['check'] == 'member_pair'
                  and r['subject'] == PORT_ID]
        self.assertTrue(web1['ok'])

    def test_exit_0_when_every_check_passes(self):
        self.create('--security-group', 'db')
        status, rows = self.run_check(ADDRESS, '-f', 'json')
        self.assertEqual(0, status)
        self.assertTrue(all(r['ok'] for r in rows))
        self.assertEqual(fakes.VIP_ID, [r['subject'] for r in rows
                                        if r['check'] == 'address_reserved'
                                        ][0])

    def test_bad_input_is_an_error(self):
        cmd = vip.CheckPortSecurityVip(self.app, None)
        for args, text in ((['nope'], "No VIP named or with ID 'nope'"),
                           ([' '], 'The VIP given is empty'),
                           (['10.0.0.99'], 'No port holds 10.0.0.99')):
            parsed = self.check_parser(cmd, args, [])
            e = self.assertRaises(exceptions.CommandError, cmd.run, parsed)
            self.assertIn(text, str(e))


class TestAdoptPortSecurityVip(VipTest):

    def test_adopt_then_show(self):
        self.neutron.add(fakes.reservation(ADDRESS, name='web-vip'))
        for port_id in (PORT_ID, OTHER_ID):
            self.neutron.add(fakes.carrying(self.port(port_id), ADDRESS))
        cols, data = self.run_cmd(vip.AdoptPortSecurityVip, [
            'web-vip', '--network', 'private', '--ip-address', ADDRESS], [
            ('name', 'web-vip'), ('network', 'private'),
            ('ip_address', ADDRESS), ('members', None), ('dry_run', False)])
        self.assertEqual(columns.VIP_STEPS.table, cols)
        self.assertEqual(['adopted', 'unchanged', 'unchanged'],
                         [r['result'] for r in as_dicts(cols, data)])
        cols, data = self.run_cmd(vip.ShowPortSecurityVip, ['web-vip'])
        self.assertEqual([PORT_ID, OTHER_ID], [
            m['id'] for m in dict(zip(cols, data))[
                'members'].machine_readable()])

    def test_required(self):
        cmd = vip.AdoptPortSecurityVip(self.app, None)
        for args in (['v', '--network', 'n'], ['v', '--ip-address', 'a']):
            self.assertRaises(base.ParserException, self.check_parser, cmd,
                              args, [])


class TestListUnmanaged(VipTest):

    def test_hand_made_beside_a_tool_vip(self):
        self.create()
        for port_id in (PORT_ID, OTHER_ID):
            self.neutron.add(fakes.carrying(self.port(port_id),
                                            '10.0.0.150'))
        self.network.reset_mock()
        cols, data = self.run_cmd(vip.ListPortSecurityVip, [
            '--unmanaged', '--network', 'private'], [('unmanaged', True)])
        self.assertEqual(('ip_address', 'network', 'members', 'reserved_by'),
                         cols)
        [row] = as_dicts(cols, data)
        self.assertEqual(('10.0.0.150', 'private', fakes.NETWORK_ID, None),
                         (row['ip_address'], row['network'].human_readable(),
                          row['network'].machine_readable(),
                          row['reserved_by'].machine_readable()))
        self.assertEqual(3, len(self.network.mock_calls))


class TestDeleteAll(VipTest):

    def test_parser(self):
        cmd = vip.DeletePortSecurityVip(self.app, None)
        self.check_parser(cmd, ['a', 'b', '--all'], [
            ('vip', ['a', 'b']), ('every', True)])
        self.check_parser(cmd, ['a'], [('every', False)])
