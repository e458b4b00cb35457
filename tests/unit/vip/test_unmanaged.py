"""Tests of osc_portsec.vip.unmanaged: VIPs made by hand, found."""

from osc_lib.test import base

from osc_portsec.vip import model
from osc_portsec.vip import unmanaged
from tests.unit import fakes
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import PORT_ID
from tests.unit.fakes import PORT_MAC
from tests.unit.fakes import THIRD_ID

NAMES = {fakes.NETWORK_ID: 'private'}
SUBNETS = [fakes.make_subnet()]


def web(n, *addresses, **kw):
    ids = {1: PORT_ID, 2: OTHER_ID, 3: THIRD_ID}
    macs = {1: PORT_MAC, 2: OTHER_MAC, 3: 'fa:16:3e:dd:ee:ff'}
    return fakes.carrying(fakes.member(ids[n], f'web-{n}', macs[n],
                                       f'10.0.0.{4 + n}', **kw), *addresses)


def found(*ports):
    return [(r['ip_address'], [m['id'] for m in r['members']],
             r['reserved_by'])
            for r in unmanaged.hand_made(ports, SUBNETS, NAMES)]


class TestHandMade(base.TestCase):

    def test_two_carriers_or_one_and_a_reservation(self):
        resv = fakes.reservation('10.0.0.101')
        self.assertEqual([
            ('10.0.0.100', [PORT_ID, OTHER_ID], None),
            ('10.0.0.101', [THIRD_ID], {'id': fakes.VIP_ID, 'name': 'resv'}),
        ], found(web(1, '10.0.0.100'), web(2, '10.0.0.100/32'),
                 web(3, '10.0.0.101'), resv))

    def test_not_a_vip(self):
        # One carrier alone; a carrier of a server's own address; a pair
        # as wide as the subnet (a router's range); a tool's VIP.
        server = fakes.reservation('10.0.0.102', device_owner='compute:nova')
        tool = fakes.reservation('10.0.0.103', name='web-vip',
                                 tags=[model.TAG])
        tool = fakes.make_port(**{**tool.to_dict(computed=False,
                                                 original_names=True),
                                  'id': 'tool'})
        self.assertEqual([], found(
            web(1, '10.0.0.100', '10.0.0.102', '10.0.0.103',
                '10.0.0.0/24'),
            web(2, '10.0.0.0/16', '10.0.0.103'), server, tool))

    def test_narrow_cidr_carriers_are_members(self):
        rows = unmanaged.hand_made(
            [web(1, '10.0.0.100'), web(2, '10.0.0.96/29')], SUBNETS, NAMES)
        self.assertEqual([('10.0.0.100', ['single', 'cidr'])],
                         [(r['ip_address'], [m['pair'] for m in r['members']])
                          for r in rows])
        self.assertEqual({'id': fakes.NETWORK_ID, 'name': 'private'},
                         rows[0]['network'])

    def test_by_network_then_address(self):
        other = [
            fakes.make_port(
                id=f'o{i}', name=f'o{i}', network_id='net-b',
                mac_address=f'fa:16:3e:00:00:0{i}',
                fixed_ips=[{'subnet_id': 'sb', 'ip_address': f'10.0.0.{i}'}],
                allowed_address_pairs=[{
                    'ip_address': '10.0.0.9',
                    'mac_address': f'fa:16:3e:00:00:0{i}'}])
            for i in (1, 2)]
        rows = unmanaged.hand_made(
            [web(1, '10.0.0.200', '10.0.0.30'), web(2, '10.0.0.200',
                                                    '10.0.0.30'), *other],
            SUBNETS, {**NAMES, 'net-b': 'alpha'})
        self.assertEqual([('alpha', '10.0.0.9'), ('private', '10.0.0.30'),
                          ('private', '10.0.0.200')],
                         [(r['network']['name'], r['ip_address'])
                          for r in rows])
