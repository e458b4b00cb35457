"""Tests of osc_portsec.values: values parsed and compared as Neutron does."""

import ipaddress

from hypothesis import given
from hypothesis import strategies as st
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import values
from tests.unit import strategies


class TestNonblank(base.TestCase):

    def test_kept_and_stripped(self):
        self.assertEqual('web-1', values.nonblank('web-1', 'port'))
        self.assertEqual('web-1', values.nonblank(' web-1\t', 'port'))

    def test_blank_refused(self):
        for value in ('', ' ', '\t\n', None):
            exc = self.assertRaises(exceptions.CommandError,
                                    values.nonblank, value, 'network')
            self.assertEqual(
                f"The network given is empty ({value!r}); give a network "
                f"name or ID.", str(exc))


class TestUuid(base.TestCase):

    def test_uuid_like(self):
        for value in ('8f4bd5a3-6c3e-4d8a-9f9e-0d2b1c3a4e51',
                      '8F4BD5A3-6C3E-4D8A-9F9E-0D2B1C3A4E51',
                      '8f4bd5a36c3e4d8a9f9e0d2b1c3a4e51'):
            self.assertTrue(values.is_uuid_like(value), value)
            self.assertEqual('8f4bd5a3-6c3e-4d8a-9f9e-0d2b1c3a4e51',
                             values.canonical_uuid(value))

    def test_not_uuid_like(self):
        for value in ('web-1', '', '8f4bd5a3-6c3e-4d8a-9f9e-0d2b1c3a4e5',
                      '10.0.0.5', 'zf4bd5a36c3e4d8a9f9e0d2b1c3a4e51'):
            self.assertFalse(values.is_uuid_like(value), value)


class TestMac(base.TestCase):

    def test_notations(self):
        for value in (
            'ce:9e:5d:ad:6d:80', 'CE:9E:5D:AD:6D:80', 'CE-9E-5D-AD-6D-80',
            'ce9e.5dad.6d80', 'CE9E.5DAD.6D80', 'ce9e5dad6d80',
            'Ce9E5dAd6D80', '  ce:9e:5d:ad:6d:80\n',
        ):
            self.assertEqual('ce:9e:5d:ad:6d:80', values.mac(value), value)

    def test_single_digit_octets(self):
        # netaddr, and so Neutron, reads fa:16:3e:1:22:33.
        self.assertEqual('fa:16:3e:01:22:33', values.mac('fa:16:3e:1:22:33'))

    def test_invalid(self):
        for value in ('zz:zz:zz:zz:zz:zz', 'foo', '', 'fa:16:3e:11:22',
                      'fa:16:3e:11:22:33:44', 'fa163e.1122.33g',
                      '10.0.0.5'):
            exc = self.assertRaises(exceptions.CommandError, values.mac,
                                    value)
            self.assertIn(f"'{value}' is not a valid MAC address", str(exc))

    def test_all_zero(self):
        exc = self.assertRaises(exceptions.CommandError, values.mac,
                                '00-00-00-00-00-00')
        self.assertEqual(
            "'00-00-00-00-00-00' is not a valid MAC address for an allowed "
            "address pair; Neutron refuses the all-zero MAC.", str(exc))

    def test_multicast(self):
        for value in ('01:00:5e:00:00:01', '33-33-00-00-00-01',
                      'CF9E.5DAD.6D80', 'FF:FF:FF:FF:FF:FF'):
            exc = self.assertRaises(exceptions.CommandError, values.mac,
                                    value)
            self.assertIn(f"MAC address '{value}' is a multicast", str(exc))

    def test_same_mac(self):
        self.assertTrue(values.same_mac('FA-16-3E-00-00-09',
                                        'fa:16:3e:00:00:09'))
        self.assertTrue(values.same_mac('fa16.3e00.0009',
                                        'FA163E000009'))
        self.assertFalse(values.same_mac('fa:16:3e:00:00:09',
                                         'fa:16:3e:00:00:0a'))
        self.assertTrue(values.same_mac(None, None))
        self.assertFalse(values.same_mac(None, 'fa:16:3e:00:00:09'))

    def test_mac_key_of_unreadable_value(self):
        # Whatever a client stored can still be matched, hence removed.
        self.assertEqual('not a mac', values.mac_key(' NOT a MAC '))
        self.assertIsNone(values.mac_key(None))


class TestIpAddress(base.TestCase):

    def test_canonical(self):
        for value, expected in (
            ('10.0.0.5', '10.0.0.5'),
            (' 10.0.0.5 ', '10.0.0.5'),
            ('2001:DB8::5', '2001:db8::5'),
            ('2001:0db8:0000:0000:0000:0000:0000:0005', '2001:db8::5'),
            ('2001:db8:0:0:0:0:0:5', '2001:db8::5'),
            ('::FFFF:10.0.0.5', '::ffff:10.0.0.5'),
            ('0:0:0:0:0:ffff:a00:5', '::ffff:10.0.0.5'),
        ):
            self.assertEqual(expected, values.ip_address(value), value)

    def test_invalid(self):
        for value in ('10.0.0.999', 'foo', '', '10.0.0', '10.1', '167772165',
                      'fa:16:3e:11:22:33', 'fe80::1%eth0', '10.0.0.0/24',
                      '2001:db8::5::1'):
            exc = self.assertRaises(exceptions.CommandError,
                                    values.ip_address, value)
            self.assertEqual(
                f"'{value}' is not a valid IP address; use an address such "
                f"as 10.0.0.5 or 2001:db8::5.", str(exc))

    def test_leading_zero_refused_with_decimal_form(self):
        # neutron-lib: "'010.0.0.5' is not an accepted IP address,
        # '10.0.0.5' is recommended".
        exc = self.assertRaises(exceptions.CommandError, values.ip_address,
                                '010.000.0.05')
        self.assertEqual(
            "'010.000.0.05' is not an accepted IP address because an octet "
            "has a leading zero (Neutron refuses it: it could be octal); "
            "write 10.0.0.5 if that is what you mean.", str(exc))

    def test_is_ip_like(self):
        self.assertTrue(values.is_ip_like('2001:DB8::5'))
        self.assertTrue(values.is_ip_like(' 10.0.0.5'))
        for value in ('web-1', '010.0.0.5', '10.0.0.0/24', '10.1', ''):
            self.assertFalse(values.is_ip_like(value), value)

    def test_lookup_ip_maps_ipv4_mapped(self):
        self.assertEqual('10.0.0.5', values.lookup_ip('::ffff:10.0.0.5'))
        self.assertEqual('10.0.0.5', values.lookup_ip('::FFFF:A00:5'))
        self.assertEqual('2001:db8::5', values.lookup_ip('2001:DB8:0::5'))

    def test_fixed_ip_filter(self):
        self.assertEqual('2001:db8::5',
                         values.fixed_ip_filter('2001:0DB8::0005'))
        self.assertEqual('10.0.0.5', values.fixed_ip_filter('::ffff:10.0.0.5'))
        exc = self.assertRaises(exceptions.CommandError,
                                values.fixed_ip_filter, 'not-an-ip')
        self.assertEqual(
            "'not-an-ip' is not a valid IP address for --fixed-ip; use an "
            "address such as 10.0.0.5 or 2001:db8::5.", str(exc))
        exc = self.assertRaises(exceptions.CommandError,
                                values.fixed_ip_filter, '10.0.0.0/24')
        self.assertIn('not a valid IP address for --fixed-ip', str(exc))


class TestCidr(base.TestCase):

    def test_network_form(self):
        for value, expected in (
            ('10.0.0.0/24', '10.0.0.0/24'),
            ('10.9.0.1/24', '10.9.0.0/24'),
            ('10.0.0.0/255.255.255.0', '10.0.0.0/24'),
            ('10.0.0.5/32', '10.0.0.5/32'),
            ('0.0.0.0/0', '0.0.0.0/0'),
            ('2001:0DB8:0:0::1/64', '2001:db8::/64'),
            ('2001:db8::5/128', '2001:db8::5/128'),
        ):
            self.assertEqual(expected, values.cidr(value), value)

    def test_invalid(self):
        for value in ('10.0.0.0/33', '2001:db8::/129', 'foo/24', '10.0.0.0/',
                      '10.0/8', '10.0.0.0/x'):
            exc = self.assertRaises(exceptions.CommandError, values.cidr,
                                    value)
            self.assertEqual(
                f"'{value}' is not a valid CIDR; use a CIDR such as "
                f"10.0.0.0/24 or 2001:db8::/64.", str(exc))

    def test_leading_zero(self):
        exc = self.assertRaises(exceptions.CommandError, values.cidr,
                                '10.09.0.0/16')
        self.assertIn("'10.09.0.0/16' is not an accepted CIDR", str(exc))
        self.assertIn('write 10.9.0.0/16', str(exc))

    def test_ip_or_cidr(self):
        self.assertEqual('10.0.0.5', values.ip_or_cidr('10.0.0.5'))
        self.assertEqual('10.0.0.0/8', values.ip_or_cidr('10.1.2.3/8'))
        exc = self.assertRaises(exceptions.CommandError, values.ip_or_cidr,
                                '10.0.0.999/8')
        self.assertIn('CIDR', str(exc))
        exc = self.assertRaises(exceptions.CommandError, values.ip_or_cidr,
                                '10.0.0.999')
        self.assertIn('IP address', str(exc))
        self.assertNotIn('CIDR', str(exc))


class TestAddressKey(base.TestCase):
    """Stored pair addresses compared as the back ends read them."""

    def test_equal(self):
        for a, b in (('10.0.0.5', '10.0.0.5/32'),
                     ('10.9.0.0/24', '10.9.0.0/24 '),
                     ('2001:DB8::5', '2001:db8:0:0:0:0:0:5/128'),
                     ('2001:db8::85/123', '2001:DB8:0::0085/123')):
            self.assertTrue(values.same_address(a, b), (a, b))

    def test_different(self):
        for a, b in (('10.0.0.5', '10.0.0.6'),
                     ('10.0.0.0/24', '10.0.0.0/25'),
                     ('10.0.0.5', '::ffff:10.0.0.5'),
                     # OVN lets only the host 10.0.0.130 through the first.
                     ('10.0.0.130/28', '10.0.0.128/28'),
                     ('10.0.0.130/28', '10.0.0.131/28'),
                     ('10.0.0.130/28', '10.0.0.130'),
                     ('2001:db8::85/123', '2001:db8::80/123')):
            self.assertFalse(values.same_address(a, b), (a, b))

    def test_unreadable_stored_value(self):
        self.assertTrue(values.same_address('Bogus', 'bogus '))
        self.assertEqual('bogus', values.network_of(' Bogus'))

    def test_network_of(self):
        self.assertEqual(values.network_of('10.0.0.128/28'),
                         values.network_of('10.0.0.130/28'))

    def test_host_bits(self):
        self.assertTrue(values.has_host_bits('10.0.0.130/28'))
        self.assertTrue(values.has_host_bits('2001:db8::1/64'))
        for text in ('10.0.0.128/28', '10.0.0.130', '10.0.0.130/32',
                     '2001:db8::/64'):
            self.assertFalse(values.has_host_bits(text), text)

    def test_exact_cidr_keeps_host_bits(self):
        self.assertEqual('10.0.0.130/28', values.exact_cidr('10.0.0.130/28'))
        self.assertEqual('2001:db8::1/64',
                         values.exact_cidr('2001:DB8:0::0001/64'))
        self.assertEqual('10.0.0.130/28',
                         values.ip_or_cidr('10.0.0.130/28', True))
        self.assertEqual('10.0.0.128/28', values.ip_or_cidr('10.0.0.130/28'))

    def test_multicast(self):
        for value in ('224.0.0.1', '192.0.0.0/2', 'ff02::1', '::/0',
                      'fe00::/7'):
            self.assertTrue(values.is_multicast(value), value)
        for value in ('0.0.0.0/0', '10.0.0.0/8', '2001:db8::/32'):
            self.assertFalse(values.is_multicast(value), value)


# Property tests: any notation Neutron accepts is the same value.

@st.composite
def _ipv6_notations(draw):
    address = draw(st.ip_addresses(v=6))
    form = draw(st.sampled_from(['compressed', 'exploded', 'upper',
                                 'unpadded']))
    if form == 'exploded':
        text = address.exploded
    elif form == 'upper':
        text = address.exploded.upper()
    elif form == 'unpadded':
        text = ':'.join(
            f'{int(group, 16):x}' for group in address.exploded.split(':'))
    else:
        text = address.compressed
    return text, address


class TestProperties(base.TestCase):

    @given(strategies.mac_notations())
    def test_mac_key_any_notation(self, value):
        text, canonical = value
        self.assertEqual(canonical, values.mac_key(text))
        self.assertTrue(values.same_mac(text, canonical))

    @given(_ipv6_notations())
    def test_ipv6_any_notation(self, value):
        text, address = value
        result = values.ip_address(text)
        self.assertEqual(result, values.ip_address(result))
        self.assertEqual(address, ipaddress.ip_address(result))
        self.assertEqual(result.lower(), result)
        self.assertTrue(values.same_address(text, result))

    @given(st.ip_addresses(v=4))
    def test_ipv4_and_mapped_lookup(self, address):
        self.assertEqual(str(address), values.ip_address(str(address)))
        mapped = ipaddress.IPv6Address(f'::ffff:{address}')
        for text in (str(mapped), mapped.exploded.upper()):
            self.assertEqual(str(address), values.lookup_ip(text))

    @given(st.ip_addresses(), st.data())
    def test_cidr_is_its_network(self, address, data):
        prefix = data.draw(st.integers(0, address.max_prefixlen))
        text = f'{address}/{prefix}'
        result = values.cidr(text)
        network = ipaddress.ip_network(text, strict=False)
        self.assertEqual(network, ipaddress.ip_network(result))
        self.assertEqual(result, values.cidr(result))
        # The network is the same pair as the CIDR typed only without host
        # bits.
        self.assertEqual(network.network_address == address,
                         values.same_address(text, result))
