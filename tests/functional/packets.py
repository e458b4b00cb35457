"""Real packets between "VMs" of the local cloud's data plane.

A VM is a network namespace plugged into a Neutron port by
``tools/devcloud vm create``; OVN filters its traffic from Neutron's own
state. The checks here send real frames and say whether they arrived:

- ``udp_arrives``: one UDP datagram per try, built as a raw Ethernet frame
  so the source MAC and IP can be anything (a spoofed or an allowed address
  pair), received by a plain UDP socket in the destination VM.
- ``ping``: an ICMP echo and its reply (so stateful replies are covered).

Passes are retried for a few seconds (a change takes up to ~0.5 s to reach
the data plane); a drop is "nothing arrived in the whole window", checked
after the change has had time to settle. After every check the datapath
processes must still be alive: a crashed ovs-vswitchd would otherwise turn
every later case into a false "drop".
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import os
import pathlib
import socket
import struct
import subprocess
import sys
import time
import uuid
from typing import Any, Callable

from tests.functional import frames

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEVCLOUD = str(ROOT / 'tools' / 'devcloud')
STATE = pathlib.Path(os.environ.get('DEVCLOUD_DIR') or ROOT / '.devcloud')
SETTLE = 1.0       # seconds for an API change to reach the data plane
PASS_WINDOW = 6.0  # a pass must show within this many seconds
DROP_WINDOW = 2.0  # a drop is nothing arriving for this many seconds


def unavailable() -> str | None:
    """Why packet tests cannot run here, in one sentence, or None."""
    try:
        mode = (STATE / 'mode').read_text().strip()
    except OSError:
        return (f'the local cloud in {STATE} is not provisioned; start it '
                'with tools/devcloud start')
    if mode != 'dataplane':
        return (f'the local cloud in {STATE} is API only ({mode}), so no '
                'packet can be sent; provision it with the data plane '
                '(tools/devcloud destroy && tools/devcloud start as root)')
    dead = dead_daemons()
    if dead:
        return f'the data plane is not running ({", ".join(dead)} down)'
    return None


def _alive(pidfile: pathlib.Path) -> bool:
    try:
        pid = int(pidfile.read_text().strip())
        stat = pathlib.Path(f'/proc/{pid}/stat').read_text()
    except (OSError, ValueError):
        return False
    return stat.rsplit(')', 1)[1].split()[0] != 'Z'


def dead_daemons() -> list[str]:
    run = STATE / 'run'
    wanted = {'ovs-vswitchd': run / 'ovs' / 'ovs-vswitchd.pid',
              'ovn-controller': run / 'ovn' / 'ovn-controller.pid',
              'ovn-northd': run / 'ovn' / 'ovn-northd.pid'}
    return [name for name, pidfile in wanted.items() if not _alive(pidfile)]


def devcloud(*args: str, timeout: float = 120) -> str:
    proc = subprocess.run([DEVCLOUD, *args], capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f'tools/devcloud {" ".join(args)} failed: '
                             f'{proc.stderr.strip()}')
    return proc.stdout


@dataclasses.dataclass
class Vm:
    name: str
    namespace: str
    interface: str
    port_id: str
    mac: str
    addresses: list[str]

    @property
    def ip(self) -> str:
        return self.addresses[0].split('/')[0]

    def sh(self, *cmd: str, timeout: float = 30,
           check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(['ip', 'netns', 'exec', self.namespace, *cmd],
                              capture_output=True, text=True,
                              timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f'{" ".join(cmd)} in {self.name} failed: '
                                 f'{proc.stderr.strip()}')
        return proc

    def forward(self) -> None:
        """Let this VM route packets that are not for it (a firewall)."""
        self.sh('sysctl', '-qw', 'net.ipv4.ip_forward=1')


def create_vm(port_id: str, name: str | None = None) -> Vm:
    name = name or f'vm-{uuid.uuid4().hex[:8]}'
    devcloud('vm', 'create', name, '--port', port_id)
    rec = json.loads((STATE / 'vms' / f'{name}.json').read_text())
    return Vm(**rec)


def delete_vm(vm: Vm) -> None:
    subprocess.run([DEVCLOUD, 'vm', 'delete', vm.name], capture_output=True,
                   timeout=120)


def udp_frame(src_mac: str, dst_mac: str, src_ip: str, dst_ip: str,
              sport: int, dport: int, payload: bytes) -> bytes:
    """An Ethernet/IPv4/UDP frame (UDP checksum 0: none, valid on IPv4)."""
    udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    header = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp),
                         0, 0x4000, 64, socket.IPPROTO_UDP, 0,
                         ipaddress.IPv4Address(src_ip).packed,
                         ipaddress.IPv4Address(dst_ip).packed)
    header = (header[:10] + struct.pack('!H', frames.checksum(header))
              + header[12:])
    ether = (bytes.fromhex(dst_mac.replace(':', '')) +
             bytes.fromhex(src_mac.replace(':', '')) +
             struct.pack('!H', 0x0800))
    return ether + header + udp


# Runs in the destination VM: print "ready", then the source address of
# the first datagram carrying the token, within the window.
_RECEIVER = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', int(sys.argv[1])))
s.settimeout(float(sys.argv[3]))
print('ready', flush=True)
try:
    while True:
        data, addr = s.recvfrom(2048)
        if data == sys.argv[2].encode():
            print(addr[0], flush=True)
            break
except socket.timeout:
    pass
'''

# Runs in the source VM: send the frame every 0.2 s until killed.
_SENDER = r'''
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
frame = bytes.fromhex(sys.argv[2])
end = time.time() + float(sys.argv[3])
while time.time() < end:
    s.send(frame)
    time.sleep(0.2)
'''


def udp_arrives(src: Vm, dst: Vm, *, src_ip: str | None = None,
                src_mac: str | None = None, dst_ip: str | None = None,
                dst_mac: str | None = None, dport: int = 5001,
                window: float = PASS_WINDOW) -> bool:
    """Send UDP from src (any source MAC/IP) to dst; True if it arrived.

    The frame is addressed to dst_mac (default: dst's MAC), so a VM that
    forwards for others is reached by giving its MAC and dst's IP.
    """
    token = uuid.uuid4().hex
    receiver = subprocess.Popen(
        ['ip', 'netns', 'exec', dst.namespace, sys.executable, '-c',
         _RECEIVER, str(dport), token, str(window)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert receiver.stdout is not None
        ready = receiver.stdout.readline().strip()
        assert ready == 'ready', receiver.stderr.read() if receiver.stderr \
            else ready
        frame = udp_frame(src_mac or src.mac, dst_mac or dst.mac,
                          src_ip or src.ip, dst_ip or dst.ip,
                          40000 + dport % 20000, dport, token.encode())
        sender = subprocess.Popen(
            ['ip', 'netns', 'exec', src.namespace, sys.executable, '-c',
             _SENDER, src.interface, frame.hex(), str(window)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            out, _ = receiver.communicate(timeout=window + 30)
        finally:
            sender.kill()
            sender.communicate()
    finally:
        if receiver.poll() is None:
            receiver.kill()
            receiver.communicate()
    check_datapath()
    return bool(out.strip())


def ping(src: Vm, dst_ip: str, *, window: float = PASS_WINDOW,
         source: str | None = None) -> bool:
    """True if an ICMP echo from src to dst_ip got its reply in window."""
    end = time.monotonic() + window
    while True:
        args = ['ping', '-n', '-q', '-c', '1', '-W', '1']
        if source:
            args += ['-I', source]
        if src.sh(*args, dst_ip, check=False).returncode == 0:
            check_datapath()
            return True
        if time.monotonic() >= end:
            check_datapath()
            return False


def check_datapath() -> None:
    dead = dead_daemons()
    if dead:
        raise AssertionError(f'the data plane died during the test: '
                             f'{", ".join(dead)} no longer running')


def assert_passes(check: Callable[..., bool], *args: Any,
                  **kwargs: Any) -> None:
    assert check(*args, window=PASS_WINDOW, **kwargs), (
        f'expected {check.__name__} {kwargs} to pass, nothing arrived in '
        f'{PASS_WINDOW} s')


def assert_drops(check: Callable[..., bool], *args: Any,
                 **kwargs: Any) -> None:
    time.sleep(SETTLE)
    assert not check(*args, window=DROP_WINDOW, **kwargs), (
        f'expected {check.__name__} {kwargs} to be dropped, it arrived')
