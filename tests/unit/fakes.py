"""Fakes shared by the unit tests: real SDK objects built from Neutron bodies.

Ports are real ``openstack.network.v2.port.Port`` objects built exactly as
the SDK builds them from a Neutron response (``_synchronized=True``), and
errors are the real SDK exceptions raised from a real ``requests.Response``
carrying the JSON body Neutron sends.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from openstack import exceptions as sdk_exc
from openstack.network.v2 import port as _port
from openstack.network.v2 import security_group as _security_group
import requests

PORT_ID = '8f4bd5a3-6c3e-4d8a-9f9e-0d2b1c3a4e51'
PORT_MAC = 'fa:16:3e:11:22:33'
NETWORK_ID = '5a1c0c1e-6f0f-4c55-9d3c-5a0e3f0d9b10'
SUBNET_ID = 'b2a4b3a1-2c3d-4e5f-8a9b-0c1d2e3f4a5b'
SG_ID = '0f5e4d3c-2b1a-4f9e-8d7c-6b5a4f3e2d1c'
SG2_ID = '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d'
AUTH_URL = 'https://keystone.example.com/v3'


def port_body(**overrides: Any) -> dict[str, Any]:
    """A port as ``GET /v2.0/ports/{id}`` returns it on Neutron 29."""
    body = {
        'id': PORT_ID,
        'name': 'web-1',
        'status': 'ACTIVE',
        'network_id': NETWORK_ID,
        'project_id': 'c0ffee00c0ffee00c0ffee00c0ffee00',
        'tenant_id': 'c0ffee00c0ffee00c0ffee00c0ffee00',
        'device_owner': 'compute:nova',
        'device_id': 'd6b0e6a0-1f2e-4c3d-8b9a-7f6e5d4c3b2a',
        'mac_address': PORT_MAC,
        'admin_state_up': True,
        'fixed_ips': [{'subnet_id': SUBNET_ID, 'ip_address': '10.0.0.5'}],
        'port_security_enabled': True,
        'security_groups': [SG_ID],
        'allowed_address_pairs': [],
        'revision_number': 3,
    }
    body.update(copy.deepcopy(overrides))
    return body


def make_port(**overrides: Any) -> _port.Port:
    """A real SDK Port as Neutron returned it; ``None`` drops a key."""
    body = port_body(**overrides)
    body = {k: v for k, v in body.items() if v is not None}
    return _port.Port(**body, _synchronized=True)


def make_group(sg_id: str, name: str) -> _security_group.SecurityGroup:
    return _security_group.SecurityGroup(
        id=sg_id, name=name, _synchronized=True
    )


def response(
    status: int,
    body: Any,
    url: str = f'https://neutron.example.com/v2.0/ports/{PORT_ID}',
    method: str = 'PUT',
) -> requests.Response:
    """A real ``requests.Response`` with a JSON body, as keystoneauth gives."""
    resp = requests.Response()
    resp.status_code = status
    resp.headers['Content-Type'] = 'application/json'
    resp._content = json.dumps(body).encode('utf-8')
    resp.url = url
    resp.request = requests.Request(method, url).prepare()
    return resp


def neutron_body(err_type: str, message: str) -> dict[str, Any]:
    return {
        'NeutronError': {'type': err_type, 'message': message, 'detail': ''}
    }


def sdk_error(status: int, body: Any) -> sdk_exc.HttpException:
    """The exception the SDK raises for ``status`` and ``body``."""
    try:
        sdk_exc.raise_from_response(response(status, body))
    except sdk_exc.HttpException as exc:
        return exc
    raise AssertionError(f'no exception raised for HTTP {status}')


def neutron_error(
    status: int, err_type: str, message: str
) -> sdk_exc.HttpException:
    return sdk_error(status, neutron_body(err_type, message))


def stale_revision(current: int = 4) -> sdk_exc.HttpException:
    return neutron_error(
        412, 'RevisionNumberConstraintFailed',
        f'Constrained to {current - 1}, but current revision is {current}',
    )


class PortList:
    """Answers ``ports(**filters)`` as Neutron does, from a list of ports.

    Filters are ANDed; ``fixed_ips`` values are matched as stored text, as
    Neutron's database query matches them. Every call is kept in ``calls``.
    """

    def __init__(self, ports: list[_port.Port]):
        self.ports = ports
        self.calls: list[dict[str, Any]] = []

    def _match(self, port: _port.Port, filters: dict[str, Any]) -> bool:
        for key in ('id', 'name', 'network_id'):
            if key in filters and getattr(port, key) != filters[key]:
                return False
        if 'fixed_ips' in filters:
            wanted = {f.split('=', 1)[1] for f in filters['fixed_ips']}
            have = {ip['ip_address'] for ip in port.fixed_ips or []}
            if not wanted & have:
                return False
        return True

    def __call__(self, **filters: Any) -> Any:
        self.calls.append(filters)
        return iter([p for p in self.ports if self._match(p, filters)])
