#!/usr/bin/env python3
"""Benchmark ``openstack port security reach`` and ``matrix``.

Three parts. The evaluation of a matrix of 200 ports (39,800 ordered
pairs; pure code, no I/O; target under 2 s). The Neutron requests reach
and matrix send, counted from the local cloud's access log (target at most
6 whatever the number of groups, rules and ports). And the differential at
nightly size: ``reach --backend ovn`` against real packets over seeded
worlds (tests/functional/reach_differential.py), 3,000 probes by default.
Prints reStructuredText tables.

    .venv/bin/python tools/benchmark_reach.py [--runs 5] [--no-cloud]
        [--seeds 1,2,...] [--probes 300] [--no-differential]
        [--no-requests] [--no-evaluation] [--output <file>]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from typing import Any
import uuid

import harness
from osc_portsec import columns
from osc_portsec.explain import facts
from osc_portsec.reach import flow
from osc_portsec.reach import matrix
from tests.functional import api as _api
from tests.functional import explain_dataplane
from tests.functional import reach_differential


def _rules(rnd: random.Random, group: str,
           groups: list[str]) -> tuple[facts.Rule, ...]:
    """12 random rules, mostly ingress.

    TCP and UDP ports, ICMP, any protocol; prefixes, remote groups, an
    address group.
    """
    found = []
    for n in range(12):
        body: dict[str, Any] = {
            'id': f'{group}-r{n}', 'security_group_id': group,
            'direction': rnd.choice(('ingress', 'ingress', 'egress')),
            'ethertype': 'IPv4',
            'protocol': rnd.choice(('tcp', 'udp', 'icmp', None))}
        if body['protocol'] in ('tcp', 'udp'):
            low = rnd.choice((22, 80, 1000, 5432))
            body.update(port_range_min=low,
                        port_range_max=low + rnd.choice((0, 10)))
        draw = rnd.random()
        if draw < 0.3:
            body['remote_group_id'] = rnd.choice(groups)
        elif draw < 0.6:
            body['remote_ip_prefix'] = rnd.choice((
                '10.0.0.0/24', '10.0.1.0/28', f'10.0.0.{rnd.randint(1, 200)}'
                f'/32', '10.0.0.0/16'))
        elif draw < 0.7:
            body['remote_address_group_id'] = 'ag-1'
        found.append(facts.rule_from_body(body))
    return tuple(found)


def world(count: int, seed: int = 1) -> list[flow.End]:
    """``count`` ports in 5 groups (one stateless) of 12 rules each.

    Every tenth port has a pair; every port is a member of the remote
    groups.
    """
    rnd = random.Random(seed)
    ids = [f'sg-{g}' for g in range(5)]
    groups = {g: facts.Group(g, g, g != ids[-1], _rules(rnd, g, ids))
              for g in ids}
    ports = []
    for n in range(count):
        chosen = tuple(sorted(rnd.sample(ids[:4], rnd.randint(1, 2))))
        if n % 7 == 0:
            chosen = (ids[-1],)
        pairs = (facts.Pair(f'10.0.9.{n % 250}', 'fa:16:3e:00:00:01'),) if (
            n % 10 == 0) else ()
        ports.append(facts.Port(
            f'p{n}', f'fa:16:3e:00:{n // 256:02x}:{n % 256:02x}',
            (f'10.0.{n // 250}.{n % 250 + 1}',), pairs, f'port-{n}',
            security_group_ids=chosen))
    members = tuple(facts.Member(p.id, p.security_group_ids, p.fixed_ips,
                                 tuple(x.ip_address for x in p.pairs))
                    for p in ports)
    return [flow.End(p.name, facts.Facts(
        p, tuple(groups[g] for g in p.security_group_ids), members,
        {'ag-1': ('10.0.0.0/26',)}), 'net', True) for p in ports]


def evaluation(runs: int, count: int = 200) -> str:
    ends = world(count)
    asked = flow.wanted('tcp', 22)
    rows = []
    for label, shown in (('rows (the evaluation)', None),
                         ('rows formatted for the table', True)):
        wall: list[float] = []
        cpu: list[float] = []
        verdicts: dict[str, int] = {}
        for _ in range(runs):
            w, c = time.perf_counter(), time.process_time()
            found = list(matrix.rows(ends, asked, None))
            if shown:
                for row in found:
                    columns.row(row, columns.MATRIX.table)
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
        for row in found:
            verdicts[row['verdict']] = verdicts.get(row['verdict'], 0) + 1
        rows.append([label, f'{len(found):,}',
                     f'{statistics.median(wall):.2f}',
                     f'{statistics.median(cpu):.2f}',
                     ', '.join(f'{v} {k}' for k, v in sorted(
                         verdicts.items()))])
    return harness.table([f'{count} ports', 'pairs', 'median wall s',
                          'median CPU s', 'verdicts'], rows)


def _setup(cloud: harness.Cloud, tag: str) -> dict:
    """A network with 32 ports in 3 groups of 10 rules.

    The rules name remote groups and an address group; two of the ports
    are reach's ends.
    """
    made: dict = {'net': cloud.json('network', 'create', f'bench-re-{tag}')}
    cloud.json('subnet', 'create', '--network', made['net']['id'],
               '--subnet-range', '10.72.0.0/24', f'bench-re-{tag}')
    ag = cloud.json('address', 'group', 'create', '--address',
                    '10.72.0.0/28', f'bench-re-{tag}')
    made['ag'] = ag['id']
    made['groups'] = [cloud.json('security', 'group', 'create',
                                 f'bench-re-{tag}-{g}') for g in range(3)]
    for g, group in enumerate(made['groups']):
        for n in range(10):
            extra = (['--remote-group', made['groups'][(g + 1) % 3]['id']]
                     if n % 3 == 0 else ['--remote-address-group', ag['id']]
                     if n == 1 else [])
            cloud.run('security', 'group', 'rule', 'create', '--ingress',
                      '--protocol', 'tcp', '--dst-port', str(1000 + n),
                      *extra, group['id'])
    options = [a for g in made['groups'] for a in ('--security-group',
                                                   g['id'])]
    made['ports'] = [cloud.json('port', 'create', '--network',
                                made['net']['id'], *options,
                                f'bench-re-{tag}-{n}') for n in range(32)]
    return made


def requests(cloud: harness.Cloud) -> str:
    tag = uuid.uuid4().hex[:6]
    made = _setup(cloud, tag)
    a, b = made['ports'][0], made['ports'][1]
    ip_b = b['fixed_ips'][0]['ip_address']
    pkt = ('--protocol', 'tcp', '--port', '1003')
    re_, mx = ('port', 'security', 'reach'), ('port', 'security', 'matrix')
    cases = (
        ('reach <name> <name>', (*re_, a['name'], b['name'], *pkt)),
        ('reach <id> <id>', (*re_, a['id'], b['id'], *pkt)),
        ('reach <id> <fixed IP>', (*re_, a['id'], ip_b, *pkt)),
        ('reach <name> <name> --network <name>',
         (*re_, a['name'], b['name'], '--network', made['net']['name'],
          *pkt)),
        ('reach <id> <outside IP>', (*re_, a['id'], '203.0.113.9', *pkt)),
        ('matrix --network <name> (32 ports)',
         (*mx, '--network', made['net']['name'], *pkt)),
        ('matrix --security-group <name> (32 ports)',
         (*mx, '--security-group', made['groups'][0]['name'], *pkt)),
        ('matrix <5 ports: names, IDs, fixed IPs>',
         (*mx, a['name'], b['id'], ip_b, made['ports'][2]['name'],
          made['ports'][3]['id'], *pkt)),
    )
    rows = []
    for label, args in cases:
        reqs, took = cloud.requests(*args)
        rows.append([label, len(reqs), f'{took:.1f}', harness.shape(reqs)])
    for port in made['ports']:
        cloud.run('port', 'delete', port['id'])
    for group in made['groups']:
        cloud.run('security', 'group', 'delete', group['id'])
    cloud.run('address', 'group', 'delete', made['ag'])
    cloud.run('network', 'delete', made['net']['id'])
    return harness.table(
        ['3 groups, 30 rules, remote and address groups', 'requests',
         'wall s', 'requests sent'], rows)


def differential(seeds: list[int], probes: int) -> tuple[str, bool]:
    """The differential at nightly size.

    A table, and whether every disagreement had a known class.
    """
    with tempfile.TemporaryDirectory() as work:
        cli = harness.Cloud(work)
        shell = explain_dataplane.Shell(cli, cloud='admin')
        start = time.monotonic()
        try:
            found = reach_differential.run(
                _api.connect('demo'), shell, seeds, probes,
                f'bench-rdiff-{uuid.uuid4().hex[:6]}')
        finally:
            shell.close()
    rows, unexplained, total = [], [], [0, 0, 0]
    for seed, (records, took) in found.items():
        got = reach_differential.summary(records)
        total = [total[0] + got['probes'], total[1] + got['agree'],
                 total[2] + got['known']]
        rows.append([seed, got['probes'], got['arrived'], got['agree'],
                     got['known'], len(got['unexplained']),
                     '{1}/{0}'.format(*got['blocked_at']),
                     '{1}/{0}'.format(*got['reply']),
                     '{1}/{0}'.format(*got['trace']), f'{took:.0f}'])
        unexplained += [r.line(seed) for r in got['unexplained']]
        for record in records:
            if record.wrong:
                print(f'  [{reach_differential.known(record) or "NEW"}] '
                      f'{record.line(seed)}', file=sys.stderr)
    rows.append(['all', total[0], '', total[1], total[2], len(unexplained),
                 '', '', '', f'{time.monotonic() - start:.0f}'])
    return harness.table(
        ['seed', 'probes', 'arrived', 'agree', 'known class',
         'unexplained', 'blocked_at', 'reply', 'trace', 's'],
        rows), not unexplained


def parse_args() -> argparse.Namespace:
    parser = harness.parser(__doc__, runs=5,
                            runs_help='times the matrix is evaluated')
    parser.add_argument('--no-cloud', action='store_true',
                        help='Only the evaluation time')
    parser.add_argument('--no-differential', action='store_true')
    parser.add_argument('--no-requests', action='store_true',
                        help='Leave out the requests (the differential '
                             'alone with --no-evaluation)')
    parser.add_argument('--no-evaluation', action='store_true')
    parser.add_argument('--seeds', default='1,2,3,4,5,6,7,8,9,10')
    parser.add_argument('--probes', type=int, default=300,
                        help='Probes per seed')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    parts = [f'{harness.machine()}, load {os.getloadavg()[0]:.1f}; '
             f'{harness.today()}\n']
    if not args.no_evaluation:
        parts.append(evaluation(args.runs))
    agreed = True
    if not args.no_cloud:
        harness.ensure_cloud()
        if not args.no_requests:
            with tempfile.TemporaryDirectory() as workdir:
                parts.append(requests(harness.Cloud(workdir)))
        if not args.no_differential:
            text, agreed = differential(
                [int(s) for s in args.seeds.split(',')], args.probes)
            parts.append(text)
    harness.emit('\n\n'.join(parts), args.output)
    return 0 if agreed else 1


if __name__ == '__main__':
    sys.exit(main())
