"""Tests of osc_portsec.reach.conntrack."""

from __future__ import annotations

import dataclasses

import testtools

from osc_portsec.explain import packet as _packet
from osc_portsec.reach import conntrack
from tests.unit.explain import builders as eb


def icmp(itype, code=0, version=4):
    return _packet.Packet(
        'egress', 'IPv4' if version == 4 else 'IPv6',
        _packet.ICMP if version == 4 else _packet.ICMPV6,
        icmp_type=itype, icmp_code=code, remote_ip='10.0.0.11',
        local_ip='10.0.0.10')


class TestRefused(testtools.TestCase):
    """reach asks explain's conntrack rule, the one place it is written."""

    def test_explains_rule(self):
        for itype, refused in ((8, False), (13, False), (0, True), (3, True),
                               (11, True), (200, True)):
            self.assertIs(refused, conntrack.refused(icmp(itype)), itype)
        self.assertTrue(conntrack.refused(icmp(8, 1)))
        self.assertFalse(conntrack.refused(icmp(135, version=6)))
        tcp = dataclasses.replace(icmp(0), protocol=6, icmp_type=None)
        self.assertFalse(conntrack.refused(tcp))


class TestStateful(testtools.TestCase):

    def test_stateful_and_stateless_groups(self):
        port = eb.port()
        self.assertTrue(conntrack.stateful(port, (eb.group(),), 'ovn'))
        stateless = (eb.group(stateful=False),)
        self.assertFalse(conntrack.stateful(port, stateless, 'ovn'))
        self.assertFalse(conntrack.stateful(port, stateless,
                                            'iptables_hybrid'))
        # The openvswitch firewall has no stateless mode.
        self.assertTrue(conntrack.stateful(port, stateless, 'openvswitch'))
        self.assertFalse(conntrack.stateful(port, (), 'ovn'))


class TestReplyShapes(testtools.TestCase):

    def test_ports_of_the_client(self):
        tcp = dataclasses.replace(icmp(None), protocol=6, port=22)
        self.assertEqual(([{'port': 32768}, {'port': 60999}], None),
                         conntrack.reply_shapes(tcp))

    def test_icmp_requests_and_the_rest(self):
        self.assertEqual(([{'icmp_type': 0, 'icmp_code': 0}], None),
                         conntrack.reply_shapes(icmp(8)))
        self.assertEqual(([{'icmp_type': 129, 'icmp_code': 0}], None),
                         conntrack.reply_shapes(icmp(128, version=6)))
        shapes, why = conntrack.reply_shapes(icmp(3, 3))
        self.assertEqual([], shapes)
        self.assertIn('not a request', why)
        shapes, why = conntrack.reply_shapes(
            dataclasses.replace(icmp(None), protocol=112))
        self.assertIn('protocol vrrp has no replies', why)
