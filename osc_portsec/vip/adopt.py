"""``vip adopt``: a VIP made by hand comes under management, unchanged.

Reads the network, its ports and subnets once; refuses what cannot be
adopted as it stands (:func:`osc_portsec.vip.checks.adoptable`); then
records the VIP and nothing else. The port holding the address is marked
``adopted`` first and then tagged as the VIP, so that a run killed in
between leaves a port ``vip delete`` would untag, never delete; an
unnamed one gets the VIP's name. When no port holds the address, one is
created to reserve it, as ``vip create`` makes its port (``vip delete``
deletes that one). Each member is recorded as ``kept``: its pair was
there before, so ``vip delete`` leaves it (unless ``--all``). No pair,
rule or group changes, so nothing that passes changes. ``vip check``
then judges the VIP, and its failures are printed as warnings with their
fixes: adopt reports them, it does not fix them.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence, TYPE_CHECKING

from osc_portsec import changes
from osc_portsec import failures
from osc_portsec import lookup
from osc_portsec import rollback
from osc_portsec import runner
from osc_portsec.vip import change
from osc_portsec.vip import check
from osc_portsec.vip import checks
from osc_portsec.vip import findings
from osc_portsec.vip import join
from osc_portsec.vip import model
from osc_portsec.vip import observed
from osc_portsec.vip import prepare
from osc_portsec.vip import report

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy


@dataclasses.dataclass(frozen=True)
class Request:
    name: str
    network: str
    ip_address: str
    members: Sequence[str] = ()
    dry_run: bool = False


@dataclasses.dataclass(frozen=True)
class Target:
    """What the reads decided: the address, its holder, the members."""

    seen: observed.Seen
    subnet: Any
    holder: Any | None
    existing: model.Vip | None
    members: tuple[prepare.Member, ...]


def target(client: Proxy, req: Request) -> Target:
    """Every read (three requests) and every refusal, before any change."""
    if not req.ip_address.strip():
        raise checks.refuse(f"--ip-address is empty ({req.ip_address!r}); "
                            f"give the address of the VIP to adopt.")
    address = checks.address(req.ip_address)
    net_id = lookup.network_id(client, req.network)
    assert net_id is not None
    ports = prepare.network_ports(client, net_id)
    subnets = list(client.subnets(network_id=net_id))
    subnet = checks.subnet_for(address, subnets, req.network)
    seen = observed.Seen(address, net_id, tuple(ports), tuple(subnets))
    holder = observed.holder(seen)
    existing = (model.from_port(holder)
                if holder is not None and model.is_vip(holder) else None)
    checks.adoptable(req.name, address, holder, existing)
    found = prepare.adopted_members(client, req.members, seen)
    return Target(seen, subnet, holder, existing, tuple(found))


def _port_row(action: str, result: str, port_id: str | None, name: str,
              address: str, dry_run: bool,
              more: Sequence[changes.Change] = ()) -> dict[str, Any]:
    return report.row('vip_port', port_id, name, result, [
        *more, report.port_change(action, port_id, name, address)],
        dry_run)


def _tag(client: Proxy, port: Any, tag: str,
         undo: list[rollback.Undo]) -> Any:
    if tag in (port.tags or []):
        return port
    after: Any = client.add_tag(port, tag)
    undo.append(rollback.tagged(port.id, port.name or port.id, tag))
    return after if after is not None else port


def _take(client: Proxy, req: Request, tgt: Target,
          undo: list[rollback.Undo]) -> tuple[model.Vip, dict[str, Any]]:
    """Mark the holder adopted, name it when unnamed, tag it the VIP."""
    port: Any = tgt.holder
    address = tgt.seen.address
    if tgt.existing is not None:
        return tgt.existing, _port_row('keep', 'existing', port.id,
                                       req.name, address, False)
    named = []
    port = _tag(client, port, model.ADOPTED_TAG, undo)
    if not port.name:
        # Marked first, so that delete gives the name back even when this
        # run is killed right after the rename.
        port = _tag(client, port, model.NAMED_TAG, undo)
        port = client.update_port(port.id, name=req.name)
        undo.append(rollback.renamed(port.id, ''))
        named = [report.port_change('name', port.id, req.name, address)]
    port = _tag(client, port, model.TAG, undo)
    return model.from_port(port), _port_row(
        'adopt', 'adopted', port.id, req.name, address, False, named)


def _reserve(client: Proxy, req: Request, tgt: Target,
             undo: list[rollback.Undo]) -> tuple[model.Vip, dict[str, Any]]:
    """No port holds the address: one is made to reserve it."""
    tags = model.tags([], [m.port.id for m in tgt.members])
    port = join.create_port(
        client, tgt.seen.network_id, req.name,
        {'subnet_id': tgt.subnet.id, 'ip_address': tgt.seen.address}, tags,
        undo)
    return model.from_port(port), _port_row(
        'create', 'created', port.id, req.name, tgt.seen.address, False)


def _planned(req: Request, tgt: Target) -> tuple[model.Vip, dict[str, Any]]:
    """What a dry run would make of the holder, or would create."""
    kept = [m.port.id for m in tgt.members]
    address = tgt.seen.address
    if tgt.existing is not None:
        vip = change.recorded(tgt.existing, tgt.members)
        return vip, _port_row('keep', 'existing', vip.id, req.name,
                              address, True)
    if tgt.holder is None:
        port = observed.planned_port(req.name, tgt.seen.network_id,
                                     tgt.subnet.id, address,
                                     model.tags([], kept))
        return model.from_port(port), _port_row(
            'create', 'dry-run', None, req.name, address, True)
    vip = dataclasses.replace(model.from_port(tgt.holder), name=req.name,
                              kept=tuple(kept))
    named = ([] if tgt.holder.name else [report.port_change(
        'name', tgt.holder.id, req.name, address)])
    return vip, _port_row('adopt', 'dry-run', tgt.holder.id, req.name,
                          address, True, named)


def adopt(client: Proxy, req: Request, cloud: dict[str, Any]
          ) -> list[dict[str, Any]]:
    """Adopt the VIP; the rows of what was recorded (or would be)."""
    tgt = target(client, req)
    if req.dry_run:
        vip, row = _planned(req, tgt)
    else:
        undo: list[rollback.Undo] = []
        try:
            vip, row = (_take if tgt.holder is not None else _reserve)(
                client, req, tgt, undo)
            vip = join.tag_members(client, vip, tgt.members, undo)
        except join.FAILED as exc:
            raise failures.PartlyDone(
                exc, runner.roll_back(client, undo, cloud)) from exc
    rows = [row] + [change.kept_row(m, tgt.seen.address, req.dry_run)
                    for m in tgt.members]
    findings.warn(check.judge(prepare.seen_after(
        client, vip, tgt.seen.ports, (), tgt.seen.subnets,
        with_fips=tgt.holder is not None)))
    return rows
