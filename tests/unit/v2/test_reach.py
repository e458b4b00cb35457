"""Tests of ``openstack port security reach`` and ``matrix`` (the commands).

The SDK proxy is a spec'd mock answering from real SDK objects; the
requests each command sends are its proxy calls (each one request here:
the lists fit one page), counted whatever the number of groups, rules
and ports.
"""

from openstack.network.v2 import address_group as _address_group
from openstack.network.v2 import security_group as _security_group
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import columns
from osc_portsec.v2 import common
from osc_portsec.v2 import reach
from tests.unit import fakes

AG_ID = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d'
# The calls that are requests to Neutron.
READS = ('ports', 'security_groups', 'address_groups', 'networks',
         'find_network', 'find_security_group', 'find_port', 'get_port')


def rule(group_id, n, **values):
    body = {'id': f'{group_id[:4]}-r{n}', 'security_group_id': group_id,
            'direction': 'ingress', 'ethertype': 'IPv4', 'protocol': 'tcp',
            'port_range_min': 1000 + n, 'port_range_max': 1000 + n,
            'remote_ip_prefix': None, 'remote_group_id': None,
            'remote_address_group_id': None}
    body.update(values)
    return body


def group(group_id, rules, stateful=True, name=None):
    return _security_group.SecurityGroup(
        id=group_id, name=name or group_id[:4], stateful=stateful,
        security_group_rules=rules, _synchronized=True)


class ReachTestCase(fakes.TestCommand):
    """web-1 (10.0.0.5) and db-1 (10.0.0.6), each in many groups."""

    groups_per_port = 6
    rules_per_group = 25

    def setUp(self):
        super().setUp()
        self.web = fakes.make_port(security_groups=self.ids('a'))
        self.db = fakes.make_port(
            id=fakes.OTHER_ID, name='db-1', mac_address=fakes.OTHER_MAC,
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                        'ip_address': '10.0.0.6'}],
            security_groups=self.ids('b'))
        self.find_ports(self.web, self.db)
        self.rich = {}
        for prefix in 'ab':
            ids = self.ids(prefix)
            for g, group_id in enumerate(ids):
                rules = [rule(group_id, n) for n in range(
                    self.rules_per_group)]
                rules.append(rule(group_id, 99, protocol=None,
                                  port_range_min=None, port_range_max=None,
                                  remote_group_id=ids[(g + 1) % len(ids)]))
                rules.append(rule(group_id, 98, remote_address_group_id=AG_ID))
                rules.append(rule(group_id, 97, direction='egress',
                                  protocol=None, port_range_min=None,
                                  port_range_max=None))
                self.rich[group_id] = group(group_id, rules)
                self.neutron.groups[group_id] = group_id[:4]
        self.network.security_groups.side_effect = self.security_groups
        self.network.address_groups.return_value = iter([
            _address_group.AddressGroup(id=AG_ID, addresses=['10.9.0.0/16'],
                                        _synchronized=True)])

    def ids(self, prefix):
        return [f'{prefix}{n:07d}-0000-4000-8000-000000000000'
                for n in range(self.groups_per_port)]

    def security_groups(self, id=(), **query):
        return iter([self.rich[i] for i in id if i in self.rich])

    def reads(self):
        return [c for c in self.network.method_calls if c[0] in READS]


class TestReachPortSecurity(ReachTestCase):

    def setUp(self):
        super().setUp()
        self.cmd = reach.ReachPortSecurity(self.app, None)

    def run_cmd(self, *args):
        parsed = self.check_parser(self.cmd, list(args), [])
        cols, data = self.cmd.take_action(parsed)
        return dict(zip(cols, data))

    def test_every_field_and_at_most_six_requests(self):
        # The worst case: a UUID-like and an IP-like reference (IDs, names
        # and fixed IPs), remote groups and an address group.
        values = self.run_cmd(fakes.PORT_ID, '10.0.0.6', '--protocol', 'tcp',
                              '--port', '1003')
        self.assertEqual(columns.REACH.table, tuple(values))
        self.assertEqual('pass', values['verdict'])
        got = {k: v.machine_readable() if hasattr(v, 'machine_readable')
               else v for k, v in values.items()}
        self.assertEqual('b000-r3', got['destination']['rule']['id'])
        self.assertEqual('a000-r97', got['source']['rule']['id'])
        self.assertEqual('web-1', got['source']['port']['name'])
        self.assertEqual([], got['fix'])
        self.assertEqual([], got['trace'])
        self.assertLessEqual(len(self.reads()), 6, self.reads())
        self.assertEqual(6, len(self.reads()))
        self.network.update_port.assert_not_called()

    def test_by_name_with_network_is_five(self):
        self.run_cmd('web-1', 'db-1', '--network', 'private', '--protocol',
                     'tcp', '--port', '1003')
        self.assertEqual(5, len(self.reads()), self.reads())

    def test_drop_with_fix_and_trace_for_admins(self):
        from keystoneauth1 import access
        from keystoneauth1 import fixture as ks_fixture

        token = ks_fixture.V3Token(project_id=fakes.PROJECT_ID)
        token.add_role(name='admin')
        self.app.client_manager.auth_ref = access.create(
            body=token, auth_token='tok')
        values = self.run_cmd('web-1', 'db-1', '--protocol', 'udp',
                              '--port', '53', '--backend', 'ovn')
        self.assertEqual('drop', values['verdict'])
        self.assertEqual(['destination'],
                         values['blocked_at'].machine_readable())
        fix = values['fix'].machine_readable()
        self.assertEqual('destination', fix[0]['side'])
        self.assertIn('--ingress --ethertype IPv4 --protocol udp --dst-port '
                      '53 --remote-ip 10.0.0.5/32', fix[0]['command'])
        trace = values['trace'].machine_readable()
        self.assertEqual(2, len(trace))
        self.assertIn(f'neutron-{fakes.NETWORK_ID}', trace[0])
        self.assertIn('[destination] openstack security group rule create',
                      values['fix'].human_readable())

    def test_fix_names_the_other_ports_of_the_group(self):
        other = fakes.make_port(
            id=fakes.THIRD_ID, name='db-2', security_groups=self.ids('b')[:1],
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                        'ip_address': '10.0.0.7'}])
        off = fakes.make_port(
            id='4' * 8 + '-0000-4000-8000-000000000000', name='db-off',
            security_groups=self.ids('b')[:1], port_security_enabled=False,
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                        'ip_address': '10.0.0.8'}])
        self.find_ports(other, off)
        values = self.run_cmd('web-1', 'db-1', '--protocol', 'udp',
                              '--port', '53')
        [fix] = values['fix'].machine_readable()
        self.assertEqual([{'id': fakes.THIRD_ID, 'name': 'db-2'}],
                         fix['also_opens'])
        self.assertIn('also opens: db-2', values['fix'].human_readable())

    def test_outside_source(self):
        values = self.run_cmd('203.0.113.9', 'db-1', '--protocol', 'tcp',
                              '--port', '1001')
        source = values['source'].machine_readable()
        self.assertEqual((True, '203.0.113.9'),
                         (source['outside'], source['address']))
        self.assertIn('outside Neutron', values['source'].human_readable())

    def test_refusals(self):
        for args, words in (
            (['web-1', fakes.PORT_ID], 'are the same port'),
            (['203.0.113.9', '198.51.100.1'], 'Neither'),
            (['nope', 'db-1'], "No port with ID, name or fixed IP 'nope'"),
        ):
            parsed = self.check_parser(self.cmd, args, [])
            exc = self.assertRaises(exceptions.CommandError,
                                    self.cmd.take_action, parsed)
            self.assertIn(words, str(exc))

    def test_bad_input_before_any_request(self):
        for args, words in (
            (['--protocol', 'bogus'], "Unknown protocol 'bogus'"),
            (['--source-ip', '10.0.0.300'], '--source-ip'),
            (['--protocol', 'icmp', '--port', '22'], '--port 22 needs'),
            (['--source-ip', '10.0.0.9', '--destination-ip', '2001:db8::1'],
             'different IP versions'),
        ):
            parsed = self.check_parser(self.cmd, ['web-1', 'db-1', *args],
                                       [])
            exc = self.assertRaises(exceptions.CommandError,
                                    self.cmd.take_action, parsed)
            self.assertIn(words, str(exc))
        self.assertEqual([], self.reads())

    def test_expect_exit_status(self):
        parsed = self.check_parser(
            self.cmd, ['web-1', 'db-1', '--protocol', 'udp', '--port', '53',
                       '--expect', 'pass', '-f', 'json'], [])
        self.assertEqual(common.NOT_AS_EXPECTED, self.cmd.run(parsed))
        self.assertIn('Expected pass, but the verdict is drop (blocked at: '
                      'destination)', self.cmd.not_as_expected)
        parsed = self.check_parser(
            self.cmd, ['web-1', 'db-1', '--protocol', 'udp', '--port', '53',
                       '--expect', 'drop', '-f', 'json'], [])
        self.assertEqual(0, self.cmd.run(parsed))

    def test_parser(self):
        self.assertRaises(base.ParserException, self.check_parser,
                          self.cmd, ['web-1'], [])
        self.assertRaises(base.ParserException, self.check_parser,
                          self.cmd, ['web-1', 'db-1', '--backend', 'x'], [])


class TestMatrixPortSecurity(ReachTestCase):

    groups_per_port = 3
    rules_per_group = 10

    def setUp(self):
        super().setUp()
        self.cmd = reach.MatrixPortSecurity(self.app, None)
        # 40 more ports on the network, in web-1's groups.
        for n in range(40):
            self.find_ports(fakes.make_port(
                id=f'{n:08d}-1111-4111-8111-111111111111', name=f'app-{n}',
                mac_address=f'fa:16:3e:00:01:{n:02x}',
                fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                            'ip_address': f'10.0.1.{n + 10}'}],
                security_groups=self.ids('a')))
        self.find_ports(fakes.make_port(
            id='9' * 8 + '-2222-4222-8222-222222222222', name='dhcp',
            device_owner='network:dhcp', fixed_ips=[{
                'subnet_id': fakes.SUBNET_ID, 'ip_address': '10.0.0.2'}]))

    def run_cmd(self, *args):
        parsed = self.check_parser(self.cmd, list(args), [])
        cols, rows = self.cmd.take_action(parsed)
        return cols, [dict(zip(cols, row)) for row in rows]

    def test_network_rows_and_requests(self):
        cols, rows = self.run_cmd('--network', 'private', '--protocol',
                                  'tcp', '--port', '1001')
        self.assertEqual(columns.MATRIX.table, cols)
        self.assertEqual(42 * 41, len(rows))
        names = {r['source'].human_readable() for r in rows}
        self.assertNotIn('dhcp', names)
        self.assertLessEqual(len(self.reads()), 6, self.reads())
        self.assertEqual({'pass'}, {r['verdict'] for r in rows})
        first = rows[0]['rule'].machine_readable()
        self.assertEqual(['source', 'destination'],
                         [r['side'] for r in first])

    def test_security_group_and_ports(self):
        _, rows = self.run_cmd('--security-group', self.ids('b')[0])
        self.assertEqual(0, len(rows))
        self.assertLessEqual(len(self.reads()), 6)
        self.network.reset_mock()
        _, rows = self.run_cmd('web-1', 'db-1', fakes.PORT_ID, '--protocol',
                               'udp', '--port', '53', '--long')
        self.assertEqual(2, len(rows))
        self.assertEqual({'drop'}, {r['verdict'] for r in rows})
        self.assertEqual(['destination'],
                         rows[0]['blocked_at'].machine_readable())
        self.assertIn('reply', rows[0])
        self.assertLessEqual(len(self.reads()), 6, self.reads())

    def test_needs_a_set_of_ports(self):
        for args in ([], ['web-1', '--network', 'private']):
            self.assertRaises(base.ParserException, self.check_parser,
                              self.cmd, args, [])
        parsed = self.check_parser(self.cmd, ['web-1'], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed)
        self.assertIn('at least two ports', str(exc))
