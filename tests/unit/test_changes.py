"""Tests of osc_portsec.changes: a change as data, rendered once."""

import dataclasses

from hypothesis import given
from hypothesis import strategies as st
from osc_lib.test import base

from osc_portsec import changes
from osc_portsec.changes import Change
from osc_portsec import pairs
from osc_portsec import plans
from tests.unit import fakes


OTHER_MAC = 'fa:16:3e:aa:bb:cc'
PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}


class TestWords(base.TestCase):

    def test_done_and_would(self):
        for change, done, dry in (
            (changes.group('remove', fakes.SG_ID, 'web'),
             f'removed security group web ({fakes.SG_ID})',
             f'would remove security group web ({fakes.SG_ID})'),
            (changes.pair('remove', '10.0.0.9', fakes.PORT_MAC),
             f'removed allowed address pair 10.0.0.9 ({fakes.PORT_MAC})',
             f'would remove allowed address pair 10.0.0.9 '
             f'({fakes.PORT_MAC})'),
            (changes.pair('add', '10.0.0.10', None),
             'added allowed address pair 10.0.0.10',
             'would add allowed address pair 10.0.0.10'),
            (changes.group('add', fakes.SG2_ID, None),
             f'added security group {fakes.SG2_ID}',
             f'would add security group {fakes.SG2_ID}'),
            (changes.group('add', fakes.SG2_ID, ''),
             f'added security group {fakes.SG2_ID}',
             f'would add security group {fakes.SG2_ID}'),
            (changes.pair('restore', '10.0.1.0/24', OTHER_MAC),
             f'restored allowed address pair 10.0.1.0/24 ({OTHER_MAC})',
             f'would restore allowed address pair 10.0.1.0/24 '
             f'({OTHER_MAC})'),
            (changes.group('restore', fakes.SG_ID, 'web'),
             f'restored security group web ({fakes.SG_ID})',
             f'would restore security group web ({fakes.SG_ID})'),
            (changes.pair('skip', '10.0.0.9', None, 'present'),
             'skipped allowed address pair 10.0.0.9: already on the port',
             'would skip allowed address pair 10.0.0.9: already on the '
             'port'),
            (changes.pair('skip', '10.0.0.10', None, 'repeated'),
             'skipped allowed address pair 10.0.0.10: given more than once',
             'would skip allowed address pair 10.0.0.10: given more than '
             'once'),
            (changes.group('skip', fakes.SG2_ID, None, 'gone'),
             f'skipped security group {fakes.SG2_ID}: it no longer exists '
             f'or is not visible to you',
             f'would skip security group {fakes.SG2_ID}: it no longer '
             f'exists or is not visible to you'),
            (Change('disable', 'port_security'),
             'disabled port security', 'would disable port security'),
            (Change('enable', 'port_security'),
             'enabled port security', 'would enable port security'),
        ):
            self.assertEqual(done, changes.words(change), change)
            self.assertEqual(done, changes.words(change, dry_run=False))
            self.assertEqual(dry, changes.words(change, dry_run=True))

    def test_statements_same_in_a_dry_run(self):
        for change, text in (
            (Change('none', 'port_security', {'enabled': False}),
             'port security is already disabled'),
            (Change('none', 'port_security', {'enabled': True}),
             'port security is already enabled'),
            (Change('none', 'allowed_address_pairs'),
             'no allowed address pairs to clear'),
            (Change('note', 'journal', {'command': 'disable',
                                        'recorded_revision': 4,
                                        'current_revision': 7}),
             'port changed since the recorded disable (revision 4 then, 7 '
             'now): only what is missing from the port is put back'),
            (Change('note', 'reply', {'cause': 'timed out'}),
             'the reply to the update was lost (timed out); a re-read shows '
             'the change was applied'),
        ):
            self.assertEqual(text, changes.words(change))
            self.assertEqual(text, changes.words(change, dry_run=True))

    def test_unknown_statement(self):
        self.assertRaises(ValueError, changes.words,
                          Change('none', 'something_else'))


class TestBuilders(base.TestCase):

    def test_pair(self):
        self.assertEqual(
            Change('add', 'allowed_address_pair',
                   {'ip_address': '10.0.0.9', 'mac_address': None}),
            changes.pair('add', '10.0.0.9', None))
        self.assertEqual(
            {'ip_address': '10.0.0.9', 'mac_address': None,
             'reason': 'present'},
            changes.pair('skip', '10.0.0.9', None, 'present').detail)

    def test_group(self):
        self.assertEqual(
            Change('remove', 'security_group',
                   {'id': fakes.SG_ID, 'name': 'web'}),
            changes.group('remove', fakes.SG_ID, 'web'))

    def test_frozen(self):
        change = changes.pair('add', '10.0.0.9', None)
        self.assertRaises(AttributeError, setattr, change, 'action', 'x')


class TestPlan(base.TestCase):

    def test_removes(self):
        for items, removes in (
            ([], False),
            ([changes.pair('add', '10.0.0.9', None)], False),
            ([changes.pair('restore', '10.0.0.9', None),
              changes.pair('skip', '10.0.0.9', None, 'present')], False),
            ([Change('enable', 'port_security')], False),
            ([Change('none', 'allowed_address_pairs')], False),
            ([changes.pair('remove', '10.0.0.9', None)], True),
            ([changes.group('remove', fakes.SG_ID, None)], True),
            ([Change('disable', 'port_security')], True),
        ):
            self.assertEqual(removes, changes.Plan({}, items).removes, items)

    def test_immutable(self):
        attrs = {'allowed_address_pairs': []}
        items = [changes.pair('add', '10.0.0.9', None)]
        plan = changes.Plan(attrs, items, ['careful'])
        # The caller's list and dict are copied, not kept.
        attrs['security_group_ids'] = []
        items.append(Change('disable', 'port_security'))
        self.assertEqual({'allowed_address_pairs': []}, dict(plan.attrs))
        self.assertEqual((changes.pair('add', '10.0.0.9', None),),
                         plan.changes)
        self.assertEqual(('careful',), plan.warnings)
        with self.assertRaises(TypeError):
            plan.attrs['x'] = 1  # type: ignore[index]
        self.assertRaises(dataclasses.FrozenInstanceError, setattr, plan,
                          'changes', ())

    def test_extend_builds_a_new_plan(self):
        plan = changes.Plan({'allowed_address_pairs': []},
                            [changes.pair('add', '10.0.0.9', None)], ['w'])
        more = changes.group('add', fakes.SG_ID, 'web')
        bigger = changes.extend(plan, {'security_group_ids': [fakes.SG_ID]},
                                [more])
        self.assertEqual({'allowed_address_pairs': [],
                          'security_group_ids': [fakes.SG_ID]},
                         dict(bigger.attrs))
        self.assertEqual((changes.pair('add', '10.0.0.9', None), more),
                         bigger.changes)
        self.assertEqual(('w',), bigger.warnings)
        self.assertEqual({'allowed_address_pairs': []}, dict(plan.attrs))
        self.assertEqual(1, len(plan.changes))


class TestSummary(base.TestCase):

    def test_structure(self):
        summary = changes.summary(
            [
                Change('note', 'reply', {'cause': 'timed out'}),
                changes.group('remove', fakes.SG_ID, 'web'),
                changes.pair('remove', '10.0.0.9', fakes.PORT_MAC),
                Change('disable', 'port_security'),
                changes.pair('add', '10.0.0.10', None),
                changes.group('restore', fakes.SG2_ID, 'db'),
                changes.pair('skip', '10.0.0.11', None, 'repeated'),
                changes.group('skip', 'gone-id', None, 'gone'),
                Change('none', 'allowed_address_pairs'),
            ],
            True, False,
        )
        self.assertEqual(
            {
                'added': {
                    'security_groups': [],
                    'allowed_address_pairs': [
                        {'ip_address': '10.0.0.10', 'mac_address': None}],
                },
                'removed': {
                    'security_groups': [{'id': fakes.SG_ID, 'name': 'web'}],
                    'allowed_address_pairs': [PAIR_A],
                },
                'restored': {
                    'security_groups': [{'id': fakes.SG2_ID, 'name': 'db'}],
                    'allowed_address_pairs': [],
                },
                'skipped': {
                    'security_groups': [{'id': 'gone-id', 'name': None,
                                         'reason': 'gone'}],
                    'allowed_address_pairs': [
                        {'ip_address': '10.0.0.11', 'mac_address': None,
                         'reason': 'repeated'}],
                },
                'port_security_enabled': {'before': True, 'after': False},
            },
            summary,
        )

    def test_nothing(self):
        summary = changes.summary([], None, None)
        self.assertEqual({'before': None, 'after': None},
                         summary['port_security_enabled'])
        for action in ('added', 'removed', 'restored', 'skipped'):
            self.assertEqual(
                {'security_groups': [], 'allowed_address_pairs': []},
                summary[action])


_IPS = st.sampled_from(['10.0.0.9', '10.0.0.10', '10.0.0.10/32',
                        '10.1.0.0/24', '0.0.0.0/0', '2001:db8::1', '::/0'])
_MACS = st.sampled_from([None, fakes.PORT_MAC, OTHER_MAC])
_PAIRS = st.lists(st.builds(pairs.Pair, _IPS, _MACS), max_size=5)
_STORED = st.lists(
    st.builds(lambda ip, mac: {'ip_address': ip,
                               'mac_address': mac or fakes.PORT_MAC},
              _IPS, _MACS),
    max_size=4, unique_by=lambda p: (p['ip_address'], p['mac_address']))
_GROUPS = st.lists(st.sampled_from([fakes.SG_ID, fakes.SG2_ID]),
                   unique=True)


class TestProperties(base.TestCase):

    @given(_STORED, _PAIRS, _GROUPS, st.booleans())
    def test_words_never_raise_for_planned_changes(self, stored, requested,
                                                   groups, flag):
        port = fakes.make_port(allowed_address_pairs=stored,
                               security_groups=groups if flag else [],
                               port_security_enabled=flag)
        names = {fakes.SG_ID: 'web', fakes.SG2_ID: None}
        made = [plans.disable(port, names, 'web-1'),
                plans.pair_clear(port, 'p1'),
                plans.enable(port, 'web-1', {fakes.SG2_ID: 'db'},
                             restored_groups={fakes.SG_ID: 'web'},
                             restore_pairs=stored)]
        if flag:
            made += [plans.pair_add(port, requested, 'web-1',
                                    restored=requested[:1]),
                     plans.pair_remove(port, [], 'web-1')]
        for plan in made:
            for change in plan.changes:
                done = changes.words(change, False)
                would = changes.words(change, True)
                if change.action in ('none', 'note'):
                    # A statement is the same said before or after.
                    self.assertEqual(done, would)
                else:
                    # A dry run says "would", a change never does.
                    self.assertEqual('would ' + change.action,
                                     ' '.join(would.split()[:2]))
                    self.assertFalse(done.startswith('would'), done)
            changes.summary(plan.changes, flag, not flag)
