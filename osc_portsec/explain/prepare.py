"""The read: everything ``explain`` needs, in at most three requests.

Given the port as already read, one request lists the port's groups with
their rules (Neutron embeds ``security_group_rules`` in each group), one
lists the member ports of every remote group the rules name, and one the
address groups, only when a rule names one. SDK errors propagate as they
come: the command has the one error boundary.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable

from osc_portsec.explain import facts as _facts
from osc_portsec import port_state

# Neutron body keys of the member ports: the evaluator needs no more.
MEMBER_FIELDS = ('id', 'fixed_ips', 'allowed_address_pairs',
                 'security_groups')


def _body(resource: Any) -> dict[str, Any]:
    """The Neutron body of an SDK resource (or a plain dict in tests)."""
    if isinstance(resource, dict):
        return resource
    return resource.to_dict(computed=False, original_names=True)


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


def prepare(client: Any, port: Any) -> _facts.Facts:
    """Read what the evaluator needs about ``port`` (an SDK Port as read)."""
    subject = port_facts(port)
    read = groups(client, subject.security_group_ids)
    return _facts.Facts(
        port=subject, groups=read,
        members=members(client, remote_group_ids(read)),
        address_groups=address_groups(client, read),
    )
