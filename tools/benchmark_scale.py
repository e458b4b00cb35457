#!/usr/bin/env python3
"""Scale: the audit over thousands of ports, multi-port commands over 200.

Needs the local cloud on the ``paged`` profile, so that every list spans
pages; a cloud that is not running is started on it (page size
``DEVCLOUD_PAGE_SIZE``, 500 unless set), e.g.::

    DEVCLOUD_PAGE_SIZE=500 tools/devcloud start --profile paged
    .venv/bin/python tools/benchmark_scale.py [--ports 10000] [--many 200]

Measures, with ports created in bulk through the API:

- ``openstack port security list`` next to ``openstack port list --long``
  over every port of the project (both ``-f json``): Neutron requests (from
  Neutron's access log), peak memory of the process (its own maximum RSS,
  from wait4) and wall time, over ``--runs`` runs (3);
- ``pair clear``, ``disable`` and ``enable --restore`` over ``--many``
  ports given by name, plus ports that do not exist, to check "N of M
  failed": requests per port and wall time, beside a shell loop of the
  equivalent ``openstack port set`` commands over a sample of the ports
  (each is a whole ``openstack`` run; the loop's time per port is given).

Prints reStructuredText tables; ``--output`` writes them to a file.
Everything it creates is removed at the end, unless ``--keep``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import math
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any
import uuid

import harness
from tests.functional.api import Api


def page_size() -> int:
    """The page size of the local cloud, started on the paged profile."""
    size = os.environ.get('DEVCLOUD_PAGE_SIZE', '500')
    status = harness.ensure_cloud('paged', {'DEVCLOUD_PAGE_SIZE': size})
    found = re.search(r'pagination_max_limit = (\d+)', status)
    if not found:
        raise SystemExit('the local cloud must run the paged profile: '
                         'DEVCLOUD_PAGE_SIZE=500 tools/devcloud start '
                         '--profile paged')
    return int(found.group(1))


def measured(cloud: harness.Cloud,
             *args: str) -> tuple[int, int, float, str]:
    """Requests sent, peak RSS (MiB), wall time and stderr of a command."""
    offset = harness.log_offset()
    start = time.perf_counter()
    proc = subprocess.Popen(cloud.cmd(*args), env=cloud.env(),
                            cwd=cloud.workdir, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ''
    requests = len(harness.requests_since(offset, settle=0.3))
    if proc.returncode and 'failed' not in err:
        raise SystemExit(f'openstack {" ".join(args)}: {err}')
    return requests, usage.ru_maxrss // 1024, elapsed, err


# Ports per bulk POST. Neutron's time per port grows with the ports it
# holds; 500 a request passed gunicorn's 120 s worker timeout after about
# 6,500 ports on this machine.
BULK = 100
PER_NETWORK = 1000


def bulk_ports(api: Api, network_id: str, count: int,
               prefix: str) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []
    while len(made) < count:
        # Without fixed IPs: Neutron's IPAM is the slowest part of a port
        # create, and neither the list nor the commands read addresses.
        batch = [{'network_id': network_id, 'name': f'{prefix}{len(made) + i}',
                  'fixed_ips': []}
                 for i in range(min(BULK, count - len(made)))]
        made += api.post('/ports', {'ports': batch})['ports']
    return made


def delete_ports(api: Api, ports: list[dict[str, Any]], keep: bool) -> None:
    if keep:
        return
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda p: api.delete_port(p['id']), ports))


def audit(cloud: harness.Cloud, api: Api, args: argparse.Namespace,
          page: int) -> str:
    """Both lists over every port of the project (``count`` of them).

    The ports are spread over networks of PER_NETWORK: Neutron's time to
    create a port grows with the ports already on its network (the bulk
    create loads them), and past 6,000 on one network a bulk POST of 100
    outlasted gunicorn's 120 s timeout.
    """
    count, network, keep = args.ports, args.network, args.keep
    nets: list[dict[str, Any]] = []
    have: list[dict[str, Any]] = []
    if network:
        # A network kept (--keep) by an earlier run: its ports count.
        nets.append(api.get(f'/networks/{network}')['network'])
        have = api.ports(network_id=network)
    ports: list[dict[str, Any]] = []
    try:
        start = time.perf_counter()
        while len(have) + len(ports) < count:
            nets.append(api.create_network(
                f'bench-scale-{uuid.uuid4().hex[:6]}', '10.96.0.0/16',
                dhcp=False))
            ports += bulk_ports(
                api, nets[-1]['id'],
                min(PER_NETWORK, count - len(have) - len(ports)),
                f's{uuid.uuid4().hex[:4]}-')
        made = time.perf_counter() - start
        rows = lists(cloud, args.runs)
        pages = math.ceil(count / page)
        created = (f'created in {made:.0f} s' if not have else
                   f'{len(have)} of them kept from an earlier run, the '
                   f'other {len(ports)} created in {made:.0f} s')
        return (f'{count} ports on {len(nets)} networks, the whole project '
                f'listed, {created} (bulk POST of {BULK}); page size {page}, '
                f'so {pages} pages per full list.\n\n'
                + harness.table(['command', 'Neutron requests',
                                 f'peak RSS (MiB, max of {args.runs})',
                                 f'wall time (s, median of {args.runs})'],
                                rows))
    finally:
        delete_ports(api, have + ports, keep)
        if not keep:
            for net in nets:
                api.delete(f'/networks/{net["id"]}')


def lists(cloud: harness.Cloud, runs: int) -> list[list[Any]]:
    """Both lists, ``runs`` times each: requests, peak RSS, wall time."""
    rows: list[list[Any]] = []
    for label, args in (
        ('port security list', ('port', 'security', 'list')),
        ('port list --long (OSC)', ('port', 'list', '--long')),
    ):
        done = [measured(cloud, *args, '-f', 'json') for _ in range(runs)]
        rows.append([label, done[0][0], max(r[1] for r in done),
                     f'{statistics.median(r[2] for r in done):.1f}'])
    return rows


def many(cloud: harness.Cloud, api: Api, args: argparse.Namespace) -> str:
    count, missing, sample = args.many, args.missing, args.sample
    net = api.create_network(f'bench-many-{uuid.uuid4().hex[:6]}',
                             '10.97.0.0/20', dhcp=False)
    ports: list[dict[str, Any]] = []
    try:
        ports = bulk_ports(api, net['id'], count, f'm{uuid.uuid4().hex[:4]}-')
        for port in ports:
            api.update_port(port['id'], allowed_address_pairs=[
                {'ip_address': '10.97.15.250'}])
        names = [p['name'] for p in ports]
        refs = names + [f'no-such-port-{i}' for i in range(missing)]
        rows = []
        for label, verb in (
            ('pair clear', ('pair', 'clear')),
            ('disable', ('disable',)),
            ('enable --restore', ('enable', '--restore')),
        ):
            reqs, _, elapsed, err = measured(
                cloud, 'port', 'security', *verb, *refs, '-f', 'value',
                '-c', 'result')
            said = f'{missing} of {len(refs)} ports failed.'
            if said not in err:
                raise SystemExit(f'{label}: expected "{said}" in: {err}')
            rows.append([f'port security {label}', len(refs), reqs,
                         f'{reqs / len(refs):.2f}', f'{elapsed:.1f}'])
        return harness.table(
            ['command', 'ports given', 'Neutron requests',
             'requests per port', 'wall time (s)'], rows) + '\n\n' + \
            loop(cloud, ports[:sample], count)
    finally:
        delete_ports(api, ports, args.keep)
        if not args.keep:
            api.delete(f'/networks/{net["id"]}')


def loop(cloud: harness.Cloud, ports: list[dict[str, Any]],
         count: int) -> str:
    """The same changes as a shell loop of ``openstack port set``."""
    rows = []
    for label, options in (
        ('port set --no-allowed-address', ('--no-allowed-address',)),
        ('port set --no-security-group --no-allowed-address '
         '--disable-port-security',
         ('--no-security-group', '--no-allowed-address',
          '--disable-port-security')),
        ('port set --enable-port-security --security-group default '
         '--allowed-address ...',
         ('--enable-port-security', '--security-group', 'default',
          '--allowed-address', 'ip-address=10.97.15.250')),
    ):
        start = time.perf_counter()
        for port in ports:
            cloud.run('port', 'set', *options, port['name'])
        each = (time.perf_counter() - start) / len(ports)
        rows.append([f'openstack {label}', len(ports), f'{each:.2f}',
                     f'{each * count:.0f}'])
    return harness.table(
        ['shell loop', 'ports run', 'seconds per port',
         f'for {count} ports (s, from the sample)'], rows)


def parse_args() -> argparse.Namespace:
    parser = harness.parser(__doc__, runs=3,
                            runs_help='runs of each list command')
    parser.add_argument('--ports', type=int, default=10000)
    parser.add_argument('--many', type=int, default=200)
    parser.add_argument('--missing', type=int, default=3,
                        help='names that match no port, in the many-port '
                             'commands')
    parser.add_argument('--sample', type=int, default=10,
                        help='ports the shell loop of port set runs over')
    parser.add_argument('--only', choices=('list', 'many'),
                        help='run one of the two sections')
    parser.add_argument('--network', metavar='<id>',
                        help='a network kept by --keep: its ports count '
                             'towards --ports')
    parser.add_argument('--keep', action='store_true',
                        help='leave the ports (on a cloud thrown away '
                             'afterwards: tools/devcloud destroy is faster '
                             'than deleting thousands of ports one by one)')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    page = page_size()
    api, admin = Api('demo'), Api('admin')
    project = api.conn.current_project_id
    admin.put(f'/quotas/{project}', {'quota': {'port': -1}})
    with tempfile.TemporaryDirectory() as workdir:
        cloud = harness.Cloud(workdir, harness.openstack_of(
            harness.wheel_python(workdir)))
        out = [f'Measured on {harness.today()}: {harness.machine()}, the '
               f'local cloud on the paged profile.']
        for name, title, step in (
            ('list', 'List over many ports',
             lambda: audit(cloud, api, args, page)),
            ('many', 'Multi-port commands',
             lambda: many(cloud, api, args)),
        ):
            if args.only not in (None, name):
                continue
            section = f'{title}\n{"~" * len(title)}\n\n{step()}\n'
            print(section, flush=True)
            out.append(section)
    if args.output:
        pathlib.Path(args.output).write_text('\n\n'.join(out) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
