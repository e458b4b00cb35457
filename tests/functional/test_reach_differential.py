"""``reach --backend ovn`` against real packets, in CI: the differential.

Worlds generated from seeds (tests/functional/reach_world.py) are built on
the local cloud, and random probes between their VMs are sent for real
(tests/functional/reach_differential.py): the verdict at the two ends, the
end that dropped, the reply and the ``ovn-trace`` commands of each answer
are compared with what the data plane did. Every disagreement is printed
with its seed and packet; the test fails on any that no known class
(``reach_differential.KNOWN``) explains.

``REACH_SEEDS`` (comma-separated) and ``REACH_PROBES`` (per seed) change
the run; by default two seeds of 150 probes each (about three minutes
here). tools/benchmark_reach.py runs the nightly size, 3,000.
"""

from __future__ import annotations

import os
import time
from typing import Iterator

import openstack
import pytest

from tests.functional import api
from tests.functional import conftest
from tests.functional import explain_dataplane
from tests.functional import packets
from tests.functional import reach_differential

SEEDS = [int(s) for s in os.environ.get('REACH_SEEDS', '1,2').split(',')]
PROBES = int(os.environ.get('REACH_PROBES', '150'))


@pytest.fixture(scope='module')
def conn(cli: conftest.Cli) -> Iterator[openstack.connection.Connection]:
    why = packets.unavailable()
    if why:
        if os.environ.get('OSC_PORTSEC_REQUIRE_CLOUD') == '1':
            pytest.fail(why)
        pytest.skip(why)
    yield api.connect('demo')


@pytest.fixture(scope='module')
def shell(cli: conftest.Cli) -> Iterator[explain_dataplane.Shell]:
    # As admin: reach then gives its ovn-trace commands.
    made = explain_dataplane.Shell(cli, cloud='admin')
    yield made
    made.close()


def test_reach_agrees_with_the_data_plane(conn, shell) -> None:
    start = time.monotonic()
    found = reach_differential.run(conn, shell, SEEDS, PROBES,
                                   conftest.unique('rdiff'))
    lines, unexplained, total = [], [], 0
    for seed, (records, took) in found.items():
        got = reach_differential.summary(records)
        total += got['probes']
        lines.append(
            f'seed {seed}: {got["agree"]} of {got["probes"]} agree '
            f'({got["arrived"]} arrived, {got["retried"]} sent again), '
            f'{got["known"]} by a known class; '
            f'blocked_at {got["blocked_at"][1]}/{got["blocked_at"][0]}, '
            f'reply {got["reply"][1]}/{got["reply"][0]}, '
            f'trace {got["trace"][1]}/{got["trace"][0]}; {took:.0f} s')
        for record in records:
            if record.wrong:
                why = reach_differential.known(record) or 'UNEXPLAINED'
                lines.append(f'  [{why[:40]}] {record.line(seed)}')
        unexplained += [r.line(seed) for r in got['unexplained']]
    print(f'\n{total} probes in {time.monotonic() - start:.0f} s\n'
          + '\n'.join(lines))
    assert total >= 300 or PROBES * len(SEEDS) < 300
    assert not unexplained, '\n'.join(unexplained)
