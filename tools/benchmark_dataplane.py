#!/usr/bin/env python3
"""How long an API change takes to reach the packets, and what the cloud costs.

Runs against the local data-plane cloud (tools/devcloud, as root). Two VMs
on a fresh network: A streams UDP datagrams to B every 10 ms from an
address that only an allowed address pair on A's port lets through. The
benchmark then adds and removes that pair through the Neutron API, in
turn, and for each change measures the time from the API call's return
to the first datagram that arrives (add) or the last one (remove).

Usage (from the repository, with the project's venv):
    .venv/bin/python tools/benchmark_dataplane.py [--runs 20]

``--runs`` is the number of changes (``--changes`` is the same option).
Prints, as JSON, the median and maximum per kind of change and over all of
them, and the memory (sum of RSS) of the cloud's processes (``--output``
writes them to a file too). Everything it creates is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from typing import Any
import uuid

import harness
from tests.functional import packets

PAIR_IP = '10.71.0.200'

_STREAM_RECEIVER = r'''
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 5100))
print('ready', flush=True)
while True:
    data, addr = s.recvfrom(2048)
    print('%.6f %s' % (time.time(), data.decode()), flush=True)
'''

_STREAM_SENDER = r'''
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
head = bytes.fromhex(sys.argv[2])
while True:
    s.send(head)
    time.sleep(0.01)
'''


def rss_mib() -> float:
    """Sum of RSS of the cloud's processes (found by the state dir)."""
    state = os.path.realpath(packets.STATE).encode()
    total = 0
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/cmdline', 'rb') as f:
                cmdline = f.read()
            cwd = os.readlink(f'/proc/{entry}/cwd').encode()
            with open(f'/proc/{entry}/status') as f:
                status = f.read()
        except OSError:
            continue
        if state in cmdline or cwd == state:
            for line in status.splitlines():
                if line.startswith('VmRSS:'):
                    total += int(line.split()[1])
    return total / 1024


# Time from the API call's return (or, "from request", from sending it)
# to the first datagram that passes (add) or the last one that passed
# (remove); 0 when the data plane acted before the call returned.
# "api call": how long the PUT itself took.
KINDS = ('pair add', 'pair remove', 'all', 'pair add from request',
         'pair remove from request', 'all from request', 'api call')


def summary(samples: list[tuple[str, float]]) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for kind in KINDS:
        values = [t for k, t in samples if k == kind or (
            kind.startswith('all') and k.startswith('pair') and
            k.endswith('from request') == kind.endswith('from request'))]
        report[kind] = {'n': len(values),
                        'median_s': round(statistics.median(values), 3),
                        'max_s': round(max(values), 3)}
    report['rss_mib'] = round(rss_mib(), 1)
    return report


def lab(conn: Any, changes: int) -> list[tuple[str, float]]:
    """Two VMs on a fresh network, the changes measured, all removed."""
    tag = uuid.uuid4().hex[:6]
    net = conn.network.create_network(name=f'bench-{tag}')
    made: list[packets.Vm] = []
    group = None
    try:
        conn.network.create_subnet(
            network_id=net.id, ip_version=4, cidr='10.71.0.0/24',
            enable_dhcp=False,
            allocation_pools=[{'start': '10.71.0.10', 'end': '10.71.0.99'}])
        group = conn.network.create_security_group(name=f'bench-{tag}')
        conn.network.create_security_group_rule(
            security_group_id=group.id, direction='ingress',
            ethertype='IPv4', protocol='udp', remote_ip_prefix='0.0.0.0/0')
        ports = [conn.network.create_port(network_id=net.id,
                                          security_group_ids=[group.id])
                 for _ in range(2)]
        a, b = [packets.create_vm(p.id) for p in ports]
        made += [a, b]
        return measure(conn, a, b, changes)
    finally:
        for vm in made:
            packets.delete_vm(vm)
        for port in conn.network.ports(network_id=net.id):
            conn.network.delete_port(port)
        conn.network.delete_network(net)
        if group is not None:
            conn.network.delete_security_group(group)


def main() -> int:
    parser = harness.parser(__doc__, runs=20,
                            runs_help='API changes to measure')
    parser.add_argument('--changes', dest='runs', type=int, metavar='<n>',
                        default=argparse.SUPPRESS, help='the same as --runs')
    args = parser.parse_args()
    harness.ensure_cloud()
    why = packets.unavailable()
    if why:
        print(f'benchmark_dataplane: {why}', file=sys.stderr)
        return 1
    os.environ.setdefault('OS_CLIENT_CONFIG_FILE',
                          str(packets.STATE / 'clouds.yaml'))
    import openstack
    samples = lab(openstack.connect(cloud='demo'), args.runs)
    harness.emit(json.dumps(summary(samples), indent=2), args.output)
    return 0


def stream(a: packets.Vm, b: packets.Vm) -> tuple[Any, Any, list[float]]:
    """A sends to B from the pair's address every 10 ms; B's arrivals."""
    receiver = subprocess.Popen(
        ['ip', 'netns', 'exec', b.namespace, sys.executable, '-c',
         _STREAM_RECEIVER], stdout=subprocess.PIPE, text=True)
    assert receiver.stdout is not None
    assert receiver.stdout.readline().strip() == 'ready'
    frame = packets.udp_frame(a.mac, b.mac, PAIR_IP, b.ip, 5100, 5100,
                              b'x')
    sender = subprocess.Popen(
        ['ip', 'netns', 'exec', a.namespace, sys.executable, '-c',
         _STREAM_SENDER, a.interface, frame.hex()])
    arrivals: list[float] = []

    def read() -> None:
        assert receiver.stdout is not None
        for line in receiver.stdout:
            arrivals.append(float(line.split()[0]))

    threading.Thread(target=read, daemon=True).start()
    return receiver, sender, arrivals


def measure(conn: Any, a: packets.Vm, b: packets.Vm,
            changes: int) -> list[tuple[str, float]]:
    receiver, sender, arrivals = stream(a, b)
    marks: list[tuple[str, float, float]] = []
    calls: list[float] = []
    try:
        time.sleep(1)
        for i in range(changes):
            add = i % 2 == 0
            pairs = [{'ip_address': PAIR_IP}] if add else []
            sent = time.time()
            conn.network.update_port(a.port_id,
                                     allowed_address_pairs=pairs)
            done = time.time()
            calls.append(done - sent)
            marks.append(('pair add' if add else 'pair remove', sent, done))
            time.sleep(3)
    finally:
        sender.kill()
        receiver.kill()
        sender.wait()
        receiver.wait()
    return seen_after(marks, arrivals) + [('api call', t) for t in calls]


def seen_after(marks: list[tuple[str, float, float]],
               arrivals: list[float]) -> list[tuple[str, float]]:
    """When each change showed in the datagrams that arrived."""
    samples = []
    for n, (kind, sent, done) in enumerate(marks):
        # Until the next request is sent (it may act before it returns).
        until = marks[n + 1][1] if n + 1 < len(marks) else done + 3
        since = marks[n - 1][2] + 2 if n else sent - 3
        window = [t for t in arrivals if since <= t < until]
        if kind == 'pair add':
            after = [t for t in window if t >= sent]
            if not after:
                raise SystemExit(f'change {n} ({kind}) never took effect')
            seen = after[0]
        else:
            late = [t - done for t in window if t > done + 2]
            if late:
                raise SystemExit(f'change {n} ({kind}): {len(late)} '
                                 f'datagrams still arrived 2-'
                                 f'{max(late):.1f} s after it')
            seen = max(window) if window else sent
        samples.append((kind, max(0.0, seen - done)))
        samples.append((kind + ' from request', max(0.0, seen - sent)))
    return samples


if __name__ == '__main__':
    sys.exit(main())
