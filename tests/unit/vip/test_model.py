"""Tests of osc_portsec.vip.model: what a VIP is, from its port's tags."""

from osc_lib.test import base

from osc_portsec.vip import model
from tests.unit import fakes

VIP = '10.0.0.100'


def vip_port(tags, **body):
    return fakes.make_port(
        id=fakes.VIP_ID, name='web-vip',
        fixed_ips=[{'subnet_id': fakes.SUBNET_ID, 'ip_address': VIP}],
        tags=tags, **body)


class TestTags(base.TestCase):

    def test_round_trip(self):
        tags = model.tags(['m1', 'm2', 'm1'], ['k1'], fakes.RULE_ID,
                          fakes.SG2_ID)
        self.assertEqual(
            [model.TAG, model.MEMBER_TAG + 'm1', model.MEMBER_TAG + 'm2',
             model.KEPT_TAG + 'k1', model.RULE_TAG + fakes.RULE_ID,
             model.GROUP_TAG + fakes.SG2_ID], tags)
        vip = model.from_port(vip_port(tags))
        self.assertEqual(('m1', 'm2'), vip.members)
        self.assertEqual(('k1',), vip.kept)
        self.assertEqual(('m1', 'm2', 'k1'), vip.all_members)
        self.assertEqual(fakes.RULE_ID, vip.rule_id)
        self.assertEqual(fakes.SG2_ID, vip.group_id)
        self.assertEqual(VIP, vip.ip_address)
        self.assertEqual(fakes.SUBNET_ID, vip.subnet_id)

    def test_kept_wins_over_member(self):
        # A member whose tag two racing runs left both ways: the tool
        # must never remove a pair it may not own.
        vip = model.from_port(vip_port([
            model.TAG, model.member_tag('m1'),
            model.member_tag('m1', kept=True)]))
        self.assertEqual((), vip.members)
        self.assertEqual(('m1',), vip.kept)

    def test_no_rule_no_group(self):
        self.assertEqual([model.TAG], model.tags([]))
        vip = model.from_port(vip_port([model.TAG]))
        self.assertIsNone(vip.rule_id)
        self.assertIsNone(vip.group_id)

    def test_descriptions_fit_neutron(self):
        # Neutron limits a description to 255 characters.
        self.assertLessEqual(len(model.DESCRIPTION), 255)
        self.assertLessEqual(len(model.rule_description('x' * 64)), 255)
        self.assertIn('web-vip', model.rule_description('web-vip'))

    def test_winner_is_the_oldest_then_the_smallest_id(self):
        def made(port_id, at):
            return model.from_port(fakes.make_port(
                id=port_id, tags=[model.TAG], created_at=at))
        old = made('b', '2026-12-03T10:00:00Z')
        new = made('a', '2026-12-03T10:00:01Z')
        self.assertIs(old, model.winner([new, old]))
        same = made('a', '2026-12-03T10:00:00Z')
        self.assertIs(same, model.winner([old, same]))


class TestCarries(base.TestCase):

    def kind(self, ip):
        return model.carries({'ip_address': ip}, VIP)

    def test_kinds(self):
        self.assertEqual('single', self.kind(VIP))
        # OVN makes the VIP port virtual only for the address itself, as
        # stored: with a prefix the member is no virtual parent.
        self.assertEqual('prefixed', self.kind(VIP + '/32'))
        self.assertEqual('prefixed', self.kind('10.0.0.100/28'))
        self.assertEqual('cidr', self.kind('10.0.0.0/24'))
        self.assertIsNone(self.kind('10.0.0.9'))
        self.assertIsNone(self.kind('2001:db8::/64'))
        # Host bits of another host: on OVN only that host passes.
        self.assertIsNone(self.kind('10.0.0.101/24'))

    def test_ipv6_any_notation(self):
        self.assertEqual('single', model.carries(
            {'ip_address': '2001:DB8:0::64'}, '2001:db8::64'))

    def test_damaged_value_carries_nothing(self):
        self.assertIsNone(self.kind('not an address'))


class TestVrrpRule(base.TestCase):

    def rule(self, **body):
        return fakes.make_rule('r1', fakes.SG_ID, **body)

    def test_is_vrrp_rule(self):
        yes = [(dict(protocol='vrrp', remote_group_id=fakes.SG_ID),
                fakes.SG_ID),
               (dict(protocol='112', remote_group_id=fakes.SG_ID),
                fakes.SG_ID),
               ({}, None)]
        no = [(dict(protocol='tcp', remote_group_id=fakes.SG_ID),
               fakes.SG_ID, 'IPv4'),
              (dict(protocol='vrrp', remote_group_id=fakes.SG_ID),
               fakes.SG_ID, 'IPv6'),
              (dict(protocol='vrrp', direction='egress',
                    remote_group_id=fakes.SG_ID), fakes.SG_ID, 'IPv4'),
              (dict(protocol='vrrp', remote_ip_prefix='192.0.2.0/24'),
               None, 'IPv4')]
        for body, group in yes:
            self.assertTrue(model.is_vrrp_rule(self.rule(**body), 'IPv4',
                                               group), body)
        for body, group, ether in no:
            self.assertFalse(model.is_vrrp_rule(self.rule(**body), ether,
                                                group), body)


class TestMemberKind(base.TestCase):

    def test_a_range_as_wide_as_the_subnet_is_no_member(self):
        subnets = ['10.0.0.0/24']

        def kind(ip):
            return model.member_kind({'ip_address': ip}, VIP, subnets)
        self.assertEqual('single', kind(VIP))
        self.assertEqual('prefixed', kind(VIP + '/32'))
        self.assertEqual('cidr', kind('10.0.0.96/27'))
        self.assertIsNone(kind('10.0.0.0/24'))
        self.assertIsNone(kind('0.0.0.0/0'))
        # Outside every subnet, a CIDR is only a CIDR.
        self.assertEqual('cidr', model.member_kind(
            {'ip_address': '10.0.0.0/8'}, VIP, ['192.0.2.0/24']))


class TestHoldsAndAdopted(base.TestCase):

    def test_holds(self):
        self.assertTrue(model.holds(vip_port([]), VIP))
        self.assertFalse(model.holds(vip_port([]), '10.0.0.101'))

    def test_adopted_only_with_its_mark(self):
        self.assertTrue(model.from_port(vip_port(
            [model.TAG, model.ADOPTED_TAG])).adopted)
        self.assertFalse(model.from_port(vip_port([model.TAG])).adopted)

    def test_vrrp_mac_prefix(self):
        self.assertEqual('00:00:5e:00:01:', model.vrrp_mac_prefix(VIP))
        self.assertEqual('00:00:5e:00:02:',
                         model.vrrp_mac_prefix('2001:db8::5'))
