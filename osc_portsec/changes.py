"""What a mutation does, as data, rendered once.

A :class:`Change` says what happens to what (``add`` an
``allowed_address_pair``, ``remove`` a ``security_group``, ``disable``
``port_security``...). It is rendered in words for a table, as "would ..."
for a dry run, and summarised as structure for ``-f json``; nothing rewrites
English to make English.
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any, Iterable, Mapping, Sequence

# Actions that change the port, in the past tense and as a dry run says them.
_PAST = {
    'add': 'added',
    'remove': 'removed',
    'restore': 'restored',
    'skip': 'skipped',
    'disable': 'disabled',
    'enable': 'enabled',
    'create': 'created',
    'delete': 'deleted',
    'keep': 'kept',
    'adopt': 'adopted',
    'name': 'named',
    'untag': 'untagged',
    'unname': 'took the name back from',
}

_SUBJECTS = {
    'allowed_address_pair': 'allowed address pair',
    'security_group': 'security group',
    'port_security': 'port security',
    'vip_port': 'port',
    'vrrp_rule': 'VRRP rule',
}

# Why an item was skipped or kept.
SKIP_REASONS = {
    'present': 'already on the port',
    'repeated': 'given more than once',
    'gone': 'it no longer exists or is not visible to you',
    'in_group': 'an equivalent rule is already in the group',
    'shared': 'another VIP of the group uses it',
    'not_created': 'this tool did not create it',
    'before': 'it was there before the VIP',
    'vip_group': "members keep the VIP's security group",
    'adopted': "it held the address before the VIP was adopted (only the "
               "VIP's tags go)",
    'named_by_adopt': 'it had no name before adopt gave it the VIP\'s',
}


@dataclasses.dataclass(frozen=True)
class Change:
    """One thing a mutation does or did to a port.

    ``action`` is a verb (``add``, ``remove``, ``restore``, ``skip``,
    ``disable``, ``enable``) or ``none`` for a statement that nothing was
    needed, or ``note`` for a fact the user must know. ``detail`` holds the
    item: a pair's ``ip_address``/``mac_address``, a group's ``id``/
    ``name``, a skip's ``reason`` key.
    """

    action: str
    subject: str
    detail: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Plan:
    """What one mutation sends, and the changes it makes: an immutable value.

    An empty ``attrs`` means there is nothing to send. A function that
    needs another plan builds a new one (:func:`extend`).
    """

    attrs: Mapping[str, Any] = dataclasses.field(
        default_factory=lambda: types.MappingProxyType({}))
    changes: Sequence[Change] = ()
    warnings: Sequence[str] = ()

    def __post_init__(self) -> None:
        # Frozen all the way down: callers may pass lists and dicts.
        object.__setattr__(self, 'attrs',
                           types.MappingProxyType(dict(self.attrs)))
        object.__setattr__(self, 'changes', tuple(self.changes))
        object.__setattr__(self, 'warnings', tuple(self.warnings))

    @property
    def removes(self) -> bool:
        """Whether the change takes something off the port."""
        return any(c.action in ('remove', 'disable') for c in self.changes)


def extend(plan: Plan, attrs: Mapping[str, Any] | None = None,
           more: Iterable[Change] = ()) -> Plan:
    """A new plan: ``plan`` with ``attrs`` sent too and ``more`` changes."""
    return Plan(attrs={**plan.attrs, **(attrs or {})},
                changes=(*plan.changes, *more), warnings=plan.warnings)


def pair(action: str, ip_address: str, mac_address: str | None,
         reason: str | None = None) -> Change:
    detail: dict[str, Any] = {'ip_address': ip_address,
                              'mac_address': mac_address}
    if reason:
        detail['reason'] = reason
    return Change(action, 'allowed_address_pair', detail)


def group(action: str, group_id: str, name: str | None,
          reason: str | None = None) -> Change:
    detail: dict[str, Any] = {'id': group_id, 'name': name}
    if reason:
        detail['reason'] = reason
    return Change(action, 'security_group', detail)


def _item(change: Change) -> str:
    d = change.detail
    if change.subject == 'allowed_address_pair':
        mac = d.get('mac_address')
        return f"{d['ip_address']} ({mac})" if mac else d['ip_address']
    if change.subject == 'security_group':
        name = d.get('name')
        return f"{name} ({d['id']})" if name else d['id']
    if change.subject == 'vip_port':
        return f"{d['name']} holding {d['ip_address']}"
    if change.subject == 'vrrp_rule':
        return str(d['rule'])
    return ''


def _statement(change: Change) -> str:
    d = change.detail
    if change.subject == 'port_security':
        state = 'enabled' if d.get('enabled') else 'disabled'
        return f'port security is already {state}'
    if change.subject == 'allowed_address_pairs':
        return 'no allowed address pairs to clear'
    if change.subject == 'journal':
        return (
            f"port changed since the recorded {d['command']} (revision "
            f"{d['recorded_revision']} then, {d['current_revision']} now): "
            f"only what is missing from the port is put back"
        )
    if change.subject == 'host_bits':
        return (
            f"{d['given']} has host bits: taken as its network "
            f"{d['sent']} (stored as typed, it would let only {d['host']} "
            f"through on OVN and the whole network on the other back ends)"
        )
    if change.subject == 'reply':
        return (
            f"the reply to the update was lost ({d['cause']}); a re-read "
            f"shows the change was applied"
        )
    if change.subject == 'extension':
        return (f"{d['what']} left as it is: this cloud has no "
                f"{d['extension']} extension")
    raise ValueError(f'no words for {change}')


def words(change: Change, dry_run: bool = False) -> str:
    """``change`` as a sentence fragment: done, or as a dry run would."""
    if change.action in ('none', 'note'):
        return _statement(change)
    subject = _SUBJECTS[change.subject]
    item = _item(change)
    verb = f'would {change.action}' if dry_run else _PAST[change.action]
    text = f'{verb} {subject}{" " + item if item else ""}'
    reason = change.detail.get('reason')
    if reason:
        text += f': {SKIP_REASONS[reason]}'
    return text


def summary(changes: Iterable[Change], flag_before: bool | None,
            flag_after: bool | None) -> dict[str, Any]:
    """What was added, removed, restored and skipped, for ``-f json``."""
    out: dict[str, Any] = {
        action: {'security_groups': [], 'allowed_address_pairs': []}
        for action in ('added', 'removed', 'restored', 'skipped')
    }
    for change in changes:
        past = _PAST.get(change.action)
        if past not in out:
            continue
        key = ('security_groups' if change.subject == 'security_group'
               else 'allowed_address_pairs')
        out[past][key].append(dict(change.detail))
    out['port_security_enabled'] = {
        'before': flag_before, 'after': flag_after,
    }
    return out
