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
binary instead. ``--runs`` is the number of cases (``--count`` is the same
option); ``--output`` writes the summary to a file too. Exits 1 on any
disagreement.

    .venv/bin/python tools/benchmark_explain_dataplane.py \
        [--seed 2026] [--count 200] [--cli]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import time
from typing import Any
import uuid

import openstack
import openstack.config

import harness
from osc_portsec.explain import packet as _packet
from osc_portsec.explain import prepare
from osc_portsec.explain import verdict
from osc_portsec import lookup
from osc_portsec.v2 import explain as _command
from tests.functional import cli as _cli
from tests.functional import explain_cases as cases
from tests.functional import explain_dataplane
from tests.functional import packets


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


def run_cases(conn: Any, chosen: list[cases.Case],
              cli: _cli.Cli | None) -> tuple[list[str], dict[str, int]]:
    """Each case configured, explained and sent; the disagreements."""
    rig = explain_dataplane.Rig(conn, f'xbench-{uuid.uuid4().hex[:6]}')
    wrong: list[str] = []
    verdicts = {'pass': 0, 'drop': 0}
    try:
        for n, case in enumerate(chosen, 1):
            rig.configure(case)
            port_id = rig.ports['A'].id
            explain_args = [rig.resolve(a) for a in case.explain_args()]
            said = (by_cli(cli, port_id, explain_args) if cli
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
    return wrong, verdicts


def parse_args() -> argparse.Namespace:
    parser = harness.parser(__doc__, runs=200,
                            runs_help='random cases to run')
    parser.add_argument('--count', dest='runs', type=int, metavar='<n>',
                        default=argparse.SUPPRESS, help='the same as --runs')
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--cli', action='store_true',
                        help='Run the installed openstack binary per case')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    harness.ensure_cloud()
    why = packets.unavailable()
    if why:
        print(f'cannot run: {why}', file=sys.stderr)
        return 1
    config = openstack.config.OpenStackConfig(
        config_files=[_cli.clouds_yaml()])
    conn = openstack.connection.Connection(
        config=config.get_one(cloud='demo'))
    chosen = cases.random_cases(args.seed, args.runs)
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as work:
        cli = (_cli.Cli(pathlib.Path(work), pathlib.Path(work))
               if args.cli else None)
        wrong, verdicts = run_cases(conn, chosen, cli)
    took = time.monotonic() - start
    agree = len(chosen) - len(wrong)
    lines = [f'\nseed {args.seed}: {agree} of {len(chosen)} agree '
             f'({100 * agree / len(chosen):.1f} %); explain said pass '
             f'{verdicts["pass"]}, drop {verdicts["drop"]}; '
             f'{"binary" if args.cli else "in-process"} explain; '
             f'{took:.0f} s ({took / len(chosen):.2f} s a case); '
             f'{harness.machine()}, kernel {_kernel()}; {harness.today()}']
    lines += ['  ' + line for line in wrong]
    harness.emit('\n'.join(lines), args.output)
    return 1 if wrong else 0


def _kernel() -> str:
    return subprocess.run(['uname', '-r'], capture_output=True,
                          text=True).stdout.strip()


if __name__ == '__main__':
    sys.exit(main())
