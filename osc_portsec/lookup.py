"""Every lookup: the port, network, security groups, project and server
a user names.

A reference that could mean two ports is an error that lists them all,
never a guess. Lookups raise ``CommandError`` for what the user can act on
(nothing found, more than one match, an empty argument); any other SDK or
keystoneauth error is left to the command's error boundary.
"""

from __future__ import annotations

from typing import Any, Iterable

from openstack import exceptions as sdk_exc
from osc_lib import exceptions

from osc_portsec import values


def _describe(port: Any, how: list[str]) -> str:
    return (
        f"{port.id} (network {port.network_id}, device owner "
        f"{port.device_owner or 'none'}; matches its {' and '.join(how)})"
    )


def _ambiguous(
    ref: str, found: 'Found', net_id: str | None
) -> exceptions.CommandError:
    candidates = '; '.join(_describe(p, how) for p, how in found.values())
    networks = {p.network_id for p, _ in found.values()}
    hint = 'give the port ID'
    if net_id is None and len(networks) > 1:
        hint += ', or narrow the search with --network'
    return exceptions.CommandError(
        f"Port reference '{ref}' matches {len(found)} ports: {candidates}; "
        f"{hint}."
    )


def network_id(client: Any, network: str | None) -> str | None:
    """Resolve ``--network`` (name or ID) to an ID; None when not given.

    One request (:func:`find_network`).
    """
    found = find_network(client, network)
    return None if found is None else found[0]


def find_network(client: Any, ref: str | None) -> tuple[str, str] | None:
    """``(ID, name)`` of the network ``ref`` names; None when not given.

    One request: openstacksdk's ``find_network`` first asks for the value
    as an ID (a 404 for every name) and then lists by name, so it is used
    only for a UUID-like value, where the first answer is the one; a name
    is one list by name, and two networks of that name are refused as
    ``find_network`` refuses them.
    """
    if ref is None:
        return None
    ref = values.nonblank(ref, 'network')
    not_found = exceptions.CommandError(
        f"Network '{ref}' was not found; check it with 'openstack "
        f"network list'."
    )
    duplicate = exceptions.CommandError(
        f"More than one network is named '{ref}'; give the network ID."
    )
    if not values.is_uuid_like(ref):
        found = list(client.networks(name=ref, fields=['id']))
        if not found:
            raise not_found
        if len(found) > 1:
            raise duplicate
        return str(found[0].id), ref
    try:
        net = client.find_network(ref, ignore_missing=False)
    except sdk_exc.NotFoundException:
        raise not_found from None
    except sdk_exc.DuplicateResource:
        raise duplicate from None
    return str(net.id), str(net.name or '')


def network_names(client: Any, ids: Iterable[str]) -> dict[str, str]:
    """Names of the networks ``ids`` ('' for none or not visible).

    One list request per :data:`IDS_PER_REQUEST` IDs, as
    :func:`group_names`.
    """
    wanted = list(dict.fromkeys(ids))
    names = dict.fromkeys(wanted, '')
    for start in range(0, len(wanted), IDS_PER_REQUEST):
        for net in client.networks(id=wanted[start:start + IDS_PER_REQUEST],
                                   fields=['id', 'name']):
            names[net.id] = net.name or ''
    return names


def _no_groups_api(ref: str) -> exceptions.CommandError:
    return exceptions.CommandError(
        f"Neutron answered 404 to the security group list: this cloud does "
        f"not have Neutron's security-group extension, so --security-group "
        f"'{ref}' cannot be used here; the cloud operator enables it with "
        f"[securitygroup] enable_security_group = true."
    )


def security_group(client: Any, ref: str) -> Any:
    """The one security group ``ref`` (name or ID) names, with its rules.

    One request, as :func:`network_id`: a UUID-like value is read by ID,
    a name is listed by name (two groups of that name are refused). A
    group's body carries its rules, so no second request lists them.
    """
    ref = values.nonblank(ref, 'security group')
    try:
        if values.is_uuid_like(ref):
            try:
                found = [client.get_security_group(
                    values.canonical_uuid(ref))]
            except sdk_exc.NotFoundException:
                # The group may still be named like a UUID.
                found = list(client.security_groups(name=ref))
        else:
            found = list(client.security_groups(name=ref))
    except sdk_exc.NotFoundException:
        raise _no_groups_api(ref) from None
    if len(found) > 1:
        raise exceptions.CommandError(
            f"More than one security group is named '{ref}'; give the "
            f"security group ID."
        )
    if not found:
        raise exceptions.CommandError(
            f"Security group '{ref}' was not found; check it with "
            f"'openstack security group list'."
        )
    return found[0]


def security_groups(client: Any, refs: Iterable[str]) -> dict[str, str]:
    """Resolve security group names or IDs; ID to name, in order.

    Every reference is checked for blanks before the first request.
    """
    checked = [values.nonblank(ref, 'security group') for ref in refs]
    groups = {}
    for ref in checked:
        group = security_group(client, ref)
        groups[group.id] = group.name or ''
    return groups


def fixed_ip_filter(text: str) -> str:
    """The canonical IP for ``list --fixed-ip``.

    Neutron matches the filter against fixed IPs as stored text, so
    ``2001:DB8::5`` would find nothing; a value that cannot be an IP
    address is refused rather than answered with an empty list.
    """
    return values.fixed_ip_filter(text)


def port_queries(ref: str, net_id: str | None) -> list[tuple[str, dict]]:
    """What to ask Neutron for each reading of ``ref``: (how, filters).

    One list request per reading: by ID if ``ref`` is UUID-like (not
    narrowed to ``net_id``, so that a port on another network is reported
    rather than missed), by name, and by fixed IP if ``ref`` is an IP
    address in any notation. Neutron's filters are ANDed, so the readings
    cannot share a request.
    """
    narrow = {'network_id': net_id} if net_id else {}
    filters = {
        'ID': lambda value: {'id': value},
        'name': lambda value: {'name': value, **narrow},
        'fixed IP': lambda value: {'fixed_ips': [f'ip_address={value}'],
                                   **narrow},
    }
    return [(how, filters[how](value)) for how, value in _readings(ref)]


Found = dict[str, tuple[Any, list[str]]]


def _readings(ref: str) -> list[tuple[str, str]]:
    """What ``ref`` may mean: ``(how, value)`` for ID, name and fixed IP."""
    readings = []
    if values.is_uuid_like(ref):
        readings.append(('ID', values.canonical_uuid(ref)))
    readings.append(('name', ref))
    if values.is_ip_like(ref):
        readings.append(('fixed IP', values.lookup_ip(ref)))
    return readings


def _matches(port: Any, how: str, value: str) -> bool:
    if how == 'ID':
        return bool(port.id == value)
    if how == 'name':
        return bool(port.name == value)
    return any(ip.get('ip_address') == value for ip in port.fixed_ips or [])


def _nothing(ref: str, net_id: str | None) -> exceptions.CommandError:
    where = f" on network {net_id}" if net_id else ''
    return exceptions.CommandError(
        f"No port with ID, name or fixed IP '{ref}' was found{where}; "
        f"check it with 'openstack port list'."
    )


def _elsewhere(port: Any, net_id: str) -> exceptions.CommandError:
    return exceptions.CommandError(
        f"Port {port.id} is on network {port.network_id}, not on network "
        f"{net_id} given with --network; give the port's own network, or "
        f"leave --network out."
    )


def _one(ref: str, found: Found, net_id: str | None) -> Any:
    """The one port of ``found``; ambiguous or missing is an error."""
    if len(found) > 1:
        raise _ambiguous(ref, found, net_id)
    if not found:
        raise _nothing(ref, net_id)
    port, _ = next(iter(found.values()))
    return port


def find_port(client: Any, ref: str, net_id: str | None = None) -> Any:
    """Return the one port ``ref`` names.

    ``ref`` may be a port ID, a port name or a fixed IP address of the
    port; ``net_id`` narrows a name or IP lookup to one network, and a port
    given by ID must be on it. Every reading is looked up (two requests
    for a UUID-like or IP-like reference, one otherwise) and more than one
    distinct port is an error listing them all.
    """
    ref = values.nonblank(ref, 'port')
    found: Found = {}
    for how, query in port_queries(ref, net_id):
        for port in client.ports(**query):
            if how == 'ID' and net_id and port.network_id != net_id:
                raise _elsewhere(port, net_id)
            found.setdefault(port.id, (port, []))[1].append(how)
    return _one(ref, found, net_id)


def pick_port(ref: str, ports: Iterable[Any],
              net_id: str | None = None) -> Any | None:
    """The one port of ``ports`` (already read) that ``ref`` names.

    The same readings and the same ambiguity rule as :func:`find_port`
    (a port named like another port's fixed IP is two candidates, an
    error listing both), without a request; None when none matches.
    """
    ref = values.nonblank(ref, 'port')
    readings = _readings(ref)
    found: Found = {}
    for port in ports:
        for how, value in readings:
            if _matches(port, how, value):
                found.setdefault(port.id, (port, []))[1].append(how)
    return _one(ref, found, net_id) if found else None


def _candidates(client: Any, refs: list[str],
                net_id: str | None) -> list[Any]:
    """Every port one of ``refs`` may name: one request per reading.

    With ``net_id``, the network's ports in one request (a port given by ID
    must be on it anyway); else the IDs, the names and the fixed IPs, each
    reading one list for all the references (Neutron ORs the repeated
    values of one filter and ANDs the filters).
    """
    if net_id:
        return list(client.ports(network_id=net_id))
    ids = [values.canonical_uuid(r) for r in refs if values.is_uuid_like(r)]
    ips = [values.lookup_ip(r) for r in refs if values.is_ip_like(r)]
    found = list(client.ports(name=list(dict.fromkeys(refs))))
    if ids:
        found += client.ports(id=list(dict.fromkeys(ids)))
    if ips:
        found += client.ports(fixed_ips=[
            f'ip_address={ip}' for ip in dict.fromkeys(ips)])
    return found


def find_ports(client: Any, refs: list[str], net_id: str | None = None,
               outside: bool = False) -> list[Any | None]:
    """The port each of ``refs`` names, in order, in at most three requests.

    Each reference is read as :func:`find_port` reads it (ID, name or fixed
    IP; more than one port is an error listing them), but the references
    share the requests: at most three (IDs, names, fixed IPs), or one (the
    ports of the network) with ``net_id``. With ``outside``, an IP address
    that is no port's fixed IP is an endpoint outside Neutron's filtering:
    its entry is None instead of an error.
    """
    checked = [values.nonblank(ref, 'port') for ref in refs]
    # A port found by two readings is listed twice: once is enough.
    candidates = {p.id: p for p in _candidates(client, checked, net_id)}
    result = []
    for ref in checked:
        port = pick_port(ref, candidates.values(), net_id)
        if port is None and not (outside and values.is_ip_like(ref)):
            raise _not_found(client, ref, net_id)
        result.append(port)
    return result


def _not_found(client: Any, ref: str,
               net_id: str | None) -> exceptions.CommandError:
    if net_id and values.is_uuid_like(ref):
        # Only on this error path: where the port is, if it exists.
        for port in client.ports(id=values.canonical_uuid(ref)):
            return _elsewhere(port, net_id)
    return _nothing(ref, net_id)


def project_id(identity: Any, auth_ref: Any, value: str) -> str:
    """Resolve ``--project`` (name or ID) to an ID.

    ``identity`` is the SDK identity proxy, ``auth_ref`` the token's access
    info (or None). Keystone lets members look up no project by name, not
    even their own, so the token's own project is recognised first; an ID
    of a project the caller may not look up (403) is taken as given.
    """
    ref = values.nonblank(value, 'project')
    own_id = getattr(auth_ref, 'project_id', None)
    if own_id and ref in (own_id, getattr(auth_ref, 'project_name', None)):
        return str(own_id)
    try:
        project = identity.find_project(ref, ignore_missing=True)
    except sdk_exc.ForbiddenException:
        if values.is_uuid_like(ref):
            return values.keystone_id(ref)
        raise exceptions.CommandError(
            f"Project '{ref}' could not be looked up (Keystone answered HTTP "
            f"403); give the project ID instead."
        ) from None
    if project is None:
        raise exceptions.CommandError(
            f"Project '{ref}' was not found; check it with 'openstack "
            f"project list', or give the project ID."
        )
    return str(project.id)


def server_id(compute: Any, value: str) -> str:
    """Resolve ``--server`` (name or ID) to an ID.

    A UUID-like value is taken as an ID without a request (Neutron's
    ``device_id`` filter then simply matches no port if there is no such
    server), in the form Nova writes IDs.
    """
    ref = values.nonblank(value, 'server')
    if values.is_uuid_like(ref):
        return values.canonical_uuid(ref)
    try:
        server = compute.find_server(ref, ignore_missing=True)
    except sdk_exc.DuplicateResource:
        raise exceptions.CommandError(
            f"More than one server is named '{ref}'; give the server ID."
        ) from None
    if server is None:
        raise exceptions.CommandError(
            f"Server '{ref}' was not found; check it with 'openstack server "
            f"list', or give the server ID."
        )
    return str(server.id)


# An ID costs about 40 characters of query string (``&id=`` and 36); 150
# of them keep the URL near 6 KB, under the 8 KB that web servers and
# proxies in front of Neutron commonly accept.
IDS_PER_REQUEST = 150


def group_names(client: Any, ids: Iterable[str]) -> dict[str, str | None]:
    """Names of the security groups ``ids``, in one list request.

    (One request per :data:`IDS_PER_REQUEST` IDs, so the URL never grows
    too long; each is paged by the SDK like any list.)

    A group the caller cannot see (another project's, or deleted) maps to
    None; a group without a name maps to ''.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    names: dict[str, str | None] = dict.fromkeys(wanted)
    for start in range(0, len(wanted), IDS_PER_REQUEST):
        for group in client.security_groups(
                id=wanted[start:start + IDS_PER_REQUEST],
                fields=['id', 'name']):
            names[group.id] = group.name or ''
    return names
