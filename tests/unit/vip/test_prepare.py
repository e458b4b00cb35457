"""Tests of osc_portsec.vip.prepare: the reads, and members found."""

from osc_lib import exceptions

from osc_portsec.vip import model
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
