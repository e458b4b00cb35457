"""The reach differential: ``reach --backend ovn`` against real packets.

For each probe of a generated world (tests/functional/reach_world.py),
``openstack port security reach`` runs through the installed binary (one
interactive process, as admin so that its ``trace`` is filled in), the
probe's frame is sent from the source VM, and three truths are compared
with its answer: whether the frame arrived (against ``verdict`` at the two
ends), which end's OpenFlow drop counters moved (against ``blocked_at``),
and, when it arrived, whether the reply sent back arrived (against
``reply``). The ``ovn-trace`` commands the answer gives are run against the
local cloud's OVN databases and compared too.
"""

from __future__ import annotations

from concurrent import futures
import dataclasses
import json
import random
import time
from typing import Any

import openstack

from tests.functional import explain_dataplane
from tests.functional import packets
from tests.functional import reach_wire as wire
from tests.functional import reach_world as worlds

BROADCASTS = worlds.BROADCASTS
ICMP_REPLY = {8: 0, 13: 14}


@dataclasses.dataclass
class Record:
    """One probe: what reach said, what the data plane did."""

    probe: worlds.Probe
    answer: dict[str, Any]
    arrived: bool
    dropped_at: str | None
    reply_arrived: bool | None = None
    traced: list[bool] = dataclasses.field(default_factory=list)
    wrong: list[str] = dataclasses.field(default_factory=list)
    # Sent again: the reply was lost where reach says it comes back.
    retried: bool = False

    @property
    def forward(self) -> str:
        blocked = self.answer['blocked_at']
        return 'drop' if {'source', 'destination'} & set(blocked) else 'pass'

    def line(self, seed: int) -> str:
        p = self.probe
        seen = 'arrived' if self.arrived else (
            f'dropped at {self.dropped_at or "unknown"}')
        return (f'seed {seed}: {", ".join(self.wrong)}: p{p.source} -> '
                f'p{p.destination} {p.protocol} port {p.port} icmp {p.icmp} '
                f'{p.source_ip} -> {p.destination_ip}; reach '
                f'{self.answer["verdict"]} {self.answer["blocked_at"]} '
                f'reply {self.answer["reply"]["verdict"]}, packet {seen}, '
                f'reply {self.reply_arrived}, trace {self.traced}; '
                f'source: {self.answer["source"].get("reason")} '
                f'destination: {self.answer["destination"].get("reason")}')


def _in_cidr_pair(ip: str) -> bool:
    import ipaddress

    return ipaddress.ip_address(ip) in ipaddress.ip_network(
        worlds.CIDR_PAIR)


# Disagreements that another branch's work or a tool outside this project
# explains: (name, whose, test). Reported apart, with every probe; the
# differential fails on any other.
KNOWN = (
    ('subnet broadcast: OVN delivers a frame to the broadcast MAC to every '
     'port whatever its IP; explain\'s evaluator (so reach) does not know '
     'the subnet\'s broadcast address yet', 'per-port class for explain',
     lambda r: r.probe.destination_ip == worlds.SUBNET_BROADCAST),
    ('ovn-trace 23.03 check_in/out_port_sec drops an address inside a '
     'CIDR pair that the data plane lets through', 'ovn-trace',
     lambda r: set(r.wrong) == {'trace'} and any(
         _in_cidr_pair(ip) for ip in (r.probe.source_ip,
                                      r.probe.destination_ip))),
)


def known(record: Record) -> str | None:
    """The known class that explains a disagreement, or None."""
    return next((name for name, _, test in KNOWN if test(record)), None)


def summary(records: list[Record]) -> dict[str, Any]:
    """Agreement numbers of one world's probes."""
    wrong = [r for r in records if r.wrong]
    blamed = [r for r in records if not r.arrived and r.dropped_at]
    replies = [r for r in records if r.reply_arrived is not None]
    traces = sum(t is not None for r in records
                 for t in [r.arrived, r.reply_arrived][:len(r.traced)])
    return {
        'probes': len(records),
        'retried': sum(r.retried for r in records),
        'agree': len(records) - len(wrong),
        'arrived': sum(r.arrived for r in records),
        'known': sum(1 for r in wrong if known(r)),
        'unexplained': [r for r in wrong if not known(r)],
        'blocked_at': (len(blamed), sum(
            'blocked_at' not in r.wrong for r in blamed)),
        'reply': (len(replies), sum('reply' not in r.wrong for r in replies)),
        'trace': (traces, traces - sum(r.wrong.count('trace')
                                       for r in records)),
    }


def compare(record: Record) -> list[str]:
    """The kinds of disagreement between reach and the data plane."""
    wrong = []
    answer = record.answer
    if (record.forward == 'pass') != record.arrived:
        wrong.append('verdict')
    forward_blocked = [s for s in answer['blocked_at'] if s != 'reply']
    if (not record.arrived and record.dropped_at and forward_blocked
            and forward_blocked[0] != record.dropped_at):
        wrong.append('blocked_at')
    if record.reply_arrived is not None and (
            (answer['reply']['verdict'] == 'pass') != record.reply_arrived):
        wrong.append('reply')
    truths = [record.arrived, record.reply_arrived]
    for traced, truth in zip(record.traced, truths):
        if truth is not None and traced != truth:
            wrong.append('trace')
    return wrong


class Differential:
    """The lab, its VMs' sockets, and the probes of each world run on it."""

    def __init__(self, conn: openstack.connection.Connection,
                 shell: explain_dataplane.Shell, name: str) -> None:
        # One thread runs reach through the shell, in order.
        self.shell = shell
        self.ovn = wire.Ovn()
        self.lab = worlds.Lab(conn, name)
        self.world: worlds.World | None = None
        self.pool = futures.ThreadPoolExecutor(1)
        try:
            self.ids = [p.id for p in self.lab.ports]
            self.socks = [wire.vm_socket(vm) for vm in self.lab.vms]
            self.ovn.sync()
            self.datapath = self.ovn.datapath_key(self.lab.net.id)
            self.keys = self.ovn.port_keys(self.ids)
            self.zones = self.ovn.zones(self.ids)
        except BaseException:
            self.close()
            raise

    def apply(self, world: worlds.World) -> None:
        self.lab.apply(world)
        self.world = world
        self.ovn.sync()

    def macs(self, probe: worlds.Probe) -> tuple[str, str]:
        """The frame's MACs, as reach's documented convention has them."""
        assert self.world is not None
        roles = [p.role for p in self.world.ports]
        src = self.lab.ports[probe.source].mac_address
        if probe.source_ip == worlds.VRRP_IP and (
                roles[probe.source] == 'vrrp'):
            src = self.lab.vrrp_mac(probe.source)
        dst = self.lab.ports[probe.destination].mac_address
        if probe.destination_ip in BROADCASTS:
            dst = 'ff:ff:ff:ff:ff:ff'
        elif probe.destination_ip == worlds.VRRP_IP and (
                roles[probe.destination] == 'vrrp'):
            dst = self.lab.vrrp_mac(probe.destination)
        return src, dst

    def _send(self, probe: worlds.Probe, ends: tuple[int, int], macs: tuple,
              ips: tuple, payload: Any, token: bytes
              ) -> tuple[bool, str | None]:
        keys = {'source': self.keys[self.ids[ends[0]]],
                'destination': self.keys[self.ids[ends[1]]]}
        before = self.ovn.drops(self.datapath)
        sides: list[str] = []

        def dropped() -> bool:
            after = self.ovn.drops(self.datapath)
            sides[:] = [side for side in (wire.side_of(f, keys) for f in
                                          wire.moved(before, after)) if side]
            return bool(sides)

        arrived = wire.send(self.socks[ends[0]], self.socks[ends[1]],
                            wire.frame(macs, ips, probe.protocol, payload),
                            token, dropped)
        packets.check_datapath()
        if arrived:
            return True, None
        return False, ('source' if 'source' in sides else
                       sides[0] if sides else None)

    def forward(self, probe: worlds.Probe, sport: int, token: bytes
                ) -> tuple[bool, str | None]:
        self.ovn.flush([self.zones[i] for i in (
            self.ids[probe.source], self.ids[probe.destination])
            if i in self.zones])
        payload = wire.l4(probe.protocol, probe.port, sport, probe.icmp,
                          token, (probe.destination_ip, probe.source_ip))
        return self._send(probe, (probe.source, probe.destination),
                          self.macs(probe),
                          (probe.source_ip, probe.destination_ip), payload,
                          token)

    def reply(self, probe: worlds.Probe, sport: int, token: bytes) -> bool:
        from scapy.layers import inet
        from scapy import packet as scapy_packet

        raw = scapy_packet.Raw(token)
        if probe.protocol == 'tcp':
            payload = inet.TCP(sport=probe.port, dport=sport, flags='SA',
                               ack=int.from_bytes(token[:4], 'big') + 1)
        elif probe.protocol == 'udp':
            payload = inet.UDP(sport=probe.port, dport=sport)
        else:
            assert probe.icmp is not None
            payload = inet.ICMP(type=ICMP_REPLY[probe.icmp[0]], code=0,
                                id=sport, seq=1)
        src, dst = self.macs(probe)
        arrived, _ = self._send(
            probe, (probe.destination, probe.source), (dst, src),
            (probe.destination_ip, probe.source_ip), payload / raw, token)
        return arrived

    def _answer(self, probe: worlds.Probe) -> dict[str, Any]:
        out = self.shell.run(*probe.args(self.ids))
        assert out.strip(), f'reach failed: {self.shell.errors()}'
        return dict(json.loads(out))

    def truth(self, probe: worlds.Probe, rnd: random.Random
              ) -> tuple[bool, str | None, bool | None]:
        """(arrived, the end that dropped it, the reply arrived)."""
        sport = rnd.randint(32768, 60999)
        arrived, side = self.forward(probe, sport, wire.fresh())
        replied = None
        if arrived and probe.destination_ip not in BROADCASTS and (
                probe.protocol in ('tcp', 'udp') or (
                    probe.icmp and probe.icmp in ((8, 0), (13, 0)))):
            replied = self.reply(probe, sport, wire.fresh())
        return arrived, side, replied

    def run(self, probes: list[worlds.Probe],
            rnd: random.Random) -> list[Record]:
        """Every probe, reach's answer and the data plane's truth.

        The answers come from one process while the frames travel: neither
        changes what the other sees.
        """
        asked = [self.pool.submit(self._answer, p) for p in probes]
        truths = [self.truth(p, rnd) for p in probes]
        return [self.record(p, a.result(), *t)
                for p, a, t in zip(probes, asked, truths)]

    def record(self, probe: worlds.Probe, answer: dict[str, Any],
               arrived: bool, side: str | None,
               replied: bool | None) -> Record:
        retried = False
        if answer['reply']['verdict'] == 'pass' and replied is False:
            # Other tests flush every conntrack zone of the datapath at
            # times (explain's replay does); a flush between a packet and
            # its reply loses the connection. Such a loss does not happen
            # twice in a row; a reply the rules drop is dropped again.
            retried = True
            arrived, side, replied = self.truth(probe, random.Random())
        record = Record(probe, answer, arrived, side, retried=retried)
        if answer['reply']['verdict'] is not None:
            record.reply_arrived = replied
        dst_ids = [self.ids[probe.destination], self.ids[probe.source]]
        record.traced = [self.ovn.trace(command, port_id) for command,
                         port_id in zip(answer['trace'], dst_ids)]
        if (answer['packet']['source_mac'],
                answer['packet']['destination_mac']) != self.macs(probe):
            record.wrong.append('packet')
        record.wrong += compare(record)
        return record

    def close(self) -> None:
        self.pool.shutdown()
        for sock in getattr(self, 'socks', []):
            sock.close()
        self.lab.close()


def run(conn: openstack.connection.Connection,
        shell: explain_dataplane.Shell, seeds: list[int], count: int,
        name: str) -> dict[int, tuple[list[Record], float]]:
    """For each seed, its world and ``count`` probes: (records, seconds)."""
    diff = Differential(conn, shell, name)
    found = {}
    try:
        for seed in seeds:
            start = time.monotonic()
            world = worlds.generate(seed)
            diff.apply(world)
            rnd = random.Random(seed)
            records = diff.run(worlds.probes(world, count), rnd)
            found[seed] = (records, time.monotonic() - start)
    finally:
        diff.close()
    return found
