"""What each mutation sends, computed from the port as read.

Each function takes the port as Neutron returned it and returns a
:class:`~osc_portsec.update.Plan`: the attributes to send (new lists, never
the port's own lists mutated in place, which the SDK would not see as a
change) and the changes in plain words. An empty ``attrs`` means there is
nothing to do. They are called again after every re-read on a 412.
"""

from __future__ import annotations

from typing import Any, Collection, Sequence

from osc_lib import exceptions

from osc_portsec import pairs as _pairs
from osc_portsec import update

Names = dict[str, Any]


def _group(sg: str, names: Names) -> str:
    name = names.get(sg)
    return f'{name} ({sg})' if name else sg


def _pair_text(body: dict[str, Any]) -> str:
    return str(_pairs.as_pair(body))


def _require_enabled(port: Any, label: str, action: str) -> None:
    update.require_port_security(port, label)
    if not port.is_port_security_enabled:
        raise exceptions.CommandError(
            f"Port {label} has port security disabled, and Neutron allows "
            f"{action} only while it is enabled; run 'openstack port security "
            f"enable {label}' first."
        )


def pair_add(
    port: Any,
    requested: Sequence[_pairs.Pair],
    label: str,
    restored: Sequence[_pairs.Pair] = (),
) -> update.Plan:
    """Add ``requested`` and put back ``restored`` (``--restore``)."""
    _require_enabled(port, label, 'allowed address pairs')
    mac = port.mac_address
    typed = {_pairs.pair_key(p, mac) for p in requested}
    # A pair both typed and recorded is the user's: added, not "repeated".
    restored = [p for p in restored if _pairs.pair_key(p, mac) not in typed]
    change = _pairs.merge_pairs(
        port.allowed_address_pairs or [], [*requested, *restored], mac
    )

    def verb(pair: _pairs.Pair) -> str:
        return 'added' if _pairs.pair_key(pair, mac) in typed else 'restored'

    changes = [f'{verb(p)} allowed address pair {p}' for p in change.changed]
    changes += _skipped(change)
    warnings = [
        f"Allowed address pair {p} on port {label} lets the port send from "
        f"any address and bypasses the source-IP rules of every port that "
        f"shares its security groups."
        for p in change.changed if _pairs.is_open_to_all(p)
    ]
    attrs = {'allowed_address_pairs': change.pairs} if change.changed else {}
    return update.Plan(attrs=attrs, changes=changes, warnings=warnings)


def _skipped(change: _pairs.PairChange) -> list[str]:
    return [
        f'skipped allowed address pair {p}: already on the port'
        for p in change.skipped
    ] + [
        f'skipped allowed address pair {p}: given more than once'
        for p in change.repeated
    ]


def pair_remove(
    port: Any, requested: Sequence[_pairs.Pair], label: str
) -> update.Plan:
    current = port.allowed_address_pairs or []
    change = _pairs.remove_pairs(current, requested, port.mac_address, label)
    kept = {_pairs.pair_key(p, port.mac_address) for p in change.pairs}
    removed = [
        dict(p) for p in current
        if _pairs.pair_key(p, port.mac_address) not in kept
    ]
    return update.Plan(
        attrs={'allowed_address_pairs': change.pairs},
        changes=[f'removed allowed address pair {_pair_text(p)}'
                 for p in removed],
    )


def pair_clear(port: Any) -> update.Plan:
    current = [dict(p) for p in port.allowed_address_pairs or []]
    if not current:
        return update.Plan(
            attrs={}, changes=['no allowed address pairs to clear']
        )
    return update.Plan(
        attrs={'allowed_address_pairs': []},
        changes=[f'removed allowed address pair {_pair_text(p)}'
                 for p in current],
    )


def disable(port: Any, names: Names, label: str) -> update.Plan:
    """Security groups, pairs and the flag, in one request.

    Neutron refuses ``port_security_enabled=False`` while the port has
    security groups (409 PortSecurityPortHasSecurityGroup) or pairs (409
    AddressPairAndPortSecurityRequired), but applies all three fields of one
    request in one transaction, so the port is never left blocking traffic.
    """
    update.require_port_security(port, label)
    if not port.is_port_security_enabled:
        return update.Plan(
            attrs={}, changes=['port security is already disabled']
        )
    groups = list(port.security_group_ids or [])
    current = [dict(p) for p in port.allowed_address_pairs or []]
    changes = [f'removed security group {_group(sg, names)}' for sg in groups]
    changes += [f'removed allowed address pair {_pair_text(p)}'
                for p in current]
    changes.append('disabled port security')
    # Only the fields that change are sent, so Neutron checks only the
    # policy rules this change needs (update_port:allowed_address_pairs is
    # not asked for a port without pairs).
    attrs: dict[str, Any] = {'is_port_security_enabled': False}
    if groups:
        attrs['security_group_ids'] = []
    if current:
        attrs['allowed_address_pairs'] = []
    return update.Plan(
        attrs=attrs,
        changes=changes,
    )


def enable(
    port: Any,
    group_ids: Sequence[str],
    names: Names,
    label: str,
    restore_pairs: Sequence[dict[str, Any]] = (),
    restored_groups: Collection[str] = (),
) -> update.Plan:
    """Port security on, with ``group_ids`` added, in one request.

    ``restore_pairs`` are pairs to put back (``--restore``); they can only
    exist once port security is on, so they go in the same request.
    ``restored_groups`` are the groups among ``group_ids`` that are put back
    rather than added, for the report.
    """
    update.require_port_security(port, label)
    attrs: dict[str, Any] = {}
    changes = []
    if not port.is_port_security_enabled:
        attrs['is_port_security_enabled'] = True
        changes.append('enabled port security')
    current_groups = list(port.security_group_ids or [])
    new_groups = [sg for sg in dict.fromkeys(group_ids)
                  if sg not in current_groups]
    if new_groups:
        attrs['security_group_ids'] = current_groups + new_groups
        changes += [
            f"{'restored' if sg in restored_groups else 'added'} security "
            f"group {_group(sg, names)}"
            for sg in new_groups
        ]
    if restore_pairs:
        change = _pairs.merge_pairs(
            port.allowed_address_pairs or [],
            [_pairs.as_pair(p) for p in restore_pairs],
            port.mac_address,
        )
        if change.changed:
            attrs['allowed_address_pairs'] = change.pairs
        changes += [f'restored allowed address pair {p}'
                    for p in change.changed]
        changes += _skipped(change)
    warnings = []
    if not current_groups + new_groups:
        warnings.append(
            f"Port {label} has port security enabled and no security group: "
            f"Neutron does not add the default group back, and a port with "
            f"port security on and no group drops all traffic on ML2/OVN; "
            f"add one with --security-group."
        )
    if not attrs:
        changes.append('port security is already enabled')
    return update.Plan(attrs=attrs, changes=changes, warnings=warnings)
