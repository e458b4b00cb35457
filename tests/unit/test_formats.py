"""Tests of osc_portsec.formats: a value in words for a table, as plain
JSON for a script."""

from osc_lib.test import base

from osc_portsec import formats


DISABLE = {
    'security_groups': [{'id': 'sg-1', 'name': 'web'},
                        {'id': 'sg-2', 'name': None}],
    'allowed_address_pairs': [{'ip_address': '10.0.0.9',
                               'mac_address': 'fa:16:3e:11:22:33'}],
    'neutron_refuses_plain_disable': 'AddressPairAndPortSecurityRequired',
}
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


def no_repr(test, text):
    """What a person reads has no Python repr and no nested quotes."""
    for mark in ("'", '[', ']', '{', '}', 'None'):
        test.assertNotIn(mark, text)


class TestScalars(base.TestCase):

    def test_plain(self):
        self.assertEqual('', formats.Plain(None).human_readable())
        self.assertIsNone(formats.Plain(None).machine_readable())
        self.assertEqual('7', formats.Plain(7).human_readable())
        self.assertEqual(7, formats.Plain(7).machine_readable())

    def test_port_security(self):
        self.assertEqual('True', formats.PortSecurity(True).human_readable())
        self.assertIs(False, formats.PortSecurity(False).machine_readable())
        column = formats.PortSecurity(None)
        self.assertIsNone(column.machine_readable())
        self.assertEqual('unavailable (no port-security extension)',
                         column.human_readable())

    def test_on_off(self):
        self.assertEqual(['on', 'off', 'n/a'], [
            formats.OnOff(v).human_readable() for v in (True, False, None)])
        self.assertIs(True, formats.OnOff(1).machine_readable())


class TestLists(base.TestCase):

    def test_lines(self):
        column = formats.Lines(['one', 'two'])
        self.assertEqual('one\ntwo', column.human_readable())
        self.assertEqual(['one', 'two'], column.machine_readable())

    def test_groups_and_pairs_one_a_line(self):
        groups = formats.Groups([{'id': 'sg-1', 'name': 'web'},
                                 {'id': 'sg-2', 'name': ''}])
        self.assertEqual('web (sg-1)\nsg-2', groups.human_readable())
        pairs = formats.Pairs([{'ip_address': '10.0.0.9',
                                'mac_address': 'fa:16:3e:11:22:33'},
                               {'ip_address': '10.1.0.0/24'}])
        self.assertEqual('10.0.0.9 (fa:16:3e:11:22:33)\n10.1.0.0/24',
                         pairs.human_readable())

    def test_fixed_ips_keep_port_show_shape(self):
        value = [{'subnet_id': 'sn-1', 'ip_address': '10.0.0.5'},
                 {'subnet_id': 'sn-2', 'ip_address': '2001:db8::5'}]
        column = formats.FixedIps(value)
        self.assertEqual(value, column.machine_readable())
        text = column.human_readable()
        self.assertEqual('10.0.0.5 (subnet sn-1)\n2001:db8::5 (subnet sn-2)',
                         text)
        no_repr(self, text)

    def test_count(self):
        column = formats.Count([{'ip_address': '10.0.0.9'}] * 3)
        self.assertEqual('3', column.human_readable())
        self.assertEqual(3, len(column.machine_readable()))

    def test_unavailable_not_empty(self):
        for cls, extension in (
            (formats.GroupIds, 'security-group'),
            (formats.Groups, 'security-group'),
            (formats.Pairs, 'allowed-address-pairs'),
            (formats.Count, 'allowed-address-pairs'),
            (formats.VrrpRules, 'security-group'),
        ):
            column = cls(None)
            self.assertEqual(f'unavailable (no {extension} extension)',
                             column.human_readable())
            self.assertIsNone(column.machine_readable())
        self.assertEqual('', formats.Pairs([]).human_readable())
        self.assertEqual([], formats.Pairs([]).machine_readable())


class TestDisableWouldRemove(base.TestCase):

    def test_pairs_and_groups(self):
        column = formats.DisableWouldRemove(DISABLE)
        self.assertEqual(DISABLE, column.machine_readable())
        self.assertEqual(
            'security groups web (sg-1), sg-2\n'
            'allowed address pairs 10.0.0.9 (fa:16:3e:11:22:33)\n'
            '(Neutron refuses a plain disable while the port has allowed '
            'address pairs)', column.human_readable())

    def test_groups_only(self):
        value = {'security_groups': [{'id': 'sg-1', 'name': ''}],
                 'allowed_address_pairs': [],
                 'neutron_refuses_plain_disable':
                     'PortSecurityPortHasSecurityGroup'}
        self.assertEqual(
            'security groups sg-1\n(Neutron refuses a plain disable while '
            'the port has security groups)',
            formats.DisableWouldRemove(value).human_readable())

    def test_nothing_and_not_enabled(self):
        value = {'security_groups': [], 'allowed_address_pairs': [],
                 'neutron_refuses_plain_disable': None}
        self.assertEqual('nothing',
                         formats.DisableWouldRemove(value).human_readable())
        column = formats.DisableWouldRemove(None)
        self.assertIsNone(column.machine_readable())
        self.assertEqual('nothing (port security is not enabled)',
                         column.human_readable())

    def test_unavailable(self):
        column = formats.DisableWouldRemove({'unavailable': 'port-security'})
        self.assertEqual(
            'unavailable (no port-security extension): disable cannot work '
            'on this cloud', column.human_readable())


class TestChanged(base.TestCase):

    def test_structure_in_json(self):
        self.assertEqual(CHANGED, formats.Changed(CHANGED).machine_readable())

    def test_words(self):
        self.assertEqual(
            'added allowed address pairs 10.0.0.10\n'
            'removed security groups web (sg-1)\n'
            'restored allowed address pairs 10.0.0.9 (fa:16:3e:11:22:33)\n'
            'skipped security groups sg-2\n'
            'port_security_enabled True -> False',
            formats.Changed(CHANGED).human_readable())
        self.assertEqual('nothing', formats.Changed(None).human_readable())


class TestVip(base.TestCase):

    def test_members(self):
        value = [{'id': 'p-1', 'name': 'web-1', 'mac_address': 'm',
                  'pair': 'single', 'pair_added_by_vip': True,
                  'port_security_enabled': True, 'binding_host_id': 'h1'},
                 {'id': 'p-2', 'name': '', 'mac_address': 'm', 'pair': None,
                  'pair_added_by_vip': False,
                  'port_security_enabled': None, 'binding_host_id': None}]
        text = formats.Members(value).human_readable()
        self.assertEqual(
            'web-1 (p-1): single pair (added by the VIP), port security on, '
            'host h1\np-2 (p-2): no pair, port security n/a', text)
        no_repr(self, text)

    def test_held_by(self):
        self.assertEqual('member web-1 on host h1', formats.HeldBy(
            {'host': 'h1', 'member': 'web-1', 'candidates': ['web-1']}
        ).human_readable())
        self.assertEqual('host h1 (members there: a, b)', formats.HeldBy(
            {'host': 'h1', 'member': None, 'candidates': ['a', 'b']}
        ).human_readable())
        self.assertIn('not shown', formats.HeldBy(None).human_readable())


class TestNamed(base.TestCase):

    def test_name_in_a_table_id_for_scripts(self):
        port = formats.Named({'id': 'p1', 'name': 'web-1'})
        self.assertEqual(('web-1', 'p1'), (port.human_readable(),
                                           port.machine_readable()))
        unnamed = formats.Named({'id': 'p1', 'name': None})
        self.assertEqual('p1', unnamed.human_readable())
        address = formats.Named('10.0.0.100')
        self.assertEqual(('10.0.0.100', '10.0.0.100'), (
            address.human_readable(), address.machine_readable()))
        self.assertEqual(('', None), (formats.Named(None).human_readable(),
                                      formats.Named(None).machine_readable()))
