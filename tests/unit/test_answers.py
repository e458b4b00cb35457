"""Tests of osc_portsec.answers: explain, reach and matrix in words."""

import json

from osc_lib.test import base

from osc_portsec import answers
from tests.unit.test_formats import no_repr


RULE = {'id': 'r-1', 'security_group_id': 'sg-1',
        'security_group_name': 'web',
        'rule': 'ingress IPv4 tcp 22 from any'}
PORT = {'id': 'p-1', 'name': 'web-1', 'mac_address': 'fa:16:3e:11:22:33',
        'fixed_ips': ['10.0.0.5', '2001:db8::5'],
        'port_security_enabled': True, 'device_owner': 'compute:nova',
        'security_group_ids': ['sg-1']}
PACKET = {'direction': 'ingress', 'ethertype': 'IPv4', 'protocol': 'tcp',
          'port': 22, 'icmp_type': None, 'icmp_code': None,
          'remote_ip': '10.0.0.9', 'local_ip': '10.0.0.5',
          'local_mac': None}


class TestExplain(base.TestCase):

    def test_rule(self):
        text = answers.Rule(RULE).human_readable()
        self.assertEqual('ingress IPv4 tcp 22 from any\n(rule r-1 of group '
                         'web)', text)
        self.assertEqual(RULE, answers.Rule(RULE).machine_readable())
        self.assertEqual('', answers.Rule(None).human_readable())

    def test_backend_is_a_sentence(self):
        for how, said in (
            ('--backend', 'OVN, as asked with --backend'),
            ('binding:vif_details bound_drivers ovn',
             "OVN, as the port's binding shows (binding:vif_details "
             "bound_drivers ovn)"),
            ("Neutron does not show this port's binding to you; ovn, ML2's "
             "default, is assumed",
             "OVN: Neutron does not show this port's binding to you; ovn, "
             "ML2's default, is assumed"),
        ):
            column = answers.Backend({'name': 'ovn', 'chosen_by': how})
            self.assertEqual(said, column.human_readable())

    def test_port_and_packet_without_reprs(self):
        port = answers.Port(PORT).human_readable()
        self.assertEqual(
            'web-1 (p-1)\nMAC fa:16:3e:11:22:33\nfixed IPs 10.0.0.5, '
            '2001:db8::5\nport security enabled\nsecurity groups sg-1\n'
            'device owner compute:nova', port)
        packet = answers.Packet(PACKET).human_readable()
        self.assertEqual('ingress IPv4 tcp to port 22\nremote 10.0.0.9, '
                         'local 10.0.0.5', packet)
        for text in (port, packet):
            no_repr(self, text)
        self.assertEqual(PACKET, answers.Packet(PACKET).machine_readable())

    def test_reach_packet_has_no_direction(self):
        packet = {'ethertype': 'IPv4', 'protocol': 'tcp', 'port': 5432,
                  'source_ip': '10.0.0.5', 'destination_ip': '10.0.0.11'}
        self.assertEqual('IPv4 tcp to port 5432\nfrom 10.0.0.5, to '
                         '10.0.0.11',
                         answers.Packet(packet).human_readable())
        self.assertEqual('IPv4 any protocol', answers.Packet(
            {'ethertype': 'IPv4', 'protocol': None}).human_readable())

    def test_json_is_plain(self):
        for column in (answers.Rule(RULE), answers.Port(PORT),
                       answers.Packet(PACKET), answers.Differences([]),
                       answers.Considered([])):
            json.dumps(column.machine_readable())


class TestReachColumns(base.TestCase):
    """The columns of reach and matrix, as a person reads them."""

    PORT = {'id': 'p1', 'name': 'web-1', 'network_id': 'n1'}

    def test_ends(self):
        end = answers.End({
            'port': self.PORT, 'address': '10.0.0.5', 'verdict': 'drop',
            'decided_by': 'conntrack', 'rule': None, 'reason': 'Why.'})
        self.assertEqual('web-1 (10.0.0.5): drop (conntrack)\nWhy.',
                         end.human_readable())
        outside = answers.End({'outside': True, 'address': '203.0.113.9'})
        self.assertEqual('203.0.113.9: outside Neutron, not evaluated',
                         outside.human_readable())
        label = answers.End({'id': 'p2', 'name': ''})
        self.assertEqual('p2', label.human_readable())
        self.assertEqual({'id': 'p2', 'name': ''}, label.machine_readable())

    def test_fix_reply_sides_and_differences(self):
        fix = answers.Fixes([
            {'command': 'openstack x', 'side': 'destination',
             'also_opens': [{'id': 'p3', 'name': 'db-2'},
                            {'id': 'p4', 'name': ''}]},
            'openstack port security enable p1'])
        self.assertEqual('[destination] openstack x\n  also opens: db-2, '
                         'p4\nopenstack port security enable p1',
                         fix.human_readable())
        self.assertEqual('none: No reply.', answers.Reply(
            {'verdict': None, 'reason': 'No reply.'}).human_readable())
        self.assertEqual('source, destination', answers.Sides(
            ['source', 'destination']).human_readable())
        diffs = answers.Differences([
            {'backend': 'openvswitch', 'verdict': 'pass', 'blocked_at': [],
             'decided_by': 'pass', 'why': 'Allowed.'}])
        self.assertEqual('openvswitch: pass (pass): Allowed.',
                         diffs.human_readable())
        self.assertEqual('none: every back end agrees',
                         answers.Differences([]).human_readable())

    def test_matrix_rules(self):
        rules = answers.Rule([
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
