"""Tests of osc_portsec.vip.change: vip set and vip unset."""

from osc_lib import exceptions

from osc_portsec.vip import change
from osc_portsec.vip import create
from osc_portsec.vip import model
from tests.unit import fakes
from tests.unit.fakes import PORT_ID

VIP = '10.0.0.100'
CLOUD = {'name': 'prod', 'auth_url': fakes.AUTH_URL}


class ChangeCase(fakes.TestVipCommand):

    def setUp(self):
        super().setUp()
        create.create(self.network, create.Request(
            name='web-vip', network='private', members=['web-1', 'web-2'],
            ip_address=VIP, security_group='db'), CLOUD)
        self.fourth = fakes.member('m4', 'web-4', 'fa:16:3e:44:44:44',
                                   '10.0.0.8')
        self.neutron.add(self.fourth)

    def vip(self):
        return model.from_port(self.port(fakes.VIP_ID))


class TestUnset(ChangeCase):

    def test_left_then_forgotten(self):
        order = []
        real_update = self.network.update_port.side_effect
        real_untag = self.network.remove_tag.side_effect

        def update(port_id, **kw):
            order.append(('update', port_id))
            return real_update(port_id, **kw)

        def untag(port, tag):
            order.append(('untag', tag))
            return real_untag(port, tag)
        self.network.update_port.side_effect = update
        self.network.remove_tag.side_effect = untag
        change.remove(self.network, 'web-vip', ['web-1'], CLOUD, False)
        self.assertEqual([('update', PORT_ID),
                          ('untag', model.member_tag(PORT_ID))], order)
        self.assertEqual([], self.port(PORT_ID).allowed_address_pairs)

    def test_not_a_member(self):
        e = self.assertRaises(exceptions.CommandError, change.remove,
                              self.network, 'web-vip', ['web-3'], CLOUD,
                              False)
        self.assertIn("Port 'web-3' is not a member of VIP web-vip", str(e))
