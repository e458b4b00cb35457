"""The evaluator, one table row per semantic rule of Neutron's drivers.

Each row cites the Neutron (or OVN) code whose behaviour it encodes; the
paths are those of neutron 29.0.0 and neutron-lib 5.0.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import testtools

from osc_portsec.explain import evaluate
from osc_portsec.explain import facts
from tests.unit.explain import builders as b

OVN, OVS, IPT = 'ovn', 'openvswitch', 'iptables_hybrid'
ALL = (OVN, OVS, IPT)
PASS, DROP, UNKNOWN = 'pass', 'drop', 'unknown'
CT = 'conntrack'

SSH = b.rule('ssh', protocol='tcp', lo=22, hi=22)
EGRESS_ANY = b.rule('eg4', direction='egress')
EGRESS_ANY6 = b.rule('eg6', direction='egress', ethertype='IPv6')
WEB = b.group(SSH, EGRESS_ANY, EGRESS_ANY6)

# (name, facts factory, packet values, back ends, verdict, decided_by)
Case = tuple[str, Callable[[], facts.Facts], dict[str, Any],
             tuple[str, ...], str, str]

CASES: list[Case] = [
    # ovn_client.py _get_allowed_addresses_from_port returns nothing and
    # the port leaves every port group; firewall.py/iptables_firewall.py
    # do not filter a port whose port_security_enabled is False.
    ('port security off passes anything',
     lambda: b.make_facts(b.port(port_security_enabled=False,
                                 security_group_ids=())),
     dict(direction='egress', protocol='tcp', port=80,
          local_ip='192.0.2.1', remote_ip='8.8.8.8'), ALL,
     PASS, 'port_security_disabled'),
    # No port-security extension (no flag): Neutron writes no port
    # security for a port it creates or updates (ovn_client.py), but OVN
    # keeps filtering a port made before: no verdict where the two differ;
    # firewall.py port_sec_enabled defaults to True, so the agents filter.
    ('no flag: OVN may or may not filter',
     lambda: b.make_facts(b.port(port_security_enabled=None)),
     dict(direction='ingress', protocol='tcp', port=23,
          remote_ip='10.0.0.9'), (OVN,), UNKNOWN, 'port_security_unknown'),
    ('no flag: a packet that passes either way passes',
     lambda: b.make_facts(b.port(port_security_enabled=None),
                          groups=(WEB,)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='10.0.0.9'), ALL, PASS, 'security_group_rule'),
    ('no flag: the agents filter',
     lambda: b.make_facts(b.port(port_security_enabled=None)),
     dict(direction='ingress', protocol='tcp', port=23,
          remote_ip='10.0.0.9'), (OVS, IPT), DROP, 'no_matching_rule'),
    # neutron_lib.utils.net.is_port_trusted; ovn utils.is_lsp_trusted.
    ('network:* owner is trusted',
     lambda: b.make_facts(b.port(device_owner='network:router_interface')),
     dict(direction='ingress', protocol='tcp', port=80,
          remote_ip='10.0.0.9'), ALL, PASS, 'trusted_port'),
    # firewall.py _initialize_egress: nw_src/dl_src pairs; iptables
    # _spoofing_rule; ovn port_security "MAC IP...".
    ('own MAC and fixed IP may send',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='egress', protocol='tcp', port=443,
          remote_ip='192.0.2.1'), ALL, PASS, 'security_group_rule'),
    ('another source IP is spoofing',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='egress', protocol='tcp', port=443,
          remote_ip='192.0.2.1', local_ip='10.0.0.77'), ALL,
     DROP, 'anti_spoofing'),
    ('another source MAC is spoofing',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='egress', protocol='tcp', port=443,
          remote_ip='192.0.2.1', local_mac=b.OTHER_MAC), ALL,
     DROP, 'anti_spoofing'),
    # A pair stored without a MAC carries the port's MAC (Neutron fills
    # it in: allowedaddresspairs_db).
    ('a single-IP pair lets its address out',
     lambda: b.make_facts(b.port(pairs=('10.0.0.100',)), groups=(WEB,)),
     dict(direction='egress', protocol='tcp', port=443,
          remote_ip='192.0.2.1', local_ip='10.0.0.100'), ALL,
     PASS, 'security_group_rule'),
    ('a CIDR pair lets any address inside out',
     lambda: b.make_facts(b.port(pairs=('172.16.0.0/16',)), groups=(WEB,)),
     dict(direction='egress', protocol='udp', port=53,
          remote_ip='192.0.2.1', local_ip='172.16.4.4'), ALL,
     PASS, 'security_group_rule'),
    ('a pair with a VRRP MAC needs that MAC',
     lambda: b.make_facts(b.port(pairs=(('10.0.0.100', b.VRRP_MAC),)),
                          groups=(WEB,)),
     dict(direction='egress', protocol='tcp', port=443,
          remote_ip='192.0.2.1', local_ip='10.0.0.100'), ALL,
     DROP, 'anti_spoofing'),
    ('the VRRP MAC with the pair IP passes',
     lambda: b.make_facts(b.port(pairs=(('10.0.0.100', b.VRRP_MAC),)),
                          groups=(WEB,)),
     dict(direction='egress', protocol='vrrp', remote_ip='10.0.0.6',
          local_ip='10.0.0.100', local_mac=b.VRRP_MAC), ALL,
     PASS, 'security_group_rule'),
    # firewall.py _initialize_egress "DHCP discovery" (port MAC,
    # 0.0.0.0); iptables _spoofing_rule "-s 0.0.0.0/32 ... --dport 67";
    # OVN port security's DHCP exception. OVN then needs an egress rule.
    ('DHCP discovery from 0.0.0.0 without a rule',
     lambda: b.make_facts(groups=(b.group(SSH),)),
     dict(direction='egress', protocol='udp', port=67,
          local_ip='0.0.0.0', remote_ip='255.255.255.255'), (OVS, IPT),
     PASS, 'always_allowed'),
    ('DHCP discovery on OVN needs an egress rule',
     lambda: b.make_facts(groups=(b.group(SSH),)),
     dict(direction='egress', protocol='udp', port=67,
          local_ip='0.0.0.0', remote_ip='255.255.255.255'), (OVN,),
     DROP, 'no_matching_rule'),
    ('DHCP discovery on OVN with an egress rule',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='egress', protocol='udp', port=67,
          local_ip='0.0.0.0', remote_ip='255.255.255.255'), (OVN,),
     PASS, 'security_group_rule'),
    # firewall.py "Ban dhcp service running on an instance";
    # iptables_firewall.py _drop_dhcp_rule; no such ACL on OVN.
    ('a DHCP server in the VM is banned',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='egress', protocol='udp', port=68,
          remote_ip='10.0.0.9'), (OVS, IPT), DROP, 'anti_spoofing'),
    ('OVN leaves VM DHCP replies to the rules',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='egress', protocol='udp', port=68,
          remote_ip='10.0.0.9'), (OVN,), PASS, 'security_group_rule'),
    # firewall.py "Drop Router Advertisements from instances";
    # iptables _spoofing_rule RA DROP; ovn-northd lets nd_ra through.
    ('router advertisements from a VM are dropped',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='egress', protocol='ipv6-icmp', icmp_type=134,
          remote_ip='ff02::1'), (OVS, IPT), DROP, 'anti_spoofing'),
    ('OVN lets RAs through its ACLs',
     lambda: b.make_facts(groups=(b.group(SSH),)),
     dict(direction='egress', protocol='ipv6-icmp', icmp_type=134,
          remote_ip='ff02::1'), (OVN,), PASS, 'always_allowed'),
    # IPv6 link-local derived from the port MAC: firewall.py OFPort
    # lla_address; iptables _build_ipv4v6_mac_ip_list; OVN port security.
    ('the MAC-derived link-local address may send',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='egress', protocol='udp', port=5353,
          local_ip='fe80::f816:3eff:fe00:1', remote_ip='fe80::1'), ALL,
     PASS, 'security_group_rule'),
    ('another link-local address is spoofing',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='egress', protocol='udp', port=5353,
          local_ip='fe80::1234', remote_ip='fe80::1'), ALL,
     DROP, 'anti_spoofing'),
    # agent/firewall.py ICMPV6_ALLOWED_EGRESS_TYPES (NS) / INGRESS (NA);
    # ovn-northd "nd || nd_rs || nd_ra || mldv1 || mldv2".
    ('neighbour solicitation out needs no rule',
     lambda: b.make_facts(groups=(b.group(SSH),)),
     dict(direction='egress', protocol='ipv6-icmp', icmp_type=135,
          remote_ip='ff02::1:ff00:9'), ALL, PASS, 'always_allowed'),
    ('neighbour advertisement in needs no rule',
     lambda: b.make_facts(groups=(b.group(SSH),)),
     dict(direction='ingress', protocol='ipv6-icmp', icmp_type=136,
          remote_ip='2001:db8::9'), ALL, PASS, 'always_allowed'),
    # iptables _spoofing_rule: "-p ipv6-icmp -j RETURN" after RA's DROP.
    ('iptables lets any ICMPv6 out',
     lambda: b.make_facts(groups=(b.group(SSH),)),
     dict(direction='egress', protocol='ipv6-icmp', icmp_type=128,
          remote_ip='2001:db8::9'), (IPT,), PASS, 'always_allowed'),
    ('echo request out needs a rule on ovn and openvswitch',
     lambda: b.make_facts(groups=(b.group(SSH),)),
     dict(direction='egress', protocol='ipv6-icmp', icmp_type=128,
          remote_ip='2001:db8::9'), (OVN, OVS), DROP, 'no_matching_rule'),
    # firewall.py _initialize_ingress "DHCP offers"; iptables via
    # securitygroups_rpc_base._add_ingress_dhcp_rule; OVN native DHCP.
    ('DHCP offers come in without a rule',
     lambda: b.make_facts(groups=(b.group(SSH),)),
     dict(direction='ingress', protocol='udp', port=68,
          remote_ip='10.0.0.2'), (OVS, IPT), PASS, 'always_allowed'),
    ('OVN\'s own DHCP offers come in without a rule',
     lambda: b.make_facts(groups=(b.group(SSH),)),
     dict(direction='ingress', protocol='udp', port=68), (OVN,),
     PASS, 'always_allowed'),
    ('on OVN a DHCP reply sent by another port meets the rules',
     lambda: b.make_facts(groups=(b.group(SSH),)),
     dict(direction='ingress', protocol='udp', port=68,
          remote_ip='10.0.0.2'), (OVN,), DROP, 'no_matching_rule'),
    # Security group rules: allow-only, any rule of any group.
    ('a matching ingress rule allows',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='192.0.2.9'), ALL, PASS, 'security_group_rule'),
    ('no rule for the port number drops',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='ingress', protocol='tcp', port=80,
          remote_ip='192.0.2.9'), ALL, DROP, 'no_matching_rule'),
    ('a rule of a second group allows',
     lambda: b.make_facts(
         b.port(security_group_ids=(b.SG, 'sg-http')),
         groups=(WEB, b.group(b.rule('http', protocol='tcp', lo=80, hi=80,
                                     group='sg-http'),
                              group_id='sg-http', name='http'))),
     dict(direction='ingress', protocol='tcp', port=80,
          remote_ip='192.0.2.9'), ALL, PASS, 'security_group_rule'),
    ('no security group at all drops',
     lambda: b.make_facts(b.port(security_group_ids=())),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='192.0.2.9'), ALL, DROP, 'no_matching_rule'),
    ('an egress rule does not open ingress',
     lambda: b.make_facts(groups=(b.group(EGRESS_ANY),)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='192.0.2.9'), ALL, DROP, 'no_matching_rule'),
    ('an IPv4 rule does not open IPv6',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='2001:db8::9'), ALL, DROP, 'no_matching_rule'),
    # acl.py acl_protocol_and_ports: "tcp.dst >= min && tcp.dst <= max".
    ('a port range covers its ports',
     lambda: b.make_facts(groups=(b.group(b.rule(
         'hi', protocol='udp', lo=5000, hi=5100)),)),
     dict(direction='ingress', protocol='udp', port=5050,
          remote_ip='192.0.2.9'), ALL, PASS, 'security_group_rule'),
    ('ports are destination ports on egress too',
     lambda: b.make_facts(groups=(b.group(b.rule(
         'dns', direction='egress', protocol='udp', lo=53, hi=53)),)),
     dict(direction='egress', protocol='udp', port=53,
          remote_ip='192.0.2.53'), ALL, PASS, 'security_group_rule'),
    # Protocol by number or name: neutron_lib IP_PROTOCOL_MAP.
    ('protocol 112 is vrrp',
     lambda: b.make_facts(groups=(b.group(b.rule('v', protocol='112')),)),
     dict(direction='ingress', protocol='vrrp', remote_ip='10.0.0.6'),
     ALL, PASS, 'security_group_rule'),
    ('a tcp rule does not allow udp',
     lambda: b.make_facts(groups=(WEB,)),
     dict(direction='ingress', protocol='udp', port=22,
          remote_ip='192.0.2.9'), ALL, DROP, 'no_matching_rule'),
    # securitygroups_db._get_ip_proto_name_and_num: icmp on IPv6 is 58.
    ('icmp on an IPv6 rule means ICMPv6',
     lambda: b.make_facts(groups=(b.group(b.rule(
         'p6', ethertype='IPv6', protocol='icmp')),)),
     dict(direction='ingress', protocol='ipv6-icmp', icmp_type=128,
          remote_ip='2001:db8::9'), ALL, PASS, 'security_group_rule'),
    # acl.py: icmp4.type == min && icmp4.code == max.
    ('ICMP type matches',
     lambda: b.make_facts(groups=(b.group(b.rule(
         'ping', protocol='icmp', lo=8)),)),
     dict(direction='ingress', protocol='icmp', icmp_type=8, icmp_code=0,
          remote_ip='192.0.2.9'), ALL, PASS, 'security_group_rule'),
    ('another ICMP type does not',
     lambda: b.make_facts(groups=(b.group(b.rule(
         'ping', protocol='icmp', lo=8)),)),
     dict(direction='ingress', protocol='icmp', icmp_type=13,
          remote_ip='192.0.2.9'), ALL, DROP, 'no_matching_rule'),
    # (A stateless group on a quiet network: no conntrack on OVN; the
    # openvswitch firewall would track the error and drop it.)
    ('ICMP code must match when the rule has one',
     lambda: b.make_facts(groups=(b.group(b.rule(
         'unreach', protocol='icmp', lo=3, hi=4), stateful=False),)),
     dict(direction='ingress', protocol='icmp', icmp_type=3, icmp_code=1,
          remote_ip='192.0.2.9'), (OVN, IPT), DROP, 'no_matching_rule'),
    # acl.py acl_remote_ip_prefix: ip4.src on ingress, ip4.dst on egress.
    ('remote prefix is the source of ingress',
     lambda: b.make_facts(groups=(b.group(b.rule(
         'lan', protocol='tcp', lo=22, hi=22, prefix='10.1.0.0/16')),)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='10.1.2.3'), ALL, PASS, 'security_group_rule'),
    ('a source outside the prefix is dropped',
     lambda: b.make_facts(groups=(b.group(b.rule(
         'lan', protocol='tcp', lo=22, hi=22, prefix='10.1.0.0/16')),)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='10.2.2.3'), ALL, DROP, 'no_matching_rule'),
    ('remote prefix is the destination of egress',
     lambda: b.make_facts(groups=(b.group(b.rule(
         'out', direction='egress', prefix='192.0.2.0/24')),)),
     dict(direction='egress', protocol='tcp', port=80,
          remote_ip='192.0.2.80'), ALL, PASS, 'security_group_rule'),
    ('a prefix with host bits compares as its network',
     lambda: b.make_facts(groups=(b.group(b.rule(
         'lan', prefix='10.1.2.3/16')),)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='10.1.200.1'), ALL, PASS, 'security_group_rule'),
    # Remote groups: member fixed IPs everywhere
    # (securitygroups_rpc_base._select_ips_for_remote_group; OVN address
    # sets of port groups).
    ('a member fixed IP matches a remote group',
     lambda: b.make_facts(
         groups=(b.group(b.rule('peers', remote_group=b.SG)),),
         members=(b.member('port-b', ('10.0.0.6',)),)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='10.0.0.6'), ALL, PASS, 'security_group_rule'),
    ('a non-member does not',
     lambda: b.make_facts(
         groups=(b.group(b.rule('peers', remote_group=b.SG)),),
         members=(b.member('port-b', ('10.0.0.6',)),)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='10.0.0.7'), ALL, DROP, 'no_matching_rule'),
    # ... and pair addresses on openvswitch/iptables only.
    ('a member pair address matches on openvswitch and iptables',
     lambda: b.make_facts(
         groups=(b.group(b.rule('peers', remote_group=b.SG)),),
         members=(b.member('port-b', ('10.0.0.6',), ('10.0.0.100',)),)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='10.0.0.100'), (OVS, IPT), PASS, 'security_group_rule'),
    ('a member pair address does not match on OVN',
     lambda: b.make_facts(
         groups=(b.group(b.rule('peers', remote_group=b.SG)),),
         members=(b.member('port-b', ('10.0.0.6',), ('10.0.0.100',)),)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='10.0.0.100'), (OVN,), DROP, 'no_matching_rule'),
    # acl.py acl_remote_address_group_id.
    ('an address group address matches',
     lambda: b.make_facts(
         groups=(b.group(b.rule('ag', address_group='ag-1')),),
         address_groups={'ag-1': ('198.51.100.0/24',)}),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='198.51.100.7'), ALL, PASS, 'security_group_rule'),
    ('an address outside the address group does not',
     lambda: b.make_facts(
         groups=(b.group(b.rule('ag', address_group='ag-1')),),
         address_groups={'ag-1': ('198.51.100.0/24',)}),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='198.51.101.7'), ALL, DROP, 'no_matching_rule'),
    # OVN ls_out_port_sec_ip: only the port's addresses are delivered.
    ('OVN delivers only the port\'s own addresses',
     lambda: b.make_facts(groups=(b.group(b.rule('any-in')),)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='10.0.0.9', local_ip='10.0.0.77'), (OVN,),
     DROP, 'anti_spoofing'),
    ('the firewalls do not check the destination IP',
     lambda: b.make_facts(groups=(b.group(b.rule('any-in')),)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='10.0.0.9', local_ip='10.0.0.77'), (OVS, IPT),
     PASS, 'security_group_rule'),
    ('OVN delivers a pair address',
     lambda: b.make_facts(b.port(pairs=('10.0.0.100',)),
                          groups=(b.group(b.rule('any-in')),)),
     dict(direction='ingress', protocol='tcp', port=22,
          remote_ip='10.0.0.9', local_ip='10.0.0.100'), ALL,
     PASS, 'security_group_rule'),
    ('OVN delivers broadcast',
     lambda: b.make_facts(groups=(b.group(b.rule('any-in')),)),
     dict(direction='ingress', protocol='udp', port=9,
          remote_ip='10.0.0.9', local_ip='255.255.255.255'), ALL,
     PASS, 'security_group_rule'),
]


ICMP_IN = b.group(b.rule('icmp', protocol='icmp'),
                  b.rule('icmp6', ethertype='IPv6', protocol='ipv6-icmp'),
                  EGRESS_ANY, EGRESS_ANY6)
COLD = dataclasses.replace(ICMP_IN, stateful=False)
ANY_IN = b.group(b.rule('any-in'), b.rule('any-in6', ethertype='IPv6'),
                 EGRESS_ANY, EGRESS_ANY6)
NETDEV = {'datapath_type': 'netdev', 'bound_drivers': {'0': 'ovn'}}
SYSTEM = {'datapath_type': 'system', 'bound_drivers': {'0': 'ovn'}}


def _icmp(itype: int, code: int = 0, **kw: Any) -> dict[str, Any]:
    protocol = 'ipv6-icmp' if ':' in kw.get('remote_ip', '') else 'icmp'
    return dict(direction=kw.pop('direction', 'ingress'), protocol=protocol,
                icmp_type=itype, icmp_code=code,
                remote_ip=kw.pop('remote_ip', '10.0.0.9'), **kw)


# The classes measured with real packets on OVN (tests/functional/
# explain_classes.py replays them).
CLASS_CASES: list[Case] = [
    # Conntrack: OVN drops ct.inv (ls_in_acl/ls_out_acl priority 65532),
    # the openvswitch firewall ct_state=+inv; iptables reads the rules
    # before its INVALID drop.
    ('an echo request starts a connection',
     lambda: b.make_facts(groups=(ICMP_IN,)), _icmp(8), ALL, PASS,
     'security_group_rule'),
    ('an unsolicited echo reply is invalid',
     lambda: b.make_facts(groups=(ICMP_IN,)), _icmp(0), (OVN, OVS), DROP,
     CT),
    ('iptables lets a rule accept it before its INVALID drop',
     lambda: b.make_facts(groups=(ICMP_IN,)), _icmp(0), (IPT,), PASS,
     'security_group_rule'),
    ('an ICMP error without its connection is invalid',
     lambda: b.make_facts(groups=(ICMP_IN,)), _icmp(3, 3), (OVN, OVS),
     DROP, CT),
    ('an ICMPv6 echo reply without its request is invalid',
     lambda: b.make_facts(groups=(ICMP_IN,)),
     _icmp(129, remote_ip='2001:db8::9'), (OVN, OVS), DROP, CT),
    ('leaving the port, too',
     lambda: b.make_facts(groups=(ICMP_IN,)),
     _icmp(0, direction='egress'), (OVN, OVS), DROP, CT),
    ('echo with a code: the userspace conntrack refuses it',
     lambda: b.make_facts(b.port(vif_details=NETDEV), groups=(ICMP_IN,)),
     _icmp(8, 1), (OVN,), DROP, CT),
    ('echo with a code: the kernel conntrack starts a connection',
     lambda: b.make_facts(b.port(vif_details=SYSTEM), groups=(ICMP_IN,)),
     _icmp(8, 1), (OVN,), PASS, 'security_group_rule'),
    ('echo with a code: datapath not shown, refused as the userspace does',
     lambda: b.make_facts(groups=(ICMP_IN,)), _icmp(8, 1), (OVN,), DROP,
     CT),
    ('a broadcast frame skips conntrack on OVN',
     lambda: b.make_facts(groups=(ICMP_IN,)),
     _icmp(0, local_mac='ff:ff:ff:ff:ff:ff'), (OVN, IPT), PASS,
     'security_group_rule'),
    ('a stateless group on a quiet network: no conntrack on OVN',
     lambda: b.make_facts(groups=(COLD,), network_stateful=False),
     _icmp(0), (OVN, IPT), PASS, 'security_group_rule'),
    ('the openvswitch firewall tracks stateless groups too',
     lambda: b.make_facts(groups=(COLD,), network_stateful=False),
     _icmp(0), (OVS,), DROP, CT),
    ('a stateless group on a network with a stateful port',
     lambda: b.make_facts(groups=(COLD,), network_stateful=True),
     _icmp(0), (OVN,), DROP, CT),
    ('port security off on a network with a stateful port (OVN)',
     lambda: b.make_facts(b.port(port_security_enabled=False,
                                 security_group_ids=()),
                          network_stateful=True),
     _icmp(0), (OVN,), DROP, CT),
    ('port security off: the agents do not track',
     lambda: b.make_facts(b.port(port_security_enabled=False,
                                 security_group_ids=()),
                          network_stateful=True),
     _icmp(0), (OVS, IPT), PASS, 'port_security_disabled'),
    # A pair stored with host bits: OVN's flows match the host only
    # (nw_src=10.0.0.130) and deliver its CIDR's broadcast; the agents
    # match the network.
    ('host bits: OVN lets only the host out',
     lambda: b.make_facts(b.port(pairs=('10.0.0.130/28',)), (ANY_IN,)),
     dict(direction='egress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='10.0.0.131'), (OVN,), DROP, 'anti_spoofing'),
    ('host bits: the agents let the network out',
     lambda: b.make_facts(b.port(pairs=('10.0.0.130/28',)), (ANY_IN,)),
     dict(direction='egress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='10.0.0.131'), (OVS, IPT), PASS, 'security_group_rule'),
    ('host bits: the host itself',
     lambda: b.make_facts(b.port(pairs=('10.0.0.130/28',)), (ANY_IN,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='10.0.0.130'), ALL, PASS, 'security_group_rule'),
    ('host bits: OVN delivers the CIDR\'s broadcast',
     lambda: b.make_facts(b.port(pairs=('10.0.0.130/28',)), (ANY_IN,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='10.0.0.143'), (OVN,), PASS, 'security_group_rule'),
    ('host bits: OVN does not deliver the rest of the network',
     lambda: b.make_facts(b.port(pairs=('10.0.0.130/28',)), (ANY_IN,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='10.0.0.129'), (OVN,), DROP, 'anti_spoofing'),
    ('host bits on IPv6: the host on OVN',
     lambda: b.make_facts(b.port(pairs=('2001:db8::85/123',)), (ANY_IN,)),
     dict(direction='egress', protocol='udp', port=9,
          remote_ip='2001:db8::9', local_ip='2001:db8::86'), (OVN,), DROP,
     'anti_spoofing'),
    ('host bits on IPv6: the network on the agents',
     lambda: b.make_facts(b.port(pairs=('2001:db8::85/123',)), (ANY_IN,)),
     dict(direction='egress', protocol='udp', port=9,
          remote_ip='2001:db8::9', local_ip='2001:db8::86'), (OVS, IPT),
     PASS, 'security_group_rule'),
    ('a CIDR without host bits is the network on OVN',
     lambda: b.make_facts(b.port(pairs=('2001:db8::80/123',)), (ANY_IN,)),
     dict(direction='egress', protocol='udp', port=9,
          remote_ip='2001:db8::9', local_ip='2001:db8::9f'), ALL, PASS,
     'security_group_rule'),
    # No fixed IP: Neutron writes the MAC alone, so OVN lets any address
    # through; the iptables firewall adds a MAC-only rule; the openvswitch
    # firewall has no address to allow.
    ('no fixed IP: any source address',
     lambda: b.make_facts(b.port(fixed_ips=()), (ANY_IN,)),
     dict(direction='egress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='192.0.2.77'), (OVN, IPT), PASS, 'security_group_rule'),
    ('no fixed IP: nothing on openvswitch',
     lambda: b.make_facts(b.port(fixed_ips=()), (ANY_IN,)),
     dict(direction='egress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='192.0.2.77'), (OVS,), DROP, 'anti_spoofing'),
    ('no fixed IP: any destination on OVN',
     lambda: b.make_facts(b.port(fixed_ips=()), (ANY_IN,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='192.0.2.77'), ALL, PASS, 'security_group_rule'),
    ('no fixed IP but a pair: only the pair on OVN',
     lambda: b.make_facts(b.port(fixed_ips=(), pairs=('10.0.0.100',)),
                          (ANY_IN,)),
     dict(direction='egress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='192.0.2.77'), (OVN, OVS), DROP, 'anti_spoofing'),
    ('no fixed IP: another MAC is spoofing',
     lambda: b.make_facts(b.port(fixed_ips=()), (ANY_IN,)),
     dict(direction='egress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='192.0.2.77', local_mac=b.OTHER_MAC), ALL, DROP,
     'anti_spoofing'),
    # Broadcast and multicast destinations: OVN skips port security for a
    # frame to a group MAC (ls_out_check_port_sec "eth.mcast").
    ('the subnet broadcast goes to the broadcast MAC',
     lambda: b.make_facts(groups=(ANY_IN,), subnets=(b.SUBNET4,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='10.0.0.255'), ALL, PASS, 'security_group_rule'),
    ('the subnet broadcast to the port\'s MAC is not delivered on OVN',
     lambda: b.make_facts(groups=(ANY_IN,), subnets=(b.SUBNET4,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='10.0.0.255', local_mac=b.MAC), (OVN,), DROP,
     'anti_spoofing'),
    ('any address in a frame to a multicast MAC',
     lambda: b.make_facts(groups=(ANY_IN,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='192.0.2.1', local_mac='01:00:5e:01:02:03'), ALL, PASS,
     'security_group_rule'),
    ('a broadcast frame still needs a rule',
     lambda: b.make_facts(groups=(b.group(EGRESS_ANY),)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='192.0.2.1', local_mac='ff:ff:ff:ff:ff:ff'), ALL, DROP,
     'no_matching_rule'),
    ('a frame to a MAC that is not the port\'s',
     lambda: b.make_facts(groups=(ANY_IN,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_mac=b.OTHER_MAC), ALL, DROP, 'anti_spoofing'),
    ('OVN delivers another link-local address to no port',
     lambda: b.make_facts(groups=(ANY_IN,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='fe80::9',
          local_ip='fe80::1234'), (OVN,), DROP, 'anti_spoofing'),
    # A pair with a VRRP MAC is its own port-security entry.
    ('the VIP goes to the VRRP MAC',
     lambda: b.make_facts(b.port(pairs=(('10.0.0.100', b.VRRP_MAC),)),
                          (ANY_IN,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='10.0.0.100'), ALL, PASS, 'security_group_rule'),
    ('the VIP to the port\'s own MAC is not delivered on OVN',
     lambda: b.make_facts(b.port(pairs=(('10.0.0.100', b.VRRP_MAC),)),
                          (ANY_IN,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='10.0.0.100', local_mac=b.MAC), (OVN,), DROP,
     'anti_spoofing'),
    ('the agents deliver it: they check MACs only',
     lambda: b.make_facts(b.port(pairs=(('10.0.0.100', b.VRRP_MAC),)),
                          (ANY_IN,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_ip='10.0.0.100', local_mac=b.MAC), (OVS, IPT), PASS,
     'security_group_rule'),
    ('the VRRP MAC with a fixed IP is not delivered on OVN',
     lambda: b.make_facts(b.port(pairs=(('10.0.0.100', b.VRRP_MAC),)),
                          (ANY_IN,)),
     dict(direction='ingress', protocol='udp', port=9, remote_ip='10.0.0.9',
          local_mac=b.VRRP_MAC), (OVN,), DROP, 'anti_spoofing'),
    # What OVN always lets in: its own DHCP server's replies (server_id is
    # the subnet's gateway).
    ('OVN\'s DHCP server at the gateway',
     lambda: b.make_facts(groups=(b.group(SSH),), subnets=(b.SUBNET4,)),
     dict(direction='ingress', protocol='udp', port=68,
          remote_ip='10.0.0.1'), (OVN,), PASS, 'always_allowed'),
    ('a DHCP reply from elsewhere meets the rules on OVN',
     lambda: b.make_facts(groups=(b.group(SSH),), subnets=(b.SUBNET4,)),
     dict(direction='ingress', protocol='udp', port=68,
          remote_ip='10.0.0.7'), (OVN,), DROP, 'no_matching_rule'),
    # An IPv4-only port: OVN lets no IPv6 out of its MAC, not even the
    # link-local address; openvswitch always adds it; iptables only for a
    # MAC with an IPv6 address.
    ('IPv4-only port: no IPv6 on OVN or iptables',
     lambda: b.make_facts(b.port(fixed_ips=(b.IP4,)), groups=(WEB,)),
     dict(direction='egress', protocol='udp', port=5353,
          local_ip='fe80::f816:3eff:fe00:1', remote_ip='fe80::1'),
     (OVN, IPT), DROP, 'anti_spoofing'),
    ('IPv4-only port: openvswitch lets the link-local address out',
     lambda: b.make_facts(b.port(fixed_ips=(b.IP4,)), groups=(WEB,)),
     dict(direction='egress', protocol='udp', port=5353,
          local_ip='fe80::f816:3eff:fe00:1', remote_ip='fe80::1'),
     (OVS,), PASS, 'security_group_rule'),
]
CASES += CLASS_CASES


class TestTable(testtools.TestCase):

    def test_cases(self):
        for name, make, values, backends, verdict, decided_by in CASES:
            subject = make()
            packet = b.make_packet(subject.port, **values)
            for backend in backends:
                out = evaluate.judge(subject, packet, backend)
                self.assertEqual(
                    (verdict, decided_by), (out.verdict, out.decided_by),
                    f'{name} [{backend}]: {out.reason}')

    def test_every_decided_by_is_covered(self):
        self.assertEqual(set(evaluate.DECIDED_BY),
                         {case[5] for case in CASES})


class TestReplies(testtools.TestCase):
    """Stateful groups let replies back; stateless ones do not.

    Except on openvswitch, whose firewall has no stateless mode (firewall.py
    sends every flow through conntrack; acl.py allow-stateless on OVN;
    iptables_firewall.py _are_sg_rules_stateful).
    """

    def outcome(self, stateful: bool, backend: str) -> evaluate.Outcome:
        subject = b.make_facts(groups=(b.group(SSH, stateful=stateful),))
        packet = b.make_packet(subject.port, direction='ingress',
                               protocol='tcp', port=22,
                               remote_ip='192.0.2.9')
        return evaluate.judge(subject, packet, backend)

    def test_stateful(self):
        for backend in ALL:
            self.assertIn('let back', self.outcome(True, backend).replies)

    def test_stateless(self):
        self.assertIn('need their own rule',
                      self.outcome(False, OVN).replies)
        self.assertIn('need their own rule',
                      self.outcome(False, IPT).replies)
        self.assertIn('treats every group as stateful',
                      self.outcome(False, OVS).replies)
