"""Tests of osc_portsec.columns: table and JSON forms of the columns."""

from osc_lib.cli import format_columns
from osc_lib.test import base

from osc_portsec import columns


DISABLE = {
    'security_groups': [{'id': 'sg-1', 'name': 'web'},
                        {'id': 'sg-2', 'name': None}],
    'allowed_address_pairs': [{'ip_address': '10.0.0.9',
                               'mac_address': 'fa:16:3e:11:22:33'}],
    'neutron_refuses_plain_disable': 'AddressPairAndPortSecurityRequired',
}


class TestColumns(base.TestCase):

    def test_show_keeps_port_show_names(self):
        for name in ('id', 'name', 'status', 'network_id', 'device_owner',
                     'device_id', 'mac_address', 'fixed_ips',
                     'port_security_enabled', 'security_group_ids',
                     'allowed_address_pairs', 'revision_number'):
            self.assertIn(name, columns.SHOW_COLUMNS)
        self.assertTrue(set(columns.LIST_COLUMNS) <= set(
            columns.LIST_LONG_COLUMNS))

    def test_port_security(self):
        self.assertEqual('True',
                         columns.PortSecurityColumn(True).human_readable())
        self.assertIs(False,
                      columns.PortSecurityColumn(False).machine_readable())
        column = columns.PortSecurityColumn(None)
        self.assertIsNone(column.machine_readable())
        self.assertIn('no port-security extension', column.human_readable())

    def test_lines(self):
        column = columns.LinesColumn(['one', 'two'])
        self.assertEqual('one\ntwo', column.human_readable())
        self.assertEqual(['one', 'two'], column.machine_readable())

    def test_disable(self):
        column = columns.DisableColumn(DISABLE)
        self.assertEqual(DISABLE, column.machine_readable())
        self.assertEqual(
            'security groups web (sg-1), sg-2; allowed address pairs '
            '10.0.0.9 (fa:16:3e:11:22:33) (Neutron refuses a plain disable '
            'while the port has allowed address pairs)',
            column.human_readable(),
        )

    def test_disable_groups_only(self):
        value = {'security_groups': [{'id': 'sg-1', 'name': ''}],
                 'allowed_address_pairs': [],
                 'neutron_refuses_plain_disable':
                     'PortSecurityPortHasSecurityGroup'}
        self.assertEqual(
            'security groups sg-1 (Neutron refuses a plain disable while '
            'the port has security groups)',
            columns.DisableColumn(value).human_readable())

    def test_disable_nothing(self):
        value = {'security_groups': [], 'allowed_address_pairs': [],
                 'neutron_refuses_plain_disable': None}
        self.assertEqual('nothing',
                         columns.DisableColumn(value).human_readable())
        column = columns.DisableColumn(None)
        self.assertIsNone(column.machine_readable())
        self.assertIn('not enabled', column.human_readable())

    def test_row(self):
        values = {'ip_address': '10.0.0.9',
                  'allowed_address_pairs': [{'ip_address': '10.0.0.9'}]}
        row = columns.row(values, ('ip_address', 'allowed_address_pairs',
                                   'mac_address'))
        self.assertEqual('10.0.0.9', row[0])
        self.assertIsInstance(row[1], format_columns.ListDictColumn)
        self.assertEqual([{'ip_address': '10.0.0.9'}],
                         row[1].machine_readable())
        # A value missing from the dict is shown empty, as osc-lib does.
        self.assertEqual('', row[2])


CHANGED = {
    'added': {'security_groups': [],
              'allowed_address_pairs': [{'ip_address': '10.0.0.10',
                                         'mac_address': None}]},
    'removed': {'security_groups': [{'id': 'sg-1', 'name': 'web'}],
                'allowed_address_pairs': []},
    'restored': {'security_groups': [],
                 'allowed_address_pairs': [
                     {'ip_address': '10.0.0.9',
                      'mac_address': 'fa:16:3e:11:22:33'}]},
    'skipped': {'security_groups': [{'id': 'sg-2', 'name': None,
                                     'reason': 'gone'}],
                'allowed_address_pairs': []},
    'port_security_enabled': {'before': True, 'after': False},
}


class TestChangedColumn(base.TestCase):

    def test_structure_in_json(self):
        self.assertEqual(CHANGED,
                         columns.ChangedColumn(CHANGED).machine_readable())

    def test_words_in_a_table(self):
        self.assertEqual(
            'added allowed address pairs 10.0.0.10\n'
            'removed security groups web (sg-1)\n'
            'restored allowed address pairs 10.0.0.9 (fa:16:3e:11:22:33)\n'
            'skipped security groups sg-2\n'
            'port_security_enabled True -> False',
            columns.ChangedColumn(CHANGED).human_readable())

    def test_nothing(self):
        value = {action: {'security_groups': [],
                          'allowed_address_pairs': []}
                 for action in ('added', 'removed', 'restored', 'skipped')}
        value['port_security_enabled'] = {'before': True, 'after': True}
        self.assertEqual('nothing',
                         columns.ChangedColumn(value).human_readable())
        self.assertEqual('nothing',
                         columns.ChangedColumn(None).human_readable())


class TestDeclarations(base.TestCase):

    def test_every_shown_column_declared(self):
        for shown in (columns.SHOW_COLUMNS, columns.LIST_COLUMNS,
                      columns.LIST_LONG_COLUMNS, columns.CHANGE_COLUMNS,
                      columns.CHANGE_SHORT_COLUMNS, columns.PAIR_COLUMNS):
            for name in shown:
                self.assertEqual(name, columns.COLUMNS[name].name)

    def test_fields_sent_to_neutron(self):
        self.assertEqual(
            ['id', 'name', 'network_id', 'device_owner',
             'port_security_enabled', 'security_groups',
             'allowed_address_pairs'],
            columns.fields(columns.LIST_COLUMNS))
        self.assertEqual(
            ['id', 'name', 'network_id', 'device_owner',
             'port_security_enabled', 'security_groups',
             'allowed_address_pairs', 'device_id', 'fixed_ips'],
            columns.fields(columns.LIST_LONG_COLUMNS))
        # Computed columns ask Neutron for nothing.
        self.assertEqual([], columns.fields(
            ('security_groups', 'disable_would_remove', 'changes',
             'changed', 'result')))

    def test_formatters(self):
        self.assertEqual(
            {'fixed_ips': format_columns.ListDictColumn,
             'port_security_enabled': columns.PortSecurityColumn,
             'security_group_ids': columns.GroupIdsColumn,
             'security_groups': columns.GroupsColumn,
             'allowed_address_pairs': columns.PairsColumn,
             'disable_would_remove': columns.DisableColumn,
             'changes': columns.LinesColumn,
             'changed': columns.ChangedColumn,
             'blocked_at': columns.SidesColumn,
             'source': columns.EndColumn,
             'destination': columns.EndColumn,
             'reply': columns.ReplyColumn,
             'fix': columns.FixColumn,
             'trace': columns.LinesColumn,
             'backend': columns.BackendColumn,
             'differences': columns.DifferencesColumn,
             'packet': format_columns.DictColumn,
             'notes': columns.LinesColumn,
             'rule': columns.RulesColumn},
            columns.FORMATTERS)

    def test_row_formats_every_column(self):
        values = {'id': 'p1', 'changes': ['a'], 'changed': CHANGED,
                  'port_security_enabled': None}
        row = columns.row(values, ('id', 'changes', 'changed',
                                   'port_security_enabled'))
        self.assertEqual('p1', row[0])
        self.assertIsInstance(row[1], columns.LinesColumn)
        self.assertIsInstance(row[2], columns.ChangedColumn)
        self.assertIsInstance(row[3], columns.PortSecurityColumn)
        self.assertIsNone(row[3].machine_readable())


class TestUnavailable(base.TestCase):
    """A field the cloud does not have is said so, never an empty list."""

    def test_lists(self):
        for name, extension in (
            ('security_group_ids', 'security-group'),
            ('security_groups', 'security-group'),
            ('allowed_address_pairs', 'allowed-address-pairs'),
        ):
            column = columns.FORMATTERS[name](None)
            self.assertEqual(f'unavailable (no {extension} extension)',
                             column.human_readable())
            self.assertIsNone(column.machine_readable())

    def test_lists_when_reported(self):
        column = columns.FORMATTERS['security_group_ids'](['a', 'b'])
        self.assertEqual("a, b", column.human_readable())
        self.assertEqual(['a', 'b'], column.machine_readable())
        column = columns.FORMATTERS['allowed_address_pairs']([])
        self.assertEqual('', column.human_readable())
        self.assertEqual([], column.machine_readable())

    def test_disable_unavailable(self):
        column = columns.DisableColumn({'unavailable': 'port-security'})
        self.assertEqual(
            'unavailable (no port-security extension): disable cannot work '
            'on this cloud', column.human_readable())
        self.assertEqual({'unavailable': 'port-security'},
                         column.machine_readable())


class TestReachColumns(base.TestCase):
    """The columns of reach and matrix, as a person reads them."""

    PORT = {'id': 'p1', 'name': 'web-1', 'network_id': 'n1'}

    def test_ends(self):
        end = columns.EndColumn({
            'port': self.PORT, 'address': '10.0.0.5', 'verdict': 'drop',
            'decided_by': 'conntrack', 'rule': None, 'reason': 'Why.'})
        self.assertEqual('web-1 (10.0.0.5): drop (conntrack)\nWhy.',
                         end.human_readable())
        outside = columns.EndColumn({'outside': True,
                                     'address': '203.0.113.9'})
        self.assertEqual('203.0.113.9: outside Neutron, not evaluated',
                         outside.human_readable())
        label = columns.EndColumn({'id': 'p2', 'name': ''})
        self.assertEqual('p2', label.human_readable())
        self.assertEqual({'id': 'p2', 'name': ''}, label.machine_readable())

    def test_fix_reply_sides_and_differences(self):
        fix = columns.FixColumn([
            {'command': 'openstack x', 'side': 'destination',
             'also_opens': [{'id': 'p3', 'name': 'db-2'},
                            {'id': 'p4', 'name': ''}]},
            'openstack port security enable p1'])
        self.assertEqual('[destination] openstack x\n  also opens: db-2, '
                         'p4\nopenstack port security enable p1',
                         fix.human_readable())
        self.assertEqual('none: No reply.', columns.ReplyColumn(
            {'verdict': None, 'reason': 'No reply.'}).human_readable())
        self.assertEqual('source, destination', columns.SidesColumn(
            ['source', 'destination']).human_readable())
        diffs = columns.DifferencesColumn([
            {'backend': 'openvswitch', 'verdict': 'pass', 'blocked_at': [],
             'decided_by': 'pass', 'why': 'Allowed.'}])
        self.assertEqual('openvswitch: pass (pass): Allowed.',
                         diffs.human_readable())
        self.assertEqual('none: every back end agrees',
                         columns.DifferencesColumn([]).human_readable())

    def test_matrix_rules(self):
        rules = columns.RulesColumn([
            {'side': 'source', 'decided_by': 'security_group_rule',
             'id': 'r1', 'security_group_id': 'sg1',
             'security_group_name': 'web', 'rule': 'egress IPv4 any to any'},
            {'side': 'destination', 'decided_by': 'no_matching_rule'},
            {'side': 'reply', 'at': 'destination',
             'decided_by': 'no_matching_rule'}])
        self.assertEqual(
            'source: egress IPv4 any to any [web]\n'
            'destination: no_matching_rule\n'
            'reply: no_matching_rule at the destination',
            rules.human_readable())
