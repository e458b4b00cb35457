"""Tests of osc_portsec.vip.create: checks, order, and rollback."""

from keystoneauth1 import exceptions as ks_exc
from osc_lib import exceptions

from osc_portsec.vip import create
from osc_portsec.vip import model
from tests.unit import fakes
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import PORT_ID
from tests.unit.fakes import PORT_MAC
from tests.unit.fakes import SG2_ID

VIP = '10.0.0.100'
CLOUD = {'name': 'prod', 'auth_url': fakes.AUTH_URL}
WRITES = ('create_security_group_rule', 'create_port', 'update_port',
          'delete_port', 'delete_security_group_rule', 'set_tags')


def request(**kw):
    values = dict(name='web-vip', network='private',
                  members=['web-1', 'web-2'], ip_address=VIP)
    values.update(kw)
    return create.Request(**values)


def forbidden():
    return fakes.neutron_error(
        403, 'PolicyNotAuthorized',
        '(rule:update_port and rule:update_port:allowed_address_pairs) is '
        'disallowed by policy')


class TestCreate(fakes.TestVipCommand):

    def writes(self):
        return [(c[0], c[1][0] if c[1] else c[2].get('security_group_id'))
                for c in self.network.mock_calls if c[0] in WRITES]

    def snapshot(self):
        return ({k: (p.revision_number, p.allowed_address_pairs,
                     p.security_group_ids)
                 for k, p in self.neutron.ports.items()},
                dict(self.neutron.rules))

    def run_create(self, **kw):
        return create.create(self.network, request(**kw), CLOUD)

    def test_given_address_with_group(self):
        rows = self.run_create(security_group='db')
        self.assertEqual([
            ('create_security_group_rule', SG2_ID),
            ('create_port', None),
            ('update_port', PORT_ID), ('update_port', OTHER_ID),
        ], self.writes())
        self.assertEqual(['vip_port', 'vrrp_rule', 'member', 'member'],
                         [r['resource'] for r in rows])
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual((PORT_ID, OTHER_ID), vip.members)
        self.assertEqual(fakes.RULE_ID, vip.rule_id)
        self.assertEqual(VIP, vip.ip_address)
        rule = self.neutron.rules[fakes.RULE_ID]
        self.assertEqual(('ingress', 'vrrp', 'IPv4', SG2_ID), (
            rule.direction, rule.protocol, rule.ether_type,
            rule.remote_group_id))
        for port_id, mac in ((PORT_ID, PORT_MAC), (OTHER_ID, OTHER_MAC)):
            port = self.port(port_id)
            self.assertEqual([{'ip_address': VIP, 'mac_address': mac}],
                             port.allowed_address_pairs)
            self.assertEqual([fakes.SG_ID, SG2_ID], port.security_group_ids)
        # Each member update is conditional on the revision read.
        for call in self.network.update_port.call_args_list:
            self.assertEqual(3, call.kwargs['if_revision'])

    def test_free_address_three_members(self):
        self.run_create(ip_address=None,
                        members=['web-1', 'web-2', '10.0.0.7'])
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual('10.0.0.100', vip.ip_address)
        self.network.create_port.assert_called_once()
        self.assertEqual([{'subnet_id': fakes.SUBNET_ID}],
                         self.network.create_port.call_args.kwargs[
                             'fixed_ips'])
        for port_id in (PORT_ID, OTHER_ID, fakes.THIRD_ID):
            self.assertEqual(['10.0.0.100'], [
                p['ip_address']
                for p in self.port(port_id).allowed_address_pairs])

    def test_dry_run_sends_nothing(self):
        rows = self.run_create(security_group='db', dry_run=True)
        self.assertEqual([], self.writes())
        self.assertEqual(['dry-run'] * 4, [r['result'] for r in rows])
        self.assertIn(f'would create port web-vip holding {VIP}',
                      rows[0]['changes'])

    def test_again_changes_nothing(self):
        self.run_create(security_group='db')
        self.network.reset_mock()
        rows = self.run_create(security_group='db')
        self.assertEqual([], self.writes())
        self.assertEqual(['existing', 'existing', 'unchanged', 'unchanged'],
                         [r['result'] for r in rows])

    def test_again_adds_a_member(self):
        self.run_create()
        self.run_create(members=['web-3'], ip_address=None)
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual((PORT_ID, OTHER_ID, fakes.THIRD_ID), vip.members)

    def test_no_group_warns(self):
        with self.assertLogs('osc_portsec.vip.rules', 'WARNING') as logs:
            self.run_create()
        self.assertIn('--remote-group', logs.output[0])

    def assert_refused(self, text, **kw):
        before = self.snapshot()
        e = self.assertRaises(exceptions.CommandError, self.run_create, **kw)
        self.assertIn(text, str(e))
        self.assertEqual([], self.writes())
        self.assertEqual(before, self.snapshot())

    def test_refusals(self):
        self.setup_off()
        self.assert_refused('outside the subnets', ip_address='10.9.0.1')
        self.assert_refused('already used by port web-3',
                            ip_address='10.0.0.7')
        self.assert_refused('has port security disabled',
                            members=['web-1', 'off'], security_group='db')

    def setup_off(self):
        self.neutron.add(fakes.member('off-id', 'off', 'fa:16:3e:0f:0f:0f',
                                      '10.0.0.8', **fakes.DISABLED))

    def test_refused_member_elsewhere(self):
        self.setup_off()
        self.neutron.add(fakes.make_port(id='far', name='far',
                                         network_id='other-net'))
        self.assert_refused('is on network other-net',
                            members=['web-1', 'far'])
        self.assert_refused("No port with ID, name or fixed IP 'nope'",
                            members=['web-1', 'nope'])

    def fail(self, method, exc, after=0):
        real = getattr(self.network, method).side_effect
        calls = {'n': 0}

        def side(*args, **kwargs):
            calls['n'] += 1
            if calls['n'] > after:
                raise exc
            return real(*args, **kwargs)
        getattr(self.network, method).side_effect = side

    def assert_rolled_back(self, text):
        before = self.snapshot()
        e = self.assertRaises(exceptions.CommandError, self.run_create,
                              security_group='db')
        self.assertIn(text, str(e))
        ports, rules = self.snapshot()
        self.assertEqual({}, rules)
        self.assertNotIn(fakes.VIP_ID, ports)
        for port_id in (PORT_ID, OTHER_ID):
            port = self.port(port_id)
            self.assertEqual(before[0][port_id][1:], (
                port.allowed_address_pairs, port.security_group_ids))
        return str(e)

    def test_rule_create_fails(self):
        self.fail('create_security_group_rule', forbidden())
        text = self.assert_rolled_back('Nothing had been changed.')
        self.network.create_port.assert_not_called()
        self.assertIn('HTTP 403', text)

    def test_port_create_fails(self):
        self.fail('create_port', fakes.neutron_error(
            409, 'IpAddressAlreadyAllocated', 'IP already allocated'))
        text = self.assert_rolled_back('Rolled back: the VRRP rule')
        self.assertIn('IpAddressAlreadyAllocated', text)

    def test_first_member_fails(self):
        self.fail('update_port', forbidden())
        text = self.assert_rolled_back(
            'You are not allowed to change allowed address pairs on port '
            'web-1')
        self.assertIn(f'Rolled back: the VIP port web-vip ({fakes.VIP_ID}); '
                      f'the VRRP rule {fakes.RULE_ID}', text)

    def test_second_member_fails(self):
        self.fail('update_port', forbidden(), after=1)
        real = self.network.update_port.side_effect
        # The rollback's own update goes through.
        calls = []

        def side(port_id, **kw):
            calls.append(port_id)
            if len(calls) == 3:
                return self.neutron.update_port(port_id, **kw)
            return real(port_id, **kw)
        self.network.update_port.side_effect = side
        text = self.assert_rolled_back('on port web-2')
        self.assertIn('Rolled back: the pair 10.0.0.100 and the security '
                      'group db on member web-1', text)
        self.assertEqual([PORT_ID, OTHER_ID, PORT_ID], calls)
        entries = fakes.journal_entries()
        self.assertEqual(['vip create', 'vip rollback'],
                         [e['command'] for e in entries])

    def test_neutron_gone_and_rollback_fails(self):
        gone = ks_exc.ConnectFailure('Unable to establish connection to '
                                     'http://127.0.0.1:9696/v2.0/ports')
        self.fail('update_port', gone)
        self.fail('delete_port', gone)
        e = self.assertRaises(exceptions.CommandError, self.run_create,
                              security_group='db')
        text = str(e)
        self.assertIn('Rolled back: the VRRP rule', text)
        self.assertIn(f'this is left: the VIP port web-vip ({fakes.VIP_ID}) '
                      f"(remove it with 'openstack port delete "
                      f"{fakes.VIP_ID}')", text)

    def test_concurrent_change_is_kept(self):
        # Another client adds a pair to web-2 between the read and the
        # update: the 412 re-read keeps it.
        other = {'ip_address': '10.0.0.50', 'mac_address': OTHER_MAC}
        real = self.network.update_port.side_effect
        state = {'done': False}

        def side(port_id, **kw):
            if port_id == OTHER_ID and not state['done']:
                state['done'] = True
                real(port_id, allowed_address_pairs=[other])
            return real(port_id, **kw)
        self.network.update_port.side_effect = side
        self.run_create()
        self.assertEqual(
            [other, {'ip_address': VIP, 'mac_address': OTHER_MAC}],
            self.port(OTHER_ID).allowed_address_pairs)

    def test_tags_dropped_by_create(self):
        self.neutron.keep_tags = False
        self.run_create(security_group='db')
        self.network.set_tags.assert_called_once()
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual((PORT_ID, OTHER_ID), vip.members)

    def test_request_count(self):
        # At most 2M + 5 requests for M members: the network (one list by
        # its name), its ports, its subnets, the group with its rules, the
        # rule, the port and one update a member.
        self.run_create(security_group=SG2_ID,
                        members=['web-1', 'web-2', 'web-3'])
        self.assertEqual([
            'networks', 'ports', 'subnets', 'get_security_group',
            'create_security_group_rule', 'create_port', 'update_port',
            'update_port', 'update_port'],
            [c[0] for c in self.network.mock_calls])
