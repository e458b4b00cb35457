"""Packet parsing: every CLI value checked before any request."""

from osc_lib import exceptions
import testtools

from osc_portsec.explain import packet


class TestParse(testtools.TestCase):

    def test_protocol_names_and_numbers(self):
        # neutron_lib/constants.py IP_PROTOCOL_MAP.
        for value, number in (('tcp', 6), ('UDP', 17), ('vrrp', 112),
                              ('112', 112), ('0', 0), ('sctp', 132),
                              ('any', None), (None, None)):
            self.assertEqual(
                number, packet.parse('ingress', protocol=value).protocol)

    def test_icmp_on_ipv6_is_icmpv6(self):
        # securitygroups_db._get_ip_proto_name_and_num.
        p = packet.parse('ingress', protocol='icmp', remote_ip='2001:db8::1')
        self.assertEqual((58, 'IPv6'), (p.protocol, p.ethertype))
        p = packet.parse('ingress', protocol='1', ethertype='IPv6')
        self.assertEqual(58, p.protocol)

    def test_ethertype_from_addresses_or_protocol(self):
        self.assertEqual('IPv4', packet.parse(
            'egress', local_ip='10.0.0.5').ethertype)
        self.assertEqual('IPv6', packet.parse(
            'egress', protocol='ipv6-icmp').ethertype)
        self.assertEqual('', packet.parse('egress').ethertype)

    def test_refusals(self):
        for values, words in (
            (dict(protocol='bogus'), "Unknown protocol 'bogus'"),
            (dict(protocol='256'), 'Protocol number 256 is out of range'),
            (dict(protocol='icmp', port=22), '--port 22 needs'),
            (dict(protocol=None, port=22), '--port 22 needs'),
            (dict(protocol='tcp', port=70000), '--port 70000 is out of'),
            (dict(protocol='tcp', icmp_type=8), '--icmp-type 8 needs'),
            (dict(protocol='icmp', icmp_code=0),
             '--icmp-code 0 needs --icmp-type'),
            (dict(protocol='icmp', icmp_type=300), 'out of range'),
            (dict(remote_ip='10.0.0.256'), "'10.0.0.256' is not a valid"),
            (dict(local_ip='fe80::1%eth0'), 'is not a valid IP'),
            (dict(remote_ip='10.0.0.1', local_ip='2001:db8::1'),
             'different IP versions'),
            (dict(remote_ip='10.0.0.1', ethertype='IPv6'), 'contradicts'),
            (dict(protocol='ipv6-icmp', ethertype='IPv4'),
             'is an IPv6 protocol'),
            (dict(local_mac='zz:zz:zz:zz:zz:zz'), 'not a valid MAC'),
        ):
            exc = self.assertRaises(exceptions.CommandError, packet.parse,
                                    'egress', **values)
            self.assertIn(words, str(exc), values)

    def test_local_mac_is_the_vm_side_both_ways(self):
        # The source MAC of egress, the destination MAC of ingress.
        for direction in ('egress', 'ingress'):
            got = packet.parse(direction, local_mac='FF-FF-FF-FF-FF-FF')
            self.assertEqual('ff:ff:ff:ff:ff:ff', got.local_mac)

    def test_mac_notations(self):
        for value in ('FA-16-3E-00-00-01', 'fa16.3e00.0001', 'fa163e000001'):
            done = packet.parse('egress', local_mac=value)
            self.assertEqual('fa:16:3e:00:00:01', done.local_mac)

    def test_complete_defaults_from_the_port(self):
        raw = packet.parse('egress', protocol='tcp', port=80)
        done = packet.complete(raw, ['2001:db8::5', '10.0.0.5'],
                               'FA:16:3E:00:00:01')
        self.assertEqual(('IPv6', '2001:db8::5', 'fa:16:3e:00:00:01'),
                         (done.ethertype, done.local_ip, done.local_mac))
        raw = packet.parse('ingress', remote_ip='10.0.0.9')
        done = packet.complete(raw, ['2001:db8::5', '10.0.0.5'], 'x')
        self.assertEqual(('10.0.0.5', None), (done.local_ip, done.local_mac))
