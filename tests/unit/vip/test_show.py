"""Tests of osc_portsec.vip.show: the VIP as it stands, and what is wrong."""

from osc_lib.test import base

from osc_portsec.vip import model
from osc_portsec.vip import show
from tests.unit import fakes
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import PORT_MAC

VIP = '10.0.0.100'


def vip(tags=(model.TAG,), **binding):
    return model.from_port(fakes.make_port(
        id=fakes.VIP_ID, name='web-vip', tags=list(tags),
        fixed_ips=[{'subnet_id': fakes.SUBNET_ID, 'ip_address': VIP}],
        **binding))


class TestHeldBy(base.TestCase):
    """What Neutron on OVN shows of the member holding the address."""

    def members(self, host_a, host_b):
        return [fakes.member('a', 'web-1', PORT_MAC, '10.0.0.5',
                             binding_host_id=host_a),
                fakes.member('b', 'web-2', OTHER_MAC, '10.0.0.6',
                             binding_host_id=host_b)]

    def test_not_claimed_or_not_shown(self):
        self.assertIsNone(show.held_by(
            vip(binding_vif_details={}, binding_host_id=''),
            self.members('h1', 'h2')))
        # A non-admin sees no binding at all.
        self.assertIsNone(show.held_by(vip(), self.members(None, None)))

    def test_one_member_on_the_parent_host(self):
        found = vip(binding_vif_details={'parent_hostname': 'h2'},
                    binding_host_id='')
        self.assertEqual({'host': 'h2', 'member': 'web-2',
                          'candidates': ['web-2']},
                         show.held_by(found, self.members('h1', 'h2')))

    def test_members_sharing_the_host_are_candidates(self):
        found = vip(binding_vif_details={'parent_hostname': 'h1'},
                    binding_host_id='')
        self.assertEqual({'host': 'h1', 'member': None,
                          'candidates': ['web-1', 'web-2']},
                         show.held_by(found, self.members('h1', 'h1')))


class TestFindings(base.TestCase):

    def test_each_finding_names_the_member_and_the_fix(self):
        recorded = vip(tags=model.tags(['gone', 'a', 'b', 'c']))
        a = fakes.member('a', 'web-1', PORT_MAC, '10.0.0.5',
                         allowed_address_pairs=[])
        b = fakes.member('b', 'web-2', OTHER_MAC, '10.0.0.6',
                         allowed_address_pairs=[
                             {'ip_address': VIP + '/32',
                              'mac_address': OTHER_MAC}])
        c = fakes.member('c', 'web-3', OTHER_MAC, '10.0.0.7',
                         **fakes.DISABLED)
        found = show.findings(recorded, [a, b, c])
        self.assertEqual(4, len(found))
        self.assertIn('member gone no longer exists', found[0])
        self.assertIn("member web-1 has no allowed address pair for "
                      "10.0.0.100; 'openstack port security vip set web-vip "
                      "--member a' adds it", found[1])
        self.assertIn('member web-2 carries 10.0.0.100 only in a prefixed '
                      'pair', found[2])
        self.assertIn('member web-3 has port security disabled', found[3])
