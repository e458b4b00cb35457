"""Tests of osc_portsec.vip.model and .checks: the pure parts of a VIP."""

from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec.vip import checks
from osc_portsec.vip import model
from tests.unit import fakes
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import PORT_MAC

VIP = '10.0.0.100'


class TestTags(base.TestCase):

    def test_round_trip(self):
        port = fakes.make_port(
            id=fakes.VIP_ID, name='web-vip',
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID, 'ip_address': VIP}],
            tags=model.tags(['m1', 'm2', 'm1'], fakes.RULE_ID))
        vip = model.from_port(port)
        self.assertEqual(('m1', 'm2'), vip.members)
        self.assertEqual(fakes.RULE_ID, vip.rule_id)
        self.assertEqual(VIP, vip.ip_address)
        self.assertEqual(fakes.SUBNET_ID, vip.subnet_id)
        self.assertEqual(
            [model.TAG, model.MEMBER_TAG + 'm3', model.RULE_TAG +
             fakes.RULE_ID], vip.tags(['m3']))

    def test_no_rule(self):
        self.assertEqual([model.TAG], model.tags([], None))

    def test_description_fits_neutron(self):
        # Neutron limits a description to 255 characters.
        self.assertLessEqual(len(model.description('x' * 40)), 255)


class TestCarries(base.TestCase):

    def test_kinds(self):
        self.assertEqual('single', model.carries(
            {'ip_address': VIP}, VIP))
        self.assertEqual('single', model.carries(
            {'ip_address': VIP + '/32'}, VIP))
        self.assertEqual('cidr', model.carries(
            {'ip_address': '10.0.0.0/24'}, VIP))
        self.assertIsNone(model.carries({'ip_address': '10.0.0.9'}, VIP))
        self.assertIsNone(model.carries({'ip_address': '2001:db8::/64'},
                                        VIP))


class TestJoinLeave(base.TestCase):

    def test_join_adds_own_mac_pair_and_group(self):
        port = fakes.make_port(allowed_address_pairs=[fakes.PAIR_B])
        plan = model.join(port, 'web-1', VIP, (fakes.SG2_ID, 'db'))
        self.assertEqual({
            'allowed_address_pairs': [
                fakes.PAIR_B, {'ip_address': VIP, 'mac_address': PORT_MAC}],
            'security_group_ids': [fakes.SG_ID, fakes.SG2_ID],
        }, plan.attrs)
        self.assertEqual(['add', 'add'], [c.action for c in plan.changes])

    def test_join_present_is_nothing(self):
        port = fakes.make_port(allowed_address_pairs=[
            {'ip_address': VIP, 'mac_address': PORT_MAC}])
        plan = model.join(port, 'web-1', VIP, (fakes.SG_ID, 'web'))
        self.assertEqual({}, plan.attrs)
        self.assertEqual(['skip'], [c.action for c in plan.changes])

    def test_join_refuses_port_security_off(self):
        port = fakes.make_port(**fakes.DISABLED)
        self.assertRaises(exceptions.CommandError, model.join, port,
                          'web-1', VIP, None)

    def test_leave_keeps_every_other_pair(self):
        cidr = {'ip_address': '10.0.0.0/24', 'mac_address': PORT_MAC}
        own = {'ip_address': VIP, 'mac_address': PORT_MAC}
        port = fakes.make_port(allowed_address_pairs=[cidr, own,
                                                      fakes.PAIR_B])
        plan = model.leave(port, VIP)
        self.assertEqual({'allowed_address_pairs': [cidr, fakes.PAIR_B]},
                         plan.attrs)
        self.assertEqual([('remove', VIP)], [
            (c.action, c.detail['ip_address']) for c in plan.changes])

    def test_leave_absent_is_nothing(self):
        port = fakes.make_port(allowed_address_pairs=[fakes.PAIR_A])
        self.assertEqual({}, model.leave(port, VIP).attrs)

    def test_rollback_group_only(self):
        own = {'ip_address': VIP, 'mac_address': PORT_MAC}
        port = fakes.make_port(allowed_address_pairs=[own],
                               security_groups=[fakes.SG_ID, fakes.SG2_ID])
        plan = model.leave(port, VIP, (fakes.SG2_ID, 'db'), pair=False)
        self.assertEqual({'security_group_ids': [fakes.SG_ID]}, plan.attrs)


class TestVrrp(base.TestCase):

    def rule(self, **body):
        return fakes.make_rule('r1', fakes.SG_ID, **body)

    def test_is_vrrp_rule(self):
        self.assertTrue(model.is_vrrp_rule(self.rule(
            protocol='vrrp', remote_group_id=fakes.SG_ID), 'IPv4',
            fakes.SG_ID))
        self.assertTrue(model.is_vrrp_rule(self.rule(
            protocol='112', remote_group_id=fakes.SG_ID), 'IPv4',
            fakes.SG_ID))
        self.assertTrue(model.is_vrrp_rule(self.rule(), 'IPv4', None))
        self.assertFalse(model.is_vrrp_rule(self.rule(
            protocol='tcp', remote_group_id=fakes.SG_ID), 'IPv4',
            fakes.SG_ID))
        self.assertFalse(model.is_vrrp_rule(self.rule(
            protocol='vrrp', remote_group_id=fakes.SG_ID), 'IPv6',
            fakes.SG_ID))
        self.assertFalse(model.is_vrrp_rule(self.rule(
            protocol='vrrp', direction='egress',
            remote_group_id=fakes.SG_ID), 'IPv4', fakes.SG_ID))
        self.assertFalse(model.is_vrrp_rule(self.rule(
            protocol='vrrp', remote_ip_prefix='192.0.2.0/24'), 'IPv4',
            None))

    def test_gaps(self):
        a = fakes.member('a', 'a', PORT_MAC, '10.0.0.5')
        b = fakes.member('b', 'b', OTHER_MAC, '10.0.0.6')
        self.assertEqual([a, b], model.vrrp_gaps([a, b], [], 'IPv4'))
        rules = [self.rule(protocol='vrrp', remote_group_id=fakes.SG_ID)]
        self.assertEqual([], model.vrrp_gaps([a, b], rules, 'IPv4'))
        self.assertEqual([a, b], model.vrrp_gaps([a, b], rules, 'IPv6'))


class TestChecks(base.TestCase):

    def test_address_refuses_cidr(self):
        e = self.assertRaises(exceptions.CommandError, checks.address,
                              '10.0.0.0/24')
        self.assertIn("'10.0.0.0/24' is a CIDR", str(e))
        self.assertEqual('2001:db8::5', checks.address('2001:DB8:0::5'))

    def test_subnet_for(self):
        subnet = fakes.make_subnet()
        self.assertIs(subnet, checks.subnet_for(VIP, [subnet], 'private'))
        e = self.assertRaises(exceptions.CommandError, checks.subnet_for,
                              '10.9.0.1', [subnet], 'private')
        self.assertIn('10.9.0.1 is outside the subnets of network private '
                      '(10.0.0.0/24)', str(e))

    def test_pick_subnet(self):
        v6 = fakes.make_subnet('s6', '2001:db8::/64', 'v6', 6)
        v4 = fakes.make_subnet()
        self.assertIs(v4, checks.pick_subnet(None, [v6, v4], 'n'))
        self.assertIs(v6, checks.pick_subnet('v6', [v6, v4], 'n'))
        self.assertRaises(exceptions.CommandError, checks.pick_subnet,
                          'nope', [v4], 'n')
        self.assertRaises(exceptions.CommandError, checks.pick_subnet,
                          None, [], 'n')

    def test_address_used(self):
        port = fakes.make_port()
        e = self.assertRaises(exceptions.CommandError, checks.address_free,
                              '10.0.0.5', [port], None)
        self.assertIn(f'used by port web-1 ({fakes.PORT_ID})', str(e))
        checks.address_free('10.0.0.5', [port], fakes.PORT_ID)

    def test_find_member(self):
        a = fakes.member('a', 'web', PORT_MAC, '10.0.0.5')
        b = fakes.member('b', 'web', OTHER_MAC, '10.0.0.6')
        self.assertIs(a, checks.find_member('a', [a, b]))
        self.assertIs(b, checks.find_member('10.0.0.6', [a, b]))
        self.assertIsNone(checks.find_member('x', [a, b]))
        e = self.assertRaises(exceptions.CommandError, checks.find_member,
                              'web', [a, b])
        self.assertIn('(a, b)', str(e))

    def test_check_member(self):
        off = fakes.make_port(**fakes.DISABLED)
        self.assertRaises(exceptions.CommandError, checks.check_member,
                          'web-1', off, VIP, None)
        self.assertRaises(exceptions.CommandError, checks.check_member,
                          'web-1', fakes.make_port(), VIP, fakes.PORT_ID)
        full = fakes.make_port(allowed_address_pairs=[
            {'ip_address': f'10.0.1.{i}', 'mac_address': PORT_MAC}
            for i in range(10)])
        e = self.assertRaises(exceptions.CommandError, checks.check_member,
                              'web-1', full, VIP, None)
        self.assertIn('already has 10 allowed address pairs', str(e))
        # The pair already there: no new pair, no quota.
        full.allowed_address_pairs[0]['ip_address'] = VIP
        checks.check_member('web-1', full, VIP, None)

    def test_check_member_on_clouds_without_an_extension(self):
        # No port-security extension: no flag, and pairs still work.
        checks.check_member('web-1', fakes.make_port(
            port_security_enabled=None), VIP, None)
        # No security groups: no pairs either (allowed-address-pairs).
        bare = fakes.make_port(security_groups=None,
                               allowed_address_pairs=None)
        e = self.assertRaises(exceptions.CommandError, checks.check_member,
                              'web-1', bare, VIP, None)
        self.assertEqual(
            f"Port 'web-1' ({fakes.PORT_ID}) reports no "
            f"allowed_address_pairs field: this cloud does not have "
            f"Neutron's allowed-address-pairs extension, so a VIP cannot be "
            f"given to its members here; the cloud operator enables it with "
            f"[securitygroup] enable_security_group = true. Nothing was "
            f"changed.", str(e))
        e = self.assertRaises(exceptions.CommandError,
                              checks.groups_available,
                              [('web-1', bare)], 'ha')
        self.assertIn("Neutron's security-group extension", str(e))
        self.assertIn('--security-group ha cannot', str(e))
        checks.groups_available([('web-1', fakes.make_port())], 'ha')


class TestVrrpByEvaluator(base.TestCase):
    """vrrp_gaps asks explain's evaluator about VRRP between members."""

    def rule(self, group=fakes.SG_ID, **body):
        return fakes.make_rule(body.pop('id', 'r1'), group, **body)

    def members(self, a_groups, b_groups):
        a = fakes.member('a', 'a', PORT_MAC, '10.0.0.5',
                         security_groups=a_groups)
        b = fakes.member('b', 'b', OTHER_MAC, '10.0.0.6',
                         security_groups=b_groups)
        return a, b

    def test_remote_group_only_covers_its_members(self):
        a, b = self.members([fakes.SG_ID], [fakes.SG2_ID])
        rules = [self.rule(protocol='vrrp', remote_group_id=fakes.SG_ID),
                 self.rule(fakes.SG2_ID, id='r2', protocol='vrrp',
                           remote_group_id=fakes.SG_ID)]
        # b's VRRP comes from a group a's rule does not name; a's reaches
        # b, whose rule admits a's group.
        self.assertEqual([a], model.vrrp_gaps([a, b], rules, 'IPv4'))

    def test_prefix_must_cover_the_peer(self):
        a, b = self.members([fakes.SG_ID], [fakes.SG_ID])
        narrow = [self.rule(protocol='112', remote_ip_prefix='10.0.0.5/32')]
        self.assertEqual([a], model.vrrp_gaps([a, b], narrow, 'IPv4'))
        wide = [self.rule(protocol='112', remote_ip_prefix='10.0.0.0/24')]
        self.assertEqual([], model.vrrp_gaps([a, b], wide, 'IPv4'))

    def test_other_protocol_or_direction_does_not_count(self):
        a, b = self.members([fakes.SG_ID], [fakes.SG_ID])
        for body in ({'protocol': 'tcp'},
                     {'protocol': 'vrrp', 'direction': 'egress'},
                     {'protocol': 'vrrp', 'ethertype': 'IPv6'}):
            self.assertEqual([a, b], model.vrrp_gaps(
                [a, b], [self.rule(**body)], 'IPv4'), body)

    def test_any_protocol_from_anywhere_lets_vrrp_in(self):
        a, b = self.members([fakes.SG_ID], [fakes.SG_ID])
        self.assertEqual([], model.vrrp_gaps([a, b], [self.rule()],
                                             'IPv4'))

    def test_packets_unicast_and_multicast(self):
        a, b = self.members([], [])
        sent = model.vrrp_packets(model._facts.port_from_body(
            a.to_dict(computed=False, original_names=True)),
            model._facts.port_from_body(
                b.to_dict(computed=False, original_names=True)), 'IPv4')
        self.assertEqual([('10.0.0.5', '10.0.0.6'), ('10.0.0.5',
                                                     '224.0.0.18')],
                         [(p.remote_ip, p.local_ip) for p in sent])
        self.assertEqual({(112, 'ingress')},
                         {(p.protocol, p.direction) for p in sent})


class TestHeldBy(base.TestCase):
    """What Neutron on OVN shows of the member holding the address."""

    def vip(self, **binding):
        from osc_portsec.vip import model as _model

        return _model.from_port(fakes.make_port(
            id=fakes.VIP_ID, name='web-vip', tags=[model.TAG],
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID, 'ip_address': VIP}],
            **binding))

    def members(self, host_a, host_b):
        return [fakes.member('a', 'web-1', PORT_MAC, '10.0.0.5',
                             binding_host_id=host_a),
                fakes.member('b', 'web-2', OTHER_MAC, '10.0.0.6',
                             binding_host_id=host_b)]

    def test_not_claimed_or_not_shown(self):
        from osc_portsec.vip import show

        self.assertIsNone(show.held_by(
            self.vip(binding_vif_details={}, binding_host_id=''),
            self.members('h1', 'h2')))
        # A non-admin sees no binding at all.
        self.assertIsNone(show.held_by(self.vip(), self.members(None, None)))

    def test_one_member_on_the_parent_host(self):
        from osc_portsec.vip import show

        vip = self.vip(binding_vif_details={'parent_hostname': 'h2'},
                       binding_host_id='')
        self.assertEqual({'host': 'h2', 'member': 'web-2',
                          'candidates': ['web-2']},
                         show.held_by(vip, self.members('h1', 'h2')))

    def test_members_sharing_the_host_are_candidates(self):
        from osc_portsec.vip import show

        vip = self.vip(binding_vif_details={'parent_hostname': 'h1'},
                       binding_host_id='')
        self.assertEqual({'host': 'h1', 'member': None,
                          'candidates': ['web-1', 'web-2']},
                         show.held_by(vip, self.members('h1', 'h1')))
