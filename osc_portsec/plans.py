"""What each mutation sends, computed from the port as read.

Pure functions: each takes the port as Neutron returned it and what was
prepared before (names, journal records) and returns a
:class:`~osc_portsec.changes.Plan`: the attributes to send (new lists, never
the port's own lists mutated in place, which the SDK would not see as a
change) and the changes as data. An empty ``attrs`` means there is nothing
to do. They are called again after every re-read on a 412.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence, TYPE_CHECKING

from osc_lib import exceptions

from osc_portsec import changes
from osc_portsec.changes import Change
from osc_portsec.changes import Plan
from osc_portsec import pairs as _pairs
from osc_portsec import port_state

if TYPE_CHECKING:
    from openstack.network.v2.port import Port

Names = Mapping[str, Any]


def _require_enabled(port: Port, ref: str, action: str) -> None:
    # Without the port-security extension Neutron has no flag to check and
    # accepts pairs: only a reported False is refused.
    if port_state.flag(port) is False:
        raise exceptions.CommandError(
            f"Port {ref} has port security disabled, and Neutron allows "
            f"{action} only while it is enabled; run 'openstack port security "
            f"enable {ref}' first."
        )


def _pair(action: str, pair: _pairs.Pair | Mapping[str, Any],
          reason: str | None = None) -> Change:
    if not isinstance(pair, _pairs.Pair):
        pair = _pairs.as_pair(pair)
    return changes.pair(action, pair.ip_address, pair.mac_address, reason)


def _skipped(change: _pairs.PairChange) -> list[Change]:
    return [_pair('skip', p, 'present') for p in change.skipped] + [
        _pair('skip', p, 'repeated') for p in change.repeated
    ]


def pair_add(
    port: Port,
    requested: Sequence[_pairs.Pair],
    ref: str,
    restored: Sequence[_pairs.Pair] = (),
    notes: Sequence[Change] = (),
) -> Plan:
    """Add ``requested`` and put back ``restored`` (``--restore``)."""
    port_state.require_pairs(port, ref)
    _require_enabled(port, ref, 'allowed address pairs')
    mac = port.mac_address
    typed = {_pairs.pair_key(p, mac) for p in requested}
    # A pair both typed and recorded is the user's: added, not "repeated".
    restored = [p for p in restored if _pairs.pair_key(p, mac) not in typed]
    change = _pairs.merge_pairs(
        port.allowed_address_pairs or [], [*requested, *restored], mac
    )
    done = [
        _pair('add' if _pairs.pair_key(p, mac) in typed else 'restore', p)
        for p in change.changed
    ]
    warnings = [
        f"Allowed address pair {p} on port {ref} lets the port send from "
        f"any address and bypasses the source-IP rules of every port that "
        f"shares its security groups."
        for p in change.changed if _pairs.is_open_to_all(p)
    ] + _pairs.host_bits_beside(port.allowed_address_pairs or [],
                                change.changed, mac, ref)
    host_bits = [Change('note', 'host_bits', found) for found in
                 map(_pairs.host_bits_note, requested) if found]
    attrs = {'allowed_address_pairs': change.pairs} if change.changed else {}
    return Plan(attrs=attrs,
                changes=[*notes, *host_bits, *done, *_skipped(change)],
                warnings=warnings)


def pair_remove(
    port: Port, requested: Sequence[_pairs.Pair], ref: str
) -> Plan:
    port_state.require_pairs(port, ref)
    current = port.allowed_address_pairs or []
    change = _pairs.remove_pairs(current, requested, port.mac_address, ref)
    kept = {_pairs.pair_key(p, port.mac_address) for p in change.pairs}
    return Plan(
        attrs={'allowed_address_pairs': change.pairs},
        changes=[
            _pair('remove', p) for p in current
            if _pairs.pair_key(p, port.mac_address) not in kept
        ],
    )


def pair_clear(port: Port, ref: str) -> Plan:
    port_state.require_pairs(port, ref)
    current = list(port.allowed_address_pairs or [])
    if not current:
        return Plan(attrs={}, changes=[
            Change('none', 'allowed_address_pairs')
        ])
    return Plan(
        attrs={'allowed_address_pairs': []},
        changes=[_pair('remove', p) for p in current],
    )


def disable(port: Port, names: Names, ref: str) -> Plan:
    """Security groups, pairs and the flag, in one request.

    Neutron refuses ``port_security_enabled=False`` while the port has
    security groups (409 PortSecurityPortHasSecurityGroup) or pairs (409
    AddressPairAndPortSecurityRequired), but applies all three fields of one
    request in one transaction, so the port is never left blocking traffic.
    """
    port_state.require_port_security(port, ref)
    if not port.is_port_security_enabled:
        return Plan(attrs={}, changes=[
            Change('none', 'port_security', {'enabled': False})
        ])
    groups = list(port.security_group_ids or [])
    current = list(port.allowed_address_pairs or [])
    done = [changes.group('remove', sg, names.get(sg)) for sg in groups]
    done += [_pair('remove', p) for p in current]
    done.append(Change('disable', 'port_security'))
    # Only the fields that change are sent, so Neutron checks only the
    # policy rules this change needs (update_port:allowed_address_pairs is
    # not asked for a port without pairs).
    attrs: dict[str, Any] = {'is_port_security_enabled': False}
    if groups:
        attrs['security_group_ids'] = []
    if current:
        attrs['allowed_address_pairs'] = []
    return Plan(attrs=attrs, changes=done)


def _groups_on(port: Port, ref: str, groups: Names, restored: Names,
               attrs: dict[str, Any]) -> list[Change]:
    """Add ``groups``, put back ``restored``; say those already there."""
    current = list(port.security_group_ids or [])
    wanted = {**restored, **groups}
    new = [sg for sg in wanted if sg not in current]
    if new:
        port_state.require_groups(port, ref)
        attrs['security_group_ids'] = current + new
    done = [changes.group('restore' if sg in restored else 'add', sg,
                          wanted[sg]) for sg in new]
    return done + [changes.group('skip', sg, restored[sg], 'present')
                   for sg in restored if sg in current and sg not in groups]


def _pairs_back(port: Port, ref: str, restore_pairs: Sequence[Mapping[
        str, Any]], attrs: dict[str, Any]) -> list[Change]:
    if not restore_pairs:
        return []
    port_state.require_pairs(port, ref, 'restored')
    change = _pairs.merge_pairs(
        port.allowed_address_pairs or [],
        [_pairs.as_pair(p) for p in restore_pairs], port.mac_address)
    if change.changed:
        attrs['allowed_address_pairs'] = change.pairs
    return [_pair('restore', p) for p in change.changed] + _skipped(change)


def enable(
    port: Port,
    ref: str,
    groups: Names,
    restored_groups: Names | None = None,
    restore_pairs: Sequence[Mapping[str, Any]] = (),
    notes: Sequence[Change] = (),
) -> Plan:
    """Port security on, with security groups added, in one request.

    ``groups`` (ID to name) are added; ``restored_groups`` and
    ``restore_pairs`` are put back (``--restore``); pairs can only exist
    once port security is on, so they go in the same request. ``notes``
    (what --restore cannot put back, a port that changed since) are
    reported first. A restore that finds a part already back says so for
    each part: the flag, each group, each pair.
    """
    port_state.require_port_security(port, ref)
    attrs: dict[str, Any] = {}
    done = list(notes)
    restoring = bool(restored_groups or restore_pairs)
    if not port.is_port_security_enabled:
        attrs['is_port_security_enabled'] = True
        done.append(Change('enable', 'port_security'))
    elif restoring:
        done.append(Change('none', 'port_security', {'enabled': True}))
    done += _groups_on(port, ref, groups, restored_groups or {}, attrs)
    done += _pairs_back(port, ref, restore_pairs, attrs)
    if not attrs and not restoring:
        done.append(Change('none', 'port_security', {'enabled': True}))
    return Plan(attrs=attrs, changes=done,
                warnings=_no_group(port, ref, attrs))


def _no_group(port: Port, ref: str, attrs: dict[str, Any]) -> list[str]:
    if attrs.get('security_group_ids') or port.security_group_ids:
        return []
    if not port_state.has_field(port, 'security_groups'):
        # A cloud without security groups filters by port security alone.
        return []
    return [
        f"Port {ref} has port security enabled and no security group: "
        f"Neutron does not add the default group back, and a port with "
        f"port security on and no group drops all traffic on ML2/OVN; "
        f"add one with --security-group."
    ]


def vip_join(port: Port, ref: str, address: str,
             group: tuple[str, str] | None) -> Plan:
    """A VIP's pair on a member (its own MAC), and the group, at once.

    The member's own MAC: OVN (Neutron 29) refuses other MACs but VRRP's,
    and keepalived sends from the interface's MAC by default.
    """
    plan = pair_add(port, [_pairs.Pair(address, port.mac_address)], ref)
    current = list(port.security_group_ids or [])
    if not group or group[0] in current:
        return plan
    return changes.extend(
        plan, {'security_group_ids': current + [group[0]]},
        [changes.group('add', group[0], group[1])])


def _is_vip_pair(pair: Mapping[str, Any], address: str, mac: str) -> bool:
    return (_pairs.pair_key(pair, mac)
            == _pairs.pair_key(_pairs.Pair(address), mac))


def vip_leave(port: Port, address: str,
              group: tuple[str, str] | None = None,
              pair: bool = True) -> Plan:
    """Take the VIP's pair (the address with the member's MAC) off a member.

    Every other pair stays, the same address with another MAC (a VRRP
    virtual MAC the operator added) included. With ``group`` (a rollback)
    also the group that run added; without ``pair`` (a rollback where the
    pair was there before) only that group.
    """
    if pair and not port_state.has_field(port, 'allowed_address_pairs'):
        # A cloud without the extension: there is no pair to take off.
        return Plan(changes=[Change('note', 'extension', {
            'what': "the VIP's allowed address pair",
            'extension': 'allowed-address-pairs'})])
    current = list(port.allowed_address_pairs or [])
    mac = port.mac_address
    gone = [p for p in current if pair and _is_vip_pair(p, address, mac)]
    attrs: dict[str, Any] = {}
    done = [_pair('remove', p) for p in gone]
    if gone:
        attrs['allowed_address_pairs'] = [p for p in current
                                          if p not in gone]
    groups = list(port.security_group_ids or [])
    if group and group[0] in groups:
        attrs['security_group_ids'] = [g for g in groups if g != group[0]]
        done.append(changes.group('remove', group[0], group[1]))
    return Plan(attrs=attrs, changes=done)
