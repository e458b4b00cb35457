"""Which back end filters a port, from its binding."""

import testtools

from osc_portsec.explain import backend


class TestChoose(testtools.TestCase):

    def test_choose(self):
        for vif_type, details, expected in (
            ('ovs', {'bound_drivers': {'0': 'ovn'}}, 'ovn'),
            ('ovs', {'bound_drivers': {'0': 'openvswitch'},
                     'ovs_hybrid_plug': True}, 'iptables_hybrid'),
            ('ovs', {'bound_drivers': {'0': 'openvswitch'},
                     'ovs_hybrid_plug': False}, 'openvswitch'),
            ('ovs', {'bound_drivers': {'0': 'linuxbridge'}},
             'iptables_hybrid'),
            ('ovs', {'ovs_hybrid_plug': False}, 'openvswitch'),
            ('ovs', {'port_filter': True, 'connectivity': 'l2'}, 'ovn'),
            ('bridge', {}, 'iptables_hybrid'),
            ('unbound', {}, None),
            ('binding_failed', {}, None),
            ('macvtap', {}, None),
            (None, None, None),
        ):
            self.assertEqual(expected,
                             backend.choose(vif_type, details)[0],
                             (vif_type, details))

    def test_how_it_was_chosen(self):
        self.assertEqual(
            (None, "Neutron does not show this port's binding to you "
                   "(binding:vif_type needs admin by default)"),
            backend.choose(None, None))
        self.assertEqual(
            ('ovn', 'binding:vif_details bound_drivers ovn'),
            backend.choose('ovs', {'bound_drivers': {'0': 'ovn'}}))
        self.assertEqual(
            (None, 'the port is not bound (binding:vif_type unbound)'),
            backend.choose('unbound', {}))
