"""Running programs for the local cloud: commands, daemons, their ends."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from typing import Callable, Iterable

from localcloud import config
from localcloud.config import DevcloudError

SBIN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'


def tail(path: str, n: int = 30) -> str:
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64 * 1024))
            lines = f.read().decode('utf-8', 'replace').splitlines()
    except OSError:
        return '(no log %s)' % path
    return '\n'.join('    ' + line for line in lines[-n:])


def failed(what: str, rc: int, logpath: str) -> DevcloudError:
    return DevcloudError('%s failed (exit %d); tail of %s:\n%s'
                         % (what, rc, logpath, tail(logpath)))


def run(cmd: list[str], logpath: str, what: str,
        env: dict[str, str] | None = None) -> None:
    """Run a command, appending its output to logpath; raise on failure."""
    with open(logpath, 'ab') as logf:
        logf.write(('\n$ %s\n' % ' '.join(cmd)).encode())
        logf.flush()
        rc = subprocess.call(cmd, stdout=logf, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=env,
                             cwd=config.STATE)
    if rc != 0:
        raise failed(what, rc, logpath)


def spawn(cmd: list[str], logpath: str,
          env: dict[str, str] | None = None) -> subprocess.Popen:
    logf = open(logpath, 'ab')
    logf.write(('\n$ %s\n' % ' '.join(cmd)).encode())
    logf.flush()
    p = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, env=env, cwd=config.STATE)
    logf.close()
    return p


def wait_all(procs: list[tuple[str, subprocess.Popen, str]]) -> None:
    for what, p, logpath in procs:
        rc = p.wait()
        if rc != 0:
            raise failed(what, rc, logpath)


def alive(pid: int) -> bool:
    """True if pid exists and is not a zombie."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except (OSError, IndexError):
        return False


def group_pids(pgid: int) -> list[int]:
    """PIDs (zombies included) whose process group is pgid."""
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:
            pids.append(int(entry))
    return pids


def signal_all(pids: Iterable[int], sig: int) -> None:
    for p in pids:
        try:
            os.kill(p, sig)
        except ProcessLookupError:
            pass


def wait_gone(pids: Iterable[int], timeout: float,
              gone: Callable[[int], bool] = lambda p: not alive(p)) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and not all(gone(p) for p in pids):
        time.sleep(0.05)


def kill_and_wait(pids: Iterable[int | None], timeout: float = 15) -> None:
    """SIGTERM, wait up to ``timeout`` s, then SIGKILL what is left."""
    live = [p for p in pids if p]
    signal_all(live, signal.SIGTERM)
    wait_gone(live, timeout)
    signal_all([p for p in live if alive(p)], signal.SIGKILL)
    wait_gone(live, 5)


def which(name: str) -> str | None:
    return shutil.which(name,
                        path=SBIN_PATH + ':' + os.environ.get('PATH', ''))


def need(name: str) -> str:
    """The path of a program the data plane needs."""
    path = which(name)
    if path is None:
        raise DevcloudError('%s is not installed; `tools/devcloud start` '
                            'installs the packages the data plane needs'
                            % name)
    return path


def dp_env() -> dict[str, str]:
    """The environment of the OVS and OVN tools: private run/db dirs."""
    env = dict(os.environ)
    env['PATH'] = SBIN_PATH + ':' + env.get('PATH', '')
    env.update(OVS_RUNDIR=config.OVS_RUN, OVS_LOGDIR=config.LOG,
               OVS_DBDIR=config.OVS_DB,
               OVS_SYSCONFDIR=os.path.join(config.OVS_DB, 'etc'),
               OVN_RUNDIR=config.OVN_RUN, OVN_LOGDIR=config.LOG,
               OVN_DBDIR=config.OVN_DB,
               OVN_SYSCONFDIR=os.path.join(config.OVN_DB, 'etc'))
    return env


def sh(cmd: list[str], what: str | None = None, check: bool = True,
       timeout: float = 60) -> str:
    """Run a short system command; its output, or raise with its stderr."""
    p = subprocess.run(cmd, capture_output=True, text=True, env=dp_env(),
                       timeout=timeout, stdin=subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise DevcloudError('%s failed (exit %d): %s' % (
            what or ' '.join(cmd), p.returncode,
            (p.stderr or p.stdout).strip()[-500:]))
    return p.stdout


def pid_of_file(path: str) -> int | None:
    """The PID in path if that process is alive and one of ours."""
    try:
        with open(path) as f:
            pid = int(f.read().strip())
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmdline = f.read()
    except (OSError, ValueError):
        return None
    if not alive(pid) or os.path.realpath(config.STATE).encode() \
            not in cmdline:
        return None
    return pid
