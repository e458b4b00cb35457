"""Where the local cloud lives and what it is called: paths, ports, names.

Everything is read from the environment once, when the module is imported
(DEVCLOUD_DIR, DEVCLOUD_KEYSTONE_PORT, DEVCLOUD_NEUTRON_PORT,
DEVCLOUD_PAGE_SIZE); every file, socket and process of the cloud is
private to the state dir.
"""

from __future__ import annotations

import hashlib
import os

PACKAGE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(PACKAGE)
ROOT = os.path.dirname(TOOLS)
CONSTRAINTS = os.path.join(TOOLS, 'devcloud-constraints.txt')

STATE = os.path.abspath(os.environ.get('DEVCLOUD_DIR') or
                        os.path.join(ROOT, '.devcloud'))
VENV = os.path.join(STATE, 'venv')
LOG = os.path.join(STATE, 'log')
RUN = os.path.join(STATE, 'run')
ETC = os.path.join(STATE, 'etc')
DATA = os.path.join(STATE, 'data')
PRISTINE = os.path.join(STATE, 'pristine')
PROVISIONED = os.path.join(STATE, '.provisioned')
PORTS_FILE = os.path.join(STATE, 'ports.json')
CLOUDS_YAML = os.path.join(STATE, 'clouds.yaml')
PROFILE_FILE = os.path.join(STATE, 'profile')
PROFILE_CONF = 'profile.conf'
MODE_FILE = os.path.join(STATE, 'mode')
VMS = os.path.join(STATE, 'vms')

HOST = '127.0.0.1'
KEYSTONE_PORT = int(os.environ.get('DEVCLOUD_KEYSTONE_PORT') or 25000)
NEUTRON_PORT = int(os.environ.get('DEVCLOUD_NEUTRON_PORT') or 29696)

# Fixed credentials of this throw-away local test cloud.
ADMIN_PASSWORD = 'devcloud-admin'
DEMO_PASSWORD = 'devcloud-demo'
NEUTRON_PASSWORD = 'devcloud-neutron'

SERVICES = ('keystone', 'neutron')
PAGE_SIZE = int(os.environ.get('DEVCLOUD_PAGE_SIZE') or 3)
START_TIMEOUT = 120

# Names the kernel sees are global: tag them with the state dir, so two
# clouds on one machine never touch each other's namespaces or devices.
TAG = hashlib.sha256(os.path.realpath(STATE).encode()).hexdigest()[:4]
CHASSIS = 'devcloud-' + TAG
NS_PREFIX = 'ovsc-%s-' % TAG
IF_PREFIX = 'ovsc%s' % TAG
# ovs-vswitchd runs in a namespace of its own: its userspace datapath
# makes a tap device named "ovs-netdev", one name per namespace, so a
# second data-plane cloud on the machine (another state dir) could not
# start its datapath beside the first. A VM name has no underscore, so
# this never names a VM's namespace.
DP_NS = NS_PREFIX + '_datapath'
BRIDGE = 'ovsc%s-int' % TAG
OVS_RUN = os.path.join(RUN, 'ovs')
OVN_RUN = os.path.join(RUN, 'ovn')
OVS_DB = os.path.join(STATE, 'ovs')
OVN_DB = os.path.join(STATE, 'ovn')
MYSQL_DIR = os.path.join(DATA, 'mysql')
MYSQL_PRISTINE = os.path.join(PRISTINE, 'mysql')
MYSQL_SOCK = os.path.join(RUN, 'mysqld.sock')
MYSQL_PID = os.path.join(RUN, 'mariadb.pid')


class DevcloudError(Exception):
    """A failure the user can act on: printed as one ``ERROR:`` line."""


def say(msg: str) -> None:
    print('devcloud: ' + msg, flush=True)


def port_of(svc: str) -> int:
    return KEYSTONE_PORT if svc == 'keystone' else NEUTRON_PORT


def keystone_url() -> str:
    return 'http://%s:%d' % (HOST, KEYSTONE_PORT)


def neutron_url() -> str:
    return 'http://%s:%d' % (HOST, NEUTRON_PORT)


def venv_bin(name: str) -> str:
    return os.path.join(VENV, 'bin', name)


def mode() -> str | None:
    """'dataplane' or 'api-only', as provisioned (None before that)."""
    try:
        with open(MODE_FILE) as f:
            return f.read().strip() or None
    except OSError:
        # Provisioned before the data plane existed: API only.
        return 'api-only' if os.path.exists(PROVISIONED) else None


def env_line() -> str:
    return 'export OS_CLIENT_CONFIG_FILE=%s' % CLOUDS_YAML


def mysql_url() -> str:
    return ('mysql+pymysql://root@/neutron?unix_socket=%s&charset=utf8mb4'
            % MYSQL_SOCK)
