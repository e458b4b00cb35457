"""VMs: network namespaces plugged into Neutron ports (data plane only).

A VM is an OVS internal port carrying the Neutron port's ID, moved into a
namespace of its own with the port's MAC and addresses; binding the port
to the local chassis makes ovn-controller claim it.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from typing import Any

from localcloud import api
from localcloud import config
from localcloud.config import DevcloudError
from localcloud import dataplane
from localcloud import system

NAME = re.compile(r'[a-z0-9][a-z0-9-]{0,39}')


def vm_records() -> dict[str, dict[str, Any]]:
    recs: dict[str, dict[str, Any]] = {}
    if os.path.isdir(config.VMS):
        for name in os.listdir(config.VMS):
            try:
                with open(os.path.join(config.VMS, name)) as f:
                    recs[name[:-5]] = json.load(f)
            except (OSError, ValueError):
                pass
    return recs


def require_dataplane() -> None:
    if config.mode() != 'dataplane':
        raise DevcloudError('VMs need the data-plane cloud; this one (%s) '
                            'is API only' % config.STATE)
    if not all(dataplane.dp_pids().values()):
        raise DevcloudError('the data plane is not running; run '
                            '`tools/devcloud start`')


def netns(ns: str, *cmd: str) -> str:
    return system.sh(['ip', 'netns', 'exec', ns] + list(cmd))


def record(name: str, port: dict[str, Any]) -> dict[str, Any]:
    """What the VM of ``port`` will be: namespace, interface, addresses."""
    addrs = []
    for fip in port['fixed_ips']:
        subnet = api.admin_api('GET', '/v2.0/subnets/' + fip['subnet_id'])
        prefix = subnet['subnet']['cidr'].split('/')[1]
        addrs.append('%s/%s' % (fip['ip_address'], prefix))
    ifname = config.IF_PREFIX + port['id'].replace('-', '')[
        :15 - len(config.IF_PREFIX)]
    return {'name': name, 'namespace': config.NS_PREFIX + name,
            'interface': ifname, 'port_id': port['id'],
            'mac': port['mac_address'], 'addresses': addrs}


def plug(rec: dict[str, Any]) -> None:
    """The port's OVS interface, moved into the VM's namespace."""
    ifname = rec['interface']
    system.sh(['ip', 'netns', 'add', rec['namespace']])
    dataplane.vsctl('--may-exist', 'add-port', config.BRIDGE, ifname, '--',
                    'set', 'interface', ifname, 'type=internal',
                    'external_ids:iface-id=' + rec['port_id'],
                    'external_ids:attached-mac=' + rec['mac'],
                    'external_ids:iface-status=active')
    deadline = time.time() + 10
    while ifname not in dataplane.our_links(config.DP_NS):
        if time.time() > deadline:
            raise DevcloudError('OVS did not create %s' % ifname)
        time.sleep(0.05)
    system.sh(['ip', '-n', config.DP_NS, 'link', 'set', ifname, 'netns',
               rec['namespace']])


def configure(rec: dict[str, Any], mtu: int) -> None:
    """Inside the namespace: sysctls, the port's MAC, MTU and addresses."""
    ns, ifname, addrs = rec['namespace'], rec['interface'], rec['addresses']
    flag = '0' if any(':' in a for a in addrs) else '1'
    for key, val in (('net.ipv6.conf.all.disable_ipv6', flag),
                     ('net.ipv6.conf.default.disable_ipv6', flag),
                     ('net.ipv4.conf.all.accept_redirects', '0'),
                     ('net.ipv4.conf.all.send_redirects', '0'),
                     ('net.ipv4.conf.default.send_redirects', '0')):
        netns(ns, 'sysctl', '-qw', '%s=%s' % (key, val))
    netns(ns, 'ip', 'link', 'set', 'lo', 'up')
    netns(ns, 'ip', 'link', 'set', ifname, 'address', rec['mac'],
          'mtu', str(mtu))
    for a in addrs:
        netns(ns, 'ip', 'addr', 'add', a, 'dev', ifname,
              *(['nodad'] if ':' in a else []))
    netns(ns, 'ip', 'link', 'set', ifname, 'up')


def wait_active(port_id: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    status = None
    while time.time() < deadline:
        status = api.admin_api('GET', '/v2.0/ports/' + port_id)['port'][
            'status']
        if status == 'ACTIVE':
            return
        time.sleep(0.1)
    raise DevcloudError('port %s is still %s 60 s after plugging'
                        % (port_id, status))


def vm_create(name: str, port_ref: str) -> int:
    require_dataplane()
    if not NAME.fullmatch(name):
        raise DevcloudError('VM name %r: use 1-40 lower-case letters, '
                            'digits and dashes' % name)
    if name in vm_records():
        raise DevcloudError('VM %r exists; delete it first' % name)
    port = api.find_port(port_ref)
    net = api.admin_api('GET', '/v2.0/networks/' +
                        port['network_id'])['network']
    rec = record(name, port)
    with open(os.path.join(config.VMS, name + '.json'), 'w') as f:
        json.dump(rec, f)
    try:
        api.admin_api('PUT', '/v2.0/ports/' + port['id'],
                      {'port': {'binding:host_id': config.CHASSIS}})
        plug(rec)
        configure(rec, net.get('mtu') or 1442)
        wait_active(port['id'])
    except BaseException:
        vm_delete(name, quiet=True)
        raise
    config.say('vm %s: namespace %s, port %s, %s, ACTIVE'
               % (name, rec['namespace'], port['id'],
                  ' '.join(rec['addresses'])))
    return 0


def vm_delete(name: str, quiet: bool = False) -> int:
    rec = vm_records().get(name)
    if rec is None:
        if quiet:
            return 0
        raise DevcloudError('no VM %r (see `tools/devcloud vm list`)' % name)
    system.sh(['ip', 'netns', 'del', rec['namespace']], check=False)
    if all(dataplane.dp_pids().values()):
        dataplane.vsctl('--if-exists', 'del-port', config.BRIDGE,
                        rec['interface'], check=False)
    try:
        api.admin_api('PUT', '/v2.0/ports/' + rec['port_id'],
                      {'port': {'binding:host_id': ''}})
    except Exception:  # noqa: BLE001 - the port may be gone already
        pass
    os.unlink(os.path.join(config.VMS, name + '.json'))
    if not quiet:
        config.say('vm %s deleted' % name)
    return 0


def vm_list() -> int:
    for name, rec in sorted(vm_records().items()):
        print('%s\t%s\t%s\t%s\t%s' % (name, rec['port_id'], rec['mac'],
                                      ' '.join(rec['addresses']),
                                      rec['namespace']))
    return 0


def vm_exec(name: str, cmd: list[str]) -> int:
    rec = vm_records().get(name)
    if rec is None:
        raise DevcloudError('no VM %r (see `tools/devcloud vm list`)' % name)
    if not cmd:
        raise DevcloudError('vm exec %s: give a command after --' % name)
    sys.stdout.flush()
    os.execv(system.need('ip'),
             ['ip', 'netns', 'exec', rec['namespace']] + cmd)
