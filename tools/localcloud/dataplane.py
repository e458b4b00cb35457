"""The data plane: Open vSwitch and OVN from Debian's packages, MariaDB.

Every file, socket and process is private to the state dir; the
namespaces and interfaces the kernel sees are tagged with it.
"""

from __future__ import annotations

import os
import subprocess

from localcloud import config
from localcloud.config import DevcloudError
from localcloud import mariadb
from localcloud import system

# binary -> Debian package
PACKAGES = (('ovs-vswitchd', 'openvswitch-switch'),
            ('ovn-northd', 'ovn-central'),
            ('ovn-controller', 'ovn-host'),
            ('mariadbd', 'mariadb-server'),
            ('ip', 'iproute2'),
            ('ping', 'iputils-ping'),
            ('nc', 'netcat-openbsd'),
            # Not used by the cloud itself: the VMs of the VIP failover
            # test and tools/demo-vip run it (VRRP between namespaces).
            ('keepalived', 'keepalived'))
SCHEMAS = (('ovs', 'conf.db', '/usr/share/openvswitch/vswitch.ovsschema'),
           ('ovn', 'ovnnb_db.db', '/usr/share/ovn/ovn-nb.ovsschema'),
           ('ovn', 'ovnsb_db.db', '/usr/share/ovn/ovn-sb.ovsschema'))


def dataplane_unavailable() -> str | None:
    """Why the data plane cannot run here, or None if it can."""
    if os.environ.get('DEVCLOUD_API_ONLY') == '1':
        return 'DEVCLOUD_API_ONLY=1 asks for the API-only cloud'
    if os.geteuid() != 0:
        return ('the data plane needs root (network namespaces, Open '
                'vSwitch)')
    if not system.which('ip') and not system.which('apt-get'):
        return 'neither iproute2 nor apt-get is available'
    if not system.which('ip'):
        return None   # installed below, then probed by the first VM
    probe = config.NS_PREFIX + 'probe'
    rc = subprocess.call(['ip', 'netns', 'add', probe],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if rc != 0:
        return 'this machine does not allow network namespaces'
    subprocess.call(['ip', 'netns', 'del', probe])
    return None


def ensure_packages() -> None:
    missing = sorted({pkg for binary, pkg in PACKAGES
                      if not system.which(binary)})
    if not missing:
        return
    if not system.which('apt-get'):
        raise DevcloudError('the data plane needs the Debian packages %s and '
                            'apt-get is not available; install them or use '
                            '--api-only' % ', '.join(missing))
    config.say('installing Debian packages: %s (apt-get, ~1-2 min)'
               % ' '.join(missing))
    os.makedirs(config.LOG, exist_ok=True)
    alog = os.path.join(config.LOG, 'apt.log')
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    system.run(['apt-get', 'update', '-q'], alog, 'apt-get update', env)
    system.run(['apt-get', 'install', '-y', '-q', '--no-install-recommends']
               + missing, alog, 'apt-get install', env)


def vsctl(*args: str, check: bool = True) -> str:
    return system.sh(['ovs-vsctl', '--db=unix:%s/db.sock' % config.OVS_RUN,
                      '--timeout=20'] + list(args), check=check)


def _daemon(name: str, rundir: str, argv: list[str],
            ctl: bool = True) -> tuple[str, list[str], str]:
    pid = os.path.join(rundir, name + '.pid')
    argv = argv + ['--pidfile=' + pid,
                   '--log-file=' + os.path.join(config.LOG, name + '.log'),
                   '--detach', '--no-chdir']
    if ctl:
        argv.append('--unixctl=' + os.path.join(rundir, name + '.ctl'))
    return name, argv, pid


def daemon_table() -> list[tuple[str, list[str], str]]:
    """(name, argv, pidfile) of the OVS/OVN daemons, in start order."""
    ovs_run, ovn_run = config.OVS_RUN, config.OVN_RUN
    ovs = 'unix:%s/db.sock' % ovs_run
    nb = 'unix:%s/ovnnb_db.sock' % ovn_run
    sb = 'unix:%s/ovnsb_db.sock' % ovn_run
    return [
        _daemon('ovsdb-server', ovs_run, [
            'ovsdb-server', os.path.join(config.OVS_DB, 'conf.db'),
            '--remote=punix:%s/db.sock' % ovs_run]),
        _daemon('ovs-vswitchd', ovs_run, [
            'ip', 'netns', 'exec', config.DP_NS, 'ovs-vswitchd', ovs]),
        _daemon('ovsdb-server-nb', ovn_run, [
            'ovsdb-server', os.path.join(config.OVN_DB, 'ovnnb_db.db'),
            '--remote=punix:%s/ovnnb_db.sock' % ovn_run]),
        _daemon('ovsdb-server-sb', ovn_run, [
            'ovsdb-server', os.path.join(config.OVN_DB, 'ovnsb_db.db'),
            '--remote=punix:%s/ovnsb_db.sock' % ovn_run]),
        _daemon('ovn-northd', ovn_run, [
            'ovn-northd', '--ovnnb-db=' + nb, '--ovnsb-db=' + sb]),
        # ovn-controller 23.03 has no --unixctl option.
        _daemon('ovn-controller', ovn_run, ['ovn-controller', ovs],
                ctl=False),
    ]


def dp_pids() -> dict[str, int | None]:
    pids = {'mariadb': mariadb.pid()}
    for name, _, pidfile_ in daemon_table():
        pids[name] = system.pid_of_file(pidfile_)
    return pids


def fresh_databases() -> None:
    """Empty OVS and OVN databases; Neutron's copied from the snapshot."""
    for d in (config.OVS_RUN, config.OVN_RUN, config.OVS_DB, config.OVN_DB,
              config.LOG, config.VMS):
        os.makedirs(d, exist_ok=True)
    for name in os.listdir(config.VMS):
        os.unlink(os.path.join(config.VMS, name))
    mariadb.fresh_copy()
    for sub, name, schema in SCHEMAS:
        db = os.path.join(config.STATE, sub, name)
        if os.path.exists(db):
            os.unlink(db)
        system.sh(['ovsdb-tool', 'create', db, schema])


def chassis_and_bridge() -> None:
    """The local chassis in OVN, and its integration bridge."""
    vsctl('set', 'open_vswitch', '.',
          'external_ids:system-id=' + config.CHASSIS,
          'external_ids:hostname=' + config.CHASSIS,
          'external_ids:ovn-remote=unix:%s/ovnsb_db.sock' % config.OVN_RUN,
          'external_ids:ovn-encap-type=geneve',
          'external_ids:ovn-encap-ip=127.0.0.1',
          'external_ids:ovn-bridge=' + config.BRIDGE,
          'external_ids:ovn-bridge-datapath-type=netdev')
    # Userspace datapath: no kernel module needed.
    vsctl('--may-exist', 'add-br', config.BRIDGE, '--', 'set', 'bridge',
          config.BRIDGE, 'datapath_type=netdev', 'fail-mode=secure',
          'other-config:disable-in-band=true')


def start_dataplane() -> bool:
    """Start MariaDB (from the pristine copy), OVS and OVN, fresh."""
    pids = dp_pids()
    if all(pids.values()):
        return False
    if any(pids.values()):
        stop_dataplane(quiet=True)
    fresh_databases()
    mariadb.start_mariadb(config.MYSQL_DIR)
    if config.DP_NS not in our_namespaces():
        system.sh(['ip', 'netns', 'add', config.DP_NS])
    system.sh(['ip', '-n', config.DP_NS, 'link', 'set', 'lo', 'up'])
    for name, argv, _ in daemon_table():
        system.sh(argv, 'starting ' + name)
        if name == 'ovsdb-server':
            vsctl('--no-wait', 'init')
        if name == 'ovs-vswitchd':
            chassis_and_bridge()
    config.say('MariaDB, Open vSwitch and OVN up (chassis %s, bridge %s)'
               % (config.CHASSIS, config.BRIDGE))
    return True


def our_namespaces() -> list[str]:
    try:
        names = os.listdir('/run/netns')
    except OSError:
        return []
    return sorted(n for n in names if n.startswith(config.NS_PREFIX))


def our_links(ns: str | None = None) -> list[str]:
    """Our interfaces in the root namespace, or in ``ns``."""
    where = ['-n', ns] if ns else []
    out = system.sh(['ip'] + where + ['-o', 'link', 'show'],
                    check=False) if system.which('ip') else ''
    links = []
    for line in out.splitlines():
        parts = line.split(':', 2)
        if len(parts) > 1:
            name = parts[1].strip().split('@')[0]
            if name.startswith(config.IF_PREFIX):
                links.append(name)
    return links


def stop_dataplane(quiet: bool = False) -> None:
    for ns in our_namespaces():
        system.sh(['ip', 'netns', 'del', ns], check=False)
    if os.path.isdir(config.VMS):
        for name in os.listdir(config.VMS):
            os.unlink(os.path.join(config.VMS, name))
    pids = dp_pids()
    system.kill_and_wait([pids[name] for name, _, _ in
                          reversed(daemon_table())])
    mariadb.stop_mariadb()
    for link in our_links():
        system.sh(['ip', 'link', 'del', link], check=False)
    if not quiet and any(pids.values()):
        config.say('MariaDB, Open vSwitch and OVN stopped; VM namespaces '
                   'removed')


def chassis_registered() -> bool:
    chassis = system.sh(['ovn-sbctl',
                         '--db=unix:%s/ovnsb_db.sock' % config.OVN_RUN,
                         '--timeout=5', '--bare', '--columns=name', 'list',
                         'chassis'], check=False).split()
    return config.CHASSIS in chassis
