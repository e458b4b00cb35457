"""The OpenStackClient plugin: everything OSC loads on every run.

OSC imports this module (the ``openstack.cli.extension`` entry point) and,
through cliff and stevedore, every command class of every plugin on every
``openstack`` run, even ``openstack port show``. So the plugin hooks and the
command classes OSC loads live here, in the package's one module that OSC
imports: each class says its description and which module of
:mod:`osc_portsec.v2` does its work. That module is imported only when the
command is built: a class here, when instantiated, builds its namesake
there (a subclass of it, where the arguments and the action are). Nothing
here imports what OSC has not already loaded.

(One module, not a ``plugin`` module beside the package: every module OSC
imports costs a file lookup and a load at every start; see
doc/source/performance.rst.)
"""

from __future__ import annotations

import argparse
import importlib
import logging
from typing import Any

LOG = logging.getLogger(__name__)

API_NAME = 'portsec'
# Without a default version OSC looks for the command group
# ``openstack.portsec.vNone`` and finds no commands.
DEFAULT_API_VERSION = '2'
API_VERSION_OPTION = 'os_portsec_api_version'
API_VERSIONS = ('2',)


def make_client(instance: Any) -> Any:
    """Return the network proxy that OSC has already built.

    The commands talk to Neutron through ``client_manager.network``; this
    client exists only because OSC requires every plugin to provide one.
    """
    return instance.network


def build_option_parser(
    parser: argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    """Add the plugin's global options.

    There is deliberately no ``--os-portsec-api-version``: the plugin speaks
    Neutron's v2 API only, and OSC's ``--os-network-api-version`` already
    exists for the network service.
    """
    return parser


class _Deferred:
    """Built as its namesake subclass in ``osc_portsec.v2.<_module>``.

    A plain class: cliff needs only a callable whose ``__init__`` takes
    ``cmd_name``. The real command (an osc-lib ``ShowOne`` or ``Lister``)
    puts this class first among its bases, so the description declared here
    is its description.
    """

    _description = ''
    _module = ''

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls.__module__ == __name__:
            module = importlib.import_module(
                f'osc_portsec.v2.{cls._module}')
            cls = getattr(module, cls.__name__)
        # A subclass of the class called: Python runs __init__ next, once.
        return super().__new__(cls)

    def __init__(self, app: Any, app_args: Any,
                 cmd_name: str | None = None) -> None:
        super().__init__(app, app_args,  # type: ignore[call-arg]
                         cmd_name=cmd_name)


class ShowPortSecurity(_Deferred):
    _description = (
        'Show the port security of a port: its flag, security groups, '
        'allowed address pairs, and what a disable would remove'
    )
    _module = 'port_security'


class ListPortSecurity(_Deferred):
    _description = (
        'List the port security of the ports you can see, to audit a project'
    )
    _module = 'port_security'


class AddPortSecurityPair(_Deferred):
    _description = (
        'Add allowed address pairs to a port, skipping pairs it already has'
    )
    _module = 'pair'


class RemovePortSecurityPair(_Deferred):
    _description = (
        'Remove allowed address pairs from a port; a pair given without a '
        'MAC matches the pair stored with the port\'s MAC'
    )
    _module = 'pair'


class ClearPortSecurityPair(_Deferred):
    _description = 'Remove every allowed address pair from one or more ports'
    _module = 'pair'


class ListPortSecurityPair(_Deferred):
    _description = 'List the allowed address pairs of a port'
    _module = 'port_security'


class DisablePortSecurity(_Deferred):
    _description = (
        'Disable port security on one or more ports, removing their security '
        'groups and allowed address pairs in the same request'
    )
    _module = 'toggle'


class EnablePortSecurity(_Deferred):
    _description = (
        'Enable port security on one or more ports, with security groups '
        'or the state the last disable removed'
    )
    _module = 'toggle'


class ExplainPortSecurity(_Deferred):
    _description = (
        'Say whether a packet would pass a port, what decides it and what '
        'would change it'
    )
    _module = 'explain'


class CreatePortSecurityVip(_Deferred):
    _description = (
        'Create a keepalived/VRRP virtual IP: a port holding the address, '
        'and the address as an allowed address pair on every member'
    )
    _module = 'vip'


class ListPortSecurityVip(_Deferred):
    _description = (
        'List the VIPs made by this tool, or with --unmanaged the VIPs '
        'made by hand'
    )
    _module = 'vip'


class ShowPortSecurityVip(_Deferred):
    _description = (
        'Show a VIP: its address, members, VRRP rules, which member holds '
        'it, and problems found'
    )
    _module = 'vip'


class SetPortSecurityVip(_Deferred):
    _description = 'Add members to a VIP'
    _module = 'vip'


class UnsetPortSecurityVip(_Deferred):
    _description = (
        'Remove members from a VIP: only the VIP\'s pair leaves each member'
    )
    _module = 'vip'


class DeletePortSecurityVip(_Deferred):
    _description = (
        'Delete VIPs: their pair on every member, the VRRP rule created '
        'with them, and the VIP port (an adopted port is only untagged)'
    )
    _module = 'vip'


class RestorePortSecurityVip(_Deferred):
    _description = (
        'Make a deleted VIP again from the journal: its port, address, '
        'VRRP rule and the pair on every member'
    )
    _module = 'vip'


class CheckPortSecurityVip(_Deferred):
    _description = (
        'Check the whole VRRP contract of a VIP, made by this tool or by '
        'hand: address, reservation, members\' pairs, VRRP between them'
    )
    _module = 'vip'


class AdoptPortSecurityVip(_Deferred):
    _description = (
        'Bring a VIP made by hand under management without changing what '
        'passes: record it, reserve its address when no port does'
    )
    _module = 'vip'


class ReachPortSecurity(_Deferred):
    _description = (
        'Say whether a packet from one port (or address) reaches another, '
        'across both ends and back, and what a fix would also open'
    )
    _module = 'reach'


class MatrixPortSecurity(_Deferred):
    _description = (
        'Say, for every ordered pair of a set of ports, whether a packet '
        'reaches the other port'
    )
    _module = 'reach'
