"""Tests of ``openstack port security explain`` (the command)."""

from openstack.network.v2 import port as _port
from openstack.network.v2 import security_group as _security_group
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import columns
from osc_portsec.v2 import common
from osc_portsec.v2 import explain
from tests.unit import fakes

SSH_RULE = {
    'id': 'r-ssh', 'security_group_id': fakes.SG_ID, 'direction': 'ingress',
    'ethertype': 'IPv4', 'protocol': 'tcp', 'port_range_min': 22,
    'port_range_max': 22, 'remote_ip_prefix': None,
    'normalized_cidr': None, 'remote_group_id': None,
    'remote_address_group_id': None,
}
PEER_RULE = dict(SSH_RULE, id='r-peer', protocol='112', port_range_min=None,
                 port_range_max=None, remote_group_id=fakes.SG_ID)


def group(*rules):
    return _security_group.SecurityGroup(
        id=fakes.SG_ID, name='web', stateful=True,
        security_group_rules=list(rules), _synchronized=True)


class TestExplainPortSecurity(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.cmd = explain.ExplainPortSecurity(self.app, None)
        self.port = fakes.make_port()
        self.find_ports(self.port)
        self.network.security_groups.side_effect = None
        self.network.security_groups.return_value = iter(
            [group(SSH_RULE, PEER_RULE)])
        self.find_ports(
            _port.Port(id='peer', security_groups=[fakes.SG_ID],
                       fixed_ips=[{'ip_address': '10.0.0.6'}],
                       allowed_address_pairs=[], _synchronized=True))

    def run_cmd(self, *args):
        parsed = self.check_parser(self.cmd, list(args), [])
        cols, data = self.cmd.take_action(parsed)
        return dict(zip(cols, data)), parsed

    def test_pass_by_rule(self):
        values, _ = self.run_cmd('web-1', '--ingress', '--protocol', 'tcp',
                                 '--port', '22', '--remote-ip', '10.0.0.9')
        self.assertEqual(columns.EXPLAIN.table, tuple(values))
        self.assertEqual('pass', values['verdict'])
        self.assertEqual('security_group_rule', values['decided_by'])
        self.assertEqual('r-ssh', values['rule'].machine_readable()['id'])
        self.assertEqual(['openstack security group rule delete r-ssh'],
                         values['fix'].machine_readable())
        self.network.security_groups.assert_called_once_with(
            id=[fakes.SG_ID])
        self.network.ports.assert_any_call(
            security_groups=[fakes.SG_ID],
            fields=['id', 'fixed_ips', 'allowed_address_pairs',
                    'security_groups'])
        self.network.update_port.assert_not_called()

    def test_echo_reply_is_judged_by_conntrack(self):
        # The port's own group is stateful with rules: no need to read the
        # network's other ports.
        values, _ = self.run_cmd('web-1', '--ingress', '--protocol', 'icmp',
                                 '--icmp-type', '0', '--remote-ip',
                                 '10.0.0.9')
        self.assertEqual(('drop', 'conntrack', []),
                         (values['verdict'], values['decided_by'],
                          values['fix'].machine_readable()))
        for call in self.network.ports.call_args_list:
            self.assertNotIn('network_id', call.kwargs)

    def test_ingress_local_mac_is_the_destination(self):
        values, _ = self.run_cmd('web-1', '--ingress', '--protocol', 'tcp',
                                 '--port', '22', '--remote-ip', '10.0.0.9',
                                 '--local-mac', 'FA-16-3E-00-00-77')
        self.assertEqual(('drop', 'anti_spoofing'),
                         (values['verdict'], values['decided_by']))
        self.assertEqual('fa:16:3e:00:00:77',
                         values['packet'].machine_readable()['local_mac'])
        # A pair cannot make the frame this port's; no port security can.
        self.assertEqual([f'openstack port security disable {fakes.PORT_ID}'],
                         values['fix'].machine_readable())

    def test_remote_group_member(self):
        values, _ = self.run_cmd('web-1', '--ingress', '--protocol', 'vrrp',
                                 '--remote-ip', '10.0.0.6')
        self.assertEqual('pass', values['verdict'])
        self.assertEqual('r-peer', values['rule'].machine_readable()['id'])

    def test_long_lists_every_rule(self):
        values, _ = self.run_cmd('web-1', '--ingress', '--protocol', 'tcp',
                                 '--port', '80', '--remote-ip', '10.0.0.9',
                                 '--long')
        considered = values['considered'].machine_readable()
        self.assertEqual(['r-ssh', 'r-peer'], [c['id'] for c in considered])
        self.assertEqual([False, False],
                         [c['matched'] for c in considered])

    def test_expect_agrees_exit_0(self):
        self.run_cmd('web-1', '--ingress', '--protocol', 'tcp',
                     '--port', '22', '--remote-ip', '10.0.0.9',
                     '--expect', 'pass')
        self.assertIsNone(self.cmd.not_as_expected)

    def test_expect_disagrees_exit_2(self):
        parsed = self.check_parser(
            self.cmd, ['web-1', '--ingress', '--protocol', 'tcp', '--port',
                       '80', '--remote-ip', '10.0.0.9', '--expect', 'pass',
                       '-f', 'json'], [])
        self.assertEqual(common.NOT_AS_EXPECTED, self.cmd.run(parsed))
        self.assertIn('Expected pass, but the verdict is drop',
                      self.cmd.not_as_expected)

    def test_bad_input_before_any_request(self):
        for args, words in (
            (['--protocol', 'bogus'], "Unknown protocol 'bogus'"),
            (['--protocol', 'icmp', '--port', '22'], '--port 22 needs'),
            (['--remote-ip', '10.0.0.300'], "'10.0.0.300' is not a valid"),
            (['--protocol', 'icmp', '--icmp-code', '0'],
             '--icmp-code 0 needs --icmp-type'),
        ):
            parsed = self.check_parser(
                self.cmd, ['web-1', '--ingress', *args], [])
            exc = self.assertRaises(exceptions.CommandError,
                                    self.cmd.take_action, parsed)
            self.assertIn(words, str(exc))
        self.network.find_port.assert_not_called()
        self.network.ports.assert_not_called()

    def test_direction_required(self):
        for args in (['web-1'], ['web-1', '--ingress', '--egress']):
            self.assertRaises(base.ParserException, self.check_parser,
                              self.cmd, args, [])

    def test_unknown_port(self):
        parsed = self.check_parser(self.cmd, ['nope', '--egress'], [])
        exc = self.assertRaises(exceptions.CommandError,
                                self.cmd.take_action, parsed)
        self.assertIn("'nope'", str(exc))
