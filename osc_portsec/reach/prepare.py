"""The reads of ``reach`` and ``matrix``: a bounded number of requests,
whatever the number of ports, groups and rules.

Finding the ports is ``lookup.find_ports`` (at most three requests, one
with ``--network``); then one request lists every group of every port with
its rules, one the ports of the remote groups the rules name and of the
groups a fix would change, and one the address groups, only when a rule
names one (explain's reads, ``explain.prepare``, made once for all ports).
SDK errors propagate: the command has the one error boundary.
"""

from __future__ import annotations

from typing import Any, Iterable

from osc_lib import exceptions

from osc_portsec.explain import facts as _facts
from osc_portsec.explain import prepare as _prepare
from osc_portsec import lookup
from osc_portsec.reach import fix as _fix
from osc_portsec.reach import flow as _flow
from osc_portsec import values

# The member ports' fields: the evaluator's, and what also_opens and the
# network's conntrack need.
MEMBER_FIELDS = _prepare.MEMBER_FIELDS + (
    'name', 'network_id', 'port_security_enabled', 'device_owner')


class Read:
    """Everything read for a set of ports: their facts and the peers."""

    def __init__(self, client: Any, ports: list[Any],
                 fix_groups: bool = False) -> None:
        self.subjects = [_prepare.port_facts(p) for p in ports]
        self.networks: dict[str, str | None] = {
            p.id: p.network_id for p in ports}
        groups = _prepare.groups(client, [
            g for s in self.subjects for g in s.security_group_ids])
        self.groups = {g.id: g for g in groups}
        wanted = _prepare.remote_group_ids(groups)
        if fix_groups:
            wanted += [s.security_group_ids[0] for s in self.subjects
                       if s.security_group_ids]
        bodies = [_body(p) for p in client.ports(
            security_groups=list(dict.fromkeys(wanted)),
            fields=list(MEMBER_FIELDS))] if wanted else []
        self.members = tuple(_facts.member_from_body(b) for b in bodies)
        self.peers = [_peer(b) for b in bodies]
        self.address_groups = _prepare.address_groups(client, groups)
        self._stateful = self._stateful_networks(bodies)

    def _stateful_networks(self, bodies: list[dict[str, Any]]
                           ) -> set[str | None]:
        """Networks known to have a port in a stateful group."""
        found = set()
        for net, groups, enabled in [
                (self.networks[s.id], s.security_group_ids,
                 s.port_security_enabled) for s in self.subjects] + [
                (b.get('network_id'), b.get('security_groups') or [],
                 b.get('port_security_enabled')) for b in bodies]:
            if enabled is not False and any(
                    self.groups[g].stateful for g in groups
                    if g in self.groups):
                found.add(net)
        return found

    def facts(self, subject: _facts.Port) -> _facts.Facts:
        return _facts.Facts(
            port=subject,
            groups=tuple(self.groups[g] for g in subject.security_group_ids
                         if g in self.groups),
            members=self.members, address_groups=self.address_groups)

    def end(self, ref: str, subject: _facts.Port,
            known: bool = False) -> _flow.End:
        """The end of ``subject``.

        ``known``: every port of its network was read, so a network
        without a stateful group is known too.
        """
        net = self.networks[subject.id]
        stateful = net in self._stateful
        return _flow.End(ref, self.facts(subject), net,
                         stateful if stateful or known else None)


def _body(resource: Any) -> dict[str, Any]:
    """The Neutron body of an SDK resource (a plain dict in tests).

    An SDK resource is a dict too, keyed by the SDK's attribute names: its
    Neutron names come from to_dict.
    """
    if hasattr(resource, 'to_dict'):
        return dict(resource.to_dict(computed=False, original_names=True))
    return dict(resource)


def _peer(body: dict[str, Any]) -> _fix.Peer:
    return _fix.Peer(
        id=body.get('id') or '', name=body.get('name') or '',
        security_group_ids=tuple(body.get('security_groups') or ()),
        filtered=body.get('port_security_enabled') is not False and not (
            body.get('device_owner') or '').startswith('network:'))


def reach_ends(client: Any, source: str, destination: str,
               net_id: str | None) -> tuple[_flow.End, _flow.End,
                                            list[_fix.Peer]]:
    """The two ends of ``reach`` and the ports of the groups a fix changes.

    An end is a port, or an address outside Neutron.
    """
    found = lookup.find_ports(client, [source, destination], net_id,
                              outside=True)
    if found[0] is None and found[1] is None:
        raise exceptions.CommandError(
            f"Neither {source} nor {destination} is a port's fixed IP, so "
            f"nothing Neutron filters is between them; give at least one "
            f"port.")
    if found[0] is not None and found[1] is not None and (
            found[0].id == found[1].id):
        raise exceptions.CommandError(
            f"{source} and {destination} are the same port "
            f"({found[0].id}); reach asks about two ports, so give two "
            f"different ones (explain judges one port).")
    ports = [p for p in found if p is not None]
    read = Read(client, ports, fix_groups=True)
    subjects = iter(read.subjects)
    ends = []
    for ref, port in ((source, found[0]), (destination, found[1])):
        if port is None:
            ends.append(_flow.End(ref, address=values.lookup_ip(ref)))
        else:
            ends.append(read.end(ref, next(subjects)))
    return ends[0], ends[1], read.peers


def matrix_ports(client: Any, network: str | None = None,
                 group: str | None = None,
                 refs: Iterable[str] = ()) -> tuple[list[Any], bool]:
    """The ports of a matrix, and whether they are a whole network.

    A network's own ports (``network:*``: DHCP, router interfaces) are
    trusted by Neutron and left out of a network's matrix.
    """
    if network is not None:
        net_id = lookup.network_id(client, network)
        ports = [p for p in client.ports(network_id=net_id)
                 if not (p.device_owner or '').startswith('network:')]
        return ports, True
    if group is not None:
        group_id = next(iter(lookup.security_groups(client, [group])))
        return list(client.ports(security_groups=[group_id])), False
    found = lookup.find_ports(client, list(refs))
    # A port named twice (by name and by ID) is one port of the matrix.
    return list({p.id: p for p in found if p is not None}.values()), False


def matrix_ends(client: Any, ports: list[Any],
                whole_network: bool) -> list[_flow.End]:
    """The ends of a matrix, by name (then ID) for a stable order."""
    ports = sorted(ports, key=lambda p: (p.name or '', p.id))
    read = Read(client, ports)
    return [read.end(p.name or p.id, s, whole_network)
            for p, s in zip(ports, read.subjects)]
