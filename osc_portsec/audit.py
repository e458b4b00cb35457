"""The ``list`` audit: which ports have port security off, or pairs.

The filters Neutron can apply are sent in one paginated query; the ones it
cannot (``port_security_enabled`` is not a supported filter) are applied to
each port as it comes.
"""

from __future__ import annotations

import argparse
from typing import Any, Iterator

from osc_portsec import columns
from osc_portsec import lookup
from osc_portsec import port_state
from osc_portsec import values


def keep(port: Any, port_security: str | None, with_pairs: bool) -> bool:
    """The filters Neutron cannot apply, applied to each port as it comes.

    Neutron answers 400 to a ``port_security_enabled`` filter.
    """
    if port_security is not None:
        # A port on a cloud without the extension is neither: say so rather
        # than list nothing, which would claim every port is the other.
        port_state.require(port, 'port_security_enabled', port.id,
                           '--port-security cannot filter ports')
        if port_state.flag(port) != (port_security == 'enabled'):
            return False
    if with_pairs:
        port_state.require(port, 'allowed_address_pairs', port.id,
                           '--with-pairs cannot filter ports')
        if not port.allowed_address_pairs:
            return False
    return True


def ports(client: Any, filters: dict[str, Any], port_security: str | None,
          with_pairs: bool) -> Iterator[Any]:
    """The ports the audit shows, in one paginated query, as pages arrive.

    The request count grows with pages, never with ports; no page is kept
    once its ports have been passed on.
    """
    for port in client.ports(**filters):
        if keep(port, port_security, with_pairs):
            yield port


def query(app: Any, parsed_args: argparse.Namespace,
          shown: tuple[str, ...]) -> dict[str, Any]:
    """The filters Neutron applies, and ``fields=`` for the columns shown.

    Every value is checked before the first look-up is sent.
    """
    for option in ('network', 'project', 'server', 'device_owner'):
        value = getattr(parsed_args, option)
        if value is not None:
            values.nonblank(value, option.replace('_', ' '))
    filters: dict[str, Any] = {'fields': columns.fields(shown)}
    if parsed_args.fixed_ip is not None:
        filters['fixed_ips'] = [
            f'ip_address={lookup.fixed_ip_filter(parsed_args.fixed_ip)}'
        ]
    if parsed_args.network:
        filters['network_id'] = lookup.network_id(
            app.client_manager.network, parsed_args.network
        )
    if parsed_args.project:
        filters['project_id'] = lookup.project_id(
            app.client_manager.sdk_connection.identity,
            getattr(app.client_manager, 'auth_ref', None),
            parsed_args.project,
        )
    if parsed_args.server:
        filters['device_id'] = lookup.server_id(
            app.client_manager.sdk_connection.compute, parsed_args.server
        )
    if parsed_args.device_owner:
        filters['device_owner'] = parsed_args.device_owner
    return filters
