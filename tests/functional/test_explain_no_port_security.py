"""explain on a cloud that lost its port-security extension, with packets.

A port made while the extension was loaded keeps its port security and
drop group in OVN after the extension is turned off; a port made after has
neither (Neutron writes none for a port without the flag). Neutron's API
shows both the same way, without ``port_security_enabled``. This test
makes one port on the default profile, restarts Neutron with the
``no-port-security`` profile, makes a second port in the same group, sends
real packets to and from both, and checks that ``explain`` (the installed
binary) never gives a verdict the packet contradicts: it says ``unknown``
where the two kinds of port differ, and the verdict where they agree.

It restarts Neutron twice, so it runs alone (``-m alone``), on the default
profile, and puts the default profile back.
"""

from __future__ import annotations

import subprocess
from typing import Any, Iterator

import openstack
import openstack.config
import openstack.connection
import pytest

from tests.functional import conftest
from tests.functional import explain_dataplane
from tests.functional import frames
from tests.functional import packets

pytestmark = pytest.mark.alone

PS = ('port', 'security')
FOREIGN = '10.71.0.200'


def devcloud(*args: str) -> None:
    subprocess.run([conftest.DEVCLOUD, *args], check=True,
                   capture_output=True, text=True, timeout=300)


def profile() -> str:
    status = subprocess.run([conftest.DEVCLOUD, 'status'],
                            capture_output=True, text=True, timeout=60)
    for line in status.stdout.splitlines():
        if line.startswith('profile: '):
            return line.split()[1]
    return 'unknown'


class Lab:
    """A network, a group that lets SSH in, peer B and the ports under test."""

    def __init__(self, conn: openstack.connection.Connection):
        self.conn = conn
        self.vms: dict[str, packets.Vm] = {}
        self.socks: dict[str, Any] = {}
        self.ports: dict[str, Any] = {}
        self.net: Any = None
        self.group: Any = None

    def build(self) -> None:
        """The network, the group and peer B; close() removes them."""
        conn = self.conn
        self.group = conn.network.create_security_group(
            name=conftest.unique('nops-ssh'))
        conn.network.create_security_group_rule(
            security_group_id=self.group.id, direction='ingress',
            ethertype='IPv4', protocol='tcp', port_range_min=22,
            port_range_max=22)
        self.net = conn.network.create_network(name=conftest.unique('nops'))
        self.subnet = conn.network.create_subnet(
            network_id=self.net.id, ip_version=4, cidr='10.71.0.0/24')
        self.add('B', '10.71.0.11', is_port_security_enabled=False,
                 security_group_ids=[])

    def add(self, name: str, ip: str, **attrs: Any) -> None:
        """A port and a VM behind it; close() removes what was made."""
        attrs.setdefault('security_group_ids', [self.group.id])
        port = self.conn.network.create_port(
            network_id=self.net.id, name=conftest.unique(f'nops-{name}'),
            fixed_ips=[{'subnet_id': self.subnet.id, 'ip_address': ip}],
            **attrs)
        self.ports[name] = port
        self.vms[name] = packets.create_vm(
            port.id, conftest.unique(f'nops{name.lower()}'))
        self.socks[name] = frames.netns_socket(
            self.vms[name].namespace, self.vms[name].interface)

    def arrives(self, sender: str, receiver: str, protocol: str, port: int,
                src_ip: str | None = None) -> bool:
        src, dst = self.vms[sender], self.vms[receiver]
        spec = frames.Spec(src.mac, dst.mac, src_ip or src.ip, dst.ip,
                           protocol, port)
        token = frames.fresh_token()
        sent = [frames.frame(spec, token, 41000 + n) for n in range(4)]
        found = frames.arrives(self.socks[sender], sent,
                               [(self.socks[receiver], token)], 3.0)
        packets.check_datapath()
        return found

    def close(self) -> None:
        for sock in self.socks.values():
            sock.close()
        for vm in self.vms.values():
            packets.delete_vm(vm)
        for port in self.ports.values():
            self.conn.network.delete_port(port.id, ignore_missing=True)
        if self.net is not None:
            for port in self.conn.network.ports(network_id=self.net.id):
                self.conn.network.delete_port(port.id, ignore_missing=True)
            self.conn.network.delete_network(self.net.id,
                                             ignore_missing=True)
        if self.group is not None:
            self.conn.network.delete_security_group(self.group.id,
                                                    ignore_missing=True)


@pytest.fixture
def lab(cli: conftest.Cli) -> Iterator[Lab]:
    why = packets.unavailable()
    if why:
        pytest.skip(why)
    if profile() != 'default':
        pytest.skip('needs the default profile to make a port before the '
                    'switch')
    config = openstack.config.OpenStackConfig(
        config_files=[conftest.clouds_yaml()])
    made = Lab(openstack.connection.Connection(
        config=config.get_one(cloud='demo')))
    try:
        made.build()
        yield made
    finally:
        try:
            made.close()
        finally:
            devcloud('start', '--profile', 'default')


def _explain(cli: conftest.Cli, lab: Lab, name: str,
             *args: str) -> dict[str, Any]:
    return dict(cli.ok(*PS, 'explain', lab.ports[name].id, *args,
                       '--backend', 'ovn'))


def test_old_ports_stay_filtered_and_explain_says_it_cannot_know(
        cli: conftest.Cli, lab: Lab) -> None:
    lab.add('OLD', '10.71.0.20')
    devcloud('start', '--profile', 'no-port-security')
    lab.add('NEW', '10.71.0.21')
    explain_dataplane.wait_for_chassis()
    seen: dict[tuple[str, str], bool] = {}
    said: dict[tuple[str, str], dict[str, Any]] = {}
    for name in ('OLD', 'NEW'):
        ip = lab.vms[name].ip
        seen[name, 'no rule'] = lab.arrives('B', name, 'udp', 9)
        said[name, 'no rule'] = _explain(
            cli, lab, name, '--ingress', '--protocol', 'udp', '--port', '9',
            '--remote-ip', '10.71.0.11', '--local-ip', ip)
        seen[name, 'spoofed'] = lab.arrives(name, 'B', 'udp', 9, FOREIGN)
        said[name, 'spoofed'] = _explain(
            cli, lab, name, '--egress', '--protocol', 'udp', '--port', '9',
            '--remote-ip', '10.71.0.11', '--local-ip', FOREIGN)
        seen[name, 'ssh'] = lab.arrives('B', name, 'tcp', 22)
        said[name, 'ssh'] = _explain(
            cli, lab, name, '--ingress', '--protocol', 'tcp', '--port', '22',
            '--remote-ip', '10.71.0.11', '--local-ip', ip)
    # The data plane: the old port is still filtered, the new one is not.
    assert seen == {
        ('OLD', 'no rule'): False, ('OLD', 'spoofed'): False,
        ('OLD', 'ssh'): True, ('NEW', 'no rule'): True,
        ('NEW', 'spoofed'): True, ('NEW', 'ssh'): True}
    # explain: no confident verdict where the two differ...
    for key in seen:
        answer = said[key]
        assert answer['port']['port_security_enabled'] is None, answer
        if key[1] == 'ssh':
            assert (answer['verdict'], answer['decided_by']) == (
                'pass', 'security_group_rule'), (key, answer)
        else:
            assert (answer['verdict'], answer['decided_by'], answer['fix']) \
                == ('unknown', 'port_security_unknown', []), (key, answer)
            assert 'Still filtered: drop' in answer['reason']
            assert 'Not filtered: pass' in answer['reason']
