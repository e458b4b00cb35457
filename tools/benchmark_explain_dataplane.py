#!/usr/bin/env python3
"""Seeded random cases: ``explain`` against real packets.

For each of ``--runs`` random cases (tests/functional/explain_classes.py,
``random_cases(seed, n)``: a third are random rule sets (a group of up to
five random rules on port A, maybe a pair, maybe a remote-group peer; a
random TCP, UDP, ICMP or VRRP packet in or out, maybe from a pair's or a
foreign address), the rest are drawn from the classes the data plane
decides beyond the rules: pairs with host bits, ports without fixed IPs,
broadcast and multicast destinations, connection tracking, VRRP virtual
MACs, what OVN always lets in) the ports of one set of VMs are configured
through openstacksdk, ``explain``'s verdict is computed and the packet is
sent for real on the local cloud's OVN data plane. Prints agreement per
class and every disagreement with its seed, packet and rules.

``explain`` is evaluated in-process, through the command's own parser and
the same lookup, prepare and evaluate steps ``take_action`` runs (so one
case costs no ``openstack`` start-up); ``--cli`` runs the installed
binary instead. ``--count`` is the same option as ``--runs``; ``--output``
writes the summary to a file too. Exits 1 on any disagreement.

    .venv/bin/python tools/benchmark_explain_dataplane.py \
        [--seed 2026] [--runs 200] [--cli]
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
from tests.functional import explain_classes
from tests.functional import explain_dataplane
from tests.functional import packets


def in_process(client: Any, port_id: str, args: list[str]) -> dict:
    """The answer of ``explain --backend ovn``, as take_action gets it."""
    parser = _command.ExplainPortSecurity(None, None).get_parser('explain')
    parsed = parser.parse_args([port_id, *args, '--backend', 'ovn'])
    wanted = _packet.parse(
        parsed.direction, parsed.protocol, parsed.dst_port,
        parsed.icmp_type, parsed.icmp_code, parsed.remote_ip,
        parsed.local_ip, parsed.local_mac, parsed.ethertype)
    port = lookup.find_port(client, parsed.port, None)
    facts = prepare.prepare(client, port, wanted)
    pkt = _packet.complete(wanted, list(facts.port.fixed_ips),
                           facts.port.mac_address)
    return verdict.explain(facts, pkt, parsed.backend, False).to_dict()


def by_cli(cli: _cli.Cli, port_id: str, args: list[str]) -> dict:
    result = cli.run('port', 'security', 'explain', port_id, *args,
                     '--backend', 'ovn', '-f', 'json')
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return dict(json.loads(result.stdout))


def describe(case: cases.Case) -> str:
    rules = '; '.join(
        ' '.join(str(x) for x in (
            r.direction, r.protocol or 'any',
            f'ports {r.ports[0]}-{r.ports[1]}' if r.ports else '',
            f'icmp {r.icmp}' if r.icmp else '',
            f'from/to {r.remote_ip_prefix}' if r.remote_ip_prefix else '',
            f'group {r.remote_group}' if r.remote_group else '') if x)
        for r in case.groups[0].rules) if case.groups else ''
    return (f'rules [{rules or "none"}], A {case.a}, peers '
            f'{[(p.name, p.groups) for p in case.peers]}')


def replay(rig: Any, case: cases.Case, ask: Any) -> tuple[str, str, str]:
    """(explain's verdict, the packet's, the line for a disagreement)."""
    rig.configure(case)
    port_id = rig.ports['A'].id
    answer = ask(port_id, [rig.resolve(a) for a in case.explain_args()])
    said, judged = answer['verdict'], answer['packet']['local_mac']
    seen = 'pass' if rig.arrives(case, judged) else 'drop'
    return said, seen, (
        f'{case.id}: explain {said} ({answer["decided_by"]}), packet '
        f'{seen}: {rig.spec(case, judged)[2]}; {describe(case)}; '
        f'{answer["reason"]}')


def run_cases(conn: Any, chosen: list[cases.Case], cli: _cli.Cli | None
              ) -> tuple[list[str], dict[str, int], dict[str, list[int]]]:
    """Each case configured, explained and sent; the disagreements."""
    rig = explain_dataplane.Rig(conn, f'xbench-{uuid.uuid4().hex[:6]}')
    ask = ((lambda port, a: by_cli(cli, port, a)) if cli
           else (lambda port, a: in_process(conn.network, port, a)))
    wrong: list[str] = []
    verdicts: dict[str, int] = {}
    kinds: dict[str, list[int]] = {}
    try:
        for n, case in enumerate(chosen, 1):
            said, seen, line = replay(rig, case, ask)
            verdicts[said] = verdicts.get(said, 0) + 1
            tally = kinds.setdefault(case.id.split('-')[0], [0, 0])
            tally[0] += 1
            tally[1] += said == seen
            if said != seen:
                wrong.append(line)
                print(line, flush=True)
            if n % 20 == 0:
                print(f'{n} cases, {n - len(wrong)} agree', flush=True)
    finally:
        rig.close()
    return wrong, verdicts, kinds


def parse_args() -> argparse.Namespace:
    parser = harness.parser(__doc__, runs=200,
                            runs_help='random cases to run')
    parser.add_argument('--count', dest='runs', type=int, metavar='<n>',
                        default=argparse.SUPPRESS, help='the same as --runs')
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--cli', action='store_true',
                        help='Run the installed openstack binary per case')
    return parser.parse_args()


def summary(args: argparse.Namespace, chosen: list[cases.Case],
            wrong: list[str], verdicts: dict[str, int],
            kinds: dict[str, list[int]], took: float) -> str:
    agree = len(chosen) - len(wrong)
    lines = [f'\nseed {args.seed}: {agree} of {len(chosen)} agree '
             f'({100 * agree / len(chosen):.1f} %); explain said '
             f'{", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))}; '
             f'{"binary" if args.cli else "in-process"} explain; '
             f'{took:.0f} s ({took / len(chosen):.2f} s a case); '
             f'{harness.machine()}, kernel {_kernel()}; {harness.today()}']
    lines += [f'  {kind}: {good} of {total} agree'
              for kind, (total, good) in sorted(kinds.items())]
    lines += ['  ' + line for line in wrong]
    return '\n'.join(lines)


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
    chosen = explain_classes.random_cases(args.seed, args.runs)
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as work:
        cli = (_cli.Cli(pathlib.Path(work), pathlib.Path(work))
               if args.cli else None)
        wrong, verdicts, kinds = run_cases(conn, chosen, cli)
    took = time.monotonic() - start
    harness.emit(summary(args, chosen, wrong, verdicts, kinds, took),
                 args.output)
    return 1 if wrong else 0


def _kernel() -> str:
    return subprocess.run(['uname', '-r'], capture_output=True,
                          text=True).stdout.strip()


if __name__ == '__main__':
    sys.exit(main())
