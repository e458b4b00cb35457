"""``port security show`` and port lookup, against the real cloud."""

from __future__ import annotations

from tests.functional.conftest import sorted_pairs
from tests.functional.conftest import unique

SHOW_KEYS = [
    'id', 'name', 'status', 'network_id', 'device_owner', 'device_id',
    'mac_address', 'fixed_ips', 'port_security_enabled',
    'security_group_ids', 'security_groups', 'allowed_address_pairs',
    'disable_would_remove', 'revision_number',
]
# Columns that 'openstack port show' has too: same names, same JSON.
SHARED_KEYS = [
    'id', 'name', 'status', 'network_id', 'device_owner', 'device_id',
    'mac_address', 'fixed_ips', 'port_security_enabled',
    'security_group_ids', 'allowed_address_pairs', 'revision_number',
]


def test_show_json_contract(cli, make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.0.200')
    shown = cli.ok('port', 'security', 'show', port['id'])

    assert sorted(shown) == sorted(SHOW_KEYS)
    reference = cli.ok('port', 'show', port['id'])
    for key in SHARED_KEYS:
        assert shown[key] == reference[key], key
    assert isinstance(shown['revision_number'], int)
    assert shown['port_security_enabled'] is True
    assert shown['fixed_ips'][0]['ip_address'].startswith('10.50.0.')
    assert shown['allowed_address_pairs'] == [
        {'ip_address': '10.50.0.200', 'mac_address': port['mac_address']}
    ]
    [group_id] = shown['security_group_ids']
    assert shown['security_groups'] == [{'id': group_id, 'name': 'default'}]
    assert shown['disable_would_remove'] == {
        'security_groups': [{'id': group_id, 'name': 'default'}],
        'allowed_address_pairs': shown['allowed_address_pairs'],
        'neutron_refuses_plain_disable': 'AddressPairAndPortSecurityRequired',
    }


def test_show_table_explains_what_disable_removes(cli, make_port):
    port = make_port()
    result = cli.run('port', 'security', 'show', port['id'])
    assert result.returncode == 0, result.stderr
    assert 'security groups default' in result.stdout
    # Plain words in a table; the Neutron error type only in JSON.
    assert 'Neutron refuses a plain disable while the port has security ' \
        'groups' in result.stdout
    assert 'PortSecurityPortHasSecurityGroup' not in result.stdout


def test_show_by_name_and_by_fixed_ip(cli, make_port, network):
    port = make_port()
    by_name = cli.ok('port', 'security', 'show', port['name'])
    address = port['fixed_ips'][0]['ip_address']
    by_ip = cli.ok('port', 'security', 'show', address,
                   '--network', network['name'])
    assert by_name['id'] == by_ip['id'] == port['id']


def test_show_ambiguous_name_lists_the_candidates(cli, make_port):
    name = unique('twin')
    first = make_port(name=name)
    second = make_port(name=name)
    stderr = cli.fails('port', 'security', 'show', name)
    assert f"Port reference '{name}' matches 2 ports" in stderr
    assert first['id'] in stderr and second['id'] in stderr


def test_show_unknown_port(cli):
    stderr = cli.fails('port', 'security', 'show', 'no-such-port-xyz')
    assert "No port with ID, name or fixed IP 'no-such-port-xyz'" in stderr


def test_pair_list_rows(cli, make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.0.201',
                     '--allowed-address',
                     'ip-address=10.50.0.0/28,mac-address=00:00:5e:00:01:01')
    rows = cli.ok('port', 'security', 'pair', 'list', port['id'])
    assert sorted_pairs(rows) == sorted_pairs([
        {'ip_address': '10.50.0.201', 'mac_address': port['mac_address']},
        {'ip_address': '10.50.0.0/28', 'mac_address': '00:00:5e:00:01:01'},
    ])
