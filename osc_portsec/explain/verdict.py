"""The answer of ``explain``: one back end's verdict, the others' where they
differ, and the commands that would change it.

Built as plain data (the JSON contract); the command only formats it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import evaluate
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import fixed
from osc_portsec.explain import packet as _packet

# What is assumed when Neutron does not show the binding: OVN is ML2's
# default mechanism driver since the Ussuri release.
DEFAULT_BACKEND = _backend.OVN


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The JSON contract of ``openstack port security explain``."""

    verdict: str
    decided_by: str
    rule: dict[str, Any] | None
    reason: str
    fix: list[str]
    backend: dict[str, str]
    differences: list[dict[str, str]]
    port: dict[str, Any]
    packet: dict[str, Any]
    replies: str
    considered: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _rule(outcome: evaluate.Outcome,
          names: dict[str, str]) -> dict[str, Any] | None:
    if outcome.rule is None or outcome.group is None:
        return None
    return {
        'id': outcome.rule.id,
        'security_group_id': outcome.group.id,
        'security_group_name': outcome.group.name,
        'rule': outcome.rule.render(names),
    }


def _considered(outcome: evaluate.Outcome,
                names: dict[str, str]) -> list[dict[str, Any]]:
    return [{
        'id': c.rule.id,
        'security_group_id': c.group.id,
        'security_group_name': c.group.name,
        'rule': c.rule.render(names),
        'matched': c.matched,
        'why': c.why,
    } for c in outcome.considered]


def _rule_create(packet: _packet.Packet, group_id: str) -> str:
    words = ['openstack security group rule create', f'--{packet.direction}',
             f'--ethertype {packet.ethertype}',
             f'--protocol {packet.protocol_name}']
    if packet.port is not None:
        words.append(f'--dst-port {packet.port}')
    if packet.icmp_type is not None:
        words.append(f'--icmp-type {packet.icmp_type}')
    if packet.icmp_code is not None:
        words.append(f'--icmp-code {packet.icmp_code}')
    if packet.remote_ip:
        bits = 32 if packet.ethertype == _packet.IPV4 else 128
        words.append(f'--remote-ip {packet.remote_ip}/{bits}')
    words.append(group_id)
    return ' '.join(words)


def _pair_add(port: _facts.Port, ip: str, mac: str | None) -> str:
    if mac and fixed.is_group_mac(mac):
        mac = None
    value = f'ip-address={ip}'
    if mac and mac != port.mac_address:
        value += f',mac-address={mac}'
    return (f'openstack port security pair add {port.id} '
            f'--allowed-address {value}')


def fix(outcome: evaluate.Outcome, packet: _packet.Packet,
        port: _facts.Port) -> list[str]:
    """Commands of this tool or of OSC that would turn the verdict over."""
    by = outcome.decided_by
    if by == evaluate.SECURITY_GROUP_RULE:
        return [f'openstack security group rule delete {c.rule.id}'
                for c in outcome.matching]
    if by == evaluate.PORT_SECURITY_DISABLED:
        return [f'openstack port security enable {port.id}']
    if by == evaluate.NO_MATCHING_RULE:
        if port.security_group_ids:
            return [_rule_create(packet, port.security_group_ids[0])]
        return [f'openstack port set --security-group <security-group> '
                f'{port.id}']
    if by != evaluate.ANTI_SPOOFING:
        # conntrack: no port setting lets such a packet in; unknown: no
        # verdict to turn over.
        return []
    if packet.local_ip and outcome.check in (evaluate.SOURCE,
                                             evaluate.DESTINATION):
        return [_pair_add(port, packet.local_ip, packet.local_mac),
                f'openstack port security disable {port.id}']
    return [f'openstack port security disable {port.id}']


def _differences(outcomes: dict[str, evaluate.Outcome],
                 chosen: str) -> list[dict[str, str]]:
    main = outcomes[chosen]
    return [{
        'backend': name,
        'verdict': other.verdict,
        'decided_by': other.decided_by,
        'why': other.reason,
    } for name, other in outcomes.items()
        if name != chosen and other.verdict != main.verdict]


def _port(port: _facts.Port) -> dict[str, Any]:
    return {
        'id': port.id, 'name': port.name, 'mac_address': port.mac_address,
        'fixed_ips': list(port.fixed_ips),
        'port_security_enabled': port.port_security_enabled,
        'device_owner': port.device_owner,
        'security_group_ids': list(port.security_group_ids),
    }


def explain(facts: _facts.Facts, packet: _packet.Packet,
            requested: str | None = None, long: bool = False) -> Verdict:
    """Judge ``packet`` under every back end and answer for one of them.

    The back end is ``requested`` (--backend), else the one the port's
    binding shows, else OVN with the others' differing verdicts listed.
    ``long`` adds every rule considered (rendering them costs time).
    """
    port = facts.port
    found, how = _backend.choose(port.vif_type, port.vif_details)
    if requested:
        chosen, how = requested, '--backend'
    elif found:
        chosen = found
    else:
        chosen = DEFAULT_BACKEND
        how = (f'{how}; {DEFAULT_BACKEND}, ML2\'s default, is assumed and '
               f'the other back ends are listed where they differ')
    if packet.direction == _packet.INGRESS and packet.local_mac is None:
        # The frame's destination MAC decides on OVN: show the one judged.
        packet = dataclasses.replace(
            packet, local_mac=fixed.destination_mac(facts, packet))
    static = evaluate.statics(facts, packet)
    outcomes = {name: evaluate.judge(facts, packet, name, static)
                for name in _backend.BACKENDS}
    main = outcomes[chosen]
    names = facts.group_names()
    return Verdict(
        verdict=main.verdict, decided_by=main.decided_by,
        rule=_rule(main, names), reason=main.reason,
        fix=fix(main, packet, port),
        backend={'name': chosen, 'chosen_by': how},
        differences=_differences(outcomes, chosen), port=_port(port),
        packet=packet.to_dict(), replies=main.replies,
        considered=_considered(main, names) if long else [],
    )
