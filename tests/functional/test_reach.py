"""``openstack port security reach`` and ``matrix`` against the local cloud.

Groups and ports are made through the API; the commands, and the fixes
they print, run through the real ``openstack`` binary. Every field of the
JSON contracts is checked; what the data plane does with the same packets
is the differential's business (test_reach_differential.py).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterator

import pytest

from tests.functional.api import Api
from tests.functional import conftest

REACH = ('port', 'security', 'reach')
MATRIX = ('port', 'security', 'matrix')
FIELDS = {'verdict', 'blocked_at', 'source', 'destination', 'reply', 'fix',
          'trace', 'backend', 'differences', 'packet', 'notes'}


@pytest.fixture
def groups(api: Api) -> Iterator[Callable[..., dict[str, Any]]]:
    """Create security groups (with no rule); delete them afterwards."""
    made: list[str] = []

    def make(prefix: str, stateful: bool = True) -> dict[str, Any]:
        group = api.create_group(conftest.unique(prefix), bare=True)
        if not stateful:
            api.put(f'/security-groups/{group["id"]}',
                    {'security_group': {'stateful': False}})
        made.append(group['id'])
        return group

    yield make
    for group_id in made:
        api.delete_group(group_id)


def rule(cli: conftest.Cli, group: dict[str, Any], *args: str) -> str:
    return cli.ok('security', 'group', 'rule', 'create', *args,
                  group['id'])['id']


def reach(cli: conftest.Cli, *args: str,
          cloud: str = 'demo') -> dict[str, Any]:
    return cli.ok(*REACH, *args, cloud=cloud)


def ip_of(port: dict[str, Any]) -> str:
    return port['fixed_ips'][0]['ip_address']


def test_both_ends_every_field(cli, api, groups, make_port):
    web, db = groups('reach-web'), groups('reach-db')
    out = rule(cli, web, '--egress')
    pg = rule(cli, db, '--ingress', '--protocol', 'tcp', '--dst-port',
              '5432', '--remote-group', web['id'])
    a = make_port('--security-group', web['id'])
    b = make_port('--security-group', db['id'])
    before = api.port(b['id'])['revision_number']
    got = reach(cli, a['name'], ip_of(b), '--protocol', 'TCP', '--port',
                '5432')
    assert FIELDS == set(got)
    assert ('pass', []) == (got['verdict'], got['blocked_at'])
    assert {'id': a['id'], 'name': a['name'],
            'network_id': a['network_id']} == got['source']['port']
    assert (out, 'pass') == (got['source']['rule']['id'],
                             got['source']['verdict'])
    assert {'id': pg, 'security_group_id': db['id'],
            'security_group_name': db['name'],
            'rule': f'ingress IPv4 tcp 5432 from group {web["name"]} '
                    f'({web["id"]})'} == got['destination']['rule']
    assert 'security_group_rule' == got['destination']['decided_by']
    assert pg in got['destination']['reason']
    assert 'pass' == got['reply']['verdict']
    assert 'stateful' in got['reply']['reason']
    assert [] == got['fix']
    # Not an admin: no trace; the binding is not shown, OVN is assumed.
    assert [] == got['trace']
    assert 'ovn' == got['backend']['name']
    assert "ML2's default" in got['backend']['chosen_by']
    assert [] == got['differences']
    assert {'ethertype': 'IPv4', 'protocol': 'tcp', 'port': 5432,
            'icmp_type': None, 'icmp_code': None, 'source_ip': ip_of(a),
            'destination_ip': ip_of(b), 'source_mac': a['mac_address'],
            'destination_mac': b['mac_address']} == got['packet']
    assert [] == got['notes']
    # reach only reads.
    assert before == api.port(b['id'])['revision_number']


def test_fix_also_opens_and_turns_the_verdict(cli, groups, make_port):
    web, db = groups('reach-fix-web'), groups('reach-fix-db')
    rule(cli, web, '--egress')
    a = make_port('--security-group', web['id'])
    b = make_port('--security-group', db['id'])
    other = make_port('--security-group', db['id'])
    args = (a['id'], b['id'], '--protocol', 'udp', '--port', '5353')
    got = reach(cli, *args)
    assert ('drop', ['destination']) == (got['verdict'], got['blocked_at'])
    assert 'no_matching_rule' == got['destination']['decided_by']
    [fix] = got['fix']
    assert 'destination' == fix['side']
    assert fix['command'] == (
        f'openstack security group rule create --ingress --ethertype IPv4 '
        f'--protocol udp --dst-port 5353 --remote-ip {ip_of(a)}/32 '
        f'{db["id"]}')
    assert [{'id': other['id'], 'name': other['name']}] == fix['also_opens']
    # Run the printed fix as it is: the verdict turns over.
    cli.ok(*fix['command'].split()[1:])
    assert 'pass' == reach(cli, *args)['verdict']


def test_stateless_group_needs_a_rule_for_the_reply(cli, groups,
                                                    make_port):
    web, db = groups('reach-sl-web'), groups('reach-sl-db', stateful=False)
    rule(cli, web, '--egress')
    rule(cli, db, '--ingress', '--protocol', 'tcp', '--dst-port', '80')
    a = make_port('--security-group', web['id'])
    b = make_port('--security-group', db['id'])
    args = (a['id'], b['id'], '--protocol', 'tcp', '--port', '80')
    got = reach(cli, *args)
    assert ('drop', ['reply']) == (got['verdict'], got['blocked_at'])
    assert 'drop' == got['reply']['verdict']
    assert 'stateless' in got['reply']['reason']
    [fix] = got['fix']
    assert ('reply', f'openstack security group rule create --egress '
            f'--ethertype IPv4 --protocol tcp --dst-port 32768:60999 '
            f'--remote-ip {ip_of(a)}/32 {db["id"]}') == (fix['side'],
                                                         fix['command'])
    cli.ok(*fix['command'].split()[1:])
    assert 'pass' == reach(cli, *args)['verdict']


def test_sender_conntrack_drops_an_unsolicited_echo_reply(
        cli, groups, make_port):
    web, db = groups('reach-ct-web'), groups('reach-ct-db', stateful=False)
    rule(cli, web, '--egress')
    rule(cli, db, '--ingress')
    a = make_port('--security-group', web['id'])
    b = make_port('--security-group', db['id'])
    args = (a['id'], b['id'], '--protocol', 'icmp', '--icmp-type', '0',
            '--icmp-code', '0')
    # explain at the destination alone knows only that some sender's
    # stage tracks it on this network (the receiver's rule is stateless)...
    alone = cli.ok('port', 'security', 'explain', b['id'], '--ingress',
                   '--protocol', 'icmp', '--icmp-type', '0',
                   '--remote-ip', ip_of(a))
    assert ('drop', 'conntrack') == (alone['verdict'], alone['decided_by'])
    assert "the sender's stage" in alone['reason'], alone['reason']
    # ...reach says which: the sender's own conntrack; the receiver's
    # stateless rule would let it in.
    got = reach(cli, *args)
    assert ('drop', ['source']) == (got['verdict'], got['blocked_at'])
    assert 'conntrack' == got['source']['decided_by']
    assert ('pass', 'security_group_rule') == (
        got['destination']['verdict'], got['destination']['decided_by'])
    assert 'whatever the rules say' in got['source']['reason']
    assert [] == got['fix']
    assert got['reply']['verdict'] is None


def test_admin_gets_the_trace(cli, groups, make_port):
    web = groups('reach-trace')
    rule(cli, web, '--egress')
    rule(cli, web, '--ingress', '--remote-group', web['id'])
    a = make_port('--security-group', web['id'])
    b = make_port('--security-group', web['id'])
    got = reach(cli, a['id'], b['id'], '--protocol', 'icmp', '--icmp-type',
                '8', '--icmp-code', '0', cloud='admin')
    assert 'not bound' in got['backend']['chosen_by']
    forward, back = got['trace']
    assert forward.startswith(
        f'ovn-trace --ct=trk,new --ct=trk,new neutron-{a["network_id"]} ')
    assert f'inport == "{a["id"]}"' in forward
    assert 'icmp4 && icmp4.type == 8 && icmp4.code == 0' in forward
    assert back.startswith('ovn-trace --ct=trk,est,rpl --ct=trk,est,rpl ')
    assert f'inport == "{b["id"]}"' in back


def test_outside_endpoint_and_vip_destination(cli, groups, make_port):
    web = groups('reach-out')
    rule(cli, web, '--ingress', '--protocol', 'tcp', '--dst-port', '443',
         '--remote-ip', '203.0.113.0/24')
    b = make_port('--security-group', web['id'])
    cli.ok('port', 'security', 'pair', 'add', b['id'], '--allowed-address',
           'ip-address=10.50.0.240')
    got = reach(cli, '203.0.113.9', b['id'], '--protocol', 'tcp', '--port',
                '443', '--destination-ip', '10.50.0.240')
    assert 'pass' == got['verdict']
    assert got['source']['outside'] is True
    assert '203.0.113.9' == got['source']['address']
    assert 'only the other end is evaluated' in got['source']['reason']
    assert '10.50.0.240' == got['destination']['address']
    assert any('allowed address pair 10.50.0.240' in n for n in got['notes'])
    assert 'outside Neutron' in got['reply']['reason']


def test_two_networks(cli, api, groups, make_port):
    web = groups('reach-nets')
    rule(cli, web, '--egress')
    rule(cli, web, '--ingress')
    other = api.create_network(conftest.unique('reach-net2'),
                               '10.51.0.0/24')
    try:
        a = make_port('--security-group', web['id'])
        b = make_port('--security-group', web['id'],
                      network_id=other['id'])
        got = reach(cli, a['id'], b['id'], '--protocol', 'udp', '--port',
                    '53')
        assert 'pass' == got['verdict']
        assert any('routing between them is outside the model' in n
                   for n in got['notes'])
    finally:
        api.delete_network(other['id'])


def test_expect_exit_codes_and_refusals(cli, groups, make_port):
    web = groups('reach-expect')
    a = make_port('--security-group', web['id'])
    b = make_port('--security-group', web['id'])
    args = (*REACH, a['id'], b['id'], '--protocol', 'tcp', '--port', '22')
    ok = cli.run(*args, '--expect', 'drop', '-f', 'json')
    assert 0 == ok.returncode, ok.stderr
    bad = cli.run(*args, '--expect', 'pass', '-f', 'json')
    assert 2 == bad.returncode
    assert 'drop' == bad.data['verdict']
    # Both groups are stateful: the reply would come back.
    assert ('Expected pass, but the verdict is drop (blocked at: source, '
            'destination).') in bad.stderr
    assert 'Traceback' not in bad.stderr
    stderr = cli.fails(*REACH, a['id'], a['name'])
    assert 'are the same port' in stderr
    stderr = cli.fails(*REACH, '203.0.113.1', '198.51.100.1')
    assert 'Neither 203.0.113.1 nor 198.51.100.1 is a port' in stderr


@pytest.mark.parametrize('args, words', [
    (('--protocol', 'bogus'), "Unknown protocol 'bogus'"),
    (('--port', '22'), '--port 22 needs --protocol tcp'),
    (('--source-ip', '10.0.0.300'),
     "--source-ip '10.0.0.300' is not a valid IP address"),
    (('--source-ip', '10.0.0.1', '--destination-ip', '2001:db8::1'),
     'are of different IP versions'),
    (('--protocol', 'icmp', '--icmp-code', '0'),
     '--icmp-code 0 needs --icmp-type'),
])
def test_bad_input_before_any_request(cli, args, words):
    stderr = cli.fails(*REACH, 'no-such-port', 'nor-this', *args)
    assert words in stderr
    assert 1 == len(stderr.strip().splitlines())


def test_tables_fit_80_columns(cli, groups, make_port):
    web = groups('reach-table')
    rule(cli, web, '--egress')
    a = make_port('--security-group', web['id'])
    b = make_port('--security-group', web['id'])
    for args in ((*REACH, a['id'], b['id'], '--protocol', 'tcp', '--port',
                  '22'),
                 (*MATRIX, a['id'], b['id'], '--protocol', 'tcp')):
        result = cli.run(*args, '--max-width', '80')
        assert 0 == result.returncode, result.stderr
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= 80
        for repr_ in ("{'", "['", '=None', ': None', '| None |'):
            assert repr_ not in result.stdout
        # A value rendered as None, not a sentence ("None of the rules").
        assert not re.search(r'\| None (?!of )', result.stdout), (
            result.stdout)


def test_matrix_of_a_network_a_group_and_ports(cli, api, groups, make_port):
    web = groups('reach-matrix')
    rule(cli, web, '--egress')
    rule(cli, web, '--ingress', '--protocol', 'tcp', '--dst-port', '22',
         '--remote-group', web['id'])
    net = api.create_network(conftest.unique('reach-matrix'),
                             '10.52.0.0/24')
    try:
        ports = [make_port('--security-group', web['id'],
                           network_id=net['id']) for _ in range(3)]
        plain = make_port(network_id=net['id'])
        rows = cli.ok(*MATRIX, '--network', net['name'], '--protocol',
                      'tcp', '--port', '22')
        assert 12 == len(rows)
        assert {'source', 'destination', 'verdict', 'blocked_at',
                'rule'} == set(rows[0])
        by_pair = {(r['source']['id'], r['destination']['id']): r
                   for r in rows}
        one = by_pair[(ports[0]['id'], ports[1]['id'])]
        assert ('pass', []) == (one['verdict'], one['blocked_at'])
        assert ['source', 'destination'] == [r['side'] for r in one['rule']]
        # The default group lets in only its own members.
        into_plain = by_pair[(ports[0]['id'], plain['id'])]
        assert ('drop', ['destination']) == (into_plain['verdict'],
                                             into_plain['blocked_at'])
        # The same pair, asked of reach, gets the same answer.
        same = reach(cli, ports[0]['id'], plain['id'], '--protocol', 'tcp',
                     '--port', '22')
        assert same['blocked_at'] == into_plain['blocked_at']
        by_group = cli.ok(*MATRIX, '--security-group', web['name'],
                          '--protocol', 'tcp', '--port', '22', '--long')
        assert 6 == len(by_group)
        assert {'pass'} == {r['verdict'] for r in by_group}
        assert {'reply', 'backend'} <= set(by_group[0])
        listed = cli.ok(*MATRIX, ports[0]['name'], plain['id'],
                        '--protocol', 'tcp', '--port', '22')
        assert 2 == len(listed)
        assert json.dumps(listed)
    finally:
        api.delete_network(net['id'])


def test_back_ends_that_differ(cli, groups, make_port):
    peers = groups('reach-diff')
    rule(cli, peers, '--egress')
    rule(cli, peers, '--ingress', '--protocol', 'vrrp', '--remote-group',
         peers['id'])
    a = make_port('--security-group', peers['id'],
                  '--allowed-address', 'ip-address=10.50.0.231')
    b = make_port('--security-group', peers['id'])
    got = reach(cli, a['id'], b['id'], '--protocol', 'vrrp', '--source-ip',
                '10.50.0.231')
    # OVN's address set of the group holds fixed IPs only; the agents'
    # firewalls also take pair addresses.
    assert ('drop', ['destination']) == (got['verdict'], got['blocked_at'])
    assert [('openvswitch', 'pass', []), ('iptables_hybrid', 'pass', [])] \
        == [(d['backend'], d['verdict'], d['blocked_at'])
            for d in got['differences']]
    assert any('10.50.0.231' in n and 'allowed address pair' in n
               for n in got['notes'])


def neutron_requests(cli: conftest.Cli, *args: str) -> list[str]:
    """The Neutron requests one run sends, as ``METHOD url``."""
    result = cli.run(*args, '--debug', '-f', 'json')
    assert result.returncode == 0, result.stderr[-2000:]
    return re.findall(r'REQ: curl -g -i -X (\w+ \S+/v2\.0/\S+)',
                      result.stderr)


def test_requests_whatever_the_groups_rules_and_ports(cli, api, groups,
                                                      make_port):
    net = api.create_network(conftest.unique('reach-requests'),
                             '10.58.0.0/24')
    try:
        made = [groups('reach-req') for _ in range(3)]
        for group in made:
            rule(cli, group, '--egress')
            for other in made:
                rule(cli, group, '--ingress', '--protocol', 'tcp',
                     '--dst-port', '22', '--remote-group', other['id'])
        ports = [make_port('--security-group', made[i % 3]['id'],
                           network_id=net['id']) for i in range(9)]
        a, b = ports[0], ports[1]
        for args in ((a['name'], b['name']), (a['id'], ip_of(b)),
                     (a['id'], '203.0.113.9'),
                     (a['name'], b['name'], '--network', net['name'])):
            sent = neutron_requests(cli, *REACH, *args, '--protocol', 'tcp',
                                    '--port', '22')
            assert 2 <= len(sent) <= 6, (args, sent)
        for args in (('--network', net['name']),
                     ('--security-group', made[0]['id']),
                     tuple(p['id'] for p in ports[:4])):
            sent = neutron_requests(cli, *MATRIX, *args, '--protocol', 'tcp',
                                    '--port', '22')
            assert 2 <= len(sent) <= 6, (args, sent)
    finally:
        api.delete_network(net['id'])
