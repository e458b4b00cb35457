"""``openstack port security explain`` against the local cloud's API.

Groups are made through the API; rules, pairs and remote groups through the
real ``openstack`` binary; every output field is checked, and the ``fix`` the
command prints is run to show that it turns the verdict over.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from tests.functional.api import Api
from tests.functional import conftest

FIELDS = {'verdict', 'decided_by', 'rule', 'reason', 'fix', 'backend',
          'differences', 'replies', 'port', 'packet'}


@pytest.fixture
def groups(api: Api) -> Iterator[Callable[[str], dict[str, Any]]]:
    """Create security groups (with no rule); delete them afterwards."""
    made: list[str] = []

    def make(prefix: str) -> dict[str, Any]:
        group = api.create_group(conftest.unique(prefix), bare=True)
        made.append(group['id'])
        return group

    yield make
    for group_id in made:
        api.delete_group(group_id)


def rule(cli: conftest.Cli, group: dict[str, Any], *args: str) -> str:
    return cli.ok('security', 'group', 'rule', 'create', *args,
                  group['id'])['id']


def explain(cli: conftest.Cli, port: str, *args: str,
            cloud: str = 'demo') -> dict[str, Any]:
    return cli.ok('port', 'security', 'explain', port, *args, cloud=cloud)


def ip_of(port: dict[str, Any]) -> str:
    return port['fixed_ips'][0]['ip_address']


def test_rule_decides_every_field(cli, api, groups, make_port):
    web = groups('explain-web')
    ssh = rule(cli, web, '--ingress', '--protocol', 'tcp', '--dst-port',
               '22', '--remote-ip', '10.50.0.0/24')
    port = make_port('--security-group', web['id'])
    before = api.port(port['id'])['revision_number']
    got = explain(cli, port['name'], '--ingress', '--protocol', 'TCP',
                  '--port', '22', '--remote-ip', '10.50.0.77')
    assert FIELDS == set(got)
    assert ('pass', 'security_group_rule') == (got['verdict'],
                                               got['decided_by'])
    assert {'id': ssh, 'security_group_id': web['id'],
            'security_group_name': web['name'],
            'rule': 'ingress IPv4 tcp 22 from 10.50.0.0/24'} == got['rule']
    assert ssh in got['reason']
    assert [f'openstack security group rule delete {ssh}'] == got['fix']
    assert 'ovn' == got['backend']['name']
    assert 'binding' in got['backend']['chosen_by']
    assert [] == got['differences']
    assert 'let back: the group is stateful' == got['replies']
    assert port['id'] == got['port']['id']
    assert [ip_of(port)] == got['port']['fixed_ips']
    assert {'direction': 'ingress', 'ethertype': 'IPv4', 'protocol': 'tcp',
            'port': 22, 'icmp_type': None, 'icmp_code': None,
            'remote_ip': '10.50.0.77', 'local_ip': ip_of(port),
            # The destination MAC judged: the port's own.
            'local_mac': port['mac_address']} == got['packet']
    # explain only reads.
    assert before == api.port(port['id'])['revision_number']


def test_no_matching_rule_and_its_fix(cli, groups, make_port):
    web = groups('explain-fix')
    port = make_port('--security-group', web['id'])
    args = ('--ingress', '--protocol', 'udp', '--port', '5353',
            '--remote-ip', '10.50.0.9')
    got = explain(cli, port['id'], *args)
    assert ('drop', 'no_matching_rule') == (got['verdict'],
                                            got['decided_by'])
    assert got['rule'] is None
    [fix] = got['fix']
    assert fix.startswith('openstack security group rule create --ingress')
    # Run the printed fix as it is: the verdict turns over.
    done = cli.ok(*fix.split()[1:])
    again = explain(cli, port['id'], *args)
    assert ('pass', done['id']) == (again['verdict'], again['rule']['id'])


def test_anti_spoofing_and_pair_fix(cli, groups, make_port):
    web = groups('explain-spoof')
    rule(cli, web, '--egress')
    port = make_port('--security-group', web['id'])
    args = ('--egress', '--protocol', 'udp', '--port', '53',
            '--remote-ip', '10.50.0.1', '--local-ip', '10.50.0.201')
    got = explain(cli, port['id'], *args)
    assert ('drop', 'anti_spoofing') == (got['verdict'], got['decided_by'])
    assert '10.50.0.201' in got['reason']
    pair_add = got['fix'][0]
    assert pair_add == (f'openstack port security pair add {port["id"]} '
                        f'--allowed-address ip-address=10.50.0.201')
    cli.ok(*pair_add.split()[1:])
    again = explain(cli, port['id'], *args)
    assert ('pass', 'security_group_rule') == (again['verdict'],
                                               again['decided_by'])
    # A MAC that is neither the port's nor the pair's is still spoofing.
    other = explain(cli, port['id'], *args, '--local-mac',
                    'FA-16-3E-DE-AD-01')
    assert 'anti_spoofing' == other['decided_by']
    assert 'fa:16:3e:de:ad:01' == other['packet']['local_mac']


def test_remote_group_and_backend_differences(cli, groups, make_port):
    peers = groups('explain-peers')
    vrrp = rule(cli, peers, '--ingress', '--protocol', 'vrrp',
                '--remote-group', peers['id'])
    a = make_port('--security-group', peers['id'])
    b = make_port('--security-group', peers['id'],
                  '--allowed-address', 'ip-address=10.50.0.250')
    got = explain(cli, a['id'], '--ingress', '--protocol', '112',
                  '--remote-ip', ip_of(b))
    assert ('pass', vrrp) == (got['verdict'], got['rule']['id'])
    assert f'group {peers["name"]}' in got['rule']['rule']
    # A member's pair address: OVN's address set has fixed IPs only.
    got = explain(cli, a['id'], '--ingress', '--protocol', 'vrrp',
                  '--remote-ip', '10.50.0.250')
    assert ('drop', 'no_matching_rule') == (got['verdict'],
                                            got['decided_by'])
    assert {'openvswitch', 'iptables_hybrid'} == {
        d['backend'] for d in got['differences']}
    assert all(d['verdict'] == 'pass' for d in got['differences'])
    got = explain(cli, a['id'], '--ingress', '--protocol', 'vrrp',
                  '--remote-ip', '10.50.0.250', '--backend', 'openvswitch')
    assert {'name': 'openvswitch', 'chosen_by': '--backend'} == got['backend']
    assert 'pass' == got['verdict']
    assert ['ovn'] == [d['backend'] for d in got['differences']]


def test_long_lists_every_rule(cli, groups, make_port):
    web = groups('explain-long')
    ids = [rule(cli, web, '--ingress', '--protocol', 'tcp', '--dst-port',
                str(n)) for n in (22, 80)] + [rule(cli, web, '--egress')]
    port = make_port('--security-group', web['id'])
    got = explain(cli, port['id'], '--ingress', '--protocol', 'tcp',
                  '--port', '80', '--remote-ip', '10.50.0.9', '--long')
    considered = {c['id']: c for c in got['considered']}
    assert set(ids) == set(considered)
    assert [ids[1]] == [i for i, c in considered.items() if c['matched']]
    assert 'destination port 80 is outside 22-22' == considered[ids[0]]['why']
    assert 'the rule is for egress traffic' == considered[ids[2]]['why']


def test_port_security_disabled_and_admin_binding(cli, make_port):
    port = make_port('--disable-port-security', '--no-security-group')
    got = explain(cli, port['id'], '--egress', '--local-ip', '192.0.2.1')
    assert ('pass', 'port_security_disabled') == (got['verdict'],
                                                  got['decided_by'])
    assert [f'openstack port security enable {port["id"]}'] == got['fix']
    # The admin sees the binding: the port is not bound to any host.
    got = explain(cli, port['id'], '--ingress', cloud='admin')
    assert 'not bound' in got['backend']['chosen_by']


def test_expect_exit_codes(cli, groups, make_port):
    web = groups('explain-expect')
    port = make_port('--security-group', web['id'])
    args = ('port', 'security', 'explain', port['id'], '--ingress',
            '--protocol', 'tcp', '--port', '22', '--remote-ip', '10.50.0.9')
    ok = cli.run(*args, '--expect', 'drop', '-f', 'json')
    assert 0 == ok.returncode, ok.stderr
    assert 'drop' == ok.data['verdict']
    bad = cli.run(*args, '--expect', 'pass', '-f', 'json')
    assert 2 == bad.returncode
    assert 'drop' == bad.data['verdict']
    assert 'Expected pass, but the verdict is drop (no_matching_rule)' in (
        bad.stderr)
    assert 1 == len(bad.stderr.strip().splitlines())
    assert 'Traceback' not in bad.stderr


@pytest.mark.parametrize('args, words', [
    (('--ingress', '--protocol', 'bogus'), "Unknown protocol 'bogus'"),
    (('--ingress', '--port', '22'), '--port 22 needs --protocol tcp'),
    (('--ingress', '--protocol', 'icmp', '--port', '22'), '--port 22 needs'),
    (('--ingress', '--remote-ip', '10.0.0.300'),
     "--remote-ip '10.0.0.300' is not a valid IP address"),
    (('--egress', '--local-ip', 'fe80::1%eth0'), 'is not a valid IP'),
    (('--ingress', '--protocol', 'icmp', '--icmp-code', '0'),
     '--icmp-code 0 needs --icmp-type'),
    (('--ingress', '--protocol', '300'), 'Protocol number 300'),
    (('--ingress', '--local-mac', 'fa:16:3e:00:00:0g'),
     "'fa:16:3e:00:00:0g' is not a valid MAC address"),
    (('--ingress', '--remote-ip', '10.0.0.1', '--ethertype', 'IPv6'),
     'contradicts'),
])
def test_bad_input_before_any_request(cli, args, words):
    # The port does not exist: the sentence about the value proves that
    # nothing was asked of Neutron first.
    stderr = cli.fails('port', 'security', 'explain', 'no-such-port', *args)
    assert words in stderr
    assert 1 == len(stderr.strip().splitlines())


def test_unknown_port(cli):
    stderr = cli.fails('port', 'security', 'explain', 'no-such-port',
                       '--ingress')
    assert "No port with ID, name or fixed IP 'no-such-port'" in stderr
