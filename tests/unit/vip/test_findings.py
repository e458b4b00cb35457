"""Tests of osc_portsec.vip.findings: decisions as data, said once."""

import logging

from osc_lib.test import base

from osc_portsec.vip import check
from osc_portsec.vip import findings
from osc_portsec.vip import model
from osc_portsec.vip import observed
from tests.unit import fakes
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import PORT_ID
from tests.unit.fakes import PORT_MAC

VIP = '10.0.0.100'


def pair(ip, mac):
    return {'ip_address': ip, 'mac_address': mac}


def scenarios():
    """Cloud states that make every check say each thing it can say."""
    subnet = fakes.make_subnet(gateway_ip='10.0.0.1')
    a = fakes.member(PORT_ID, 'web-1', PORT_MAC, '10.0.0.5',
                     allowed_address_pairs=[pair(VIP, PORT_MAC),
                                            pair(VIP, '00:00:5e:00:01:01')])
    b = fakes.member(OTHER_ID, 'web-2', OTHER_MAC, '10.0.0.6',
                     allowed_address_pairs=[pair(VIP, OTHER_MAC)])
    odd = [fakes.member(f'odd-{i}', f'odd-{i}', f'fa:16:3e:00:00:1{i}',
                        f'10.0.0.1{i}', **extra) for i, extra in enumerate((
                            {'allowed_address_pairs': [
                                pair(VIP, 'FA-16-3E-00-00-10')]},
                            {'allowed_address_pairs': [
                                pair(VIP, '00:00:5e:00:01:02')]},
                            {'allowed_address_pairs': [
                                pair(VIP + '/32', 'fa:16:3e:00:00:12')]},
                            {'allowed_address_pairs': [
                                pair('10.0.0.96/29', 'fa:16:3e:00:00:13')]},
                            {'status': 'DOWN', 'allowed_address_pairs': [
                                pair(VIP, 'fa:16:3e:00:00:14')]},
                            {'fixed_ips': [{'subnet_id': 'x',
                                            'ip_address': '10.1.0.1'}],
                             'allowed_address_pairs': [
                                 pair(VIP, 'fa:16:3e:00:00:15')]},
                            fakes.DISABLED,
                            {'port_security_enabled': None,
                             'allowed_address_pairs': [
                                 pair(VIP, 'fa:16:3e:00:00:17')]}))]
    resv = fakes.reservation(binding_vif_details={'parent_hostname': 'h'})
    fip = fakes.make_floating_ip(fakes.VIP_ID, VIP)
    tool = fakes.reservation(name='web-vip', tags=model.tags(
        [PORT_ID, 'gone', *(p.id for p in odd)]))
    rule = fakes.make_rule('r', fakes.SG_ID, protocol='vrrp',
                           remote_group_id=fakes.SG_ID)
    seen = observed.Seen
    net = fakes.NETWORK_ID
    yield seen(VIP, net, (resv, a, b), (subnet,), None, (rule,), (fip,))
    yield seen(VIP, net, (tool, a, b, *odd), (subnet,),
               model.from_port(tool), (), (fip,))
    yield seen(VIP, net, (fakes.reservation(device_owner='compute:x'), a),
               (subnet,), None, (), (fakes.make_floating_ip(
                   fakes.VIP_ID, '10.0.0.7'), fip))
    yield seen(VIP, net, (fakes.reservation(binding_host_id='h1'),),
               (subnet,))
    yield seen(VIP, net, (fakes.reservation(device_owner='network:dhcp'),),
               (subnet,))
    for address in ('10.0.0.0', '10.0.0.255', '10.0.0.1',
                    '169.254.169.254', '10.9.0.9'):
        yield seen(address, net, (), (subnet,))
    b_bound = fakes.member(OTHER_ID, 'web-2', OTHER_MAC, '10.0.0.6',
                           binding_host_id='h',
                           allowed_address_pairs=[pair(VIP, OTHER_MAC)])
    a_bound = fakes.member(PORT_ID, 'web-1', PORT_MAC, '10.0.0.5',
                           binding_host_id='h',
                           allowed_address_pairs=[pair(VIP, PORT_MAC)])
    yield seen(VIP, net, (resv, b_bound), (subnet,))
    yield seen(VIP, net, (resv, a_bound, b_bound), (subnet,))
    yield seen(VIP, net, (fakes.member('dhcp', 'dhcp', 'fa:16:3e:00:00:99',
                                       VIP, device_owner='network:dhcp'),),
               (subnet,))


class TestDetails(base.TestCase):

    def test_every_sentence_is_said_and_complete(self):
        said = {}
        for seen in scenarios():
            for found in check.judge(seen, vmac=True):
                text = findings.detail(found)
                self.assertNotIn('{', text)
                self.assertTrue(text.endswith('.'), text)
                said.setdefault(found.why, text)
        self.assertEqual(set(findings.DETAILS), set(said))

    def test_row_and_subject(self):
        found = findings.Finding('member_pair', False,
                                 {'id': PORT_ID, 'name': 'web-1'}, 'no_pair',
                                 {'port': 'web-1', 'address': VIP},
                                 ['openstack x'])
        self.assertEqual(
            {'check': 'member_pair', 'ok': False,
             'subject': {'id': PORT_ID, 'name': 'web-1'},
             'detail': 'web-1 has no allowed address pair for 10.0.0.100: '
                       'OVN drops what it sends from the address.',
             'fix': ['openstack x']}, findings.row(found))
        self.assertEqual(('openstack x',), found.fix)
        with self.assertRaises(TypeError):
            found.facts['port'] = 'x'  # type: ignore[index]

    def test_warn_says_failures_with_their_fix(self):
        ok = findings.Finding('held_by', True, VIP, 'held_nowhere',
                              {'address': VIP})
        bad = findings.Finding('no_outsider', False,
                               {'id': 'x', 'name': None}, 'outsider',
                               {'address': VIP, 'port': 'x', 'pair': VIP},
                               ['one', 'two'])
        with self.assertLogs('osc_portsec.vip.findings',
                             logging.WARNING) as logs:
            findings.warn([ok, bad])
        self.assertEqual(
            ["WARNING:osc_portsec.vip.findings:vip check no_outsider failed "
             "for x: x is not a member but carries 10.0.0.100 in its pair "
             "10.0.0.100: it may answer for the address too. Fix: 'one' "
             "then 'two'."], logs.output)
