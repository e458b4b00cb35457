"""Values compared as Neutron means them, against the real Neutron.

Neutron stores an allowed address pair exactly as a client sent it, so
pairs written by plain ``openstack port set`` in other notations must be
seen by ``pair add`` and removed by ``pair remove``. Pair MACs are the
port's own MAC or a VRRP MAC: ML2/OVN refuses any other.
"""

from __future__ import annotations

import pytest

from tests.functional.conftest import sorted_pairs

PS = ('port', 'security')
VRRP_MAC = '00:00:5e:00:01:0a'


def pairs_of(api, port_id):
    return sorted_pairs(api.port(port_id)['allowed_address_pairs'])


def one_sentence(stderr: str, *names: str) -> str:
    """The error is one line that names every value in ``names``."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    for name in names:
        assert name in lines[0], (name, stderr)
    return lines[0]


def test_pairs_stored_in_other_notations(cli, api, make_port):
    port = make_port()
    mac = port['mac_address']
    dashed = mac.upper().replace(':', '-')
    result = cli.run(
        'port', 'set', port['id'],
        '--allowed-address', f'ip-address=10.50.0.30,mac-address={dashed}',
        '--allowed-address', 'ip-address=10.9.0.1/24',
        '--allowed-address', 'ip-address=FD00:50:0:0:0:0:0:99',
        '--allowed-address',
        'ip-address=10.50.0.31,mac-address=00-00-5E-00-01-0A')
    assert result.returncode == 0, result.stderr
    stored = api.port(port['id'])
    # Neutron keeps every value as sent: what the tool must cope with.
    assert sorted_pairs(stored['allowed_address_pairs']) == sorted_pairs([
        {'ip_address': '10.50.0.30', 'mac_address': dashed},
        {'ip_address': '10.9.0.1/24', 'mac_address': mac},
        {'ip_address': 'FD00:50:0:0:0:0:0:99', 'mac_address': mac},
        {'ip_address': '10.50.0.31', 'mac_address': '00-00-5E-00-01-0A'},
    ])

    out = cli.ok(*PS, 'pair', 'add', port['id'],
                 '--allowed-address', 'ip-address=10.50.0.30',
                 '--allowed-address', f'ip-address=10.50.0.30/32,'
                                      f'mac-address={mac}',
                 '--allowed-address', 'ip-address=fd00:50::99',
                 '--allowed-address',
                 f'ip-address=10.50.0.31,mac-address={VRRP_MAC}')
    assert out['result'] == 'unchanged'
    assert len(out['changes']) == 4
    assert all('already on the port' in c for c in out['changes'])
    assert api.port(port['id'])['revision_number'] == \
        stored['revision_number']

    out = cli.ok(*PS, 'pair', 'remove', port['id'],
                 '--allowed-address', 'ip-address=10.50.0.30',
                 '--allowed-address', 'ip-address=10.9.0.1/24',
                 '--allowed-address', 'ip-address=fd00:0050::0099',
                 '--allowed-address',
                 'ip-address=10.50.0.31,mac-address=00005E00010A')
    assert out['result'] == 'updated'
    assert pairs_of(api, port['id']) == []


def test_remove_host_bits_cidr_by_what_pair_list_shows(cli, api, make_port):
    port = make_port('--allowed-address', 'ip-address=10.9.0.1/24')
    listed = cli.ok(*PS, 'pair', 'list', port['id'])
    assert listed == [{'ip_address': '10.9.0.1/24',
                       'mac_address': port['mac_address']}]
    cli.ok(*PS, 'pair', 'remove', port['id'],
           '--allowed-address', 'ip-address=10.9.0.1/24')
    assert pairs_of(api, port['id']) == []


def test_pair_add_host_bits_sends_the_network(cli, api, make_port):
    port = make_port()
    out = cli.ok(*PS, 'pair', 'add', port['id'],
                 '--allowed-address', 'ip-address=10.9.0.1/24')
    assert out['changes'] == [
        '10.9.0.1/24 has host bits: taken as its network 10.9.0.0/24 '
        '(stored as typed, it would let only 10.9.0.1 through on OVN and '
        'the whole network on the other back ends)',
        'added allowed address pair 10.9.0.0/24']
    assert pairs_of(api, port['id']) == [
        {'ip_address': '10.9.0.0/24', 'mac_address': port['mac_address']}]
    # Another host in the same network: the same network, already there.
    out = cli.ok(*PS, 'pair', 'add', port['id'],
                 '--allowed-address', 'ip-address=10.9.0.200/24')
    assert out['result'] == 'unchanged'


def test_network_form_beside_a_host_bits_pair(cli, api, make_port):
    # Another client stored 10.9.0.1/24, which OVN reads as the host
    # 10.9.0.1 only: the network is another pair.
    port = make_port('--allowed-address', 'ip-address=10.9.0.1/24')
    mac = port['mac_address']
    result = cli.run(*PS, 'pair', 'add', port['id'], '--allowed-address',
                     'ip-address=10.9.0.0/24', '-f', 'json')
    assert result.returncode == 0, result.stderr
    assert result.data['changes'] == [
        'added allowed address pair 10.9.0.0/24']
    assert (f"Port {port['id']} also has allowed address pair 10.9.0.1/24, "
            f"which OVN reads as the host 10.9.0.1 only") in result.stderr
    assert pairs_of(api, port['id']) == sorted_pairs([
        {'ip_address': '10.9.0.1/24', 'mac_address': mac},
        {'ip_address': '10.9.0.0/24', 'mac_address': mac}])
    # Each spelling removes exactly itself.
    cli.ok(*PS, 'pair', 'remove', port['id'],
           '--allowed-address', 'ip-address=10.9.0.0/24')
    assert pairs_of(api, port['id']) == [
        {'ip_address': '10.9.0.1/24', 'mac_address': mac}]
    stderr = cli.fails(*PS, 'pair', 'remove', port['id'],
                       '--allowed-address', 'ip-address=10.9.0.0/24')
    one_sentence(stderr, '10.9.0.0/24', 'give ip-address=10.9.0.1/24')
    assert pairs_of(api, port['id']) == [
        {'ip_address': '10.9.0.1/24', 'mac_address': mac}]


def test_pair_add_ipv6_canonical(cli, api, make_port):
    port = make_port()
    cli.ok(*PS, 'pair', 'add', port['id'],
           '--allowed-address', 'ip-address=FD00:50:0:0::A/128',
           '--allowed-address', f'ip-address=FD00:50::B,mac-address='
                                f'{port["mac_address"].upper()}')
    assert pairs_of(api, port['id']) == sorted_pairs([
        {'ip_address': 'fd00:50::a/128', 'mac_address': port['mac_address']},
        {'ip_address': 'fd00:50::b', 'mac_address': port['mac_address']},
    ])


@pytest.mark.parametrize('value, named', [
    ('ip-address=010.50.0.5', "'010.50.0.5' is not an accepted IP address"),
    ('ip-address=10.50.0.999', "'10.50.0.999' is not a valid IP address"),
    ('ip-address=10.50.0.0/33', "'10.50.0.0/33' is not a valid CIDR"),
    ('ip-address=10.50.0.5,mac-address=zz:zz:zz:zz:zz:zz',
     "'zz:zz:zz:zz:zz:zz' is not a valid MAC address"),
    ('ip-address=224.0.0.5', "IP address '224.0.0.5' is a multicast"),
])
def test_bad_pair_values(cli, api, make_port, value, named):
    port = make_port()
    for verb in ('add', 'remove'):
        stderr = cli.fails(*PS, 'pair', verb, port['id'],
                           '--allowed-address', value)
        one_sentence(stderr, named)
    after = api.port(port['id'])
    assert after['revision_number'] == port['revision_number']
    assert after['allowed_address_pairs'] == []


@pytest.mark.parametrize('args, sentence', [
    (('show', ''), "The port given is empty ('')"),
    (('show', '  '), "The port given is empty ('  ')"),
    (('pair', 'add', ' ', '--allowed-address', 'ip-address=10.50.0.40'),
     "The port given is empty (' ')"),
    (('pair', 'add', '{port}', '--network', ' ',
      '--allowed-address', 'ip-address=10.50.0.40'),
     "The network given is empty (' ')"),
    (('show', '{port}', '--network', ''),
     "The network given is empty ('')"),
    (('enable', '{port}', '--security-group', '\t'),
     "The security group given is empty ('\\t')"),
    (('disable', '\t'), "The port given is empty ('\\t')"),
    (('list', '--network', ' '), "The network given is empty (' ')"),
])
def test_blank_arguments(cli, api, make_port, args, sentence):
    port = make_port('--allowed-address', 'ip-address=10.50.0.41')
    args = tuple(a.replace('{port}', port['id']) for a in args)
    stderr = cli.fails(*PS, *args)
    assert sentence in stderr, stderr
    assert 'port-security extension' not in stderr
    after = api.port(port['id'])
    assert after['revision_number'] == port['revision_number']
    assert after['port_security_enabled'] is True


@pytest.mark.parametrize('option, what', [
    ('--network', 'network'), ('--project', 'project'),
    ('--server', 'server'),
])
def test_list_blank_filters(cli, option, what):
    for value in ('', ' '):
        stderr = cli.fails(*PS, 'list', option, value)
        one_sentence(stderr, f"The {what} given is empty ({value!r})")
