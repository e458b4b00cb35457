"""Functional tests: the installed ``openstack`` binary against a real cloud.

The cloud is the project's own Keystone and Neutron on 127.0.0.1
(``tools/devcloud``). When the suite is run by hand and the cloud does not
answer, the tests are skipped; with ``OSC_PORTSEC_REQUIRE_CLOUD=1`` (set by
``tools/run-tests`` and so by CI) they fail instead.
"""

from __future__ import annotations

import os
import pathlib
import uuid
from typing import Any, Callable, Iterator

import pytest

from tests.functional.api import Api
from tests.functional.cli import Cli
from tests.functional.cli import clouds_yaml
from tests.functional.cli import ROOT

DEVCLOUD = str(ROOT / 'tools' / 'devcloud')


def sorted_pairs(pairs: list[dict[str, str]]) -> list[dict[str, str]]:
    """Neutron returns allowed address pairs in no particular order."""
    return sorted(pairs, key=lambda p: (p['ip_address'], p['mac_address']))


def unique(prefix: str) -> str:
    return f'{prefix}-{uuid.uuid4().hex[:8]}'


# What in a log of the local cloud means the data plane ignored the API or
# Neutron failed: (file in the state dir's log/, text that marks the line).
LOG_ALARMS = (
    ('ovn-northd.log', 'invalid syntax'),
    ('ovn-controller.log', 'invalid syntax'),
    ('ovs-vswitchd.log', '|EMER|'),
    ('neutron.log', 'Traceback'),
    ('neutron-access.log', '" 500 '),
)
# Expected, matched in the line (or a traceback's final exception line):
# - for a pair with a VRRP MAC, Neutron 29 writes a "VRRPv3 ..."
#   port-security entry that OVN 23.03 rejects as invalid syntax, while the
#   plain "<mac> <ip>" entry it also writes is enforced (test_packets);
# - when a network is deleted, Neutron's segments code asks Placement to
#   update its inventory from a background thread and does not catch that
#   the catalog has no Placement (the local cloud has none); the API
#   request itself succeeds;
# - test_values stores a VRRP-MAC pair in dash notation with plain
#   ``openstack port set`` (what another client may leave on a port, which
#   the tool must still match and remove): Neutron 29 passes the MAC to OVN
#   as sent and ovn-northd 23.03 rejects the port's addresses and port
#   security as invalid syntax. Only that MAC is expected here.
LOG_EXPECTED = (
    'VRRPv3',
    'EndpointNotFound: public endpoint for placement service',
    "invalid syntax '00-00-5E-00-01-0A",
)


def log_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get('DEVCLOUD_DIR') or
                        ROOT / '.devcloud') / 'log'


def log_alarms(offsets: dict[str, int]) -> list[str]:
    """Alarming lines written to the cloud's logs since offsets."""
    found = []
    for name, needle in LOG_ALARMS:
        path = log_dir() / name
        try:
            with open(path, 'rb') as f:
                f.seek(offsets.get(name, 0))
                text = f.read().decode('utf-8', 'replace')
        except OSError:
            continue
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if needle not in line:
                continue
            # A traceback is judged by its exception: the first line after
            # it that is not indented.
            said = line
            if needle == 'Traceback':
                said = next((later for later in lines[i + 1:]
                             if later and not later[0].isspace()), line)
            if not any(e in said for e in LOG_EXPECTED):
                found.append(f'{name}: {said.strip()[:300]}')
    return found


@pytest.fixture(scope='session', autouse=True)
def scanned_logs() -> Iterator[None]:
    """Fail the run when the cloud logged an error while it ran."""
    offsets = {}
    for name, _ in LOG_ALARMS:
        try:
            offsets[name] = (log_dir() / name).stat().st_size
        except OSError:
            offsets[name] = 0
    yield
    found = log_alarms(offsets)
    if found:
        pytest.fail('the local cloud logged errors during the run:\n'
                    + '\n'.join(found[:20]), pytrace=False)


@pytest.fixture(scope='session')
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    cli = Cli(tmp_path_factory.mktemp('state'),
              tmp_path_factory.mktemp('work'))
    probe = cli.run('network', 'list', '-f', 'json', timeout=60)
    if probe.returncode != 0:
        why = (f'the local cloud does not answer ({clouds_yaml()}): '
               f'{probe.stderr.strip()[-300:]}')
        if os.environ.get('OSC_PORTSEC_REQUIRE_CLOUD') == '1':
            pytest.fail(why)
        pytest.skip(why + '; start it with tools/devcloud start')
    return cli


@pytest.fixture(scope='session')
def api(cli: Cli) -> Api:
    """The demo user's Neutron API in-process (setup, teardown, reads)."""
    return Api('demo')


@pytest.fixture(scope='session')
def api_admin(cli: Cli) -> Api:
    return Api('admin')


@pytest.fixture(scope='module')
def sdk(cli: Cli) -> Any:
    """The demo user's openstacksdk connection, one a module.

    A profile test restarts the cloud between modules.
    """
    import openstack
    from openstack.config import loader

    cfg = loader.OpenStackConfig(config_files=[clouds_yaml()])
    return openstack.connection.Connection(config=cfg.get_one('demo'))


@pytest.fixture(scope='module')
def proxy(cli: Cli) -> Iterator[Any]:
    """A loopback proxy before Neutron that holds one write of a run.

    See holdproxy.py; a module may define a ``proxy`` of its own.
    """
    from tests.functional import holdproxy
    from tests.functional import proxied

    with holdproxy.HoldProxy(proxied.neutron_url(cli)) as running:
        yield running


@pytest.fixture(scope='module')
def held(cli: Cli, proxy: Any,
         tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The CLI of ``cli``'s user, through ``proxy``."""
    from tests.functional import proxied

    return proxied.through(cli, proxy.url, tmp_path_factory.mktemp('held'))


@pytest.fixture(scope='session')
def network(api: Api, api_admin: Api) -> Iterator[dict[str, Any]]:
    """A demo-project network with an IPv4 subnet."""
    name = unique('portsec-net')
    net = api.create_network(name, '10.50.0.0/24')
    yield {'id': net['id'], 'name': name,
           'subnet_id': net['subnets'][0]['id']}
    # Whatever a test left behind; the admin may delete any port.
    api_admin.delete_network(net['id'])


@pytest.fixture(scope='session')
def shared_network(api_admin: Api) -> Iterator[dict[str, Any]]:
    """A network owned by the admin project and shared with everyone."""
    name = unique('portsec-shared')
    net = api_admin.create_network(name, '10.60.0.0/24', shared=True)
    yield {'id': net['id'], 'name': name}
    api_admin.delete_network(net['id'])


@pytest.fixture
def make_port(
    api: Api, api_admin: Api, network: dict[str, Any]
) -> Iterator[Callable[..., dict[str, Any]]]:
    """Create ports on the test network; delete them afterwards.

    Options are those of ``openstack port create`` (see tests.functional.
    api); the port is Neutron's JSON.
    """
    created: list[tuple[str, Api]] = []

    def make(*options: str, name: str | None = None,
             network_id: str | None = None,
             cloud: str = 'demo') -> dict[str, Any]:
        owner = api_admin if cloud == 'admin' else api
        port = owner.create_port(network_id or network['id'],
                                 name or unique('portsec-port'), *options)
        created.append((port['id'], owner))
        return port

    yield make
    for port_id, owner in created:
        owner.delete_port(port_id)
