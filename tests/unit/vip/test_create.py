"""Tests of osc_portsec.vip.create: checks, order, races and rollback."""

from keystoneauth1 import exceptions as ks_exc
from osc_lib import exceptions

from osc_portsec import errors
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
          'delete_port', 'delete_security_group_rule', 'set_tags',
          'add_tag', 'remove_tag')


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


class VipCase(fakes.TestVipCommand):

    def writes(self):
        out = []
        for name, args, kwargs in self.network.mock_calls:
            if name not in WRITES:
                continue
            target = args[0] if args else kwargs.get('security_group_id')
            out.append((name, getattr(target, 'id', target)))
        return out

    def snapshot(self):
        return ({k: (p.revision_number, p.allowed_address_pairs,
                     p.security_group_ids, list(p.tags or []))
                 for k, p in self.neutron.ports.items()},
                dict(self.neutron.rules))

    def run_create(self, **kw):
        return create.create(self.network, request(**kw), CLOUD)

    def sentence(self, func, *args, **kw):
        """What the command's one boundary says of the failure."""
        try:
            func(*args, **kw)
        except errors.BOUNDARY + (exceptions.CommandError,) as exc:
            return errors.explain(exc)
        self.fail('no failure')

    def fail_on(self, method, exc, after=0):
        real = getattr(self.network, method).side_effect
        calls = {'n': 0}

        def side(*args, **kwargs):
            calls['n'] += 1
            if calls['n'] > after:
                raise exc
            return real(*args, **kwargs)
        getattr(self.network, method).side_effect = side


class TestCreate(VipCase):

    def test_port_first_with_its_tags_then_rule_then_members(self):
        rows = self.run_create(security_group='db')
        self.assertEqual([
            ('create_port', None),
            ('create_security_group_rule', SG2_ID),
            ('update_port', PORT_ID), ('update_port', OTHER_ID),
        ], self.writes())
        created = self.network.create_port.call_args.kwargs
        self.assertEqual(model.tags([PORT_ID, OTHER_ID], group_id=SG2_ID),
                         created['tags'])
        self.assertEqual(['vip_port', 'vrrp_rule', 'member', 'member'],
                         [r['resource'] for r in rows])
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual((PORT_ID, OTHER_ID), vip.members)
        self.assertEqual(SG2_ID, vip.group_id)
        rule = self.neutron.rules[fakes.RULE_ID]
        self.assertEqual(('ingress', 'vrrp', 'IPv4', SG2_ID,
                          model.rule_description('web-vip')), (
            rule.direction, rule.protocol, rule.ether_type,
            rule.remote_group_id, rule.description))
        for port_id, mac in ((PORT_ID, PORT_MAC), (OTHER_ID, OTHER_MAC)):
            port = self.port(port_id)
            self.assertEqual([{'ip_address': VIP, 'mac_address': mac}],
                             port.allowed_address_pairs)
            self.assertEqual([fakes.SG_ID, SG2_ID], port.security_group_ids)
        # Each member update is conditional on the revision read.
        for call in self.network.update_port.call_args_list:
            self.assertEqual(3, call.kwargs['if_revision'])
        self.assertEqual(
            [f'created port web-vip holding {VIP}'], rows[0]['changes'])
        self.assertEqual(['created VRRP rule ingress IPv4 vrrp from group '
                          'db'], rows[1]['changes'])

    def test_free_address_three_members(self):
        self.run_create(ip_address=None,
                        members=['web-1', 'web-2', '10.0.0.7'])
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual('10.0.0.100', vip.ip_address)
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
        self.assertEqual([f'would create port web-vip holding {VIP}'],
                         rows[0]['changes'])
        self.assertEqual(
            [f'would add allowed address pair {VIP} ({PORT_MAC})',
             f'would add security group db ({SG2_ID})'], rows[2]['changes'])
        for row in rows:
            self.assertFalse([c for c in row['changes']
                              if not c.startswith('would ')], row)

    def test_dry_run_free_address(self):
        rows = self.run_create(ip_address=None, dry_run=True)
        self.assertEqual(['would create port web-vip holding a free '
                          'address of 10.0.0.0/24'], rows[0]['changes'])
        self.assertEqual([f'would add allowed address pair the address '
                          f'Neutron picks ({PORT_MAC})'], rows[1]['changes'])

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

    def test_a_member_that_had_the_pair_keeps_it(self):
        had = {'ip_address': VIP, 'mac_address': PORT_MAC}
        self.neutron.ports[PORT_ID] = fakes.member(
            PORT_ID, 'web-1', PORT_MAC, '10.0.0.5',
            allowed_address_pairs=[had])
        self.run_create()
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual((OTHER_ID,), vip.members)
        self.assertEqual((PORT_ID,), vip.kept)

    def test_no_group_warns(self):
        # vip check judges the result: with no rule letting VRRP in, each
        # member's row fails and is a warning, with the rule that fixes it.
        with self.assertLogs('osc_portsec.vip.findings', 'WARNING') as logs:
            self.run_create()
        self.assertEqual(2, len(logs.output), logs.output)
        self.assertIn('vip check vrrp_between_members failed for web-1: '
                      'VRRP (IP protocol 112) from web-2 does not reach '
                      'web-1', logs.output[0])
        self.assertIn(f"Fix: 'openstack security group rule create "
                      f"--ingress --protocol vrrp --ethertype IPv4 "
                      f"--remote-group {fakes.SG_ID} {fakes.SG_ID}'",
                      logs.output[0])

    def test_dry_run_warns_about_what_it_would_make(self):
        with self.assertLogs('osc_portsec.vip.findings', 'WARNING') as logs:
            self.run_create(dry_run=True)
        self.assertEqual(2, len(logs.output), logs.output)
        self.assertIn('vrrp_between_members failed for web-2',
                      logs.output[1])

    def test_with_group_no_warning(self):
        # The group's rule (created, or planned by a dry run) lets VRRP
        # between the members: nothing to warn about.
        for dry_run in (True, False):
            with self.assertNoLogs('osc_portsec.vip.findings', 'WARNING'):
                self.run_create(security_group=SG2_ID, dry_run=dry_run)


class TestRefusals(VipCase):

    def assert_refused(self, text, **kw):
        before = self.snapshot()
        e = self.assertRaises(exceptions.CommandError, self.run_create, **kw)
        self.assertIn(text, str(e))
        self.assertTrue(str(e).endswith('Nothing was changed.'), str(e))
        self.assertEqual([], self.writes())
        self.assertEqual(before, self.snapshot())

    def test_refusals(self):
        self.neutron.add(fakes.member('off-id', 'off', 'fa:16:3e:0f:0f:0f',
                                      '10.0.0.8', **fakes.DISABLED))
        self.assert_refused('outside the subnets', ip_address='10.9.0.1')
        self.assert_refused('already used by port web-3',
                            ip_address='10.0.0.7')
        self.assert_refused('has port security disabled',
                            members=['web-1', 'off'], security_group='db')
        self.assert_refused("--ip-address is empty ('')", ip_address='')

    def test_member_elsewhere_or_nowhere(self):
        self.neutron.add(fakes.make_port(id='far', name='far',
                                         network_id='other-net'))
        self.assert_refused('is on network other-net',
                            members=['web-1', 'far'])
        self.assert_refused("No port with ID, name or fixed IP 'nope'",
                            members=['web-1', 'nope'])

    def test_member_reference_that_means_two_ports(self):
        # A port named like another port's fixed IP: the same rule as the
        # port commands, an error naming both, never a guess.
        self.neutron.add(fakes.member('twin', '10.0.0.5', 'fa:16:3e:0e:0e:0e',
                                      '10.0.0.9'))
        self.assert_refused("Port reference '10.0.0.5' matches 2 ports",
                            members=['10.0.0.5', 'web-2'])

    def test_address_in_an_outsiders_pair(self):
        self.neutron.ports[fakes.THIRD_ID] = fakes.member(
            fakes.THIRD_ID, 'web-3', 'fa:16:3e:dd:ee:ff', '10.0.0.7',
            allowed_address_pairs=[{'ip_address': VIP,
                                    'mac_address': 'fa:16:3e:dd:ee:ff'}])
        self.assert_refused(
            f'is already an allowed address pair of port web-3 '
            f'({fakes.THIRD_ID}), which is not a member')
        # Named as a member, it joins and keeps its pair.
        self.run_create(members=['web-1', 'web-2', 'web-3'])
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual((fakes.THIRD_ID,), vip.kept)


class TestRollback(VipCase):

    def assert_rolled_back(self, text):
        before = self.snapshot()
        out = self.sentence(self.run_create, security_group='db')
        self.assertIn(text, out)
        ports, rules = self.snapshot()
        self.assertEqual({}, rules)
        self.assertNotIn(fakes.VIP_ID, ports)
        for port_id in (PORT_ID, OTHER_ID):
            self.assertEqual(before[0][port_id][1:3], ports[port_id][1:3])
        return out

    def test_port_create_fails(self):
        self.fail_on('create_port', fakes.neutron_error(
            409, 'IpAddressAlreadyAllocated', 'IP already allocated'))
        text = self.assert_rolled_back('Nothing had been changed.')
        self.assertIn('IpAddressAlreadyAllocated', text)
        self.network.create_security_group_rule.assert_not_called()

    def test_rule_create_fails(self):
        self.fail_on('create_security_group_rule', forbidden())
        text = self.assert_rolled_back(
            f'Rolled back: the VIP port web-vip ({fakes.VIP_ID}).')
        self.assertIn('HTTP 403', text)

    def test_first_member_fails(self):
        self.fail_on('update_port', forbidden())
        text = self.assert_rolled_back(
            'You are not allowed to change allowed address pairs on port '
            'web-1')
        self.assertIn(f'Rolled back: the VRRP rule {fakes.RULE_ID} of '
                      f'security group db; the VIP port web-vip '
                      f'({fakes.VIP_ID})', text)

    def test_second_member_fails_first_is_undone(self):
        self.fail_on('update_port', forbidden(), after=1)
        real = self.network.update_port.side_effect
        calls = []

        def side(port_id, **kw):
            calls.append(port_id)
            if len(calls) == 3:  # the rollback's own update goes through
                return self.neutron.update_port(port_id, **kw)
            return real(port_id, **kw)
        self.network.update_port.side_effect = side
        text = self.assert_rolled_back('on port web-2')
        self.assertIn('Rolled back: the pair 10.0.0.100 and the security '
                      'group db on member web-1', text)
        self.assertEqual([PORT_ID, OTHER_ID, PORT_ID], calls)
        self.assertEqual(['vip create', 'vip rollback'],
                         [e['command'] for e in fakes.journal_entries()])

    def test_neutron_gone_and_rollback_fails(self):
        gone = ks_exc.ConnectFailure('Unable to establish connection to '
                                     'http://127.0.0.1:9696/v2.0/ports')
        self.fail_on('update_port', gone)
        self.fail_on('delete_port', gone)
        text = self.sentence(self.run_create, security_group='db')
        self.assertIn('Rolled back: the VRRP rule', text)
        self.assertIn(f'this is left: the VIP port web-vip ({fakes.VIP_ID}) '
                      f"(remove it with 'openstack port delete "
                      f"{fakes.VIP_ID}')", text)


class TestRaces(VipCase):

    def test_concurrent_change_to_a_member_is_kept(self):
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

    def test_two_creates_of_one_name_one_wins(self):
        # Another run made web-vip (a free address) just before this
        # one's port: both see both; the older stays, this run's goes.
        real = self.network.create_port.side_effect

        def side(**kw):
            real(**dict(kw, fixed_ips=[{'subnet_id': fakes.SUBNET_ID}]))
            return real(**kw)
        self.network.create_port.side_effect = side
        text = self.sentence(self.run_create, ip_address=None)
        self.assertIn('Another run created VIP web-vip at the same time '
                      f'(port {fakes.VIP_ID}', text)
        self.assertIn('Rolled back: the VIP port web-vip', text)
        tagged = [p for p in self.neutron.ports.values()
                  if model.TAG in (p.tags or [])]
        self.assertEqual([fakes.VIP_ID], [p.id for p in tagged])
        self.network.update_port.assert_not_called()

    def test_rule_made_meanwhile_is_used_and_never_removed(self):
        # Another run created the VRRP rule after this run read the
        # group: Neutron answers 409 SecurityGroupRuleExists; it is used.
        other = fakes.make_rule('other-rule', SG2_ID, protocol='vrrp',
                                remote_group_id=SG2_ID)
        real = self.network.create_security_group_rule.side_effect

        def side(**kw):
            self.neutron.rules[other.id] = other
            return real(**kw)
        self.network.create_security_group_rule.side_effect = side
        rows = self.run_create(security_group='db')
        self.assertEqual('existing', rows[1]['result'])
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertIsNone(vip.rule_id)
        # A later failure's rollback does not remove the other run's rule.
        self.run_create(name='db-vip', ip_address='10.0.0.101',
                        security_group='db')
        self.assertIn(other.id, self.neutron.rules)

    def test_killed_before_the_tags_a_vip_is_listed_and_deleted(self):
        # Neutron without tag-ports-during-bulk-creation ignores the tags
        # of a create; the run is killed before it adds them.
        from osc_portsec.vip import delete
        from osc_portsec.vip import prepare

        self.neutron.keep_tags = False
        self.network.add_tag.side_effect = KeyboardInterrupt
        self.assertRaises(KeyboardInterrupt, self.run_create,
                          security_group='db')
        [port] = prepare.tagged(self.network, fakes.NETWORK_ID)
        self.assertEqual(([], 'web-vip'), (port.tags, port.name))
        delete.delete(self.network, 'web-vip', CLOUD, False)
        self.assertNotIn(port.id, self.neutron.ports)
        self.assertEqual({}, self.neutron.rules)

    def test_tags_dropped_by_create_are_added(self):
        self.neutron.keep_tags = False
        self.run_create(security_group='db')
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual((PORT_ID, OTHER_ID), vip.members)
        self.assertEqual(SG2_ID, vip.group_id)

    def test_request_count(self):
        # M + 7 for M members: the network (one list by its name), its
        # ports, its subnets, the group with its rules, the port, the ports
        # of its name (a race), the rule, and one update a member.
        self.run_create(security_group=SG2_ID,
                        members=['web-1', 'web-2', 'web-3'])
        self.assertEqual([
            'networks', 'ports', 'subnets', 'get_security_group',
            'create_port', 'ports', 'create_security_group_rule',
            'update_port', 'update_port', 'update_port'],
            [c[0] for c in self.network.mock_calls])
