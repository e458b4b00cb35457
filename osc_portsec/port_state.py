"""The port-security state of a port, as Neutron reported it.

Pure functions of an SDK ``Port``: what the port has, whether the cloud
reported the flag at all, what a change would make of it.
"""

from __future__ import annotations

from typing import Any, Mapping, TYPE_CHECKING

from osc_lib import exceptions

from osc_portsec import pairs

if TYPE_CHECKING:
    from openstack.network.v2.port import Port


# What each port field needs, for the sentence when a cloud lacks it: the
# Neutron API extension and the setting that provides it.
EXTENSIONS = {
    'port_security_enabled': (
        'port-security',
        "the ML2 extension driver port_security ([ml2] extension_drivers)",
    ),
    'security_groups': (
        'security-group',
        '[securitygroup] enable_security_group = true',
    ),
    'allowed_address_pairs': (
        'allowed-address-pairs',
        '[securitygroup] enable_security_group = true',
    ),
}


def has_field(port: Port, field: str) -> bool:
    """Whether Neutron reported ``field`` (a body key) for the port.

    The SDK fills in defaults for absent fields (``is_port_security_enabled``
    False), which on a cloud without the extension would claim a state
    Neutron never reported. Only the response body can tell.
    """
    body = getattr(port, '_body', None)
    attributes = getattr(body, 'attributes', None)
    if attributes is None:
        attr = {'port_security_enabled': 'is_port_security_enabled',
                'security_groups': 'security_group_ids'}.get(field, field)
        return getattr(port, attr, None) is not None
    return field in attributes


def has_port_security(port: Port) -> bool:
    """Whether Neutron reported ``port_security_enabled`` for the port."""
    return has_field(port, 'port_security_enabled')


def flag(port: Port) -> bool | None:
    """``port_security_enabled``; None when the cloud did not report it."""
    if not has_port_security(port):
        return None
    return bool(port.is_port_security_enabled)


def state(port: Port) -> dict[str, Any]:
    """The port-security state of ``port`` in Neutron's field names.

    A field the cloud did not report is None, never an empty list.
    """
    groups = pairs_ = None
    if has_field(port, 'security_groups'):
        groups = list(port.security_group_ids or [])
    if has_field(port, 'allowed_address_pairs'):
        pairs_ = [dict(p) for p in (port.allowed_address_pairs or [])]
    return {
        'port_security_enabled': flag(port),
        'security_group_ids': groups,
        'allowed_address_pairs': pairs_,
        'revision_number': port.revision_number,
    }


def lacking(field: str, ref: str, consequence: str) -> str:
    """The sentence refusing a command on a port without ``field``.

    ``consequence`` says what cannot be done, e.g. "allowed address pairs
    cannot be changed".
    """
    extension, setting = EXTENSIONS[field]
    return (
        f"Port {ref} reports no {field} field: this cloud does not have "
        f"Neutron's {extension} extension, so {consequence} here; the cloud "
        f"operator enables it with {setting}."
    )


def require(port: Port, field: str, ref: str,
            consequence: str) -> None:
    """Refuse, before anything is sent, when the cloud lacks ``field``."""
    if not has_field(port, field):
        raise exceptions.CommandError(lacking(field, ref, consequence))


def require_port_security(port: Port, ref: str) -> None:
    require(port, 'port_security_enabled', ref,
            'port security cannot be changed')


def require_pairs(port: Port, ref: str, doing: str = 'changed') -> None:
    require(port, 'allowed_address_pairs', ref,
            f'allowed address pairs cannot be {doing}')


def require_groups(port: Port, ref: str) -> None:
    require(port, 'security_groups', ref,
            'security groups cannot be added')


def predicted(port: Port, attrs: Mapping[str, Any]) -> Port:
    """A copy of ``port`` with ``attrs`` applied, as Neutron would store it."""
    values = port.to_dict(computed=False)
    # to_dict fills in the SDK's defaults; keep absent fields absent so the
    # prediction still says the extension is missing.
    for field, attr in (('port_security_enabled', 'is_port_security_enabled'),
                        ('security_groups', 'security_group_ids'),
                        ('allowed_address_pairs', 'allowed_address_pairs')):
        if not has_field(port, field) and attr not in attrs:
            values.pop(attr, None)
    values.update(attrs)
    # Neutron stores the port's own MAC in a pair given without one.
    if 'allowed_address_pairs' in attrs:
        values['allowed_address_pairs'] = [
            {
                'ip_address': p['ip_address'],
                'mac_address': p.get('mac_address') or port.mac_address,
            }
            for p in attrs['allowed_address_pairs']
        ]
    return type(port).existing(**values)


def matches(port: Port, expected: Port) -> bool:
    """Whether ``port`` holds the port-security state of ``expected``.

    Used after a lost reply: the re-read port shows whether Neutron applied
    the change. Lists are compared as sets, pairs as Neutron means them.
    """
    def key(p: Port) -> tuple:
        return (
            flag(p),
            frozenset(p.security_group_ids or []),
            frozenset(pairs.pair_key(x, p.mac_address)
                      for x in p.allowed_address_pairs or []),
        )

    return key(port) == key(expected)
