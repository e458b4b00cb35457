"""The configuration files of Keystone, Neutron and the clouds.yaml."""

from __future__ import annotations

import os

from localcloud import config

KEYSTONE_CONF = """\
[DEFAULT]
log_file = {log}/keystone.log
debug = false

[database]
connection = sqlite:///{data}/keystone.sqlite

[token]
provider = fernet

[fernet_tokens]
key_repository = {state}/keystone/fernet-keys

[fernet_receipts]
key_repository = {state}/keystone/fernet-keys

[credential]
key_repository = {state}/keystone/credential-keys

[identity]
password_hash_rounds = 4

[oslo_concurrency]
lock_path = {state}/keystone/lock
"""

# The segments plugin calls Placement and Nova when a network goes; with
# credentials it learns that neither is in the catalog and says so at
# DEBUG level, instead of logging a MissingAuthPlugin traceback.
SERVICE_AUTH = """\
auth_type = password
auth_url = {keystone}
project_domain_name = Default
user_domain_name = Default
project_name = service
username = neutron
password = {password}
region_name = RegionOne
"""

NEUTRON_CONF = """\
[DEFAULT]
log_file = {log}/neutron.log
debug = false
state_path = {state}/neutron
host = devcloud
bind_host = {host}
bind_port = {port}
api_paste_config = {venv}/etc/neutron/api-paste.ini
core_plugin = ml2
service_plugins = {service_plugins}
auth_strategy = keystone
transport_url = fake:/
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
api_workers = 1
rpc_workers = 0
rpc_state_report_workers = 0

[database]
connection = {database}
max_pool_size = 20
max_overflow = 40

[keystone_authtoken]
www_authenticate_uri = {keystone}
auth_url = {keystone}
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = neutron
password = {password}
region_name = RegionOne
interface = public

[placement]
{service_auth}
[nova]
{service_auth}
[oslo_messaging_notifications]
driver = noop

[oslo_concurrency]
lock_path = {state}/neutron/lock

[quotas]
# The test suite runs in two processes against the demo project.
quota_security_group = 100
quota_security_group_rule = 1000

[agent]
report_interval = 0
"""

ML2_OVN = """\
[ml2]
type_drivers = geneve
tenant_network_types = geneve
mechanism_drivers = ovn
extension_drivers = port_security
overlay_ip_version = 4

[ml2_type_geneve]
vni_ranges = 1:65536
max_header_size = 38

[securitygroup]
enable_security_group = true

[ovn]
ovn_nb_connection = unix:{ovn_run}/ovnnb_db.sock
ovn_sb_connection = unix:{ovn_run}/ovnsb_db.sock
ovn_metadata_enabled = false
ovsdb_connection_timeout = 60
"""

ML2_API_ONLY = """\
[ml2]
type_drivers = local,flat,vlan
project_network_types = local
mechanism_drivers =
extension_drivers = port_security

[ml2_type_flat]
flat_networks = *

[ml2_type_vlan]
network_vlan_ranges = physnet1

[securitygroup]
firewall_driver = noop
"""

CLOUD = """\
  {user}:
    auth:
      auth_url: {keystone}/v3
      username: {user}
      password: {password}
      project_name: {user}
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    identity_api_version: 3
    interface: public
"""


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def neutron_conf(dataplane: bool) -> str:
    # ML2/OVN needs no message bus (transport_url fake://); its maintenance
    # worker needs a router plugin (get_floatingips), so ovn-router is on.
    database = (config.mysql_url() if dataplane
                else 'sqlite:///%s/neutron.sqlite' % config.DATA)
    service_auth = SERVICE_AUTH.format(keystone=config.keystone_url(),
                                       password=config.NEUTRON_PASSWORD)
    return NEUTRON_CONF.format(
        log=config.LOG, state=config.STATE, host=config.HOST,
        port=config.NEUTRON_PORT, venv=config.VENV,
        service_plugins='ovn-router' if dataplane else '',
        database=database, keystone=config.keystone_url(),
        password=config.NEUTRON_PASSWORD, service_auth=service_auth)


def clouds_yaml() -> str:
    clouds = ''.join(
        CLOUD.format(user=user, password=password,
                     keystone=config.keystone_url())
        for user, password in (('admin', config.ADMIN_PASSWORD),
                               ('demo', config.DEMO_PASSWORD)))
    return ('# Written by tools/devcloud: local throw-away test cloud on '
            '%s.\nclouds:\n%s' % (config.HOST, clouds))


def write_configs(dataplane: bool = False) -> None:
    etc = config.ETC
    write(os.path.join(etc, 'keystone', 'keystone.conf'),
          KEYSTONE_CONF.format(log=config.LOG, data=config.DATA,
                               state=config.STATE))
    write(os.path.join(etc, 'neutron', 'neutron.conf'),
          neutron_conf(dataplane))
    write(os.path.join(etc, 'neutron', 'plugins', 'ml2', 'ml2_conf.ini'),
          ML2_OVN.format(ovn_run=config.OVN_RUN) if dataplane
          else ML2_API_ONLY)
    write(config.CLOUDS_YAML, clouds_yaml())
