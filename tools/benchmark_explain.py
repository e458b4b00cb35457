#!/usr/bin/env python3
"""Benchmark ``openstack port security explain``.

Two numbers: the evaluation time for a port whose groups hold 1,000 rules
(pure code, no I/O; target under 5 ms), and the Neutron requests one
``explain`` sends, counted from Neutron's access log of the local cloud
(target at most 4 whatever the number of groups and rules). Prints
reStructuredText tables (``--output`` writes them to a file too).

    .venv/bin/python tools/benchmark_explain.py [--runs 50] [--no-cloud]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid

import harness
from osc_portsec.explain import evaluate
from osc_portsec.explain import facts
from osc_portsec.explain import packet
from osc_portsec.explain import verdict


def big_facts(count: int) -> facts.Facts:
    """A port in 4 groups holding ``count`` rules.

    A tenth of the rules name a remote group; 50 member ports have pairs.
    """
    groups = []
    for g in range(4):
        rules = []
        for n in range(count // 4):
            i = g * (count // 4) + n
            rules.append(facts.rule_from_body({
                'id': f'r{i}', 'security_group_id': f'sg{g}',
                'direction': ('ingress', 'egress')[i % 2],
                'ethertype': ('IPv4', 'IPv6')[i % 5 == 0],
                'protocol': ('tcp', 'udp', 'icmp', None)[i % 4],
                'port_range_min': 1000 + i if i % 4 < 2 else None,
                'port_range_max': 1000 + i if i % 4 < 2 else None,
                'remote_ip_prefix': (f'10.{i % 250}.0.0/16'
                                     if i % 10 else None),
                'remote_group_id': f'sg{(g + 1) % 4}' if i % 10 == 0 else None,
            }))
        groups.append(facts.Group(f'sg{g}', f'group-{g}', True,
                                  tuple(rules)))
    members = tuple(
        facts.Member(f'm{m}', (f'sg{m % 4}',), (f'10.200.{m}.1',),
                     (f'10.201.{m}.0/24',)) for m in range(50))
    port = facts.Port('p', 'fa:16:3e:00:00:01', ('10.0.0.5',),
                      security_group_ids=tuple(g.id for g in groups))
    return facts.Facts(port, tuple(groups), members)


def _median(fn, runs: int) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def evaluation(runs: int) -> str:
    subject = big_facts(1000)
    # No rule matches this packet: every rule is checked.
    raw = packet.parse('ingress', protocol='tcp', port=5,
                       remote_ip='10.250.0.9')
    pkt = packet.complete(raw, ['10.0.0.5'], 'fa:16:3e:00:00:01')
    rows = []
    for label, fn in (
        ('judge, one back end', lambda: evaluate.judge(subject, pkt, 'ovn')),
        ('explain, all three back ends',
         lambda: verdict.explain(subject, pkt)),
        ('explain --long (every rule rendered)',
         lambda: verdict.explain(subject, pkt, long=True)),
    ):
        wall, cpu = _median(fn, runs)
        rows.append([label, f'{wall:.2f}', f'{cpu:.2f}'])
    return harness.table(['1,000 rules', 'median wall ms',
                          'median CPU ms'], rows)


def requests(cloud: harness.Cloud) -> str:
    tag = uuid.uuid4().hex[:6]
    net = cloud.json('network', 'create', f'bench-ex-{tag}')
    cloud.json('subnet', 'create', '--network', net['id'],
               '--subnet-range', '10.71.0.0/24', f'bench-ex-{tag}')
    groups = [cloud.json('security', 'group', 'create', f'bench-ex-{tag}-{g}')
              for g in range(3)]
    for g, group in enumerate(groups):
        for n in range(10):
            extra = (['--remote-group', groups[(g + 1) % 3]['id']]
                     if n % 3 == 0 else [])
            cloud.run('security', 'group', 'rule', 'create', '--ingress',
                      '--protocol', 'tcp', '--dst-port', str(1000 + n),
                      *extra, group['id'])
    name = f'bench-ex-{tag}'
    options = [a for g in groups for a in ('--security-group', g['id'])]
    port = cloud.json('port', 'create', '--network', net['id'], *options,
                      name)
    ip = port['fixed_ips'][0]['ip_address']
    ex = ('port', 'security', 'explain')
    pkt = ('--ingress', '--protocol', 'tcp', '--port', '1003',
           '--remote-ip', '10.71.0.9')
    rows = []
    for label, args in (
        ('explain <id>', (*ex, port['id'], *pkt)),
        ('explain <name>', (*ex, name, *pkt)),
        ('explain <fixed IP>', (*ex, ip, *pkt)),
        ('explain <name> --network <name>',
         (*ex, name, '--network', net['name'], *pkt)),
    ):
        reqs, _ = cloud.requests(*args)
        rows.append([label, len(reqs), harness.shape(reqs)])
    cloud.run('port', 'delete', port['id'])
    for group in groups:
        cloud.run('security', 'group', 'delete', group['id'])
    cloud.run('network', 'delete', net['id'])
    return harness.table(
        ['3 groups, 30 rules, 10 remote-group rules', 'Neutron requests',
         'requests sent'], rows)


def main() -> int:
    parser = harness.parser(__doc__, runs=50)
    parser.add_argument('--no-cloud', action='store_true',
                        help='Only the evaluation time')
    args = parser.parse_args()
    out = [evaluation(args.runs)]
    if not args.no_cloud:
        harness.ensure_cloud()
        with tempfile.TemporaryDirectory() as workdir:
            out += ['', requests(harness.Cloud(workdir))]
    harness.emit('\n'.join(out), args.output)
    return 0


if __name__ == '__main__':
    sys.exit(main())
