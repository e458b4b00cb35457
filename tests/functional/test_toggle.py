"""``disable``, ``enable`` and ``--restore`` against the real Neutron."""

from __future__ import annotations

import json
import stat

from tests.functional.conftest import sorted_pairs

PS = ('port', 'security')


def test_plain_disable_is_refused_by_neutron_but_ours_works(
        cli, api, make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.2.10')
    # What OSC alone gets: Neutron's 409.
    plain = cli.run('port', 'set', '--disable-port-security', port['id'])
    assert plain.returncode != 0
    assert 'AddressPairAndPortSecurityRequired' in plain.stderr or \
        'Port Security must be enabled' in plain.stderr

    out = cli.ok(*PS, 'disable', port['id'], '--long')
    [row] = out
    assert row['result'] == 'updated'
    assert row['port_security_enabled'] is False
    assert any(c.startswith('removed security group default') for c in
               row['changes'])
    assert any('10.50.2.10' in c for c in row['changes'])
    after = api.port(port['id'])
    assert after['port_security_enabled'] is False
    assert after['security_groups'] == []
    assert after['allowed_address_pairs'] == []
    # Security groups, pairs and the flag changed in one request.
    assert after['revision_number'] == port['revision_number'] + 1


def test_disable_dry_run_sends_nothing(cli, api, make_port):
    port = make_port()
    [row] = cli.ok(*PS, 'disable', '--dry-run', port['id'], '--long')
    assert row['result'] == 'dry-run'
    assert row['port_security_enabled'] is False
    assert row['security_group_ids'] == []
    assert row['changes'][-1] == 'would disable port security'
    assert row['changes'][0].startswith('would remove security group default')
    after = api.port(port['id'])
    assert after['port_security_enabled'] is True
    assert after['revision_number'] == port['revision_number']


def test_enable_with_a_security_group(cli, api, make_port):
    port = make_port('--disable-port-security', '--no-security-group')
    result = cli.run(*PS, 'enable', port['id'])
    assert result.returncode == 0, result.stderr
    assert 'no security group' in result.stderr
    assert api.port(port['id'])['port_security_enabled'] is True

    default = api.group('default')['id']
    [row] = cli.ok(*PS, 'enable', port['id'], '--security-group', 'default',
                   '--long')
    assert row['security_group_ids'] == [default]
    assert api.port(port['id'])['security_groups'] == [default]


def test_disable_then_restore_round_trip(cli, api, make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.2.20',
                     '--allowed-address',
                     'ip-address=10.50.2.0/28,mac-address=00:00:5e:00:01:cc')
    before = api.port(port['id'])
    cli.ok(*PS, 'disable', port['id'])

    [plan] = cli.ok(*PS, 'enable', port['id'], '--restore', '--dry-run')
    assert plan['result'] == 'dry-run'
    assert api.port(port['id'])['port_security_enabled'] is False

    [row] = cli.ok(*PS, 'enable', port['id'], '--restore')
    assert row['result'] == 'updated'
    after = api.port(port['id'])
    assert after['port_security_enabled'] is True
    assert after['security_groups'] == before['security_groups']
    assert sorted_pairs(after['allowed_address_pairs']) == \
        sorted_pairs(before['allowed_address_pairs'])


def test_pair_clear_then_pair_add_restore(cli, api, make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.2.30',
                     '--allowed-address', 'ip-address=10.50.2.31')
    before = api.port(port['id'])
    cli.ok(*PS, 'pair', 'clear', port['id'])
    cli.ok(*PS, 'pair', 'add', port['id'], '--restore')
    after = api.port(port['id'])
    assert sorted_pairs(after['allowed_address_pairs']) == \
        sorted_pairs(before['allowed_address_pairs'])
    assert after['port_security_enabled'] is True


def test_restore_with_nothing_recorded(cli, make_port):
    port = make_port()
    stderr = cli.fails(*PS, 'enable', port['id'], '--restore')
    assert f"records no removal from port {port['id']}" in stderr


def test_journal_is_private_and_holds_no_secrets(cli, make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.2.40')
    cli.ok(*PS, 'pair', 'clear', port['id'])
    folder = cli.state_home / 'osc-portsec'
    journal = folder / 'journal.jsonl'
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    text = journal.read_text()
    entries = [json.loads(line) for line in text.splitlines()]
    mine = [e for e in entries if e['port_id'] == port['id']]
    # Written ahead: the intent with the state before, then the state after
    # once Neutron confirmed the change.
    intent, applied = mine[-2:]
    assert (intent['phase'], applied['phase']) == ('intent', 'applied')
    assert intent['id'] == applied['id']
    assert intent['command'] == 'pair clear'
    assert intent['before']['allowed_address_pairs'][0]['ip_address'] == \
        '10.50.2.40'
    assert applied['after']['allowed_address_pairs'] == []
    assert intent['cloud'] == 'demo'
    assert intent['auth_url'].startswith('http://127.0.0.1:')
    for secret in ('password', 'token', 'secret'):
        assert secret not in text.lower()


def test_multi_port_disable_reports_each_failure(cli, api, make_port):
    first = make_port()
    second = make_port()
    result = cli.run(*PS, 'disable', first['id'], 'no-such-port-xyz',
                     second['id'], '-f', 'json')
    assert result.returncode == 1
    assert "No port with ID, name or fixed IP 'no-such-port-xyz'" in \
        result.stderr
    assert '1 of 3 ports failed.' in result.stderr
    assert 'Traceback' not in result.stderr
    rows = json.loads(result.stdout)
    assert sorted(r['id'] for r in rows) == sorted([first['id'],
                                                    second['id']])
    assert api.port(first['id'])['port_security_enabled'] is False
    assert api.port(second['id'])['port_security_enabled'] is False
