"""The verbs of ``tools/devcloud``: start, stop, status, reset, env, destroy.

Each returns the exit status; failures the user can act on are raised as
DevcloudError (exit 1).
"""

from __future__ import annotations

import os
import subprocess
import time

from localcloud import config
from localcloud.config import DevcloudError
from localcloud import dataplane
from localcloud import profiles
from localcloud import provision
from localcloud import services
from localcloud import vms


def first_start(api_only: bool, profile_name: str) -> int:
    try:
        provision.provision(
            api_only or os.environ.get('DEVCLOUD_API_ONLY') == '1',
            profile_name)
    except BaseException:
        services.stop_services(config.SERVICES, quiet=True)
        dataplane.stop_dataplane(quiet=True)
        raise
    config.say('cloud ready, profile %s; use: %s'
               % (profiles.describe_profile(profile_name), config.env_line()))
    return 0


def switch_profile(profile_name: str) -> None:
    """Neutron reads its configuration once: restart it (only it)."""
    if services.running_pid('neutron') is not None:
        services.stop_service('neutron', quiet=True)
        config.say('neutron stopped to change profile %s -> %s'
                   % (profiles.profile(), profile_name))
    profiles.write_profile(profile_name)


def ensure_dataplane() -> None:
    # A state dir provisioned before a package joined the list gets it
    # now (nothing is run when every binary is there).
    dataplane.ensure_packages()
    try:
        dataplane.start_dataplane()
    except BaseException:
        dataplane.stop_dataplane(quiet=True)
        raise


def start_services(wanted: list[str]) -> None:
    """Launch what is not running and wait until each one is healthy."""
    services.check_ports(wanted)
    deadline = time.time() + config.START_TIMEOUT
    procs: dict[str, subprocess.Popen] = {}
    for svc in wanted:
        if services.running_pid(svc) is None:
            procs[svc] = services.launch(svc)
    try:
        for svc in wanted:
            services.wait_healthy(svc, procs, deadline)
            where = '%s:%d' % (config.HOST, config.port_of(svc))
            if svc in procs:
                config.say('%s up on %s' % (svc, where))
            else:
                config.say('%s already running and healthy on %s'
                           % (svc, where))
    except BaseException:
        services.stop_services(list(procs), quiet=True)
        raise


def cmd_start(only: str | None = None, api_only: bool = False,
              profile_name: str = 'default') -> int:
    os.makedirs(config.STATE, exist_ok=True)
    provision.check_ports_file()
    if (os.path.exists(config.PROVISIONED) and api_only and
            config.mode() == 'dataplane'):
        raise DevcloudError('%s was provisioned with the data plane; run '
                            '`tools/devcloud destroy` first for an API-only '
                            'cloud' % config.STATE)
    provision.ensure_venv()
    if not os.path.exists(config.PROVISIONED):
        return first_start(api_only, profile_name)
    if only != 'keystone' and (profiles.profile() != profile_name or
                               not os.path.exists(profiles.profile_conf())):
        switch_profile(profile_name)
    if config.mode() == 'dataplane' and only != 'keystone':
        ensure_dataplane()
    if only == 'neutron' and services.running_pid('keystone') is None:
        raise DevcloudError('keystone is not running; run `tools/devcloud '
                            'start` (or `start keystone`) first')
    start_services([only] if only else list(config.SERVICES))
    if only != 'keystone':
        config.say('profile %s'
                   % profiles.describe_profile(profiles.profile()))
    return 0


def cmd_stop(only: str | None = None) -> int:
    # Neutron first: it depends on keystone.
    services.stop_services([only] if only else ['neutron', 'keystone'])
    if only is None:
        dataplane.stop_dataplane()
    return 0


def dataplane_status() -> bool:
    ok = True
    for name, pid in dataplane.dp_pids().items():
        if pid:
            print('%s: running (pid %d)' % (name, pid))
        else:
            print('%s: stopped' % name)
            ok = False
    if ok:
        if dataplane.chassis_registered():
            print('chassis %s: registered in OVN' % config.CHASSIS)
        else:
            print('chassis %s: NOT registered in OVN' % config.CHASSIS)
            ok = False
    records = vms.vm_records()
    print('vms: %d (%s)' % (len(records),
                            ', '.join(sorted(records)) or 'none'))
    return ok


def service_status(svc: str) -> bool:
    pid = services.running_pid(svc)
    if pid is None:
        print('%s: stopped' % svc)
        return False
    ok, why = services.healthy(svc)
    if ok:
        print('%s: running (pid %d) healthy on %s:%d'
              % (svc, pid, config.HOST, config.port_of(svc)))
    else:
        print('%s: running (pid %d) NOT healthy: %s' % (svc, pid, why))
    return ok


def cmd_status(only: str | None = None) -> int:
    ok_all = True
    if only is None:
        print('mode: %s' % (config.mode() or 'not provisioned'))
        print('profile: %s' % profiles.describe_profile(profiles.profile()))
        if config.mode() == 'dataplane':
            ok_all = dataplane_status()
    for svc in ([only] if only else config.SERVICES):
        ok_all = service_status(svc) and ok_all
    return 0 if ok_all else 1


def cmd_reset(only: str | None = None) -> int:
    if not os.path.exists(config.PROVISIONED):
        return cmd_start()
    cmd_stop()
    provision.restore_dbs()
    config.say('databases restored to the pristine snapshot')
    return cmd_start()


def cmd_env(only: str | None = None) -> int:
    print(config.env_line())
    print('# devcloud profile: %s'
          % profiles.describe_profile(profiles.profile()))
    return 0


def cmd_destroy(only: str | None = None) -> int:
    services.stop_services(['neutron', 'keystone'], quiet=True)
    dataplane.stop_dataplane(quiet=True)
    provision.wipe_state(keep_venv=True)
    config.say('removed %s (kept venv)' % config.STATE)
    return 0
