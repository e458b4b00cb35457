"""Tests of osc_portsec.vip.checks: every refusal before any change."""

from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec.vip import checks
from tests.unit import fakes
from tests.unit.fakes import PORT_MAC

VIP = '10.0.0.100'


class TestAddress(base.TestCase):

    def test_refuses_cidr_blank_and_multicast(self):
        for value, words in (
            ('10.0.0.0/24', "--ip-address '10.0.0.0/24' is a CIDR"),
            ('', "--ip-address is empty (''); give one address, or leave "
                 "--ip-address out to take a free one. Nothing was changed."),
            ('  ', 'is empty'),
            ('224.0.0.18', 'is a multicast address'),
            ('10.0.0.999', 'is not a valid'),
        ):
            e = self.assertRaises(exceptions.CommandError, checks.address,
                                  value)
            self.assertIn(words, str(e), value)
        self.assertEqual('2001:db8::5', checks.address('2001:DB8:0::5'))

    def test_subnet_for(self):
        subnet = fakes.make_subnet()
        self.assertIs(subnet, checks.subnet_for(VIP, [subnet], 'private'))
        e = self.assertRaises(exceptions.CommandError, checks.subnet_for,
                              '10.9.0.1', [subnet], 'private')
        self.assertEqual('Address 10.9.0.1 is outside the subnets of network '
                         'private (10.0.0.0/24); give an address inside one. '
                         'Nothing was changed.', str(e))

    def test_pick_subnet(self):
        v6 = fakes.make_subnet('s6', '2001:db8::/64', 'v6', 6)
        v4 = fakes.make_subnet()
        self.assertIs(v4, checks.pick_subnet(None, [v6, v4], 'n'))
        self.assertIs(v6, checks.pick_subnet('v6', [v6, v4], 'n'))
        self.assertRaises(exceptions.CommandError, checks.pick_subnet,
                          'nope', [v4], 'n')
        self.assertRaises(exceptions.CommandError, checks.pick_subnet,
                          None, [], 'n')


class TestAddressFree(base.TestCase):

    def test_fixed_ip_of_any_port(self):
        port = fakes.make_port()
        e = self.assertRaises(exceptions.CommandError, checks.address_free,
                              '10.0.0.5', [port], [fakes.PORT_ID], None)
        self.assertEqual(
            f'Address 10.0.0.5 is already used by port web-1 '
            f'({fakes.PORT_ID}); choose another address, or omit '
            f'--ip-address to take a free one. Nothing was changed.', str(e))
        # The VIP's own port holds it.
        checks.address_free('10.0.0.5', [port], [], fakes.PORT_ID)

    def test_pair_of_a_port_that_is_not_a_member(self):
        for stored in (VIP, VIP + '/32', '10.0.0.100/28'):
            outsider = fakes.make_port(allowed_address_pairs=[
                {'ip_address': stored, 'mac_address': PORT_MAC}])
            e = self.assertRaises(exceptions.CommandError,
                                  checks.address_free, VIP, [outsider],
                                  [], None)
            self.assertEqual(
                f'Address {VIP} is already an allowed address pair of port '
                f'web-1 ({fakes.PORT_ID}), which is not a member; name it '
                f'with --member {fakes.PORT_ID} if it shares the VIP, or '
                f'choose another address. Nothing was changed.', str(e))
            # Named as a member, it may carry it.
            checks.address_free(VIP, [outsider], [fakes.PORT_ID], None)

    def test_a_wider_cidr_pair_does_not_hold_the_address(self):
        router = fakes.make_port(allowed_address_pairs=[
            {'ip_address': '10.0.0.0/24', 'mac_address': PORT_MAC}])
        checks.address_free(VIP, [router], [], None)


class TestMemberState(base.TestCase):

    def test_refusals(self):
        off = fakes.make_port(**fakes.DISABLED)
        e = self.assertRaises(exceptions.CommandError, checks.member_state,
                              'web-1', off, VIP, None)
        self.assertIn('has port security disabled', str(e))
        e = self.assertRaises(exceptions.CommandError, checks.member_state,
                              'web-1', fakes.make_port(), VIP, fakes.PORT_ID)
        self.assertIn('is the VIP port itself', str(e))
        full = fakes.make_port(allowed_address_pairs=[
            {'ip_address': f'10.0.1.{i}', 'mac_address': PORT_MAC}
            for i in range(10)])
        e = self.assertRaises(exceptions.CommandError, checks.member_state,
                              'web-1', full, VIP, None)
        self.assertIn('already has 10 allowed address pairs', str(e))

    def test_pair_there_before_is_kept(self):
        had = fakes.make_port(allowed_address_pairs=[
            {'ip_address': VIP, 'mac_address': PORT_MAC.upper()}])
        self.assertTrue(checks.member_state('web-1', had, VIP, None))
        # The address with another MAC (a VRRP virtual MAC): the tool
        # still adds the member's own pair.
        vmac = fakes.make_port(allowed_address_pairs=[
            {'ip_address': VIP, 'mac_address': '00:00:5e:00:01:0a'}])
        self.assertFalse(checks.member_state('web-1', vmac, VIP, None))
        self.assertFalse(checks.member_state('web-1', fakes.make_port(),
                                             VIP, None))
        # A free address is not known yet: nothing carries it.
        self.assertFalse(checks.member_state('web-1', had, None, None))

    def test_clouds_without_an_extension(self):
        # No port-security extension: no flag, and pairs still work.
        self.assertFalse(checks.member_state('web-1', fakes.make_port(
            port_security_enabled=None), VIP, None))
        # No security groups: no pairs either (allowed-address-pairs).
        bare = fakes.make_port(security_groups=None,
                               allowed_address_pairs=None)
        e = self.assertRaises(exceptions.CommandError, checks.member_state,
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
