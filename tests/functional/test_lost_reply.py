"""The network fails after Neutron applied a change: the tool finds out.

A loopback proxy (tests/functional/faultproxy.py) sits between the real
``openstack`` binary and the real Neutron and loses the reply to a PUT, or
the PUT itself; the tool must re-read the port and report the truth.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from tests.functional import conftest
from tests.functional import faultproxy
from tests.functional import proxied as proxied_

PS = ('port', 'security')


@pytest.fixture(scope='module')
def proxy(cli: conftest.Cli) -> Iterator[faultproxy.FaultProxy]:
    with faultproxy.FaultProxy(proxied_.neutron_url(cli)) as running:
        yield running


@pytest.fixture(scope='module')
def proxied(cli: conftest.Cli, proxy: faultproxy.FaultProxy,
            tmp_path_factory: pytest.TempPathFactory) -> proxied_.ProxiedCli:
    return proxied_.through(cli, proxy.url,
                            tmp_path_factory.mktemp('proxied'))


def _journal(cli: conftest.Cli) -> list[dict[str, Any]]:
    path = cli.state_home / 'osc-portsec' / 'journal.jsonl'
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_lost_reply_of_an_applied_change_is_reported_and_journalled(
    cli, api, proxied, proxy, make_port
):
    port = make_port('--allowed-address', 'ip-address=10.50.7.10')
    proxy.arm('lose-reply')
    [row] = proxied.ok(*PS, 'disable', port['id'])
    assert proxy.puts_seen >= 1
    assert row['result'] == 'updated'
    assert any('reply to the update was lost' in c for c in row['changes'])
    after = api.port(port['id'])
    assert after['port_security_enabled'] is False
    assert after['revision_number'] == port['revision_number'] + 1
    # Journalled, so the restore puts back what the disable removed.
    applied = [e for e in _journal(proxied)
               if e.get('port_id') == port['id']
               and e.get('phase') == 'applied']
    assert applied
    [back] = proxied.ok(*PS, 'enable', port['id'], '--restore')
    assert back['result'] == 'updated'
    restored = api.port(port['id'])
    assert restored['port_security_enabled'] is True
    assert [p['ip_address'] for p in restored['allowed_address_pairs']] == [
        '10.50.7.10'
    ]


def test_request_lost_before_neutron_is_reported_as_not_applied(
    cli, api, proxied, proxy, make_port
):
    port = make_port()
    proxy.arm('reset')
    stderr = proxied.fails(*PS, 'pair', 'add', port['id'],
                           '--allowed-address', 'ip-address=10.50.7.20')
    assert 'was not applied' in stderr
    assert 'HTTPConnectionPool' not in stderr
    after = api.port(port['id'])
    assert after['revision_number'] == port['revision_number']
    assert after['allowed_address_pairs'] == []


def test_lost_reply_with_neutron_gone_says_it_may_be_applied(
    cli, api, proxied, proxy, make_port
):
    port = make_port('--allowed-address', 'ip-address=10.50.7.30')
    proxy.arm('lose-reply-then-down')
    try:
        stderr = proxied.fails(*PS, 'pair', 'clear', port['id'])
    finally:
        proxy.arm('pass')
    assert 'may have been applied' in stderr
    assert f"openstack port security show {port['id']}" in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    # It was, in fact: the proxy forwarded the PUT before going down.
    assert api.port(port['id'])['allowed_address_pairs'] == []
