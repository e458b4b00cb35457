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
            '10.0.0.9 (fa:16:3e:11:22:33) (Neutron refuses a plain disable: '
            'AddressPairAndPortSecurityRequired)',
            column.human_readable(),
        )

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
        self.assertIsNone(row[2])
