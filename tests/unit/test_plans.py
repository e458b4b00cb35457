"""Tests of osc_portsec.plans: what each mutation sends."""

import copy

from hypothesis import given
from hypothesis import strategies as st
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import changes
from osc_portsec import pairs
from osc_portsec import plans
from tests.unit import fakes


OTHER_MAC = 'fa:16:3e:aa:bb:cc'
PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
PAIR_B = {'ip_address': '10.0.1.0/24', 'mac_address': OTHER_MAC}


def said(plan):
    """The plan's changes as a table shows them."""
    return [changes.words(c) for c in plan.changes]


class TestPairAdd(base.TestCase):

    def test_adds_and_skips(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        plan = plans.pair_add(
            port, [pairs.Pair('10.0.0.9'), pairs.Pair('10.0.0.10')], 'web-1'
        )
        self.assertEqual(
            {'allowed_address_pairs': [PAIR_A, {'ip_address': '10.0.0.10'}]},
            plan.attrs,
        )
        self.assertEqual(
            ['added allowed address pair 10.0.0.10',
             'skipped allowed address pair 10.0.0.9: already on the port'],
            said(plan),
        )
        self.assertEqual((), plan.warnings)
        self.assertEqual([PAIR_A], port.allowed_address_pairs)

    def test_nothing_new(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        plan = plans.pair_add(port, [pairs.Pair('10.0.0.9/32')], 'web-1')
        self.assertEqual({}, plan.attrs)
        self.assertEqual(
            ['skipped allowed address pair 10.0.0.9/32: already on the port'],
            said(plan),
        )

    def test_given_more_than_once(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        plan = plans.pair_add(
            port,
            [pairs.Pair('10.0.0.10'), pairs.Pair('10.0.0.9'),
             pairs.Pair('10.0.0.10/32', fakes.PORT_MAC),
             pairs.Pair('10.0.0.9/32')],
            'web-1',
        )
        self.assertEqual(
            {'allowed_address_pairs': [PAIR_A, {'ip_address': '10.0.0.10'}]},
            plan.attrs,
        )
        self.assertEqual(
            ['added allowed address pair 10.0.0.10',
             'skipped allowed address pair 10.0.0.9: already on the port',
             'skipped allowed address pair 10.0.0.9/32: already on the port',
             f'skipped allowed address pair 10.0.0.10/32 ({fakes.PORT_MAC}): '
             f'given more than once'],
            said(plan),
        )

    def test_restored(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        plan = plans.pair_add(
            port, [], 'web-1',
            restored=[pairs.as_pair(PAIR_A), pairs.as_pair(PAIR_B)],
        )
        self.assertEqual(
            {'allowed_address_pairs': [PAIR_A, PAIR_B]}, plan.attrs
        )
        self.assertEqual(
            [f'restored allowed address pair 10.0.1.0/24 ({OTHER_MAC})',
             f'skipped allowed address pair 10.0.0.9 ({fakes.PORT_MAC}): '
             f'already on the port'],
            said(plan),
        )
        self.assertEqual([PAIR_A], port.allowed_address_pairs)

    def test_added_and_restored(self):
        port = fakes.make_port()
        plan = plans.pair_add(
            port, [pairs.Pair('10.0.0.10')], 'web-1',
            restored=[pairs.as_pair(PAIR_A), pairs.as_pair(PAIR_B)],
        )
        self.assertEqual(
            {'allowed_address_pairs': [{'ip_address': '10.0.0.10'},
                                       PAIR_A, PAIR_B]},
            plan.attrs,
        )
        self.assertEqual(
            ['added allowed address pair 10.0.0.10',
             f'restored allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
             f'restored allowed address pair 10.0.1.0/24 ({OTHER_MAC})'],
            said(plan),
        )

    def test_typed_and_recorded_is_added_once(self):
        # The user typed a pair the journal also recorded: it is theirs.
        port = fakes.make_port()
        plan = plans.pair_add(
            port, [pairs.Pair('10.0.0.9')], 'web-1',
            restored=[pairs.as_pair(PAIR_A), pairs.as_pair(PAIR_B)],
        )
        self.assertEqual(
            {'allowed_address_pairs': [{'ip_address': '10.0.0.9'}, PAIR_B]},
            plan.attrs,
        )
        self.assertEqual(
            ['added allowed address pair 10.0.0.9',
             f'restored allowed address pair 10.0.1.0/24 ({OTHER_MAC})'],
            said(plan),
        )

    def test_restored_open_to_all_warns(self):
        port = fakes.make_port()
        plan = plans.pair_add(
            port, [], 'web-1', restored=[pairs.Pair('0.0.0.0/0')]
        )
        self.assertEqual(['restored allowed address pair 0.0.0.0/0'],
                         said(plan))
        self.assertEqual(1, len(plan.warnings))
        self.assertIn('Allowed address pair 0.0.0.0/0 on port web-1',
                      plan.warnings[0])

    def test_open_to_all_warns(self):
        port = fakes.make_port()
        plan = plans.pair_add(
            port, [pairs.Pair('0.0.0.0/0'), pairs.Pair('::/0'),
                   pairs.Pair('10.0.0.0/8')], 'web-1',
        )
        self.assertEqual(2, len(plan.warnings))
        self.assertIn('Allowed address pair 0.0.0.0/0 on port web-1',
                      plan.warnings[0])
        self.assertIn('bypasses the source-IP rules', plan.warnings[0])
        self.assertIn('::/0', plan.warnings[1])

    def test_host_bits_taken_as_the_network_and_said(self):
        port = fakes.make_port()
        plan = plans.pair_add(port, pairs.parse_pairs(
            [{'ip-address': '10.0.0.130/28'},
             {'ip-address': '2001:DB8::131/124'}]), 'web-1')
        self.assertEqual(
            {'allowed_address_pairs': [{'ip_address': '10.0.0.128/28'},
                                       {'ip_address': '2001:db8::130/124'}]},
            plan.attrs)
        self.assertEqual(
            ['10.0.0.130/28 has host bits: taken as its network '
             '10.0.0.128/28 (stored as typed, it would let only 10.0.0.130 '
             'through on OVN and the whole network on the other back ends)',
             '2001:db8::131/124 has host bits: taken as its network '
             '2001:db8::130/124 (stored as typed, it would let only '
             '2001:db8::131 through on OVN and the whole network on the '
             'other back ends)',
             'added allowed address pair 10.0.0.128/28',
             'added allowed address pair 2001:db8::130/124'],
            said(plan))

    def test_network_beside_a_stored_host_bits_pair(self):
        stored = {'ip_address': '10.0.0.130/28', 'mac_address': fakes.PORT_MAC}
        port = fakes.make_port(allowed_address_pairs=[stored])
        plan = plans.pair_add(port, pairs.parse_pairs(
            [{'ip-address': '10.0.0.128/28'}]), 'web-1')
        self.assertEqual(
            {'allowed_address_pairs': [stored,
                                       {'ip_address': '10.0.0.128/28'}]},
            dict(plan.attrs))
        self.assertEqual(['added allowed address pair 10.0.0.128/28'],
                         said(plan))
        self.assertEqual(
            ("Port web-1 also has allowed address pair 10.0.0.130/28, which "
             "OVN reads as the host 10.0.0.130 only; remove it with "
             "'openstack port security pair remove web-1 --allowed-address "
             "ip-address=10.0.0.130/28' if 10.0.0.128/28 replaces it.",),
            plan.warnings)

    def test_open_to_all_already_there_no_warning(self):
        port = fakes.make_port(allowed_address_pairs=[
            {'ip_address': '0.0.0.0/0', 'mac_address': fakes.PORT_MAC}])
        plan = plans.pair_add(port, [pairs.Pair('0.0.0.0/0')], 'web-1')
        self.assertEqual((), plan.warnings)

    def test_port_security_disabled(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        exc = self.assertRaises(
            exceptions.CommandError, plans.pair_add, port,
            [pairs.Pair('10.0.0.10')], 'web-1',
        )
        self.assertIn('Port web-1 has port security disabled', str(exc))
        self.assertIn("'openstack port security enable web-1'", str(exc))

    def test_no_extension(self):
        # Neutron without port-security has no flag to check and accepts
        # pairs (the no-port-security profile of the local cloud shows it).
        port = fakes.make_port(port_security_enabled=None)
        plan = plans.pair_add(port, [pairs.Pair('10.0.0.10')], 'web-1')
        self.assertEqual(
            {'allowed_address_pairs': [{'ip_address': '10.0.0.10'}]},
            plan.attrs)


class TestPairRemove(base.TestCase):

    def test_remove(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B])
        plan = plans.pair_remove(port, [pairs.Pair('10.0.0.9')], 'web-1')
        self.assertEqual({'allowed_address_pairs': [PAIR_B]}, plan.attrs)
        self.assertEqual(
            [f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})'],
            said(plan),
        )
        self.assertEqual([PAIR_A, PAIR_B], port.allowed_address_pairs)

    def test_host_bits_removed_exactly(self):
        stored = {'ip_address': '10.0.0.130/28', 'mac_address': fakes.PORT_MAC}
        port = fakes.make_port(allowed_address_pairs=[stored, PAIR_A])
        plan = plans.pair_remove(port, pairs.parse_pairs(
            [{'ip-address': '10.0.0.130/28'}], keep_host_bits=True), 'web-1')
        self.assertEqual({'allowed_address_pairs': [PAIR_A]}, plan.attrs)
        self.assertEqual(
            [f'removed allowed address pair 10.0.0.130/28 ({fakes.PORT_MAC})'],
            said(plan))

    def test_works_with_port_security_disabled(self):
        # Neutron refuses pairs on such a port, but a stale pair must still
        # be removable.
        port = fakes.make_port(port_security_enabled=False,
                               allowed_address_pairs=[PAIR_A])
        plan = plans.pair_remove(port, [pairs.Pair('10.0.0.9')], 'web-1')
        self.assertEqual({'allowed_address_pairs': []}, plan.attrs)

    def test_missing(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        exc = self.assertRaises(
            exceptions.CommandError, plans.pair_remove, port,
            [pairs.Pair('10.0.0.77')], 'web-1',
        )
        self.assertIn('10.0.0.77 is not on port web-1', str(exc))


class TestPairClear(base.TestCase):

    def test_clear(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B])
        plan = plans.pair_clear(port, 'p1')
        self.assertEqual({'allowed_address_pairs': []}, plan.attrs)
        self.assertEqual(
            [f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
             f'removed allowed address pair 10.0.1.0/24 ({OTHER_MAC})'],
            said(plan),
        )

    def test_empty(self):
        plan = plans.pair_clear(fakes.make_port(), 'p1')
        self.assertEqual({}, plan.attrs)
        self.assertEqual(['no allowed address pairs to clear'], said(plan))


class TestDisable(base.TestCase):

    def test_disable(self):
        port = fakes.make_port(
            security_groups=[fakes.SG_ID, fakes.SG2_ID],
            allowed_address_pairs=[PAIR_A],
        )
        plan = plans.disable(port, {fakes.SG_ID: 'web', fakes.SG2_ID: None},
                             'web-1')
        self.assertEqual(
            {'is_port_security_enabled': False, 'security_group_ids': [],
             'allowed_address_pairs': []},
            plan.attrs,
        )
        self.assertEqual(
            [f'removed security group web ({fakes.SG_ID})',
             f'removed security group {fakes.SG2_ID}',
             f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
             'disabled port security'],
            said(plan),
        )

    def test_groups_without_pairs(self):
        # No allowed_address_pairs key: Neutron must not check the
        # update_port:allowed_address_pairs policy for it.
        port = fakes.make_port()
        plan = plans.disable(port, {fakes.SG_ID: 'web'}, 'web-1')
        self.assertEqual(
            {'is_port_security_enabled': False, 'security_group_ids': []},
            plan.attrs,
        )
        self.assertNotIn('allowed_address_pairs', plan.attrs)
        self.assertEqual(
            [f'removed security group web ({fakes.SG_ID})',
             'disabled port security'],
            said(plan),
        )

    def test_pairs_without_groups(self):
        port = fakes.make_port(security_groups=[],
                               allowed_address_pairs=[PAIR_B])
        plan = plans.disable(port, {}, 'web-1')
        self.assertEqual(
            {'is_port_security_enabled': False, 'allowed_address_pairs': []},
            plan.attrs,
        )
        self.assertEqual(
            [f'removed allowed address pair 10.0.1.0/24 ({OTHER_MAC})',
             'disabled port security'],
            said(plan),
        )

    def test_nothing_attached(self):
        port = fakes.make_port(security_groups=[])
        plan = plans.disable(port, {}, 'web-1')
        self.assertEqual({'is_port_security_enabled': False}, plan.attrs)
        self.assertEqual(['disabled port security'], said(plan))

    def test_already_disabled(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        plan = plans.disable(port, {}, 'web-1')
        self.assertEqual({}, plan.attrs)
        self.assertEqual(['port security is already disabled'], said(plan))

    def test_no_extension(self):
        port = fakes.make_port(port_security_enabled=None)
        self.assertRaises(exceptions.CommandError, plans.disable, port, {},
                          'web-1')


class TestEnable(base.TestCase):

    def test_enable_with_groups(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        plan = plans.enable(port, 'web-1', {fakes.SG_ID: 'web'})
        self.assertEqual(
            {'is_port_security_enabled': True,
             'security_group_ids': [fakes.SG_ID]},
            plan.attrs,
        )
        self.assertEqual(
            ['enabled port security',
             f'added security group web ({fakes.SG_ID})'],
            said(plan),
        )
        self.assertEqual((), plan.warnings)

    def test_enable_without_groups_warns(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        plan = plans.enable(port, 'web-1', {})
        self.assertEqual({'is_port_security_enabled': True}, plan.attrs)
        self.assertEqual(1, len(plan.warnings))
        self.assertIn('Port web-1 has port security enabled and no security '
                      'group', plan.warnings[0])
        self.assertIn('--security-group', plan.warnings[0])

    def test_group_already_on_port_not_added(self):
        port = fakes.make_port()
        plan = plans.enable(port, 'web-1',
                            {fakes.SG_ID: None, fakes.SG2_ID: None})
        self.assertEqual(
            {'security_group_ids': [fakes.SG_ID, fakes.SG2_ID]}, plan.attrs
        )
        self.assertEqual([f'added security group {fakes.SG2_ID}'],
                         said(plan))

    def test_already_enabled(self):
        plan = plans.enable(fakes.make_port(), 'web-1', {fakes.SG_ID: None})
        self.assertEqual({}, plan.attrs)
        self.assertEqual(['port security is already enabled'], said(plan))
        self.assertEqual((), plan.warnings)

    def test_restore_pairs(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        restore = [PAIR_A, PAIR_B]
        original = copy.deepcopy(restore)
        plan = plans.enable(port, 'web-1', {fakes.SG_ID: None},
                            restore_pairs=restore)
        self.assertEqual(
            {'is_port_security_enabled': True,
             'security_group_ids': [fakes.SG_ID],
             'allowed_address_pairs': [PAIR_A, PAIR_B]},
            plan.attrs,
        )
        self.assertEqual(
            ['enabled port security',
             f'added security group {fakes.SG_ID}',
             f'restored allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
             f'restored allowed address pair 10.0.1.0/24 ({OTHER_MAC})'],
            said(plan),
        )
        self.assertEqual(original, restore)

    def test_restore_pairs_already_there(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        plan = plans.enable(port, 'web-1', {}, restore_pairs=[PAIR_A])
        self.assertEqual({}, plan.attrs)
        self.assertEqual(
            ['port security is already enabled',
             f'skipped allowed address pair 10.0.0.9 ({fakes.PORT_MAC}): '
             f'already on the port'],
            said(plan),
        )

    def test_restore_finding_all_back_says_so_for_every_part(self):
        # Another client (or an earlier run) put everything back: each
        # part is named, the flag, each group, each pair.
        port = fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B],
                               security_groups=[fakes.SG_ID, fakes.SG2_ID])
        plan = plans.enable(port, 'web-1', {},
                            restored_groups={fakes.SG_ID: 'web',
                                             fakes.SG2_ID: 'db'},
                            restore_pairs=[PAIR_A, PAIR_B])
        self.assertEqual({}, dict(plan.attrs))
        self.assertEqual(
            ['port security is already enabled',
             f'skipped security group web ({fakes.SG_ID}): already on the '
             f'port',
             f'skipped security group db ({fakes.SG2_ID}): already on the '
             f'port',
             f'skipped allowed address pair 10.0.0.9 ({fakes.PORT_MAC}): '
             f'already on the port',
             f'skipped allowed address pair 10.0.1.0/24 '
             f'({fakes.OTHER_MAC}): already on the port'],
            said(plan))

    def test_restore_part_back_part_missing(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[fakes.SG_ID],
                               allowed_address_pairs=[])
        plan = plans.enable(port, 'web-1', {},
                            restored_groups={fakes.SG_ID: 'web',
                                             fakes.SG2_ID: 'db'},
                            restore_pairs=[PAIR_A])
        self.assertEqual(
            ['enabled port security',
             f'restored security group db ({fakes.SG2_ID})',
             f'skipped security group web ({fakes.SG_ID}): already on the '
             f'port',
             f'restored allowed address pair 10.0.0.9 ({fakes.PORT_MAC})'],
            said(plan))

    def test_restore_pairs_repeated(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[],
                               allowed_address_pairs=[PAIR_A])
        plan = plans.enable(port, 'web-1', {},
                            restore_pairs=[PAIR_A, PAIR_B, PAIR_B],
                            restored_groups={fakes.SG_ID: 'web'})
        self.assertEqual(
            {'is_port_security_enabled': True,
             'security_group_ids': [fakes.SG_ID],
             'allowed_address_pairs': [PAIR_A, PAIR_B]},
            plan.attrs,
        )
        self.assertEqual(
            ['enabled port security',
             f'restored security group web ({fakes.SG_ID})',
             f'restored allowed address pair 10.0.1.0/24 ({OTHER_MAC})',
             f'skipped allowed address pair 10.0.0.9 ({fakes.PORT_MAC}): '
             f'already on the port',
             f'skipped allowed address pair 10.0.1.0/24 ({OTHER_MAC}): '
             f'given more than once'],
            said(plan),
        )

    def test_no_extension(self):
        port = fakes.make_port(port_security_enabled=None)
        self.assertRaises(exceptions.CommandError, plans.enable, port,
                          'web-1', {})


class TestChangesAsData(base.TestCase):

    def test_disable_changes(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        plan = plans.disable(port, {fakes.SG_ID: 'web'}, 'web-1')
        self.assertEqual(
            [changes.group('remove', fakes.SG_ID, 'web'),
             changes.pair('remove', '10.0.0.9', fakes.PORT_MAC),
             changes.Change('disable', 'port_security')],
            list(plan.changes))
        self.assertTrue(plan.removes)

    def test_add_is_not_a_removal(self):
        plan = plans.pair_add(fakes.make_port(), [pairs.Pair('10.0.0.9')],
                              'web-1')
        self.assertEqual([changes.pair('add', '10.0.0.9', None)],
                         list(plan.changes))
        self.assertFalse(plan.removes)

    def test_clear_and_remove_are_removals(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.assertTrue(plans.pair_clear(port, 'p1').removes)
        self.assertTrue(plans.pair_remove(
            port, [pairs.Pair('10.0.0.9')], 'web-1').removes)
        self.assertFalse(plans.pair_clear(fakes.make_port(), 'p1').removes)

    def test_pair_add_notes_first(self):
        note = changes.Change('note', 'journal', {
            'command': 'pair clear', 'recorded_revision': 2,
            'current_revision': 3})
        plan = plans.pair_add(fakes.make_port(), [], 'web-1',
                              restored=[pairs.as_pair(PAIR_A)],
                              notes=[note])
        self.assertEqual(
            [note, changes.pair('restore', '10.0.0.9', fakes.PORT_MAC)],
            list(plan.changes))

    def test_enable_notes_first_and_restore_wins(self):
        port = fakes.make_port(port_security_enabled=False,
                               security_groups=[])
        skipped = changes.group('skip', fakes.SG2_ID, None, 'gone')
        plan = plans.enable(port, 'web-1', {fakes.SG_ID: 'web'},
                            restored_groups={fakes.SG_ID: 'web'},
                            notes=[skipped])
        self.assertEqual(
            {'is_port_security_enabled': True,
             'security_group_ids': [fakes.SG_ID]}, plan.attrs)
        self.assertEqual(
            [skipped, changes.Change('enable', 'port_security'),
             changes.group('restore', fakes.SG_ID, 'web')],
            list(plan.changes))

    def test_enable_keeps_groups_on_port(self):
        port = fakes.make_port(port_security_enabled=False)
        plan = plans.enable(port, 'web-1', {fakes.SG2_ID: 'db'})
        self.assertEqual(
            {'is_port_security_enabled': True,
             'security_group_ids': [fakes.SG_ID, fakes.SG2_ID]},
            plan.attrs)

    def test_pure(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        before = port.to_dict()
        plans.pair_clear(port, 'p1')
        plans.disable(port, {}, 'web-1')
        plans.pair_add(port, [pairs.Pair('10.0.0.10')], 'web-1')
        plans.pair_remove(port, [pairs.Pair('10.0.0.9')], 'web-1')
        self.assertEqual(before, port.to_dict())


_IPS = st.sampled_from(['10.0.0.9', '10.0.0.10', '10.1.0.0/24',
                        '2001:db8::1', '192.0.2.0/28'])
_MACS = st.sampled_from([None, fakes.PORT_MAC, OTHER_MAC])


class TestProperties(base.TestCase):

    @given(
        st.lists(st.builds(
            lambda ip, mac: {'ip_address': ip,
                             'mac_address': mac or fakes.PORT_MAC},
            _IPS, _MACS),
            max_size=4,
            unique_by=lambda p: (p['ip_address'], p['mac_address'])),
        st.lists(st.builds(pairs.Pair, _IPS, _MACS), min_size=1,
                 max_size=4),
    )
    def test_add_then_remove_restores_the_list(self, stored, requested):
        port = fakes.make_port(allowed_address_pairs=stored)
        added = plans.pair_add(port, requested, 'web-1')
        if not added.attrs:
            return
        after_add = fakes.make_port(
            allowed_address_pairs=[
                {'ip_address': p['ip_address'],
                 'mac_address': p.get('mac_address') or fakes.PORT_MAC}
                for p in added.attrs['allowed_address_pairs']],
            revision_number=4)
        new = [c.detail for c in added.changes if c.action == 'add']
        removed = plans.pair_remove(
            after_add,
            [pairs.Pair(d['ip_address'], d['mac_address']) for d in new],
            'web-1')
        key = {pairs.pair_key(p, fakes.PORT_MAC)
               for p in removed.attrs['allowed_address_pairs']}
        self.assertEqual(
            {pairs.pair_key(p, fakes.PORT_MAC) for p in stored}, key)
        self.assertEqual(len(stored),
                         len(removed.attrs['allowed_address_pairs']))


class TestMissingExtensions(base.TestCase):
    """A plan refuses what the cloud cannot do before anything is sent."""

    def no_groups_port(self, **kw):
        return fakes.make_port(security_groups=None,
                               allowed_address_pairs=None, **kw)

    def test_pair_commands_refuse_without_pairs(self):
        port = self.no_groups_port()
        for plan in (
            lambda: plans.pair_add(port, [pairs.Pair('10.0.0.9')], 'p1'),
            lambda: plans.pair_remove(port, [pairs.Pair('10.0.0.9')], 'p1'),
            lambda: plans.pair_clear(port, 'p1'),
        ):
            exc = self.assertRaises(exceptions.CommandError, plan)
            self.assertIn('allowed-address-pairs extension', str(exc))
            self.assertIn('enable_security_group', str(exc))

    def test_enable_with_group_refuses_without_groups(self):
        port = self.no_groups_port(port_security_enabled=False)
        exc = self.assertRaises(exceptions.CommandError, plans.enable,
                                port, 'p1', {fakes.SG_ID: 'web'})
        self.assertIn("security-group extension", str(exc))

    def test_enable_restoring_pairs_refuses_without_pairs(self):
        port = self.no_groups_port(port_security_enabled=False)
        exc = self.assertRaises(exceptions.CommandError, plans.enable,
                                port, 'p1', {}, restore_pairs=[PAIR_A])
        self.assertIn('allowed address pairs cannot be restored', str(exc))

    def test_enable_without_groups_works_and_does_not_warn(self):
        port = self.no_groups_port(port_security_enabled=False)
        plan = plans.enable(port, 'p1', {})
        self.assertEqual({'is_port_security_enabled': True}, plan.attrs)
        self.assertEqual((), plan.warnings)

    def test_disable_without_groups_sends_only_the_flag(self):
        plan = plans.disable(self.no_groups_port(), {}, 'p1')
        self.assertEqual({'is_port_security_enabled': False}, plan.attrs)

    def test_toggles_refuse_without_port_security(self):
        port = fakes.make_port(port_security_enabled=None)
        for plan in (lambda: plans.disable(port, {}, 'p1'),
                     lambda: plans.enable(port, 'p1', {})):
            exc = self.assertRaises(exceptions.CommandError, plan)
            self.assertIn('port-security extension', str(exc))


VIP = '10.0.0.100'
VIP_PAIR = {'ip_address': VIP, 'mac_address': fakes.PORT_MAC}


class TestVipJoinLeave(base.TestCase):

    def test_join_adds_own_mac_pair_and_group(self):
        port = fakes.make_port(allowed_address_pairs=[fakes.PAIR_B])
        plan = plans.vip_join(port, 'web-1', VIP, (fakes.SG2_ID, 'db'))
        self.assertEqual({
            'allowed_address_pairs': [
                fakes.PAIR_B, {'ip_address': VIP,
                               'mac_address': fakes.PORT_MAC}],
            'security_group_ids': [fakes.SG_ID, fakes.SG2_ID],
        }, dict(plan.attrs))
        self.assertEqual([changes.pair('add', VIP, fakes.PORT_MAC),
                          changes.group('add', fakes.SG2_ID, 'db')],
                         list(plan.changes))

    def test_join_present_is_nothing(self):
        port = fakes.make_port(allowed_address_pairs=[VIP_PAIR])
        plan = plans.vip_join(port, 'web-1', VIP, (fakes.SG_ID, 'web'))
        self.assertEqual({}, dict(plan.attrs))
        self.assertEqual(['skip'], [c.action for c in plan.changes])

    def test_join_refuses_port_security_off(self):
        port = fakes.make_port(**fakes.DISABLED)
        self.assertRaises(exceptions.CommandError, plans.vip_join, port,
                          'web-1', VIP, None)

    def test_leave_takes_only_the_vips_pair(self):
        cidr = {'ip_address': '10.0.0.0/24', 'mac_address': fakes.PORT_MAC}
        vmac = {'ip_address': VIP, 'mac_address': '00:00:5e:00:01:0a'}
        port = fakes.make_port(allowed_address_pairs=[
            cidr, VIP_PAIR, vmac, fakes.PAIR_B])
        plan = plans.vip_leave(port, VIP)
        self.assertEqual({'allowed_address_pairs': [cidr, vmac,
                                                    fakes.PAIR_B]},
                         dict(plan.attrs))
        self.assertEqual([changes.pair('remove', VIP, fakes.PORT_MAC)],
                         list(plan.changes))

    def test_leave_matches_any_notation(self):
        stored = {'ip_address': VIP + '/32',
                  'mac_address': fakes.PORT_MAC.upper()}
        port = fakes.make_port(allowed_address_pairs=[stored])
        self.assertEqual({'allowed_address_pairs': []},
                         dict(plans.vip_leave(port, VIP).attrs))

    def test_leave_absent_is_nothing(self):
        port = fakes.make_port(allowed_address_pairs=[fakes.PAIR_A])
        self.assertEqual({}, dict(plans.vip_leave(port, VIP).attrs))

    def test_rollback_group_only(self):
        port = fakes.make_port(allowed_address_pairs=[VIP_PAIR],
                               security_groups=[fakes.SG_ID, fakes.SG2_ID])
        plan = plans.vip_leave(port, VIP, (fakes.SG2_ID, 'db'), pair=False)
        self.assertEqual({'security_group_ids': [fakes.SG_ID]},
                         dict(plan.attrs))

    def test_leave_without_the_pairs_extension_says_so(self):
        port = fakes.make_port(allowed_address_pairs=None,
                               security_groups=None)
        plan = plans.vip_leave(port, VIP)
        self.assertEqual({}, dict(plan.attrs))
        self.assertEqual(
            ["the VIP's allowed address pair left as it is: this cloud has "
             "no allowed-address-pairs extension"],
            [changes.words(c) for c in plan.changes])
