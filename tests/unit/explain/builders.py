"""Small builders of evaluator facts for the explain tests."""

from __future__ import annotations

from typing import Any

from osc_portsec.explain import facts
from osc_portsec.explain import packet

MAC = 'fa:16:3e:00:00:01'
OTHER_MAC = 'fa:16:3e:00:00:99'
VRRP_MAC = '00:00:5e:00:01:0a'
IP4 = '10.0.0.5'
IP6 = '2001:db8::5'
SG = 'sg-web'
SG_PEERS = 'sg-peers'


def port(**overrides: Any) -> facts.Port:
    values: dict[str, Any] = dict(
        id='port-a', name='web-1', mac_address=MAC, fixed_ips=(IP4, IP6),
        security_group_ids=(SG,), device_owner='compute:nova')
    pairs = overrides.pop('pairs', ())
    values['pairs'] = tuple(
        facts.Pair(p, MAC) if isinstance(p, str) else facts.Pair(*p)
        for p in pairs)
    values.update(overrides)
    return facts.Port(**values)


def rule(rule_id: str = 'r1', direction: str = 'ingress',
         ethertype: str = 'IPv4', protocol: Any = None,
         lo: int | None = None, hi: int | None = None,
         prefix: str | None = None, remote_group: str | None = None,
         address_group: str | None = None,
         group: str = SG) -> facts.Rule:
    return facts.rule_from_body({
        'id': rule_id, 'security_group_id': group, 'direction': direction,
        'ethertype': ethertype, 'protocol': protocol,
        'port_range_min': lo, 'port_range_max': hi,
        'remote_ip_prefix': prefix, 'remote_group_id': remote_group,
        'remote_address_group_id': address_group})


def group(*rules: facts.Rule, group_id: str = SG, name: str = 'web',
          stateful: bool = True) -> facts.Group:
    return facts.Group(group_id, name, stateful, tuple(rules))


def member(member_id: str, ips: tuple[str, ...],
           pairs: tuple[str, ...] = (),
           groups: tuple[str, ...] = (SG,)) -> facts.Member:
    return facts.Member(member_id, groups, ips, pairs)


SUBNET4 = facts.Subnet('sub-4', '10.0.0.0/24', '10.0.0.1', True)
SUBNET6 = facts.Subnet('sub-6', '2001:db8::/64', '2001:db8::1', True)


def make_facts(port_: facts.Port | None = None,
               groups: tuple[facts.Group, ...] = (),
               members: tuple[facts.Member, ...] = (),
               address_groups: dict[str, tuple[str, ...]] | None = None,
               subnets: tuple[facts.Subnet, ...] = (),
               network_stateful: bool | None = None) -> facts.Facts:
    return facts.Facts(port_ or port(), groups, members,
                       address_groups or {}, subnets, network_stateful)


def make_packet(subject: facts.Port, **values: Any) -> packet.Packet:
    """A complete packet at ``subject``, from CLI-style values."""
    raw = packet.parse(**values)
    return packet.complete(raw, list(subject.fixed_ips),
                           subject.mac_address)
