#!/usr/bin/env python3
"""Seeded random rule sets and packets: ``explain`` against real packets.

For each of ``--count`` random cases (tests/functional/explain_cases.py,
``random_cases(seed, n)``: a group of up to five random rules on port A,
maybe a pair, maybe a remote-group peer; a random TCP, UDP, ICMP or VRRP
packet in or out, maybe from a pair's or a foreign address) the ports of
one set of VMs are configured through openstacksdk, ``explain``'s verdict
is computed and the packet is sent for real on the local cloud's OVN data
plane. Prints agreement and every disagreement with its packet and rules.

``explain`` is evaluated in-process, through the command's own parser and
the same lookup, prepare and evaluate steps ``take_action`` runs (so one
case costs no ``openstack`` start-up); ``--cli`` runs the installed
binary instead.

    .venv/bin/python tools/benchmark_explain_dataplane.py \
        [--seed 2026] [--count 200] [--cli]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time
from typing import Any
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openstack  # noqa: E402
import openstack.config  # noqa: E402

from osc_portsec.explain import packet as _packet  # noqa: E402
from osc_portsec.explain import prepare  # noqa: E402
from osc_portsec.explain import verdict  # noqa: E402
from osc_portsec import lookup  # noqa: E402
from osc_portsec.v2 import explain as _command  # noqa: E402
from tests.functional import cli as _cli  # noqa: E402
from tests.functional import explain_cases as cases  # noqa: E402
from tests.functional import explain_dataplane  # noqa: E402
from tests.functional import packets  # noqa: E402


def in_process(client: Any, port_id: str, args: list[str]) -> str:
    """The verdict of ``explain --backend ovn``, as take_action gets it."""
    parser = _command.ExplainPortSecurity(None, None).get_parser('explain')
    parsed = parser.parse_args([port_id, *args, '--backend', 'ovn'])
    wanted = _packet.parse(
        parsed.direction, parsed.protocol, parsed.dst_port,
        parsed.icmp_type, parsed.icmp_code, parsed.remote_ip,
        parsed.local_ip, parsed.local_mac, parsed.ethertype)
    port = lookup.find_port(client, parsed.port, None)
    facts = prepare.prepare(client, port)
    pkt = _packet.complete(wanted, list(facts.port.fixed_ips),
                           facts.port.mac_address)
    return str(verdict.explain(facts, pkt, parsed.backend, False).verdict)


def by_cli(cli: _cli.Cli, port_id: str, args: list[str]) -> str:
    result = cli.run('port', 'security', 'explain', port_id, *args,
                     '--backend', 'ovn', '-f', 'json')
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return str(json.loads(result.stdout)['verdict'])


def describe(case: cases.Case) -> str:
    rules = '; '.join(
        ' '.join(str(x) for x in (
            r.direction, r.protocol or 'any',
            f'ports {r.ports[0]}-{r.ports[1]}' if r.ports else '',
            f'icmp {r.icmp}' if r.icmp else '',
            f'from/to {r.remote_ip_prefix}' if r.remote_ip_prefix else '',
            f'group {r.remote_group}' if r.remote_group else '') if x)
        for r in case.groups[0].rules) or 'no rules'
    return (f'rules [{rules}], pairs {list(case.a.pairs)}, peers '
            f'{[(p.name, p.groups) for p in case.peers]}')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--count', type=int, default=200)
    parser.add_argument('--cli', action='store_true',
                        help='Run the installed openstack binary per case')
    args = parser.parse_args()
    why = packets.unavailable()
    if why:
        print(f'cannot run: {why}', file=sys.stderr)
        return 1
    config = openstack.config.OpenStackConfig(
        config_files=[_cli.clouds_yaml()])
    conn = openstack.connection.Connection(
        config=config.get_one(cloud='demo'))
    rig = explain_dataplane.Rig(conn, f'xbench-{uuid.uuid4().hex[:6]}')
    work = tempfile.TemporaryDirectory()
    cli = _cli.Cli(pathlib.Path(work.name), pathlib.Path(work.name))
    start = time.monotonic()
    wrong: list[str] = []
    verdicts = {'pass': 0, 'drop': 0}
    chosen = cases.random_cases(args.seed, args.count)
    try:
        for n, case in enumerate(chosen, 1):
            rig.configure(case)
            port_id = rig.ports['A'].id
            explain_args = [rig.resolve(a) for a in case.explain_args()]
            said = (by_cli(cli, port_id, explain_args) if args.cli
                    else in_process(conn.network, port_id, explain_args))
            seen = 'pass' if rig.arrives(case) else 'drop'
            verdicts[said] += 1
            if said != seen:
                wrong.append(f'{case.id}: explain {said}, packet {seen}: '
                             f'{rig.spec(case)[2]}; {describe(case)}')
                print(wrong[-1], flush=True)
            if n % 20 == 0:
                print(f'{n} cases, {n - len(wrong)} agree', flush=True)
    finally:
        rig.close()
        work.cleanup()
    took = time.monotonic() - start
    agree = len(chosen) - len(wrong)
    print(f'\nseed {args.seed}: {agree} of {len(chosen)} agree '
          f'({100 * agree / len(chosen):.1f} %); explain said pass '
          f'{verdicts["pass"]}, drop {verdicts["drop"]}; '
          f'{"binary" if args.cli else "in-process"} explain; '
          f'{took:.0f} s ({took / len(chosen):.2f} s a case); '
          f'{platform.machine()}, {os.cpu_count()} CPUs, '
          f'{_kernel()}; {datetime.date.today()}')
    for line in wrong:
        print('  ' + line)
    return 1 if wrong else 0


def _kernel() -> str:
    return subprocess.run(['uname', '-r'], capture_output=True,
                          text=True).stdout.strip()


if __name__ == '__main__':
    sys.exit(main())
