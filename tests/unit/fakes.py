"""Fakes shared by the unit tests: real SDK objects built from Neutron bodies.

Ports are real ``openstack.network.v2.port.Port`` objects built exactly as
the SDK builds them from a Neutron response (``_synchronized=True``), and
errors are the real SDK exceptions raised from a real ``requests.Response``
carrying the JSON body Neutron sends.
"""

from __future__ import annotations

import copy
import json
import types
from typing import Any
from unittest import mock

import fixtures
from openstack.compute.v2 import _proxy as compute_proxy
from openstack import exceptions as sdk_exc
from openstack.identity.v3 import _proxy as identity_proxy
from openstack.network.v2 import _proxy as network_proxy
from openstack.network.v2 import port as _port
from openstack.network.v2 import security_group as _security_group
from osc_lib.test import base
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


def record_removal(command: str, before: dict[str, Any],
                   after: dict[str, Any], auth_url: str = AUTH_URL,
                   port_id: str = PORT_ID) -> None:
    """Journal an applied removal as the Recorder writes it.

    An intent line, then its applied line.
    """
    from osc_portsec import journal

    entry_id = f'{command}-{port_id}-{len(list(journal.entries()))}'
    journal.append({
        'id': entry_id, 'phase': 'intent', 'time': '2026-01-01T00:00:00',
        'command': command, 'cloud': 'prod', 'auth_url': auth_url,
        'project_id': None, 'port_id': port_id, 'before': before,
    })
    journal.append({
        'id': entry_id, 'phase': 'applied', 'time': '2026-01-01T00:00:01',
        'port_id': port_id, 'after': after,
    })


def _fixed_ip_filter(value: Any) -> list[str]:
    values = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for item in values:
        text = str(item)
        out.append(text.split('=', 1)[1] if '=' in text else text)
    return out


class FakeNeutron:
    """The read side of Neutron, in memory, behind a spec'd proxy mock.

    ``find_port``, ``get_port``, ``ports(**filters)``,
    ``security_groups(id=...)``, ``find_security_group``,
    ``find_network`` and ``networks(name=...)`` answer from the ports,
    groups and networks given, as Neutron would; tests assert exact calls
    only for what a change sends (``update_port``) and what it re-reads.
    """

    def __init__(self, proxy: Any):
        self.proxy = proxy
        self.ports: dict[str, _port.Port] = {}
        self.groups: dict[str, str] = {}
        self.networks: dict[str, str] = {}
        proxy.find_port.side_effect = self.find_port
        proxy.get_port.side_effect = self.get_port
        proxy.ports.side_effect = self.list_ports
        proxy.security_groups.side_effect = self.security_groups
        proxy.get_security_group.side_effect = self.get_group
        proxy.find_network.side_effect = self.find_network
        proxy.networks.side_effect = self.list_networks

    def add(self, *ports: _port.Port) -> None:
        for port in ports:
            self.ports[port.id] = port

    def _matching(self, filters: dict[str, Any]) -> list[_port.Port]:
        # Neutron ORs the values of one filter and ANDs the filters.
        def one_of(value: Any) -> list[Any]:
            return list(value) if isinstance(value, (list, tuple)) else [
                value]

        found = []
        for port in self.ports.values():
            if 'id' in filters and port.id not in one_of(filters['id']):
                continue
            if 'name' in filters and port.name not in one_of(
                    filters['name']):
                continue
            if ('network_id' in filters
                    and port.network_id != filters['network_id']):
                continue
            if 'security_groups' in filters and not set(
                    filters['security_groups']) & set(
                    port.security_group_ids or []):
                continue
            if 'fixed_ips' in filters:
                wanted = _fixed_ip_filter(filters['fixed_ips'])
                has = [ip['ip_address'] for ip in port.fixed_ips or []]
                if not any(w in has for w in wanted):
                    continue
            found.append(port)
        return found

    def find_port(self, ref: str, ignore_missing: bool = True,
                  **query: Any) -> _port.Port | None:
        if ref in self.ports:
            found = self._matching({'id': ref, **query})
        else:
            found = self._matching({'name': ref, **query})
        if len(found) > 1:
            raise sdk_exc.DuplicateResource(
                f'More than one Port exists with the name {ref}.')
        if not found:
            if ignore_missing:
                return None
            raise sdk_exc.NotFoundException(f'No Port found for {ref}')
        return found[0]

    def get_port(self, port_id: str) -> _port.Port:
        if port_id not in self.ports:
            raise sdk_exc.NotFoundException(f'No Port found for {port_id}')
        return self.ports[port_id]

    def list_ports(self, **filters: Any) -> Any:
        filters = {k: v for k, v in filters.items()
                   if k not in ('fields', 'limit')}
        return iter(self._matching(filters))

    def security_groups(self, id: Any = (), fields: Any = None,
                        name: str | None = None, **query: Any) -> Any:
        if name is not None:
            return iter([self.group(sg) for sg, label in self.groups.items()
                         if label == name])
        ids = [id] if isinstance(id, str) else list(id)
        return iter([self.group(sg) for sg in ids if sg in self.groups])

    def group(self, sg_id: str) -> Any:
        """A group as Neutron returns it, with its rules."""
        return make_group(sg_id, self.groups[sg_id])

    def get_group(self, sg_id: str) -> Any:
        if sg_id not in self.groups:
            raise sdk_exc.NotFoundException(f'No SecurityGroup {sg_id}')
        return self.group(sg_id)

    def list_networks(self, name: str | None = None, fields: Any = None,
                      **query: Any) -> Any:
        from openstack.network.v2 import network as _network

        return iter([_network.Network(id=net_id, name=net_name,
                                      _synchronized=True)
                     for net_id, net_name in self.networks.items()
                     if name is None or net_name == name])

    def find_network(self, ref: str, ignore_missing: bool = True,
                     **query: Any) -> Any:
        from openstack.network.v2 import network as _network

        for net_id, name in self.networks.items():
            if ref in (net_id, name):
                return _network.Network(id=net_id, name=name,
                                        _synchronized=True)
        if ignore_missing:
            return None
        raise sdk_exc.NotFoundException(f'No Network found for {ref}')


PROJECT_ID = '30c3da2961f54b7b8eb23d18287428c7'
PROJECT_NAME = 'web-team'
PASSWORD = 'n0t-in-the-journal'


def auth_ref(**scope: Any) -> Any:
    """The AccessInfo keystoneauth builds from a Keystone v3 token body."""
    from keystoneauth1 import access
    from keystoneauth1 import fixture as ks_fixture

    return access.create(body=ks_fixture.V3Token(**scope), auth_token='tok')


class TestCommand(base.TestCommand):
    """A fake OSC app around a spec'd proxy and an in-memory Neutron.

    The journal goes to a temporary XDG_STATE_HOME.
    """

    def setUp(self) -> None:
        super().setUp()
        self.network = mock.Mock(spec=network_proxy.Proxy)
        self.neutron = FakeNeutron(self.network)
        self.neutron.groups.update({SG_ID: 'web', SG2_ID: 'db'})
        self.neutron.networks[NETWORK_ID] = 'private'
        self.app.client_manager.network = self.network
        self.app.client_manager.auth_ref = auth_ref(
            project_id=PROJECT_ID, project_name=PROJECT_NAME)
        self.identity = mock.Mock(spec=identity_proxy.Proxy)
        self.compute = mock.Mock(spec=compute_proxy.Proxy)
        self.app.client_manager.sdk_connection = mock.Mock(
            spec=['identity', 'compute'],
            identity=self.identity, compute=self.compute,
        )
        # What osc-lib's shell sets: the cloud's name and its config.
        self.app.cloud = types.SimpleNamespace(
            name='prod',
            config={'auth': {'auth_url': AUTH_URL,
                             'username': 'alice', 'password': PASSWORD}},
        )
        self.state_home = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.EnvironmentVariable(
            'XDG_STATE_HOME', self.state_home))

    @property
    def groups(self) -> dict[str, str]:
        return self.neutron.groups

    @groups.setter
    def groups(self, value: dict[str, str]) -> None:
        self.neutron.groups = dict(value)

    def find_ports(self, *ports: _port.Port) -> None:
        """Let the in-memory Neutron answer ``ports``."""
        self.neutron.add(*ports)


# Values the command tests share.
PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': PORT_MAC}
SERVER_ID = 'd6b0e6a0-1f2e-4c3d-8b9a-7f6e5d4c3b2a'
OTHER_ID = '2c9f3a8e-7b6d-4e5f-9a0b-1c2d3e4f5a6b'
THIRD_ID = '3d0a4b9f-8c7e-4f6a-9b1c-2d3e4f5a6b7c'
OTHER_MAC = 'fa:16:3e:aa:bb:cc'
PAIR_B = {'ip_address': '10.0.1.0/24', 'mac_address': OTHER_MAC}
OTHER_PROJECT_ID = '9f8e7d6c5b4a49388271605f4e3d2c1b'
DISABLED = {'port_security_enabled': False, 'security_groups': [],
            'allowed_address_pairs': []}


def journal_entries() -> list[dict[str, Any]]:
    from osc_portsec import journal

    return list(journal.entries())


def results(cols: Any, data: Any) -> list[str]:
    """The ``result`` column of each row."""
    return [dict(zip(cols, row))['result'] for row in data]


def changed(before: bool | None = True, after: bool | None = True,
            **items: list[dict[str, Any]]) -> Any:
    """The ``changed`` column as a change command prints it.

    ``items`` are keyed ``<action>_<kind>``, e.g. ``added_pairs`` or
    ``removed_groups``.
    """
    from osc_portsec import formats

    value: dict[str, Any] = {
        action: {'security_groups': [], 'allowed_address_pairs': []}
        for action in ('added', 'removed', 'restored', 'skipped')
    }
    for key, listed in items.items():
        action, kind = key.split('_', 1)
        field = 'security_groups' if kind == 'groups' else (
            'allowed_address_pairs')
        value[action][field] = listed
    value['port_security_enabled'] = {'before': before, 'after': after}
    return formats.Changed(value)


def fail_reads(proxy: Any, exc: BaseException) -> None:
    """Make every port read of ``proxy`` raise ``exc``."""
    for name in ('find_port', 'get_port', 'ports'):
        getattr(proxy, name).side_effect = exc


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
            wanted = filters.get(key)
            if key in filters and getattr(port, key) not in (
                    wanted if isinstance(wanted, list) else [wanted]):
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


# The VIP commands: ports, subnets and rules that change in memory.

VIP_ID = '4e1b5c0a-9d8f-4a7b-8c2d-3e4f5a6b7c8d'
RULE_ID = '5f2c6d1b-0e9a-4b8c-9d3e-4f5a6b7c8d9e'
SUBNET_CIDR = '10.0.0.0/24'


def make_rule(rule_id: str, group_id: str, **body: Any) -> Any:
    from openstack.network.v2 import security_group_rule as _rule

    values = {'id': rule_id, 'security_group_id': group_id,
              'direction': 'ingress', 'ethertype': 'IPv4',
              'protocol': None, 'remote_group_id': None,
              'remote_ip_prefix': None}
    values.update(body)
    return _rule.SecurityGroupRule(**values, _synchronized=True)


def make_subnet(subnet_id: str = SUBNET_ID, cidr: str = SUBNET_CIDR,
                name: str = 'private-v4', ip_version: int = 4,
                gateway_ip: str | None = None) -> Any:
    from openstack.network.v2 import subnet as _subnet

    return _subnet.Subnet(id=subnet_id, cidr=cidr, name=name,
                          network_id=NETWORK_ID, ip_version=ip_version,
                          gateway_ip=gateway_ip, _synchronized=True)


def make_floating_ip(port_id: str, fixed: str,
                     address: str = '203.0.113.7') -> Any:
    from openstack.network.v2 import floating_ip as _fip

    return _fip.FloatingIP(
        id='6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d', port_id=port_id,
        fixed_ip_address=fixed, floating_ip_address=address,
        router_id='7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e', _synchronized=True)


class FakeVipNeutron(FakeNeutron):
    """FakeNeutron that also creates and deletes ports and rules.

    ``update_port`` applies the attributes it is sent (and bumps the
    revision), so a test sees the cloud as a sequence of changes; a test
    injects a failure by setting the proxy method's ``side_effect``.
    """

    def __init__(self, proxy: Any):
        super().__init__(proxy)
        self.subnets = [make_subnet()]
        self.rules: dict[str, Any] = {}
        self.floating_ips: list[Any] = []
        self.next_ip = 100
        proxy.subnets.side_effect = lambda **q: iter(self.subnets)
        proxy.ips.side_effect = self.list_floating_ips
        proxy.security_group_rules.side_effect = self.list_rules
        proxy.create_port.side_effect = self.create_port
        proxy.delete_port.side_effect = self.delete_port
        proxy.update_port.side_effect = self.update_port
        proxy.create_security_group_rule.side_effect = self.create_rule
        proxy.delete_security_group_rule.side_effect = self.delete_rule
        proxy.get_security_group_rule.side_effect = self.get_rule
        proxy.set_tags.side_effect = self.set_tags
        proxy.add_tag.side_effect = self.add_tag
        proxy.remove_tag.side_effect = self.remove_tag
        self.created = 0

    def list_ports(self, **filters: Any) -> Any:
        tag = filters.pop('tags', None)
        description = filters.pop('description', None)
        found = list(super().list_ports(**filters))
        return iter([p for p in found
                     if (tag is None or tag in (p.tags or []))
                     and (description is None
                          or p.description == description)])

    def list_floating_ips(self, port_id: str | None = None,
                          **query: Any) -> Any:
        return iter([f for f in self.floating_ips
                     if port_id is None or f.port_id == port_id])

    def list_rules(self, security_group_id: Any = (), **query: Any) -> Any:
        ids = ([security_group_id] if isinstance(security_group_id, str)
               else list(security_group_id))
        return iter([r for r in self.rules.values()
                     if r.security_group_id in ids])

    def create_port(self, fixed_ips: Any = (), **attrs: Any) -> Any:
        fixed = dict(fixed_ips[0])
        if 'ip_address' not in fixed:
            fixed['ip_address'] = f'10.0.0.{self.next_ip}'
            self.next_ip += 1
        for other in self.ports.values():
            if any(ip['ip_address'] == fixed['ip_address']
                   for ip in other.fixed_ips or []):
                raise neutron_error(
                    409, 'IpAddressAlreadyAllocated',
                    f"IP address {fixed['ip_address']} already allocated "
                    f"in subnet {SUBNET_ID}")
        # The first port made is VIP_ID; more get IDs of their own.
        port_id = VIP_ID if not self.created else (
            f'{VIP_ID[:-4]}{self.created:04d}')
        self.created += 1
        port = make_port(id=port_id, mac_address='fa:16:3e:00:00:01',
                         device_owner='', device_id='', fixed_ips=[fixed],
                         allowed_address_pairs=[], revision_number=1,
                         created_at=f'2026-12-03T10:00:{self.created:02d}Z',
                         **attrs)
        self.add(port)
        return port

    def delete_port(self, port_id: str, ignore_missing: bool = True) -> None:
        self.ports.pop(port_id, None)

    def update_port(self, port_id: str, if_revision: Any = None,
                    **attrs: Any) -> Any:
        port = self.ports[port_id]
        if if_revision is not None and if_revision != port.revision_number:
            raise stale_revision(port.revision_number)
        keys = {'allowed_address_pairs': 'allowed_address_pairs',
                'security_group_ids': 'security_groups',
                'is_port_security_enabled': 'port_security_enabled',
                'name': 'name'}
        new = dict(id=port.id, name=port.name, tags=list(port.tags or []),
                   mac_address=port.mac_address, fixed_ips=port.fixed_ips,
                   network_id=port.network_id,
                   device_owner=port.device_owner,
                   device_id=port.device_id,
                   security_groups=list(port.security_group_ids or []),
                   port_security_enabled=port.is_port_security_enabled,
                   allowed_address_pairs=list(
                       port.allowed_address_pairs or []),
                   status=port.status, description=port.description,
                   revision_number=port.revision_number + 1)
        for attr, value in attrs.items():
            new[keys[attr]] = value
        after = make_port(**new)
        self.ports[port_id] = after
        return after

    def create_rule(self, **attrs: Any) -> Any:
        attrs['ethertype'] = attrs.pop('ether_type')
        group = attrs.pop('security_group_id')
        for rule in self.rules.values():
            same = all(getattr(rule, k) == v for k, v in (
                ('security_group_id', group),
                ('direction', attrs.get('direction')),
                ('protocol', attrs.get('protocol')),
                ('ether_type', attrs.get('ethertype')),
                ('remote_group_id', attrs.get('remote_group_id'))))
            if same:
                raise neutron_error(
                    409, 'SecurityGroupRuleExists',
                    f'Security group rule already exists. Rule id is '
                    f'{rule.id}.')
        rule_id = RULE_ID if RULE_ID not in self.rules else (
            f'{RULE_ID[:-4]}{len(self.rules):04d}')
        rule = make_rule(rule_id, group, **attrs)
        self.rules[rule.id] = rule
        return rule

    def delete_rule(self, rule_id: str, ignore_missing: bool = True) -> None:
        self.rules.pop(rule_id, None)

    def get_rule(self, rule_id: str) -> Any:
        if rule_id not in self.rules:
            raise sdk_exc.NotFoundException(f'No rule {rule_id}')
        return self.rules[rule_id]

    def set_tags(self, port: Any, tags: list[str]) -> Any:
        current = self.ports[port.id]
        current.tags = list(tags)
        return current

    def add_tag(self, port: Any, tag: str) -> Any:
        current = self.ports[port.id]
        if tag not in (current.tags or []):
            current.tags = [*(current.tags or []), tag]
        return current

    def remove_tag(self, port: Any, tag: str) -> Any:
        current = self.ports[port.id]
        if tag not in (current.tags or []):
            raise sdk_exc.NotFoundException(f'No tag {tag}')
        current.tags = [t for t in current.tags if t != tag]
        # openstacksdk's TagMixin.remove_tag changes the resource given.
        port.tags = [t for t in (port.tags or []) if t != tag]
        return current


class FakeGroupsNeutron(FakeVipNeutron):
    """FakeVipNeutron whose groups carry their rules, found by ID or name.

    With ``keep_tags`` False its port create drops the tags, as a Neutron
    that does not take tags in a create request.
    """

    def __init__(self, proxy: Any):
        super().__init__(proxy)
        self.keep_tags = True

    def group(self, sg_id: str) -> Any:
        from openstack.network.v2 import security_group as _sg

        rules = [r.to_dict(computed=False) for r in self.rules.values()
                 if r.security_group_id == sg_id]
        return _sg.SecurityGroup(id=sg_id, name=self.groups[sg_id],
                                 security_group_rules=rules,
                                 _synchronized=True)

    def create_port(self, fixed_ips: Any = (), **attrs: Any) -> Any:
        if not self.keep_tags:
            attrs.pop('tags', None)
        return super().create_port(fixed_ips=fixed_ips, **attrs)


def member(port_id: str, name: str, mac: str, ip: str,
           **overrides: Any) -> _port.Port:
    """A member port on the test network."""
    values: dict[str, Any] = dict(
        id=port_id, name=name, mac_address=mac,
        fixed_ips=[{'subnet_id': SUBNET_ID, 'ip_address': ip}])
    values.update(overrides)
    return make_port(**values)


def reservation(address: str = '10.0.0.100', name: str = 'resv',
                **overrides: Any) -> _port.Port:
    """A port made by hand to hold a VIP's address: unbound, no server."""
    values: dict[str, Any] = dict(
        id=VIP_ID, name=name, mac_address='fa:16:3e:00:00:01',
        device_owner='', device_id='', status='DOWN',
        fixed_ips=[{'subnet_id': SUBNET_ID, 'ip_address': address}])
    values.update(overrides)
    return make_port(**values)


def carrying(port: _port.Port, *addresses: str,
             mac: str | None = None) -> _port.Port:
    """``port`` with pairs for ``addresses`` (its own MAC by default)."""
    body = port.to_dict(computed=False, original_names=True)
    body['allowed_address_pairs'] = [
        *body.get('allowed_address_pairs', []),
        *({'ip_address': a, 'mac_address': mac or port.mac_address}
          for a in addresses)]
    return _port.Port(**body, _synchronized=True)


class TestVipCommand(TestCommand):
    """TestCommand with a Neutron that creates, updates and deletes."""

    def setUp(self) -> None:
        super().setUp()
        self.neutron = FakeGroupsNeutron(self.network)
        self.neutron.groups.update({SG_ID: 'web', SG2_ID: 'db'})
        self.neutron.networks[NETWORK_ID] = 'private'
        self.a = member(PORT_ID, 'web-1', PORT_MAC, '10.0.0.5')
        self.b = member(OTHER_ID, 'web-2', OTHER_MAC, '10.0.0.6')
        self.c = member(THIRD_ID, 'web-3', 'fa:16:3e:dd:ee:ff', '10.0.0.7')
        self.neutron.add(self.a, self.b, self.c)

    def port(self, port_id: str) -> _port.Port:
        return self.neutron.ports[port_id]


# The table columns of the change commands (machine formats add
# ``changed``, the change as structure).
CHANGE_TABLE = ('id', 'name', 'result', 'changes', 'port_security_enabled',
                'security_group_ids', 'allowed_address_pairs',
                'revision_number')
CHANGES_TABLE = ('id', 'name', 'result', 'changes')
