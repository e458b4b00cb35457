"""Tests of osc_portsec.lookup: every lookup, and no guessed port."""

from unittest import mock

from keystoneauth1 import access
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import fixture as ks_fixture
from openstack.compute.v2 import _proxy as compute_proxy
from openstack.compute.v2 import server as _server
from openstack import exceptions as sdk_exc
from openstack.identity.v3 import _proxy as identity_proxy
from openstack.identity.v3 import project as _project
from openstack.network.v2 import _proxy
from openstack.network.v2 import network as _network
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import lookup
from tests.unit import fakes


OTHER_ID = '2c9f3a8e-7b6d-4e5f-9a0b-1c2d3e4f5a6b'
OTHER_NETWORK = '7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a'
THIRD_ID = '3d0a4b9f-8c7e-4f60-8b1c-2d3e4f5a6b7c'
BLANKS = ('', ' ', '\t', '\n ')


class TestFindPort(base.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.port = fakes.make_port(
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                        'ip_address': '10.0.0.5'},
                       {'subnet_id': fakes.SUBNET_ID,
                        'ip_address': '2001:db8::5'}])
        self.other = fakes.make_port(
            id=OTHER_ID, name='db-1', network_id=OTHER_NETWORK,
            device_owner='', fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                                         'ip_address': '10.0.0.6'}])
        self.neutron = fakes.PortList([self.port, self.other])
        self.client.ports.side_effect = self.neutron

    def find(self, ref, net_id=None):
        return lookup.find_port(self.client, ref, net_id)

    def assert_one(self, ref, expected=None, net_id=None):
        self.assertIs(expected or self.port, self.find(ref, net_id))

    def test_by_name_one_request(self):
        self.assert_one('web-1')
        self.assertEqual([{'name': 'web-1'}], self.neutron.calls)
        self.client.find_port.assert_not_called()
        self.client.get_port.assert_not_called()

    def test_name_stripped(self):
        self.assert_one('  web-1 ')
        self.assertEqual([{'name': 'web-1'}], self.neutron.calls)

    def test_by_name_on_network(self):
        self.assert_one('web-1', net_id=fakes.NETWORK_ID)
        self.assertEqual([{'name': 'web-1', 'network_id': fakes.NETWORK_ID}],
                         self.neutron.calls)

    def test_by_id_two_requests(self):
        # A UUID-like reference may also be another port's name.
        self.assert_one(fakes.PORT_ID)
        self.assertEqual([{'id': fakes.PORT_ID}, {'name': fakes.PORT_ID}],
                         self.neutron.calls)

    def test_by_id_any_notation(self):
        for ref in (fakes.PORT_ID.upper(), fakes.PORT_ID.replace('-', '')):
            self.neutron.calls.clear()
            self.assert_one(ref)
            self.assertEqual({'id': fakes.PORT_ID}, self.neutron.calls[0])

    def test_by_fixed_ip_two_requests(self):
        self.assert_one('10.0.0.5')
        self.assertEqual(
            [{'name': '10.0.0.5'}, {'fixed_ips': ['ip_address=10.0.0.5']}],
            self.neutron.calls)

    def test_by_fixed_ip_on_network(self):
        self.assert_one('2001:db8::5', net_id=fakes.NETWORK_ID)
        self.assertEqual(
            {'fixed_ips': ['ip_address=2001:db8::5'],
             'network_id': fakes.NETWORK_ID}, self.neutron.calls[1])

    def test_fixed_ip_any_notation(self):
        for ref in ('2001:DB8::5', '2001:0db8:0000:0000:0000:0000:0000:0005',
                    '2001:db8:0:0::5'):
            self.neutron.calls.clear()
            self.assert_one(ref)
            self.assertEqual({'fixed_ips': ['ip_address=2001:db8::5']},
                             self.neutron.calls[1])

    def test_fixed_ip_ipv4_mapped(self):
        for ref in ('::ffff:10.0.0.5', '::FFFF:A00:5'):
            self.neutron.calls.clear()
            self.assert_one(ref)
            self.assertEqual({'fixed_ips': ['ip_address=10.0.0.5']},
                             self.neutron.calls[1])

    def test_leading_zero_is_a_name_only(self):
        # Neutron refuses 010.0.0.5 as an address: only a name can match.
        named = fakes.make_port(id=THIRD_ID, name='010.0.0.5', fixed_ips=[])
        self.neutron.ports.append(named)
        self.assert_one('010.0.0.5', named)
        self.assertEqual([{'name': '010.0.0.5'}], self.neutron.calls)

    def test_same_port_by_name_and_ip_is_one(self):
        self.neutron.ports[0] = fakes.make_port(
            name='10.0.0.5', fixed_ips=self.port.fixed_ips)
        self.assertEqual(fakes.PORT_ID, self.find('10.0.0.5').id)

    def test_name_of_one_ip_of_another_is_ambiguous(self):
        named = fakes.make_port(id=THIRD_ID, name='10.0.0.5',
                                network_id=OTHER_NETWORK,
                                device_owner='network:dhcp', fixed_ips=[])
        self.neutron.ports.append(named)
        exc = self.assertRaises(exceptions.CommandError, self.find,
                                '10.0.0.5')
        self.assertEqual(
            f"Port reference '10.0.0.5' matches 2 ports: {THIRD_ID} (network "
            f"{OTHER_NETWORK}, device owner network:dhcp; matches its name); "
            f"{fakes.PORT_ID} (network {fakes.NETWORK_ID}, device owner "
            f"compute:nova; matches its fixed IP); give the port ID, or "
            f"narrow the search with --network.", str(exc))

    def test_name_of_one_id_of_another_is_ambiguous(self):
        named = fakes.make_port(id=THIRD_ID, name=fakes.PORT_ID)
        self.neutron.ports.append(named)
        exc = self.assertRaises(exceptions.CommandError, self.find,
                                fakes.PORT_ID)
        message = str(exc)
        self.assertIn(f"{fakes.PORT_ID} (network {fakes.NETWORK_ID}, device "
                      f"owner compute:nova; matches its ID)", message)
        self.assertIn(f"{THIRD_ID} (network {fakes.NETWORK_ID}, device owner "
                      f"compute:nova; matches its name)", message)
        # Both are on one network: --network would not help.
        self.assertTrue(message.endswith('; give the port ID.'), message)

    def test_shared_name_across_networks(self):
        self.neutron.ports.append(fakes.make_port(
            id=THIRD_ID, name='db-1', network_id=fakes.NETWORK_ID))
        exc = self.assertRaises(exceptions.CommandError, self.find, 'db-1')
        self.assertIn("Port reference 'db-1' matches 2 ports", str(exc))
        self.assertIn(OTHER_ID, str(exc))
        self.assertIn(THIRD_ID, str(exc))
        self.assertIn('--network', str(exc))
        # Narrowed, it is one port.
        self.assertEqual(OTHER_ID, self.find('db-1', OTHER_NETWORK).id)

    def test_shared_name_on_one_network(self):
        self.neutron.ports.append(fakes.make_port(id=THIRD_ID, name='web-1'))
        exc = self.assertRaises(exceptions.CommandError, self.find, 'web-1',
                                fakes.NETWORK_ID)
        self.assertIn('matches 2 ports', str(exc))
        self.assertNotIn('--network', str(exc))

    def test_three_candidates_all_listed(self):
        self.neutron.ports += [
            fakes.make_port(id=THIRD_ID, name=fakes.PORT_ID,
                            network_id=OTHER_NETWORK),
            fakes.make_port(id='4e1b5c0a-9d8f-4a71-9c2d-3e4f5a6b7c8d',
                            name=fakes.PORT_ID),
        ]
        exc = self.assertRaises(exceptions.CommandError, self.find,
                                fakes.PORT_ID)
        self.assertIn('matches 3 ports', str(exc))

    def test_id_on_other_network(self):
        exc = self.assertRaises(exceptions.CommandError, self.find,
                                OTHER_ID, fakes.NETWORK_ID)
        self.assertEqual(
            f"Port {OTHER_ID} is on network {OTHER_NETWORK}, not on network "
            f"{fakes.NETWORK_ID} given with --network; give the port's own "
            f"network, or leave --network out.", str(exc))

    def test_id_on_given_network(self):
        self.assert_one(fakes.PORT_ID, net_id=fakes.NETWORK_ID)
        # The ID is asked for on every network, so that a port elsewhere
        # is reported, not missed.
        self.assertEqual({'id': fakes.PORT_ID}, self.neutron.calls[0])

    def test_not_found(self):
        exc = self.assertRaises(exceptions.CommandError, self.find, 'nope')
        self.assertEqual(
            "No port with ID, name or fixed IP 'nope' was found; check it "
            "with 'openstack port list'.", str(exc))

    def test_not_found_on_network(self):
        exc = self.assertRaises(exceptions.CommandError, self.find,
                                '10.0.0.6', fakes.NETWORK_ID)
        self.assertIn(
            f"'10.0.0.6' was found on network {fakes.NETWORK_ID}", str(exc))

    def test_blank_refused_before_any_request(self):
        for ref in BLANKS:
            exc = self.assertRaises(exceptions.CommandError, self.find, ref)
            self.assertEqual(
                f"The port given is empty ({ref!r}); give a port name or ID.",
                str(exc))
        self.client.ports.assert_not_called()

    def test_sdk_errors_left_to_the_command(self):
        error = fakes.neutron_error(403, 'PolicyNotAuthorized',
                                    'disallowed by policy')
        self.client.ports.side_effect = error
        exc = self.assertRaises(sdk_exc.HttpException, self.find, 'web-1')
        self.assertIs(error, exc)
        self.client.ports.side_effect = ks_exc.ConnectFailure('refused')
        self.assertRaises(ks_exc.ConnectFailure, self.find, 'web-1')


class TestFixedIpFilter(base.TestCase):

    def test_canonical(self):
        self.assertEqual('2001:db8::5',
                         lookup.fixed_ip_filter('2001:0DB8:0:0::5'))
        self.assertEqual('10.0.0.5', lookup.fixed_ip_filter('::ffff:a00:5'))

    def test_refused(self):
        for value in ('not-an-ip', '', '10.0.0.0/24', '010.0.0.5'):
            exc = self.assertRaises(exceptions.CommandError,
                                    lookup.fixed_ip_filter, value)
            self.assertIn(f"'{value}' is not", str(exc))
            self.assertIn('--fixed-ip', str(exc))


class TestPortQueries(base.TestCase):

    def test_readings(self):
        self.assertEqual([('name', {'name': 'web-1'})],
                         lookup.port_queries('web-1', None))
        self.assertEqual(
            [('name', {'name': '10.0.0.5', 'network_id': 'n'}),
             ('fixed IP', {'fixed_ips': ['ip_address=10.0.0.5'],
                           'network_id': 'n'})],
            lookup.port_queries('10.0.0.5', 'n'))
        self.assertEqual(
            [('ID', {'id': fakes.PORT_ID}),
             ('name', {'name': fakes.PORT_ID, 'network_id': 'n'})],
            lookup.port_queries(fakes.PORT_ID, 'n'))


class TestNetworkId(base.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)

    def test_none(self):
        self.assertIsNone(lookup.network_id(self.client, None))
        self.client.find_network.assert_not_called()

    def test_blank_refused(self):
        for value in BLANKS:
            exc = self.assertRaises(exceptions.CommandError,
                                    lookup.network_id, self.client, value)
            self.assertIn('The network given is empty', str(exc))
        self.client.find_network.assert_not_called()

    def _named(self, *ids):
        self.client.networks.return_value = iter([
            _network.Network(id=i, name='private', _synchronized=True)
            for i in ids])

    def test_found_by_name_in_one_list(self):
        # find_network would first GET /networks/private (a 404 for every
        # name), then list by name: two requests where one does.
        self._named(fakes.NETWORK_ID)
        self.assertEqual(fakes.NETWORK_ID,
                         lookup.network_id(self.client, ' private'))
        self.client.networks.assert_called_once_with(name='private',
                                                     fields=['id'])
        self.client.find_network.assert_not_called()

    def test_found_by_id(self):
        self.client.find_network.return_value = _network.Network(
            id=fakes.NETWORK_ID, name='private', _synchronized=True)
        self.assertEqual(fakes.NETWORK_ID,
                         lookup.network_id(self.client, fakes.NETWORK_ID))
        self.client.find_network.assert_called_once_with(
            fakes.NETWORK_ID, ignore_missing=False)
        self.client.networks.assert_not_called()

    def test_not_found(self):
        self._named()
        exc = self.assertRaises(exceptions.CommandError, lookup.network_id,
                                self.client, 'nope')
        self.assertEqual("Network 'nope' was not found; check it with "
                         "'openstack network list'.", str(exc))

    def test_id_not_found(self):
        self.client.find_network.side_effect = sdk_exc.NotFoundException(
            'No Network found')
        exc = self.assertRaises(exceptions.CommandError, lookup.network_id,
                                self.client, fakes.NETWORK_ID)
        self.assertEqual(f"Network '{fakes.NETWORK_ID}' was not found; "
                         f"check it with 'openstack network list'.",
                         str(exc))

    def test_duplicate(self):
        self._named(fakes.NETWORK_ID, '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e')
        exc = self.assertRaises(exceptions.CommandError, lookup.network_id,
                                self.client, 'private')
        self.assertEqual("More than one network is named 'private'; give "
                         "the network ID.", str(exc))

    def test_duplicate_name_that_looks_like_an_id(self):
        self.client.find_network.side_effect = sdk_exc.DuplicateResource(
            'More than one Network exists')
        exc = self.assertRaises(exceptions.CommandError, lookup.network_id,
                                self.client, fakes.NETWORK_ID)
        self.assertIn('More than one network is named', str(exc))


class TestFindNetwork(base.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)

    def test_id_and_name_in_one_request(self):
        self.client.networks.return_value = iter([_network.Network(
            id=fakes.NETWORK_ID, _synchronized=True)])
        self.assertEqual((fakes.NETWORK_ID, 'private'),
                         lookup.find_network(self.client, 'private'))
        self.client.find_network.return_value = _network.Network(
            id=fakes.NETWORK_ID, name='app', _synchronized=True)
        self.assertEqual((fakes.NETWORK_ID, 'app'),
                         lookup.find_network(self.client, fakes.NETWORK_ID))
        self.assertEqual(2, len(self.client.mock_calls))

    def test_names_of_many_in_pages_of_ids(self):
        ids = [f'net-{i}' for i in range(lookup.IDS_PER_REQUEST + 1)]
        self.client.networks.side_effect = lambda id, fields: iter([
            _network.Network(id=i, name=f'n{i}' if i != 'net-0' else None,
                             _synchronized=True) for i in id])
        names = lookup.network_names(self.client, ids + ids[:3])
        self.assertEqual(2, self.client.networks.call_count)
        self.assertEqual(('', 'nnet-1'), (names['net-0'], names['net-1']))
        self.assertEqual(len(ids), len(names))


class TestSecurityGroups(base.TestCase):
    """One resolver for every command: one request a group."""

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)

    def test_found_in_order(self):
        self.client.security_groups.side_effect = lambda name: iter(
            [fakes.make_group({'db': fakes.SG2_ID, 'web': fakes.SG_ID}[name],
                              name)])
        self.assertEqual(
            [(fakes.SG2_ID, 'db'), (fakes.SG_ID, 'web')],
            list(lookup.security_groups(self.client, ['db', 'web']).items()))
        self.assertEqual([mock.call(name='db'), mock.call(name='web')],
                         self.client.security_groups.call_args_list)
        self.client.get_security_group.assert_not_called()

    def test_id_is_one_get(self):
        group = fakes.make_group(fakes.SG_ID, 'web')
        self.client.get_security_group.return_value = group
        self.assertIs(group, lookup.security_group(
            self.client, fakes.SG_ID.upper()))
        self.client.get_security_group.assert_called_once_with(fakes.SG_ID)
        self.client.security_groups.assert_not_called()

    def test_group_named_like_an_id(self):
        group = fakes.make_group(fakes.SG2_ID, fakes.SG_ID)
        self.client.get_security_group.side_effect = (
            sdk_exc.NotFoundException('no'))
        self.client.security_groups.return_value = iter([group])
        self.assertIs(group, lookup.security_group(self.client, fakes.SG_ID))
        self.client.security_groups.assert_called_once_with(name=fakes.SG_ID)

    def test_blank_refused_before_any_request(self):
        exc = self.assertRaises(exceptions.CommandError,
                                lookup.security_groups, self.client,
                                ['web', ' '])
        self.assertEqual(
            "The security group given is empty (' '); give a security "
            "group name or ID.", str(exc))
        self.client.security_groups.assert_not_called()
        self.client.get_security_group.assert_not_called()

    def test_not_found(self):
        self.client.security_groups.return_value = iter([])
        exc = self.assertRaises(exceptions.CommandError,
                                lookup.security_groups, self.client, ['x'])
        self.assertEqual("Security group 'x' was not found; check it with "
                         "'openstack security group list'.", str(exc))

    def test_cloud_without_security_groups(self):
        # The list request itself is answered 404 by Neutron.
        self.client.security_groups.side_effect = fakes.sdk_error(
            404, {'NeutronError': {'type': 'HTTPNotFound',
                                   'message': 'The resource could not be '
                                              'found.', 'detail': ''}})
        exc = self.assertRaises(exceptions.CommandError,
                                lookup.security_groups, self.client,
                                ['default'])
        self.assertEqual(
            "Neutron answered 404 to the security group list: this cloud "
            "does not have Neutron's security-group extension, so "
            "--security-group 'default' cannot be used here; the cloud "
            "operator enables it with [securitygroup] enable_security_group "
            "= true.", str(exc))

    def test_duplicate(self):
        self.client.security_groups.return_value = iter([
            fakes.make_group(fakes.SG_ID, 'x'),
            fakes.make_group(fakes.SG2_ID, 'x')])
        exc = self.assertRaises(exceptions.CommandError,
                                lookup.security_groups, self.client, ['x'])
        self.assertEqual("More than one security group is named 'x'; give "
                         "the security group ID.", str(exc))


class TestPickPort(base.TestCase):
    """The port resolver over ports already read (a VIP's network)."""

    def setUp(self):
        super().setUp()
        self.a = fakes.make_port(id=fakes.PORT_ID, name='web-1')
        self.b = fakes.make_port(
            id=fakes.OTHER_ID, name='10.0.0.5', mac_address=fakes.OTHER_MAC,
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                        'ip_address': '10.0.0.6'}])

    def test_by_id_name_and_fixed_ip(self):
        ports = [self.a, self.b]
        self.assertIs(self.a, lookup.pick_port('web-1', ports))
        self.assertIs(self.a, lookup.pick_port(fakes.PORT_ID.upper(),
                                               ports))
        self.assertIs(self.b, lookup.pick_port('10.0.0.6', ports))
        self.assertIsNone(lookup.pick_port('web-9', ports))

    def test_named_like_another_ports_fixed_ip_is_ambiguous(self):
        # Port b is named '10.0.0.5', port a has 10.0.0.5 as fixed IP: the
        # same rule as find_port, so an error listing both, not a guess.
        exc = self.assertRaises(exceptions.CommandError, lookup.pick_port,
                                '10.0.0.5', [self.a, self.b])
        self.assertIn("Port reference '10.0.0.5' matches 2 ports", str(exc))
        self.assertIn(f'{fakes.PORT_ID} (network {fakes.NETWORK_ID}', str(exc))
        self.assertIn('matches its fixed IP', str(exc))
        self.assertIn('matches its name', str(exc))


PROJECT_ID = '30c3da2961f54b7b8eb23d18287428c7'
OTHER_PROJECT_ID = '9f8e7d6c5b4a49388271605f4e3d2c1b'
SERVER_ID = 'd6b0e6a0-1f2e-4c3d-8b9a-7f6e5d4c3b2a'


def forbidden():
    return fakes.sdk_error(403, {'error': {'message': 'forbidden'}})


class TestProjectId(base.TestCase):

    def setUp(self):
        super().setUp()
        self.identity = mock.Mock(spec=identity_proxy.Proxy)
        self.auth_ref = access.create(
            body=ks_fixture.V3Token(project_id=PROJECT_ID,
                                    project_name='web-team'),
            auth_token='tok')

    def project_id(self, value, auth_ref=mock.sentinel.default):
        if auth_ref is mock.sentinel.default:
            auth_ref = self.auth_ref
        return lookup.project_id(self.identity, auth_ref, value)

    def test_own_project_not_looked_up(self):
        self.assertEqual(PROJECT_ID, self.project_id(PROJECT_ID))
        self.assertEqual(PROJECT_ID, self.project_id('web-team'))
        self.identity.find_project.assert_not_called()

    def test_found(self):
        self.identity.find_project.return_value = _project.Project(
            id=OTHER_PROJECT_ID, name='demo', _synchronized=True)
        self.assertEqual(OTHER_PROJECT_ID, self.project_id('demo', None))
        self.identity.find_project.assert_called_once_with(
            'demo', ignore_missing=True)

    def test_not_found(self):
        self.identity.find_project.return_value = None
        exc = self.assertRaises(exceptions.CommandError, self.project_id,
                                'nope')
        self.assertEqual(
            "Project 'nope' was not found; check it with 'openstack project "
            "list', or give the project ID.", str(exc))

    def test_forbidden_id_taken_in_keystone_form(self):
        self.identity.find_project.side_effect = forbidden()
        for value in (OTHER_PROJECT_ID, OTHER_PROJECT_ID.upper(),
                      '9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b'):
            self.assertEqual(OTHER_PROJECT_ID, self.project_id(value))

    def test_forbidden_name(self):
        self.identity.find_project.side_effect = forbidden()
        exc = self.assertRaises(exceptions.CommandError, self.project_id,
                                'demo')
        self.assertEqual(
            "Project 'demo' could not be looked up (Keystone answered HTTP "
            "403); give the project ID instead.", str(exc))

    def test_other_errors_left_to_the_command(self):
        self.identity.find_project.side_effect = ks_exc.ConnectFailure('no')
        self.assertRaises(ks_exc.ConnectFailure, self.project_id,
                          OTHER_PROJECT_ID)

    def test_blank_refused(self):
        for value in BLANKS:
            exc = self.assertRaises(exceptions.CommandError,
                                    self.project_id, value)
            self.assertIn('The project given is empty', str(exc))
        self.identity.find_project.assert_not_called()


class TestServerId(base.TestCase):

    def setUp(self):
        super().setUp()
        self.compute = mock.Mock(spec=compute_proxy.Proxy)

    def test_uuid_not_looked_up(self):
        for value in (SERVER_ID, SERVER_ID.upper(),
                      SERVER_ID.replace('-', '')):
            self.assertEqual(SERVER_ID,
                             lookup.server_id(self.compute, value))
        self.compute.find_server.assert_not_called()

    def test_found(self):
        self.compute.find_server.return_value = _server.Server(
            id=SERVER_ID, name='vm1', _synchronized=True)
        self.assertEqual(SERVER_ID, lookup.server_id(self.compute, 'vm1'))
        self.compute.find_server.assert_called_once_with(
            'vm1', ignore_missing=True)

    def test_not_found(self):
        self.compute.find_server.return_value = None
        exc = self.assertRaises(exceptions.CommandError, lookup.server_id,
                                self.compute, 'vm9')
        self.assertEqual(
            "Server 'vm9' was not found; check it with 'openstack server "
            "list', or give the server ID.", str(exc))

    def test_duplicate(self):
        self.compute.find_server.side_effect = sdk_exc.DuplicateResource('x')
        exc = self.assertRaises(exceptions.CommandError, lookup.server_id,
                                self.compute, 'vm1')
        self.assertEqual(
            "More than one server is named 'vm1'; give the server ID.",
            str(exc))

    def test_blank_refused(self):
        for value in BLANKS:
            exc = self.assertRaises(exceptions.CommandError,
                                    lookup.server_id, self.compute, value)
            self.assertIn('The server given is empty', str(exc))
        self.compute.find_server.assert_not_called()


class TestGroupNames(base.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)

    def test_none_asked_no_request(self):
        self.assertEqual({}, lookup.group_names(self.client, []))
        self.client.security_groups.assert_not_called()

    def test_one_request_names_every_group(self):
        self.client.security_groups.return_value = [
            fakes.make_group(fakes.SG_ID, 'web')]
        self.assertEqual(
            {fakes.SG_ID: 'web', fakes.SG2_ID: None},
            lookup.group_names(self.client,
                               [fakes.SG_ID, fakes.SG2_ID, fakes.SG_ID]))
        self.client.security_groups.assert_called_once_with(
            id=[fakes.SG_ID, fakes.SG2_ID], fields=['id', 'name'])

    def test_long_lists_are_chunked(self):
        ids = [f'{i:08x}-0000-4000-8000-000000000000' for i in range(320)]
        self.client.security_groups.side_effect = lambda id, fields: [
            fakes.make_group(sg, f'g{sg[:8]}') for sg in id]
        names = lookup.group_names(self.client, ids)
        self.assertEqual(ids, list(names))
        self.assertTrue(all(names.values()))
        sizes = [len(c.kwargs['id'])
                 for c in self.client.security_groups.call_args_list]
        self.assertEqual([150, 150, 20], sizes)


class TestFindPorts(base.TestCase):
    """Several references, one request per reading for all of them."""

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.port = fakes.make_port()
        self.other = fakes.make_port(
            id=OTHER_ID, name='db-1', network_id=OTHER_NETWORK,
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                        'ip_address': '10.0.0.6'}])
        self.neutron = fakes.PortList([self.port, self.other])
        self.client.ports.side_effect = self.neutron

    def test_three_readings_for_any_number_of_references(self):
        found = lookup.find_ports(self.client, [
            'web-1', OTHER_ID.upper(), '10.0.0.5', ' db-1 '])
        self.assertEqual([fakes.PORT_ID, OTHER_ID, fakes.PORT_ID, OTHER_ID],
                         [p.id for p in found])
        self.assertEqual(
            [{'name': ['web-1', OTHER_ID.upper(), '10.0.0.5', 'db-1']},
             {'id': [OTHER_ID]}, {'fixed_ips': ['ip_address=10.0.0.5']}],
            self.neutron.calls)

    def test_names_only_is_one_request(self):
        lookup.find_ports(self.client, ['web-1', 'db-1'])
        self.assertEqual(1, len(self.neutron.calls))

    def test_network_is_one_request(self):
        found = lookup.find_ports(self.client, ['web-1', '10.0.0.5',
                                                fakes.PORT_ID],
                                  fakes.NETWORK_ID)
        self.assertEqual([fakes.PORT_ID] * 3, [p.id for p in found])
        self.assertEqual([{'network_id': fakes.NETWORK_ID}],
                         self.neutron.calls)

    def test_a_port_given_by_id_on_another_network(self):
        exc = self.assertRaises(exceptions.CommandError, lookup.find_ports,
                                self.client, [OTHER_ID], fakes.NETWORK_ID)
        self.assertIn(f'Port {OTHER_ID} is on network {OTHER_NETWORK}, not '
                      f'on network {fakes.NETWORK_ID}', str(exc))

    def test_outside_addresses_and_errors(self):
        self.assertEqual([None], lookup.find_ports(
            self.client, ['203.0.113.9'], outside=True))
        for refs, words in (
            (['203.0.113.9'], "No port with ID, name or fixed IP "
                              "'203.0.113.9'"),
            (['nope'], "'nope' was found"),
            (['  '], 'The port given is empty'),
        ):
            exc = self.assertRaises(exceptions.CommandError,
                                    lookup.find_ports, self.client, refs)
            self.assertIn(words, str(exc))

    def test_ambiguous_reference_lists_every_port(self):
        self.neutron.ports.append(fakes.make_port(
            id=THIRD_ID, name='10.0.0.6', network_id=OTHER_NETWORK,
            fixed_ips=[]))
        exc = self.assertRaises(exceptions.CommandError, lookup.find_ports,
                                self.client, ['web-1', '10.0.0.6'])
        self.assertIn("Port reference '10.0.0.6' matches 2 ports", str(exc))
