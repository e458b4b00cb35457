"""``port security list``: the audit, with each filter, against Neutron."""

from __future__ import annotations

import uuid

import pytest

PS = ('port', 'security')


@pytest.fixture(scope='module')
def fleet(api, api_admin, network):
    """Three ports: plain, with pairs (and a device), port security off."""
    device = str(uuid.uuid4())
    names = {}
    ids = {}
    for kind, options in (
        ('plain', ()),
        ('pairs', ('--allowed-address', 'ip-address=10.50.3.99',
                   '--device', device, '--device-owner', 'compute:test')),
        ('off', ('--disable-port-security', '--no-security-group')),
    ):
        name = f'portsec-audit-{kind}-{uuid.uuid4().hex[:6]}'
        port = api.create_port(network['id'], name, *options)
        names[kind] = name
        ids[kind] = port['id']
    yield {'ids': ids, 'device': device, 'network': network}
    # Members may not delete a port owned by compute:*; the admin may.
    for port_id in ids.values():
        api_admin.delete_port(port_id)


def listed(cli, *args, cloud='demo'):
    return {row['id']: row
            for row in cli.ok(*PS, 'list', *args, cloud=cloud)}


def test_list_columns_and_network_filter(cli, fleet):
    rows = listed(cli, '--network', fleet['network']['name'])
    ids = fleet['ids']
    assert set(ids.values()) <= set(rows)
    assert all(r['network_id'] == fleet['network']['id']
               for r in rows.values())
    row = rows[ids['pairs']]
    assert sorted(row) == sorted([
        'id', 'name', 'network_id', 'device_owner', 'port_security_enabled',
        'security_group_ids', 'allowed_address_pairs'])
    assert row['allowed_address_pairs'][0]['ip_address'] == '10.50.3.99'
    assert rows[ids['off']]['port_security_enabled'] is False
    assert rows[ids['plain']]['port_security_enabled'] is True


def test_list_long_adds_device_and_fixed_ips(cli, fleet):
    rows = listed(cli, '--long', '--network', fleet['network']['id'])
    row = rows[fleet['ids']['pairs']]
    assert row['device_id'] == fleet['device']
    assert row['fixed_ips'][0]['ip_address'].startswith('10.50.0.')


def test_list_port_security_filter(cli, fleet):
    net = fleet['network']['id']
    disabled = listed(cli, '--network', net, '--port-security', 'disabled')
    enabled = listed(cli, '--network', net, '--port-security', 'enabled')
    assert fleet['ids']['off'] in disabled
    assert fleet['ids']['plain'] not in disabled
    assert fleet['ids']['plain'] in enabled
    assert fleet['ids']['off'] not in enabled


def test_list_with_pairs(cli, fleet):
    rows = listed(cli, '--network', fleet['network']['id'], '--with-pairs')
    assert fleet['ids']['pairs'] in rows
    assert fleet['ids']['plain'] not in rows


def test_list_server_device_owner_fixed_ip_and_project(cli, api, fleet):
    ids = fleet['ids']
    assert set(listed(cli, '--server', fleet['device'])) == {ids['pairs']}
    owned = listed(cli, '--device-owner', 'compute:test',
                   '--network', fleet['network']['id'])
    assert set(owned) == {ids['pairs']}
    address = api.port(ids['plain'])['fixed_ips'][0]['ip_address']
    assert set(listed(cli, '--fixed-ip', address,
                      '--network', fleet['network']['id'])) == {ids['plain']}
    project = api.port(ids['plain'])['project_id']
    mine = listed(cli, '--project', project, '--network',
                  fleet['network']['id'])
    assert set(ids.values()) <= set(mine)
    # A member may not look projects up in Keystone, but names their own.
    by_name = listed(cli, '--project', 'demo', '--network',
                     fleet['network']['id'])
    assert set(by_name) == set(mine)
    stderr = cli.fails(*PS, 'list', '--project', 'no-such-project')
    assert "Project 'no-such-project' could not be looked up" in stderr
    # The admin names the project; the name is resolved to its ID.
    theirs = listed(cli, '--project', 'demo', cloud='admin')
    assert set(ids.values()) <= set(theirs)
    assert all(r['id'] in mine or r['network_id'] != fleet['network']['id']
               for r in theirs.values())
