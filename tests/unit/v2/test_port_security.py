"""Tests of the ``openstack port security`` commands."""

import json
import logging

import fixtures
from keystoneauth1 import exceptions as ks_exc
from openstack.compute.v2 import server as _server
from openstack import exceptions as sdk_exc
from openstack.identity.v3 import project as _project
from openstack.network.v2 import network as _network
from osc_lib.cli import format_columns
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import columns
from osc_portsec import journal
from osc_portsec.v2 import port_security
from tests.unit import fakes
from tests.unit.v2 import fakes as cmd_fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
SERVER_ID = 'd6b0e6a0-1f2e-4c3d-8b9a-7f6e5d4c3b2a'
OTHER_ID = '2c9f3a8e-7b6d-4e5f-9a0b-1c2d3e4f5a6b'
THIRD_ID = '3d0a4b9f-8c7e-4f6a-9b1c-2d3e4f5a6b7c'
OTHER_MAC = 'fa:16:3e:aa:bb:cc'
PAIR_B = {'ip_address': '10.0.1.0/24', 'mac_address': OTHER_MAC}
OTHER_PROJECT_ID = '9f8e7d6c5b4a49388271605f4e3d2c1b'
DISABLED = {'port_security_enabled': False, 'security_groups': [],
            'allowed_address_pairs': []}


class TestShowPortSecurity(cmd_fakes.TestPortSecurityCommand):

    def setUp(self):
        super().setUp()
        self.cmd = port_security.ShowPortSecurity(self.app, None)

    def run_show(self, port, args=None):
        self.find_ports(port)
        parsed_args = self.check_parser(
            self.cmd, args or ['web-1'], [('port', (args or ['web-1'])[0])])
        return self.cmd.take_action(parsed_args)

    def test_show(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        cols, data = self.run_show(port)
        self.network.ports.assert_called_once_with(name='web-1')
        self.network.security_groups.assert_called_once_with(
            id=[fakes.SG_ID], fields=['id', 'name'])
        self.network.update_port.assert_not_called()
        self.assertEqual(columns.SHOW_COLUMNS, cols)
        disable = {
            'security_groups': [{'id': fakes.SG_ID, 'name': 'web'}],
            'allowed_address_pairs': [PAIR_A],
            'neutron_refuses_plain_disable':
                'AddressPairAndPortSecurityRequired',
        }
        self.assertItemEqual(
            (
                fakes.PORT_ID,
                'web-1',
                'ACTIVE',
                fakes.NETWORK_ID,
                'compute:nova',
                SERVER_ID,
                fakes.PORT_MAC,
                format_columns.ListDictColumn(
                    [{'subnet_id': fakes.SUBNET_ID,
                      'ip_address': '10.0.0.5'}]),
                columns.PortSecurityColumn(True),
                format_columns.ListColumn([fakes.SG_ID]),
                format_columns.ListDictColumn(
                    [{'id': fakes.SG_ID, 'name': 'web'}]),
                format_columns.ListDictColumn([PAIR_A]),
                columns.DisableColumn(disable),
                3,
            ),
            data,
        )

    def test_json_shapes(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        cols, data = self.run_show(port)
        shown = dict(zip(cols, data))
        self.assertIs(True, shown['port_security_enabled'].machine_readable())
        self.assertEqual(
            [{'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}],
            shown['allowed_address_pairs'].machine_readable())
        self.assertEqual([fakes.SG_ID],
                         shown['security_group_ids'].machine_readable())
        would = shown['disable_would_remove']
        self.assertEqual(
            'AddressPairAndPortSecurityRequired',
            would.machine_readable()['neutron_refuses_plain_disable'])
        self.assertIn(f'security groups web ({fakes.SG_ID})',
                      would.human_readable())
        self.assertIn('Neutron refuses a plain disable',
                      would.human_readable())

    def test_groups_only_reason(self):
        cols, data = self.run_show(fakes.make_port())
        would = dict(zip(cols, data))['disable_would_remove']
        self.assertEqual(
            {'security_groups': [{'id': fakes.SG_ID, 'name': 'web'}],
             'allowed_address_pairs': [],
             'neutron_refuses_plain_disable':
                 'PortSecurityPortHasSecurityGroup'},
            would.machine_readable())

    def test_group_not_visible(self):
        self.groups = {}
        cols, data = self.run_show(fakes.make_port())
        shown = dict(zip(cols, data))
        self.assertEqual([{'id': fakes.SG_ID, 'name': None}],
                         shown['security_groups'].machine_readable())

    def test_disabled(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        cols, data = self.run_show(port)
        shown = dict(zip(cols, data))
        self.assertIs(False, shown['port_security_enabled'].machine_readable())
        self.assertIsNone(shown['disable_would_remove'].machine_readable())
        self.network.security_groups.assert_not_called()

    def test_no_extension(self):
        port = fakes.make_port(port_security_enabled=None)
        cols, data = self.run_show(port)
        shown = dict(zip(cols, data))
        self.assertIsNone(shown['port_security_enabled'].machine_readable())
        self.assertIn('no port-security extension',
                      shown['port_security_enabled'].human_readable())
        self.assertIsNone(shown['disable_would_remove'].machine_readable())

    def test_network(self):
        self.network.find_network.return_value = _network.Network(
            id=fakes.NETWORK_ID, name='private', _synchronized=True)
        self.find_ports(fakes.make_port())
        parsed_args = self.check_parser(
            self.cmd, ['10.0.0.5', '--network', 'private'],
            [('port', '10.0.0.5'), ('network', 'private')])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.find_network.assert_called_once_with(
            'private', ignore_missing=False)
        self.assertEqual(
            [{'name': '10.0.0.5', 'network_id': fakes.NETWORK_ID},
             {'fixed_ips': ['ip_address=10.0.0.5'],
              'network_id': fakes.NETWORK_ID}],
            self.port_list.calls)
        self.assertEqual(fakes.PORT_ID, data[0])

    def test_not_found(self):
        self.find_ports(fakes.make_port())
        parsed_args = self.check_parser(self.cmd, ['nope'], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn("'nope'", str(exc))


class TestListPortSecurity(cmd_fakes.TestPortSecurityCommand):

    FIELDS = ['id', 'name', 'network_id', 'device_owner',
              'port_security_enabled', 'security_groups',
              'allowed_address_pairs']

    def setUp(self):
        super().setUp()
        self.cmd = port_security.ListPortSecurity(self.app, None)
        self.ports = [
            fakes.make_port(allowed_address_pairs=[PAIR_A]),
            fakes.make_port(id=OTHER_ID, name='web-2'),
            fakes.make_port(id=THIRD_ID, name='fw', security_groups=[],
                            port_security_enabled=False),
        ]
        self.network.ports.side_effect = lambda **q: iter(self.ports)

    def ids(self, data):
        return [row[0] for row in data]

    def test_list(self):
        parsed_args = self.check_parser(self.cmd, [], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.ports.assert_called_once_with(fields=self.FIELDS)
        self.network.security_groups.assert_not_called()
        self.assertEqual(columns.LIST_COLUMNS, cols)
        data = list(data)
        self.assertItemEqual(
            (fakes.PORT_ID, 'web-1', fakes.NETWORK_ID, 'compute:nova',
             columns.PortSecurityColumn(True),
             format_columns.ListColumn([fakes.SG_ID]),
             format_columns.ListDictColumn([PAIR_A])),
            data[0],
        )
        self.assertEqual([fakes.PORT_ID, OTHER_ID, THIRD_ID], self.ids(data))

    def test_long(self):
        parsed_args = self.check_parser(self.cmd, ['--long'],
                                        [('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.ports.assert_called_once_with(
            fields=self.FIELDS + ['device_id', 'fixed_ips'])
        self.assertEqual(columns.LIST_LONG_COLUMNS, cols)
        row = dict(zip(cols, list(data)[0]))
        self.assertEqual(SERVER_ID, row['device_id'])
        self.assertEqual([{'subnet_id': fakes.SUBNET_ID,
                           'ip_address': '10.0.0.5'}],
                         row['fixed_ips'].machine_readable())

    def test_server_filters(self):
        self.network.find_network.return_value = _network.Network(
            id=fakes.NETWORK_ID, _synchronized=True)
        self.identity.find_project.return_value = _project.Project(
            id=OTHER_PROJECT_ID, name='demo', _synchronized=True)
        self.compute.find_server.return_value = _server.Server(
            id=SERVER_ID, _synchronized=True)
        parsed_args = self.check_parser(
            self.cmd,
            ['--network', 'private', '--project', 'demo', '--server', 'vm1',
             '--device-owner', 'compute:nova', '--fixed-ip', '10.0.0.5'],
            [('network', 'private'), ('project', 'demo'), ('server', 'vm1'),
             ('device_owner', 'compute:nova'), ('fixed_ip', '10.0.0.5')])
        self.cmd.take_action(parsed_args)
        self.identity.find_project.assert_called_once_with(
            'demo', ignore_missing=True)
        self.compute.find_server.assert_called_once_with(
            'vm1', ignore_missing=False)
        self.network.ports.assert_called_once_with(
            fields=self.FIELDS,
            network_id=fakes.NETWORK_ID,
            project_id=OTHER_PROJECT_ID,
            device_id=SERVER_ID,
            device_owner='compute:nova',
            fixed_ips=['ip_address=10.0.0.5'],
        )

    def test_server_uuid_not_looked_up(self):
        parsed_args = self.check_parser(self.cmd, ['--server', SERVER_ID],
                                        [])
        self.cmd.take_action(parsed_args)
        self.compute.find_server.assert_not_called()
        self.network.ports.assert_called_once_with(
            fields=self.FIELDS, device_id=SERVER_ID)

    def test_server_not_found(self):
        self.compute.find_server.side_effect = sdk_exc.NotFoundException(
            'No Server found for vm9')
        parsed_args = self.check_parser(self.cmd, ['--server', 'vm9'], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn("Server 'vm9' was not found", str(exc))
        self.network.ports.assert_not_called()

    def list_project(self, value):
        parsed_args = self.check_parser(self.cmd, ['--project', value],
                                        [('project', value)])
        return self.cmd.take_action(parsed_args)

    def test_own_project_id_not_looked_up(self):
        self.list_project(cmd_fakes.PROJECT_ID)
        self.identity.find_project.assert_not_called()
        self.network.ports.assert_called_once_with(
            fields=self.FIELDS, project_id=cmd_fakes.PROJECT_ID)

    def test_own_project_name_not_looked_up(self):
        # Keystone lets a member look up no project by name, not even the
        # token's own: the token names it.
        self.list_project(cmd_fakes.PROJECT_NAME)
        self.identity.find_project.assert_not_called()
        self.network.ports.assert_called_once_with(
            fields=self.FIELDS, project_id=cmd_fakes.PROJECT_ID)

    def test_project_found(self):
        self.identity.find_project.return_value = _project.Project(
            id=OTHER_PROJECT_ID, name='demo', _synchronized=True)
        self.list_project('demo')
        self.identity.find_project.assert_called_once_with(
            'demo', ignore_missing=True)
        self.network.ports.assert_called_once_with(
            fields=self.FIELDS, project_id=OTHER_PROJECT_ID)

    def test_project_looked_up_with_domain_scoped_token(self):
        self.app.client_manager.auth_ref = cmd_fakes.auth_ref(
            domain_id='default', domain_name='Default')
        self.identity.find_project.return_value = _project.Project(
            id=cmd_fakes.PROJECT_ID, _synchronized=True)
        self.list_project(cmd_fakes.PROJECT_NAME)
        self.identity.find_project.assert_called_once_with(
            cmd_fakes.PROJECT_NAME, ignore_missing=True)
        self.network.ports.assert_called_once_with(
            fields=self.FIELDS, project_id=cmd_fakes.PROJECT_ID)

    def test_project_looked_up_without_auth_ref(self):
        self.app.client_manager.auth_ref = None
        self.identity.find_project.return_value = _project.Project(
            id=cmd_fakes.PROJECT_ID, _synchronized=True)
        self.list_project(cmd_fakes.PROJECT_ID)
        self.identity.find_project.assert_called_once_with(
            cmd_fakes.PROJECT_ID, ignore_missing=True)
        self.network.ports.assert_called_once_with(
            fields=self.FIELDS, project_id=cmd_fakes.PROJECT_ID)

    def test_project_not_found(self):
        self.identity.find_project.return_value = None
        exc = self.assertRaises(exceptions.CommandError, self.list_project,
                                'nope')
        self.identity.find_project.assert_called_once_with(
            'nope', ignore_missing=True)
        self.assertEqual(
            "Project 'nope' was not found; check it with 'openstack project "
            "list', or give the project ID.", str(exc))
        self.network.ports.assert_not_called()

    def test_project_id_not_found(self):
        # An ID Keystone answers None for is not taken as given.
        self.identity.find_project.return_value = None
        exc = self.assertRaises(exceptions.CommandError, self.list_project,
                                OTHER_PROJECT_ID)
        self.assertIn(f"Project '{OTHER_PROJECT_ID}' was not found",
                      str(exc))
        self.network.ports.assert_not_called()

    def test_project_lookup_forbidden(self):
        # Members may not look projects up: an ID is taken as given.
        self.identity.find_project.side_effect = fakes.sdk_error(
            403, {'error': {'message': 'forbidden'}})
        self.list_project(OTHER_PROJECT_ID)
        self.identity.find_project.assert_called_once_with(
            OTHER_PROJECT_ID, ignore_missing=True)
        self.network.ports.assert_called_once_with(
            fields=self.FIELDS, project_id=OTHER_PROJECT_ID)

    def test_project_lookup_forbidden_upper_case_id(self):
        self.identity.find_project.side_effect = fakes.sdk_error(
            403, {'error': {'message': 'forbidden'}})
        self.list_project(OTHER_PROJECT_ID.upper())
        self.network.ports.assert_called_once_with(
            fields=self.FIELDS, project_id=OTHER_PROJECT_ID.upper())

    def test_project_lookup_forbidden_name(self):
        error = fakes.sdk_error(403, {'error': {'message': 'forbidden'}})
        self.identity.find_project.side_effect = error
        exc = self.assertRaises(exceptions.CommandError, self.list_project,
                                'demo')
        self.assertEqual(
            "Project 'demo' could not be looked up (Keystone answered HTTP "
            "403); give the project ID instead.", str(exc))
        self.network.ports.assert_not_called()

    def test_project_lookup_forbidden_not_a_project_id(self):
        # Keystone project IDs are 32 hex digits, without dashes.
        dashed = '9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b'
        self.identity.find_project.side_effect = fakes.sdk_error(
            403, {'error': {'message': 'forbidden'}})
        exc = self.assertRaises(exceptions.CommandError, self.list_project,
                                dashed)
        self.assertIn(f"Project '{dashed}' could not be looked up",
                      str(exc))
        self.network.ports.assert_not_called()

    def test_project_lookup_keystoneauth_error(self):
        error = ks_exc.ConnectFailure('Unable to establish connection')
        self.identity.find_project.side_effect = error
        exc = self.assertRaises(exceptions.CommandError, self.list_project,
                                'demo')
        self.assertEqual(
            f"Project 'demo' could not be looked up ({error}); give the "
            f"project ID instead.", str(exc))
        self.network.ports.assert_not_called()

    def test_project_lookup_keystoneauth_error_id(self):
        self.identity.find_project.side_effect = ks_exc.ConnectFailure(
            'Unable to establish connection')
        self.list_project(OTHER_PROJECT_ID)
        self.network.ports.assert_called_once_with(
            fields=self.FIELDS, project_id=OTHER_PROJECT_ID)

    def test_port_security_disabled(self):
        parsed_args = self.check_parser(
            self.cmd, ['--port-security', 'disabled'],
            [('port_security', 'disabled')])
        cols, data = self.cmd.take_action(parsed_args)
        # Neutron refuses a port_security_enabled filter: none is sent.
        self.network.ports.assert_called_once_with(fields=self.FIELDS)
        self.assertEqual([THIRD_ID], self.ids(data))

    def test_port_security_enabled(self):
        parsed_args = self.check_parser(
            self.cmd, ['--port-security', 'enabled'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual([fakes.PORT_ID, OTHER_ID], self.ids(data))

    def test_with_pairs(self):
        parsed_args = self.check_parser(self.cmd, ['--with-pairs'],
                                        [('with_pairs', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.ports.assert_called_once_with(fields=self.FIELDS)
        self.assertEqual([fakes.PORT_ID], self.ids(data))

    def test_with_pairs_and_disabled(self):
        parsed_args = self.check_parser(
            self.cmd, ['--with-pairs', '--port-security', 'disabled'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual([], self.ids(data))

    def test_no_extension(self):
        self.ports = [fakes.make_port(port_security_enabled=None)]
        parsed_args = self.check_parser(self.cmd, [], [])
        cols, data = self.cmd.take_action(parsed_args)
        row = dict(zip(cols, list(data)[0]))
        self.assertIsNone(row['port_security_enabled'].machine_readable())

    def test_invalid_port_security_choice(self):
        self.assertRaises(
            base.ParserException, self.check_parser, self.cmd,
            ['--port-security', 'off'], [])

    def test_neutron_error(self):
        self.network.ports.side_effect = fakes.neutron_error(
            400, 'HTTPBadRequest', "'port_security_enabled' is not an "
            "attribute")
        parsed_args = self.check_parser(self.cmd, [], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn('is not an attribute', str(exc))


def journal_entries():
    return list(journal.entries())


class TestAddPortSecurityPair(cmd_fakes.TestPortSecurityCommand):

    def setUp(self):
        super().setUp()
        self.cmd = port_security.AddPortSecurityPair(self.app, None)
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.find_ports(self.port)

    def record_clear(self):
        journal.append(journal.record(
            'pair clear', fakes.PORT_ID,
            {'security_group_ids': [fakes.SG_ID],
             'allowed_address_pairs': [PAIR_A, PAIR_B]},
            {'security_group_ids': [fakes.SG_ID],
             'allowed_address_pairs': []},
            {'auth_url': fakes.AUTH_URL}))

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

    def test_given_more_than_once(self):
        after = fakes.make_port(
            allowed_address_pairs=[PAIR_A, {'ip_address': '10.0.0.10',
                                            'mac_address': fakes.PORT_MAC}],
            revision_number=4)
        self.network.update_port.return_value = after
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--allowed-address', 'ip-address=10.0.0.10',
             '--allowed-address', 'ip-address=10.0.0.9',
             '--allowed-address', 'ip-address=10.0.0.10/32'], [])
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
        self.network.ports.assert_not_called()
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
        self.assertEqual(columns.CHANGE_COLUMNS, cols)
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
            self.cmd, ['web-1', '--restore', '--dry-run'], [])
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
        parsed_args = self.check_parser(self.cmd, ['web-1', '--restore'],
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

    def test_restore_and_add(self):
        self.record_clear()
        self.network.update_port.return_value = fakes.make_port(
            allowed_address_pairs=[PAIR_A, PAIR_B], revision_number=4)
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--restore', '--allowed-address',
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
        self.cmd = port_security.RemovePortSecurityPair(self.app, None)
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
        self.assertEqual(columns.CHANGE_COLUMNS, cols)
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


class TestClearPortSecurityPair(cmd_fakes.TestPortSecurityCommand):

    def setUp(self):
        super().setUp()
        self.cmd = port_security.ClearPortSecurityPair(self.app, None)
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
        self.assertEqual(columns.CHANGE_SHORT_COLUMNS, cols)
        self.assertEqual(('id', 'name', 'result', 'changes'), cols)
        self.assertEqual(1, len(data))
        self.assertItemEqual(
            (fakes.PORT_ID, 'web-1', 'updated',
             columns.LinesColumn([
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
            self.cmd, ['web-1', 'web-2', '--long'], [('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, allowed_address_pairs=[])
        self.assertEqual(columns.CHANGE_COLUMNS, cols)
        self.assertListItemEqual(
            [(fakes.PORT_ID, 'web-1', 'updated',
              columns.LinesColumn([
                  f'removed allowed address pair 10.0.0.9 '
                  f'({fakes.PORT_MAC})',
                  f'removed allowed address pair 10.0.1.0/24 '
                  f'({OTHER_MAC})']),
              columns.PortSecurityColumn(True),
              format_columns.ListColumn([fakes.SG_ID]),
              format_columns.ListDictColumn([]),
              4),
             (OTHER_ID, 'web-2', 'unchanged',
              columns.LinesColumn(['no allowed address pairs to clear']),
              columns.PortSecurityColumn(True),
              format_columns.ListColumn([fakes.SG_ID]),
              format_columns.ListDictColumn([]),
              3)],
            data,
        )

    def test_default_columns_several_ports(self):
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4)
        parsed_args = self.check_parser(
            self.cmd, ['web-1', 'web-2'], [('long', False)])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual(columns.CHANGE_SHORT_COLUMNS, cols)
        self.assertListItemEqual(
            [(fakes.PORT_ID, 'web-1', 'updated',
              columns.LinesColumn([
                  f'removed allowed address pair 10.0.0.9 '
                  f'({fakes.PORT_MAC})',
                  f'removed allowed address pair 10.0.1.0/24 '
                  f'({OTHER_MAC})'])),
             (OTHER_ID, 'web-2', 'unchanged',
              columns.LinesColumn(['no allowed address pairs to clear']))],
            data,
        )

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
        parsed_args = self.check_parser(self.cmd, ['web-1', 'web-2'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual(1, self.cmd._failed)
        self.assertEqual([OTHER_ID], [r[0] for r in data])
        self.assertIn('You are not allowed', logger.output)
        self.assertIn('port web-1', logger.output)


class TestListPortSecurityPair(cmd_fakes.TestPortSecurityCommand):

    def setUp(self):
        super().setUp()
        self.cmd = port_security.ListPortSecurityPair(self.app, None)

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


def results(cols, data):
    return [dict(zip(cols, row))['result'] for row in data]


class TestDisablePortSecurity(cmd_fakes.TestPortSecurityCommand):

    def setUp(self):
        super().setUp()
        self.cmd = port_security.DisablePortSecurity(self.app, None)
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
        self.assertEqual(columns.CHANGE_SHORT_COLUMNS, cols)
        self.assertEqual(1, len(data))
        self.assertItemEqual(
            (fakes.PORT_ID, 'web-1', 'updated',
             columns.LinesColumn([
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
            self.cmd, ['web-1', '--long'], [('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=False,
            security_group_ids=[], allowed_address_pairs=[])
        self.assertEqual(columns.CHANGE_COLUMNS, cols)
        self.assertListItemEqual(
            [(fakes.PORT_ID, 'web-1', 'updated',
              columns.LinesColumn([
                  f'removed security group web ({fakes.SG_ID})',
                  f'removed security group db ({fakes.SG2_ID})',
                  f'removed allowed address pair 10.0.0.9 '
                  f'({fakes.PORT_MAC})',
                  'disabled port security']),
              columns.PortSecurityColumn(False),
              format_columns.ListColumn([]),
              format_columns.ListDictColumn([]),
              4)],
            data,
        )

    def test_groups_without_pairs(self):
        # No allowed_address_pairs key, so Neutron does not check the
        # update_port:allowed_address_pairs policy.
        self.network.update_port.return_value = fakes.make_port(
            id=OTHER_ID, name='web-2', revision_number=10, **DISABLED)
        parsed_args = self.check_parser(self.cmd, ['web-2'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            OTHER_ID, if_revision=9, is_port_security_enabled=False,
            security_group_ids=[])
        self.assertItemEqual(
            (OTHER_ID, 'web-2', 'updated',
             columns.LinesColumn([
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
        parsed_args = self.check_parser(self.cmd, ['web-1'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=False)
        self.network.security_groups.assert_not_called()
        self.assertItemEqual(
            (fakes.PORT_ID, 'web-1', 'updated',
             columns.LinesColumn(['disabled port security'])),
            data[0],
        )

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
            self.cmd, ['web-1', 'web-2', '--dry-run', '--long'],
            [('dry_run', True), ('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(columns.CHANGE_COLUMNS, cols)
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
        self.cmd = port_security.EnablePortSecurity(self.app, None)
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
            self.cmd, ['web-1', '--security-group', 'web', '--long'],
            [('port', ['web-1']), ('security_groups', ['web']),
             ('restore', False), ('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.find_security_group.assert_called_once_with(
            'web', ignore_missing=False)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID])
        self.assertEqual(columns.CHANGE_COLUMNS, cols)
        self.assertListItemEqual(
            [(fakes.PORT_ID, 'web-1', 'updated',
              columns.LinesColumn([
                  'enabled port security',
                  f'added security group web ({fakes.SG_ID})']),
              columns.PortSecurityColumn(True),
              format_columns.ListColumn([fakes.SG_ID]),
              format_columns.ListDictColumn([]),
              4)],
            data,
        )

    def test_default_columns(self):
        self.network.update_port.return_value = fakes.make_port(
            revision_number=4)
        parsed_args = self.check_parser(
            self.cmd, ['web-1', '--security-group', 'web'],
            [('long', False)])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3, is_port_security_enabled=True,
            security_group_ids=[fakes.SG_ID])
        self.assertEqual(columns.CHANGE_SHORT_COLUMNS, cols)
        self.assertListItemEqual(
            [(fakes.PORT_ID, 'web-1', 'updated',
              columns.LinesColumn([
                  'enabled port security',
                  f'added security group web ({fakes.SG_ID})']))],
            data,
        )

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
        self.network.ports.assert_not_called()
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
            ['enabled port security',
             f'restored security group web ({fakes.SG_ID})',
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
                       'db', '--dry-run', '--long'], [])
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

    def test_dry_run_predicts(self):
        parsed_args = self.check_parser(
            self.cmd, ['web-1', '--security-group', 'db', '--dry-run',
                       '--long'], [])
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
            self.cmd, ['web-1', '--security-group', 'web'], [])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.update_port.assert_not_called()
        self.assertEqual(['unchanged'], results(cols, data))
