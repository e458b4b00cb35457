"""``vip adopt`` killed at every write, and two adopts at once.

The proxy of conftest's ``proxy`` fixture holds one write of a
run; the run is killed there (``kill -9``) and the write reaches Neutron
or not. Whatever is left, running the same adopt again completes it, and
``vip delete`` then leaves the network as the hand-made VIP had it: adopt
never changes a pair, and what it recorded goes.
"""

from __future__ import annotations

import os
import signal
from typing import Any, Iterator

import pytest

from tests.functional.api import Api
from tests.functional import conftest
from tests.functional.test_vip_hostile import finish
from tests.functional.test_vip_hostile import start

VIP = ('port', 'security', 'vip')
CIDR = '10.57.0.0/24'
ADDRESS = '10.57.0.200'


@pytest.fixture
def hand(api: Api, api_admin: Api) -> Iterator[dict[str, Any]]:
    """Members a and b carry ADDRESS as a pair; no port holds it yet."""
    net = api.create_network(conftest.unique('adopt-kill'), CIDR,
                             dhcp=False, pool=('10.57.0.10', '10.57.0.99'))
    pair = f'--allowed-address=ip-address={ADDRESS}'
    made = {'network': net,
            'a': api.create_port(net['id'], conftest.unique('a'), pair),
            'b': api.create_port(net['id'], conftest.unique('b'), pair)}
    yield made
    api_admin.delete_network(net['id'])


def state(api: Api, network_id: str) -> dict[str, Any]:
    """Every port's name, pairs, fixed IPs and tags."""
    return {p['id']: (p['name'], sorted(
        a['ip_address'] for a in p['allowed_address_pairs']),
        [f['ip_address'] for f in p['fixed_ips']], sorted(p['tags']))
        for p in api.get(f'/ports?network_id={network_id}')['ports']}


def names(cli: conftest.Cli, network_id: str) -> list[str]:
    return [v['name'] for v in cli.ok(*VIP, 'list', '--network',
                                      network_id)]


def writes_of(cli, proxy, name: str, net: dict[str, Any]) -> int:
    """How many writes an adopt that is not killed sends."""
    proxy.hold(10_000)
    cli.ok(*VIP, 'adopt', name, '--network', net['id'], '--ip-address',
           ADDRESS)
    count = len(proxy.writes)
    cli.ok(*VIP, 'delete', name)
    return count


@pytest.mark.parametrize('holder', ['named', 'unnamed', 'none'])
def test_adopt_killed_at_every_write_then_run_again(cli, held, proxy, api,
                                                    hand, holder):
    net = hand['network']
    name = conftest.unique('vip')
    if holder != 'none':
        # The reservation an operator made by hand, under the VIP's name
        # or none (adopt names it, delete gives the empty name back).
        api.create_port(net['id'], name if holder == 'named' else '',
                        '--fixed-ip', f'ip-address={ADDRESS}')
    before = state(api, net['id'])
    total = writes_of(held, proxy, name, net)
    assert total >= 2, proxy.writes
    assert state(api, net['id']) == before
    for nth in range(1, total + 1):
        for forward in (False, True):
            proxy.hold(nth)
            proc = start(held, *VIP, 'adopt', name, '--network', net['id'],
                         '--ip-address', ADDRESS)
            assert proxy.held.wait(timeout=120), (nth, proxy.writes)
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=60)
            proxy.release(forward)
            left = state(api, net['id'])
            # Killed anywhere: no member's pair changed.
            for port in (hand['a'], hand['b']):
                assert left[port['id']][1] == [ADDRESS], (nth, forward)
            rows = cli.ok(*VIP, 'adopt', name, '--network', net['id'],
                          '--ip-address', ADDRESS)
            assert rows[0]['result'] in ('adopted', 'created', 'existing')
            assert names(cli, net['id']) == [name], (nth, forward)
            cli.ok(*VIP, 'delete', name)
            assert names(cli, net['id']) == []
            assert state(api, net['id']) == before, (nth, forward)


def test_two_adopts_without_a_holder_one_wins(cli, held, proxy, api, hand):
    net = hand['network']
    first, second = conftest.unique('vip'), conftest.unique('vip')
    proxy.together(2, '/ports')
    procs = [start(held, *VIP, 'adopt', name, '--network', net['id'],
                   '--ip-address', ADDRESS) for name in (first, second)]
    results = [finish(p) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    loser = next(err for code, err in results if code == 1)
    assert 'Traceback' not in loser
    assert ADDRESS in loser, loser
    [won] = names(cli, net['id'])
    assert won in (first, second)
    for port in (hand['a'], hand['b']):
        got = api.get(f"/ports/{port['id']}")['port']
        assert [p['ip_address'] for p in got['allowed_address_pairs']] == [
            ADDRESS]
    cli.ok(*VIP, 'delete', won)
