"""Allowed address pairs against the real Neutron: the story and refusals."""

from __future__ import annotations

import pytest

from tests.functional.conftest import sorted_pairs

PS = ('port', 'security')


def pairs_of(api, port_id):
    return sorted_pairs(api.port(port_id)['allowed_address_pairs'])


def test_operator_story_pairs(cli, api, make_port):
    port = make_port()
    mac = port['mac_address']

    # One IP for a keepalived VIP; the MAC defaults to the port's.
    out = cli.ok(*PS, 'pair', 'add', port['id'],
                 '--allowed-address', 'ip-address=10.50.0.100')
    assert out['result'] == 'updated'
    assert pairs_of(api, port['id']) == [
        {'ip_address': '10.50.0.100', 'mac_address': mac}]

    # An IP+MAC pair (MAC in dash notation) and a second IP in one command.
    # A VRRP MAC: on ML2/OVN, Neutron 29 refuses any other MAC in a pair.
    cli.ok(*PS, 'pair', 'add', port['id'],
           '--allowed-address',
           'ip-address=10.50.0.101,mac-address=00-00-5E-00-01-81',
           '--allowed-address', 'ip-address=10.50.0.102')
    # A CIDR.
    cli.ok(*PS, 'pair', 'add', port['id'],
           '--allowed-address', 'ip-address=192.168.77.0/24')
    assert pairs_of(api, port['id']) == sorted_pairs([
        {'ip_address': '10.50.0.100', 'mac_address': mac},
        {'ip_address': '10.50.0.101', 'mac_address': '00:00:5e:00:01:81'},
        {'ip_address': '10.50.0.102', 'mac_address': mac},
        {'ip_address': '192.168.77.0/24', 'mac_address': mac},
    ])

    # A pair already there is skipped and said so; nothing is sent.
    revision = api.port(port['id'])['revision_number']
    out = cli.ok(*PS, 'pair', 'add', port['id'],
                 '--allowed-address', 'ip-address=10.50.0.100/32')
    assert out['result'] == 'unchanged'
    assert any('already on the port' in c for c in out['changes'])
    assert api.port(port['id'])['revision_number'] == revision

    # Removing without the MAC matches the pair stored with the port's MAC
    # ('openstack port unset --allowed-address ip-address=...' fails here).
    cli.ok(*PS, 'pair', 'remove', port['id'],
           '--allowed-address', 'ip-address=10.50.0.102')
    assert {'ip_address': '10.50.0.102', 'mac_address': mac} not in \
        pairs_of(api, port['id'])

    out = cli.ok(*PS, 'pair', 'clear', port['id'])
    assert out[0]['result'] == 'updated'
    assert pairs_of(api, port['id']) == []
    # Clearing an empty list sends nothing.
    out = cli.ok(*PS, 'pair', 'clear', port['id'])
    assert out[0]['result'] == 'unchanged'


def test_duplicate_pair_in_one_command_is_sent_once(cli, api, make_port):
    port = make_port()
    out = cli.ok(*PS, 'pair', 'add', port['id'],
                 '--allowed-address', 'ip-address=10.50.0.110',
                 '--allowed-address', 'ip-address=10.50.0.110')
    assert out['result'] == 'updated'
    assert out['changes'] == [
        'added allowed address pair 10.50.0.110',
        'skipped allowed address pair 10.50.0.110: given more than once',
    ]
    assert len(pairs_of(api, port['id'])) == 1


def test_pair_add_dry_run_sends_nothing(cli, api, make_port):
    port = make_port()
    out = cli.ok(*PS, 'pair', 'add', port['id'], '--dry-run',
                 '--allowed-address', 'ip-address=10.50.0.120')
    assert out['result'] == 'dry-run'
    assert out['allowed_address_pairs'] == [
        {'ip_address': '10.50.0.120', 'mac_address': port['mac_address']}]
    after = api.port(port['id'])
    assert after['allowed_address_pairs'] == []
    assert after['revision_number'] == port['revision_number']


def test_open_to_all_pair_warns(cli, make_port):
    port = make_port()
    result = cli.run(*PS, 'pair', 'add', port['id'],
                     '--allowed-address', 'ip-address=0.0.0.0/0')
    assert result.returncode == 0, result.stderr
    assert 'bypasses the source-IP rules' in result.stderr


@pytest.mark.parametrize('value, message', [
    ('ip-address=10.0.0.999', "'10.0.0.999' is not a valid IP address"),
    ('ip-address=foo', "'foo' is not a valid IP address"),
    ('ip-address=224.0.0.1', "'224.0.0.1' is a multicast address"),
    ('ip-address=10.0.0.1,mac-address=zz:zz:zz:zz:zz:zz',
     "'zz:zz:zz:zz:zz:zz' is not a valid MAC address"),
])
def test_bad_input_is_refused_before_sending(cli, api, make_port, value,
                                             message):
    port = make_port()
    stderr = cli.fails(*PS, 'pair', 'add', port['id'],
                       '--allowed-address', 'ip-address=10.50.0.130',
                       '--allowed-address', value)
    assert message in stderr
    after = api.port(port['id'])
    assert after['revision_number'] == port['revision_number']
    assert after['allowed_address_pairs'] == []


def test_quota_of_pairs_is_explained(cli, api, make_port):
    port = make_port()
    ten = [a for i in range(10)
           for a in ('--allowed-address', f'ip-address=10.50.1.{i}')]
    cli.ok(*PS, 'pair', 'add', port['id'], *ten)
    before = api.port(port['id'])
    stderr = cli.fails(*PS, 'pair', 'add', port['id'],
                       '--allowed-address', 'ip-address=10.50.1.10')
    assert 'more allowed address pairs than this cloud allows' in stderr
    assert 'max_allowed_address_pair' in stderr
    after = api.port(port['id'])
    assert after['allowed_address_pairs'] == before['allowed_address_pairs']
    assert after['revision_number'] == before['revision_number']


def test_pair_add_refused_while_port_security_is_off(cli, api, make_port):
    port = make_port('--disable-port-security', '--no-security-group')
    stderr = cli.fails(*PS, 'pair', 'add', port['id'],
                       '--allowed-address', 'ip-address=10.50.0.140')
    assert f"Port {port['id']} has port security disabled" in stderr
    assert 'port security enable' in stderr
    after = api.port(port['id'])
    assert after['revision_number'] == port['revision_number']


def test_remove_of_a_pair_not_on_the_port_changes_nothing(cli, api, make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.0.150')
    stderr = cli.fails(*PS, 'pair', 'remove', port['id'],
                       '--allowed-address', 'ip-address=10.50.0.150',
                       '--allowed-address', 'ip-address=10.50.0.151')
    assert 'Allowed address pair 10.50.0.151 is not on port' in stderr
    after = api.port(port['id'])
    assert len(after['allowed_address_pairs']) == 1
    assert after['revision_number'] == port['revision_number']


def test_policy_refusal_on_a_shared_network(cli, api, make_port,
                                            shared_network):
    # A member may create a port on another project's shared network but,
    # by Neutron's default policy, not change its port security or pairs.
    port = make_port(network_id=shared_network['id'])
    stderr = cli.fails(*PS, 'pair', 'add', port['id'],
                       '--allowed-address', 'ip-address=10.60.0.200')
    assert 'You are not allowed to change' in stderr
    # The rules Neutron names in its 403, each with who may pass it.
    assert ("update_port:allowed_address_pairs: an admin or a member of the "
            "project that owns the port's network") in stderr
    stderr = cli.fails(*PS, 'disable', port['id'])
    assert 'You are not allowed to change' in stderr
    after = api.port(port['id'])
    assert after['port_security_enabled'] is True
    assert after['revision_number'] == port['revision_number']
    # The admin (the network owner) may.
    cli.ok(*PS, 'pair', 'add', port['id'], '--allowed-address',
           'ip-address=10.60.0.200', cloud='admin')
