"""Tests of osc_portsec.vip.peers: the members' side of vip check."""

from osc_lib.test import base

from osc_portsec.vip import findings
from osc_portsec.vip import model
from osc_portsec.vip import observed
from osc_portsec.vip import peers
from tests.unit import fakes
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import PORT_ID
from tests.unit.fakes import PORT_MAC
from tests.unit.fakes import SG_ID

VIP = '10.0.0.100'
VMAC = '00:00:5e:00:01:33'


def web1(**kw):
    return fakes.member(PORT_ID, 'web-1', PORT_MAC, '10.0.0.5', **kw)


def web2(**kw):
    return fakes.member(OTHER_ID, 'web-2', OTHER_MAC, '10.0.0.6', **kw)


def seen(*ports, vip=None, rules=()):
    return observed.Seen(VIP, fakes.NETWORK_ID,
                         (fakes.reservation(), *ports),
                         (fakes.make_subnet(),), vip, tuple(rules))


def pair(ip, mac=PORT_MAC):
    return {'ip_address': ip, 'mac_address': mac}


class TestMemberPair(base.TestCase):

    def judge(self, *pairs, **kw):
        port = web1(allowed_address_pairs=list(pairs), **kw)
        return peers.member_pair(seen(port), port)

    def test_each_way_of_carrying_the_address(self):
        cases = [
            ([pair(VIP)], 'single_pair', ()),
            ([pair(VIP, 'FA-16-3E-11-22-33')], 'mac_text', (
                f'openstack port set --allowed-address ip-address={VIP} '
                f'{PORT_ID}',
                f'openstack port unset --allowed-address ip-address={VIP},'
                f'mac-address=FA-16-3E-11-22-33 {PORT_ID}')),
            ([pair(VIP, VMAC)], 'other_mac', (
                f'openstack port security pair add {PORT_ID} '
                f'--allowed-address ip-address={VIP}',)),
            ([pair(VIP + '/32')], 'prefixed_pair', (
                f'openstack port set --allowed-address ip-address={VIP} '
                f'{PORT_ID}',
                f'openstack port unset --allowed-address ip-address='
                f'{VIP}/32,mac-address={PORT_MAC} {PORT_ID}')),
            ([pair('10.0.0.96/29')], 'cidr_pair', (
                f'openstack port security pair add {PORT_ID} '
                f'--allowed-address ip-address={VIP}',)),
            ([pair('10.0.0.101')], 'no_pair', (
                f'openstack port security pair add {PORT_ID} '
                f'--allowed-address ip-address={VIP}',)),
        ]
        for pairs, why, fix in cases:
            found = self.judge(*pairs)
            self.assertEqual((why, why == 'single_pair', fix),
                             (found.why, found.ok, found.fix), pairs)
            self.assertTrue(findings.detail(found).startswith('web-1 '))

    def test_the_single_pair_beside_an_odd_one_is_enough(self):
        self.assertTrue(self.judge(pair(VIP + '/32'), pair(VIP)).ok)

    def test_fixed_ip_in_another_subnet(self):
        found = self.judge(pair(VIP), fixed_ips=[
            {'subnet_id': 'other', 'ip_address': '10.1.0.5'}])
        self.assertEqual(('other_subnet', False), (found.why, found.ok))
        self.assertIn('no fixed IP in subnet private-v4 (10.0.0.0/24)',
                      findings.detail(found))

    def test_a_tool_vip_fixes_with_vip_set(self):
        port = web1()
        vip = model.from_port(fakes.reservation(
            name='web-vip', tags=model.tags([PORT_ID])))
        found = peers.member_pair(seen(port, vip=vip), port)
        self.assertEqual((f'openstack port security vip set web-vip '
                          f'--member {PORT_ID}',), found.fix)

    def test_gone_and_none(self):
        vip = model.from_port(fakes.reservation(
            name='web-vip', tags=model.tags(['gone-id'])))
        [gone, none] = peers.member_pairs(seen(vip=vip), [])
        self.assertEqual(('gone', False), (gone.why, gone.ok))
        self.assertEqual(('openstack port security vip unset web-vip '
                          '--member gone-id',), gone.fix)
        self.assertEqual(('no_members', False), (none.why, none.ok))


class TestPortSecurity(base.TestCase):

    def test_states(self):
        for port, why in (
                (web1(), 'filtered_active'),
                (web1(status='DOWN'), 'not_active'),
                (web1(**fakes.DISABLED), 'security_off'),
                (web1(port_security_enabled=None), 'no_flag')):
            found = peers.member_port_security(port)
            self.assertEqual(why, found.why)
            self.assertEqual(why in ('filtered_active', 'no_flag'), found.ok)
        self.assertEqual((f'openstack port security enable {PORT_ID}',),
                         peers.member_port_security(
                             web1(**fakes.DISABLED)).fix)


class TestOutsiders(base.TestCase):

    def test_narrow_cidr_is_an_outsider_a_subnet_wide_one_is_not(self):
        vip = model.from_port(fakes.reservation(
            name='web-vip', tags=model.tags([PORT_ID])))
        member = web1(allowed_address_pairs=[pair(VIP)])
        router = web2(allowed_address_pairs=[pair('10.0.0.0/16', OTHER_MAC)])
        [ok] = peers.no_outsider(seen(member, router, vip=vip), [member])
        self.assertEqual(('no_outsider', True), (ok.why, ok.ok))
        narrow = web2(allowed_address_pairs=[pair('10.0.0.96/28', OTHER_MAC)])
        [found] = peers.no_outsider(seen(member, narrow, vip=vip), [member])
        self.assertEqual(('outsider', False), (found.why, found.ok))
        self.assertEqual((f'openstack port security pair remove {OTHER_ID} '
                          f'--allowed-address ip-address=10.0.0.96/28,'
                          f'mac-address={OTHER_MAC}',), found.fix)


class TestVrrp(base.TestCase):

    def test_heard_deaf_and_alone(self):
        a = web1(allowed_address_pairs=[pair(VIP)])
        b = web2(allowed_address_pairs=[pair(VIP, OTHER_MAC)])
        deaf = peers.vrrp_between(seen(a, b), [a, b])
        self.assertEqual([('vrrp_deaf', False)] * 2,
                         [(f.why, f.ok) for f in deaf])
        self.assertEqual(
            (f'openstack security group rule create --ingress --protocol '
             f'vrrp --ethertype IPv4 --remote-group {SG_ID} {SG_ID}',),
            deaf[0].fix)
        rule = fakes.make_rule('r1', SG_ID, protocol='vrrp',
                               remote_group_id=SG_ID)
        heard = peers.vrrp_between(seen(a, b, rules=[rule]), [a, b])
        self.assertEqual([('vrrp_heard', True)] * 2,
                         [(f.why, f.ok) for f in heard])
        self.assertEqual('VRRP (IP protocol 112) from web-1 reaches web-2 on '
                         'every back end (as explain decides).',
                         findings.detail(heard[1]))
        [alone] = peers.vrrp_between(seen(a), [a])
        self.assertEqual(('one_member', True), (alone.why, alone.ok))


class TestVmac(base.TestCase):

    def test_one_virtual_mac_for_all(self):
        a = web1(allowed_address_pairs=[pair(VIP), pair(VIP, VMAC)])
        b = web2(allowed_address_pairs=[pair(VIP, OTHER_MAC),
                                        pair(VIP, VMAC.upper())])
        self.assertEqual([('vmac', True)] * 2, [
            (f.why, f.ok) for f in peers.vmac_pairs(seen(a, b), [a, b])])
        c = fakes.member(fakes.THIRD_ID, 'web-3', 'fa:16:3e:dd:ee:ff',
                         '10.0.0.7', allowed_address_pairs=[
                             pair(VIP, '00:00:5e:00:01:44')])
        none = web1(allowed_address_pairs=[pair(VIP)])
        found = peers.vmac_pairs(seen(none, b, c), [none, b, c])
        self.assertEqual(['no_vmac', 'vmac', 'vmac_differs'],
                         [f.why for f in found])
        self.assertEqual(
            (f'openstack port security pair add {PORT_ID} --allowed-address '
             f'ip-address={VIP},mac-address={VMAC}',), found[0].fix)
        alone = peers.vmac_pairs(seen(none), [none])
        self.assertIn('mac-address=00:00:5e:00:01:<VRID>', alone[0].fix[0])


class TestVirtualParents(base.TestCase):

    def test_the_stored_address_itself_in_the_subnet(self):
        a = web1(allowed_address_pairs=[pair(VIP, VMAC)])
        b = web2(allowed_address_pairs=[pair(VIP + '/32', OTHER_MAC)])
        self.assertEqual([PORT_ID], [
            p.id for p in peers.virtual_parents(seen(a, b))])
