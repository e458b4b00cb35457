"""Build the lab of an explain case in the local cloud, and take it down.

The set-up uses openstacksdk directly (the cases are many; what is under
test is ``explain``, run through the real ``openstack`` binary).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterator

import openstack

from osc_portsec.explain import facts as _facts
from tests.functional import explain_cases as cases


@dataclasses.dataclass
class Built:
    ports: dict[str, Any]
    group_ids: dict[str, str]


class Lab:
    """One network with an IPv4 and an IPv6 subnet, for every case."""

    def __init__(self, conn: openstack.connection.Connection, name: str):
        self.conn = conn
        # Every group made, so that close() removes what a failed build
        # left behind.
        self.made_groups: list[str] = []
        self.net = conn.network.create_network(name=name)
        self.subnets = {
            4: conn.network.create_subnet(
                network_id=self.net.id, ip_version=4, cidr=cases.V4,
                name=name),
            6: conn.network.create_subnet(
                network_id=self.net.id, ip_version=6, cidr=cases.V6,
                name=name),
        }

    def _rules(self, case: cases.Case, ids: dict[str, str]) -> None:
        for group in case.groups:
            for rule in group.rules:
                protocol = rule.protocol
                low, high = rule.ports or rule.icmp or (None, None)
                self.conn.network.create_security_group_rule(
                    security_group_id=ids[group.name],
                    direction=rule.direction, ethertype=rule.ethertype,
                    protocol=protocol, port_range_min=low,
                    port_range_max=high,
                    remote_ip_prefix=rule.remote_ip_prefix,
                    remote_group_id=(ids[rule.remote_group]
                                     if rule.remote_group else None))

    def _port(self, case: cases.Case, vm: cases.VM,
              ids: dict[str, str]) -> Any:
        body: dict[str, Any] = {
            'network_id': self.net.id, 'name': f'{case.id}-{vm.name}',
            'fixed_ips': [
                {'subnet_id': self.subnets[4].id,
                 'ip_address': cases.ADDRESSES[vm.name]},
                {'subnet_id': self.subnets[6].id,
                 'ip_address': cases.ADDRESSES[vm.name + '6']}]
            if vm.fixed_ips else [],
            'security_group_ids': [ids[g] for g in vm.groups],
            'is_port_security_enabled': vm.port_security,
        }
        if vm.pairs:
            body['allowed_address_pairs'] = [
                {'ip_address': ip, **({'mac_address': mac} if mac else {})}
                for ip, mac in vm.pairs]
        port = self.conn.network.create_port(**body)
        if vm.device_owner:
            # Neutron creates a network:* port with port security off; set
            # the owner afterwards to keep port security and groups.
            port = self.conn.network.update_port(
                port, device_owner=vm.device_owner)
        return port

    def build(self, case: cases.Case) -> Built:
        ids = {}
        for group in case.groups:
            sg = self.conn.network.create_security_group(
                name=f'{case.id}-{group.name}', stateful=group.stateful)
            # Neutron adds two egress rules to every new group; the case
            # says exactly which rules exist.
            for rule in list(sg.security_group_rules or []):
                self.conn.network.delete_security_group_rule(rule['id'])
            ids[group.name] = sg.id
            self.made_groups.append(sg.id)
        self._rules(case, ids)
        ports = {vm.name: self._port(case, vm, ids)
                 for vm in (case.a, *case.peers)}
        return Built(ports, ids)

    def tear_down(self, built: Built) -> None:
        for port in built.ports.values():
            self.conn.network.delete_port(port.id, ignore_missing=True)
        for sg_id in built.group_ids.values():
            self.conn.network.delete_security_group(sg_id,
                                                    ignore_missing=True)

    def close(self) -> None:
        for port in self.conn.network.ports(network_id=self.net.id):
            self.conn.network.delete_port(port.id, ignore_missing=True)
        self.conn.network.delete_network(self.net.id, ignore_missing=True)
        for sg_id in self.made_groups:
            self.conn.network.delete_security_group(sg_id,
                                                    ignore_missing=True)


def explain_args(case: cases.Case, built: Built) -> list[str]:
    """The case's ``explain`` options with placeholders resolved."""
    known = {cases.A_LLA: _facts.eui64_lla(built.ports['A'].mac_address),
             cases.A_MAC: str(built.ports['A'].mac_address)}
    return [known.get(arg, arg) for arg in case.explain_args()]


def each(lab: Lab, selected: list[cases.Case]
         ) -> Iterator[tuple[cases.Case, Built]]:
    for case in selected:
        try:
            built = lab.build(case)
        except Exception as exc:
            raise AssertionError(f'case {case.id}: {exc}') from exc
        try:
            yield case, built
        finally:
            lab.tear_down(built)
