"""Tests of osc_portsec.port_state: the port-security state of a port."""

import types

from hypothesis import given
from hypothesis import strategies as st
from openstack.network.v2 import port as _port
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import port_state
from tests.unit import fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
PAIR_B = {'ip_address': '10.0.0.10', 'mac_address': fakes.PORT_MAC}


class TestHasPortSecurity(base.TestCase):

    def test_key_present(self):
        self.assertTrue(port_state.has_port_security(fakes.make_port()))

    def test_key_present_false(self):
        port = fakes.make_port(port_security_enabled=False)
        self.assertTrue(port_state.has_port_security(port))
        self.assertFalse(port.is_port_security_enabled)

    def test_key_absent(self):
        port = fakes.make_port(port_security_enabled=None)
        # The SDK reports False here; only the body tells the truth.
        self.assertFalse(port.is_port_security_enabled)
        self.assertFalse(port_state.has_port_security(port))

    def test_object_without_body(self):
        self.assertTrue(port_state.has_port_security(
            types.SimpleNamespace(is_port_security_enabled=False)))
        self.assertFalse(port_state.has_port_security(
            types.SimpleNamespace(is_port_security_enabled=None)))

    def test_require(self):
        port_state.require_port_security(fakes.make_port(), 'web-1')
        exc = self.assertRaises(
            exceptions.CommandError, port_state.require_port_security,
            fakes.make_port(port_security_enabled=None), 'web-1',
        )
        self.assertIn('Port web-1', str(exc))
        self.assertIn('port-security extension', str(exc))


class TestState(base.TestCase):

    def test_state(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        result = port_state.state(port)
        self.assertEqual(
            {
                'port_security_enabled': True,
                'security_group_ids': [fakes.SG_ID],
                'allowed_address_pairs': [PAIR_A],
                'revision_number': 3,
            },
            result,
        )
        result['allowed_address_pairs'][0]['ip_address'] = '192.0.2.1'
        result['security_group_ids'].append('x')
        self.assertEqual([PAIR_A], port.allowed_address_pairs)
        self.assertEqual([fakes.SG_ID], port.security_group_ids)

    def test_state_without_extension(self):
        port = fakes.make_port(port_security_enabled=None)
        self.assertIsNone(port_state.state(port)['port_security_enabled'])


class TestPredicted(base.TestCase):

    def test_applies_attrs_and_port_mac(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        after = port_state.predicted(port, {
            'allowed_address_pairs': [
                PAIR_A,
                {'ip_address': '10.0.0.10'},
                {'ip_address': '10.0.0.11',
                 'mac_address': 'fa:16:3e:aa:bb:cc'},
            ],
        })
        self.assertIsInstance(after, _port.Port)
        self.assertEqual(
            [PAIR_A, PAIR_B,
             {'ip_address': '10.0.0.11', 'mac_address': 'fa:16:3e:aa:bb:cc'}],
            after.allowed_address_pairs,
        )
        self.assertEqual(3, after.revision_number)
        self.assertEqual(fakes.PORT_ID, after.id)
        self.assertEqual([PAIR_A], port.allowed_address_pairs)

    def test_disable(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        after = port_state.predicted(port, {
            'is_port_security_enabled': False,
            'security_group_ids': [],
            'allowed_address_pairs': [],
        })
        self.assertEqual(
            {'port_security_enabled': False, 'security_group_ids': [],
             'allowed_address_pairs': [], 'revision_number': 3},
            port_state.state(after),
        )

    def test_keeps_missing_extension(self):
        # A dry run on a cloud without the port-security extension must not
        # start claiming that port security is off.
        port = fakes.make_port(port_security_enabled=None,
                               allowed_address_pairs=[PAIR_A])
        after = port_state.predicted(port, {'allowed_address_pairs': []})
        self.assertFalse(port_state.has_port_security(after))
        self.assertIsNone(port_state.state(after)['port_security_enabled'])


class TestFlag(base.TestCase):

    def test_flag(self):
        self.assertIs(True, port_state.flag(fakes.make_port()))
        self.assertIs(False, port_state.flag(
            fakes.make_port(port_security_enabled=False)))
        self.assertIsNone(port_state.flag(
            fakes.make_port(port_security_enabled=None)))


class TestMatches(base.TestCase):

    def test_same_state_matches(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.assertTrue(port_state.matches(
            fakes.make_port(allowed_address_pairs=[PAIR_A],
                            revision_number=9), port))

    def test_macless_pair_is_the_ports_mac(self):
        # Neutron stores the port's MAC in a pair sent without one.
        expected = port_state.predicted(
            fakes.make_port(), {'allowed_address_pairs': [
                {'ip_address': '10.0.0.9'}]})
        self.assertTrue(port_state.matches(
            fakes.make_port(allowed_address_pairs=[PAIR_A]), expected))

    def test_order_does_not_matter(self):
        self.assertTrue(port_state.matches(
            fakes.make_port(allowed_address_pairs=[PAIR_B, PAIR_A],
                            security_groups=[fakes.SG2_ID, fakes.SG_ID]),
            fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B],
                            security_groups=[fakes.SG_ID, fakes.SG2_ID])))

    def test_differences(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        for other in (
            fakes.make_port(),
            fakes.make_port(allowed_address_pairs=[PAIR_A],
                            security_groups=[]),
            fakes.make_port(allowed_address_pairs=[PAIR_A],
                            port_security_enabled=False),
            fakes.make_port(allowed_address_pairs=[PAIR_A],
                            port_security_enabled=None),
        ):
            self.assertFalse(port_state.matches(other, port))


_IPS = st.sampled_from(['10.0.0.9', '10.0.0.10', '10.1.0.0/24', '::1'])
_MACS = st.sampled_from([None, fakes.PORT_MAC, 'fa:16:3e:aa:bb:cc'])


class TestProperties(base.TestCase):

    @given(st.lists(st.tuples(_IPS, _MACS), max_size=4),
           st.sampled_from([True, False]),
           st.lists(st.sampled_from([fakes.SG_ID, fakes.SG2_ID]),
                    unique=True))
    def test_predicted_matches_what_neutron_stores(self, items, flag,
                                                   groups):
        port = fakes.make_port()
        attrs = {
            'allowed_address_pairs': [
                {'ip_address': ip, **({'mac_address': mac} if mac else {})}
                for ip, mac in items
            ],
            'is_port_security_enabled': flag,
            'security_group_ids': groups,
        }
        expected = port_state.predicted(port, attrs)
        stored = fakes.make_port(
            port_security_enabled=flag, security_groups=groups,
            allowed_address_pairs=[
                {'ip_address': ip, 'mac_address': mac or fakes.PORT_MAC}
                for ip, mac in items
            ], revision_number=4)
        self.assertTrue(port_state.matches(stored, expected))
        self.assertEqual(port.revision_number, expected.revision_number)


class TestMissingExtensions(base.TestCase):
    """Clouds without port-security, security groups or pairs."""

    def test_has_field_reads_the_body(self):
        port = fakes.make_port(security_groups=None,
                               allowed_address_pairs=None)
        self.assertFalse(port_state.has_field(port, 'security_groups'))
        self.assertFalse(port_state.has_field(port, 'allowed_address_pairs'))
        self.assertTrue(port_state.has_field(port, 'port_security_enabled'))

    def test_state_says_none_not_empty(self):
        port = fakes.make_port(security_groups=None,
                               allowed_address_pairs=None)
        current = port_state.state(port)
        self.assertIsNone(current['security_group_ids'])
        self.assertIsNone(current['allowed_address_pairs'])
        self.assertTrue(current['port_security_enabled'])

    def test_state_keeps_empty_lists_when_reported(self):
        current = port_state.state(fakes.make_port(security_groups=[]))
        self.assertEqual([], current['security_group_ids'])
        self.assertEqual([], current['allowed_address_pairs'])

    def test_require_names_extension_and_setting(self):
        port = fakes.make_port(allowed_address_pairs=None)
        exc = self.assertRaises(exceptions.CommandError,
                                port_state.require_pairs, port, 'web-1')
        self.assertEqual(
            "Port web-1 reports no allowed_address_pairs field: this cloud "
            "does not have Neutron's allowed-address-pairs extension, so "
            "allowed address pairs cannot be changed here; the cloud "
            "operator enables it with [securitygroup] enable_security_group "
            "= true.", str(exc))

    def test_require_port_security_names_extension_driver(self):
        port = fakes.make_port(port_security_enabled=None)
        exc = self.assertRaises(exceptions.CommandError,
                                port_state.require_port_security, port, 'p')
        self.assertIn("port-security extension", str(exc))
        self.assertIn('[ml2] extension_drivers', str(exc))

    def test_require_passes_when_reported(self):
        port_state.require_pairs(fakes.make_port(), 'p')
        port_state.require_groups(fakes.make_port(), 'p')

    def test_predicted_keeps_missing_fields_missing(self):
        port = fakes.make_port(security_groups=None,
                               allowed_address_pairs=None)
        after = port_state.predicted(port,
                                     {'is_port_security_enabled': False})
        self.assertIsNone(port_state.state(after)['security_group_ids'])
        self.assertIsNone(port_state.state(after)['allowed_address_pairs'])
        self.assertFalse(port_state.flag(after))
