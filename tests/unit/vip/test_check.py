"""Tests of osc_portsec.vip.check: the address, floating IPs, the verdict."""

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
SUBNET = fakes.make_subnet(gateway_ip='10.0.0.1')


def members(*addresses):
    a = fakes.member(PORT_ID, 'web-1', PORT_MAC, '10.0.0.5')
    b = fakes.member(OTHER_ID, 'web-2', OTHER_MAC, '10.0.0.6')
    return [fakes.carrying(a, *addresses), fakes.carrying(b, *addresses)]


def seen(*ports, address=VIP, subnets=(SUBNET,), vip=None, fips=()):
    return observed.Seen(address, fakes.NETWORK_ID, tuple(ports),
                         tuple(subnets), vip, floating_ips=tuple(fips))


def only(found, name):
    return [f for f in found if f.check == name]


class TestAddress(base.TestCase):

    def test_in_subnet_or_not(self):
        self.assertEqual(('in_subnet', True), _why(check.address_in_subnet(
            seen(*members(VIP)))))
        outside = check.address_in_subnet(seen(address='10.9.0.1'))
        self.assertEqual(('outside_subnets', False), _why(outside))
        self.assertEqual('10.9.0.1 is outside every subnet of network '
                         f'{fakes.NETWORK_ID} (10.0.0.0/24): Neutron cannot '
                         'reserve it and OVN makes no virtual port for it.',
                         findings.detail(outside))

    def test_addresses_the_subnet_and_neutron_keep(self):
        dhcp = fakes.make_port(id='dhcp', name='', device_owner='network:dhcp',
                               fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                                           'ip_address': '10.0.0.2'}])
        meta = fakes.make_port(
            id='meta', name='', device_owner='network:distributed',
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                        'ip_address': '10.0.0.3'}])
        for address, why in (('10.0.0.0', 'network_address'),
                             ('10.0.0.255', 'broadcast'),
                             ('10.0.0.1', 'gateway'),
                             ('10.0.0.2', 'neutron_port'),
                             ('10.0.0.3', 'neutron_port'),
                             ('169.254.169.254', 'metadata'),
                             ('10.0.0.100', 'not_reserved')):
            found = check.address_not_reserved(
                seen(dhcp, meta, address=address))
            self.assertEqual((why, why == 'not_reserved'), _why(found),
                             address)
        self.assertEqual("10.0.0.2 is the address of Neutron's DHCP port "
                         "dhcp.", findings.detail(check.address_not_reserved(
                             seen(dhcp, address='10.0.0.2'))))
        self.assertIn("OVN's metadata port meta", findings.detail(
            check.address_not_reserved(seen(meta, address='10.0.0.3'))))

    def test_tiny_and_v6_subnets(self):
        # RFC 3021: a /31 has no network or broadcast address; IPv6 has no
        # broadcast, but its subnet-router anycast address is the network.
        p2p = fakes.make_subnet(cidr='10.1.0.0/31')
        for address in ('10.1.0.0', '10.1.0.1'):
            self.assertTrue(check.address_not_reserved(seen(
                address=address, subnets=[p2p])).ok)
        v6 = fakes.make_subnet('s6', '2001:db8::/64', 'v6', 6)
        self.assertEqual('network_address', check.address_not_reserved(
            seen(address='2001:db8::', subnets=[v6])).why)
        self.assertTrue(check.address_not_reserved(
            seen(address='2001:db8::ffff:ffff:ffff:ffff', subnets=[v6])).ok)
        self.assertEqual('metadata', check.address_not_reserved(
            seen(address='fe80::a9fe:a9fe', subnets=[v6])).why)

    def test_reserved(self):
        found = check.address_reserved(seen(fakes.reservation(),
                                            *members(VIP)))
        self.assertEqual(('reserved', True), _why(found))
        self.assertEqual({'id': fakes.VIP_ID, 'name': 'resv'}, found.subject)
        none = check.address_reserved(seen(*members(VIP)))
        self.assertEqual(('not_held', False), _why(none))
        self.assertEqual((f'openstack port security vip adopt <name> '
                          f'--network {fakes.NETWORK_ID} --ip-address {VIP}',),
                         none.fix)

    def test_held_by_a_server_bound_or_neutron(self):
        vm = fakes.reservation(device_owner='compute:nova',
                               device_id=fakes.SERVER_ID)
        found = check.address_reserved(seen(vm))
        self.assertEqual(('held_by_vm', False), _why(found))
        self.assertEqual((f'openstack server remove port {fakes.SERVER_ID} '
                          f'{fakes.VIP_ID}',), found.fix)
        bound = check.address_reserved(seen(fakes.reservation(
            binding_host_id='compute-1')))
        self.assertEqual(('held_bound', False), _why(bound))
        self.assertEqual((f'openstack port unset --host {fakes.VIP_ID}',),
                         bound.fix)
        dhcp = check.address_reserved(seen(fakes.reservation(
            device_owner='network:dhcp')))
        self.assertEqual(('held_by_neutron', False), _why(dhcp))
        # OVN writes where a claimed VIP is active into vif_details, never
        # into binding:host_id: that is no binding.
        claimed = fakes.reservation(
            binding_vif_details={'parent_hostname': 'compute-1'},
            binding_host_id='')
        self.assertTrue(check.address_reserved(seen(claimed)).ok)


class TestFloatingIp(base.TestCase):

    def test_follows_the_member_when_the_port_is_virtual(self):
        fip = fakes.make_floating_ip(fakes.VIP_ID, VIP)
        [found] = check.floating_ips(seen(fakes.reservation(),
                                          *members(VIP), fips=[fip]))
        self.assertEqual(('fip_follows', True), _why(found))
        self.assertEqual('203.0.113.7', found.subject)

    def test_another_address_of_the_port(self):
        fip = fakes.make_floating_ip(fakes.VIP_ID, '10.0.0.101')
        [found] = check.floating_ips(seen(fakes.reservation(),
                                          *members(VIP), fips=[fip]))
        self.assertEqual(('fip_other_ip', False), _why(found))
        self.assertEqual((f'openstack floating ip set --port {fakes.VIP_ID} '
                          f'--fixed-ip-address {VIP} {fip.id}',), found.fix)

    def test_static_when_bound_or_without_a_parent(self):
        fip = fakes.make_floating_ip(fakes.VIP_ID, VIP)
        vm = fakes.reservation(device_owner='compute:nova')
        [bound] = check.floating_ips(seen(vm, *members(VIP), fips=[fip]))
        self.assertEqual(('fip_static', False), _why(bound))
        self.assertIn('(it is bound)', findings.detail(bound))
        # A /32 pair passes the address but makes no virtual parent.
        [lone] = check.floating_ips(seen(fakes.reservation(),
                                         *members(VIP + '/32'), fips=[fip]))
        self.assertEqual(('fip_static', False), _why(lone))
        self.assertIn("the router sends its traffic to the port's own MAC "
                      "fa:16:3e:00:00:01", findings.detail(lone))

    def test_no_holder_no_floating_ip(self):
        self.assertEqual([], check.floating_ips(seen(*members(VIP))))


class TestHeldBy(base.TestCase):

    def test_where_neutron_shows_it(self):
        a, b = (fakes.carrying(p, VIP) for p in (
            fakes.member(PORT_ID, 'web-1', PORT_MAC, '10.0.0.5',
                         binding_host_id='h1'),
            fakes.member(OTHER_ID, 'web-2', OTHER_MAC, '10.0.0.6',
                         binding_host_id='h2')))
        claimed = fakes.reservation(
            binding_vif_details={'parent_hostname': 'h2'})
        found = check.held_by(seen(claimed, a, b), [a, b])
        self.assertEqual(('held_member', True), _why(found))
        self.assertEqual('Neutron shows 10.0.0.100 active on host h2, where '
                         'only member web-2 is bound.',
                         findings.detail(found))
        self.assertEqual('held_unseen', check.held_by(
            seen(fakes.reservation(), a, b), [a, b]).why)
        self.assertEqual('held_nowhere', check.held_by(seen(a, b), [a, b]).why)


class TestJudge(base.TestCase):

    def test_every_check_in_order(self):
        fip = fakes.make_floating_ip(fakes.VIP_ID, VIP)
        found = check.judge(seen(fakes.reservation(), *members(VIP),
                                 fips=[fip]), vmac=True)
        self.assertEqual(
            ['address_in_subnet', 'address_not_reserved', 'address_reserved',
             'member_pair', 'member_pair', 'member_port_security',
             'member_port_security', 'no_outsider', 'vrrp_between_members',
             'vrrp_between_members', 'vmac_pair', 'vmac_pair', 'floating_ip',
             'held_by'], [f.check for f in found])
        # No rule of the members' group lets VRRP in (none was given),
        # and no member allows a virtual MAC.
        self.assertEqual({'vmac_pair', 'vrrp_between_members'},
                         {f.check for f in findings.failed(found)})
        self.assertNotIn('vmac_pair', {f.check for f in check.judge(
            seen(fakes.reservation(), *members(VIP)))})

    def test_a_tool_vip_judges_its_recorded_members(self):
        a, b = members(VIP)
        c = fakes.carrying(fakes.member(fakes.THIRD_ID, 'web-3',
                                        'fa:16:3e:dd:ee:ff', '10.0.0.7'), VIP)
        port = fakes.reservation(name='web-vip',
                                 tags=model.tags([PORT_ID, OTHER_ID]))
        found = check.judge(seen(port, a, b, c, vip=model.from_port(port)))
        self.assertEqual(['web-1', 'web-2'], [
            f.subject['name'] for f in only(found, 'member_pair')])
        [outsider] = only(found, 'no_outsider')
        self.assertEqual(('outsider', False), _why(outsider))
        self.assertEqual('web-3 is not a member but carries 10.0.0.100 in '
                         'its pair 10.0.0.100 (fa:16:3e:dd:ee:ff): it may '
                         'answer for the address too.',
                         findings.detail(outsider))


def _why(finding):
    return finding.why, finding.ok
