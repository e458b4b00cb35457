"""The ``openstack`` binary with its network endpoint behind a test proxy.

Shared by the tests that put a loopback proxy (faultproxy.py, holdproxy.py)
between the real binary and the real Neutron.
"""

from __future__ import annotations

import pathlib

import yaml

from tests.functional import cli as _cli


class ProxiedCli(_cli.Cli):
    """The demo user, with the network endpoint behind the proxy."""

    def __init__(self, base: _cli.Cli, config: pathlib.Path):
        super().__init__(base.state_home, base.workdir)
        self.config = config

    def env(self) -> dict[str, str]:
        env = super().env()
        env['OS_CLIENT_CONFIG_FILE'] = str(self.config)
        return env


def neutron_url(cli: _cli.Cli) -> str:
    catalog = cli.ok('catalog', 'show', 'network')
    return next(e['url'] for e in catalog['endpoints']
                if e['interface'] == 'public')


def through(cli: _cli.Cli, proxy_url: str,
            folder: pathlib.Path) -> ProxiedCli:
    """``cli`` with the demo cloud's network endpoint at ``proxy_url``."""
    config = yaml.safe_load(pathlib.Path(_cli.clouds_yaml()).read_text())
    config['clouds']['demo']['network_endpoint_override'] = proxy_url
    path = folder / 'clouds.yaml'
    path.write_text(yaml.safe_dump(config))
    return ProxiedCli(cli, path)
