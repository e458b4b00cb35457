"""Tests of osc_portsec.pairs: validation, normalisation, merge and removal."""

import copy
import ipaddress
import re

from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import pairs
from tests.unit import strategies


PORT_MAC = 'fa:16:3e:11:22:33'
OTHER_MAC = 'fa:16:3e:aa:bb:cc'
MAC_RE = re.compile(r'^([0-9a-f]{2}:){5}[0-9a-f]{2}$')


class TestNormaliseMac(base.TestCase):

    def test_notations(self):
        for value in (
            'ce:9e:5d:ad:6d:80',
            'CE:9E:5D:AD:6D:80',
            'CE-9E-5D-AD-6D-80',
            'ce-9e-5d-ad-6d-80',
            'ce9e.5dad.6d80',
            'CE9E.5DAD.6D80',
            'ce9e5dad6d80',
            'Ce9E5dAd6D80',
            '  ce:9e:5d:ad:6d:80\n',
        ):
            self.assertEqual(
                'ce:9e:5d:ad:6d:80', pairs.normalise_mac(value), value
            )

    def test_invalid(self):
        for value in (
            'zz:zz:zz:zz:zz:zz',
            'foo',
            '',
            'fa:16:3e:11:22',
            'fa:16:3e:11:22:33:44',
            'fa:16-3e:11:22:33',
            'fa163e.1122.33',
            'fa:16:3e:1:22:333',
        ):
            exc = self.assertRaises(
                exceptions.CommandError, pairs.normalise_mac, value
            )
            self.assertIn(f"'{value}' is not a valid MAC address", str(exc))

    def test_all_zero_refused(self):
        # neutron-lib's INVALID_MAC_ADDRESSES.
        exc = self.assertRaises(
            exceptions.CommandError, pairs.normalise_mac, '00-00-00-00-00-00'
        )
        self.assertIn("'00-00-00-00-00-00' is not a valid MAC address",
                      str(exc))

    def test_multicast_refused(self):
        for value in ('01:00:5e:00:00:01', 'ff:ff:ff:ff:ff:ff',
                      '33-33-00-00-00-01', 'CF9E.5DAD.6D80'):
            exc = self.assertRaises(
                exceptions.CommandError, pairs.normalise_mac, value
            )
            self.assertIn('multicast', str(exc))
            self.assertIn(value, str(exc))


class TestNormaliseIp(base.TestCase):

    def test_addresses_and_cidrs(self):
        for value, expected in (
            ('10.0.0.5', '10.0.0.5'),
            (' 10.0.0.5 ', '10.0.0.5'),
            ('10.0.0.5/32', '10.0.0.5/32'),
            ('10.0.0.0/24', '10.0.0.0/24'),
            ('10.0.0.0/255.255.255.0', '10.0.0.0/24'),
            ('0.0.0.0/0', '0.0.0.0/0'),
            ('2001:DB8::5', '2001:db8::5'),
            ('2001:0db8:0000:0000:0000:0000:0000:0005', '2001:db8::5'),
            ('2001:0DB8:0:0::/64', '2001:db8::/64'),
            ('10.0.0.5/24', '10.0.0.0/24'),
            ('2001:db8::1/64', '2001:db8::/64'),
            ('2000::/3', '2000::/3'),
        ):
            self.assertEqual(expected, pairs.normalise_ip(value), value)

    def test_invalid(self):
        for value in ('10.0.0.999', 'foo', '', '10.0.0',
                      'fa:16:3e:11:22:33'):
            exc = self.assertRaises(
                exceptions.CommandError, pairs.normalise_ip, value
            )
            self.assertIn(f"'{value}' is not a valid IP address", str(exc))
            self.assertNotIn('CIDR', str(exc))

    def test_invalid_cidr(self):
        for value in ('10.0.0.0/33', '2001:db8::/129', '10.0.0.999/8',
                      'foo/8'):
            exc = self.assertRaises(
                exceptions.CommandError, pairs.normalise_ip, value
            )
            self.assertIn(f"'{value}' is not a valid CIDR", str(exc))

    def test_leading_zero_in_cidr_refused(self):
        exc = self.assertRaises(
            exceptions.CommandError, pairs.normalise_ip, ' 10.09.0.0/16 '
        )
        self.assertIn("is not an accepted CIDR", str(exc))
        self.assertIn('write 10.9.0.0/16', str(exc))

    def test_leading_zero_refused(self):
        # Neutron: "'010.0.0.5' is not an accepted IP address".
        exc = self.assertRaises(
            exceptions.CommandError, pairs.normalise_ip, '010.0.0.5'
        )
        self.assertIn("'010.0.0.5' is not an accepted IP address", str(exc))
        self.assertIn('write 10.0.0.5', str(exc))

    def test_ipv4_mapped_stays_ipv6(self):
        # Neutron reads ::ffff:10.0.0.5 as an IPv6 address, and so does the
        # data plane: it is not the pair 10.0.0.5.
        self.assertEqual('::ffff:10.0.0.5',
                         pairs.normalise_ip('::FFFF:A00:5'))

    def test_scope_id_refused(self):
        # Python accepts fe80::1%eth0; Neutron answers 400.
        exc = self.assertRaises(
            exceptions.CommandError, pairs.normalise_ip, 'fe80::1%eth0'
        )
        self.assertIn("'fe80::1%eth0' is not a valid IP address", str(exc))

    def test_cidr_overlapping_multicast_refused(self):
        # Neutron: "Subnet 192.0.0.0/2 overlaps with multicast range
        # 224.0.0.0/4"; it makes an exception for 0.0.0.0/0 only.
        for value, mcast in (('192.0.0.0/2', '224.0.0.0/4'),
                             ('128.0.0.0/1', '224.0.0.0/4'),
                             ('fe00::/7', 'ff00::/8'),
                             ('::/0', 'ff00::/8')):
            exc = self.assertRaises(
                exceptions.CommandError, pairs.normalise_ip, value
            )
            self.assertIn(f"CIDR '{value}'", str(exc))
            self.assertIn(mcast, str(exc))

    def test_multicast_refused(self):
        for value in ('224.0.0.1', '239.1.2.3/32', 'ff02::1', 'FF05::2/128'):
            exc = self.assertRaises(
                exceptions.CommandError, pairs.normalise_ip, value
            )
            self.assertIn('multicast', str(exc))
            self.assertIn(value, str(exc))


class TestParsePairs(base.TestCase):

    def test_parse(self):
        result = pairs.parse_pairs([
            {'ip-address': '10.0.0.5'},
            {'ip-address': '2001:DB8::5/128',
             'mac-address': 'CE-9E-5D-AD-6D-80'},
        ])
        self.assertEqual(
            [pairs.Pair('10.0.0.5', None),
             pairs.Pair('2001:db8::5/128', 'ce:9e:5d:ad:6d:80')],
            result,
        )

    def test_empty(self):
        self.assertEqual([], pairs.parse_pairs([]))

    def test_invalid_ip(self):
        self.assertRaises(
            exceptions.CommandError, pairs.parse_pairs,
            [{'ip-address': '10.0.0.5'}, {'ip-address': '10.0.0.999'}],
        )

    def test_invalid_mac(self):
        self.assertRaises(
            exceptions.CommandError, pairs.parse_pairs,
            [{'ip-address': '10.0.0.5', 'mac-address': 'zz:zz:zz:zz:zz:zz'}],
        )


class TestPair(base.TestCase):

    def test_body_without_mac(self):
        self.assertEqual(
            {'ip_address': '10.0.0.5'}, pairs.Pair('10.0.0.5').to_body()
        )

    def test_body_with_mac(self):
        self.assertEqual(
            {'ip_address': '10.0.0.5', 'mac_address': OTHER_MAC},
            pairs.Pair('10.0.0.5', OTHER_MAC).to_body(),
        )

    def test_str(self):
        self.assertEqual('10.0.0.5', str(pairs.Pair('10.0.0.5')))
        self.assertEqual(
            f'10.0.0.5 ({OTHER_MAC})', str(pairs.Pair('10.0.0.5', OTHER_MAC))
        )

    def test_as_pair(self):
        self.assertEqual(
            pairs.Pair('10.0.0.5', PORT_MAC),
            pairs.as_pair({'ip_address': '10.0.0.5',
                           'mac_address': PORT_MAC}),
        )
        self.assertEqual(
            pairs.Pair('10.0.0.5'), pairs.as_pair({'ip_address': '10.0.0.5'})
        )


class TestIsOpenToAll(base.TestCase):

    def test_open(self):
        self.assertTrue(pairs.is_open_to_all(pairs.Pair('0.0.0.0/0')))
        self.assertTrue(pairs.is_open_to_all(pairs.Pair('::/0', OTHER_MAC)))

    def test_not_open(self):
        for ip in ('10.0.0.5', '10.0.0.0/8', '0.0.0.0/1', '2001:db8::/32',
                   '0.0.0.0'):
            self.assertFalse(pairs.is_open_to_all(pairs.Pair(ip)), ip)


class TestMergePairs(base.TestCase):

    def setUp(self):
        super().setUp()
        self.current = [
            {'ip_address': '10.0.0.9', 'mac_address': PORT_MAC},
            {'ip_address': '10.0.1.0/24', 'mac_address': OTHER_MAC},
        ]
        self.original = copy.deepcopy(self.current)

    def test_add_new(self):
        change = pairs.merge_pairs(
            self.current,
            [pairs.Pair('10.0.0.10'), pairs.Pair('10.0.0.11', OTHER_MAC)],
            PORT_MAC,
        )
        self.assertEqual(
            self.original + [
                {'ip_address': '10.0.0.10'},
                {'ip_address': '10.0.0.11', 'mac_address': OTHER_MAC},
            ],
            change.pairs,
        )
        self.assertEqual(
            [pairs.Pair('10.0.0.10'), pairs.Pair('10.0.0.11', OTHER_MAC)],
            change.changed,
        )
        self.assertEqual([], change.skipped)

    def test_omitted_mac_is_port_mac(self):
        change = pairs.merge_pairs(
            self.current, [pairs.Pair('10.0.0.9')], PORT_MAC
        )
        self.assertEqual(self.original, change.pairs)
        self.assertEqual([], change.changed)
        self.assertEqual([pairs.Pair('10.0.0.9')], change.skipped)

    def test_port_mac_given_equals_stored(self):
        change = pairs.merge_pairs(
            [{'ip_address': '10.0.0.9'}],
            [pairs.Pair('10.0.0.9', PORT_MAC)], PORT_MAC,
        )
        self.assertEqual([pairs.Pair('10.0.0.9', PORT_MAC)], change.skipped)

    def test_other_mac_is_a_different_pair(self):
        change = pairs.merge_pairs(
            self.current, [pairs.Pair('10.0.0.9', OTHER_MAC)], PORT_MAC
        )
        self.assertEqual([pairs.Pair('10.0.0.9', OTHER_MAC)], change.changed)
        self.assertEqual(3, len(change.pairs))

    def test_host_address_equals_host_cidr(self):
        change = pairs.merge_pairs(
            self.current, [pairs.Pair('10.0.0.9/32')], PORT_MAC
        )
        self.assertEqual([pairs.Pair('10.0.0.9/32')], change.skipped)
        self.assertEqual(self.original, change.pairs)

    def test_stored_mac_compared_case_insensitively(self):
        change = pairs.merge_pairs(
            [{'ip_address': '10.0.0.9', 'mac_address': PORT_MAC.upper()}],
            [pairs.Pair('10.0.0.9')], PORT_MAC,
        )
        self.assertEqual([], change.changed)

    def test_duplicates_in_request_repeated(self):
        change = pairs.merge_pairs(
            self.current,
            [pairs.Pair('10.0.0.20'), pairs.Pair('10.0.0.20/32', PORT_MAC),
             pairs.Pair('10.0.0.20')],
            PORT_MAC,
        )
        self.assertEqual([pairs.Pair('10.0.0.20')], change.changed)
        self.assertEqual([], change.skipped)
        self.assertEqual(
            [pairs.Pair('10.0.0.20/32', PORT_MAC), pairs.Pair('10.0.0.20')],
            change.repeated,
        )
        self.assertEqual(
            self.original + [{'ip_address': '10.0.0.20'}], change.pairs
        )

    def test_repeated_vs_already_on_port(self):
        # A pair already on the port is skipped as such however often it
        # is given; only a new pair given twice is repeated.
        change = pairs.merge_pairs(
            self.current,
            [pairs.Pair('10.0.0.9'), pairs.Pair('10.0.0.20'),
             pairs.Pair('10.0.0.9/32', PORT_MAC),
             pairs.Pair('10.0.0.20/32')],
            PORT_MAC,
        )
        self.assertEqual([pairs.Pair('10.0.0.20')], change.changed)
        self.assertEqual(
            [pairs.Pair('10.0.0.9'), pairs.Pair('10.0.0.9/32', PORT_MAC)],
            change.skipped,
        )
        self.assertEqual([pairs.Pair('10.0.0.20/32')], change.repeated)
        self.assertEqual(
            self.original + [{'ip_address': '10.0.0.20'}], change.pairs
        )

    def test_same_ip_other_mac_not_repeated(self):
        change = pairs.merge_pairs(
            [], [pairs.Pair('10.0.0.20'), pairs.Pair('10.0.0.20', OTHER_MAC)],
            PORT_MAC,
        )
        self.assertEqual(
            [pairs.Pair('10.0.0.20'), pairs.Pair('10.0.0.20', OTHER_MAC)],
            change.changed,
        )
        self.assertEqual([], change.skipped)
        self.assertEqual([], change.repeated)

    def test_nothing_repeated(self):
        change = pairs.merge_pairs(
            self.current, [pairs.Pair('10.0.0.10')], PORT_MAC
        )
        self.assertEqual([], change.repeated)

    def test_new_list_input_not_mutated(self):
        change = pairs.merge_pairs(
            self.current, [pairs.Pair('10.0.0.10')], PORT_MAC
        )
        self.assertIsNot(self.current, change.pairs)
        self.assertEqual(self.original, self.current)
        change.pairs[0]['ip_address'] = '192.0.2.1'
        self.assertEqual(self.original, self.current)

    def test_unchanged_still_new_list(self):
        change = pairs.merge_pairs(self.current, [], PORT_MAC)
        self.assertEqual(self.original, change.pairs)
        self.assertIsNot(self.current, change.pairs)


class TestRemovePairs(base.TestCase):

    def setUp(self):
        super().setUp()
        self.current = [
            {'ip_address': '10.0.0.9', 'mac_address': PORT_MAC},
            {'ip_address': '10.0.1.0/24', 'mac_address': OTHER_MAC},
            {'ip_address': '2001:db8::9', 'mac_address': PORT_MAC},
        ]
        self.original = copy.deepcopy(self.current)

    def test_macless_matches_port_mac(self):
        change = pairs.remove_pairs(
            self.current, [pairs.Pair('10.0.0.9')], PORT_MAC, 'web-1'
        )
        self.assertEqual(self.original[1:], change.pairs)
        self.assertEqual([pairs.Pair('10.0.0.9')], change.changed)
        self.assertEqual([], change.skipped)
        self.assertEqual([], change.repeated)

    def test_with_mac_and_cidr_form(self):
        change = pairs.remove_pairs(
            self.current,
            [pairs.Pair('10.0.1.0/24', OTHER_MAC),
             pairs.Pair('2001:db8::9/128')],
            PORT_MAC, 'web-1',
        )
        self.assertEqual([self.original[0]], change.pairs)

    def test_same_pair_twice_removed_once(self):
        change = pairs.remove_pairs(
            self.current,
            [pairs.Pair('10.0.0.9'), pairs.Pair('10.0.0.9/32', PORT_MAC)],
            PORT_MAC, 'web-1',
        )
        self.assertEqual(self.original[1:], change.pairs)
        self.assertEqual([pairs.Pair('10.0.0.9')], change.changed)

    def test_missing_pair_is_error(self):
        exc = self.assertRaises(
            exceptions.CommandError, pairs.remove_pairs, self.current,
            [pairs.Pair('10.0.0.9'), pairs.Pair('10.0.0.77')],
            PORT_MAC, 'web-1',
        )
        message = str(exc)
        self.assertIn('10.0.0.77', message)
        self.assertIn('port web-1', message)
        self.assertIn('nothing was removed', message)
        self.assertNotIn('It is there with MAC', message)
        self.assertEqual(self.original, self.current)

    def test_hint_when_stored_with_other_mac(self):
        exc = self.assertRaises(
            exceptions.CommandError, pairs.remove_pairs, self.current,
            [pairs.Pair('10.0.1.0/24')], PORT_MAC, 'web-1',
        )
        self.assertIn('10.0.1.0/24', str(exc))
        self.assertIn(
            f'It is there with MAC {OTHER_MAC}; give '
            f'mac-address={OTHER_MAC} to remove it.',
            str(exc),
        )

    def test_input_not_mutated(self):
        change = pairs.remove_pairs(
            self.current, [pairs.Pair('10.0.0.9')], PORT_MAC, 'web-1'
        )
        self.assertEqual(self.original, self.current)
        self.assertIsNot(self.current, change.pairs)


class TestStoredByOtherClients(base.TestCase):
    """Neutron stores a pair as the client sent it: any notation."""

    STORED = [
        {'ip_address': '10.0.0.9', 'mac_address': 'FA-16-3E-11-22-33'},
        {'ip_address': '10.9.0.1/24', 'mac_address': PORT_MAC},
        {'ip_address': '2001:DB8:0:0::9', 'mac_address': 'fa16.3eaa.bbcc'},
    ]

    def test_add_sees_them(self):
        requested = [
            pairs.Pair('10.0.0.9'),
            pairs.Pair('10.0.0.9', PORT_MAC),
            pairs.Pair('2001:db8::9', OTHER_MAC),
        ]
        change = pairs.merge_pairs(self.STORED, requested, PORT_MAC)
        self.assertEqual([], change.changed)
        self.assertEqual(requested, change.skipped)
        self.assertEqual(self.STORED, change.pairs)

    def test_network_form_is_not_the_host_bits_pair(self):
        # 10.9.0.1/24 stored: OVN lets only 10.9.0.1 through, so the
        # network 10.9.0.0/24 is another pair, added beside it.
        for typed in ('10.9.0.0/24', '10.9.0.77/24'):
            requested = pairs.parse_pairs([{'ip-address': typed}])
            change = pairs.merge_pairs(self.STORED, requested, PORT_MAC)
            self.assertEqual(requested, change.changed)
            self.assertEqual([], change.skipped)
            self.assertEqual(
                self.STORED + [{'ip_address': '10.9.0.0/24'}], change.pairs)

    def test_remove_removes_them(self):
        for requested, left in (
            ([pairs.Pair('10.0.0.9')], [1, 2]),
            ([pairs.Pair('10.0.0.9', PORT_MAC)], [1, 2]),
            (pairs.parse_pairs([{'ip-address': '10.9.0.1/24'}],
                               keep_host_bits=True), [0, 2]),
            ([pairs.Pair(pairs.normalise_ip('2001:db8::9'),
                         pairs.normalise_mac('FA:16:3E:AA:BB:CC'))], [0, 1]),
        ):
            change = pairs.remove_pairs(self.STORED, requested, PORT_MAC,
                                        'web-1')
            self.assertEqual([self.STORED[i] for i in left], change.pairs,
                             requested)

    def test_stored_port_mac_in_caps_matches_omitted_mac(self):
        change = pairs.remove_pairs(
            [{'ip_address': '10.0.0.9', 'mac_address': 'FA:16:3E:11:22:33'}],
            [pairs.Pair('10.0.0.9')], 'fa:16:3e:11:22:33', 'web-1')
        self.assertEqual([], change.pairs)

    def test_hint_names_stored_mac(self):
        exc = self.assertRaises(
            exceptions.CommandError, pairs.remove_pairs, self.STORED,
            [pairs.Pair('2001:db8::9')], PORT_MAC, 'web-1')
        self.assertIn('It is there with MAC fa16.3eaa.bbcc', str(exc))

    def test_network_form_does_not_remove_the_host_bits_pair(self):
        exc = self.assertRaises(
            exceptions.CommandError, pairs.remove_pairs, self.STORED,
            pairs.parse_pairs([{'ip-address': '10.9.0.0/24'}], True),
            PORT_MAC, 'web-1')
        self.assertEqual(
            "Allowed address pair 10.9.0.0/24 is not on port web-1; nothing "
            "was removed. The port has 10.9.0.1/24, which is not the same "
            "pair: OVN reads a CIDR with host bits as its host only; "
            "give ip-address=10.9.0.1/24 to remove it.", str(exc))

    def test_unreadable_stored_values_still_removable(self):
        stored = [{'ip_address': 'Bogus', 'mac_address': 'Odd'}]
        change = pairs.remove_pairs(stored, [pairs.Pair('bogus', 'odd')],
                                    PORT_MAC, 'web-1')
        self.assertEqual([], change.pairs)


# Property tests.

_unicast_octets = st.lists(
    st.integers(0, 255), min_size=6, max_size=6
).map(lambda o: [o[0] & 0xFE] + o[1:]).filter(any)


@st.composite
def _ip_values(draw):
    address = draw(st.ip_addresses().filter(lambda a: not a.is_multicast))
    form = draw(st.sampled_from(['compressed', 'exploded', 'upper']))
    text = getattr(address, 'exploded' if form == 'exploded' else
                   'compressed')
    if form == 'upper':
        text = text.upper()
    if draw(st.booleans()):
        prefix = draw(st.integers(0, address.max_prefixlen))
        net = ipaddress.ip_interface(f'{address}/{prefix}').network
        # Neutron refuses CIDRs that overlap a multicast range, but for
        # 0.0.0.0/0; those have their own tests.
        mcast = ipaddress.ip_network(
            '224.0.0.0/4' if address.version == 4 else 'ff00::/8')
        assume(str(net) == '0.0.0.0/0' or not net.overlaps(mcast))
        text += f'/{prefix}'
    return text


_POOL_IPS = ['10.0.0.5', '10.0.0.5/32', '10.0.0.6', '10.0.0.0/24',
             '0.0.0.0/0', '2001:db8::5', '2001:db8::5/128', '2001:db8::/64']
_POOL_MACS = [None, PORT_MAC, OTHER_MAC, 'fa:16:3e:00:00:01']
# What other clients may have stored: the same values in other notations.
_STORED_IPS = _POOL_IPS + ['10.0.0.77/24', '2001:DB8:0:0::5', '10.0.0.6/32',
                           '2001:0db8::1/64']
_STORED_MACS = _POOL_MACS[1:] + ['FA-16-3E-11-22-33', 'fa16.3eaa.bbcc']

_requested = st.lists(
    st.builds(pairs.Pair, st.sampled_from(_POOL_IPS),
              st.sampled_from(_POOL_MACS)),
    max_size=8,
)


@st.composite
def _current(draw):
    # What Neutron stores: every pair has a MAC, and no two pairs are equal.
    stored = draw(st.lists(
        st.builds(lambda ip, mac: {'ip_address': ip, 'mac_address': mac},
                  st.sampled_from(_STORED_IPS),
                  st.sampled_from(_STORED_MACS)),
        max_size=6,
    ))
    unique = {}
    for p in stored:
        unique.setdefault(pairs.pair_key(p, PORT_MAC), p)
    return list(unique.values())


class TestProperties(base.TestCase):

    @given(strategies.mac_notations(_unicast_octets))
    def test_normalise_mac(self, value):
        text, canonical = value
        result = pairs.normalise_mac(text)
        self.assertRegex(result, MAC_RE)
        self.assertEqual(canonical, result)
        self.assertEqual(result, pairs.normalise_mac(result))

    @given(_ip_values())
    def test_normalise_ip_idempotent(self, text):
        result = pairs.normalise_ip(text)
        self.assertEqual(result, pairs.normalise_ip(result))
        self.assertEqual(result.lower(), result)
        self.assertEqual(
            ipaddress.ip_interface(text).network,
            ipaddress.ip_interface(result).network,
        )
        self.assertEqual('/' in text, '/' in result)
        net = ipaddress.ip_interface(text)
        same = net.ip == net.network.network_address
        self.assertEqual(same,
                         pairs.pair_key(pairs.Pair(text), PORT_MAC)
                         == pairs.pair_key(pairs.Pair(result), PORT_MAC))
        # Kept as typed, only the notation changes.
        exact = pairs.normalise_ip(text, keep_host_bits=True)
        self.assertEqual(pairs.pair_key(pairs.Pair(text), PORT_MAC),
                         pairs.pair_key(pairs.Pair(exact), PORT_MAC))

    @settings(max_examples=200)
    @given(_current(), _requested)
    def test_merge_then_remove_restores(self, current, requested):
        present = {pairs.pair_key(p, PORT_MAC) for p in current}
        new = [p for p in requested
               if pairs.pair_key(p, PORT_MAC) not in present]
        original = copy.deepcopy(current)
        merged = pairs.merge_pairs(current, new, PORT_MAC)
        self.assertEqual(original, current)
        if not new:
            self.assertEqual(original, merged.pairs)
            return
        removed = pairs.remove_pairs(merged.pairs, new, PORT_MAC, 'p')
        self.assertEqual(original, removed.pairs)

    @settings(max_examples=200)
    @given(_current(), _requested)
    def test_merge_idempotent(self, current, requested):
        first = pairs.merge_pairs(current, requested, PORT_MAC)
        second = pairs.merge_pairs(first.pairs, requested, PORT_MAC)
        self.assertEqual([], second.changed)
        self.assertEqual(requested, second.skipped)
        self.assertEqual([], second.repeated)
        self.assertEqual(first.pairs, second.pairs)

    @settings(max_examples=200)
    @given(_current(), _requested)
    def test_merge_keys_unique(self, current, requested):
        merged = pairs.merge_pairs(current, requested, PORT_MAC)
        keys = [pairs.pair_key(p, PORT_MAC) for p in merged.pairs]
        self.assertEqual(len(keys), len(set(keys)))
        self.assertEqual(
            len(current) + len(merged.changed), len(merged.pairs)
        )
        self.assertEqual(
            len(requested),
            len(merged.changed) + len(merged.skipped) + len(merged.repeated),
        )

    @settings(max_examples=200)
    @given(_current(), _requested)
    def test_merge_skipped_vs_repeated(self, current, requested):
        merged = pairs.merge_pairs(current, requested, PORT_MAC)
        stored = {pairs.pair_key(p, PORT_MAC) for p in current}
        changed = [pairs.pair_key(p, PORT_MAC) for p in merged.changed]
        # Skipped: on the port already; repeated: new, but given before in
        # the same request.
        self.assertEqual(
            [p for p in requested if pairs.pair_key(p, PORT_MAC) in stored],
            merged.skipped,
        )
        for pair in merged.repeated:
            key = pairs.pair_key(pair, PORT_MAC)
            self.assertNotIn(key, stored)
            self.assertIn(key, changed)
        self.assertEqual(len(changed), len(set(changed)))

    @given(strategies.mac_notations(_unicast_octets), _ip_values())
    def test_any_notation_same_key(self, mac, ip):
        text, canonical = mac
        stored = {'ip_address': ip, 'mac_address': text}
        # Any notation of the same value, host bits kept as stored.
        typed = pairs.Pair(pairs.normalise_ip(ip, keep_host_bits=True),
                           pairs.normalise_mac(text))
        self.assertEqual(pairs.pair_key(stored, PORT_MAC),
                         pairs.pair_key(typed, PORT_MAC))
        change = pairs.merge_pairs([stored], [typed], PORT_MAC)
        self.assertEqual([typed], change.skipped)
        self.assertEqual([], pairs.remove_pairs(
            [stored], [typed], PORT_MAC, 'p').pairs)
