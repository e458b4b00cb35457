"""``explain --backend ovn`` against real packets: the differential test.

For each case of the fixed tables (tests/functional/explain_cases.py, and
explain_classes.py for what the data plane decides beyond the rules) the
ports of one set of VMs are configured as the case says
(explain_dataplane.Rig), ``openstack port security explain`` runs through
the installed binary (one interactive process, explain_dataplane.Shell),
the case's packet is sent for real, and the two must agree: the packet
arrives exactly when the verdict is ``pass``, and the verdict and
``decided_by`` are the ones the table expects.

``EXPLAIN_DATAPLANE=all`` replays every case that can be sent (about five
minutes here); a comma-separated list of case IDs replays those;
by default a subset that covers every ``decided_by`` value and every kind
of packet runs, to stay within CI's time.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any, Iterator

import openstack
import openstack.config
import openstack.connection
import pytest

from tests.functional import conftest
from tests.functional import explain_cases as cases
from tests.functional import explain_classes
from tests.functional import explain_dataplane
from tests.functional import packets

# Cases that cannot be sent faithfully from a namespace, and why: none so
# far (a DHCP discover is judged by OVN's offer coming back, since OVN
# answers it and forwards it nowhere).
NOT_SENT: dict[str, str] = {}

# The CI subset: every decided_by value, every kind of packet the table
# sends (TCP, UDP, ICMP, ICMPv6 echo, neighbour discovery and a router
# advertisement, IPv6, VRRP, GRE, a DHCP discover), spoofed IPs and MACs,
# pairs, remote groups and a stateless group; and cases of every class of
# explain_classes.py.
CI_CASES = (
    'psec-off-egress-spoofed', 'trusted-egress-spoofed',
    'egress-foreign-ip', 'egress-foreign-mac', 'egress-pair-ip',
    'egress-cidr-pair', 'egress-vrrp-mac-pair', 'ingress-foreign-dst',
    'egress-v6-foreign', 'egress-v6-link-local',
    'tcp-22-allowed', 'tcp-8080-dropped', 'icmp-echo-type',
    'icmp-other-type', 'vrrp-by-number', 'gre-by-number',
    'icmpv6-echo', 'ipv4-rule-not-ipv6', 'prefix-destination-outside',
    'dhcp-discover-needs-egress-rule', 'dhcp-discover-with-egress-rule',
    'remote-group-member', 'remote-group-pair-not-on-ovn',
    'stateless-egress-no-rule', 'nd-solicitation-out',
    'nd-advertisement-in', 'ra-out', 'icmpv6-echo-needs-rule',
    # explain_classes.py: every class, both directions, both versions.
    'host-bits-egress-host', 'host-bits-egress-network',
    'host-bits-ingress-its-broadcast', 'host-bits-v6-network',
    'no-fixed-ip-egress-any', 'no-fixed-ip-with-pair-egress-other',
    'subnet-broadcast', 'subnet-broadcast-to-port-mac',
    'multicast-mac-foreign-ip', 'v6-other-link-local',
    'unsolicited-echo-reply', 'icmp-error-without-connection',
    'echo-request-code-1', 'egress-unsolicited-echo-reply',
    'echo-reply-to-broadcast-mac', 'stateless-quiet-network-echo-reply',
    'stateless-stateful-network-echo-reply',
    'port-security-off-stateful-network', 'vrrp-mac-to-vip',
    'port-mac-to-vip', 'ovn-dhcp-offer-in',
    'nd-advertisement-out-of-link-local',
)


def sendable() -> list[cases.Case]:
    return [c for c in explain_classes.ALL if c.id not in NOT_SENT]


def selected() -> list[cases.Case]:
    only = os.environ.get('EXPLAIN_DATAPLANE')
    if only == 'all':
        return sendable()
    wanted = set(only.split(',') if only else CI_CASES)
    return [c for c in sendable() if c.id in wanted]


def test_table_is_sent_and_covers_every_decided_by() -> None:
    table = sendable()
    assert len(table) >= 100
    assert len({c.id for c in table}) == len(table)
    # Every value the default profile can give (port_security_unknown
    # needs a cloud without the port-security extension).
    assert {c.decided_by for c in table} == {
        'port_security_disabled', 'trusted_port', 'anti_spoofing',
        'conntrack', 'security_group_rule', 'no_matching_rule',
        'always_allowed'}
    ids = {c.id for c in table}
    assert set(CI_CASES) <= ids and set(NOT_SENT) <= ids
    assert {c.decided_by for c in table if c.id in CI_CASES} == {
        c.decided_by for c in table}
    # Every class has cases in CI (their IDs start with the class's words).
    for words in ('host-bits', 'no-fixed-ip', 'broadcast', 'echo',
                  'vrrp-mac', 'dhcp-offer', 'nd-advertisement-out'):
        assert any(words in c for c in CI_CASES), words


@pytest.fixture(scope='module')
def rig(cli: conftest.Cli) -> Iterator[explain_dataplane.Rig]:
    why = packets.unavailable()
    if why:
        if os.environ.get('OSC_PORTSEC_REQUIRE_CLOUD') == '1':
            pytest.fail(why)
        pytest.skip(why)
    config = openstack.config.OpenStackConfig(
        config_files=[conftest.clouds_yaml()])
    conn = openstack.connection.Connection(
        config=config.get_one(cloud='demo'))
    made = explain_dataplane.Rig(conn, conftest.unique('xdp'))
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(scope='module')
def shell(cli: conftest.Cli) -> Iterator[explain_dataplane.Shell]:
    made = explain_dataplane.Shell(cli)
    yield made
    made.close()


def _explain(shell: explain_dataplane.Shell, rig: explain_dataplane.Rig,
             case: cases.Case) -> Any:
    args = [rig.resolve(a) for a in case.explain_args()]
    out = shell.run('port', 'security', 'explain', rig.ports['A'].id,
                    *args, '--backend', 'ovn', '-f', 'json')
    assert out.strip(), f'case {case.id}: explain failed: {shell.errors()}'
    return json.loads(out)


def test_explain_agrees_with_the_data_plane(
        shell: explain_dataplane.Shell,
        rig: explain_dataplane.Rig) -> None:
    wrong: list[str] = []
    start = time.monotonic()
    chosen = selected()
    for case in chosen:
        rig.configure(case)
        answer = _explain(shell, rig, case)
        judged = answer['packet']['local_mac']
        arrived = rig.arrives(case, judged)
        got = (answer['verdict'], answer['decided_by'])
        seen = 'pass' if arrived else 'drop'
        if got != (case.verdict, case.decided_by) or got[0] != seen:
            wrong.append(
                f'{case.id}: table {case.verdict} ({case.decided_by}), '
                f'explain {got[0]} ({got[1]}), packet {seen}: '
                f'{rig.spec(case, judged)[2]}; {answer["reason"]}')
    print(f'\n{len(chosen)} cases, {len(chosen) - len(wrong)} agree, '
          f'{time.monotonic() - start:.0f} s')
    assert not wrong, '\n'.join(wrong)
