"""Tests of show, list and pair list."""


from openstack.compute.v2 import server as _server
from openstack.identity.v3 import project as _project
from openstack.network.v2 import network as _network
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import columns
from osc_portsec import formats
from osc_portsec.v2 import port_security
from tests.unit import fakes
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import OTHER_PROJECT_ID
from tests.unit.fakes import PAIR_A
from tests.unit.fakes import PAIR_B
from tests.unit.fakes import SERVER_ID
from tests.unit.fakes import THIRD_ID


OTHER_NETWORK_ID = '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e'
LIST_DEFAULTS = [('network', None), ('project', None), ('server', None),
                 ('device_owner', None), ('fixed_ip', None),
                 ('port_security', None), ('with_pairs', False),
                 ('long', False)]


class TestShowPortSecurity(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.cmd = port_security.ShowPortSecurity(self.app, None)

    def run_show(self, port, args=None):
        self.find_ports(port)
        parsed_args = self.check_parser(
            self.cmd,
            args or ['web-1'],
            [('port', (args or ['web-1'])[0])])
        return self.cmd.take_action(parsed_args)

    def test_show(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        cols, data = self.run_show(port)
        self.network.security_groups.assert_called_once_with(
            id=[fakes.SG_ID], fields=['id', 'name'])
        self.network.update_port.assert_not_called()
        self.assertEqual(columns.SHOW.table, cols)
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
                formats.FixedIps(
                    [{'subnet_id': fakes.SUBNET_ID,
                      'ip_address': '10.0.0.5'}]),
                formats.PortSecurity(True),
                formats.Groups(
                    [{'id': fakes.SG_ID, 'name': 'web'}]),
                formats.Pairs([PAIR_A]),
                formats.DisableWouldRemove(disable),
                3,
            ),
            data,
        )

    def test_json_shapes(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        cols, data = self.run_show(port, ['web-1', '-f', 'json'])
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
        self.assertEqual({'unavailable': 'port-security'},
                         shown['disable_would_remove'].machine_readable())
        self.assertIn('disable cannot work on this cloud',
                      shown['disable_would_remove'].human_readable())

    def test_network(self):
        port = fakes.make_port()
        self.find_ports(port, fakes.make_port(
            id=OTHER_ID, name='web-2', network_id=OTHER_NETWORK_ID))
        parsed_args = self.check_parser(
            self.cmd,
            ['10.0.0.5', '--network', 'private'],
            [('port', '10.0.0.5'), ('network', 'private')])
        cols, data = self.cmd.take_action(parsed_args)
        self.network.networks.assert_called_once_with(
            name='private', fields=['id'])
        self.network.find_network.assert_not_called()
        self.network.update_port.assert_not_called()
        self.assertEqual(fakes.PORT_ID, data[0])

    def test_network_not_found(self):
        self.find_ports(fakes.make_port())
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1', '--network', 'elsewhere'],
            [('port', 'web-1'), ('network', 'elsewhere')])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn("Network 'elsewhere' was not found", str(exc))

    def test_not_found(self):
        self.find_ports(fakes.make_port())
        parsed_args = self.check_parser(self.cmd, ['nope'], [('port', 'nope')])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed_args)
        self.assertIn("'nope'", str(exc))


class TestListPortSecurity(fakes.TestCommand):

    # A table: ID, name, port security and the number of pairs.
    FIELDS = ['id', 'name', 'port_security_enabled', 'allowed_address_pairs']

    def query(self, **filters):
        # One paged query, sorted by ID (a deleted page marker is passed).
        return dict(sort_key='id', sort_dir='asc', fields=self.FIELDS,
                    **filters)

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
        parsed_args = self.check_parser(self.cmd, [], LIST_DEFAULTS)
        cols, data = self.cmd.take_action(parsed_args)
        # Neutron is read as the formatter reads the rows.
        data = list(data)
        self.network.ports.assert_called_once_with(**self.query())
        self.network.security_groups.assert_not_called()
        self.assertEqual(('id', 'name', 'port_security', 'pairs'), cols)
        self.assertItemEqual(
            (fakes.PORT_ID, 'web-1', formats.OnOff(True),
             formats.Count([PAIR_A])),
            data[0],
        )
        self.assertEqual(['on', 'on', 'off'],
                         [row[2].human_readable() for row in data])
        self.assertEqual(['1', '0', '0'],
                         [row[3].human_readable() for row in data])
        self.assertEqual([fakes.PORT_ID, OTHER_ID, THIRD_ID], self.ids(data))

    def test_long(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['--long'],
            [('long', True)])
        cols, data = self.cmd.take_action(parsed_args)
        # Neutron is read as the formatter reads the rows.
        data = list(data)
        self.network.ports.assert_called_once_with(
            sort_key='id', sort_dir='asc',
            fields=self.FIELDS + ['network_id', 'device_owner',
                                  'security_groups', 'device_id',
                                  'fixed_ips'])
        self.assertEqual(
            ('id', 'name', 'port_security', 'pairs', 'network_id',
             'device_owner', 'security_group_ids', 'allowed_address_pairs',
             'device_id', 'fixed_ips'), cols)
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
            ['--network',
             'private',
             '--project',
             'demo',
             '--server',
             'vm1',
             '--device-owner',
             'compute:nova',
             '--fixed-ip',
             '10.0.0.5'],
            [('network', 'private'),
             ('project', 'demo'),
             ('server', 'vm1'),
             ('device_owner', 'compute:nova'),
             ('fixed_ip', '10.0.0.5')])
        list(self.cmd.take_action(parsed_args)[1])
        self.identity.find_project.assert_called_once_with(
            'demo', ignore_missing=True)
        self.compute.find_server.assert_called_once_with(
            'vm1', ignore_missing=True)
        self.network.ports.assert_called_once_with(
            sort_key='id', sort_dir='asc', fields=self.FIELDS,
            network_id=fakes.NETWORK_ID,
            project_id=OTHER_PROJECT_ID,
            device_id=SERVER_ID,
            device_owner='compute:nova',
            fixed_ips=['ip_address=10.0.0.5'],
        )

    def test_server_uuid_not_looked_up(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['--server', SERVER_ID],
            [('server', SERVER_ID)])
        list(self.cmd.take_action(parsed_args)[1])
        self.compute.find_server.assert_not_called()
        self.network.ports.assert_called_once_with(
            **self.query(device_id=SERVER_ID))

    def list_project(self, value):
        parsed_args = self.check_parser(
            self.cmd,
            ['--project', value],
            [('project', value)])
        cols, data = self.cmd.take_action(parsed_args)
        return cols, list(data)

    def test_own_project_id_not_looked_up(self):
        self.list_project(fakes.PROJECT_ID)
        self.identity.find_project.assert_not_called()
        self.network.ports.assert_called_once_with(
            **self.query(project_id=fakes.PROJECT_ID))

    def test_own_project_name_not_looked_up(self):
        # Keystone lets a member look up no project by name, not even the
        # token's own: the token names it.
        self.list_project(fakes.PROJECT_NAME)
        self.identity.find_project.assert_not_called()
        self.network.ports.assert_called_once_with(
            **self.query(project_id=fakes.PROJECT_ID))

    def test_project_found(self):
        self.identity.find_project.return_value = _project.Project(
            id=OTHER_PROJECT_ID, name='demo', _synchronized=True)
        self.list_project('demo')
        self.identity.find_project.assert_called_once_with(
            'demo', ignore_missing=True)
        self.network.ports.assert_called_once_with(
            **self.query(project_id=OTHER_PROJECT_ID))

    def test_project_looked_up_with_domain_scoped_token(self):
        self.app.client_manager.auth_ref = fakes.auth_ref(
            domain_id='default', domain_name='Default')
        self.identity.find_project.return_value = _project.Project(
            id=fakes.PROJECT_ID, _synchronized=True)
        self.list_project(fakes.PROJECT_NAME)
        self.identity.find_project.assert_called_once_with(
            fakes.PROJECT_NAME, ignore_missing=True)
        self.network.ports.assert_called_once_with(
            **self.query(project_id=fakes.PROJECT_ID))

    def test_project_looked_up_without_auth_ref(self):
        self.app.client_manager.auth_ref = None
        self.identity.find_project.return_value = _project.Project(
            id=fakes.PROJECT_ID, _synchronized=True)
        self.list_project(fakes.PROJECT_ID)
        self.identity.find_project.assert_called_once_with(
            fakes.PROJECT_ID, ignore_missing=True)
        self.network.ports.assert_called_once_with(
            **self.query(project_id=fakes.PROJECT_ID))

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
            **self.query(project_id=OTHER_PROJECT_ID))

    def test_project_lookup_forbidden_name(self):
        error = fakes.sdk_error(403, {'error': {'message': 'forbidden'}})
        self.identity.find_project.side_effect = error
        exc = self.assertRaises(exceptions.CommandError, self.list_project,
                                'demo')
        self.assertEqual(
            "Project 'demo' could not be looked up (Keystone answered HTTP "
            "403); give the project ID instead.", str(exc))
        self.network.ports.assert_not_called()

    def test_port_security_disabled(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['--port-security', 'disabled'],
            [('port_security', 'disabled')])
        cols, data = self.cmd.take_action(parsed_args)
        # Neutron is read as the formatter reads the rows.
        data = list(data)
        # Neutron refuses a port_security_enabled filter: none is sent.
        self.network.ports.assert_called_once_with(**self.query())
        self.assertEqual([THIRD_ID], self.ids(data))

    def test_port_security_enabled(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['--port-security', 'enabled'],
            [('port_security', 'enabled')])
        cols, data = self.cmd.take_action(parsed_args)
        # Neutron is read as the formatter reads the rows.
        data = list(data)
        self.assertEqual([fakes.PORT_ID, OTHER_ID], self.ids(data))

    def test_with_pairs(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['--with-pairs'],
            [('with_pairs', True)])
        cols, data = self.cmd.take_action(parsed_args)
        # Neutron is read as the formatter reads the rows.
        data = list(data)
        self.network.ports.assert_called_once_with(**self.query())
        self.assertEqual([fakes.PORT_ID], self.ids(data))

    def test_with_pairs_and_disabled(self):
        parsed_args = self.check_parser(
            self.cmd,
            ['--with-pairs', '--port-security', 'disabled'],
            [('with_pairs', True), ('port_security', 'disabled')])
        cols, data = self.cmd.take_action(parsed_args)
        # Neutron is read as the formatter reads the rows.
        data = list(data)
        self.assertEqual([], self.ids(data))

    def test_no_extension(self):
        self.ports = [fakes.make_port(port_security_enabled=None)]
        parsed_args = self.check_parser(self.cmd, [], LIST_DEFAULTS)
        cols, data = self.cmd.take_action(parsed_args)
        # Neutron is read as the formatter reads the rows.
        data = list(data)
        row = dict(zip(cols, list(data)[0]))
        self.assertIsNone(row['port_security'].machine_readable())
        self.assertEqual('n/a', row['port_security'].human_readable())

    def test_json_has_every_field(self):
        parsed_args = self.check_parser(self.cmd, ['-f', 'json'],
                                        LIST_DEFAULTS)
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual(
            ('id', 'name', 'network_id', 'device_owner',
             'port_security_enabled', 'security_group_ids',
             'allowed_address_pairs'), cols)
        row = dict(zip(cols, list(data)[0]))
        self.assertIs(True, row['port_security_enabled'].machine_readable())
        self.assertEqual([PAIR_A],
                         row['allowed_address_pairs'].machine_readable())

    def test_port_deleted_while_listing(self):
        # Neutron answers 404 to the next page when its marker port was
        # deleted: the list goes on after it, sorted by ID.
        ports = sorted(self.ports, key=lambda p: p.id)
        calls = []

        def pages(**query):
            calls.append(query)
            if len(calls) == 1:
                yield ports[0]
                raise fakes.neutron_error(404, 'PortNotFound', 'gone')
            yield from [ports[1], ports[2]]  # ports[0] was deleted

        self.network.ports.side_effect = pages
        parsed_args = self.check_parser(self.cmd, [], LIST_DEFAULTS)
        _, data = self.cmd.take_action(parsed_args)
        self.assertEqual([p.id for p in ports], self.ids(list(data)))
        self.assertEqual(2, len(calls))
        self.assertEqual(calls[0], calls[1])

    def test_port_deleted_again_and_again(self):
        def pages(**query):
            yield self.ports[0]
            raise fakes.neutron_error(404, 'PortNotFound', 'gone')

        self.network.ports.side_effect = pages
        parsed_args = self.check_parser(self.cmd, [], LIST_DEFAULTS)
        _, data = self.cmd.take_action(parsed_args)
        exc = self.assertRaises(exceptions.CommandError, list, data)
        self.assertEqual('Ports were deleted during the list 5 times in a '
                         'row, each one where a page of the list ended; run '
                         'the command again.', str(exc))

    def test_first_page_404_is_an_error(self):
        self.network.ports.side_effect = fakes.neutron_error(
            404, 'HTTPNotFound', 'The resource could not be found.')
        parsed_args = self.check_parser(self.cmd, [], LIST_DEFAULTS)
        _, data = self.cmd.take_action(parsed_args)
        exc = self.assertRaises(exceptions.CommandError, list, data)
        self.assertIn('HTTP 404', str(exc))

    def test_invalid_port_security_choice(self):
        self.assertRaises(
            base.ParserException, self.check_parser, self.cmd,
            ['--port-security', 'off'], [])

    def test_neutron_error(self):
        self.network.ports.side_effect = fakes.neutron_error(
            400, 'HTTPBadRequest', "'port_security_enabled' is not an "
            "attribute")
        parsed_args = self.check_parser(self.cmd, [], LIST_DEFAULTS)
        _, data = self.cmd.take_action(parsed_args)
        # The rows, and so the error, arrive as cliff's formatter reads.
        exc = self.assertRaises(exceptions.CommandError, list, data)
        self.assertIn('is not an attribute', str(exc))


class TestListPortSecurityPair(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.cmd = port_security.ListPortSecurityPair(self.app, None)

    def test_list(self):
        self.find_ports(
            fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B]))
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1'],
            [('port', 'web-1')])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual(('ip_address', 'mac_address'), cols)
        self.assertEqual(
            [('10.0.0.9', fakes.PORT_MAC), ('10.0.1.0/24', OTHER_MAC)],
            list(data))
        self.network.update_port.assert_not_called()

    def test_empty(self):
        self.find_ports(fakes.make_port())
        parsed_args = self.check_parser(
            self.cmd,
            ['web-1'],
            [('port', 'web-1')])
        cols, data = self.cmd.take_action(parsed_args)
        self.assertEqual([], list(data))
