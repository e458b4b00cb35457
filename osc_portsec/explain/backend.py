"""Which Neutron back end filters a port, from what Neutron shows of it.

ML2 records the mechanism driver that bound the port in
``binding:vif_details['bound_drivers']`` (neutron/plugins/ml2/plugin.py
``_update_port_dict_bound_drivers``); the openvswitch driver always adds
``ovs_hybrid_plug``, true when the agent runs the iptables hybrid firewall
(mech_openvswitch.py), and the OVN driver never does (mech_driver.py
``_setup_vif_port_bindings``). Only admins see these fields by default.
"""

from __future__ import annotations

from typing import Any, Mapping

OVN = 'ovn'
OPENVSWITCH = 'openvswitch'
IPTABLES_HYBRID = 'iptables_hybrid'
BACKENDS = (OVN, OPENVSWITCH, IPTABLES_HYBRID)

_UNBOUND = ('', 'unbound', 'binding_failed')


def _by_driver(drivers: Any, hybrid: Any) -> str | None:
    names = set((drivers or {}).values()) if isinstance(
        drivers, Mapping) else set()
    if OVN in names:
        return OVN
    if OPENVSWITCH in names:
        return IPTABLES_HYBRID if hybrid else OPENVSWITCH
    if 'linuxbridge' in names:
        # The Linux bridge agent runs the same iptables firewall.
        return IPTABLES_HYBRID
    return None


def choose(vif_type: str | None,
           vif_details: Mapping[str, Any] | None) -> tuple[str | None, str]:
    """``(backend or None, how it was chosen)`` from the port's binding."""
    if vif_type is None and vif_details is None:
        return None, (
            'Neutron does not show this port\'s binding to you '
            '(binding:vif_type needs admin by default)')
    if (vif_type or '') in _UNBOUND:
        return None, (f'the port is not bound (binding:vif_type '
                      f'{vif_type or "empty"})')
    details = vif_details or {}
    hybrid = details.get('ovs_hybrid_plug')
    found = _by_driver(details.get('bound_drivers'), hybrid)
    if found:
        return found, (
            'binding:vif_details bound_drivers '
            + ', '.join(sorted((details.get('bound_drivers') or {}).values()))
            + (f', ovs_hybrid_plug {hybrid}' if hybrid is not None else ''))
    if hybrid is not None:
        name = IPTABLES_HYBRID if hybrid else OPENVSWITCH
        return name, f'binding:vif_details ovs_hybrid_plug {hybrid}'
    if vif_type in ('ovs', 'vhostuser', 'agilio_ovs'):
        return OVN, (
            f'binding:vif_type {vif_type} without ovs_hybrid_plug, as the '
            f'OVN driver binds ports')
    if vif_type == 'bridge':
        return IPTABLES_HYBRID, 'binding:vif_type bridge (iptables firewall)'
    return None, f'binding:vif_type {vif_type} names no known back end'
