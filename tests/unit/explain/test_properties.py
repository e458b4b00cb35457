"""Invariants of the evaluator, over generated ports, rules and packets."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
import testtools

from osc_portsec.explain import conntrack
from osc_portsec.explain import evaluate
from osc_portsec.explain import facts
from tests.unit.explain import builders as b

BACKENDS = ('ovn', 'openvswitch', 'iptables_hybrid')
ADDRESSES = ('10.0.0.5', '10.0.0.6', '10.0.0.100', '10.1.2.3', '192.0.2.9',
             '0.0.0.0', '255.255.255.255')
PREFIXES = (None, '10.0.0.0/24', '10.0.0.6/32', '0.0.0.0/0', '10.1.0.0/16')
PROTOCOLS = (None, 'tcp', 'udp', 'icmp', 'vrrp', '47')

rules = st.builds(
    lambda i, direction, protocol, port, prefix, remote: b.rule(
        f'r{i}', direction=direction, protocol=protocol,
        lo=(port if protocol in ('tcp', 'udp') and port else
            8 if protocol == 'icmp' and port else None),
        hi=(port if protocol in ('tcp', 'udp') and port else None),
        prefix=None if remote else prefix,
        remote_group=b.SG if remote else None),
    st.integers(0, 10**6), st.sampled_from(('ingress', 'egress')),
    st.sampled_from(PROTOCOLS), st.sampled_from((None, 22, 53, 67, 68)),
    st.sampled_from(PREFIXES), st.booleans())

packets = st.fixed_dictionaries({
    'direction': st.sampled_from(('ingress', 'egress')),
    'protocol': st.sampled_from(('tcp', 'udp', 'vrrp', 'icmp', None)),
    'remote_ip': st.sampled_from(ADDRESSES[:5]),
    'local_ip': st.sampled_from((None,) + ADDRESSES),
    'dst': st.sampled_from((22, 53, 67, 68, 80)),
})

ports = st.builds(
    lambda pairs, stateful_unused: b.port(pairs=pairs),
    st.lists(st.sampled_from(('10.0.0.100', '10.1.0.0/16')), max_size=2,
             unique=True).map(tuple),
    st.booleans())

members = st.lists(
    st.builds(lambda ip, pair: b.member(f'm-{ip}', (ip,),
                                        (pair,) if pair else ()),
              st.sampled_from(('10.0.0.6', '10.1.2.3')),
              st.sampled_from((None, '10.0.0.100'))),
    max_size=2).map(tuple)


def packet_of(port: facts.Port, values: dict):
    protocol = values['protocol']
    extra = {}
    if protocol in ('tcp', 'udp'):
        extra['port'] = values['dst']
    elif protocol == 'icmp':
        extra['icmp_type'] = 8
    return b.make_packet(
        port, direction=values['direction'], protocol=protocol,
        remote_ip=values['remote_ip'], local_ip=values['local_ip'], **extra)


def judge_all(subject: facts.Facts, packet) -> dict:
    return {name: evaluate.judge(subject, packet, name)
            for name in BACKENDS}


class TestProperties(testtools.TestCase):

    @settings(max_examples=150, deadline=None)
    @given(ports, st.lists(rules, max_size=6), members, packets, rules)
    def test_adding_an_allow_rule_never_drops(self, port, rule_list, peers,
                                              values, extra):
        before = b.make_facts(port, (b.group(*rule_list),), peers)
        after = b.make_facts(port, (b.group(*rule_list, extra),), peers)
        packet = packet_of(port, values)
        for name in BACKENDS:
            if evaluate.judge(before, packet, name).verdict == 'pass':
                self.assertEqual(
                    'pass', evaluate.judge(after, packet, name).verdict)

    @settings(max_examples=100, deadline=None)
    @given(ports, st.lists(rules, max_size=6), packets)
    def test_port_security_disabled_always_passes(self, port, rule_list,
                                                  values):
        port = dataclasses.replace(port, port_security_enabled=False)
        subject = b.make_facts(port, (b.group(*rule_list),))
        for out in judge_all(subject, packet_of(port, values)).values():
            self.assertEqual(('pass', 'port_security_disabled'),
                             (out.verdict, out.decided_by))

    @settings(max_examples=100, deadline=None)
    @given(ports, st.lists(rules, max_size=6), packets,
           st.sampled_from(('network:dhcp', 'network:router_interface',
                            'network:distributed')))
    def test_trusted_owner_always_passes(self, port, rule_list, values,
                                         owner):
        port = dataclasses.replace(port, device_owner=owner)
        subject = b.make_facts(port, (b.group(*rule_list),))
        for out in judge_all(subject, packet_of(port, values)).values():
            self.assertEqual('trusted_port', out.decided_by)

    @settings(max_examples=150, deadline=None)
    @given(ports, st.lists(rules, max_size=6), members, packets)
    def test_verdict_is_consistent(self, port, rule_list, peers, values):
        subject = b.make_facts(port, (b.group(*rule_list),), peers)
        for out in judge_all(subject, packet_of(port, values)).values():
            self.assertIn(out.decided_by, evaluate.DECIDED_BY)
            passes = out.decided_by not in ('anti_spoofing',
                                            'no_matching_rule')
            self.assertEqual(passes, out.verdict == 'pass')
            matched = [c.rule for c in out.considered if c.matched]
            if out.decided_by == 'security_group_rule':
                self.assertEqual(out.rule, matched[0])
            if out.decided_by == 'no_matching_rule':
                self.assertEqual([], matched)
            self.assertEqual(len(rule_list), len(out.considered))

    @settings(max_examples=100, deadline=None)
    @given(ports, packets)
    def test_no_rule_never_passes_by_rule(self, port, values):
        subject = b.make_facts(port, (b.group(),))
        for out in judge_all(subject, packet_of(port, values)).values():
            self.assertNotEqual('security_group_rule', out.decided_by)

    @settings(max_examples=100, deadline=None)
    @given(st.lists(rules, max_size=6),
           st.sampled_from(('10.0.0.6', '10.1.2.3', '192.0.2.9')),
           st.sampled_from((22, 53, 80)))
    def test_backends_agree_on_plain_tcp_to_own_address(self, rule_list,
                                                        remote, dst):
        # No pairs, no DHCP, the port's own address: nothing on which the
        # drivers differ.
        subject = b.make_facts(b.port(), (b.group(*rule_list),),
                               (b.member('m', ('10.0.0.6',)),))
        for direction in ('ingress', 'egress'):
            packet = b.make_packet(subject.port, direction=direction,
                                   protocol='tcp', port=dst,
                                   remote_ip=remote)
            verdicts = {(o.verdict, o.decided_by)
                        for o in judge_all(subject, packet).values()}
            self.assertEqual(1, len(verdicts), verdicts)


icmp_packets = st.fixed_dictionaries({
    'direction': st.sampled_from(('ingress', 'egress')),
    'icmp_type': st.sampled_from((0, 3, 8, 11, 13, 14, 17, 42)),
    'icmp_code': st.sampled_from((0, 1, 3)),
    'remote_ip': st.sampled_from(ADDRESSES[:5]),
})


class TestNewClasses(testtools.TestCase):

    @settings(max_examples=150, deadline=None)
    @given(ports, st.lists(rules, max_size=6), packets)
    def test_without_the_flag_never_contradicts_either_reading(
            self, port, rule_list, values):
        port = dataclasses.replace(port, port_security_enabled=None)
        subject = b.make_facts(port, (b.group(*rule_list),))
        packet = packet_of(port, values)
        out = evaluate.judge(subject, packet, 'ovn')
        readings = {
            evaluate.judge(dataclasses.replace(
                subject, port=dataclasses.replace(
                    port, port_security_enabled=flag)), packet, 'ovn').verdict
            for flag in (True, False)}
        if out.verdict == 'unknown':
            self.assertEqual({'pass', 'drop'}, readings)
            self.assertEqual('port_security_unknown', out.decided_by)
        else:
            self.assertEqual({out.verdict}, readings)

    @settings(max_examples=150, deadline=None)
    @given(ports, st.lists(rules, max_size=6), icmp_packets, st.booleans(),
           st.sampled_from((None, True, False)))
    def test_conntrack_decides_only_what_it_refuses(
            self, port, rule_list, values, stateful, network):
        subject = b.make_facts(
            port, (b.group(*rule_list, stateful=stateful),),
            network_stateful=network)
        packet = b.make_packet(port, protocol='icmp', **values)
        for out in judge_all(subject, packet).values():
            if out.decided_by == 'conntrack':
                self.assertIsNotNone(conntrack.classify(packet, None))
                self.assertEqual('drop', out.verdict)
                self.assertNotEqual('iptables_hybrid', out.backend)

    @settings(max_examples=100, deadline=None)
    @given(ports, st.lists(rules, max_size=6),
           st.sampled_from(('ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:12',
                            '33:33:00:00:00:01')),
           st.sampled_from(ADDRESSES[:5]), st.sampled_from(ADDRESSES))
    def test_a_group_mac_is_delivered_whatever_the_address(
            self, port, rule_list, mac, remote, local):
        subject = b.make_facts(port, (b.group(*rule_list),))
        packet = b.make_packet(port, direction='ingress', protocol='udp',
                               port=9, remote_ip=remote, local_ip=local,
                               local_mac=mac)
        for out in judge_all(subject, packet).values():
            self.assertNotEqual('anti_spoofing', out.decided_by)
