"""Tests of osc_portsec.vip.delete: only what the tool added goes."""

import json

from osc_portsec import journal
from osc_portsec.vip import change
from osc_portsec.vip import create
from osc_portsec.vip import delete
from osc_portsec.vip import model
from osc_portsec.vip import restore
from tests.unit import fakes
from tests.unit.fakes import OTHER_ID
from tests.unit.fakes import OTHER_MAC
from tests.unit.fakes import PORT_ID
from tests.unit.fakes import PORT_MAC
from tests.unit.fakes import SG2_ID

VIP = '10.0.0.100'
CLOUD = {'name': 'prod', 'auth_url': fakes.AUTH_URL}


class DeleteCase(fakes.TestVipCommand):

    def make(self, name='web-vip', address=VIP, **kw):
        values = dict(name=name, network='private',
                      members=['web-1', 'web-2'], ip_address=address)
        values.update(kw)
        return create.create(self.network, create.Request(**values), CLOUD)

    def records(self):
        with open(journal.path(), encoding='utf-8') as stream:
            return [json.loads(line) for line in stream
                    if 'vip-deleted' in line]


class TestDelete(DeleteCase):

    def test_pair_there_before_stays(self):
        had = {'ip_address': VIP, 'mac_address': PORT_MAC}
        self.neutron.ports[PORT_ID] = fakes.member(
            PORT_ID, 'web-1', PORT_MAC, '10.0.0.5',
            allowed_address_pairs=[had])
        self.make()
        rows = delete.delete(self.network, 'web-vip', CLOUD, False)
        self.assertEqual([had], self.port(PORT_ID).allowed_address_pairs)
        self.assertEqual([], self.port(OTHER_ID).allowed_address_pairs)
        [web1] = [r for r in rows if r['id'] == PORT_ID]
        self.assertEqual(
            [f'kept allowed address pair {VIP} ({PORT_MAC}): it was there '
             f'before the VIP'], web1['changes'])
        self.assertEqual('unchanged', web1['result'])
        [record] = self.records()
        self.assertEqual([OTHER_ID], record['vip']['members'])
        self.assertEqual([PORT_ID], record['vip']['kept'])

    def test_other_pairs_of_a_member_stay(self):
        self.make()
        vmac = {'ip_address': VIP, 'mac_address': '00:00:5e:00:01:0a'}
        self.neutron.update_port(OTHER_ID, allowed_address_pairs=[
            *self.port(OTHER_ID).allowed_address_pairs, vmac])
        delete.delete(self.network, 'web-vip', CLOUD, False)
        self.assertEqual([vmac], self.port(OTHER_ID).allowed_address_pairs)

    def test_members_keep_the_group_and_rows_say_so(self):
        self.make(security_group='db')
        rows = delete.delete(self.network, 'web-vip', CLOUD, False)
        for port_id in (PORT_ID, OTHER_ID):
            self.assertIn(SG2_ID, self.port(port_id).security_group_ids)
        member = [r for r in rows if r['resource'] == 'member'][0]
        self.assertEqual(
            [f'removed allowed address pair {VIP} ({PORT_MAC})',
             f"kept security group {SG2_ID}: members keep the VIP's security "
             f"group"], member['changes'])
        self.assertEqual({}, self.neutron.rules)
        [rule] = [r for r in rows if r['resource'] == 'vrrp_rule']
        self.assertEqual('deleted', rule['result'])

    def test_a_rule_another_vip_uses_stays(self):
        self.make(security_group='db')
        self.make(name='db-vip', address='10.0.0.101', security_group='db',
                  members=['web-3'])
        rows = delete.delete(self.network, 'web-vip', CLOUD, False)
        self.assertIn(fakes.RULE_ID, self.neutron.rules)
        [rule] = [r for r in rows if r['resource'] == 'vrrp_rule']
        self.assertEqual('unchanged', rule['result'])
        self.assertIn('another VIP of the group uses it',
                      rule['changes'][0])

    def test_the_last_vip_of_the_group_removes_the_rule_it_used(self):
        self.make(security_group='db')
        self.make(name='db-vip', address='10.0.0.101', security_group='db',
                  members=['web-3'])
        delete.delete(self.network, 'web-vip', CLOUD, False)
        rows = delete.delete(self.network, 'db-vip', CLOUD, False)
        self.assertEqual({}, self.neutron.rules)
        [rule] = [r for r in rows if r['resource'] == 'vrrp_rule']
        self.assertEqual('deleted', rule['result'])

    def test_a_vrrp_rule_made_by_hand_stays(self):
        self.make(security_group='db')
        [made] = self.neutron.rules.values()
        made.description = 'VRRP for the db cluster'
        self.make(name='db-vip', address='10.0.0.101', security_group='db',
                  members=['web-3'])
        delete.delete(self.network, 'web-vip', CLOUD, False)
        delete.delete(self.network, 'db-vip', CLOUD, False)
        self.assertEqual([made.id], list(self.neutron.rules))

    def test_dry_run_says_would(self):
        self.make(security_group='db')
        self.network.reset_mock()
        rows = delete.delete(self.network, 'web-vip', CLOUD, True)
        self.network.update_port.assert_not_called()
        self.network.delete_port.assert_not_called()
        self.network.delete_security_group_rule.assert_not_called()
        for row in rows:
            for text in row['changes']:
                self.assertTrue(text.startswith('would '), text)

    def test_interrupted_then_run_again_then_restored_whole(self):
        self.make(security_group='db')
        # Killed after the members and the rule, before the port.
        real = self.network.delete_port.side_effect
        self.network.delete_port.side_effect = KeyboardInterrupt
        self.assertRaises(KeyboardInterrupt, delete.delete, self.network,
                          'web-vip', CLOUD, False)
        self.assertEqual({}, self.neutron.rules)
        self.network.delete_port.side_effect = real
        delete.delete(self.network, 'web-vip', CLOUD, False)
        self.assertNotIn(fakes.VIP_ID, self.neutron.ports)
        restore.restore(self.network, 'web-vip', CLOUD, False)
        [rule] = self.neutron.rules.values()
        self.assertEqual((SG2_ID, 'vrrp', SG2_ID), (
            rule.security_group_id, rule.protocol, rule.remote_group_id))
        for port_id, mac in ((PORT_ID, PORT_MAC), (OTHER_ID, OTHER_MAC)):
            self.assertEqual([{'ip_address': VIP, 'mac_address': mac}],
                             self.port(port_id).allowed_address_pairs)

    def test_a_rule_created_but_not_yet_tagged_is_found(self):
        self.make(security_group='db')
        port = self.port(fakes.VIP_ID)
        port.tags = [t for t in port.tags
                     if not t.startswith(model.RULE_TAG)]
        delete.delete(self.network, 'web-vip', CLOUD, False)
        self.assertEqual({}, self.neutron.rules)


class TestNoSecurityGroups(DeleteCase):
    """A VIP left on a cloud that has since lost its security groups."""

    def test_says_what_it_did_not_do(self):
        self.make(security_group='db')
        for port_id in (fakes.VIP_ID, PORT_ID, OTHER_ID):
            old = self.port(port_id)
            body = old.to_dict(computed=False, original_names=True)
            body.pop('security_groups')
            body.pop('allowed_address_pairs')
            self.neutron.ports[port_id] = type(old)(**body,
                                                    _synchronized=True)
        self.network.reset_mock()
        rows = delete.delete(self.network, 'web-vip', CLOUD, False)
        self.network.delete_security_group_rule.assert_not_called()
        self.network.get_security_group_rule.assert_not_called()
        self.network.update_port.assert_not_called()
        words = [c for r in rows for c in r['changes']]
        self.assertIn('the VRRP rule left as it is: this cloud has no '
                      'security-group extension', words)
        self.assertIn("the VIP's allowed address pair left as it is: this "
                      "cloud has no allowed-address-pairs extension", words)
        self.assertFalse([w for w in words if 'deleted VRRP rule' in w])


class TestUnset(DeleteCase):

    def test_only_the_pair_the_tool_added(self):
        had = {'ip_address': VIP, 'mac_address': OTHER_MAC}
        self.neutron.ports[OTHER_ID] = fakes.member(
            OTHER_ID, 'web-2', OTHER_MAC, '10.0.0.6',
            allowed_address_pairs=[had])
        self.make()
        change.remove(self.network, 'web-vip', ['web-1', 'web-2'], CLOUD,
                      False)
        self.assertEqual([], self.port(PORT_ID).allowed_address_pairs)
        self.assertEqual([had], self.port(OTHER_ID).allowed_address_pairs)
        vip = model.from_port(self.port(fakes.VIP_ID))
        self.assertEqual((), vip.all_members)
