"""The port-security state of a port, as Neutron reported it.

Pure functions of an SDK ``Port``: what the port has, whether the cloud
reported the flag at all, what a change would make of it.
"""

from __future__ import annotations

from typing import Any, TYPE_CHECKING

from osc_lib import exceptions

from osc_portsec import pairs

if TYPE_CHECKING:
    from openstack.network.v2.port import Port


def has_port_security(port: Port) -> bool:
    """Whether Neutron reported ``port_security_enabled`` for the port.

    The SDK defaults ``is_port_security_enabled`` to False when the field is
    absent, which on a cloud without the ``port-security`` extension would
    claim that port security is off. Only the response body can tell.
    """
    body = getattr(port, '_body', None)
    attributes = getattr(body, 'attributes', None)
    if attributes is None:
        return port.is_port_security_enabled is not None
    return 'port_security_enabled' in attributes


def flag(port: Port) -> bool | None:
    """``port_security_enabled``; None when the cloud did not report it."""
    if not has_port_security(port):
        return None
    return bool(port.is_port_security_enabled)


def state(port: Port) -> dict[str, Any]:
    """The port-security state of ``port`` in Neutron's field names."""
    return {
        'port_security_enabled': flag(port),
        'security_group_ids': list(port.security_group_ids or []),
        'allowed_address_pairs': [
            dict(p) for p in (port.allowed_address_pairs or [])
        ],
        'revision_number': port.revision_number,
    }


def require_port_security(port: Port, ref: str) -> None:
    if not has_port_security(port):
        raise exceptions.CommandError(
            f"Port {ref} reports no port_security_enabled field: this cloud "
            f"does not have Neutron's port-security extension, so port "
            f"security cannot be changed here."
        )


def predicted(port: Port, attrs: dict[str, Any]) -> Port:
    """A copy of ``port`` with ``attrs`` applied, as Neutron would store it."""
    values = port.to_dict(computed=False)
    if not has_port_security(port):
        # to_dict fills in the SDK's default False; keep the field absent so
        # the prediction still says the extension is missing.
        values.pop('is_port_security_enabled', None)
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
