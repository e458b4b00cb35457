"""Which ICMP messages conntrack refuses without a connection."""

import testtools

from osc_portsec.explain import conntrack
from osc_portsec.explain import packet as _packet


def message(itype: int, code: int = 0, v6: bool = False) -> _packet.Packet:
    return _packet.Packet(
        direction='ingress', ethertype='IPv6' if v6 else 'IPv4',
        protocol=58 if v6 else 1, icmp_type=itype, icmp_code=code)


class TestClassify(testtools.TestCase):

    def kind(self, packet, datapath):
        found = conntrack.classify(packet, datapath)
        return None if found is None else found.kind

    def test_both_datapaths(self):
        # (type, code, IPv6, kind on both datapaths)
        for itype, code, v6, kind in (
                (8, 0, False, None), (13, 0, False, None),
                (15, 0, False, None), (0, 0, False, 'reply'),
                (14, 0, False, 'reply'), (16, 0, False, 'reply'),
                (3, 3, False, 'error'), (11, 0, False, 'error'),
                (12, 0, False, 'error'), (4, 0, False, 'error'),
                (5, 1, False, 'error'), (42, 0, False, 'invalid'),
                (128, 0, True, None), (129, 0, True, 'reply'),
                (1, 4, True, 'error'), (4, 1, True, 'error'),
                (200, 0, True, 'invalid')):
            for datapath in (conntrack.USERSPACE, conntrack.KERNEL, None):
                self.assertEqual(kind, self.kind(message(itype, code, v6),
                                                 datapath),
                                 (itype, code, v6, datapath))

    def test_where_the_datapaths_differ(self):
        # lib/conntrack.c refuses a code on queries and types it does not
        # know; nf_conntrack ignores codes and knows address mask and node
        # information queries.
        for itype, code, v6, userspace in (
                (8, 1, False, 'invalid'), (17, 0, False, 'invalid'),
                (128, 3, True, 'invalid'), (139, 0, True, 'invalid')):
            packet = message(itype, code, v6)
            self.assertEqual(userspace, self.kind(packet, 'netdev'))
            self.assertIsNone(self.kind(packet, 'system'))
            unknown = conntrack.classify(packet, None)
            self.assertEqual(userspace, unknown.kind)
            self.assertIn('on the kernel datapath conntrack would accept it',
                          unknown.why)

    def test_a_reply_with_a_code_is_refused_on_both(self):
        self.assertEqual('invalid', self.kind(message(0, 2), 'netdev'))
        self.assertEqual('reply', self.kind(message(0, 2), 'system'))
        self.assertEqual('reply', self.kind(message(0, 2), None))

    def test_kernel_replies_to_its_own_queries(self):
        self.assertEqual('reply', self.kind(message(18), 'system'))
        self.assertEqual('reply', self.kind(message(140, v6=True), 'system'))

    def test_neighbour_discovery_is_not_tracked(self):
        for itype in sorted(conntrack.UNTRACKED_ICMPV6):
            self.assertIsNone(conntrack.classify(message(itype, v6=True),
                                                 None), itype)

    def test_not_icmp_or_no_type(self):
        for packet in (
                _packet.Packet('ingress', 'IPv4', protocol=17, port=68),
                _packet.Packet('ingress', 'IPv4', protocol=1),
                _packet.Packet('ingress', 'IPv4')):
            self.assertIsNone(conntrack.classify(packet, None))
            self.assertFalse(conntrack.refused_anywhere(packet))
        self.assertTrue(conntrack.refused_anywhere(message(0)))

    def test_reasons_name_the_message(self):
        self.assertEqual(
            'an ICMP echo reply only answers a request, and no request '
            'opened its connection',
            conntrack.classify(message(0), 'system').why)
        self.assertEqual(
            'an ICMPv6 error (type 1) belongs to the connection of the '
            'packet it quotes, and none exists',
            conntrack.classify(message(1, v6=True), 'system').why)
