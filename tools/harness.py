"""What every benchmark shares: the cloud, the commands, the counting.

- ``ensure_cloud``: the local cloud of ``tools/devcloud``, started if it is
  not running;
- ``wheel_python``: a fresh venv with the wheel installed as users install
  it (and ``release_python`` for an older commit of this repository);
- ``Cloud``: the functional tests' ``openstack`` runner, timed, with the
  Neutron requests of each command counted from Neutron's access log
  (``log_offset`` and ``requests_since`` for commands run otherwise);
- ``parser``: the common options ``--runs`` and ``--output``; ``emit``
  prints a result and writes it to ``--output``;
- ``machine`` and ``today``: the header of results; ``table`` and ``shape``
  format them as reStructuredText.

The benchmarks run with the project's venv, which has this repository on
its path (``tools/venv``), so ``tests.functional`` imports as a package.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
import time
from typing import Any

try:
    from tests.functional import cli
except ImportError as e:  # not the project's venv, or one made before
    raise SystemExit(f'{e}: run the benchmarks with the project\'s venv '
                     f'(.venv/bin/python), made or updated by tools/venv, '
                     f'which puts this checkout on its path') from e

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEVCLOUD = str(ROOT / 'tools' / 'devcloud')
STATE = pathlib.Path(os.environ.get('DEVCLOUD_DIR') or ROOT / '.devcloud')
ACCESS_LOG = STATE / 'log' / 'neutron-access.log'
REQUEST = re.compile(r'"(GET|POST|PUT|DELETE) (\S+) HTTP/[\d.]+" (\d+)')
# gunicorn writes a request's access line just after replying.
LOG_SETTLE = 0.2


def parser(doc: str, runs: int, output: str | None = None,
           runs_help: str = 'how many times each measurement is repeated'
           ) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark has."""
    first, _, rest = doc.partition('\n')
    p = argparse.ArgumentParser(
        description=first, epilog=rest,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--runs', type=int, default=runs, metavar='<n>',
                   help=f'{runs_help} (default {runs})')
    p.add_argument('--output', default=output, metavar='<file>',
                   help='also write the results to this file' +
                   (f' (default {output})' if output else ''))
    return p


def emit(text: str, output: str | None) -> None:
    """Print the results; write them to ``output`` too, if given."""
    print(text, flush=True)
    if output:
        pathlib.Path(output).write_text(
            text if text.endswith('\n') else text + '\n')


def devcloud_status() -> tuple[int, str]:
    proc = subprocess.run([DEVCLOUD, 'status'], capture_output=True,
                          text=True)
    return proc.returncode, proc.stdout


def ensure_cloud(profile: str | None = None,
                 env: dict[str, str] | None = None) -> str:
    """The local cloud running (on ``profile``, if given); its status.

    A cloud that is not running is started (``tools/devcloud start``); one
    that runs another profile than the benchmark needs is left alone, and
    the benchmark stops with the command that would switch it.
    """
    code, status = devcloud_status()
    running = re.search(r'^profile: (\S+)', status, re.M)
    if code == 0 and running and profile not in (None, running.group(1)):
        hint = ''.join(f'{k}={v} ' for k, v in (env or {}).items())
        raise SystemExit(f'the local cloud runs the {running.group(1)} '
                         f'profile; this benchmark needs {profile}: '
                         f'{hint}tools/devcloud start --profile {profile}')
    if code != 0:
        subprocess.run([DEVCLOUD, 'start'] +
                       (['--profile', profile] if profile else []),
                       check=True, env=dict(os.environ, **(env or {})))
        code, status = devcloud_status()
        if code != 0:
            raise SystemExit(f'the local cloud is not healthy:\n{status}')
    return status


def cloud_mode() -> str:
    """'dataplane' or 'api-only', as the local cloud was provisioned."""
    try:
        return (STATE / 'mode').read_text().strip()
    except OSError:
        return 'api-only'


def wheel_python(workdir: str, source: pathlib.Path = ROOT,
                 version: str | None = None) -> str:
    """A fresh venv with the wheel installed as users install it.

    An editable install imports through a finder of its own, and without
    bytecode every import compiles: neither is what users run. ``version``
    is given to pbr for a source without git metadata.
    """
    dist = os.path.join(workdir, 'dist')
    venv = os.path.join(workdir, 'wheel-venv')
    build_env = dict(os.environ, **({'PBR_VERSION': version}
                                    if version else {}))
    subprocess.run([sys.executable, '-m', 'build', '--wheel', '--outdir',
                    dist, str(source)], check=True, capture_output=True,
                   env=build_env)
    subprocess.run([sys.executable, '-m', 'venv', venv], check=True)
    python = os.path.join(venv, 'bin', 'python')
    wheel = next(pathlib.Path(dist).glob('*.whl'))
    subprocess.run([python, '-m', 'pip', 'install', '-q', str(wheel),
                    'python-openstackclient'], check=True,
                   capture_output=True)
    return python


def release_python(workdir: str, ref: str) -> str:
    """:func:`wheel_python` for the commit ``ref`` of this repository."""
    source = pathlib.Path(workdir) / 'release-source'
    source.mkdir()
    archive = subprocess.run(['git', '-C', str(ROOT), 'archive', ref],
                             capture_output=True, check=True).stdout
    subprocess.run(['tar', '-x', '-C', str(source)], input=archive,
                   check=True)
    target = os.path.join(workdir, 'release')
    os.mkdir(target)
    return wheel_python(target, source, version='0.1.0')


def openstack_of(python: str) -> str:
    """The ``openstack`` command beside a venv's ``python``."""
    return os.path.join(os.path.dirname(python), 'openstack')


def log_offset() -> int:
    return ACCESS_LOG.stat().st_size


def requests_since(offset: int,
                   settle: float = LOG_SETTLE) -> list[tuple[str, ...]]:
    """(method, path, status) of each Neutron request since ``offset``."""
    time.sleep(settle)
    with open(ACCESS_LOG) as log:
        log.seek(offset)
        found = [REQUEST.search(line) for line in log]
    return [m.groups() for m in found if m]


def user_env(state_home: pathlib.Path) -> dict[str, str]:
    """The functional tests' environment, with bytecode as users have it."""
    env = cli.Cli(state_home, ROOT).env()
    env.pop('PYTHONDONTWRITEBYTECODE', None)
    return env


class Cloud(cli.Cli):
    """The functional tests' ``openstack`` runner, timed and counted."""

    def __init__(self, workdir: str, openstack: str = cli.OPENSTACK) -> None:
        super().__init__(pathlib.Path(workdir) / 'state',
                         pathlib.Path(workdir), openstack)

    def env(self) -> dict[str, str]:
        return user_env(self.state_home)

    def cmd(self, *args: str, cloud: str = 'demo') -> list[str]:
        return self.command(list(args), cloud)

    def run(self, *args: str, cloud: str = 'demo',  # type: ignore[override]
            check: bool = True, timeout: float = 600) -> cli.Result:
        result = super().run(*args, cloud=cloud, timeout=timeout)
        if check and result.returncode:
            raise SystemExit(f'openstack {" ".join(args)}: {result.stderr}')
        return result

    def json(self, *args: str, cloud: str = 'demo') -> Any:
        return json.loads(self.run(*args, '-f', 'json', cloud=cloud).stdout)

    def timed(self, *args: str) -> float:
        start = time.perf_counter()
        self.run(*args)
        return time.perf_counter() - start

    def requests(self, *args: str,
                 cloud: str = 'demo') -> tuple[list[tuple[str, ...]], float]:
        """Run a command; the Neutron requests it sent, and its time."""
        offset = log_offset()
        start = time.perf_counter()
        self.run(*args, cloud=cloud)
        elapsed = time.perf_counter() - start
        return requests_since(offset), elapsed


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A reStructuredText grid table."""
    cols = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cols) for i in range(len(header))]
    line = '+' + '+'.join('-' * (w + 2) for w in widths) + '+'

    def fmt(r: list[str]) -> str:
        return '| ' + ' | '.join(c.ljust(w) for c, w in zip(r, widths)) + \
            ' |'
    out = [line, fmt(cols[0]), line.replace('-', '=')]
    for r in cols[1:]:
        out += [fmt(r), line]
    return '\n'.join(out)


def shape(requests: list[tuple[str, ...]]) -> str:
    """Requests as a reader wants them: IDs and names as placeholders."""
    parts = []
    for method, path, status in requests:
        path = path.split('?')[0]
        path = re.sub(r'[0-9a-f]{8}-[0-9a-f-]{27}', '<id>', path)
        path = re.sub(r'/v2\.0/ports/(?!<id>)[^/]+$', '/v2.0/ports/<name>',
                      path)
        query = '?…' if '?' in path else ''
        parts.append(f'{method} {path}{query} {status}')
    return ', '.join(parts)


def machine() -> str:
    """The machine a result was measured on, for its header."""
    return (f'{platform.machine()}, {os.cpu_count()} cores, Python '
            f'{platform.python_version()}')


def today() -> str:
    return datetime.date.today().isoformat()
