"""Neutron's database on the data plane: a private MariaDB server.

The schema is migrated once at provisioning into a pristine data dir, which
each start copies: Neutron starts from the migrated snapshot and OVN from
empty databases, so the two always agree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

from localcloud import config
from localcloud.config import DevcloudError
from localcloud import services
from localcloud import system


def pid() -> int | None:
    return system.pid_of_file(config.MYSQL_PID)


def start_mariadb(datadir: str) -> None:
    os.makedirs(config.RUN, exist_ok=True)
    log = os.path.join(config.LOG, 'mariadb.log')
    cmd = [system.need('mariadbd'), '--no-defaults', '--datadir=' + datadir,
           '--socket=' + config.MYSQL_SOCK, '--pid-file=' + config.MYSQL_PID,
           '--skip-networking', '--skip-grant-tables',
           '--log-error=' + log,
           '--innodb-buffer-pool-size=64M', '--max-connections=300',
           '--innodb-flush-log-at-trx-commit=2', '--skip-log-bin',
           '--character-set-server=utf8mb4']
    if os.geteuid() == 0:
        cmd.append('--user=root')
    p = system.spawn(cmd, log)
    deadline = time.time() + 60
    while time.time() < deadline:
        if p.poll() is not None:
            raise DevcloudError('mariadbd exited (code %s); tail of %s:\n%s'
                                % (p.returncode, log, system.tail(log)))
        if subprocess.call([system.need('mariadb-admin'), '--no-defaults',
                            '--socket=' + config.MYSQL_SOCK, 'ping'],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL) == 0:
            return
        time.sleep(0.2)
    raise DevcloudError('mariadbd did not answer within 60 s; see %s' % log)


def stop_mariadb() -> None:
    system.kill_and_wait([pid()], timeout=30)


def provision_neutron_mysql(plog: str) -> None:
    """Migrate Neutron's schema once on MariaDB; keep the data dir."""
    build = config.MYSQL_PRISTINE + '.build'
    shutil.rmtree(build, ignore_errors=True)
    cmd = [system.need('mariadb-install-db'), '--no-defaults',
           '--datadir=' + build,
           '--auth-root-authentication-method=normal', '--skip-test-db']
    if os.geteuid() == 0:
        cmd.append('--user=root')
    system.run(cmd, plog, 'mariadb-install-db', system.dp_env())
    start_mariadb(build)
    try:
        system.run([system.need('mariadb'), '--no-defaults',
                    '--socket=' + config.MYSQL_SOCK,
                    '-e', 'CREATE DATABASE neutron CHARACTER SET utf8mb4'],
                   plog, 'create the neutron database')
        config.say('migrating the Neutron database on MariaDB (first run, '
                   '~1-3 min)')
        conf = os.path.join(config.ETC, 'neutron')
        system.run([config.venv_bin('neutron-db-manage'),
                    '--config-file', os.path.join(conf, 'neutron.conf'),
                    '--config-file', os.path.join(conf, 'plugins', 'ml2',
                                                  'ml2_conf.ini'),
                    'upgrade', 'heads'], plog,
                   'neutron-db-manage upgrade heads',
                   services.server_env('neutron'))
    finally:
        stop_mariadb()
    shutil.rmtree(config.MYSQL_PRISTINE, ignore_errors=True)
    os.replace(build, config.MYSQL_PRISTINE)


def fresh_copy() -> None:
    """Neutron's data dir, copied anew from the migrated snapshot."""
    shutil.rmtree(config.MYSQL_DIR, ignore_errors=True)
    shutil.copytree(config.MYSQL_PRISTINE, config.MYSQL_DIR)
