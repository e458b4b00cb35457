"""``vip adopt`` through the installed ``openstack`` binary, no packets.

A VIP made by hand through Neutron's API (a port holding the address,
members carrying it as a pair) is adopted, then shown, set, unset and
deleted as a created one; every refusal names the value, exits 1 and
leaves the network's ports as they were. What adopt does to traffic is
proven with packets in ``test_vip_adopt.py``.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from tests.functional.api import Api
from tests.functional import conftest

VIP = ('port', 'security', 'vip')
CIDR = '10.56.0.0/24'
ADDRESS = '10.56.0.200'


@pytest.fixture
def hand(api: Api, api_admin: Api) -> Iterator[dict[str, Any]]:
    """A network with a VIP made by hand: holder ``h``, members a, b."""
    name = conftest.unique('adopt')
    net = api.create_network(name, CIDR, dhcp=False,
                             pool=('10.56.0.10', '10.56.0.99'))
    made: dict[str, Any] = {'network': net, 'name': conftest.unique('vip')}

    def port(label: str, *options: str) -> dict[str, Any]:
        return api.create_port(net['id'], conftest.unique(label), *options)
    made['h'] = api.create_port(net['id'], made['name'], '--fixed-ip',
                                f'ip-address={ADDRESS}')
    pair = f'--allowed-address=ip-address={ADDRESS}'
    made['a'], made['b'] = port('a', pair), port('b', pair)
    made['c'] = port('c')
    yield made
    api_admin.delete_network(net['id'])


def state(api: Api, network_id: str) -> dict[str, Any]:
    """What adopt must not change: every port's pairs, groups, name."""
    ports = api.get(f'/ports?network_id={network_id}')['ports']
    return {p['id']: (p['name'], p['allowed_address_pairs'],
                      sorted(p['security_groups']), p['fixed_ips'])
            for p in ports}


def pairs(api: Api, port: dict[str, Any]) -> list[str]:
    got = api.get(f"/ports/{port['id']}")['port']
    return [p['ip_address'] for p in got['allowed_address_pairs']]


def tags(api: Api, port: dict[str, Any]) -> list[str]:
    return api.get(f"/ports/{port['id']}")['port']['tags']


def test_adopt_then_show_set_unset_delete(cli, api, hand):
    net, name = hand['network'], hand['name']
    a, b, c, h = hand['a'], hand['b'], hand['c'], hand['h']
    before = state(api, net['id'])
    rows = cli.ok(*VIP, 'adopt', name, '--network', net['name'],
                  '--ip-address', ADDRESS, '--dry-run')
    assert [r['result'] for r in rows] == ['dry-run', 'unchanged',
                                           'unchanged'], rows
    assert all(text.startswith('would ') for r in rows
               for text in r['changes']), rows
    assert state(api, net['id']) == before
    assert tags(api, h) == []

    rows = cli.ok(*VIP, 'adopt', name, '--network', net['name'],
                  '--ip-address', ADDRESS)
    assert (rows[0]['id'], rows[0]['result']) == (h['id'], 'adopted')
    assert sorted((r['id'], r['result']) for r in rows[1:]) == sorted([
        (a['id'], 'unchanged'), (b['id'], 'unchanged')]), rows
    assert state(api, net['id']) == before
    shown = cli.ok(*VIP, 'show', name)
    assert shown['ip_address'] == ADDRESS
    assert sorted(m['id'] for m in shown['members']) == sorted(
        [a['id'], b['id']])
    # Again: nothing more to record.
    rows = cli.ok(*VIP, 'adopt', name, '--network', net['name'],
                  '--ip-address', ADDRESS)
    assert [r['result'] for r in rows] == ['existing', 'unchanged',
                                           'unchanged'], rows

    cli.ok(*VIP, 'set', name, '--member', c['id'])
    assert pairs(api, c) == [ADDRESS]
    cli.ok(*VIP, 'unset', name, '--member', c['id'])
    assert pairs(api, c) == []
    # A member that was there before keeps its pair when it leaves.
    cli.ok(*VIP, 'unset', name, '--member', a['id'])
    assert pairs(api, a) == [ADDRESS]

    rows = cli.ok(*VIP, 'delete', name)
    assert rows[0]['result'] == 'untagged', rows
    assert {r['result'] for r in rows[1:]} == {'unchanged'}, rows
    assert state(api, net['id']) == before
    assert tags(api, h) == []
    listed = cli.ok(*VIP, 'list', '--unmanaged', '--network', net['id'])
    assert [r['ip_address'] for r in listed] == [ADDRESS]


def test_delete_all_takes_the_member_pairs(cli, api, hand):
    net, name = hand['network'], hand['name']
    a, b, h = hand['a'], hand['b'], hand['h']
    cli.ok(*VIP, 'adopt', name, '--network', net['id'], '--ip-address',
           ADDRESS, '--member', a['name'])
    rows = cli.ok(*VIP, 'delete', name, '--all', '--dry-run')
    assert all(text.startswith('would ') for r in rows
               for text in r['changes']), rows
    assert pairs(api, a) == [ADDRESS]
    rows = cli.ok(*VIP, 'delete', name, '--all')
    assert rows[0]['result'] == 'untagged', rows
    assert {r['id']: r['result'] for r in rows[1:]} == {
        a['id']: 'updated', b['id']: 'unchanged'}, rows
    assert pairs(api, a) == []
    # b was not adopted as a member: its pair is not the tool's to take.
    assert pairs(api, b) == [ADDRESS]
    assert api.get(f"/ports/{h['id']}")['port']['fixed_ips'][0][
        'ip_address'] == ADDRESS


def test_without_a_holder_a_reservation_is_made_and_deleted(cli, api,
                                                            api_admin, hand):
    net, a = hand['network'], hand['a']
    api_admin.delete_port(hand['h']['id'])
    name = conftest.unique('vip')
    rows = cli.ok(*VIP, 'adopt', name, '--network', net['id'],
                  '--ip-address', ADDRESS)
    assert rows[0]['result'] == 'created', rows
    made = rows[0]['id']
    port = api.get(f'/ports/{made}')['port']
    assert port['fixed_ips'][0]['ip_address'] == ADDRESS
    assert port['device_owner'] == '' and port['device_id'] == ''
    code, checked = vip_check(cli, ADDRESS, net['id'])
    assert [r['check'] for r in checked if not r['ok']] == [
        'member_port_security'] * 2, checked
    cli.ok(*VIP, 'delete', name)
    assert api.get(f'/ports?id={made}')['ports'] == []
    assert pairs(api, a) == [ADDRESS]


def vip_check(cli, *args: str) -> tuple[int, list[dict]]:
    result = cli.run(*VIP, 'check', args[0], '--network', args[1],
                     '-f', 'json')
    assert result.returncode in (0, 2), result.stderr
    return result.returncode, result.data


def test_refusals_change_nothing(cli, api, api_admin, hand):
    net, name = hand['network'], hand['name']
    c, h = hand['c'], hand['h']
    dhcp = api_admin.create_port(net['id'], conftest.unique('dhcp'),
                                 '--device-owner', 'network:dhcp',
                                 '--fixed-ip', 'ip-address=10.56.0.2')
    api.create_port(net['id'], conftest.unique('d'),
                    '--allowed-address=ip-address=10.56.0.2')
    cases = (
        (['--ip-address', ''], "--ip-address is empty ('')"),
        (['--ip-address', '10.56.0.0/24'], '10.56.0.0/24'),
        (['--ip-address', 'ten'], "'ten'"),
        (['--ip-address', '10.57.0.5'], '10.57.0.5'),
        (['--ip-address', '10.56.0.201'],
         'carries 10.56.0.201 in its allowed address pairs: there is no '
         'VIP to adopt'),
        (['--ip-address', '10.56.0.2'], "Neutron's own port"),
        (['--ip-address', ADDRESS, '--member', c['id']],
         f"Member '{c['id']}' ({c['id']}) does not carry {ADDRESS}"),
        (['--ip-address', ADDRESS, '--member', h['id']],
         f"Member '{h['id']}' is the port holding {ADDRESS}"),
        (['--ip-address', ADDRESS, '--member', 'no-such-port'],
         'no-such-port'),
    )
    before = state(api, net['id'])
    for args, text in cases:
        result = cli.run(*VIP, 'adopt', name, '--network', net['id'], *args)
        assert result.returncode == 1, (args, result.stdout)
        assert text in result.stderr, (args, result.stderr)
        assert 'Traceback' not in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert state(api, net['id']) == before, args
    result = cli.run(*VIP, 'adopt', 'other-name', '--network', net['id'],
                     '--ip-address', ADDRESS)
    assert result.returncode == 1
    assert f"under the name '{name}'" in result.stderr, result.stderr
    result = cli.run(*VIP, 'adopt', name, '--network', 'no-such-network',
                     '--ip-address', ADDRESS)
    assert result.returncode == 1
    assert "'no-such-network'" in result.stderr, result.stderr
    assert state(api, net['id']) == before
    assert tags(api, dhcp) == [] and tags(api, h) == []


def test_an_unnamed_holder_gets_its_name_back(cli, api, hand):
    net, h = hand['network'], hand['h']
    api.update_port(h['id'], name='')
    before = state(api, net['id'])
    name = conftest.unique('vip')
    rows = cli.ok(*VIP, 'adopt', name, '--network', net['id'],
                  '--ip-address', ADDRESS)
    assert rows[0]['changes'][0] == f'named port {name} holding {ADDRESS}'
    assert api.get(f"/ports/{h['id']}")['port']['name'] == name
    rows = cli.ok(*VIP, 'delete', name)
    assert rows[0]['changes'][-1].startswith(
        f'took the name back from port {name}'), rows[0]['changes']
    assert state(api, net['id']) == before
    assert tags(api, h) == []
