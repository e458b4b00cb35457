"""``port security vip`` against the local cloud, with the real binary.

The cloud's state before and after is read with openstacksdk directly
(one list per kind), so a refusal is proven to leave every port, group and
rule exactly as it was.
"""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from tests.functional.api import Api
from tests.functional import conftest

VIP = ('port', 'security', 'vip')


def snapshot(sdk: Any, network_id: str,
             group_ids: tuple[str, ...] = ()) -> dict[str, Any]:
    """Ports of the network, and the groups a VIP there could touch.

    The groups are those given, the project's default group and the groups
    of the network's ports; their rules are listed. (Other test processes
    make and remove groups of their own meanwhile.)
    """
    ports = {
        p.id: (p.revision_number, sorted(
            (a['ip_address'], a['mac_address'])
            for a in p.allowed_address_pairs or []),
            sorted(p.security_group_ids or []), sorted(p.tags or []))
        for p in sdk.network.ports(network_id=network_id)
    }
    used = {g for _, _, groups, _ in ports.values() for g in groups}
    used.update(group_ids)
    groups = sorted(g.id for g in sdk.network.security_groups()
                    if g.id in used or g.name == 'default')
    rules = sorted(r.id for r in sdk.network.security_group_rules()
                   if r.security_group_id in groups)
    return {'ports': ports, 'groups': groups, 'rules': rules}


@pytest.fixture
def group(api: Api) -> Any:
    # Requested before make_port, so it is deleted after the ports that
    # use it.
    made = api.create_group(conftest.unique('vrrp'))
    yield made
    api.delete_group(made['id'])


def pairs_of(sdk: Any, port_id: str) -> list[tuple[str, str]]:
    port = sdk.network.get_port(port_id)
    return sorted((p['ip_address'], p['mac_address'])
                  for p in port.allowed_address_pairs or [])


def test_create_show_again_set_unset_delete(cli, sdk, network, group,
                                            make_port):
    a, b, c = (make_port() for _ in range(3))
    name = conftest.unique('vip')
    rows = cli.ok(*VIP, 'create', name, '--network', network['name'],
                  '--ip-address', '10.50.0.200', '--member', a['name'],
                  '--member', b['id'], '--security-group', group['name'])
    assert [r['result'] for r in rows] == ['created', 'created', 'updated',
                                           'updated']
    vip_id = rows[0]['id']
    rule_id = rows[1]['id']
    for port in (a, b):
        assert pairs_of(sdk, port['id']) == [('10.50.0.200',
                                              port['mac_address'])]
        assert group['id'] in sdk.network.get_port(
            port['id']).security_group_ids
    rule = sdk.network.get_security_group_rule(rule_id)
    assert (rule.protocol, rule.remote_group_id, rule.ether_type) == (
        'vrrp', group['id'], 'IPv4')

    shown = cli.ok(*VIP, 'show', name)
    assert shown['id'] == vip_id and shown['ip_address'] == '10.50.0.200'
    assert sorted(m['id'] for m in shown['members']) == sorted(
        [a['id'], b['id']])
    assert [r['id'] for r in shown['vrrp_rules']] == [rule_id]
    assert shown['findings'] == []

    before = snapshot(sdk, network['id'])
    again = cli.ok(*VIP, 'create', name, '--network', network['id'],
                   '--member', a['id'], '--member', b['name'],
                   '--security-group', group['id'])
    assert [r['result'] for r in again] == ['existing', 'existing',
                                            'unchanged', 'unchanged']
    assert snapshot(sdk, network['id']) == before

    cli.ok(*VIP, 'set', name, '--member', c['name'])
    assert pairs_of(sdk, c['id']) == [('10.50.0.200', c['mac_address'])]
    extra = cli.ok('port', 'security', 'pair', 'add', b['id'],
                   '--allowed-address', 'ip-address=10.50.0.201')
    assert extra['result'] == 'updated'
    cli.ok(*VIP, 'unset', name, '--member', b['id'])
    assert pairs_of(sdk, b['id']) == [('10.50.0.201', b['mac_address'])]
    listed = cli.ok(*VIP, 'list', '--network', network['id'])
    assert [sorted(v['member_ids']) for v in listed
            if v['id'] == vip_id] == [sorted([a['id'], c['id']])]

    before = snapshot(sdk, network['id'])
    dry = cli.ok(*VIP, 'delete', name, '--dry-run')
    assert {r['result'] for r in dry} == {'dry-run'}
    assert snapshot(sdk, network['id']) == before
    cli.ok(*VIP, 'delete', name)
    assert sdk.network.find_port(vip_id) is None
    assert sdk.network.find_security_group_rule(rule_id) is None
    assert pairs_of(sdk, a['id']) == []
    assert pairs_of(sdk, b['id']) == [('10.50.0.201', b['mac_address'])]
    # The journal lets 'pair add --restore' put a member's pair back.
    cli.ok('port', 'security', 'pair', 'add', a['id'], '--restore')
    assert pairs_of(sdk, a['id']) == [('10.50.0.200', a['mac_address'])]


def test_free_address_three_members_warns(cli, sdk, network, make_port):
    members = [make_port() for _ in range(3)]
    name = conftest.unique('vip')
    args = [*VIP, 'create', name, '--network', network['id'],
            '--subnet', network['subnet_id']]
    for port in members:
        args += ['--member', port['id']]
    result = cli.run(*args, '-f', 'json')
    assert result.returncode == 0, result.stderr
    # The default group lets everything in from its own members: vip
    # check, run on the result, finds VRRP passing between them.
    assert 'vip check vrrp_between_members failed' not in result.stderr
    # Nothing is plugged into these ports: check says so, as a warning.
    assert 'vip check member_port_security failed' in result.stderr
    address = result.data[0]['changes'][0].split()[-1]
    for port in members:
        assert pairs_of(sdk, port['id']) == [(address, port['mac_address'])]
    cli.ok(*VIP, 'delete', name)
    for port in members:
        assert pairs_of(sdk, port['id']) == []


def test_warns_without_vrrp_rule(cli, network, group, make_port):
    a = make_port('--security-group', group['id'])
    b = make_port('--security-group', group['id'])
    name = conftest.unique('vip')
    result = cli.run(*VIP, 'create', name, '--network', network['id'],
                     '--member', a['id'], '--member', b['id'], '-f', 'json')
    assert result.returncode == 0, result.stderr
    assert (f"vip check vrrp_between_members failed for {a['name']}: VRRP "
            f"(IP protocol 112) from {b['name']} does not reach "
            f"{a['name']}") in result.stderr
    assert f"--remote-group {group['id']} {group['id']}" in result.stderr
    shown = cli.ok(*VIP, 'show', name)
    assert any('No security group rule lets VRRP' in f
               for f in shown['findings'])
    cli.ok(*VIP, 'delete', name)


def refusals(network, a, b, other, off, full):
    base = ['--network', network['id']]
    return [
        ([*base, '--ip-address', '10.51.0.9', '--member', a['id']],
         'is outside the subnets of network'),
        ([*base, '--ip-address', b['fixed_ips'][0]['ip_address'],
          '--member', a['id']], f"already used by port {b['name']}"),
        ([*base, '--ip-address', '10.50.0.0/28', '--member', a['id']],
         'is a CIDR'),
        ([*base, '--member', a['id'], '--member', other['id']],
         f"is on network {other['network_id']}, not on the VIP's network"),
        ([*base, '--member', a['id'], '--member', off['id']],
         'has port security disabled'),
        ([*base, '--member', a['id'], '--member', 'no-such-port'],
         "No port with ID, name or fixed IP 'no-such-port'"),
        ([*base, '--member', a['id'], '--member', full['id']],
         'already has 10 allowed address pairs'),
        ([*base, '--member', a['id'], '--subnet', 'no-such-subnet'],
         "Subnet 'no-such-subnet' is not a subnet of network"),
        ([*base, '--member', a['id'], '--security-group', 'no-such-group'],
         "Security group 'no-such-group' was not found"),
    ]


def test_refusals_change_nothing(cli, sdk, network, shared_network,
                                 make_port):
    a, b = make_port(), make_port()
    other = make_port(network_id=shared_network['id'])
    off = make_port('--disable-port-security', '--no-security-group')
    full = make_port(*[f'--allowed-address=ip-address=10.50.1.{i}'
                       for i in range(10)])
    for args, text in refusals(network, a, b, other, off, full):
        before = snapshot(sdk, network['id'])
        result = cli.run(*VIP, 'create', conftest.unique('vip'), *args)
        assert result.returncode == 1, (args, result.stdout)
        assert text in result.stderr, (args, result.stderr)
        assert 'Nothing was changed' in result.stderr, result.stderr
        assert 'Traceback' not in result.stderr
        assert snapshot(sdk, network['id']) == before, args


def test_rollback_when_a_member_is_refused(cli, sdk, shared_network,
                                           group, make_port):
    # On the admin's shared network the demo user may create ports but
    # not give them pairs (403): the rule and the VIP port are undone.
    net = shared_network['id']
    a = make_port(network_id=net)
    b = make_port(network_id=net)
    before = snapshot(sdk, net, (group['id'],))
    result = cli.run(*VIP, 'create', conftest.unique('vip'), '--network',
                     net, '--member', a['id'], '--member', b['id'],
                     '--security-group', group['id'])
    assert result.returncode == 1
    assert (f"You are not allowed to change allowed address pairs on port "
            f"{a['id']}") in result.stderr
    # Undone newest first: the rule, then the VIP port.
    assert 'Rolled back: the VRRP rule' in result.stderr
    assert '; the VIP port' in result.stderr
    assert snapshot(sdk, net, (group['id'],)) == before


def test_concurrent_pair_add_keeps_both(cli, sdk, network, make_port):
    a, b = make_port(), make_port()
    name = conftest.unique('vip')
    proc = subprocess.Popen(
        cli.command([*VIP, 'create', name, '--network', network['id'],
                     '--ip-address', '10.50.0.210', '--member', a['id'],
                     '--member', b['id'], '-f', 'json'], 'demo'),
        env=cli.env(), cwd=cli.workdir, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    added = cli.ok('port', 'security', 'pair', 'add', b['id'],
                   '--allowed-address', 'ip-address=10.50.0.211')
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert added['result'] == 'updated'
    assert pairs_of(sdk, b['id']) == [('10.50.0.210', b['mac_address']),
                                      ('10.50.0.211', b['mac_address'])]
    cli.ok(*VIP, 'delete', name)
    assert pairs_of(sdk, b['id']) == [('10.50.0.211', b['mac_address'])]


def test_restore_after_delete(cli, sdk, network, group, make_port):
    a, b = make_port(), make_port()
    name = conftest.unique('vip')
    made = cli.ok(*VIP, 'create', name, '--network', network['id'],
                  '--ip-address', '10.50.0.220', '--member', a['id'],
                  '--member', b['id'], '--security-group', group['id'])
    old = sdk.network.get_port(made[0]['id'])
    cli.ok(*VIP, 'delete', name)

    # Nothing recorded under another name; nothing changes.
    before = snapshot(sdk, network['id'])
    result = cli.run(*VIP, 'restore', 'no-such-vip')
    assert result.returncode == 1
    assert ("records no deleted VIP 'no-such-vip'; there is nothing to "
            "restore. Nothing was changed.") in result.stderr
    assert snapshot(sdk, network['id']) == before

    rows = cli.ok(*VIP, 'restore', name)
    assert [r['result'] for r in rows] == ['created', 'created', 'updated',
                                           'updated']
    port = sdk.network.get_port(rows[0]['id'])
    assert (port.name, port.fixed_ips[0]['ip_address'], port.description) \
        == (old.name, '10.50.0.220', old.description)
    rule = sdk.network.get_security_group_rule(rows[1]['id'])
    assert (rule.protocol, rule.remote_group_id, rule.security_group_id) == (
        'vrrp', group['id'], group['id'])
    assert sorted(port.tags) == sorted(
        t if not t.startswith('osc-portsec-vip-rule:')
        else f'osc-portsec-vip-rule:{rule.id}' for t in old.tags)
    for member in (a, b):
        assert pairs_of(sdk, member['id']) == [('10.50.0.220',
                                                member['mac_address'])]

    # The VIP exists again: a second restore is refused.
    before = snapshot(sdk, network['id'])
    again = cli.run(*VIP, 'restore', name)
    assert again.returncode == 1
    assert f'VIP {name} exists' in again.stderr
    assert snapshot(sdk, network['id']) == before
    cli.ok(*VIP, 'delete', name)


def test_restore_refused_when_the_address_is_taken(cli, sdk, network,
                                                   make_port):
    a, b = make_port(), make_port()
    name = conftest.unique('vip')
    cli.ok(*VIP, 'create', name, '--network', network['id'],
           '--ip-address', '10.50.0.221', '--member', a['id'],
           '--member', b['id'])
    cli.ok(*VIP, 'delete', name)
    squatter = make_port('--fixed-ip', 'ip-address=10.50.0.221')
    before = snapshot(sdk, network['id'])
    result = cli.run(*VIP, 'restore', name)
    assert result.returncode == 1
    assert (f"Address 10.50.0.221 is already used by port "
            f"{squatter['name']}") in result.stderr
    assert 'Nothing was changed.' in result.stderr
    assert 'Traceback' not in result.stderr
    assert snapshot(sdk, network['id']) == before
