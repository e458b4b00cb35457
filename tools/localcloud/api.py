"""HTTP to the local cloud's Keystone and Neutron (urllib, JSON)."""

from __future__ import annotations

import json
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

from localcloud import config
from localcloud.config import DevcloudError


def http(method: str, url: str, body: Any = None, token: str | None = None,
         timeout: float = 30) -> tuple[int, Any, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header('Accept', 'application/json')
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    if token:
        req.add_header('X-Auth-Token', token)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
        return resp.status, resp.headers, (json.loads(raw) if raw else None)


def get_token(user: str, password: str, project: str,
              timeout: float = 30) -> str:
    body = {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': user, 'domain': {'id': 'default'},
            'password': password}}},
        'scope': {'project': {'name': project, 'domain': {'id': 'default'}}}}}
    _, headers, _ = http('POST', config.keystone_url() + '/v3/auth/tokens',
                         body, timeout=timeout)
    return headers['X-Subject-Token']


def describe(e: BaseException) -> str:
    if isinstance(e, urllib.error.HTTPError):
        return 'HTTP %d from %s' % (e.code, e.url)
    if isinstance(e, urllib.error.URLError):
        return str(e.reason)
    return '%s: %s' % (type(e).__name__, e)


_ADMIN_TOKEN: list[str] = []


def admin_api(method: str, path: str, body: Any = None) -> Any:
    """A Neutron request as the cloud's admin; the decoded answer."""
    if not _ADMIN_TOKEN:
        _ADMIN_TOKEN.append(get_token('admin', config.ADMIN_PASSWORD,
                                      'admin'))
    return http(method, config.neutron_url() + path, body,
                _ADMIN_TOKEN[0])[2]


def find_port(ref: str) -> dict[str, Any]:
    """The Neutron port with this ID or (unique) name."""
    try:
        return admin_api('GET', '/v2.0/ports/' + ref)['port']
    except urllib.error.HTTPError as e:
        if e.code != 404:
            raise
    ports = admin_api('GET', '/v2.0/ports?name=' +
                      urllib.parse.quote(ref))['ports']
    if len(ports) == 1:
        return ports[0]
    if not ports:
        raise DevcloudError('no port %r (give a port ID or a unique name)'
                            % ref)
    raise DevcloudError('%d ports are named %r; give the port ID'
                        % (len(ports), ref))
