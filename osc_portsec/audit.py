"""The ``list`` audit: which ports have port security off, or pairs.

The filters Neutron can apply are sent in one paginated query; the ones it
cannot (``port_security_enabled`` is not a supported filter) are applied to
each port as it comes.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any, Iterator

from openstack import exceptions as sdk_exc
from osc_lib import exceptions

from osc_portsec import columns
from osc_portsec import lookup
from osc_portsec import port_state
from osc_portsec import values

LOG = logging.getLogger(__name__)


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


# How often a list whose page marker was deleted is taken up again.
RESTARTS = 5


def ports(client: Any, filters: dict[str, Any], port_security: str | None,
          with_pairs: bool) -> Iterator[Any]:
    """The ports the audit shows, in one paginated query, as pages arrive.

    The request count grows with pages, never with ports; no page is kept
    once its ports have been passed on. Neutron asks for the next page
    after the last port of the previous one (``marker``) and answers 404
    when that port was deleted meanwhile: the list is then taken up again
    from the start, sorted by ID, and the ports already passed on are
    skipped, so a port deleted while the list runs never fails it.
    """
    last: str | None = None
    for restart in range(RESTARTS + 1):
        try:
            for port in client.ports(sort_key='id', sort_dir='asc',
                                     **filters):
                if restart and last is not None and port.id <= last:
                    continue
                last = port.id
                if keep(port, port_security, with_pairs):
                    yield port
            return
        except sdk_exc.NotFoundException:
            if last is None:
                raise
            LOG.debug('Port %s, the page marker, was deleted during the '
                      'list; listing again after it.', last)
    raise exceptions.CommandError(
        f'Ports were deleted during the list {RESTARTS} times in a row, '
        f'each one where a page of the list ended; run the command again.')


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
