"""What osc-portsec changes, proven with real packets through ML2/OVN.

Each VM is a namespace on a Neutron port of the local cloud; OVN filters
from Neutron's own state. The commands run through the installed
``openstack`` binary, the packets are real frames (see packets.py).
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator

import pytest

from tests.functional.api import Api
from tests.functional import conftest
from tests.functional import packets
from tests.functional.packets import assert_drops
from tests.functional.packets import assert_passes
from tests.functional.packets import ping
from tests.functional.packets import udp_arrives

PS = ('port', 'security')
VRRP_MAC = '00:00:5e:00:01:0a'


@pytest.fixture(scope='module')
def dataplane(cli: conftest.Cli) -> None:
    why = packets.unavailable()
    if why:
        if os.environ.get('OSC_PORTSEC_REQUIRE_CLOUD') == '1':
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture(scope='module')
def lan(api: Api, api_admin: Api,
        dataplane: None) -> Iterator[dict[str, Any]]:
    """A network for VMs and a group that lets UDP and ICMP in."""
    name = conftest.unique('portsec-lan')
    # Addresses above .99 stay free for pairs and spoofing.
    net = api.create_network(name, '10.70.0.0/24', dhcp=False,
                             pool=('10.70.0.10', '10.70.0.99'))
    group = api.create_group(conftest.unique('open'))
    for proto in ('udp', 'icmp'):
        api.create_rule(group['id'], direction='ingress', protocol=proto,
                        remote_ip_prefix='0.0.0.0/0')
    yield {'id': net['id'], 'open': group['id']}
    api_admin.delete_network(net['id'])
    api.delete_group(group['id'])


@pytest.fixture
def vm(api: Api, api_admin: Api,
       lan: dict[str, Any]) -> Iterator[Callable[..., packets.Vm]]:
    """vm(*port_options): a port on the lan and a VM plugged into it."""
    made: list[packets.Vm] = []

    def make(*options: str) -> packets.Vm:
        if not options:
            options = ('--security-group', lan['open'])
        port = api.create_port(lan['id'], conftest.unique('vm-port'),
                               *options)
        try:
            made.append(packets.create_vm(port['id']))
        except BaseException:
            api.delete_port(port['id'])
            raise
        return made[-1]

    yield make
    for v in made:
        packets.delete_vm(v)
        api_admin.delete_port(v.port_id)


def test_ingress_without_a_group_is_blocked(cli, lan, vm):
    a = vm()
    b = vm('--no-security-group')
    assert_drops(udp_arrives, a, b)
    assert_drops(ping, a, b.ip)
    result = cli.run('port', 'set', '--security-group', lan['open'],
                     b.port_id)
    assert result.returncode == 0, result.stderr
    assert_passes(udp_arrives, a, b)
    assert_passes(ping, a, b.ip)


def test_only_the_ports_own_ip_and_mac_may_send(vm):
    a, b = vm(), vm()
    assert_passes(udp_arrives, a, b)
    assert_drops(udp_arrives, a, b, src_ip='10.70.0.200')
    assert_drops(udp_arrives, a, b, src_mac='fa:16:3e:00:00:99')
    assert_drops(udp_arrives, a, b, src_ip='192.168.77.5')


def test_pair_add_remove_clear_open_and_close_addresses(cli, vm):
    a, b = vm(), vm()
    assert_drops(udp_arrives, a, b, src_ip='10.70.0.200')
    cli.ok(*PS, 'pair', 'add', a.port_id,
           '--allowed-address', 'ip-address=10.70.0.200',
           '--allowed-address', 'ip-address=192.168.77.0/28')
    assert_passes(udp_arrives, a, b, src_ip='10.70.0.200')
    assert_passes(udp_arrives, a, b, src_ip='192.168.77.5')
    # Outside the CIDR, still dropped.
    assert_drops(udp_arrives, a, b, src_ip='192.168.77.17')

    cli.ok(*PS, 'pair', 'remove', a.port_id,
           '--allowed-address', 'ip-address=10.70.0.200')
    assert_drops(udp_arrives, a, b, src_ip='10.70.0.200')
    assert_passes(udp_arrives, a, b, src_ip='192.168.77.5')

    cli.ok(*PS, 'pair', 'clear', a.port_id)
    assert_drops(udp_arrives, a, b, src_ip='192.168.77.5')
    assert_passes(udp_arrives, a, b)


def test_disable_lets_a_forwarding_vm_pass_anything_restore_blocks(
        cli, api, lan, vm):
    a, fw, b = vm(), vm(), vm()
    fw.forward()
    cli.ok(*PS, 'pair', 'add', fw.port_id,
           '--allowed-address', 'ip-address=10.70.0.201')
    through_fw = {'dst_mac': fw.mac, 'dst_ip': b.ip}
    # Pass-through: a frame for b's IP sent to the firewall's MAC.
    assert_drops(udp_arrives, a, b, **through_fw)
    assert_drops(udp_arrives, fw, b, src_ip='10.70.0.250')

    [row] = cli.ok(*PS, 'disable', fw.port_id)
    assert row['result'] == 'updated'
    assert_passes(udp_arrives, a, b, **through_fw)
    assert_passes(udp_arrives, fw, b, src_ip='10.70.0.250')
    assert_passes(udp_arrives, fw, b, src_ip='172.16.5.5',
                  src_mac='02:00:00:00:00:01')

    cli.ok(*PS, 'enable', fw.port_id, '--restore')
    port = api.port(fw.port_id)
    assert port['port_security_enabled'] is True
    assert port['security_groups'] == [lan['open']]
    assert [p['ip_address'] for p in port['allowed_address_pairs']] == [
        '10.70.0.201']
    assert_drops(udp_arrives, a, b, **through_fw)
    assert_drops(udp_arrives, fw, b, src_ip='10.70.0.250')
    assert_passes(udp_arrives, fw, b, src_ip='10.70.0.201')


def test_vrrp_mac_pair_passes_with_that_mac_only(cli, api, vm):
    """OVN writes two entries for a pair with a VRRP MAC; one works.

    Neutron 29 on OVN accepts only VRRP MACs in a pair with another MAC.
    It writes a ``VRRPv3`` port-security entry that OVN 23.03 rejects
    ("invalid syntax" in its log) and a plain "<mac> <ip>" entry that is
    enforced: the pair's IP passes with the VRRP MAC, not with the port's.
    """
    a, b = vm(), vm()
    cli.ok(*PS, 'pair', 'add', a.port_id, '--allowed-address',
           f'ip-address=10.70.0.210,mac-address={VRRP_MAC.upper()}')
    pairs = api.port(a.port_id)['allowed_address_pairs']
    assert pairs == [{'ip_address': '10.70.0.210', 'mac_address': VRRP_MAC}]
    assert_passes(udp_arrives, a, b, src_ip='10.70.0.210', src_mac=VRRP_MAC)
    assert_drops(udp_arrives, a, b, src_ip='10.70.0.210')
    # The port's own address still works with its own MAC only.
    assert_passes(udp_arrives, a, b)
    assert_drops(udp_arrives, a, b, src_mac=VRRP_MAC)
