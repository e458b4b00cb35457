"""No lost update: concurrent ``pair add`` runs on one port all land."""

from __future__ import annotations

import subprocess

PS = ('port', 'security')


def test_eight_concurrent_pair_adds_keep_every_pair(cli, api, make_port):
    port = make_port()
    addresses = [f'10.50.4.{i}' for i in range(1, 9)]
    procs = [
        subprocess.Popen(
            cli.command([*PS, 'pair', 'add', port['id'],
                         '--allowed-address', f'ip-address={address}'],
                        'demo'),
            env=cli.env(), cwd=cli.workdir, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for address in addresses
    ]
    results = [(p.wait(timeout=180), p.stderr.read()) for p in procs]
    for proc in procs:
        proc.stdout.close()
        proc.stderr.close()
    assert [code for code, _ in results] == [0] * 8, results
    stored = sorted(p['ip_address']
                    for p in api.port(port['id'])['allowed_address_pairs'])
    assert stored == sorted(addresses)
