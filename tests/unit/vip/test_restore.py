"""Tests of osc_portsec.vip.restore: the create that makes a VIP again."""

from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import journal
from osc_portsec.vip import restore
from tests.unit import fakes

ENTRY = {'phase': 'vip-deleted', 'command': 'vip delete',
         'auth_url': fakes.AUTH_URL, 'port_id': fakes.VIP_ID,
         'vip': {'name': 'web-vip', 'network_id': fakes.NETWORK_ID,
                 'ip_address': '10.0.0.100', 'subnet_id': fakes.SUBNET_ID,
                 'members': [fakes.PORT_ID], 'kept': [fakes.OTHER_ID],
                 'rule_id': fakes.RULE_ID, 'rule_group_id': fakes.SG2_ID}}


class TestRequest(base.TestCase):

    def test_the_recorded_vip(self):
        req = restore.request(ENTRY, dry_run=True)
        self.assertEqual(
            ('web-vip', fakes.NETWORK_ID, [fakes.PORT_ID, fakes.OTHER_ID],
             '10.0.0.100', fakes.SG2_ID, True, 'vip restore', True),
            (req.name, req.network, req.members, req.ip_address,
             req.security_group, req.dry_run, req.command, req.restoring))


class TestFind(fakes.TestCommand):

    def test_newest_record_of_this_cloud(self):
        journal.append(ENTRY)
        newer = dict(ENTRY, vip=dict(ENTRY['vip'], ip_address='10.0.0.101'))
        journal.append(newer)
        journal.append(dict(newer, auth_url='https://other.example.com/v3',
                            vip=dict(ENTRY['vip'], ip_address='10.0.0.9')))
        found = restore.find('web-vip', fakes.AUTH_URL)
        self.assertEqual('10.0.0.101', found['vip']['ip_address'])
        self.assertEqual(found, restore.find(fakes.VIP_ID, fakes.AUTH_URL))

    def test_none_or_damaged(self):
        journal.append(dict(ENTRY, vip={'name': 'web-vip'}))
        e = self.assertRaises(exceptions.CommandError, restore.find,
                              'web-vip', fakes.AUTH_URL)
        self.assertEqual(
            f"The journal {journal.path()} records no deleted VIP 'web-vip'; "
            f"there is nothing to restore. Nothing was changed.", str(e))
