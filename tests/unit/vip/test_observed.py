"""Tests of osc_portsec.vip.observed: who is who in what vip check saw."""

from osc_lib.test import base

from osc_portsec.vip import model
from osc_portsec.vip import observed
from tests.unit import fakes
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import PORT_ID
from tests.unit.fakes import PORT_MAC

VIP = '10.0.0.100'


def ports():
    return (fakes.reservation(),
            fakes.carrying(fakes.member(PORT_ID, 'web-1', PORT_MAC,
                                        '10.0.0.5'), VIP),
            fakes.carrying(fakes.member(OTHER_ID, 'web-2', OTHER_MAC,
                                        '10.0.0.6'), '10.0.0.0/24'))


class TestWho(base.TestCase):

    def test_hand_made(self):
        seen = observed.Seen(VIP, fakes.NETWORK_ID, ports(),
                             (fakes.make_subnet(),))
        self.assertEqual(fakes.VIP_ID, observed.holder(seen).id)
        # web-2's pair covers the whole subnet: a range, not a member.
        self.assertEqual([PORT_ID], [p.id for p in observed.members(seen)])
        self.assertEqual('resv', observed.vip_name(seen))
        self.assertEqual('private-v4 (10.0.0.0/24)', observed.subnet_label(
            observed.subnet_of(seen)))

    def test_a_tool_vip_has_its_recorded_members(self):
        port = fakes.reservation(name='web-vip', tags=model.tags([OTHER_ID]))
        seen = observed.Seen(VIP, fakes.NETWORK_ID, (port, *ports()[1:]),
                             (), model.from_port(port))
        self.assertEqual([OTHER_ID], [p.id for p in observed.members(seen)])
        self.assertEqual('web-vip', observed.vip_name(seen))

    def test_no_holder_no_name(self):
        seen = observed.Seen(VIP, fakes.NETWORK_ID, ports()[1:])
        self.assertIsNone(observed.holder(seen))
        self.assertEqual('<name>', observed.vip_name(seen))

    def test_planned(self):
        port = observed.planned_port('web-vip', fakes.NETWORK_ID,
                                     fakes.SUBNET_ID, VIP, [model.TAG])
        vip = model.from_port(port)
        self.assertEqual(('web-vip', VIP, True), (
            vip.name, vip.ip_address, model.is_vip(port)))
        self.assertEqual('web-vip', observed.label(port))
        rule = observed.planned_rule(fakes.SG_ID, 'IPv4')
        self.assertTrue(model.is_vrrp_rule(rule, 'IPv4', fakes.SG_ID))
