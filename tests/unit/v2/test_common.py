"""Tests of osc_portsec.v2.common: arguments, examples and the boundary."""

import argparse
import logging

import fixtures
from keystoneauth1 import exceptions as ks_exc
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec.v2 import common
from osc_portsec.v2 import pair
from osc_portsec.v2 import port_security
from osc_portsec.v2 import toggle
from tests.unit import fakes


NEUTRON = 'https://neutron.example.com:9696'
REFUSED = ks_exc.ConnectFailure(
    f"Unable to establish connection to {NEUTRON}/v2.0/ports: "
    f"HTTPSConnectionPool(host='neutron.example.com', port=9696): Max "
    f"retries exceeded with url: /v2.0/ports (Caused by NewConnectionError("
    f"'<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to "
    f"establish a new connection: [Errno 111] Connection refused'))")
UNAUTHORIZED = ks_exc.Unauthorized(
    'The request you have made requires authentication.')
COMMANDS = {
    'show': port_security.ShowPortSecurity,
    'list': port_security.ListPortSecurity,
    'pair list': port_security.ListPortSecurityPair,
    'pair add': pair.AddPortSecurityPair,
    'pair remove': pair.RemovePortSecurityPair,
    'pair clear': pair.ClearPortSecurityPair,
    'disable': toggle.DisablePortSecurity,
    'enable': toggle.EnablePortSecurity,
}
# A valid command line of each command that reads or changes port web-1.
ON_WEB_1 = {
    'show': ['web-1'],
    'pair list': ['web-1'],
    'pair add': ['web-1', '--allowed-address', 'ip-address=10.0.0.10'],
    'pair remove': ['web-1', '--allowed-address', 'ip-address=10.0.0.9'],
    'pair clear': ['web-1'],
    'disable': ['web-1'],
    'enable': ['web-1'],
}
READS = ('show', 'pair list')


def parse(cmd, args):
    """Parsed arguments, for tests of what a command does with them."""
    return cmd.get_parser('openstack port security').parse_args(args)


class TestRefs(base.TestCase):

    def test_refs(self):
        self.assertEqual(['a'], common.refs(
            argparse.Namespace(port='a', network=None)))
        self.assertEqual(['a', 'b'], common.refs(
            argparse.Namespace(port=['a', 'b'], network='net')))
        for args in (argparse.Namespace(port=['a', ' '], network=None),
                     argparse.Namespace(port='a', network='')):
            self.assertRaises(exceptions.CommandError, common.refs, args)


class TestHelp(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.EnvironmentVariable('COLUMNS', '80'))

    def help(self, name):
        parser = COMMANDS[name](self.app, None).get_parser(
            f'openstack port security {name}')
        return parser.format_help()

    def test_every_command_has_examples(self):
        for name in COMMANDS:
            text = self.help(name)
            self.assertIn('\nExamples:\n', text, name)
            self.assertIn(f'  openstack port security {name}', text, name)

    def test_examples_keep_line_breaks(self):
        text = self.help('pair add')
        self.assertIn(
            'Examples:\n'
            '  openstack port security pair add vip-a --allowed-address '
            'ip-address=10.0.0.100\n'
            '  openstack port security pair add fw-1 --allowed-address '
            'ip-address=10.1.0.0/24 --dry-run\n'
            '  openstack port security pair add vip-a --restore\n',
            text)

    def test_disable_says_unfiltered_and_how_to_undo(self):
        text = self.help('disable')
        self.assertIn(
            '  openstack port security disable fw-port --dry-run\n'
            '  openstack port security disable fw-port\n'
            '  openstack port security enable fw-port --restore   # undo\n',
            text)
        self.assertIn('Afterwards the port is unfiltered: no security group, '
                      'no\n', text)
        self.assertIn('"enable --restore" puts it back.', text)

    def test_option_help_still_filled(self):
        # Only the epilog keeps its lines; option help is wrapped to width.
        text = self.help('enable')
        sentence = ('Put back the security groups and allowed address pairs '
                    'that the last disable, pair clear or pair remove of '
                    'this tool removed from the port')
        self.assertNotIn(sentence, text)
        self.assertIn(sentence, ' '.join(text.split()))


class TestBlankArguments(fakes.TestCommand):
    """Blank arguments are refused before any request."""

    def refused(self, name, args, what):
        cmd = COMMANDS[name](self.app, None)
        parsed_args = parse(cmd, args)
        exc = self.assertRaises(exceptions.CommandError, cmd.take_action,
                                parsed_args)
        self.assertIn(what, str(exc))
        self.assertEqual([], self.network.mock_calls)

    def test_blank_port(self):
        for name, args in ON_WEB_1.items():
            self.refused(name, [' '] + args[1:], 'The port given is empty')

    def test_one_blank_port_of_many(self):
        for name in ('pair clear', 'disable', 'enable'):
            self.refused(name, ['web-1', ''], 'The port given is empty')

    def test_blank_network(self):
        for name, args in ON_WEB_1.items():
            self.refused(name, args + ['--network', ''],
                         'The network given is empty')

    def test_blank_security_group(self):
        self.refused('enable', ['web-1', '--security-group', ' '],
                     'The security group given is empty')

    def test_blank_list_filters(self):
        for option, words in (
            ('--network', 'The network given is empty'),
            ('--project', 'The project given is empty'),
            ('--server', 'The server given is empty'),
            ('--device-owner', 'The device owner given is empty'),
            ('--fixed-ip', "'' is not a valid IP address for --fixed-ip"),
        ):
            self.refused('list', [option, ''], words)
        self.assertEqual([], self.identity.mock_calls)
        self.assertEqual([], self.compute.mock_calls)


class TestBoundary(fakes.TestCommand):
    """Every command turns failures into one sentence."""

    def setUp(self):
        super().setUp()
        self.find_ports(fakes.make_port(
            allowed_address_pairs=[fakes.PAIR_A]))

    def fails(self, name, args):
        cmd = COMMANDS[name](self.app, None)
        parsed_args = parse(cmd, args)
        self.useFixture(fixtures.FakeLogger(level=logging.ERROR))

        def act():
            _, data = cmd.take_action(parsed_args)
            # A list's rows arrive while cliff's formatter reads them.
            list(data)

        return str(self.assertRaises(exceptions.CommandError, act))

    def test_401_on_reads_and_changes(self):
        fakes.fail_reads(self.network, UNAUTHORIZED)
        for name, args in {**ON_WEB_1, 'list': []}.items():
            text = self.fails(name, args)
            self.assertTrue(text.startswith('Authentication failed ('),
                            (name, text))
            self.assertIn("'openstack token issue'", text)
            self.assertNotIn('refused', text)
        self.network.update_port.assert_not_called()

    def test_401_on_the_update(self):
        self.network.update_port.side_effect = fakes.sdk_error(
            401, {'error': {'message': 'Unauthorized'}})
        text = self.fails('disable', ['web-1'])
        self.assertTrue(text.startswith('Authentication failed '
                                        '(Unauthorized)'), text)

    def test_connection_refused_is_one_short_sentence(self):
        fakes.fail_reads(self.network, REFUSED)
        for name, args in ON_WEB_1.items():
            text = self.fails(name, args)
            self.assertEqual(
                f'Cannot reach the cloud at {NEUTRON} while handling port '
                f'web-1 (connection refused); check that the service is '
                f'running and reachable, then run the command again.',
                text, name)
        text = self.fails('list', [])
        self.assertEqual(
            f'Cannot reach the cloud at {NEUTRON} (connection refused); '
            f'check that the service is running and reachable, then run '
            f'the command again.', text)

    def test_reads_never_say_refused_the_change(self):
        for exc in (fakes.sdk_error(500, {}),
                    fakes.neutron_error(409, 'Conflict', 'odd')):
            fakes.fail_reads(self.network, exc)
            for name in READS:
                text = self.fails(name, ON_WEB_1[name])
                self.assertNotIn('refused the change', text)
                self.assertIn('about port web-1', text)

    def test_changes_say_refused_the_change(self):
        self.network.update_port.side_effect = fakes.neutron_error(
            409, 'IpAddressInUse', 'Address in use.')
        text = self.fails('disable', ['web-1'])
        self.assertEqual('Neutron refused the change to port web-1 (HTTP 409 '
                         'IpAddressInUse: Address in use).', text)

    def test_403_names_what_the_command_changes(self):
        self.network.update_port.side_effect = fakes.neutron_error(
            403, 'PolicyNotAuthorized', 'disallowed by policy')
        self.assertIn('not allowed to change allowed address pairs on port '
                      'web-1', self.fails('pair clear', ['web-1']))
        self.assertIn('not allowed to change port security on port web-1',
                      self.fails('disable', ['web-1']))


class TestOneBoundary(base.TestCase):
    """Failures become sentences in the command base class only."""

    def test_boundary_entered_in_the_base_class_only(self):
        import ast
        import pathlib

        import osc_portsec

        root = pathlib.Path(osc_portsec.__file__).parent
        found = []
        for path in sorted(root.rglob('*.py')):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if (isinstance(node, ast.Attribute)
                        and node.attr in ('boundary', 'explain')
                        and isinstance(node.value, ast.Name)
                        and node.value.id == 'errors'):
                    found.append(str(path.relative_to(root)))
        self.assertEqual({'v2/common.py'}, set(found))

    def test_a_lower_layer_failure_names_the_port_it_concerns(self):
        # A member that fails deep inside a VIP change: the one boundary
        # names that member, not the command's argument.
        from osc_portsec import failures

        cause = fakes.neutron_error(403, 'PolicyNotAuthorized',
                                    '(rule:update_port) is disallowed')

        class Cmd(common.Command):
            def act(self, parsed_args):
                raise failures.About(
                    failures.Subject('web-2', 'allowed address pairs'), cause)

        exc = self.assertRaises(exceptions.CommandError, Cmd().take_action,
                                argparse.Namespace())
        self.assertEqual(
            "You are not allowed to change allowed address pairs on port "
            "web-2 (Neutron: (rule:update_port) is disallowed); by Neutron's "
            "default policy update_port: an admin or a member of the port's "
            "own project, so ask one of them.", str(exc))
