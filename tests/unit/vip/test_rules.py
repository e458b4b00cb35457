"""Tests of osc_portsec.vip.rules: do members hear each other's VRRP."""

from osc_lib.test import base

from osc_portsec.explain import facts as _facts
from osc_portsec.vip import rules
from tests.unit import fakes
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import PORT_MAC


class TestVrrp(base.TestCase):

    def rule(self, **body):
        return fakes.make_rule('r1', fakes.SG_ID, **body)

    def test_gaps(self):
        a = fakes.member('a', 'a', PORT_MAC, '10.0.0.5')
        b = fakes.member('b', 'b', OTHER_MAC, '10.0.0.6')
        self.assertEqual([a, b], rules.vrrp_gaps([a, b], [], 'IPv4'))
        vrrp = [self.rule(protocol='vrrp', remote_group_id=fakes.SG_ID)]
        self.assertEqual([], rules.vrrp_gaps([a, b], vrrp, 'IPv4'))
        self.assertEqual([a, b], rules.vrrp_gaps([a, b], vrrp, 'IPv6'))


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
        found = [self.rule(protocol='vrrp', remote_group_id=fakes.SG_ID),
                 self.rule(fakes.SG2_ID, id='r2', protocol='vrrp',
                           remote_group_id=fakes.SG_ID)]
        # b's VRRP comes from a group a's rule does not name; a's reaches
        # b, whose rule admits a's group.
        self.assertEqual([a], rules.vrrp_gaps([a, b], found, 'IPv4'))

    def test_prefix_must_cover_the_peer(self):
        a, b = self.members([fakes.SG_ID], [fakes.SG_ID])
        narrow = [self.rule(protocol='112', remote_ip_prefix='10.0.0.5/32')]
        self.assertEqual([a], rules.vrrp_gaps([a, b], narrow, 'IPv4'))
        wide = [self.rule(protocol='112', remote_ip_prefix='10.0.0.0/24')]
        self.assertEqual([], rules.vrrp_gaps([a, b], wide, 'IPv4'))

    def test_other_protocol_or_direction_does_not_count(self):
        a, b = self.members([fakes.SG_ID], [fakes.SG_ID])
        for body in ({'protocol': 'tcp'},
                     {'protocol': 'vrrp', 'direction': 'egress'},
                     {'protocol': 'vrrp', 'ethertype': 'IPv6'}):
            self.assertEqual([a, b], rules.vrrp_gaps(
                [a, b], [self.rule(**body)], 'IPv4'), body)

    def test_any_protocol_from_anywhere_lets_vrrp_in(self):
        a, b = self.members([fakes.SG_ID], [fakes.SG_ID])
        self.assertEqual([], rules.vrrp_gaps([a, b], [self.rule()],
                                             'IPv4'))

    def test_packets_unicast_and_multicast(self):
        a, b = self.members([], [])
        sent = rules.vrrp_packets(_facts.port_from_body(
            a.to_dict(computed=False, original_names=True)),
            _facts.port_from_body(
                b.to_dict(computed=False, original_names=True)), 'IPv4')
        self.assertEqual([('10.0.0.5', '10.0.0.6'), ('10.0.0.5',
                                                     '224.0.0.18')],
                         [(p.remote_ip, p.local_ip) for p in sent])
        self.assertEqual({(112, 'ingress')},
                         {(p.protocol, p.direction) for p in sent})


class TestFix(base.TestCase):

    def test_shared_group_gets_the_rule(self):
        a = fakes.member('a', 'a', PORT_MAC, '10.0.0.5',
                         security_groups=[fakes.SG_ID])
        b = fakes.member('b', 'b', OTHER_MAC, '10.0.0.6',
                         security_groups=[fakes.SG2_ID, fakes.SG_ID])
        self.assertEqual(
            f"'openstack security group rule create --ingress --protocol "
            f"vrrp --ethertype IPv4 --remote-group {fakes.SG_ID} "
            f"{fakes.SG_ID}'", rules.fix([a, b], 'IPv4'))

    def test_members_join_the_first_group(self):
        a = fakes.member('a', 'a', PORT_MAC, '10.0.0.5',
                         security_groups=[fakes.SG_ID])
        b = fakes.member('b', 'b', OTHER_MAC, '10.0.0.6',
                         security_groups=[fakes.SG2_ID])
        self.assertEqual(
            f"'openstack port set --security-group {fakes.SG_ID} b' and "
            f"'openstack security group rule create --ingress --protocol "
            f"vrrp --ethertype IPv6 --remote-group {fakes.SG_ID} "
            f"{fakes.SG_ID}'", rules.fix([a, b], 'IPv6'))

    def test_gaps_skip_members_with_port_security_off(self):
        a = fakes.member('a', 'a', PORT_MAC, '10.0.0.5')
        off = fakes.member('b', 'b', OTHER_MAC, '10.0.0.6',
                           **fakes.DISABLED)
        self.assertIsNone(rules.gaps([a, off], [], 'IPv4'))
        b = fakes.member('c', 'c', OTHER_MAC, '10.0.0.7')
        self.assertIn('into member(s) a, c from every other member',
                      rules.gaps([a, b, off], [], 'IPv4'))
