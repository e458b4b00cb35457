"""Port references against the real Neutron: any notation, never a guess."""

from __future__ import annotations

import ipaddress
from typing import Any, Iterator

import pytest

from tests.functional.conftest import unique

PS = ('port', 'security')


@pytest.fixture(scope='module')
def dual_network(api, api_admin) -> Iterator[dict[str, Any]]:
    """A demo-project network with an IPv4 and an IPv6 subnet."""
    name = unique('portsec-dual')
    net = api.create_network(name, '10.51.0.0/24', 'fd00:51::/64')
    yield {'id': net['id'], 'name': name}
    api_admin.delete_network(net['id'])


def fixed_ip(port: dict[str, Any], version: int) -> str:
    return next(ip['ip_address'] for ip in port['fixed_ips']
                if ipaddress.ip_address(ip['ip_address']).version == version)


def shown_id(cli, *args: str) -> str:
    return cli.ok(*PS, 'show', *args)['id']


def assert_lists_candidates(stderr: str, ref: str,
                            *ports: dict[str, Any]) -> None:
    assert f"Port reference '{ref}' matches {len(ports)} ports" in stderr
    for port in ports:
        assert port['id'] in stderr, stderr
        assert f"network {port['network_id']}" in stderr, stderr
    assert 'give the port ID' in stderr


def test_ipv6_any_notation_finds_the_port(cli, make_port, dual_network):
    port = make_port(network_id=dual_network['id'])
    v6 = ipaddress.IPv6Address(fixed_ip(port, 6))
    for ref in (str(v6), str(v6).upper(), v6.exploded,
                v6.exploded.upper()):
        assert shown_id(cli, ref) == port['id'], ref
    # A change by the same reference reaches the same port.
    out = cli.ok(*PS, 'pair', 'add', v6.exploded.upper(),
                 '--allowed-address', 'ip-address=10.51.0.200')
    assert out['id'] == port['id']


def test_ipv4_mapped_finds_the_port(cli, make_port, dual_network):
    port = make_port(network_id=dual_network['id'])
    v4 = fixed_ip(port, 4)
    mapped = ipaddress.IPv6Address(f'::ffff:{v4}')
    for ref in (f'::ffff:{v4}', mapped.exploded.upper()):
        assert shown_id(cli, ref) == port['id'], ref


def test_name_and_fixed_ip_of_two_ports(cli, api, make_port, network):
    owner = make_port()
    ip = fixed_ip(owner, 4)
    named = make_port(name=ip)
    stderr = cli.fails(*PS, 'show', ip)
    assert_lists_candidates(stderr, ip, owner, named)
    assert 'matches its name' in stderr
    assert 'matches its fixed IP' in stderr
    # A change is refused too, and neither port changes.
    stderr = cli.fails(*PS, 'pair', 'add', ip,
                       '--allowed-address', 'ip-address=10.50.0.210')
    assert_lists_candidates(stderr, ip, owner, named)
    for port in (owner, named):
        assert api.port(port['id'])['revision_number'] == \
            port['revision_number']
    # The ID picks one.
    assert shown_id(cli, named['id']) == named['id']


def test_name_and_id_of_two_ports(cli, api, make_port):
    target = make_port()
    impostor = make_port(name=target['id'])
    stderr = cli.fails(*PS, 'show', target['id'])
    assert_lists_candidates(stderr, target['id'], target, impostor)
    assert 'matches its ID' in stderr
    stderr = cli.fails(*PS, 'disable', target['id'])
    assert_lists_candidates(stderr, target['id'], target, impostor)
    after = api.port(target['id'])
    assert after['port_security_enabled'] is True
    assert after['revision_number'] == target['revision_number']


def test_name_shared_across_networks(cli, make_port, dual_network):
    name = unique('portsec-twin')
    first = make_port(name=name)
    second = make_port(name=name, network_id=dual_network['id'])
    stderr = cli.fails(*PS, 'show', name)
    assert_lists_candidates(stderr, name, first, second)
    assert '--network' in stderr
    assert shown_id(cli, name, '--network', dual_network['name']) == \
        second['id']


def test_name_shared_on_one_network(cli, make_port):
    name = unique('portsec-twin')
    first = make_port(name=name)
    second = make_port(name=name)
    stderr = cli.fails(*PS, 'show', name, '--network', first['network_id'])
    assert_lists_candidates(stderr, name, first, second)


def test_network_with_id_of_port_elsewhere(cli, api, make_port, dual_network):
    port = make_port()
    stderr = cli.fails(*PS, 'show', port['id'], '--network',
                       dual_network['id'])
    assert (f"Port {port['id']} is on network {port['network_id']}, not on "
            f"network {dual_network['id']}") in stderr
    stderr = cli.fails(*PS, 'pair', 'add', port['id'], '--network',
                       dual_network['name'],
                       '--allowed-address', 'ip-address=10.50.0.211')
    assert f"not on network {dual_network['id']}" in stderr
    assert api.port(port['id'])['revision_number'] == port['revision_number']
    # On its own network the ID is fine.
    assert shown_id(cli, port['id'], '--network', port['network_id']) == \
        port['id']


def test_list_fixed_ip_any_notation(cli, make_port, dual_network):
    port = make_port(network_id=dual_network['id'])
    v6 = ipaddress.IPv6Address(fixed_ip(port, 6))
    listed = cli.ok(*PS, 'list', '--fixed-ip', v6.exploded.upper())
    assert [row['id'] for row in listed] == [port['id']]


@pytest.mark.parametrize('value', ['not-an-ip', '10.50.0.0/24', '010.50.0.5'])
def test_list_fixed_ip_refuses_what_cannot_match(cli, value):
    stderr = cli.fails(*PS, 'list', '--fixed-ip', value)
    assert f"'{value}' is not" in stderr
    assert '--fixed-ip' in stderr
