"""Run the real ``openstack`` binary as a user would.

Shared by the functional tests and the benchmarks, so that both drive the
installed command the same way: the local cloud's clouds.yaml named
explicitly, no OS_* variables from the caller, a private journal.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import subprocess
import sys
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[2]
OPENSTACK = str(pathlib.Path(sys.executable).parent / 'openstack')


def clouds_yaml() -> str:
    return os.environ.get('OS_CLIENT_CONFIG_FILE') or str(
        pathlib.Path(os.environ.get('DEVCLOUD_DIR') or ROOT / '.devcloud')
        / 'clouds.yaml'
    )


@dataclasses.dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def data(self) -> Any:
        return json.loads(self.stdout)


class Cli:
    """Runs ``openstack`` as a user would, with a private journal."""

    def __init__(self, state_home: pathlib.Path, workdir: pathlib.Path,
                 openstack: str = OPENSTACK):
        self.state_home = state_home
        self.workdir = workdir
        self.openstack = openstack

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        # openstacksdk would also read a clouds.yaml in the working
        # directory; the file is always named explicitly.
        env['OS_CLIENT_CONFIG_FILE'] = clouds_yaml()
        env['XDG_STATE_HOME'] = str(self.state_home)
        for key in list(env):
            if key.startswith('OS_') and key != 'OS_CLIENT_CONFIG_FILE':
                del env[key]
        return env

    def command(self, args: list[str], cloud: str) -> list[str]:
        return [self.openstack, '--os-cloud', cloud, *args]

    def run(self, *args: str, cloud: str = 'demo',
            timeout: float = 120) -> Result:
        proc = subprocess.run(
            self.command(list(args), cloud), env=self.env(),
            cwd=self.workdir, capture_output=True, text=True,
            timeout=timeout,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def ok(self, *args: str, cloud: str = 'demo') -> Any:
        """Run with ``-f json``; fail on a non-zero exit."""
        result = self.run(*args, '-f', 'json', cloud=cloud)
        assert result.returncode == 0, (
            f'openstack {" ".join(args)} exited {result.returncode}:\n'
            f'{result.stderr}'
        )
        return result.data if result.stdout.strip() else None

    def fails(self, *args: str, cloud: str = 'demo') -> str:
        """Run, expect a non-zero exit without a traceback; the stderr."""
        result = self.run(*args, cloud=cloud)
        assert result.returncode != 0, (
            f'openstack {" ".join(args)} succeeded:\n{result.stdout}'
        )
        assert 'Traceback' not in result.stderr, result.stderr
        return result.stderr

    def port(self, ref: str, cloud: str = 'demo') -> dict[str, Any]:
        """The port as OSC's own ``port show`` sees it."""
        return self.ok('port', 'show', ref, cloud=cloud)
