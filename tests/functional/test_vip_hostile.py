"""``vip`` commands killed mid-way and run twice at once, on the real cloud.

A loopback proxy (holdproxy.py) between the real ``openstack`` binary and
the real Neutron holds one write of a run: the test kills the run there
(``kill -9``), then lets the write reach Neutron or drops it, and reads what
is left. Or it holds the first write of two runs until both reached it, so
that both read the same state and then write at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
from typing import Any, Iterator

import pytest

from tests.functional.api import Api
from tests.functional import conftest

VIP = ('port', 'security', 'vip')


@pytest.fixture
def group(api: Api) -> Iterator[dict[str, Any]]:
    made = api.create_group(conftest.unique('vrrp'))
    yield made
    api.delete_group(made['id'])


def start(cli: conftest.Cli, *args: str) -> subprocess.Popen:
    return subprocess.Popen(cli.command(list(args), 'demo'), env=cli.env(),
                            cwd=cli.workdir, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, err


def state(sdk: Any, network_id: str, group_id: str) -> dict[str, Any]:
    """What a VIP may touch: the network's pairs and ports, the rules."""
    ports = {p.id: sorted((a['ip_address'], a['mac_address'].lower())
                          for a in p.allowed_address_pairs or [])
             for p in sdk.network.ports(network_id=network_id)}
    rules = sorted((str(r.protocol), str(r.remote_group_id)) for r in
                   sdk.network.security_group_rules(
                       security_group_id=group_id))
    return {'ports': ports, 'rules': rules}


def vips(cli: conftest.Cli, network: dict[str, Any],
         name: str) -> list[dict[str, Any]]:
    return [v for v in cli.ok(*VIP, 'list', '--network', network['id'])
            if v['name'] == name]


# The writes of 'vip create' with a group that has no VRRP rule: the VIP
# port (with its tags), the rule, the rule's tag, member a, member b. Each
# is held; the run is killed there; the write then reaches Neutron or not.
KILL_POINTS = ((1, False), (1, True), (2, True), (3, True), (4, False),
               (4, True), (5, True))


def test_create_killed_at_every_write_leaves_nothing_or_a_vip(
        cli, held, proxy, sdk, network, group, make_port):
    a, b = make_port(), make_port()
    before = state(sdk, network['id'], group['id'])
    for nth, forward in KILL_POINTS:
        name = conftest.unique('killed')
        proxy.hold(nth)
        proc = start(held, *VIP, 'create', name, '--network', network['id'],
                     '--ip-address', '10.50.0.210', '--member', a['id'],
                     '--member', b['id'], '--security-group', group['id'])
        assert proxy.held.wait(timeout=120), (nth, proxy.writes)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        proxy.release(forward)
        found = vips(cli, network, name)
        if nth == 1 and not forward:
            assert found == [], (nth, forward)
        else:
            # Killed after the VIP port existed: a VIP list shows.
            assert [v['ip_address'] for v in found] == ['10.50.0.210'], (
                nth, forward, found)
            cli.ok(*VIP, 'delete', name)
        assert vips(cli, network, name) == []
        after = state(sdk, network['id'], group['id'])
        assert after == before, (nth, forward)


def test_two_creates_of_one_address_one_wins(cli, held, proxy, sdk,
                                             network, make_port):
    a, b = make_port(), make_port()
    name = conftest.unique('race')
    proxy.together(2, '/ports')
    procs = [start(held, *VIP, 'create', name, '--network', network['id'],
                   '--ip-address', '10.50.0.211', '--member', a['id'],
                   '--member', b['id']) for _ in range(2)]
    results = sorted(finish(p) for p in procs)
    codes = [code for code, _ in results]
    assert codes == [0, 1], results
    loser = results[1][1]
    assert 'Traceback' not in loser
    assert '10.50.0.211' in loser, loser
    [made] = vips(cli, network, name)
    for port in (a, b):
        got = sdk.network.get_port(port['id'])
        assert [p['ip_address'] for p in got.allowed_address_pairs] == [
            '10.50.0.211']
    cli.ok(*VIP, 'delete', made['id'])


def test_two_creates_of_one_name_leave_one_vip(cli, held, proxy, sdk,
                                               network, make_port):
    a, b = make_port(), make_port()
    name = conftest.unique('race')
    proxy.together(2, '/ports')
    procs = [start(held, *VIP, 'create', name, '--network', network['id'],
                   '--member', a['id'], '--member', b['id'])
             for _ in range(2)]
    results = sorted(finish(p) for p in procs)
    assert [code for code, _ in results] == [0, 1], results
    assert 'Another run created VIP' in results[1][1], results[1][1]
    [made] = vips(cli, network, name)
    for port in (a, b):
        got = sdk.network.get_port(port['id'])
        assert [p['ip_address'] for p in got.allowed_address_pairs] == [
            made['ip_address']]
    cli.ok(*VIP, 'delete', made['id'])


def test_two_vips_make_one_rule_and_keep_it_while_used(
        cli, held, proxy, sdk, network, group, make_port):
    a, b, c, d = (make_port() for _ in range(4))
    names = [conftest.unique('shared'), conftest.unique('shared')]
    proxy.together(2, '/security-group-rules')
    procs = [start(held, *VIP, 'create', name, '--network', network['id'],
                   '--ip-address', address, '--member', m1['id'],
                   '--member', m2['id'], '--security-group', group['id'])
             for name, address, m1, m2 in (
                 (names[0], '10.50.0.212', a, b),
                 (names[1], '10.50.0.213', c, d))]
    results = [finish(p) for p in procs]
    assert [code for code, _ in results] == [0, 0], results
    vrrp = [r for r in sdk.network.security_group_rules(
        security_group_id=group['id']) if r.protocol == 'vrrp']
    assert len(vrrp) == 1
    rows = cli.ok(*VIP, 'delete', names[0])
    [rule] = [r for r in rows if r['resource'] == 'vrrp_rule']
    assert rule['result'] == 'unchanged', rule
    assert [r.id for r in sdk.network.security_group_rules(
        security_group_id=group['id']) if r.protocol == 'vrrp'] == [
            vrrp[0].id]
    cli.ok(*VIP, 'delete', names[1])
    assert [r for r in sdk.network.security_group_rules(
        security_group_id=group['id']) if r.protocol == 'vrrp'] == []


def test_parallel_sets_lose_no_member(cli, held, proxy, network, make_port):
    a, b, c, d = (make_port() for _ in range(4))
    name = conftest.unique('setset')
    cli.ok(*VIP, 'create', name, '--network', network['id'],
           '--ip-address', '10.50.0.214', '--member', a['id'],
           '--member', b['id'])
    proxy.together(2, '/tags/')
    procs = [start(held, *VIP, 'set', name, '--member', port['id'])
             for port in (c, d)]
    assert [finish(p)[0] for p in procs] == [0, 0]
    shown = cli.ok(*VIP, 'show', name)
    assert sorted(m['id'] for m in shown['members']) == sorted(
        p['id'] for p in (a, b, c, d))
    cli.ok(*VIP, 'delete', name)


# The writes of 'vip delete' of a VIP with two members and a created
# rule: member a, member b, the rule, the port.
@pytest.mark.parametrize('nth,forward,address', (
    (3, True, '10.50.0.215'), (4, False, '10.50.0.216')))
def test_interrupted_delete_then_restore_brings_it_all_back(
        cli, held, proxy, sdk, network, group, make_port, nth, forward,
        address):
    a, b = make_port(), make_port()
    name = conftest.unique('undel')
    cli.ok(*VIP, 'create', name, '--network', network['id'],
           '--ip-address', address, '--member', a['id'],
           '--member', b['id'], '--security-group', group['id'])
    made = state(sdk, network['id'], group['id'])
    proxy.hold(nth)
    proc = start(held, *VIP, 'delete', name)
    assert proxy.held.wait(timeout=120), proxy.writes
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    proxy.release(forward)
    # The VIP port is still there: delete again completes it.
    cli.ok(*VIP, 'delete', name)
    assert vips(cli, network, name) == []
    cli.ok(*VIP, 'restore', name)
    back = state(sdk, network['id'], group['id'])
    assert back['rules'] == made['rules']
    for port in (a, b):
        assert back['ports'][port['id']] == made['ports'][port['id']]
    cli.ok(*VIP, 'delete', name)
