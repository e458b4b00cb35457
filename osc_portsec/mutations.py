"""What each mutation command needs: what to read once, and its pure plan.

A mutation is built from the command's parsed and validated arguments.
``prepare`` does every read the change needs (security group names,
journal records) once, from the port as first read; ``plan`` is pure and
is called again after every re-read on a 412.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Sequence, TYPE_CHECKING

from osc_portsec import changes
from osc_portsec import lookup
from osc_portsec import pairs
from osc_portsec import plans
from osc_portsec import restore

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy
    from openstack.network.v2.port import Port


@dataclasses.dataclass(frozen=True)
class Prepared:
    """What was read before planning.

    The port as the user named it, security group names, and what
    ``--restore`` puts back.
    """

    ref: str
    names: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    record: restore.Record | None = None


@dataclasses.dataclass(frozen=True)
class Mutation:
    # The journal's name for the command, and what a 403 says it changes.
    journal_name = ''
    what = 'port security'

    def prepare(self, client: Proxy, port: Port, ref: str,
                auth_url: str | None) -> Prepared:
        return Prepared(ref)

    def plan(self, port: Port, prepared: Prepared) -> changes.Plan:
        raise NotImplementedError


@dataclasses.dataclass(frozen=True)
class PairAdd(Mutation):
    requested: Sequence[pairs.Pair] = ()
    restore: bool = False
    journal_name = 'pair add'
    what = 'allowed address pairs'

    def prepare(self, client: Proxy, port: Port, ref: str,
                auth_url: str | None) -> Prepared:
        record = restore.pairs(port, ref, auth_url) if self.restore else None
        return Prepared(ref, record=record)

    def plan(self, port: Port, prepared: Prepared) -> changes.Plan:
        record = prepared.record
        return plans.pair_add(
            port, self.requested, prepared.ref,
            [pairs.as_pair(p) for p in record.pairs] if record else (),
            record.notes if record else (),
        )


@dataclasses.dataclass(frozen=True)
class PairRemove(Mutation):
    requested: Sequence[pairs.Pair] = ()
    journal_name = 'pair remove'
    what = 'allowed address pairs'

    def plan(self, port: Port, prepared: Prepared) -> changes.Plan:
        return plans.pair_remove(port, self.requested, prepared.ref)


@dataclasses.dataclass(frozen=True)
class PairClear(Mutation):
    journal_name = 'pair clear'
    what = 'allowed address pairs'

    def plan(self, port: Port, prepared: Prepared) -> changes.Plan:
        return plans.pair_clear(port, prepared.ref)


@dataclasses.dataclass(frozen=True)
class Disable(Mutation):
    journal_name = 'disable'

    def prepare(self, client: Proxy, port: Port, ref: str,
                auth_url: str | None) -> Prepared:
        # Groups added between this read and a re-read after a 412 are
        # reported by ID: the retry loop reads nothing but the port.
        names = lookup.group_names(client, port.security_group_ids or [])
        return Prepared(ref, names=names)

    def plan(self, port: Port, prepared: Prepared) -> changes.Plan:
        return plans.disable(port, prepared.names, prepared.ref)


@dataclasses.dataclass(frozen=True)
class Enable(Mutation):
    # Security groups given with --security-group, ID to name, looked up
    # once before any port is changed.
    groups: Mapping[str, str] = dataclasses.field(default_factory=dict)
    restore: bool = False
    journal_name = 'enable'

    def prepare(self, client: Proxy, port: Port, ref: str,
                auth_url: str | None) -> Prepared:
        record = None
        if self.restore:
            record = restore.groups_and_pairs(client, port, ref, auth_url)
        return Prepared(ref, record=record)

    def plan(self, port: Port, prepared: Prepared) -> changes.Plan:
        record = prepared.record
        if record is None:
            return plans.enable(port, prepared.ref, self.groups)
        return plans.enable(
            port, prepared.ref, self.groups,
            restored_groups=record.groups, restore_pairs=record.pairs,
            notes=record.notes,
        )
