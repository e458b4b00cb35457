"""Every ``openstack port security`` command as OSC loads it.

OSC (through cliff and stevedore) imports every command class of every
plugin on every ``openstack`` run, even ``openstack port show``. So the
classes it loads live here, in one module that imports only what OSC has
already loaded: each says its name, its description and which module does
its work. That module is imported only when the command is built: a
command class here, when instantiated, builds its namesake in that module
(a subclass of it, where the arguments and the action are).
"""

from __future__ import annotations

import importlib
from typing import Any

from osc_lib.command import command


class _Deferred:
    """Built as its namesake subclass in ``osc_portsec.v2.<_module>``."""

    _module = ''

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls.__module__ == __name__:
            module = importlib.import_module(
                f'osc_portsec.v2.{cls._module}')
            cls = getattr(module, cls.__name__)
        # A subclass of the class called: Python runs __init__ next, once.
        return super().__new__(cls)


class ShowPortSecurity(_Deferred, command.ShowOne):
    _description = (
        'Show the port security of a port: its flag, security groups, '
        'allowed address pairs, and what a disable would remove'
    )
    _module = 'port_security'


class ListPortSecurity(_Deferred, command.Lister):
    _description = (
        'List the port security of the ports you can see, to audit a project'
    )
    _module = 'port_security'


class AddPortSecurityPair(_Deferred, command.ShowOne):
    _description = (
        'Add allowed address pairs to a port, skipping pairs it already has'
    )
    _module = 'pair'


class RemovePortSecurityPair(_Deferred, command.ShowOne):
    _description = (
        'Remove allowed address pairs from a port; a pair given without a '
        'MAC matches the pair stored with the port\'s MAC'
    )
    _module = 'pair'


class ClearPortSecurityPair(_Deferred, command.Lister):
    _description = 'Remove every allowed address pair from one or more ports'
    _module = 'pair'


class ListPortSecurityPair(_Deferred, command.Lister):
    _description = 'List the allowed address pairs of a port'
    _module = 'port_security'


class DisablePortSecurity(_Deferred, command.Lister):
    _description = (
        'Disable port security on one or more ports, removing their security '
        'groups and allowed address pairs in the same request'
    )
    _module = 'toggle'


class EnablePortSecurity(_Deferred, command.Lister):
    _description = (
        'Enable port security on one or more ports, with security groups '
        'or the state the last disable removed'
    )
    _module = 'toggle'


class ExplainPortSecurity(_Deferred, command.ShowOne):
    _description = (
        'Say whether a packet would pass a port, what decides it and what '
        'would change it'
    )
    _module = 'explain'


class CreatePortSecurityVip(_Deferred, command.Lister):
    _description = (
        'Create a keepalived/VRRP virtual IP: a port holding the address, '
        'and the address as an allowed address pair on every member'
    )
    _module = 'vip'


class ListPortSecurityVip(_Deferred, command.Lister):
    _description = 'List the VIPs made by this tool'
    _module = 'vip'


class ShowPortSecurityVip(_Deferred, command.ShowOne):
    _description = (
        'Show a VIP: its address, members, VRRP rules, which member holds '
        'it, and problems found'
    )
    _module = 'vip'


class SetPortSecurityVip(_Deferred, command.Lister):
    _description = 'Add members to a VIP'
    _module = 'vip'


class UnsetPortSecurityVip(_Deferred, command.Lister):
    _description = (
        'Remove members from a VIP: only the VIP\'s pair leaves each member'
    )
    _module = 'vip'


class DeletePortSecurityVip(_Deferred, command.Lister):
    _description = (
        'Delete VIPs: their pair on every member, the VRRP rule created '
        'with them, and the VIP port'
    )
    _module = 'vip'


class RestorePortSecurityVip(_Deferred, command.Lister):
    _description = (
        'Make a deleted VIP again from the journal: its port, address, '
        'VRRP rule and the pair on every member'
    )
    _module = 'vip'
