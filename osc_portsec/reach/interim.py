"""Per-port behaviour the data plane shows and explain's evaluator does not
have yet, applied around ``explain.evaluate.judge``.

Kept apart on purpose: explain's evaluator is being taught these classes;
once it has them, each function here turns into a no-op (it only acts
when explain's answer is the one the data plane contradicts) and this
module can go. Every class was found by the reach differential
(tests/functional/test_reach_differential.py) with real packets on OVN
23.03 (doc/source/reach.rst lists them):

- A pair stored with host bits (``10.0.0.130/28``, as another client may
  store it) lets only that host through OVN's port security, in both
  directions; the agents' firewalls use the network.
- A port without fixed IPs (port security on) may send from any address
  on OVN and iptables_hybrid (its port security is the MAC alone).
"""

from __future__ import annotations

import dataclasses
import ipaddress

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import evaluate
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet


def _host(pair: _facts.Pair) -> _facts.Pair:
    """A pair as OVN enforces it: a CIDR with host bits is that host."""
    if '/' not in pair.ip_address:
        return pair
    iface = ipaddress.ip_interface(pair.ip_address.strip())
    if iface.ip == iface.network.network_address:
        return pair
    return dataclasses.replace(pair, ip_address=str(iface.ip))


def facts(subject: _facts.Facts, backend: str) -> _facts.Facts:
    """The facts as ``backend`` enforces them."""
    if backend != _backend.OVN:
        return subject
    pairs = tuple(_host(p) for p in subject.port.pairs)
    if pairs == subject.port.pairs:
        return subject
    return dataclasses.replace(
        subject, port=dataclasses.replace(subject.port, pairs=pairs))


def judge(subject: _facts.Facts, packet: _packet.Packet,
          backend: str) -> evaluate.Outcome:
    """explain's verdict, with the classes above."""
    subject = facts(subject, backend)
    outcome = evaluate.judge(subject, packet, backend)
    port = subject.port
    if (outcome.decided_by == evaluate.ANTI_SPOOFING
            and packet.direction == _packet.EGRESS
            and backend != _backend.OPENVSWITCH and not port.fixed_ips
            and packet.local_mac in (None, port.mac_address)
            and packet.local_ip is not None):
        # Without a fixed IP the port's port security is its MAC alone
        # (ovn_client.py _get_allowed_addresses_from_port; iptables
        # _build_ipv4v6_mac_ip_list): judged as explain judges a port
        # sending from no given address.
        return evaluate.judge(
            subject, dataclasses.replace(packet, local_ip=None), backend)
    return outcome
