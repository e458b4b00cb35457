"""The local cloud's API in-process, for what a test is not about.

Networks, ports, groups and rules a test needs, their removal afterwards,
and reading what Neutron stored go through openstacksdk's session straight
to Neutron's REST API: one ``openstack`` run costs about two seconds of CPU
here, one request a few milliseconds. The commands under test always run
through the installed binary (``tests.functional.cli.Cli``).

Bodies are Neutron's own JSON (``security_groups``, ``port_security_enabled``,
...), not OSC's renamed columns.
"""

from __future__ import annotations

import argparse
from typing import Any, Iterable

import openstack.config
import openstack.connection

from tests.functional.cli import clouds_yaml


def connect(cloud: str) -> openstack.connection.Connection:
    config = openstack.config.OpenStackConfig(config_files=[clouds_yaml()])
    return openstack.connection.Connection(
        config=config.get_one(cloud=cloud))


class ApiError(AssertionError):
    pass


def _port_options(options: Iterable[str]) -> dict[str, Any]:
    """``openstack port create`` options a test uses, as a Neutron body."""
    parser = argparse.ArgumentParser(prog='port create', add_help=False)
    parser.add_argument('--security-group', action='append', default=[])
    parser.add_argument('--no-security-group', action='store_true')
    parser.add_argument('--disable-port-security', action='store_true')
    parser.add_argument('--allowed-address', action='append', default=[])
    parser.add_argument('--device')
    parser.add_argument('--device-owner')
    parser.add_argument('--fixed-ip', action='append', default=[])
    parser.add_argument('--host')
    args = parser.parse_args(list(options))
    body: dict[str, Any] = {}
    if args.security_group or args.no_security_group:
        body['security_groups'] = args.security_group
    if args.disable_port_security:
        body['port_security_enabled'] = False
    if args.allowed_address:
        body['allowed_address_pairs'] = [
            {k.replace('-', '_'): v for k, v in
             (kv.split('=', 1) for kv in text.split(','))}
            for text in args.allowed_address]
    if args.device:
        body['device_id'] = args.device
    if args.device_owner:
        body['device_owner'] = args.device_owner
    if args.host:
        body['binding:host_id'] = args.host
    if args.fixed_ip:
        body['fixed_ips'] = [
            {k.replace('-', '_'): v for k, v in
             (kv.split('=', 1) for kv in text.split(','))}
            for text in args.fixed_ip]
    return body


class Api:
    """Neutron's REST API for one cloud of the local clouds.yaml."""

    def __init__(self, cloud: str):
        self.cloud = cloud
        self.conn = connect(cloud)

    def _call(self, method: str, url: str,
              body: dict[str, Any] | None = None,
              ok: tuple[int, ...] = (200, 201, 204)) -> Any:
        response = self.conn.network.request(url, method, json=body)
        if response.status_code not in ok:
            raise ApiError(f'{method} {url} as {self.cloud}: '
                           f'{response.status_code} {response.text[:300]}')
        return response.json() if response.content else None

    def get(self, url: str) -> Any:
        return self._call('GET', url)

    def post(self, url: str, body: dict[str, Any]) -> Any:
        return self._call('POST', url, body)

    def put(self, url: str, body: dict[str, Any]) -> Any:
        return self._call('PUT', url, body)

    def delete(self, url: str) -> None:
        """Delete; what is already gone is fine."""
        self._call('DELETE', url, ok=(204, 404))

    # Ports.
    def port(self, port_id: str) -> dict[str, Any]:
        return self.get(f'/ports/{port_id}')['port']

    def ports(self, **filters: str) -> list[dict[str, Any]]:
        """Every page of the list (a cloud may paginate)."""
        query = '&'.join(f'{k}={v}' for k, v in filters.items())
        found: list[dict[str, Any]] = []
        url: str | None = f'/ports?{query}'
        while url:
            page = self.get(url)
            found += page['ports']
            url = next((link['href'] for link in page.get('ports_links', [])
                        if link['rel'] == 'next'), None)
            if url:
                # The link is absolute; the session adds the endpoint.
                url = url[url.index('/ports'):]
        return found

    def create_port(self, network_id: str, name: str,
                    *options: str) -> dict[str, Any]:
        body = {'network_id': network_id, 'name': name,
                **_port_options(options)}
        return self._call('POST', '/ports', {'port': body})['port']

    def update_port(self, port_id: str, **attrs: Any) -> dict[str, Any]:
        return self._call('PUT', f'/ports/{port_id}',
                          {'port': attrs})['port']

    def delete_port(self, port_id: str) -> None:
        self.delete(f'/ports/{port_id}')

    # Networks.
    def create_network(self, name: str, *subnets: str, dhcp: bool = True,
                       shared: bool = False,
                       pool: tuple[str, str] | None = None
                       ) -> dict[str, Any]:
        """A network with one subnet per CIDR given, named as it.

        ``pool`` is the (start, end) allocation pool of the first subnet.
        """
        net = self._call('POST', '/networks', {'network': {
            'name': name, 'shared': shared}})['network']
        net['subnets'] = []
        for cidr in subnets:
            body = {'network_id': net['id'], 'name': name, 'cidr': cidr,
                    'ip_version': 6 if ':' in cidr else 4,
                    'enable_dhcp': dhcp}
            if pool and not net['subnets']:
                body['allocation_pools'] = [
                    {'start': pool[0], 'end': pool[1]}]
            net['subnets'].append(self._call(
                'POST', '/subnets', {'subnet': body})['subnet'])
        return net

    def delete_network(self, network_id: str) -> None:
        """The network and every port left on it (as this cloud's user)."""
        for port in self.ports(network_id=network_id):
            self.delete_port(port['id'])
        self.delete(f'/networks/{network_id}')

    # Security groups.
    def create_group(self, name: str, bare: bool = False) -> dict[str, Any]:
        """A group; ``bare`` deletes the egress rules Neutron adds."""
        group = self._call('POST', '/security-groups', {
            'security_group': {'name': name}})['security_group']
        if bare:
            for rule in group['security_group_rules']:
                self.delete(f'/security-group-rules/{rule["id"]}')
            group['security_group_rules'] = []
        return group

    def group(self, name_or_id: str) -> dict[str, Any]:
        found = self.get(f'/security-groups?name={name_or_id}')
        groups = found['security_groups'] or [
            self.get(f'/security-groups/{name_or_id}')['security_group']]
        assert len(groups) == 1, groups
        return groups[0]

    def create_rule(self, group_id: str, **attrs: Any) -> dict[str, Any]:
        body = {'security_group_id': group_id, 'ethertype': 'IPv4',
                **attrs}
        return self._call('POST', '/security-group-rules', {
            'security_group_rule': body})['security_group_rule']

    def delete_group(self, group_id: str) -> None:
        self.delete(f'/security-groups/{group_id}')
