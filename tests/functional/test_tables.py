"""Every command's table, as a person reads it on an 80-column terminal.

Each command runs in a pseudo-terminal 80 columns wide, as in a user's
shell: every line fits, no value is a Python repr or ``None``, and no two
rows say the same thing.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import termios

from tests.functional import conftest

PS = ('port', 'security')
WIDTH = 80
# A Python repr, or a cell that is just None.
REPR = re.compile(r"\[\'|\{\'|\'\]|\'\}|u\'|: None\b|\|\s*None\s*\|")


def in_terminal(cli: conftest.Cli, *args: str) -> tuple[int, str]:
    """Run ``openstack args`` on an 80-column terminal; its screen."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ,
                struct.pack('HHHH', 50, WIDTH, 0, 0))
    proc = subprocess.Popen(cli.command(list(args), 'demo'), env=cli.env(),
                            cwd=cli.workdir, stdin=slave, stdout=slave,
                            stderr=subprocess.PIPE)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the terminal closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    proc.wait(timeout=120)
    proc.stderr.close()
    return proc.returncode, b''.join(chunks).decode().replace('\r\n', '\n')


def rows_of(screen: str) -> list[str]:
    """The rows of a table, each with its wrapped lines folded in."""
    rows: list[list[str]] = []
    current: list[str] | None = None
    for line in screen.splitlines():
        if line.startswith('+'):
            if current is not None:
                rows.append(current)
            current = None
            continue
        if not line.startswith('|'):
            continue
        cells = [c.strip() for c in line.strip('|').split('|')]
        if current is None:
            current = cells
        else:
            current = [f'{a} {b}'.strip() for a, b in zip(current, cells)]
    return [' | '.join(r) for r in rows]


def check(cli: conftest.Cli, *args: str, code: int = 0) -> str:
    """The screen of a command that exits ``code``, checked."""
    status, screen = in_terminal(cli, *args)
    assert status == code, (args, screen)
    assert screen.strip(), args
    # --long asks for every column: only the default table must fit.
    for line in screen.splitlines() if '--long' not in args else ():
        assert len(line) <= WIDTH, (args, len(line), line)
    assert not REPR.search(screen), (args, screen)
    rows = [r for r in rows_of(screen) if r]
    values = [r.split(' | ', 1)[-1] for r in rows]
    repeated = {v for v in values if values.count(v) > 1 and v}
    assert not repeated, (args, repeated, screen)
    return screen


def test_port_commands(cli, network, make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.9.10',
                     '--allowed-address', 'ip-address=10.50.9.0/28')
    other = make_port()
    ref = port['id']
    check(cli, *PS, 'show', ref)
    check(cli, *PS, 'list', '--network', network['id'])
    check(cli, *PS, 'list', '--network', network['id'], '--long')
    check(cli, *PS, 'pair', 'list', ref)
    screen = check(cli, *PS, 'pair', 'add', ref, '--allowed-address',
                   'ip-address=10.50.9.11', '--dry-run')
    assert 'would add' in screen
    check(cli, *PS, 'pair', 'remove', ref, '--allowed-address',
          'ip-address=10.50.9.10', '--dry-run')
    check(cli, *PS, 'pair', 'clear', ref, other['id'], '--dry-run')
    check(cli, *PS, 'disable', ref, '--dry-run')
    check(cli, *PS, 'disable', ref, other['id'], '--dry-run', '--long')
    cli.ok(*PS, 'disable', other['id'])
    check(cli, *PS, 'enable', other['id'], '--restore', '--dry-run')
    check(cli, *PS, 'explain', ref, '--ingress', '--protocol', 'tcp',
          '--port', '22', '--remote-ip', '10.50.0.9')
    check(cli, *PS, 'explain', ref, '--egress', '--local-ip', '10.50.9.3',
          '--long')


def test_vip_commands(cli, network, make_port):
    a, b, c = make_port(), make_port(), make_port()
    name = conftest.unique('tables')
    vip = ('port', 'security', 'vip')
    base = (name, '--network', network['id'], '--ip-address', '10.50.0.220',
            '--member', a['id'], '--member', b['id'])
    check(cli, *vip, 'create', *base, '--dry-run')
    check(cli, *vip, 'create', *base)
    check(cli, *vip, 'show', name)
    check(cli, *vip, 'list', '--network', network['id'])
    check(cli, *vip, 'set', name, '--member', c['id'], '--dry-run')
    check(cli, *vip, 'unset', name, '--member', b['id'], '--dry-run')
    check(cli, *vip, 'delete', name, '--dry-run')
    # Nothing is plugged into the members: the check fails (exit 2), and
    # still prints every row.
    screen = check(cli, *vip, 'check', name, code=2)
    assert '| False |' in screen and '| True  |' in screen
    cli.ok(*vip, 'delete', name)
    check(cli, *vip, 'restore', name, '--dry-run')


def test_vip_commands_for_existing_vips(cli, network, make_port):
    """A VIP made by hand: found, checked, adopted (dry run)."""
    vip = ('port', 'security', 'vip')
    holder = make_port('--fixed-ip', 'ip-address=10.50.0.221')
    for _ in range(2):
        make_port('--allowed-address', 'ip-address=10.50.0.221')
    screen = check(cli, *vip, 'list', '--unmanaged', '--network',
                   network['id'])
    assert '10.50.0.221' in screen
    check(cli, *vip, 'check', '10.50.0.221', '--vmac', code=2)
    screen = check(cli, *vip, 'adopt', holder['name'],
                   '--network', network['id'], '--ip-address',
                   '10.50.0.221', '--dry-run')
    assert 'would adopt port' in screen
