"""Keystone and the Neutron API: gunicorn servers, their health, their end."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import time
from typing import Iterable

from localcloud import api
from localcloud import config
from localcloud.config import DevcloudError
from localcloud import profiles
from localcloud import system

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'


def server_env(svc: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env['PYTHONUNBUFFERED'] = '1'
    if svc == 'keystone':
        env['OS_KEYSTONE_CONFIG_DIR'] = os.path.join(config.ETC, 'keystone')
    else:
        env['OS_NEUTRON_CONFIG_DIR'] = os.path.join(config.ETC, 'neutron')
        env['OS_NEUTRON_CONFIG_FILES'] = (
            'neutron.conf;plugins/ml2/ml2_conf.ini;' + config.PROFILE_CONF)
        env['DEVCLOUD_UNLOAD_EXTENSIONS'] = ','.join(
            profiles.unloaded_extensions())
        # The OVN hash ring counts API workers; under gunicorn Neutron can
        # only learn the count from ASGI_WORKERS (else ports stay DOWN).
        env['ASGI_WORKERS'] = '1'
    return env


def pidfile(svc: str) -> str:
    return os.path.join(config.RUN, svc + '.pid')


def is_ours(pid: int, svc: str) -> bool:
    """True if pid is alive and is the gunicorn we started for svc.

    gunicorn rewrites its process title (setproctitle, which also clobbers
    /proc/PID/environ), so ownership is recognised by the working directory
    (gunicorn is started in the state dir) and the `devcloud-SVC` name that
    appears both in the original command line and in the process title.
    """
    if not system.alive(pid):
        return False
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmdline = f.read()
        cwd = os.readlink('/proc/%d/cwd' % pid)
    except OSError:
        return False
    return (cwd == os.path.realpath(config.STATE) and
            ('devcloud-' + svc).encode() in cmdline)


def running_pid(svc: str) -> int | None:
    try:
        with open(pidfile(svc)) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return None
    return pid if is_ours(pid, svc) else None


def port_free(port: int) -> bool:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((config.HOST, port))
        return True
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            return False
        raise
    finally:
        s.close()


def check_ports(svcs: Iterable[str]) -> None:
    """Refuse to go on if a port we need is held by something not ours."""
    for svc in svcs:
        if running_pid(svc) is not None:
            continue
        port = config.port_of(svc)
        if not port_free(port):
            raise DevcloudError(
                'port %s:%d (%s) is in use by a process that is not this '
                'devcloud (%s); stop it or set DEVCLOUD_%s_PORT'
                % (config.HOST, port, svc, config.STATE, svc.upper()))


def launch(svc: str) -> subprocess.Popen:
    """Start one service's gunicorn in the background (no health wait)."""
    check_ports([svc])
    os.makedirs(config.RUN, exist_ok=True)
    os.makedirs(config.LOG, exist_ok=True)
    cmd = [config.venv_bin('gunicorn'),
           '--bind', '%s:%d' % (config.HOST, config.port_of(svc)),
           '--workers', '1', '--worker-class', 'sync',
           '--timeout', '120', '--graceful-timeout', '5',
           '--no-control-socket',
           '--name', 'devcloud-' + svc,
           '--chdir', config.STATE,
           '--pythonpath', config.TOOLS,
           '--access-logfile', os.path.join(config.LOG,
                                            svc + '-access.log'),
           '--access-logformat', ACCESS_LOG_FORMAT,
           '--error-logfile', '-',
           'localcloud.%s_wsgi:application' % svc]
    logpath = os.path.join(config.LOG, svc + '.log')
    with open(logpath, 'ab') as logf:
        logf.write(('\n==== devcloud start %s %s\n'
                    % (svc, time.strftime('%Y-%m-%d %H:%M:%S'))).encode())
        logf.flush()
        p = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=server_env(svc),
                             cwd=config.STATE, start_new_session=True)
    with open(pidfile(svc), 'w') as f:
        f.write('%d\n' % p.pid)
    return p


def forget(svc: str) -> None:
    try:
        os.unlink(pidfile(svc))
    except OSError:
        pass


def stop_service(svc: str, quiet: bool = False) -> None:
    stop_services([svc], quiet)


def stop_services(svcs: Iterable[str], quiet: bool = False) -> None:
    """Stop the given services together: SIGTERM, wait, SIGKILL fallback."""
    members: set[int] = set()
    stopping = []
    for svc in svcs:
        pid = running_pid(svc)
        if pid is None:
            forget(svc)
            if not quiet:
                config.say('%s not running' % svc)
            continue
        # gunicorn was started as a session and process-group leader, so
        # its workers share its process group.
        members |= set(system.group_pids(pid)) | {pid}
        stopping.append(svc)
        system.signal_all([pid], signal.SIGTERM)
    if not stopping:
        return
    system.wait_gone(members, 10)
    system.signal_all([p for p in members if system.alive(p)],
                      signal.SIGKILL)
    # Wait for the exited processes to be reaped too, so that nothing (not
    # even a zombie) is left behind when we return.
    system.wait_gone(members, 5,
                     gone=lambda p: not os.path.exists('/proc/%d' % p))
    for svc in stopping:
        forget(svc)
        if not quiet:
            config.say('%s stopped' % svc)


def keystone_healthy(timeout: float = 10) -> tuple[bool, str]:
    try:
        api.get_token('admin', config.ADMIN_PASSWORD, 'admin',
                      timeout=timeout)
        return True, ''
    except Exception as e:  # noqa: BLE001
        return False, api.describe(e)


def neutron_healthy(timeout: float = 10) -> tuple[bool, str]:
    try:
        tokens = [api.get_token(u, p, u, timeout=timeout)
                  for u, p in (('admin', config.ADMIN_PASSWORD),
                               ('demo', config.DEMO_PASSWORD))]
        for tok in tokens:
            api.http('GET', config.neutron_url() + '/v2.0/networks',
                     token=tok, timeout=timeout)
        return True, ''
    except Exception as e:  # noqa: BLE001
        return False, api.describe(e)


def healthy(svc: str, timeout: float = 10) -> tuple[bool, str]:
    """(True, '') or (False, why) for one service."""
    check = keystone_healthy if svc == 'keystone' else neutron_healthy
    return check(timeout=timeout)


def wait_healthy(svc: str, procs: dict[str, subprocess.Popen],
                 deadline: float) -> None:
    """Wait until svc answers authenticated requests, or fail loudly."""
    why = ''
    log = os.path.join(config.LOG, svc + '.log')
    while time.time() < deadline:
        p = procs.get(svc)
        if p is not None and p.poll() is not None:
            raise DevcloudError('%s exited (code %s) during startup; tail of '
                                '%s:\n%s' % (svc, p.returncode, log,
                                             system.tail(log)))
        ok, why = healthy(svc, timeout=max(1, min(30,
                                                  deadline - time.time())))
        if ok:
            return
        time.sleep(0.25)
    raise DevcloudError('%s not healthy after %ds (%s); tail of %s:\n%s'
                        % (svc, config.START_TIMEOUT, why, log,
                           system.tail(log)))
