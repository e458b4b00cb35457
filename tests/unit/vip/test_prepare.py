"""Tests of osc_portsec.vip.prepare: the reads, and members found."""

from osc_lib import exceptions

from osc_portsec.vip import model
from osc_portsec.vip import observed
from osc_portsec.vip import prepare
from tests.unit import fakes
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import PORT_ID
from tests.unit.fakes import PORT_MAC

VIP = '10.0.0.100'


class TestMembers(fakes.TestVipCommand):

    def ports(self):
        return list(self.neutron.ports.values())

    def test_found_once_each_and_checked(self):
        found = prepare.members(self.network, ['web-1', PORT_ID, '10.0.0.6'],
                                self.ports(), fakes.NETWORK_ID, VIP, None)
        self.assertEqual([(PORT_ID, False), (OTHER_ID, False)],
                         [(m.port.id, m.kept) for m in found])
        self.assertEqual('web-1', found[0].ref)
        # Found among the ports already read: no request.
        self.network.ports.assert_not_called()

    def test_ambiguous_reference_is_refused(self):
        self.neutron.add(fakes.member('twin', 'web-2', 'fa:16:3e:0e:0e:0e',
                                      '10.0.0.9'))
        e = self.assertRaises(exceptions.CommandError, prepare.members,
                              self.network, ['web-2'], self.ports(),
                              fakes.NETWORK_ID, VIP, None)
        self.assertIn("Port reference 'web-2' matches 2 ports", str(e))
        self.assertTrue(str(e).endswith('Nothing was changed.'))

    def test_elsewhere_asks_neutron_where(self):
        self.neutron.add(fakes.make_port(id='far', name='far',
                                         network_id='other-net'))
        ports = [p for p in self.ports() if p.id != 'far']
        e = self.assertRaises(exceptions.CommandError, prepare.members,
                              self.network, ['far'], ports,
                              fakes.NETWORK_ID, VIP, None)
        self.assertEqual(
            f"Member 'far' (far) is on network other-net, not on the VIP's "
            f"network {fakes.NETWORK_ID}; give ports on {fakes.NETWORK_ID}. "
            f"Nothing was changed.", str(e))


class TestLeaving(fakes.TestVipCommand):

    def test_a_port_the_tool_did_not_give_the_pair_keeps_it(self):
        vip = model.from_port(fakes.make_port(
            id=fakes.VIP_ID, tags=model.tags([PORT_ID]),
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID, 'ip_address': VIP}]))
        hand = fakes.member(OTHER_ID, 'web-2', fakes.OTHER_MAC, '10.0.0.6',
                            allowed_address_pairs=[
                                {'ip_address': VIP,
                                 'mac_address': fakes.OTHER_MAC}])
        ports = [self.port(PORT_ID), hand]
        leaving = prepare.leaving(vip, ['web-1', 'web-2'], ports)
        self.assertEqual([(PORT_ID, False), (OTHER_ID, True)],
                         [(m.port.id, m.kept) for m in leaving])
        e = self.assertRaises(exceptions.CommandError, prepare.leaving, vip,
                              ['web-3'], ports)
        self.assertIn("Port 'web-3' is not a member of VIP", str(e))

    def test_member_ports_recorded_or_carrying(self):
        vip = model.from_port(fakes.make_port(
            id=fakes.VIP_ID, tags=model.tags(['gone', PORT_ID]),
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID, 'ip_address': VIP}]))
        cidr = fakes.member(OTHER_ID, 'web-2', fakes.OTHER_MAC, '10.0.0.6',
                            allowed_address_pairs=[
                                {'ip_address': '10.0.0.0/24',
                                 'mac_address': PORT_MAC}])
        found = prepare.member_ports(
            vip, [self.port(PORT_ID), cidr, self.port(fakes.THIRD_ID)])
        self.assertEqual([PORT_ID, OTHER_ID], [p.id for p in found])


class TestSeen(fakes.TestVipCommand):
    """What vip check reads: six requests at most, whatever the members."""

    def hand_made(self, count=3):
        self.neutron.add(fakes.reservation())
        for port in list(self.neutron.ports.values()):
            if port.id != fakes.VIP_ID:
                self.neutron.add(fakes.carrying(port, VIP))
        for i in range(count - 3):
            self.neutron.add(fakes.carrying(fakes.member(
                f'extra-{i}', f'extra-{i}', f'fa:16:3e:00:01:{i:02x}',
                f'10.0.0.{20 + i}'), VIP))

    def calls(self):
        return [c[0] for c in self.network.mock_calls]

    def test_by_address(self):
        self.hand_made(count=40)
        found = prepare.seen(self.network, VIP, None)
        self.assertIsNone(found.vip)
        self.assertEqual(40, len(observed.members(found)))
        # The holder's network, its ports, subnets, the members' rules,
        # the holder's floating IPs.
        self.assertEqual(['ports', 'ports', 'subnets',
                          'security_group_rules', 'ips'], self.calls())
        self.network.ips.assert_called_once_with(port_id=fakes.VIP_ID)

    def test_by_name_with_network(self):
        port = fakes.reservation(name='web-vip', tags=model.tags([PORT_ID]))
        self.neutron.add(port, fakes.carrying(self.port(PORT_ID), VIP))
        found = prepare.seen(self.network, 'web-vip', 'private')
        self.assertEqual(fakes.VIP_ID, found.vip.id)
        self.assertEqual(['networks', 'ports', 'subnets',
                          'security_group_rules', 'ips'], self.calls())
        self.network.reset_mock()
        prepare.seen(self.network, 'web-vip', None)
        # The VIP by its name (one list), then the same reads.
        self.assertEqual(['ports', 'ports', 'subnets',
                          'security_group_rules', 'ips'], self.calls())

    def test_an_address_of_a_tool_vip_is_that_vip(self):
        port = fakes.reservation(name='web-vip', tags=model.tags([PORT_ID]))
        self.neutron.add(port)
        self.assertEqual(fakes.VIP_ID,
                         prepare.seen(self.network, VIP, None).vip.id)

    def test_refusals(self):
        for ref, network, text in (
                ('10.0.0.100', None, 'No port holds 10.0.0.100 as a fixed '
                                     'IP; give --network <network>'),
                ('10.0.0.100/32', None, "'10.0.0.100/32' is a CIDR"),
                ('web-vip', 'private', "No VIP named or with ID 'web-vip' "
                                       "was found on network"),
                ('web-vip', None, "No VIP named or with ID 'web-vip'")):
            e = self.assertRaises(exceptions.CommandError, prepare.seen,
                                  self.network, ref, network)
            self.assertIn(text, str(e))
        # Without a holder, the network given is where the pairs are.
        self.neutron.add(fakes.carrying(self.port(PORT_ID), VIP))
        found = prepare.seen(self.network, VIP, 'private')
        self.assertEqual([PORT_ID], [p.id for p in observed.members(found)])
        self.assertEqual([], list(found.floating_ips))

    def test_no_l3_no_floating_ip(self):
        self.hand_made()
        self.network.ips.side_effect = fakes.sdk_exc.NotFoundException(
            'no floatingips')
        self.assertEqual((), prepare.seen(self.network, VIP,
                                          None).floating_ips)


class TestEverything(fakes.TestVipCommand):

    def test_three_requests_at_most(self):
        prepare.everything(self.network, 'private')
        self.assertEqual(['networks', 'ports', 'subnets'],
                         [c[0] for c in self.network.mock_calls])
        self.network.reset_mock()
        ports, _, names = prepare.everything(self.network, None)
        self.assertEqual(['ports', 'subnets', 'networks'],
                         [c[0] for c in self.network.mock_calls])
        self.assertEqual({fakes.NETWORK_ID: 'private'}, names)
        self.assertEqual(3, len(ports))


class TestAdoptedMembers(fakes.TestVipCommand):

    def seen(self):
        return observed.Seen(VIP, fakes.NETWORK_ID,
                             tuple(self.neutron.ports.values()),
                             (fakes.make_subnet(),))

    def test_every_carrier_by_default_each_kept(self):
        self.neutron.add(fakes.reservation(),
                         fakes.carrying(self.port(PORT_ID), VIP),
                         fakes.carrying(self.port(OTHER_ID), VIP + '/32'))
        found = prepare.adopted_members(self.network, [], self.seen())
        self.assertEqual([(PORT_ID, True), (OTHER_ID, True)],
                         [(m.port.id, m.kept) for m in found])

    def test_refusals(self):
        self.neutron.add(fakes.reservation())
        e = self.assertRaises(exceptions.CommandError,
                              prepare.adopted_members, self.network, [],
                              self.seen())
        self.assertIn('carries 10.0.0.100 in its allowed address pairs: '
                      'there is no VIP to adopt', str(e))
        for ref, text in (
                ('web-1', "Member 'web-1' (%s) does not carry 10.0.0.100 "
                          "in its allowed address pairs, and adopt adds no "
                          "pair" % PORT_ID),
                ('resv', "Member 'resv' is the port holding 10.0.0.100")):
            e = self.assertRaises(exceptions.CommandError,
                                  prepare.adopted_members, self.network,
                                  [ref], self.seen())
            self.assertIn(text, str(e))
            self.assertTrue(str(e).endswith('Nothing was changed.'))
