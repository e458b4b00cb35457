"""Tests of osc_portsec.columns: one registry, and each command's view."""

import argparse

from osc_lib.test import base

from osc_portsec import columns
from osc_portsec import formats

VIEWS = (columns.SHOW, columns.LIST, columns.PAIRS, columns.CHANGE,
         columns.CHANGES, columns.EXPLAIN, columns.VIP_SHOW,
         columns.VIP_LIST, columns.VIP_STEPS)


def args(formatter='table', long=False, chosen=()):
    return argparse.Namespace(formatter=formatter, long=long,
                              columns=list(chosen))


class TestRegistry(base.TestCase):

    def test_every_view_column_declared(self):
        for view in VIEWS:
            for name in view.every():
                self.assertEqual(name, columns.COLUMNS[name].name)

    def test_show_keeps_port_show_names(self):
        for name in ('id', 'name', 'status', 'network_id', 'device_owner',
                     'device_id', 'mac_address', 'fixed_ips',
                     'port_security_enabled', 'security_group_ids',
                     'allowed_address_pairs', 'revision_number'):
            self.assertIn(name, columns.select(columns.SHOW, args('json')))
        # A table says each group once, with its name.
        table = columns.select(columns.SHOW, args())
        self.assertIn('security_groups', table)
        self.assertNotIn('security_group_ids', table)

    def test_row_formats_every_column(self):
        row = columns.row({'id': 'p1', 'changes': ['a'],
                           'port_security_enabled': None},
                          ('id', 'changes', 'port_security_enabled', 'name'))
        self.assertEqual('p1', row[0])
        self.assertEqual([['a'], None, None],
                         [c.machine_readable() for c in row[1:]])
        self.assertIsInstance(row[1], formats.Lines)
        self.assertIsInstance(row[2], formats.PortSecurity)
        # Absent: empty in a table, null in JSON; never the word None.
        self.assertEqual('', row[3].human_readable())


class TestViews(base.TestCase):

    def test_list_table_is_short_json_is_whole(self):
        self.assertEqual(('id', 'name', 'port_security', 'pairs'),
                         columns.select(columns.LIST, args()))
        self.assertEqual(
            ('id', 'name', 'network_id', 'device_owner',
             'port_security_enabled', 'security_group_ids',
             'allowed_address_pairs'),
            columns.select(columns.LIST, args('json')))
        long_table = columns.select(columns.LIST, args(long=True))
        for name in ('network_id', 'device_owner', 'security_group_ids',
                     'allowed_address_pairs', 'device_id', 'fixed_ips'):
            self.assertIn(name, long_table)
        self.assertEqual(
            columns.select(columns.LIST, args('json')) + (
                'device_id', 'fixed_ips'),
            columns.select(columns.LIST, args('yaml', long=True)))

    def test_changes_and_changed_never_both_in_a_table(self):
        for view in (columns.CHANGE, columns.CHANGES):
            for long in (False, True):
                self.assertNotIn('changed',
                                 columns.select(view, args(long=long)))
        self.assertIn('changed', columns.select(columns.CHANGE,
                                                args('json')))
        self.assertIn('changed', columns.select(columns.CHANGES,
                                                args('json', long=True)))

    def test_c_may_pick_any_column_of_the_view(self):
        every = columns.select(columns.LIST, args(chosen=['fixed_ips']))
        self.assertEqual(columns.LIST.every(), every)
        self.assertIn('port_security_enabled', every)
        self.assertIn('pairs', every)

    def test_c_keeps_the_order_of_the_json(self):
        # -c security_group_ids (in show's JSON, not its table) stands
        # where port show puts it, not after every table column.
        every = columns.select(columns.SHOW,
                               args(chosen=['security_group_ids']))
        self.assertEqual(columns.SHOW.data, every)

    def test_vip_steps_table_without_ids(self):
        self.assertEqual(('resource', 'name', 'result', 'changes'),
                         columns.select(columns.VIP_STEPS, args()))
        self.assertIn('id', columns.select(columns.VIP_STEPS, args('json')))


class TestFields(base.TestCase):

    def test_fields_sent_to_neutron(self):
        self.assertEqual(
            ['id', 'name', 'port_security_enabled', 'allowed_address_pairs'],
            columns.fields(columns.select(columns.LIST, args())))
        self.assertEqual(
            ['id', 'name', 'network_id', 'device_owner',
             'port_security_enabled', 'security_groups',
             'allowed_address_pairs', 'device_id', 'fixed_ips'],
            columns.fields(columns.select(columns.LIST,
                                          args('json', long=True))))
        # Computed columns ask Neutron for nothing.
        self.assertEqual([], columns.fields(
            ('security_groups', 'disable_would_remove', 'changes',
             'changed', 'result')))


class TestShowAndListed(base.TestCase):

    def test_show(self):
        names, row = columns.show({'ip_address': '10.0.0.9',
                                   'mac_address': None}, columns.PAIRS,
                                  args())
        self.assertEqual(('ip_address', 'mac_address'), names)
        self.assertEqual('10.0.0.9', row[0])
        self.assertEqual('', row[1].human_readable())

    def test_listed_streams_an_iterator_and_keeps_a_list(self):
        values = iter([{'ip_address': '10.0.0.9'}])
        _, rows = columns.listed(values, columns.PAIRS, args())
        self.assertNotIsInstance(rows, list)
        self.assertEqual(1, len(list(rows)))
        _, rows = columns.listed([{'ip_address': '10.0.0.9'}],
                                 columns.PAIRS, args())
        self.assertIsInstance(rows, list)
