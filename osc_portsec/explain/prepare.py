"""The read: everything ``explain`` needs, in at most three requests.

Given the port as already read, one request lists the port's groups with
their rules (Neutron embeds ``security_group_rules`` in each group), one
lists the member ports of every remote group the rules name, and one the
address groups, only when a rule names one. Two kinds of packet need more,
and only they pay for it: an ingress packet to an address that is not the
port's, or a DHCP reply from a named server, reads the port's subnets
(their broadcast address and DHCP server); an ICMP message that conntrack
refuses without a connection, on a port in no stateful group, reads which
groups the network's ports are in (OVN tracks a whole network's
connections when one of its ports is in a stateful group). SDK errors
propagate as they come: the command has the one error boundary.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable

from osc_portsec.explain import conntrack
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import packet as _packet
from osc_portsec import port_state

# Neutron body keys of the member ports: the evaluator needs no more.
MEMBER_FIELDS = ('id', 'fixed_ips', 'allowed_address_pairs',
                 'security_groups')


def _body(resource: Any) -> dict[str, Any]:
    """The Neutron body of an SDK resource (or a plain dict in tests).

    SDK resources are dicts too, keyed by attribute name
    (``security_group_ids``): ask them for Neutron's names.
    """
    if hasattr(resource, 'to_dict'):
        return dict(resource.to_dict(computed=False, original_names=True))
    return dict(resource)


def port_facts(port: Any) -> _facts.Port:
    subject = _facts.port_from_body(_body(port))
    if hasattr(port, '_body') and not port_state.has_port_security(port):
        # The SDK fills in False for the flag a cloud did not report.
        subject = dataclasses.replace(subject, port_security_enabled=None)
    return subject


def groups(client: Any, ids: Iterable[str]) -> tuple[_facts.Group, ...]:
    """The groups with their rules, in the port's order: one request."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return ()
    found = {g.id: g for g in (_facts.group_from_body(_body(sg))
                               for sg in client.security_groups(id=wanted))}
    return tuple(found[i] for i in wanted if i in found)


def remote_group_ids(groups: Iterable[_facts.Group]) -> list[str]:
    return list(dict.fromkeys(
        r.remote_group_id for g in groups for r in g.rules
        if r.remote_group_id))


def members(client: Any, group_ids: list[str]) -> tuple[_facts.Member, ...]:
    """Ports in any of ``group_ids``: one request.

    Neutron ORs the values of a repeated ``security_groups`` filter.
    """
    if not group_ids:
        return ()
    return tuple(
        _facts.member_from_body(_body(p))
        for p in client.ports(security_groups=group_ids,
                              fields=list(MEMBER_FIELDS)))


def address_groups(client: Any, groups: Iterable[_facts.Group]
                   ) -> dict[str, tuple[str, ...]]:
    """Addresses of the address groups the rules name: one request.

    None when no rule names one; Neutron takes no ``id`` filter here, so
    the visible groups are listed.
    """
    wanted = {r.remote_address_group_id for g in groups for r in g.rules
              if r.remote_address_group_id}
    if not wanted:
        return {}
    return {ag.id: tuple(ag.addresses or ())
            for ag in client.address_groups() if ag.id in wanted}


def _needs_subnets(subject: _facts.Port, packet: _packet.Packet) -> bool:
    if packet.direction != _packet.INGRESS:
        return False
    if packet.protocol == 17 and packet.port in (68, 546):
        return packet.remote_ip is not None
    return packet.local_ip is not None and (
        packet.local_ip not in subject.fixed_ips)


def subnets(client: Any, subject: _facts.Port) -> tuple[_facts.Subnet, ...]:
    """The subnets of the port's fixed IPs: one request."""
    if not subject.subnet_ids:
        return ()
    return tuple(_facts.subnet_from_body(_body(s))
                 for s in client.subnets(id=list(subject.subnet_ids)))


def network_stateful(client: Any, subject: _facts.Port,
                     read: tuple[_facts.Group, ...]) -> bool:
    """Whether a port of the network is in a stateful group with rules.

    One request for the network's ports (visible to the caller), one for
    their groups not read yet.
    """
    if any(g.tracks for g in read):
        return True
    ids = {sg for p in client.ports(network_id=subject.network_id,
                                    fields=['id', 'security_groups'])
           for sg in _body(p).get('security_groups') or ()}
    known = {g.id for g in read}
    others = sorted(ids - known)
    return bool(others) and any(
        _facts.group_from_body(_body(g)).tracks
        for g in client.security_groups(id=others))


def prepare(client: Any, port: Any,
            wanted: _packet.Packet | None = None) -> _facts.Facts:
    """Read what the evaluator needs about ``port`` (an SDK Port as read).

    ``wanted`` is the packet to judge, when known: it decides whether the
    subnets and the network's groups are read.
    """
    subject = port_facts(port)
    read = groups(client, subject.security_group_ids)
    extra: dict[str, Any] = {}
    if wanted is not None:
        packet = _packet.complete(wanted, list(subject.fixed_ips),
                                  subject.mac_address)
        if _needs_subnets(subject, packet):
            extra['subnets'] = subnets(client, subject)
        if conntrack.refused_anywhere(packet):
            extra['network_stateful'] = network_stateful(
                client, subject, read)
    return _facts.Facts(
        port=subject, groups=read,
        members=members(client, remote_group_ids(read)),
        address_groups=address_groups(client, read), **extra,
    )
