"""Tests of osc_portsec.reach.prepare: the reads, and what they give."""

from __future__ import annotations

from unittest import mock

from openstack.network.v2 import _proxy
from openstack.network.v2 import security_group as _security_group
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec.reach import prepare
from tests.unit import fakes

OTHER_NET = '7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a'


def group(group_id, stateful):
    return _security_group.SecurityGroup(
        id=group_id, name=group_id[:4], stateful=stateful,
        security_group_rules=[], _synchronized=True)


class TestPrepare(base.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.neutron = fakes.FakeNeutron(self.client)
        self.web = fakes.make_port(security_groups=[fakes.SG_ID])
        self.db = fakes.make_port(
            id=fakes.OTHER_ID, name='db-1', security_groups=[fakes.SG2_ID],
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                        'ip_address': '10.0.0.6'}])
        self.peer = fakes.make_port(
            id=fakes.THIRD_ID, name='db-2', network_id=OTHER_NET,
            security_groups=[fakes.SG2_ID],
            fixed_ips=[{'subnet_id': fakes.SUBNET_ID,
                        'ip_address': '10.0.1.7'}])
        self.neutron.add(self.web, self.db, self.peer)
        self.neutron.networks[fakes.NETWORK_ID] = 'private'
        self.neutron.groups.update({fakes.SG_ID: 'web', fakes.SG2_ID: 'db'})
        self.groups = {fakes.SG_ID: group(fakes.SG_ID, False),
                       fakes.SG2_ID: group(fakes.SG2_ID, True)}
        self.client.security_groups.side_effect = self.list_groups

    def test_ends_peers_and_the_networks_conntrack(self):
        source, destination, peers = prepare.reach_ends(
            self.client, 'web-1', 'db-1', None)
        self.assertEqual(('web-1', fakes.PORT_ID, fakes.NETWORK_ID),
                         (source.ref, source.port.id, source.network_id))
        self.assertEqual((fakes.SG_ID,),
                         tuple(g.id for g in source.facts.groups))
        # db-1 is in a stateful group on the same network: known on.
        self.assertTrue(source.network_stateful)
        self.assertEqual({fakes.PORT_ID, fakes.OTHER_ID, fakes.THIRD_ID},
                         {p.id for p in peers})
        self.assertEqual({fakes.PORT_ID, fakes.OTHER_ID, fakes.THIRD_ID},
                         {m.id for m in source.facts.members})
        self.assertEqual(fakes.OTHER_ID, destination.port.id)

    def test_a_network_without_a_known_stateful_group(self):
        self.groups[fakes.SG2_ID] = group(fakes.SG2_ID, False)
        source, _, _ = prepare.reach_ends(self.client, 'web-1', 'db-1', None)
        self.assertIsNone(source.network_stateful)
        ports, whole = prepare.matrix_ports(self.client, 'private')
        self.assertTrue(whole)
        ends = prepare.matrix_ends(self.client, ports, whole)
        self.assertEqual([False, False],
                         [e.network_stateful for e in ends])

    def test_outside_and_refusals(self):
        source, destination, _ = prepare.reach_ends(
            self.client, '203.0.113.9', 'db-1', None)
        self.assertEqual((True, '203.0.113.9'),
                         (source.outside, source.address))
        for refs, words in ((('web-1', fakes.PORT_ID), 'the same port'),
                            (('203.0.113.9', '198.51.100.1'), 'Neither')):
            exc = self.assertRaises(exceptions.CommandError,
                                    prepare.reach_ends, self.client, *refs,
                                    None)
            self.assertIn(words, str(exc))

    def list_groups(self, id=(), name=None, **query):
        if name is not None:
            return iter([g for g in self.groups.values()
                         if self.neutron.groups.get(g.id) == name])
        return iter([self.groups[i] for i in id if i in self.groups])

    def test_matrix_of_a_group_and_of_ports(self):
        ports, whole = prepare.matrix_ports(self.client, group='db')
        self.assertEqual(({fakes.OTHER_ID, fakes.THIRD_ID}, False),
                         ({p.id for p in ports}, whole))
        ports, _ = prepare.matrix_ports(
            self.client, refs=['db-1', fakes.OTHER_ID, 'web-1'])
        self.assertEqual([fakes.OTHER_ID, fakes.PORT_ID],
                         [p.id for p in ports])
        ends = prepare.matrix_ends(self.client, ports, False)
        self.assertEqual(['db-1', 'web-1'], [e.ref for e in ends])
