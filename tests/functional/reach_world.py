"""Worlds for the reach differential: generated from a seed, built in the
local cloud, each port with a VM.

A world is one network (10.77.0.0/24) and eight ports with roles: two
plain, two holding the VIP 10.77.0.100 as a pair, one with a VRRP-MAC pair,
one with a pair stored with host bits (``10.77.0.130/28``, written by
plain openstacksdk as another client would), one with a CIDR pair, one
with port security off and one without fixed IPs. Four groups, two
stateful and two stateless, get random rules (protocols, port ranges,
ICMP types and codes, prefixes, remote groups, an address group); each
filtered port takes one or two groups of one kind (Neutron refuses both
kinds on a port). Probes are random packets between the VMs: TCP, UDP,
ICMP types and codes, VRRP, GRE, from the port's own, a spoofed or a pair
address, to the port's own, a pair or VIP, or a broadcast address.

The generation is pure (``generate``); ``Lab`` makes the ports and VMs
once and gives them each world in turn, with openstacksdk.
"""

from __future__ import annotations

from concurrent import futures
import dataclasses
import random
from typing import Any

import openstack

from tests.functional import packets

CIDR = '10.77.0.0/24'
SUBNET_BROADCAST = '10.77.0.255'
VIP = '10.77.0.100'
VRRP_IP = '10.77.0.101'
HOST_BITS = '10.77.0.130/28'
CIDR_PAIR = '10.77.0.64/28'
ROLES = ('plain', 'plain', 'vip', 'vip', 'vrrp', 'hostbits', 'cidr', 'off',
         'nofixed')
PORT_RANGES = ((22, 22), (53, 53), (80, 80), (5000, 5010), (1, 1023),
               (1024, 65535), (32768, 60999), None)
ICMP_RULES = (None, (8, None), (8, 0), (0, None), (3, None), (3, 3))
DESTINATION_PORTS = (22, 53, 80, 443, 5005, 1500, 40000)
# (type, code) of probes: mostly requests, and what conntrack refuses.
ICMP_PROBES = ((8, 0), (8, 0), (8, 0), (0, 0), (3, 3), (11, 0), (13, 0),
               (8, 1))
BROADCASTS = ('255.255.255.255', SUBNET_BROADCAST)


@dataclasses.dataclass(frozen=True)
class Rule:
    direction: str
    protocol: str | None = None
    ports: tuple[int, int] | None = None
    icmp: tuple[int, int | None] | None = None
    prefix: str | None = None
    remote_group: int | None = None
    address_group: bool = False

    @property
    def key(self) -> tuple:
        """What Neutron compares to refuse a rule twice (409).

        A prefix of 0.0.0.0/0 is no prefix.
        """
        prefix = None if self.prefix == '0.0.0.0/0' else self.prefix
        return (self.direction, self.protocol, self.ports, self.icmp, prefix,
                self.remote_group, self.address_group)

    def body(self, group_id: str, group_ids: list[str],
             ag_id: str) -> dict[str, Any]:
        low, high = self.ports or self.icmp or (None, None)
        body = {'security_group_id': group_id, 'direction': self.direction,
                'ethertype': 'IPv4', 'protocol': self.protocol,
                'port_range_min': low, 'port_range_max': high,
                'remote_ip_prefix': self.prefix,
                'remote_group_id': (None if self.remote_group is None
                                    else group_ids[self.remote_group]),
                'remote_address_group_id': ag_id if self.address_group
                else None}
        return {k: v for k, v in body.items() if v is not None}


@dataclasses.dataclass(frozen=True)
class Group:
    stateful: bool
    rules: tuple[Rule, ...]
    # Neutron's two default egress rules (IPv4 and IPv6 to anywhere).
    default_egress: bool = True


@dataclasses.dataclass(frozen=True)
class Port:
    role: str
    ip: str | None
    groups: tuple[int, ...] = ()

    @property
    def port_security(self) -> bool:
        return self.role != 'off'


@dataclasses.dataclass(frozen=True)
class World:
    seed: int
    groups: tuple[Group, ...]
    ports: tuple[Port, ...]
    address_group: tuple[str, ...]


def _rule(rnd: random.Random, groups: int, ips: list[str]) -> Rule:
    protocol = rnd.choice(('tcp', 'tcp', 'tcp', 'udp', 'udp', 'icmp', 'icmp',
                           None, None, '112', '47'))
    ports = rnd.choice(PORT_RANGES) if protocol in ('tcp', 'udp') else None
    icmp = rnd.choice(ICMP_RULES) if protocol == 'icmp' else None
    draw = rnd.random()
    prefix = remote = None
    if 0.45 <= draw < 0.7:
        prefix = rnd.choice((CIDR, '10.77.0.0/28', '10.77.0.16/28',
                             f'{rnd.choice(ips)}/32', '0.0.0.0/0',
                             '192.0.2.0/24', '10.77.0.96/27'))
    elif 0.7 <= draw < 0.9:
        remote = rnd.randrange(groups)
    return Rule(rnd.choice(('ingress', 'ingress', 'egress')), protocol,
                ports, icmp, prefix, remote, draw >= 0.9)


# Neutron's default egress rule of a new group (IPv4, any, anywhere).
DEFAULT_EGRESS = Rule('egress').key


def _group(rnd: random.Random, stateful: bool, groups: int,
           ips: list[str]) -> Group:
    """A group of 3 to 6 random rules, none the same twice."""
    default = rnd.random() < 0.75
    found: dict[tuple, Rule] = {}
    for _ in range(rnd.randint(3, 6)):
        rule = _rule(rnd, groups, ips)
        if not (default and rule.key == DEFAULT_EGRESS):
            found.setdefault(rule.key, rule)
    return Group(stateful, tuple(found.values()), default_egress=default)


def generate(seed: int) -> World:
    """The world of ``seed``: groups, rules and ports."""
    rnd = random.Random(seed)
    ips = [f'10.77.0.{11 + n}' for n in range(len(ROLES))]
    kinds = [True, True, False, False]
    groups = tuple(_group(rnd, kind, len(kinds), ips) for kind in kinds)
    roles = list(ROLES)
    rnd.shuffle(roles)
    ports: list[Port] = []
    for n, role in enumerate(roles):
        chosen: tuple[int, ...] = ()
        if role != 'off':
            # The first filtered port is stateful: OVN's conntrack is then
            # on for the network, as in nearly every real one.
            stateful = not ports or rnd.random() < 0.6
            pool = [i for i, g in enumerate(groups) if g.stateful == stateful]
            chosen = tuple(sorted(rnd.sample(pool, rnd.randint(1, 2))))
        ports.append(Port(role, None if role == 'nofixed' else ips[n],
                          chosen))
    return World(seed, groups, tuple(ports),
                 (f'{rnd.choice(ips)}/32', '10.77.0.96/28'))


def pairs_of(port: Port, mac: str, vrrp_mac: str) -> list[dict[str, str]]:
    """The allowed address pairs of a role, as Neutron stores them."""
    if port.role == 'vip':
        return [{'ip_address': VIP, 'mac_address': mac}]
    if port.role == 'vrrp':
        return [{'ip_address': VRRP_IP, 'mac_address': vrrp_mac}]
    if port.role == 'hostbits':
        return [{'ip_address': HOST_BITS, 'mac_address': mac}]
    if port.role == 'cidr':
        return [{'ip_address': CIDR_PAIR, 'mac_address': mac}]
    return []


class Lab:
    """One network and a port with a VM for each role, kept across worlds.

    ``apply`` gives the ports a world's roles, groups and pairs (through
    openstacksdk, the pairs as another client stores them); the groups of
    the world before are deleted once no port uses them. ``close`` removes
    everything.
    """

    def __init__(self, conn: openstack.connection.Connection,
                 name: str) -> None:
        self.conn, self.name = conn, name
        self.group_ids: list[str] = []
        self.ag_id = ''
        self.ports: list[Any] = []
        self.vms: list[packets.Vm] = []
        self.seed = 0
        self.net = conn.network.create_network(name=name)
        try:
            self.subnet = conn.network.create_subnet(
                network_id=self.net.id, ip_version=4, cidr=CIDR, name=name,
                enable_dhcp=False)
            for n in range(len(ROLES)):
                self.ports.append(conn.network.create_port(
                    network_id=self.net.id, name=f'{name}-p{n}',
                    fixed_ips=[{'subnet_id': self.subnet.id,
                                'ip_address': f'10.77.0.{11 + n}'}],
                    security_group_ids=[], is_port_security_enabled=False))
            names = [f'{name}-{n}' for n in range(len(ROLES))]
            with futures.ThreadPoolExecutor(3) as pool:
                made = [pool.submit(packets.create_vm, port.id, vm_name)
                        for port, vm_name in zip(self.ports, names)]
            # Every VM that was made, before any failure is raised.
            self.vms = [m.result() for m in made if not m.exception()]
            for m in made:
                m.result()
            for vm in self.vms:
                # No address in the VM: its kernel stays silent (no RST, no
                # ICMP error, no ARP), so only the probes' frames travel.
                vm.sh('ip', 'addr', 'flush', 'dev', vm.interface)
        except BaseException:
            self.close()
            raise

    def _groups(self, world: World) -> tuple[list[str], str]:
        ag_id = self.conn.network.create_address_group(
            name=f'{self.name}-{world.seed}',
            addresses=list(world.address_group)).id
        ids: list[str] = []
        try:
            self._make_groups(world, ids, ag_id)
        except BaseException:
            self._forget(ids, ag_id)
            raise
        return ids, ag_id

    def _make_groups(self, world: World, ids: list[str], ag_id: str) -> None:
        for n, group in enumerate(world.groups):
            sg = self.conn.network.create_security_group(
                name=f'{self.name}-{world.seed}-g{n}',
                stateful=group.stateful)
            ids.append(sg.id)
            if not group.default_egress:
                for rule in list(sg.security_group_rules or []):
                    self.conn.network.delete_security_group_rule(rule['id'])
        for group, sg_id in zip(world.groups, ids):
            # One bulk request per group (its rules are all different).
            list(self.conn.network.create_security_group_rules(
                [rule.body(sg_id, ids, ag_id) for rule in group.rules]))

    def apply(self, world: World) -> None:
        """Give the ports the roles, groups and pairs of ``world``."""
        old = (self.group_ids, self.ag_id)
        self.group_ids, self.ag_id = self._groups(world)
        self.seed = world.seed
        for n, spec in enumerate(world.ports):
            port = self.ports[n]
            # Plain openstacksdk, as another client stores pairs: the host
            # bits of HOST_BITS stay as sent.
            self.ports[n] = self.conn.network.update_port(
                port, fixed_ips=[] if spec.ip is None else [
                    {'subnet_id': self.subnet.id, 'ip_address': spec.ip}],
                is_port_security_enabled=spec.port_security,
                security_group_ids=[self.group_ids[g] for g in spec.groups],
                allowed_address_pairs=pairs_of(
                    spec, port.mac_address, self.vrrp_mac(n)))
        self._forget(*old)

    def _forget(self, group_ids: list[str], ag_id: str) -> None:
        for sg_id in group_ids:
            self.conn.network.delete_security_group(sg_id,
                                                    ignore_missing=True)
        if ag_id:
            self.conn.network.delete_address_group(ag_id,
                                                   ignore_missing=True)

    def vrrp_mac(self, n: int) -> str:
        return f'00:00:5e:00:01:{(self.seed + n) % 250 + 1:02x}'

    def close(self) -> None:
        with futures.ThreadPoolExecutor(3) as pool:
            list(pool.map(packets.delete_vm, self.vms))
        for port in self.conn.network.ports(network_id=self.net.id):
            self.conn.network.delete_port(port.id, ignore_missing=True)
        self._forget(self.group_ids, self.ag_id)
        self.conn.network.delete_network(self.net.id, ignore_missing=True)


@dataclasses.dataclass(frozen=True)
class Probe:
    source: int
    destination: int
    protocol: str
    port: int | None
    icmp: tuple[int, int] | None
    source_ip: str
    destination_ip: str

    def args(self, ids: list[str]) -> list[str]:
        found = ['port', 'security', 'reach', ids[self.source],
                 ids[self.destination], '--protocol', self.protocol,
                 '--source-ip', self.source_ip,
                 '--destination-ip', self.destination_ip,
                 '--backend', 'ovn', '-f', 'json']
        if self.port is not None:
            found += ['--port', str(self.port)]
        if self.icmp is not None:
            found += ['--icmp-type', str(self.icmp[0]),
                      '--icmp-code', str(self.icmp[1])]
        return found


def _source_ip(rnd: random.Random, port: Port) -> str:
    spoofed = f'10.77.0.{rnd.randint(200, 250)}'
    if port.ip is None:
        return spoofed
    own = {'vip': VIP, 'vrrp': VRRP_IP,
           'hostbits': rnd.choice(('10.77.0.130', '10.77.0.131')),
           'cidr': f'10.77.0.{rnd.randint(64, 79)}'}.get(port.role)
    draw = rnd.random()
    if own and draw < 0.2:
        return own
    return spoofed if draw > 0.92 else port.ip


def _destination_ip(rnd: random.Random, port: Port) -> str:
    draw = rnd.random()
    if draw < 0.06:
        return rnd.choice(BROADCASTS)
    if port.ip is None or draw > 0.95:
        return f'10.77.0.{rnd.randint(200, 250)}'
    own = {'vip': VIP, 'vrrp': VRRP_IP,
           'hostbits': rnd.choice(('10.77.0.130', '10.77.0.133')),
           'cidr': f'10.77.0.{rnd.randint(64, 79)}'}.get(port.role)
    return own if own and draw < 0.25 else port.ip


def _aimed(rnd: random.Random, world: World,
           destination: int) -> Rule | None:
    """An ingress rule of the destination's groups, for a probe to meet."""
    rules = [r for g in world.ports[destination].groups
             for r in world.groups[g].rules if r.direction == 'ingress'
             and r.protocol is not None]
    return rnd.choice(rules) if rules and rnd.random() < 0.6 else None


def _shape(rnd: random.Random, world: World, destination: int
           ) -> tuple[str, int | None, tuple[int, int] | None]:
    """(protocol, port, ICMP type and code) of a probe."""
    aimed = _aimed(rnd, world, destination)
    protocol = aimed.protocol if aimed else rnd.choice(
        ('tcp', 'tcp', 'udp', 'udp', 'icmp', 'icmp', 'icmp', '112', '47'))
    assert protocol is not None
    if protocol in ('tcp', 'udp'):
        low, high = (aimed.ports if aimed and aimed.ports else
                     (rnd.choice(DESTINATION_PORTS),) * 2)
        return protocol, rnd.randint(low, high), None
    if protocol == 'icmp':
        icmp = rnd.choice(ICMP_PROBES)
        if aimed and aimed.icmp and rnd.random() < 0.7:
            icmp = (aimed.icmp[0], aimed.icmp[1] or 0)
        return protocol, None, icmp
    return protocol, None, None


def probes(world: World, count: int) -> list[Probe]:
    """``count`` random probes between the world's ports.

    Most are aimed at one of the destination's ingress rules (its
    protocol, a port in its range, its ICMP type), so that many pass.
    """
    rnd = random.Random(world.seed * 7919 + count)
    found = []
    for _ in range(count):
        source, destination = rnd.sample(range(len(world.ports)), 2)
        protocol, port, icmp = _shape(rnd, world, destination)
        found.append(Probe(
            source, destination, protocol, port, icmp,
            _source_ip(rnd, world.ports[source]),
            _destination_ip(rnd, world.ports[destination])))
    return found
