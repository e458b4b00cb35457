"""OpenStackClient plugin hooks for osc-portsec.

OSC imports this module on every ``openstack`` invocation, so it imports
nothing that OSC has not already loaded and does no work at import time.
"""

import argparse
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
