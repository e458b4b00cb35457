"""What a new user meets first: help with examples, a readable table,
structured JSON of a change, and a plain sentence when the token is bad."""

from __future__ import annotations

import pytest

PS = ('port', 'security')

COMMANDS = (
    ('show',), ('list',), ('pair', 'add'), ('pair', 'remove'),
    ('pair', 'clear'), ('pair', 'list'), ('disable',), ('enable',),
)


@pytest.mark.parametrize('command', COMMANDS, ids=' '.join)
def test_help_ends_with_examples(cli, command):
    result = cli.run(*PS, *command, '--help')
    assert result.returncode == 0, result.stderr
    examples = result.stdout.split('Examples:\n', 1)[1]
    first = examples.splitlines()[0].strip()
    assert first.startswith(f"openstack port security {' '.join(command)}")


def test_disable_help_says_the_port_is_unfiltered_and_how_to_undo(cli):
    text = ' '.join(cli.run(*PS, 'disable', '--help').stdout.split())
    assert 'the port is unfiltered' in text
    assert 'enable --restore' in text


def test_show_table_fits_80_columns_without_losing_information(
    cli, make_port
):
    port = make_port('--allowed-address', 'ip-address=10.50.9.10',
                     '--allowed-address', 'ip-address=10.50.9.0/28')
    result = cli.run(*PS, 'show', port['id'], '--max-width', '80')
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    # Each cell's text, its wrapped lines joined where the table broke
    # them (a long value may wrap inside an ID, after any character).
    flat = ''.join(''.join(line.strip('|').split('|', 1)[-1].split())
                   for line in lines if line.startswith('|'))
    for value in (port['id'], port['mac_address'], '10.50.9.0/28',
                  port['fixed_ips'][0]['subnet_id'], 'default'):
        assert value in flat
    # Plain words, no Neutron exception names, in the table.
    assert 'AddressPairAndPortSecurityRequired' not in flat


def test_change_json_carries_structure_beside_the_sentences(
        cli, api, make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.9.20')
    default = api.group('default')['id']
    [row] = cli.ok(*PS, 'disable', port['id'])
    [row] = cli.ok(*PS, 'enable', port['id'], '--restore', '--long')
    changed = row['changed']
    assert changed['restored']['security_groups'] == [
        {'id': default, 'name': 'default'}
    ]
    assert changed['restored']['allowed_address_pairs'] == [
        {'ip_address': '10.50.9.20', 'mac_address': port['mac_address']}
    ]
    assert changed['port_security_enabled'] == {'before': False,
                                                'after': True}


def test_revoked_token_says_authentication_failed(cli, api, make_port):
    port = make_port()
    token = cli.ok('token', 'issue')['id']
    endpoint = next(
        e['url'] for e in cli.ok('catalog', 'show', 'network')['endpoints']
        if e['interface'] == 'public'
    )
    assert cli.run('token', 'revoke', token).returncode == 0
    for command in (('show', port['id']), ('disable', port['id'])):
        result = cli.run(
            '--os-auth-type', 'admin_token', '--os-token', token,
            '--os-endpoint', endpoint, *PS, *command, cloud='',
        )
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith('Authentication failed'), \
            result.stderr
        assert 'refused the change' not in result.stderr
        assert 'Traceback' not in result.stderr
    assert api.port(port['id'])['revision_number'] == \
        port['revision_number']
