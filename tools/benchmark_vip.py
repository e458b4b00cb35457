#!/usr/bin/env python3
"""Benchmark ``openstack port security vip`` on the local cloud.

Neutron requests (counted from Neutron's access log, so they are the
requests actually sent) of ``vip create`` with M members (target at most
2M + 5) and of ``vip show`` (target at most 4 whatever M), and the wall
time of ``vip create`` with 2 members next to the plain ``openstack``
commands that do the same: port create, port set per member (the pair),
security group rule create, port set per member (the group). Prints
reStructuredText tables (``--output`` writes them to a file too).

    .venv/bin/python tools/benchmark_vip.py [--members 2,4,8] [--runs 3]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid

import harness

VIP = ('port', 'security', 'vip')


class Lab:
    """A network, a group and member ports for one measurement."""

    def __init__(self, cloud: harness.Cloud, members: int, third: int):
        self.cloud = cloud
        self.tag = uuid.uuid4().hex[:6]
        self.net = cloud.json('network', 'create', f'bench-vip-{self.tag}')
        cloud.run('subnet', 'create', '--network', self.net['id'],
                  '--subnet-range', f'10.72.{third}.0/24',
                  f'bench-vip-{self.tag}')
        self.group = cloud.json('security', 'group', 'create',
                                f'bench-vip-{self.tag}')
        self.ports = [cloud.json('port', 'create', '--network',
                                 self.net['id'], f'bench-vip-{self.tag}-{i}')
                      for i in range(members)]
        self.address = f'10.72.{third}.200'

    def remove(self) -> None:
        run = self.cloud.run
        for port in self.cloud.json('port', 'list', '--network',
                                    self.net['id']):
            run('port', 'delete', port['ID'], check=False)
        run('security', 'group', 'delete', self.group['id'], check=False)
        run('network', 'delete', self.net['id'], check=False)


def create_args(lab: Lab, name: str) -> list[str]:
    args = [*VIP, 'create', name, '--network', lab.net['id'],
            '--ip-address', lab.address, '--security-group',
            lab.group['id']]
    for port in lab.ports:
        args += ['--member', port['id']]
    return args


def requests(cloud: harness.Cloud, sizes: list[int]) -> str:
    rows = []
    for i, members in enumerate(sizes):
        lab = Lab(cloud, members, 10 + i)
        try:
            name = f'bench-vip-{lab.tag}'
            created, _ = cloud.requests(*create_args(lab, name))
            shown, _ = cloud.requests(*VIP, 'show', name)
            deleted, _ = cloud.requests(*VIP, 'delete', name)
            rows.append([members, f'{len(created)} (<= {2 * members + 5})',
                         f'{len(shown)} (<= 4)', len(deleted),
                         harness.shape(shown)])
        finally:
            lab.remove()
    return harness.table(
        ['members M', 'vip create (target)', 'vip show (target)',
         'vip delete', 'requests of vip show'], rows)


def plain(cloud: harness.Cloud, lab: Lab, name: str) -> None:
    """The plain ``openstack`` sequence that makes the same VIP."""
    net, group = lab.net['id'], lab.group['id']
    cloud.run('port', 'create', '--network', net, '--fixed-ip',
              f'ip-address={lab.address}', name)
    for port in lab.ports:
        cloud.run('port', 'set', '--allowed-address',
                  f'ip-address={lab.address}', port['id'])
    cloud.run('security', 'group', 'rule', 'create', '--ingress',
              '--protocol', 'vrrp', '--remote-group', group, group)
    for port in lab.ports:
        cloud.run('port', 'set', '--security-group', group, port['id'])


def undo_plain(cloud: harness.Cloud, lab: Lab, name: str) -> None:
    cloud.run('port', 'delete', name)
    for port in lab.ports:
        cloud.run('port', 'unset', '--allowed-address',
                  f'ip-address={lab.address},'
                  f'mac-address={port["mac_address"]}',
                  '--security-group', lab.group['id'], port['id'])
    for rule in cloud.json('security', 'group', 'rule', 'list',
                           lab.group['id'], '--protocol', 'vrrp'):
        cloud.run('security', 'group', 'rule', 'delete', rule['ID'])


def wall_time(cloud: harness.Cloud, runs: int) -> str:
    lab = Lab(cloud, 2, 20)
    tool: list[float] = []
    by_hand: list[float] = []
    try:
        for _ in range(runs):
            name = f'bench-vip-{lab.tag}'
            start = time.perf_counter()
            cloud.run(*create_args(lab, name))
            tool.append(time.perf_counter() - start)
            cloud.run(*VIP, 'delete', name)
            for port in lab.ports:
                cloud.run('port', 'unset', '--security-group',
                          lab.group['id'], port['id'])
            start = time.perf_counter()
            plain(cloud, lab, name)
            by_hand.append(time.perf_counter() - start)
            undo_plain(cloud, lab, name)
    finally:
        lab.remove()

    def cell(times: list[float]) -> str:
        return (f'{statistics.median(times):.1f} s '
                f'(min {min(times):.1f}, max {max(times):.1f})')

    return harness.table(
        ['2 members, --security-group', 'commands', f'wall time, median of '
                                                    f'{runs}'],
        [['openstack port security vip create', 1, cell(tool)],
         ['port create, port set x2, security group rule create, '
          'port set x2', 6, cell(by_hand)]])


def main() -> int:
    parser = harness.parser(__doc__, runs=3,
                            runs_help='wall-time runs (0: requests only)')
    parser.add_argument('--members', default='2,4,8')
    args = parser.parse_args()
    sizes = [int(m) for m in args.members.split(',')]
    harness.ensure_cloud()
    with tempfile.TemporaryDirectory() as workdir:
        cloud = harness.Cloud(workdir)
        # Neutron's access log counts every client of the cloud: nothing
        # else may use it while this runs.
        out = [requests(cloud, sizes)]
        if args.runs > 0:
            out += ['', wall_time(cloud, args.runs)]
    harness.emit('\n'.join(out), args.output)
    return 0


if __name__ == '__main__':
    sys.exit(main())
