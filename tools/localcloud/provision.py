"""First run of a state dir: the venv, databases, keys, the first start.

A provisioned state dir keeps pristine copies of its databases, so that
``reset`` can put the cloud back as it was.
"""

from __future__ import annotations

import grp
import hashlib
import json
import os
import pwd
import shutil
import sqlite3
import sys
import time

from localcloud import api
from localcloud import conffiles
from localcloud import config
from localcloud.config import DevcloudError
from localcloud import dataplane
from localcloud import keystone
from localcloud import mariadb
from localcloud import profiles
from localcloud import services
from localcloud import system


def constraints_hash() -> str:
    with open(config.CONSTRAINTS, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def ensure_venv() -> None:
    marker = os.path.join(config.VENV, '.devcloud-constraints.sha256')
    want = constraints_hash()
    try:
        with open(marker) as f:
            if f.read().strip() == want:
                return
    except OSError:
        pass
    os.makedirs(config.LOG, exist_ok=True)
    piplog = os.path.join(config.LOG, 'pip.log')
    if not os.path.exists(config.venv_bin('python')):
        config.say('installing venv in %s (first run, ~1 min)' % config.VENV)
        system.run([sys.executable, '-m', 'venv', config.VENV], piplog,
                   'venv creation')
    else:
        config.say('updating venv from %s'
                   % os.path.relpath(config.CONSTRAINTS, config.ROOT))
    system.run([config.venv_bin('python'), '-m', 'pip', 'install',
                '--disable-pip-version-check', '-q', '-r',
                config.CONSTRAINTS], piplog, 'pip install')
    with open(marker, 'w') as f:
        f.write(want + '\n')


def check_ports_file() -> None:
    want = {'keystone': config.KEYSTONE_PORT, 'neutron': config.NEUTRON_PORT}
    try:
        with open(config.PORTS_FILE) as f:
            have = json.load(f)
    except (OSError, ValueError):
        return
    if have != want:
        raise DevcloudError(
            '%s was provisioned for ports %s but the environment asks for %s; '
            'run `tools/devcloud destroy` first' % (config.STATE, have, want))


def wipe_state(keep_venv: bool = True) -> None:
    if not os.path.isdir(config.STATE):
        return
    for name in os.listdir(config.STATE):
        if keep_venv and name == 'venv':
            continue
        path = os.path.join(config.STATE, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def sqlite_dbs() -> tuple[str, ...]:
    if config.mode() == 'dataplane':
        return ('keystone.sqlite',)   # Neutron's is MariaDB's data dir
    return ('keystone.sqlite', 'neutron.sqlite')


def snapshot_dbs() -> None:
    os.makedirs(config.PRISTINE, exist_ok=True)
    for name in sqlite_dbs():
        src = sqlite3.connect(os.path.join(config.DATA, name))
        dst = sqlite3.connect(os.path.join(config.PRISTINE, name + '.tmp'))
        with dst:
            src.backup(dst)
        dst.close()
        src.close()
        os.replace(os.path.join(config.PRISTINE, name + '.tmp'),
                   os.path.join(config.PRISTINE, name))


def restore_dbs() -> None:
    for name in sqlite_dbs():
        for suffix in ('-journal', '-wal', '-shm'):
            try:
                os.unlink(os.path.join(config.DATA, name + suffix))
            except OSError:
                pass
        shutil.copyfile(os.path.join(config.PRISTINE, name),
                        os.path.join(config.DATA, name + '.tmp'))
        os.replace(os.path.join(config.DATA, name + '.tmp'),
                   os.path.join(config.DATA, name))


def new_state(dataplane_mode: bool, profile_name: str) -> None:
    """An empty state dir: its mode, directories, ports and configuration."""
    services.stop_services(config.SERVICES, quiet=True)
    dataplane.stop_dataplane(quiet=True)
    services.check_ports(config.SERVICES)
    wipe_state(keep_venv=True)
    os.makedirs(config.STATE, exist_ok=True)
    with open(config.MODE_FILE, 'w') as f:
        f.write('dataplane\n' if dataplane_mode else 'api-only\n')
    for d in (config.LOG, config.RUN, config.DATA,
              os.path.join(config.STATE, 'keystone', 'lock'),
              os.path.join(config.STATE, 'neutron', 'lock')):
        os.makedirs(d, exist_ok=True)
    for d in ('fernet-keys', 'credential-keys'):
        os.makedirs(os.path.join(config.STATE, 'keystone', d), mode=0o700,
                    exist_ok=True)
    with open(config.PORTS_FILE, 'w') as f:
        json.dump({'keystone': config.KEYSTONE_PORT,
                   'neutron': config.NEUTRON_PORT}, f)
    conffiles.write_configs(dataplane_mode)
    profiles.write_profile(profile_name)


def databases(dataplane_mode: bool, plog: str) -> None:
    """Keystone's database and keys, and Neutron's database."""
    kconf = os.path.join(config.ETC, 'keystone', 'keystone.conf')
    kenv = services.server_env('keystone')
    kmanage = [config.venv_bin('keystone-manage'), '--config-file', kconf]
    owner = ['--keystone-user', pwd.getpwuid(os.getuid()).pw_name,
             '--keystone-group', grp.getgrgid(os.getgid()).gr_name]
    # Independent steps run in parallel (keystone-manage is slow to import).
    procs = [(what, system.spawn(kmanage + args, plog, kenv), plog)
             for what, args in (
                 ('keystone-manage db_sync', ['db_sync']),
                 ('keystone-manage fernet_setup', ['fernet_setup'] + owner),
                 ('keystone-manage credential_setup',
                  ['credential_setup'] + owner))]
    if dataplane_mode:
        mariadb.provision_neutron_mysql(plog)
    else:
        procs.append((
            'neutron db init',
            system.spawn([config.venv_bin('python'),
                          os.path.join(config.PACKAGE, 'neutron_db_init.py'),
                          'sqlite:///%s/neutron.sqlite' % config.DATA], plog,
                         services.server_env('neutron')), plog))
    system.wait_all(procs)
    url = config.keystone_url() + '/v3'
    system.run(kmanage + [
        'bootstrap', '--bootstrap-password', config.ADMIN_PASSWORD,
        '--bootstrap-username', 'admin',
        '--bootstrap-project-name', 'admin',
        '--bootstrap-role-name', 'admin',
        '--bootstrap-service-name', 'keystone',
        '--bootstrap-region-id', 'RegionOne',
        '--bootstrap-admin-url', url, '--bootstrap-internal-url', url,
        '--bootstrap-public-url', url],
        plog, 'keystone-manage bootstrap', kenv)
    config.say('keystone database ready')


def first_start() -> None:
    """Both services up, Keystone's resources made, databases saved."""
    deadline = time.time() + config.START_TIMEOUT
    procs = {'keystone': services.launch('keystone')}
    # Neutron only talks to keystone when the first request comes in, so it
    # can load while keystone users are being created.
    procs['neutron'] = services.launch('neutron')
    services.wait_healthy('keystone', procs, deadline)
    config.say('keystone up on %s:%d' % (config.HOST, config.KEYSTONE_PORT))
    try:
        keystone.create_keystone_resources()
    except Exception as e:  # noqa: BLE001
        raise DevcloudError('creating keystone projects/users/endpoints '
                            'failed: %s' % api.describe(e))
    config.say('keystone projects, users and network endpoints created')
    services.wait_healthy('neutron', procs, deadline)
    config.say('neutron up on %s:%d' % (config.HOST, config.NEUTRON_PORT))
    snapshot_dbs()
    with open(config.PROVISIONED, 'w') as f:
        f.write(time.strftime('%Y-%m-%dT%H:%M:%S\n'))


def provision(api_only: bool = False,
              profile_name: str = 'default') -> None:
    why = ('asked for with --api-only' if api_only
           else dataplane.dataplane_unavailable())
    dataplane_mode = why is None
    if dataplane_mode:
        dataplane.ensure_packages()
        config.say('provisioning %s with the data plane (first run, ~2-4 '
                   'min)' % config.STATE)
    else:
        config.say('provisioning %s as an API-only cloud (no packets): %s'
                   % (config.STATE, why))
    new_state(dataplane_mode, profile_name)
    databases(dataplane_mode, os.path.join(config.LOG, 'provision.log'))
    if dataplane_mode:
        dataplane.start_dataplane()
    first_start()
