"""Tests of osc_portsec.vip.join: recorded first, then joined."""

from osc_portsec import errors
from osc_portsec.vip import change
from osc_portsec.vip import join
from osc_portsec.vip import model
from osc_portsec.vip import prepare
from tests.unit import fakes
from tests.unit.fakes import PORT_ID
from tests.unit.fakes import THIRD_ID
from tests.unit.vip.test_change import ChangeCase
from tests.unit.vip.test_change import CLOUD


class TestSet(ChangeCase):

    def test_recorded_before_it_joins(self):
        seen = []
        real = self.network.update_port.side_effect

        def side(port_id, **kw):
            seen.append(self.vip().members)
            return real(port_id, **kw)
        self.network.update_port.side_effect = side
        change.add(self.network, 'web-vip', ['web-3'], CLOUD, False)
        # When the member's update is sent, the VIP already names it.
        self.assertIn(THIRD_ID, seen[0])
        self.assertIn(fakes.SG2_ID, self.port(THIRD_ID).security_group_ids)
        # One tag added, never the whole list replaced.
        self.network.set_tags.assert_not_called()

    def test_two_runs_at_once_lose_no_member(self):
        # Another 'vip set' adds web-4 while this one adds web-3.
        real = self.network.update_port.side_effect

        def side(port_id, **kw):
            if port_id == THIRD_ID and 'm4' not in self.vip().members:
                change.add(self.network, 'web-vip', ['web-4'], CLOUD, False)
            return real(port_id, **kw)
        self.network.update_port.side_effect = side
        change.add(self.network, 'web-vip', ['web-3'], CLOUD, False)
        self.assertEqual({PORT_ID, fakes.OTHER_ID, THIRD_ID, 'm4'},
                         set(self.vip().members))

    def test_failure_rolls_back_what_this_run_did(self):
        real = self.network.update_port.side_effect
        forbidden = fakes.neutron_error(403, 'PolicyNotAuthorized',
                                        'disallowed by policy')

        def side(port_id, **kw):
            if port_id == 'm4':
                raise forbidden
            return real(port_id, **kw)
        self.network.update_port.side_effect = side
        try:
            change.add(self.network, 'web-vip', ['web-3', 'web-4'], CLOUD,
                       False)
        except errors.BOUNDARY as exc:
            text = errors.explain(exc)
        else:
            self.fail('no failure')
        self.assertIn('on port web-4', text)
        self.assertIn('Rolled back: the pair 10.0.0.100 and the security '
                      'group db on member web-3', text)
        self.assertEqual([], self.port(THIRD_ID).allowed_address_pairs)
        self.assertEqual((PORT_ID, fakes.OTHER_ID), self.vip().members)

    def test_dry_run(self):
        self.network.reset_mock()
        rows = change.add(self.network, 'web-vip', ['web-3'], CLOUD, True)
        self.network.update_port.assert_not_called()
        self.network.add_tag.assert_not_called()
        self.assertEqual(['dry-run'], [r['result'] for r in rows])


class TestOwnership(ChangeCase):

    def test_a_pair_added_meanwhile_is_recorded_as_kept(self):
        # The check read web-3 without the pair; another client added it
        # before the join: the join skips it, and the tag follows.
        third = self.port(THIRD_ID)
        found = [prepare.Member('web-3', third, kept=False)]
        self.neutron.update_port(THIRD_ID, allowed_address_pairs=[
            {'ip_address': '10.0.0.100',
             'mac_address': third.mac_address}])
        undo = []
        joined = join.members(self.network, self.vip(), found, None,
                              'vip set', CLOUD, undo)
        self.assertEqual(['unchanged'], [r['result'] for r in joined.rows])
        self.assertEqual([third.revision_number + 1],
                         [p.revision_number for p in joined.ports])
        # Only the record is this run's to undo: the pair is not.
        self.assertEqual(['untag'], [u.kind for u in undo])
        vip = self.vip()
        self.assertIn(THIRD_ID, vip.kept)
        self.assertNotIn(THIRD_ID, vip.members)
        self.assertNotIn(model.member_tag(THIRD_ID), vip.port.tags)

    def test_members_recorded_before_keep_their_tags(self):
        found = [prepare.Member('web-1', self.port(PORT_ID), kept=False)]
        join.members(self.network, self.vip(), found, None, 'vip set',
                     CLOUD, [])
        self.assertIn(PORT_ID, self.vip().members)
        self.network.remove_tag.assert_not_called()
