"""Find the port a user means: by ID, by name or by one of its fixed IPs."""

from __future__ import annotations

import ipaddress
from typing import Any, Iterable

from openstack import exceptions as sdk_exc
from osc_lib import exceptions


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _describe(port: Any) -> str:
    return (
        f"{port.id} (network {port.network_id}, "
        f"device owner {port.device_owner or 'none'})"
    )


def _ambiguous(
    value: str, ports: list[Any], how: str
) -> exceptions.CommandError:
    candidates = '; '.join(_describe(p) for p in ports)
    return exceptions.CommandError(
        f"More than one port has {how} '{value}': {candidates}; give the port "
        f"ID, or narrow the search with --network."
    )


def network_id(client: Any, network: str | None) -> str | None:
    """Resolve ``--network`` (name or ID) to an ID."""
    if not network:
        return None
    try:
        return client.find_network(network, ignore_missing=False).id
    except sdk_exc.NotFoundException:
        raise exceptions.CommandError(
            f"Network '{network}' was not found; check it with 'openstack "
            f"network list'."
        ) from None
    except sdk_exc.DuplicateResource:
        raise exceptions.CommandError(
            f"More than one network is named '{network}'; give the network ID."
        ) from None


def security_groups(client: Any, refs: list[str]) -> dict[str, str]:
    """Resolve security group names or IDs; ID to name, in order."""
    groups = {}
    for ref in refs:
        try:
            group = client.find_security_group(ref, ignore_missing=False)
        except sdk_exc.NotFoundException:
            raise exceptions.CommandError(
                f"Security group '{ref}' was not found; check it with "
                f"'openstack security group list'."
            ) from None
        except sdk_exc.DuplicateResource:
            raise exceptions.CommandError(
                f"More than one security group is named '{ref}'; give the "
                f"security group ID."
            ) from None
        groups[group.id] = group.name or ''
    return groups


def find_port(client: Any, value: str, net_id: str | None = None) -> Any:
    """Return the port named by ``value``.

    ``value`` may be a port ID, a port name or a fixed IP address of the
    port; ``net_id`` narrows a name or IP lookup to one network.
    """
    query = {'network_id': net_id} if net_id else {}
    try:
        if _is_ip(value):
            ports = list(
                client.ports(fixed_ips=f'ip_address={value}', **query)
            )
            if len(ports) == 1:
                return ports[0]
            if len(ports) > 1:
                raise _ambiguous(value, ports, 'the fixed IP')
            # No port owns the address: a port may still be *named* so.
        try:
            return client.find_port(value, ignore_missing=False, **query)
        except sdk_exc.DuplicateResource:
            ports = list(client.ports(name=value, **query))
            raise _ambiguous(value, ports, 'the name') from None
    except sdk_exc.NotFoundException:
        where = f" on network {net_id}" if net_id else ''
        raise exceptions.CommandError(
            f"No port with ID, name or fixed IP '{value}' was found{where}; "
            f"check it with 'openstack port list'."
        ) from None


def group_names(client: Any, ids: Iterable[str]) -> dict[str, str | None]:
    """Names of the security groups ``ids``, in one list request.

    A group the caller cannot see (another project's, or deleted) maps to
    None; a group without a name maps to ''.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    names: dict[str, str | None] = dict.fromkeys(wanted)
    for group in client.security_groups(id=wanted, fields=['id', 'name']):
        names[group.id] = group.name or ''
    return names
