"""Every command on clouds that differ: the profiles of ``tools/devcloud``.

Each class runs on one profile (``tools/devcloud start --profile NAME``) and
is skipped on the others; ``tools/run-tests`` restarts the cloud with each
profile after the main suite and runs this file. Networks and ports are made
and removed with openstacksdk in-process; the commands under test run
through the real ``openstack`` binary.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from typing import Any, Iterator

import pytest

from tests.functional import conftest

PS = ('port', 'security')
NO_IF_MATCH = (
    'This cloud has no revision-if-match extension, so ports are updated '
    'without a revision check and a concurrent edit by another client '
    'cannot be detected here.'
)


@pytest.fixture(scope='module')
def running() -> str:
    """The profile the local cloud runs, as ``tools/devcloud status`` says."""
    status = subprocess.run(
        [sys.executable, conftest.DEVCLOUD, 'status'], capture_output=True,
        text=True, timeout=60,
    )
    found = re.search(r'^profile: (\S+)', status.stdout, re.MULTILINE)
    return found.group(1) if found else 'unknown'


def only_on(name: str) -> Any:
    """An autouse fixture: skip the class unless the cloud runs ``name``."""

    @pytest.fixture(autouse=True)
    def check(self: Any, running: str) -> None:
        if running != name:
            pytest.skip(f'needs the {name} profile, and the local cloud runs '
                        f'{running} (tools/devcloud start --profile {name})')

    return check


@pytest.fixture(scope='module')
def net(sdk: Any, cli: Any) -> Iterator[Any]:
    network = sdk.network.create_network(name=conftest.unique('profile-net'))
    sdk.network.create_subnet(network_id=network.id, ip_version=4,
                              cidr='10.70.0.0/24')
    yield network
    for port in sdk.network.ports(network_id=network.id):
        sdk.network.delete_port(port.id)
    sdk.network.delete_network(network.id)


def port(sdk: Any, net: Any, **attrs: Any) -> Any:
    return sdk.network.create_port(
        network_id=net.id, name=conftest.unique('profile-port'), **attrs)


def revision(sdk: Any, port_id: str) -> int:
    return sdk.network.get_port(port_id).revision_number


def refused(cli: Any, sdk: Any, port_id: str, *args: str) -> str:
    """Run a command that must refuse; prove the port did not change."""
    before = revision(sdk, port_id)
    stderr = cli.fails(*args)
    assert revision(sdk, port_id) == before
    assert len(stderr.strip().splitlines()) == 1, stderr
    return stderr


def pair_cycle(cli: Any, sdk: Any, net: Any, ips: list[str]) -> None:
    """pair add, list, remove and clear on a new port."""
    p = port(sdk, net)
    args = [a for ip in ips for a in ('--allowed-address', f'ip-address={ip}')]
    row = cli.ok(*PS, 'pair', 'add', p.id, *args)
    assert row['result'] == 'updated'
    pairs = cli.ok(*PS, 'pair', 'list', p.id)
    assert sorted(x['ip_address'] for x in pairs) == sorted(ips)
    cli.ok(*PS, 'pair', 'remove', p.id, '--allowed-address',
           f'ip-address={ips[0]}')
    [row] = cli.ok(*PS, 'pair', 'clear', p.id)
    assert row['result'] == 'updated'
    assert sdk.network.get_port(p.id).allowed_address_pairs == []


def explained(cli: Any, sdk: Any, net: Any, *args: str) -> dict[str, Any]:
    """explain on a port whose one group lets SSH in from the subnet."""
    group = sdk.network.create_security_group(
        name=conftest.unique('profile-explain'))
    p = None
    try:
        sdk.network.create_security_group_rule(
            security_group_id=group.id, direction='ingress',
            ethertype='IPv4', protocol='tcp', port_range_min=22,
            port_range_max=22, remote_ip_prefix='10.70.0.0/24')
        p = port(sdk, net, security_group_ids=[group.id])
        got = cli.ok(*PS, 'explain', p.id, '--ingress', '--protocol', 'tcp',
                     '--port', '22', '--remote-ip', '10.70.0.9', *args)
        assert (got['verdict'], got['decided_by']) == (
            'pass', 'security_group_rule'), got
        assert got['rule']['security_group_id'] == group.id
        return got
    finally:
        if p is not None:
            sdk.network.delete_port(p.id)
        sdk.network.delete_security_group(group.id)


def pair_ips(sdk: Any, port_id: str) -> list[str]:
    return [p['ip_address']
            for p in sdk.network.get_port(port_id).allowed_address_pairs]


def vip_cycle(cli: Any, sdk: Any, net: Any, group: str | None) -> dict:
    """create, set, unset, show, list, delete and restore a VIP."""
    a, b, c = (port(sdk, net) for _ in range(3))
    name = conftest.unique('profile-vip')
    extra = ('--security-group', group) if group else ()
    rows = cli.ok(*PS, 'vip', 'create', name, '--network', net.id,
                  '--member', a.id, '--member', b.id, *extra)
    assert rows[0]['result'] == 'created', rows
    address = sdk.network.get_port(rows[0]['id']).fixed_ips[0]['ip_address']
    cli.ok(*PS, 'vip', 'set', name, '--member', c.id)
    cli.ok(*PS, 'vip', 'unset', name, '--member', a.id)
    assert [pair_ips(sdk, p.id) for p in (a, b, c)] == [
        [], [address], [address]]
    shown = cli.ok(*PS, 'vip', 'show', name)
    assert sorted(m['id'] for m in shown['members']) == sorted([b.id, c.id])
    listed = cli.ok(*PS, 'vip', 'list', '--network', net.id)
    assert [v['name'] for v in listed] == [name]
    cli.ok(*PS, 'vip', 'delete', name)
    assert [pair_ips(sdk, p.id) for p in (b, c)] == [[], []]
    cli.ok(*PS, 'vip', 'restore', name)
    assert [pair_ips(sdk, p.id) for p in (b, c)] == [[address], [address]]
    cli.ok(*PS, 'vip', 'delete', name)
    for p in (a, b, c):
        sdk.network.delete_port(p.id)
    return shown


def network_state(sdk: Any, net: Any) -> list[tuple]:
    return sorted((p.id, p.revision_number)
                  for p in sdk.network.ports(network_id=net.id))


class TestNoPortSecurity:
    _only = only_on('no-port-security')

    def test_show_and_list_say_the_flag_is_unavailable(self, cli, sdk, net):
        p = port(sdk, net, allowed_address_pairs=[
            {'ip_address': '10.70.0.200'}])
        shown = cli.ok(*PS, 'show', p.id)
        assert shown['port_security_enabled'] is None
        assert shown['disable_would_remove'] == {
            'unavailable': 'port-security'}
        # Security groups and pairs are still there on this cloud.
        assert shown['allowed_address_pairs'][0]['ip_address'] == \
            '10.70.0.200'
        assert len(shown['security_group_ids']) == 1
        [row] = cli.ok(*PS, 'list', '--network', net.id)
        assert row['port_security_enabled'] is None
        assert row['id'] == p.id

    def test_toggles_and_filter_refuse(self, cli, sdk, net):
        p = port(sdk, net)
        for command in ('disable', 'enable'):
            stderr = refused(cli, sdk, p.id, *PS, command, p.id)
            assert "Neutron's port-security extension" in stderr
            assert '[ml2] extension_drivers' in stderr
        stderr = cli.fails(*PS, 'list', '--network', net.id,
                           '--port-security', 'disabled')
        assert '--port-security cannot filter ports' in stderr

    def test_pairs_work(self, cli, sdk, net):
        pair_cycle(cli, sdk, net, ['10.70.0.201', '10.70.0.202'])

    def test_explain(self, cli, sdk, net):
        # The agents' firewalls filter a port without the flag...
        got = explained(cli, sdk, net, '--backend', 'openvswitch')
        assert got['port']['port_security_enabled'] is None, got['port']
        # ...and OVN may or may not: a port made before the extension was
        # turned off is still filtered, one made after is not, and the API
        # shows no difference (test_explain_no_port_security sends the
        # packets). A packet no rule lets in has no verdict on OVN.
        p = port(sdk, net)
        got = cli.ok(*PS, 'explain', p.id, '--ingress', '--protocol', 'tcp',
                     '--port', '23', '--remote-ip', '10.70.0.9')
        assert (got['verdict'], got['decided_by'], got['backend']['name'],
                got['fix']) == ('unknown', 'port_security_unknown', 'ovn',
                                []), got
        assert 'no port-security extension' in got['reason']
        assert 'Still filtered: drop (no_matching_rule)' in got['reason']
        assert 'Not filtered: pass (port_security_disabled)' in got['reason']
        assert {(d['backend'], d['verdict']) for d in got['differences']} \
            == {('openvswitch', 'drop'), ('iptables_hybrid', 'drop')}
        # --expect never agrees with unknown.
        result = cli.run(*PS, 'explain', p.id, '--ingress', '--protocol',
                         'tcp', '--port', '23', '--remote-ip', '10.70.0.9',
                         '--expect', 'pass')
        assert result.returncode == 2, result.stderr
        # What passes either way is a verdict on OVN too.
        got = explained(cli, sdk, net)
        assert 'Either way:' in got['reason'], got
        sdk.network.delete_port(p.id)

    def test_vip(self, cli, sdk, net):
        group = sdk.network.create_security_group(
            name=conftest.unique('profile-vrrp'))
        try:
            shown = vip_cycle(cli, sdk, net, group.id)
        finally:
            sdk.network.delete_security_group(group.id)
        # The flag is unknown here, never a false "disabled".
        assert [m['port_security_enabled'] for m in shown['members']] == [
            None, None]
        assert not [f for f in shown['findings'] if 'disabled' in f]


class TestNoSecurityGroups:
    _only = only_on('no-security-groups')

    def test_show_and_list_say_what_is_missing(self, cli, sdk, net):
        p = port(sdk, net)
        shown = cli.ok(*PS, 'show', p.id)
        assert shown['port_security_enabled'] is True
        assert shown['security_group_ids'] is None
        assert shown['security_groups'] is None
        assert shown['allowed_address_pairs'] is None
        [row] = cli.ok(*PS, 'list', '--network', net.id)
        assert row['security_group_ids'] is None
        assert row['allowed_address_pairs'] is None
        stderr = cli.fails(*PS, 'list', '--network', net.id, '--with-pairs')
        assert '--with-pairs cannot filter ports' in stderr

    def test_pair_commands_refuse(self, cli, sdk, net):
        p = port(sdk, net)
        pair = ('--allowed-address', 'ip-address=10.70.0.9')
        for args in (('add', p.id, *pair),
                     ('remove', p.id, *pair),
                     ('clear', p.id),
                     ('list', p.id)):
            stderr = refused(cli, sdk, p.id, *PS, 'pair', *args)
            assert "Neutron's allowed-address-pairs extension" in stderr
            assert '[securitygroup] enable_security_group = true' in stderr

    def test_disable_and_enable_work(self, cli, sdk, net):
        p = port(sdk, net)
        [row] = cli.ok(*PS, 'disable', p.id, '--long')
        assert row['port_security_enabled'] is False
        assert sdk.network.get_port(p.id).is_port_security_enabled is False
        result = cli.run(*PS, 'enable', p.id, '-f', 'json')
        assert result.returncode == 0, result.stderr
        # No false warning about a port left without a security group.
        assert result.stderr == ''
        assert sdk.network.get_port(p.id).is_port_security_enabled is True
        stderr = refused(cli, sdk, p.id, *PS, 'enable', p.id,
                         '--security-group', 'default')
        assert "security-group extension" in stderr

    def test_explain_refuses(self, cli, sdk, net):
        p = port(sdk, net)
        stderr = cli.fails(*PS, 'explain', p.id, '--ingress', '--protocol',
                           'tcp', '--port', '22')
        assert len(stderr.strip().splitlines()) == 1, stderr
        assert "Neutron's security-group extension" in stderr
        assert 'there are no security groups to explain' in stderr

    def test_vip_refuses_before_anything(self, cli, sdk, net):
        a, b = port(sdk, net), port(sdk, net)
        before = network_state(sdk, net)
        for extra in ((), ('--security-group', 'default')):
            stderr = cli.fails(*PS, 'vip', 'create',
                               conftest.unique('profile-vip'), '--network',
                               net.id, '--member', a.id, '--member', b.id,
                               *extra)
            assert len(stderr.strip().splitlines()) == 1, stderr
            assert "Neutron's allowed-address-pairs extension" in stderr
            assert 'Nothing was changed.' in stderr
        assert network_state(sdk, net) == before

    def test_vip_made_before_says_what_it_leaves(self, cli, sdk, net):
        # A VIP the tool made while the cloud had security groups (its
        # port carries the tool's marks), seen after they were turned off.
        from osc_portsec.vip import model

        a, b = port(sdk, net), port(sdk, net)
        vip = sdk.network.create_port(
            network_id=net.id, name=conftest.unique('profile-vip'),
            description=model.DESCRIPTION)
        for tag in model.tags([a.id, b.id], group_id='0' * 32):
            sdk.network.add_tag(vip, tag)
        shown = cli.ok(*PS, 'vip', 'show', vip.name)
        assert shown['vrrp_rules'] is None
        rows = cli.ok(*PS, 'vip', 'unset', vip.name, '--member', a.id)
        said = [c for r in rows for c in r['changes']]
        assert said == ["the VIP's allowed address pair left as it is: "
                        "this cloud has no allowed-address-pairs extension"]
        rows = cli.ok(*PS, 'vip', 'delete', vip.name)
        said = [c for r in rows for c in r['changes']]
        assert ('the VRRP rule left as it is: this cloud has no '
                'security-group extension') in said
        assert not [c for c in said if 'deleted VRRP rule' in c], said
        assert f'deleted port {vip.name} holding' in ' '.join(said)


class TestPaged:
    _only = only_on('paged')

    def test_list_reads_every_page(self, cli, sdk, net):
        made = [port(sdk, net) for _ in range(7)]
        result = cli.run(*PS, 'list', '--network', net.id, '-f', 'json',
                         '--debug')
        assert result.returncode == 0, result.stderr[-2000:]
        rows = json.loads(result.stdout)
        assert sorted(r['id'] for r in rows) == sorted(p.id for p in made)
        gets = re.findall(r'REQ: curl -g -i -X GET \S+/v2\.0/ports\b',
                          result.stderr)
        page = int(os.environ.get('DEVCLOUD_PAGE_SIZE') or 3)
        # A full last page is followed by one empty page.
        assert len(gets) == math.floor(len(made) / page) + 1
        for p in made:
            sdk.network.delete_port(p.id)

    def test_show_names_groups_across_pages(self, cli, sdk, net):
        groups = [sdk.network.create_security_group(
            name=conftest.unique('paged-sg')) for _ in range(5)]
        try:
            p = port(sdk, net, security_group_ids=[g.id for g in groups])
            shown = cli.ok(*PS, 'show', p.id)
            assert sorted((g['id'], g['name'])
                          for g in shown['security_groups']) == \
                sorted((g.id, g.name) for g in groups)
            [row] = cli.ok(*PS, 'disable', p.id, '--long')
            assert row['security_group_ids'] == []
            [row] = cli.ok(*PS, 'enable', p.id, '--restore', '--long')
            assert sorted(row['security_group_ids']) == \
                sorted(g.id for g in groups)
            sdk.network.delete_port(p.id)
        finally:
            for g in groups:
                sdk.network.delete_security_group(g.id)

    def test_pairs(self, cli, sdk, net):
        pair_cycle(cli, sdk, net, [f'10.70.1.{i}' for i in range(5)])

    def test_explain_reads_groups_across_pages(self, cli, sdk, net):
        explained(cli, sdk, net)

    def test_vip_members_across_pages(self, cli, sdk, net):
        # The network has more ports than a page: the VIP is read from
        # every page, and so are its members.
        vip_cycle(cli, sdk, net, 'default')


class TestNoRevisionIfMatch:
    _only = only_on('no-revision-if-match')

    def test_the_extension_is_gone(self, sdk):
        assert sdk.network.find_extension('revision-if-match') is None
        assert sdk.network.find_extension('standard-attr-revisions')

    def test_pair_commands_work_and_say_so_once(self, cli, sdk, net):
        a, b = port(sdk, net), port(sdk, net)
        result = cli.run(*PS, 'pair', 'add', a.id, '--allowed-address',
                         'ip-address=10.70.0.50', '-f', 'json', '-v')
        assert result.returncode == 0, result.stderr
        assert result.stderr.count(NO_IF_MATCH) == 1, result.stderr
        # Without --verbose nothing is said.
        result = cli.run(*PS, 'pair', 'add', b.id, '--allowed-address',
                         'ip-address=10.70.0.51', '--allowed-address',
                         'ip-address=10.70.0.52', '-f', 'json')
        assert result.returncode == 0 and result.stderr == '', result.stderr
        cli.ok(*PS, 'pair', 'remove', b.id, '--allowed-address',
               'ip-address=10.70.0.52')
        assert [x['ip_address'] for x in cli.ok(*PS, 'pair', 'list', b.id)] \
            == ['10.70.0.51']
        # Two ports, one sentence.
        result = cli.run(*PS, 'pair', 'clear', a.id, b.id, '-f', 'json',
                         '-v')
        assert result.returncode == 0, result.stderr
        assert result.stderr.count(NO_IF_MATCH) == 1, result.stderr
        for p in (a, b):
            assert sdk.network.get_port(p.id).allowed_address_pairs == []

    def test_toggles_and_reads(self, cli, sdk, net):
        p = port(sdk, net)
        [row] = cli.ok(*PS, 'disable', p.id, '--long')
        assert row['port_security_enabled'] is False
        [row] = cli.ok(*PS, 'enable', p.id, '--restore', '--long')
        assert row['port_security_enabled'] is True
        assert len(row['security_group_ids']) == 1
        shown = cli.ok(*PS, 'show', p.id)
        assert shown['revision_number'] == revision(sdk, p.id)
        rows = cli.ok(*PS, 'list', '--network', net.id, '--port-security',
                      'enabled')
        assert p.id in [r['id'] for r in rows]

    def test_explain(self, cli, sdk, net):
        explained(cli, sdk, net)

    def test_vip(self, cli, sdk, net):
        vip_cycle(cli, sdk, net, 'default')
