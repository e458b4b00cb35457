"""What each mutation command needs: what to read once, and its pure plan.

A mutation is built from the command's parsed and validated arguments.
``prepare_all`` does every read the change needs (security group names,
journal records) once, from the ports as first read, with one request for
the names of every group of every port; ``plan`` is pure and is called
again after every re-read on a 412.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Sequence, TYPE_CHECKING

from osc_lib import exceptions

from osc_portsec import changes
from osc_portsec import lookup
from osc_portsec import pairs
from osc_portsec import plans
from osc_portsec import restore

if TYPE_CHECKING:
    from openstack.network.v2._proxy import Proxy
    from openstack.network.v2.port import Port

# A port as found: the reference the user gave, and the port as read.
Found = tuple[str, 'Port']


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
        """What one port's change needs; its refusal raised."""
        prepared = self.prepare_all(client, [(ref, port)], auth_url)[0]
        if isinstance(prepared, exceptions.CommandError):
            raise prepared
        return prepared

    def prepare_all(self, client: Proxy, found: Sequence[Found],
                    auth_url: str | None,
                    ) -> list[Prepared | exceptions.CommandError]:
        """What each port's change needs, in the order found.

        A port that cannot be changed (nothing recorded to restore) gets
        its refusal in its place, so the other ports go on.
        """
        return [Prepared(ref) for ref, _ in found]

    def plan(self, port: Port, prepared: Prepared) -> changes.Plan:
        raise NotImplementedError


@dataclasses.dataclass(frozen=True)
class PairAdd(Mutation):
    requested: Sequence[pairs.Pair] = ()
    restore: bool = False
    journal_name = 'pair add'
    what = 'allowed address pairs'

    def prepare_all(self, client: Proxy, found: Sequence[Found],
                    auth_url: str | None,
                    ) -> list[Prepared | exceptions.CommandError]:
        if not self.restore:
            return super().prepare_all(client, found, auth_url)
        return _with_records(found, [
            _or_refusal(restore.pairs, port, ref, auth_url)
            for ref, port in found])

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

    def prepare_all(self, client: Proxy, found: Sequence[Found],
                    auth_url: str | None,
                    ) -> list[Prepared | exceptions.CommandError]:
        # Groups added between this read and a re-read after a 412 are
        # reported by ID: the retry loop reads nothing but the port.
        names = lookup.group_names(client, [
            sg for _, port in found for sg in port.security_group_ids or []])
        return [
            Prepared(ref, names={sg: names[sg]
                                 for sg in port.security_group_ids or []})
            for ref, port in found
        ]

    def plan(self, port: Port, prepared: Prepared) -> changes.Plan:
        return plans.disable(port, prepared.names, prepared.ref)


@dataclasses.dataclass(frozen=True)
class Enable(Mutation):
    # Security groups given with --security-group, ID to name, looked up
    # once before any port is changed.
    groups: Mapping[str, str] = dataclasses.field(default_factory=dict)
    restore: bool = False
    journal_name = 'enable'

    def prepare_all(self, client: Proxy, found: Sequence[Found],
                    auth_url: str | None,
                    ) -> list[Prepared | exceptions.CommandError]:
        if not self.restore:
            return super().prepare_all(client, found, auth_url)
        removals = [_or_refusal(restore.removal, port, ref, auth_url)
                    for ref, port in found]
        names = lookup.group_names(client, [
            sg for removal in removals
            if isinstance(removal, restore.Removal) for sg in removal.groups])
        return _with_records(found, [
            restore.record(removal, names)
            if isinstance(removal, restore.Removal) else removal
            for removal in removals])

    def plan(self, port: Port, prepared: Prepared) -> changes.Plan:
        record = prepared.record
        if record is None:
            return plans.enable(port, prepared.ref, self.groups)
        return plans.enable(
            port, prepared.ref, self.groups,
            restored_groups=record.groups, restore_pairs=record.pairs,
            notes=record.notes,
        )


def _or_refusal(read: Any, *args: Any) -> Any:
    """``read(*args)``, or the refusal it raised."""
    try:
        return read(*args)
    except exceptions.CommandError as exc:
        return exc


def _with_records(found: Sequence[Found], records: Sequence[Any]
                  ) -> list[Prepared | exceptions.CommandError]:
    """Each port prepared with its record, or its refusal in its place."""
    return [
        record if isinstance(record, exceptions.CommandError)
        else Prepared(ref, record=record)
        for (ref, _), record in zip(found, records)
    ]


@dataclasses.dataclass(frozen=True)
class VipJoin(Mutation):
    """A member joins a VIP: the address as a pair, and the VRRP group."""

    address: str = ''
    group: tuple[str, str] | None = None
    journal_name: str = 'vip set'  # type: ignore[misc]
    what = 'allowed address pairs'

    def plan(self, port: Port, prepared: Prepared) -> changes.Plan:
        return plans.vip_join(port, prepared.ref, self.address, self.group)


@dataclasses.dataclass(frozen=True)
class VipLeave(Mutation):
    """A member leaves a VIP: only the pair the VIP gave it goes."""

    address: str = ''
    group: tuple[str, str] | None = None
    pair: bool = True
    journal_name: str = 'vip unset'  # type: ignore[misc]
    what = 'allowed address pairs'

    def plan(self, port: Port, prepared: Prepared) -> changes.Plan:
        return plans.vip_leave(port, self.address, self.group, self.pair)
