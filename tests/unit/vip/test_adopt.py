"""Tests of osc_portsec.vip.adopt: a VIP made by hand, recorded unchanged."""

import logging

from keystoneauth1 import exceptions as ks_exc
from osc_lib import exceptions

from osc_portsec.vip import adopt
from osc_portsec.vip import delete
from osc_portsec.vip import model
from osc_portsec.vip import restore
from tests.unit import fakes
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import PORT_ID
from tests.unit.fakes import THIRD_ID
from tests.unit.vip import test_create

VIP = '10.0.0.100'
CLOUD = test_create.CLOUD


def request(**kw):
    values = dict(name='web-vip', network='private', ip_address=VIP)
    values.update(kw)
    return adopt.Request(**values)


class AdoptCase(test_create.VipCase):

    def hand_made(self, holder=True, name='', **holder_fields):
        """web-1 and web-2 carry the address; a port holds it, unnamed."""
        if holder:
            self.neutron.add(fakes.reservation(name=name, **holder_fields))
        for port_id in (PORT_ID, OTHER_ID):
            self.neutron.add(fakes.carrying(self.port(port_id), VIP))

    def pairs(self):
        return {k: p.allowed_address_pairs
                for k, p in self.neutron.ports.items()}

    def run_adopt(self, **kw):
        return adopt.adopt(self.network, request(**kw), CLOUD)


class TestAdopt(AdoptCase):

    def test_the_holder_is_marked_then_tagged_pairs_untouched(self):
        self.hand_made()
        pairs = self.pairs()
        rows = self.run_adopt()
        self.assertEqual([('add_tag', fakes.VIP_ID)] * 2
                         + [('update_port', fakes.VIP_ID)]
                         + [('add_tag', fakes.VIP_ID)] * 3, self.writes())
        tags = [c[1][1] for c in self.network.mock_calls
                if c[0] == 'add_tag']
        # The holder had no name: marked so that delete gives it back.
        self.assertEqual([model.ADOPTED_TAG, model.NAMED_TAG, model.TAG,
                          model.member_tag(PORT_ID, kept=True),
                          model.member_tag(OTHER_ID, kept=True)], tags)
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual(('web-vip', (), (PORT_ID, OTHER_ID), True),
                         (vip.name, vip.members, vip.kept, vip.adopted))
        self.assertEqual(pairs, self.pairs())
        self.assertEqual(['adopted', 'unchanged', 'unchanged'],
                         [r['result'] for r in rows])
        self.assertEqual(['named port web-vip holding 10.0.0.100',
                          'adopted port web-vip holding 10.0.0.100'],
                         rows[0]['changes'])
        self.assertEqual(
            [f'kept allowed address pair {VIP} ({fakes.PORT_MAC}): it was '
             f'there before the VIP'], rows[1]['changes'])

    def test_a_holder_of_that_name_keeps_it(self):
        self.hand_made(name='web-vip')
        self.run_adopt()
        self.assertNotIn('update_port', [w[0] for w in self.writes()])

    def test_no_holder_a_reservation_is_made(self):
        self.hand_made(holder=False)
        rows = self.run_adopt()
        [create_call] = [c for c in self.network.mock_calls
                         if c[0] == 'create_port']
        self.assertEqual(
            {'network_id': fakes.NETWORK_ID, 'name': 'web-vip',
             'fixed_ips': [{'subnet_id': fakes.SUBNET_ID,
                            'ip_address': VIP}],
             'description': model.DESCRIPTION,
             'tags': [model.TAG, model.member_tag(PORT_ID, kept=True),
                      model.member_tag(OTHER_ID, kept=True)]},
            create_call[2])
        self.assertEqual(['created port web-vip holding 10.0.0.100'],
                         rows[0]['changes'])
        self.assertFalse(model.from_port(self.port(fakes.VIP_ID)).adopted)

    def test_dry_run_sends_nothing(self):
        self.hand_made()
        before = self.snapshot()
        rows = self.run_adopt(dry_run=True)
        self.assertEqual([], self.writes())
        self.assertEqual(before, self.snapshot())
        self.assertEqual(['would name port web-vip holding 10.0.0.100',
                          'would adopt port web-vip holding 10.0.0.100'],
                         rows[0]['changes'])
        self.hand_made(holder=False)
        del self.neutron.ports[fakes.VIP_ID]
        rows = self.run_adopt(dry_run=True)
        self.assertEqual(['would create port web-vip holding 10.0.0.100'],
                         rows[0]['changes'])

    def test_named_members_only(self):
        self.hand_made()
        rows = self.run_adopt(members=['web-2'])
        self.assertEqual([OTHER_ID], [r['id'] for r in rows[1:]])
        self.assertEqual((OTHER_ID,), model.from_port(
            self.port(fakes.VIP_ID)).kept)

    def test_again_changes_nothing(self):
        self.hand_made()
        self.run_adopt()
        before = self.snapshot()
        self.network.reset_mock()
        rows = self.run_adopt()
        self.assertEqual([], self.writes())
        self.assertEqual(before, self.snapshot())
        self.assertEqual('existing', rows[0]['result'])

    def test_check_failures_are_warnings(self):
        self.hand_made()
        self.neutron.add(fakes.carrying(self.port(THIRD_ID), VIP + '/32'))
        with self.assertLogs('osc_portsec.vip.findings',
                             logging.WARNING) as logs:
            self.run_adopt()
        text = '\n'.join(logs.output)
        self.assertIn('vip check member_pair failed for web-3: web-3 '
                      'carries 10.0.0.100 only as 10.0.0.100/32', text)
        # Reported, not fixed.
        self.assertEqual([{'ip_address': VIP + '/32',
                           'mac_address': 'fa:16:3e:dd:ee:ff'}],
                         self.port(THIRD_ID).allowed_address_pairs)

    def test_request_count(self):
        # The network, its ports, its subnets; the writes (two marks, the
        # name, the VIP's tag, one tag a member); then vip check: the
        # members' rules and the holder's floating IPs.
        self.hand_made()
        self.run_adopt()
        self.assertEqual(
            ['networks', 'ports', 'subnets', 'add_tag', 'add_tag',
             'update_port', 'add_tag', 'add_tag', 'add_tag',
             'security_group_rules', 'ips'],
            [c[0] for c in self.network.mock_calls])


class TestRefusals(AdoptCase):

    def assert_refused(self, text, **kw):
        before = self.snapshot()
        e = self.assertRaises(exceptions.CommandError, self.run_adopt, **kw)
        self.assertIn(text, str(e))
        self.assertTrue(str(e).endswith('Nothing was changed.'), str(e))
        self.assertEqual([], self.writes())
        self.assertEqual(before, self.snapshot())

    def test_refusals(self):
        self.hand_made(name='resv')
        self.assert_refused("Port resv (%s) holds 10.0.0.100 under the name "
                            "'resv'; adopt the VIP by that name"
                            % fakes.VIP_ID)
        self.assert_refused('is outside the subnets', ip_address='10.9.0.1')
        self.assert_refused("--ip-address '10.0.0.0/24' is a CIDR",
                            ip_address='10.0.0.0/24')
        self.assert_refused('--ip-address is empty', ip_address=' ')
        self.assert_refused("Member 'web-3' (%s) does not carry" % THIRD_ID,
                            name='resv', members=['web-3'])

    def test_neutron_s_own_port_or_another_vip(self):
        self.hand_made(device_owner='network:dhcp')
        self.assert_refused("is held by Neutron's own port")
        self.neutron.add(fakes.reservation(name='db-vip', tags=[model.TAG]))
        self.assert_refused('Address 10.0.0.100 is already VIP db-vip')


class TestRollback(AdoptCase):

    def test_a_failed_tag_undoes_the_marks_and_the_name(self):
        self.hand_made()
        self.fail_on('add_tag', ks_exc.ConnectFailure('gone'), after=2)
        text = self.sentence(self.run_adopt)
        self.assertIn('Rolled back:', text)
        port = self.port(fakes.VIP_ID)
        self.assertEqual(([], ''), (list(port.tags or []), port.name))


class TestDeleteAndRestore(AdoptCase):

    def test_delete_untags_and_keeps_the_port_and_pairs(self):
        self.hand_made()
        self.run_adopt()
        pairs = self.pairs()
        rows = delete.delete(self.network, 'web-vip', CLOUD, False)
        self.assertIn(fakes.VIP_ID, self.neutron.ports)
        self.assertEqual([], list(self.port(fakes.VIP_ID).tags or []))
        self.assertEqual(pairs, self.pairs())
        self.assertEqual('untagged', rows[0]['result'])
        self.assertEqual(['untagged port web-vip holding 10.0.0.100: it held '
                          "the address before the VIP was adopted (only the "
                          "VIP's tags go)",
                          'took the name back from port web-vip holding '
                          "10.0.0.100: it had no name before adopt gave it "
                          "the VIP's"], rows[0]['changes'])
        # The name adopt gave goes back to none.
        self.assertEqual('', self.port(fakes.VIP_ID).name)
        # The marker of adoption goes last.
        removed = [c[1][1] for c in self.network.mock_calls
                   if c[0] == 'remove_tag']
        self.assertEqual([model.TAG, model.ADOPTED_TAG], removed[-2:])
        # vip restore adopts it again.
        rows = restore.restore(self.network, 'web-vip', CLOUD, False)
        self.assertEqual('adopted', rows[0]['result'])
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual((PORT_ID, OTHER_ID), vip.kept)

    def test_delete_all_takes_the_pairs_too(self):
        self.hand_made()
        self.run_adopt()
        rows = delete.delete(self.network, 'web-vip', CLOUD, False,
                             every=True)
        self.assertEqual([], self.port(PORT_ID).allowed_address_pairs)
        self.assertEqual([], self.port(OTHER_ID).allowed_address_pairs)
        self.assertEqual(['untagged', 'updated', 'updated'],
                         [r['result'] for r in rows])
        self.assertIn(fakes.VIP_ID, self.neutron.ports)

    def test_delete_all_leaves_a_port_that_is_not_a_member(self):
        self.hand_made()
        self.run_adopt(members=['web-2'])
        before = self.port(PORT_ID).allowed_address_pairs
        rows = delete.delete(self.network, 'web-vip', CLOUD, False,
                             every=True)
        self.assertEqual(before, self.port(PORT_ID).allowed_address_pairs)
        self.assertEqual([], self.port(OTHER_ID).allowed_address_pairs)
        self.assertEqual({PORT_ID: 'unchanged', OTHER_ID: 'updated'},
                         {r['id']: r['result'] for r in rows[1:]})

    def test_a_created_reservation_is_deleted(self):
        self.hand_made(holder=False)
        self.run_adopt()
        delete.delete(self.network, 'web-vip', CLOUD, False)
        self.assertNotIn(fakes.VIP_ID, self.neutron.ports)
        self.assertEqual([{'ip_address': VIP,
                           'mac_address': fakes.PORT_MAC}],
                         self.port(PORT_ID).allowed_address_pairs)
