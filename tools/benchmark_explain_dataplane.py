#!/usr/bin/env python3
"""Seeded random cases: ``explain`` against real packets.

For each of ``--count`` random cases (tests/functional/explain_classes.py,
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
from tests.functional import explain_classes  # noqa: E402
from tests.functional import explain_dataplane  # noqa: E402
from tests.functional import packets  # noqa: E402


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


def report(args: argparse.Namespace, chosen: list[cases.Case],
           wrong: list[str], verdicts: dict[str, int],
           kinds: dict[str, list[int]], took: float) -> None:
    agree = len(chosen) - len(wrong)
    print(f'\nseed {args.seed}: {agree} of {len(chosen)} agree '
          f'({100 * agree / len(chosen):.1f} %); explain said '
          f'{", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))}; '
          f'{"binary" if args.cli else "in-process"} explain; '
          f'{took:.0f} s ({took / len(chosen):.2f} s a case); '
          f'{platform.machine()}, {os.cpu_count()} CPUs, '
          f'{_kernel()}; {datetime.date.today()}')
    for kind, (total, good) in sorted(kinds.items()):
        print(f'  {kind}: {good} of {total} agree')
    for line in wrong:
        print('  ' + line)


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
    ask = ((lambda port, a: by_cli(cli, port, a)) if args.cli
           else (lambda port, a: in_process(conn.network, port, a)))
    start = time.monotonic()
    wrong: list[str] = []
    verdicts: dict[str, int] = {}
    kinds: dict[str, list[int]] = {}
    chosen = explain_classes.random_cases(args.seed, args.count)
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
        work.cleanup()
    report(args, chosen, wrong, verdicts, kinds, time.monotonic() - start)
    return 1 if wrong else 0


def _kernel() -> str:
    return subprocess.run(['uname', '-r'], capture_output=True,
                          text=True).stdout.strip()


if __name__ == '__main__':
    sys.exit(main())
