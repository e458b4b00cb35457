"""Keystone's projects, users, roles and Neutron's endpoints."""

from __future__ import annotations

from typing import Any

from localcloud import api
from localcloud import config


def create_keystone_resources() -> None:
    k = config.keystone_url() + '/v3'
    tok = api.get_token('admin', config.ADMIN_PASSWORD, 'admin')

    def post(path: str, key: str, obj: dict[str, Any]) -> str:
        return api.http('POST', k + path, {key: obj}, tok)[2][key]['id']

    def role_id(name: str) -> str:
        roles = api.http('GET', k + '/roles?name=' + name,
                         token=tok)[2]['roles']
        if roles:
            return roles[0]['id']
        return post('/roles', 'role', {'name': name})

    service_p = post('/projects', 'project', {
        'name': 'service', 'domain_id': 'default',
        'description': 'Service project'})
    demo_p = post('/projects', 'project', {
        'name': 'demo', 'domain_id': 'default',
        'description': 'Demo project'})
    neutron_u = post('/users', 'user', {
        'name': 'neutron', 'domain_id': 'default',
        'password': config.NEUTRON_PASSWORD, 'default_project_id': service_p})
    demo_u = post('/users', 'user', {
        'name': 'demo', 'domain_id': 'default',
        'password': config.DEMO_PASSWORD, 'default_project_id': demo_p})
    admin_r, service_r, member_r = (role_id('admin'), role_id('service'),
                                    role_id('member'))
    for project, user, role in ((service_p, neutron_u, admin_r),
                                (service_p, neutron_u, service_r),
                                (demo_p, demo_u, member_r)):
        api.http('PUT', '%s/projects/%s/users/%s/roles/%s'
                 % (k, project, user, role), token=tok)
    svc = post('/services', 'service', {
        'type': 'network', 'name': 'neutron',
        'description': 'OpenStack Networking'})
    for interface in ('public', 'internal', 'admin'):
        post('/endpoints', 'endpoint', {
            'service_id': svc, 'interface': interface,
            'region_id': 'RegionOne', 'url': config.neutron_url()})
