"""Replay explain cases with real packets: one set of VMs for every case.

The lab of a case (tests/functional/explain_cases.py) is three ports A, B
and C with fixed addresses on one network. Here they are made once, each
with a VM (a namespace) behind it; between cases only their security
groups, pairs, port security and device owner change, through
openstacksdk, and the groups of a case are kept while the next case uses the
same ones. After each change the replay waits until
OVN has programmed it on the chassis (``ovn-nbctl --wait=hv sync``) and
flushes the datapath's connection tracking, so that no case sees a
connection an earlier one opened; then it sends the case's packet (see
frames.py) and says whether it arrived.
"""

from __future__ import annotations

import os
import pathlib
import shlex
import subprocess
import tempfile
from typing import Any, IO

import openstack

from osc_portsec.explain import facts as _facts
from tests.functional import cli as _cli
from tests.functional import explain_cases as cases
from tests.functional import explain_lab
from tests.functional import frames
from tests.functional import packets

# A drop is nothing arriving in this many seconds. The chassis has
# programmed the change before the packet is sent, so a pass shows within
# milliseconds and ends the wait at once.
WINDOW = 2.0


def _ovs_run() -> pathlib.Path:
    return packets.STATE / 'run'


def wait_for_chassis(timeout: float = 20) -> None:
    """Return once the chassis has programmed the northbound state."""
    sock = _ovs_run() / 'ovn' / 'ovnnb_db.sock'
    subprocess.run(['ovn-nbctl', f'--db=unix:{sock}', f'--timeout={timeout}',
                    '--wait=hv', 'sync'], check=True, capture_output=True,
                   timeout=timeout + 5)


def flush_conntrack() -> None:
    ctl = _ovs_run() / 'ovs' / 'ovs-vswitchd.ctl'
    subprocess.run(['ovs-appctl', '-t', str(ctl), 'dpctl/flush-conntrack'],
                   check=True, capture_output=True, timeout=20)


def _group_key(case: cases.Case, group: cases.Group) -> tuple:
    """What makes a group reusable: its rules and the remote groups."""
    by_name = {g.name: g for g in case.groups}
    remotes = sorted({r.remote_group for r in group.rules
                      if r.remote_group and r.remote_group != group.name})
    return (group, tuple((name, by_name[name]) for name in remotes))


class Rig:
    """Ports A, B and C with a VM each, reconfigured for every case."""

    def __init__(self, conn: openstack.connection.Connection, name: str):
        self.conn = conn
        self.name = name
        self.lab = explain_lab.Lab(conn, name)
        self.groups: dict[tuple, str] = {}
        self.ports: dict[str, Any] = {}
        self.vms: dict[str, packets.Vm] = {}
        self.socks: dict[str, Any] = {}
        for vm in ('A', 'B', 'C'):
            self.ports[vm] = conn.network.create_port(
                network_id=self.lab.net.id, name=f'{name}-{vm}',
                fixed_ips=self.fixed_ips(vm),
                security_group_ids=[], is_port_security_enabled=False)
            self.vms[vm] = packets.create_vm(self.ports[vm].id,
                                             f'{name}-{vm.lower()}')
            self.socks[vm] = frames.netns_socket(
                self.vms[vm].namespace, self.vms[vm].interface)

    def fixed_ips(self, vm: str) -> list[dict[str, str]]:
        return [{'subnet_id': self.lab.subnets[4].id,
                 'ip_address': cases.ADDRESSES[vm]},
                {'subnet_id': self.lab.subnets[6].id,
                 'ip_address': cases.ADDRESSES[vm + '6']}]

    # -- configuration ----------------------------------------------------

    def _group_ids(self, case: cases.Case) -> dict[str, str]:
        ids: dict[str, str] = {}
        new: list[cases.Group] = []
        for group in case.groups:
            key = _group_key(case, group)
            if key not in self.groups:
                sg = self.conn.network.create_security_group(
                    name=f'{self.name}-{group.name}-{len(self.groups)}',
                    stateful=group.stateful)
                # Neutron adds two egress rules to a new group; the case
                # says exactly which rules exist.
                for rule in list(sg.security_group_rules or []):
                    self.conn.network.delete_security_group_rule(rule['id'])
                self.lab.made_groups.append(sg.id)
                self.groups[key] = sg.id
                new.append(group)
            ids[group.name] = self.groups[key]
        for group in new:
            bodies = []
            for rule in group.rules:
                low, high = rule.ports or rule.icmp or (None, None)
                body = {
                    'security_group_id': ids[group.name],
                    'direction': rule.direction,
                    'ethertype': rule.ethertype, 'protocol': rule.protocol,
                    'port_range_min': low, 'port_range_max': high,
                    'remote_ip_prefix': rule.remote_ip_prefix,
                    'remote_group_id': (ids[rule.remote_group]
                                        if rule.remote_group else None)}
                body = {k: v for k, v in body.items() if v is not None}
                # Neutron refuses a rule twice (409); one is the same.
                if body not in bodies:
                    bodies.append(body)
            if bodies:
                # One bulk request per group (Neutron's limit).
                list(self.conn.network.create_security_group_rules(bodies))
        return ids

    def _forget(self, used: set[str]) -> None:
        """Delete the kept groups that no port uses.

        The project's quota of security groups is small.
        """
        for key, sg_id in list(self.groups.items()):
            if sg_id not in used:
                self.conn.network.delete_security_group(sg_id,
                                                        ignore_missing=True)
                self.lab.made_groups.remove(sg_id)
                del self.groups[key]

    def configure(self, case: cases.Case) -> None:
        """Set the ports as ``case`` says.

        Groups of earlier cases that this one does not use are deleted.
        """
        ids = self._group_ids(case)
        wanted = {vm.name: vm for vm in (case.a, *case.peers)}
        for name in ('A', 'B', 'C'):
            vm = wanted.get(name, cases.VM(name, port_security=False))
            body: dict[str, Any] = {
                'is_port_security_enabled': vm.port_security,
                'security_group_ids': [ids[g] for g in vm.groups],
                'allowed_address_pairs': [
                    {'ip_address': ip,
                     'mac_address': mac or self.ports[name].mac_address}
                    for ip, mac in vm.pairs],
                'device_owner': vm.device_owner,
                'fixed_ips': self.fixed_ips(name) if vm.fixed_ips else [],
            }
            self._update(name, body)
        self._forget(set(ids.values()))
        wait_for_chassis()
        flush_conntrack()

    def _update(self, name: str, body: dict[str, Any]) -> None:
        port = self.ports[name]
        owner = body.pop('device_owner')
        # Neutron 29 fails (HTTP 500, a TypeError in
        # _update_security_group_on_port) when groups are set in the request
        # that makes the port a network:* port; the explain lab too sets
        # the owner last. Leaving network:* goes first, for the same reason.
        steps = [{'device_owner': owner}, body]
        if owner:
            steps.reverse()
        for step in steps:
            port = self.ports[name]
            if any(_differs(getattr(port, k), v) for k, v in step.items()):
                self.ports[name] = self.conn.network.update_port(port, **step)

    # -- packets ------------------------------------------------------------

    def resolve(self, address: str) -> str:
        if address == cases.A_LLA:
            return _facts.eui64_lla(self.ports['A'].mac_address)
        if address == cases.A_MAC:
            return str(self.ports['A'].mac_address)
        return address

    def spec(self, case: cases.Case, judged_mac: str | None = None
             ) -> tuple[str, str, frames.Spec]:
        """Sender, receiver and frame of the case's packet.

        An ingress frame for which the case names no destination MAC goes
        to ``judged_mac``, the MAC explain judged (its answer's
        ``packet.local_mac``), when given.
        """
        sent = case.send()
        if case.packet.direction == 'ingress' and not sent['dst_mac']:
            sent['dst_mac'] = judged_mac
        if sent['from'] == cases.DHCP:
            # OVN's offer to A's discover (see arrives).
            sent = dict(sent, **{'from': 'A'})
        src, dst = self.vms[sent['from']], self.vms[sent['to']]
        dst_ip = self.resolve(sent['dst_ip'])
        return sent['from'], sent['to'], frames.Spec(
            src_mac=sent['src_mac'] or src.mac,
            dst_mac=(self.resolve(sent['dst_mac'] or '')
                     or frames.multicast_mac(dst_ip)
                     or (cases.BROADCAST_MAC
                         if dst_ip == cases.SUBNET_BROADCAST else dst.mac)),
            src_ip=self.resolve(sent['src_ip']), dst_ip=dst_ip,
            protocol=sent['protocol'], port=sent['port'],
            icmp_type=sent['icmp_type'], icmp_code=sent['icmp_code'])

    def arrives(self, case: cases.Case,
                judged_mac: str | None = None) -> bool:
        """Send the case's packet; True if it arrived (see ``spec``)."""
        sender, receiver, spec = self.spec(case, judged_mac)
        token = frames.fresh_token()
        watch = [(self.socks[receiver], token)]
        if case.packet.peer == cases.DHCP or (
                spec.src_ip, spec.dst_ip, spec.port) == (
                '0.0.0.0', '255.255.255.255', 67):
            # A DHCP discover: OVN answers it itself when it lets it
            # through, and then forwards it nowhere.
            raw, reply = frames.dhcp_discover(spec.src_mac, token)
            sent = [raw]
            watch.append((self.socks[sender], reply))
        else:
            # New source ports (and so new connections) on each resend.
            sent = [frames.frame(spec, token, 40000 + n * 7 + token[5])
                    for n in range(4)]
        arrived = frames.arrives(self.socks[sender], sent, watch, WINDOW)
        packets.check_datapath()
        return arrived

    def close(self) -> None:
        for sock in self.socks.values():
            sock.close()
        for vm in self.vms.values():
            packets.delete_vm(vm)
        for port in self.ports.values():
            self.conn.network.delete_port(port.id, ignore_missing=True)
        self.lab.close()


def _differs(current: Any, wanted: Any) -> bool:
    if isinstance(wanted, list) and any(
            isinstance(x, dict) for x in [*wanted, *(current or [])]):
        # Pairs and fixed IPs, by address (and MAC).
        def norm(items: Any) -> list:
            return sorted((p['ip_address'], p.get('mac_address'))
                          for p in items or [])
        return norm(current) != norm(wanted)
    if isinstance(wanted, list):
        return sorted(current or []) != sorted(wanted)
    return (current or '') != (wanted or '') if isinstance(
        wanted, str) else current != wanted


class Shell:
    """One ``openstack`` process in its interactive mode, fed commands.

    The installed binary, its start-up (about 2 s of CPU here) paid once
    instead of once per case: each command is written to its stdin,
    followed by ``configuration show`` of one field, whose answer marks
    the end of the command's output.
    """

    MARK = ['configuration', 'show', '-f', 'value', '-c', 'auth_type']

    def __init__(self, cli: _cli.Cli, cloud: str = 'demo'):
        env = cli.env()
        env['OS_CLOUD'] = cloud
        # Piped output is block-buffered: every answer must come at once.
        env['PYTHONUNBUFFERED'] = '1'
        self.stderr: IO[str] = tempfile.TemporaryFile('w+')
        self.since = 0
        self.proc = subprocess.Popen(
            [cli.openstack], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.stderr, text=True, env=env, cwd=cli.workdir)
        self.mark = self._send(self.MARK, None).strip()
        assert self.mark, f'openstack answers nothing: {self.errors()}'

    def _send(self, args: list[str], mark: str | None) -> str:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(shlex.join(args) + '\n')
        if mark is not None:
            self.proc.stdin.write(shlex.join(self.MARK) + '\n')
        self.proc.stdin.flush()
        out: list[str] = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f'openstack exited: {self.errors()}')
            if mark is None:
                return line
            if line.strip() == mark:
                return ''.join(out)
            out.append(line)

    def run(self, *args: str) -> str:
        """The command's stdout (empty when it failed: see errors())."""
        self.since = self.stderr.seek(0, os.SEEK_END)
        return self._send(list(args), self.mark)

    def errors(self) -> str:
        """What the last command wrote to stderr."""
        self.stderr.seek(self.since)
        return self.stderr.read()[-2000:]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.stderr.close()
