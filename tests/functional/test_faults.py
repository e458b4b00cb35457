"""Neutron down and back: a clear error, then the same command works."""

from __future__ import annotations

import subprocess

import pytest

from tests.functional import conftest

PS = ('port', 'security')
# Neutron is stopped for a while: no other test may run meanwhile.
pytestmark = pytest.mark.alone


def devcloud(*args):
    subprocess.run([conftest.DEVCLOUD, *args], check=True,
                   capture_output=True, text=True, timeout=180)


def test_neutron_down_then_back(cli, api, make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.5.10')
    devcloud('stop', 'neutron')
    try:
        for command in ('show', 'disable'):
            stderr = cli.fails(*PS, command, port['id'])
            # One short sentence: the endpoint and the cause, not the
            # urllib3 chain (that stays under --debug).
            assert stderr.startswith('Cannot reach the cloud at http://'), \
                stderr
            assert '(connection refused)' in stderr
            assert 'HTTPConnectionPool' not in stderr
            assert len(stderr.strip().splitlines()) == 1, stderr
    finally:
        devcloud('start', 'neutron')
    # Nothing was half-applied while Neutron was away.
    after = api.port(port['id'])
    assert after['revision_number'] == port['revision_number']
    assert after['port_security_enabled'] is True
    assert len(after['allowed_address_pairs']) == 1
    [row] = cli.ok(*PS, 'disable', port['id'])
    assert row['result'] == 'updated'
