"""The data plane's truth for the reach differential.

Frames are built with scapy and sent from a raw socket in the source VM's
namespace; a frame arrived when one carrying its token comes in on the
destination VM's interface. Which end dropped it is read from the
integration bridge's OpenFlow drop flows of the world's logical switch:
OVN's ingress pipeline (tables 8 to 39) is the pipeline of the port the
packet leaves, the egress pipeline (40 to 64) that of the port it enters.
Between probes, the conntrack zones of the two ports are flushed (only
theirs: other tests share the datapath).
"""

from __future__ import annotations

import ctypes
import os
import re
import select
import socket
import subprocess
import time
from typing import Any

from scapy.layers import inet
from scapy.layers import l2
from scapy import packet as scapy_packet

from tests.functional.frames import drain
from tests.functional.frames import seen
from tests.functional import packets

ETH_P_ALL = 0x0003
CLONE_NEWNET = 0x40000000
INGRESS_TABLES = range(8, 40)
EGRESS_TABLES = range(40, 65)
# The loopback check (a broadcast's copy back to its own sender) drops on
# every broadcast: not a verdict about any receiver.
LOOPBACK_TABLE = 41
_libc = ctypes.CDLL(None, use_errno=True)
_FLOW = re.compile(r'table=(\d+), n_packets=(\d+),.* priority=(\S+) '
                   r'actions=drop')


def run_dir() -> str:
    return str(packets.STATE / 'run')


def _sh(*cmd: str, timeout: float = 30) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f'{" ".join(cmd)}: {proc.stderr.strip()}')
    return proc.stdout


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f'setns: {os.strerror(err)}')


def vm_socket(vm: packets.Vm) -> socket.socket:
    """A raw packet socket on the VM's interface, inside its namespace."""
    own = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
    target = os.open(f'/run/netns/{vm.namespace}', os.O_RDONLY)
    try:
        _setns(target)
        try:
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                 socket.htons(ETH_P_ALL))
            sock.bind((vm.interface, ETH_P_ALL))
        finally:
            _setns(own)
    finally:
        os.close(own)
        os.close(target)
    sock.setblocking(False)
    return sock


class Ovn:
    """What the differential reads of the local cloud's OVN and OVS."""

    def __init__(self) -> None:
        run = run_dir()
        self.nb = f'unix:{run}/ovn/ovnnb_db.sock'
        self.sb = f'unix:{run}/ovn/ovnsb_db.sock'
        self.vswitchd = f'{run}/ovs/ovs-vswitchd.ctl'
        self.ovsdb = f'unix:{run}/ovs/db.sock'
        mgmt = [n for n in os.listdir(f'{run}/ovs') if n.endswith('.mgmt')]
        self.bridge = mgmt[0][:-len('.mgmt')]
        self.openflow = f'unix:{run}/ovs/{mgmt[0]}'

    def sync(self) -> None:
        """Return once the chassis has programmed the northbound state."""
        _sh('ovn-nbctl', f'--db={self.nb}', '--timeout=60', '--wait=hv',
            'sync', timeout=70)

    def datapath_key(self, network_id: str) -> int:
        out = _sh('ovn-sbctl', f'--db={self.sb}', '--bare',
                  '--columns=tunnel_key', 'find', 'datapath_binding',
                  f'external_ids:logical-switch={network_id}')
        return int(out.split()[0])

    def port_keys(self, port_ids: list[str]) -> dict[str, int]:
        out = _sh('ovn-sbctl', f'--db={self.sb}', '--bare', '--format=csv',
                  '--columns=logical_port,tunnel_key', 'list',
                  'port_binding')
        keys = dict(line.split(',') for line in out.split() if ',' in line)
        return {p: int(keys[p]) for p in port_ids}

    def zones(self, port_ids: list[str]) -> dict[str, str]:
        out = _sh('ovs-vsctl', f'--db={self.ovsdb}', 'get', 'bridge',
                  self.bridge, 'external_ids')
        found = dict(re.findall(r'ct-zone-([0-9a-f-]{36})="(\d+)"', out))
        return {p: found[p] for p in port_ids if p in found}

    def flush(self, zones: list[str]) -> None:
        for zone in zones:
            _sh('ovs-appctl', '-t', self.vswitchd, 'dpctl/flush-conntrack',
                f'zone={zone}')

    def drops(self, datapath: int) -> dict[tuple[int, str], int]:
        """Packet counts of the switch's drop flows: (table, match)."""
        out = _sh('ovs-ofctl', 'dump-flows', self.openflow)
        mark = f'metadata={hex(datapath)}'
        found = {}
        for line in out.splitlines():
            hit = _FLOW.search(line)
            if hit and mark in hit.group(3).split(','):
                found[(int(hit.group(1)), hit.group(3))] = int(hit.group(2))
        return found

    def trace(self, command: str, port_id: str) -> bool:
        """Whether the reach's ovn-trace command outputs to ``port_id``."""
        import shlex

        args = shlex.split(command)
        assert args[0] == 'ovn-trace', command
        out = _sh(args[0], f'--db={self.sb}', '--minimal',
                  '--no-friendly-names', *args[1:])
        return f'output("{port_id}")' in out


def moved(before: dict, after: dict) -> list[tuple[int, str]]:
    return [k for k, n in after.items() if n > before.get(k, 0)]


def side_of(flow: tuple[int, str], keys: dict[str, int]) -> str | None:
    """Which end a drop flow belongs to; None for one that says nothing.

    ``keys`` maps 'source' and 'destination' to their ports' tunnel keys;
    a flow of another port (a broadcast's other receivers) says nothing.
    """
    table, match = flow
    if table == LOOPBACK_TABLE:
        return None
    if table in INGRESS_TABLES:
        inport = re.search(r'reg14=(0x[0-9a-f]+)', match)
        if inport and int(inport.group(1), 16) != keys['source']:
            return None
        return 'source'
    if table in EGRESS_TABLES:
        outport = re.search(r'reg15=(0x[0-9a-f]+)', match)
        if outport and int(outport.group(1), 16) != keys['destination']:
            return None
        return 'destination'
    return None


def l4(protocol: str, port: int | None, sport: int,
       icmp: tuple[int, int] | None, token: bytes,
       reply_to: tuple[str, str] | None = None) -> scapy_packet.Packet:
    """The layer 4 of a probe, carrying ``token``."""
    raw = scapy_packet.Raw(token)
    if protocol == 'tcp':
        return inet.TCP(sport=sport, dport=port or 9, flags='S',
                        seq=int.from_bytes(token[:4], 'big')) / raw
    if protocol == 'udp':
        return inet.UDP(sport=sport, dport=port or 9) / raw
    if protocol == 'icmp':
        itype, code = icmp or (8, 0)
        if itype in (3, 11):
            # An error quotes the packet it answers: one the receiver sent.
            src, dst = reply_to or ('10.77.0.1', '10.77.0.2')
            return (inet.ICMP(type=itype, code=code)
                    / inet.IPerror(src=src, dst=dst)
                    / inet.UDPerror(sport=53, dport=sport) / raw)
        return inet.ICMP(type=itype, code=code, id=sport, seq=1) / raw
    return raw


def frame(macs: tuple[str, str], ips: tuple[str, str], protocol: str,
          payload: scapy_packet.Packet) -> bytes:
    number = {'tcp': 6, 'udp': 17, 'icmp': 1}.get(protocol)
    ip = inet.IP(src=ips[0], dst=ips[1], ttl=255 if protocol == '112'
                 else 64, proto=number or int(protocol))
    return bytes(l2.Ether(src=macs[0], dst=macs[1]) / ip / payload)


def send(out: socket.socket, into: socket.socket, raw: bytes, token: bytes,
         dropped: Any, window: float = 1.5) -> bool:
    """Send ``raw``; whether it arrived.

    False once ``dropped()`` (a drop counted) or after ``window`` seconds
    with neither.
    A frame that passes arrives within milliseconds here; the drop flows'
    counters move within a few tens of milliseconds for a new flow, and
    within a revalidator round (0.5 s) for one the datapath has cached.
    """
    drain(into)
    out.send(raw)
    end = time.monotonic() + window
    while time.monotonic() < end:
        ready, _, _ = select.select([into], [], [], 0.02)
        if ready and seen(into, token):
            return True
        if dropped():
            # A drop counted: a last look for the frame, then done.
            ready, _, _ = select.select([into], [], [], 0.02)
            return bool(ready) and seen(into, token)
    return False


def fresh() -> bytes:
    """A token no other frame carries."""
    return os.urandom(16)
