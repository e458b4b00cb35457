"""What ``vip check`` found, as data, and the one sentence each says.

A :class:`Finding` is a decision: which check, whether it passed, about
what (a port or the address), why (a key of :data:`DETAILS`) with the
facts the sentence names, and the commands that fix it. The sentence is
rendered once, here; nothing reads it back.
"""

from __future__ import annotations

import dataclasses
import logging
import types
from typing import Any, Iterable, Mapping, Sequence

LOG = logging.getLogger(__name__)

# The checks, in the order their rows are printed.
CHECKS = ('address_in_subnet', 'address_not_reserved', 'address_reserved',
          'member_pair', 'member_port_security', 'no_outsider',
          'vrrp_between_members', 'vmac_pair', 'floating_ip', 'held_by')

_OVN_PARENT = ("OVN's virtual parents are the ports whose pairs store "
               "exactly the address")

DETAILS = {
    # address_in_subnet
    'in_subnet': '{address} is inside subnet {subnet}.',
    'outside_subnets': (
        '{address} is outside every subnet of network {network} ({cidrs}): '
        'Neutron cannot reserve it and OVN makes no virtual port for it.'),
    # address_not_reserved
    'not_reserved': (
        '{address} is not the network, broadcast or gateway address of '
        '{subnet}, nor a DHCP, metadata or router address.'),
    'network_address': '{address} is the network address of {subnet}.',
    'broadcast': '{address} is the broadcast address of {subnet}.',
    'gateway': ('{address} is the gateway of {subnet}: the router answers '
                'for it.'),
    'neutron_port': '{address} is the address of {role} {port}.',
    'metadata': ("{address} is the metadata service's address, which OVN "
                 "answers itself."),
    # address_reserved
    'reserved': ('Port {port} holds {address}, unbound: Neutron gives '
                 'the address to no other port, OVN makes it virtual.'),
    'not_held': (
        'No port holds {address}: Neutron may give it to the next port '
        'made on network {network}, and OVN has no virtual port for it.'),
    'held_by_vm': (
        'Port {port} holds {address} but belongs to server {device} '
        '({owner}): a VIP\'s port must be unbound (Neutron makes only '
        'unbound ports virtual, and refuses to bind a virtual one).'),
    'held_bound': (
        'Port {port} holds {address} but is bound to host {host}: a VIP\'s '
        'port must be unbound (Neutron makes only unbound ports virtual).'),
    'held_by_neutron': ('Port {port} holding {address} is {role}, not a '
                        'reservation.'),
    # member_pair
    'single_pair': ('{port} carries {address} as a single-address pair '
                    'with its own MAC: a virtual parent on OVN.'),
    'gone': ('Member {port} no longer exists or is not visible to you.'),
    'no_pair': ('{port} has no allowed address pair for {address}: OVN '
                'drops what it sends from the address.'),
    'prefixed_pair': (
        '{port} carries {address} only as {pair}: the address passes, but '
        + _OVN_PARENT + ' (no prefix), so it is no parent.'),
    'cidr_pair': (
        '{port} carries {address} only in the CIDR pair {pair}: the '
        'address passes, but ' + _OVN_PARENT + ', so it is no parent.'),
    'other_mac': (
        '{port} carries {address} only with MAC {pair_mac}, not its own '
        '{mac}: keepalived (without use_vmac) sends from the port\'s MAC, '
        'which OVN then drops for that address.'),
    'mac_text': (
        "{port} carries {address} with its own MAC written '{pair_mac}': "
        "Neutron's OVN driver compares MACs as text, takes it for a "
        "virtual MAC and writes port security that ovn-northd rejects."),
    'other_subnet': (
        '{port} has no fixed IP in subnet {subnet}: Neutron\'s OVN driver '
        'makes only ports of the VIP\'s subnet its virtual parents.'),
    'no_members': ('No port on network {network} carries {address} in its '
                   'allowed address pairs: no server can hold it.'),
    # member_port_security
    'filtered_active': '{port} has port security enabled and is ACTIVE.',
    'no_flag': ('{port} is ACTIVE; this cloud reports no port-security '
                'flag (no port-security extension), so its pairs apply.'),
    'security_off': (
        '{port} has port security disabled: it sends from any address, '
        'Neutron gives it no pair, and OVN makes it no virtual parent.'),
    'not_active': ('{port} is {status}: nothing is plugged into it, so it '
                   'sends no VRRP and cannot hold the address.'),
    # no_outsider
    'no_outsider': 'No port but {owners} carries {address}.',
    'outsider': (
        '{port} is not a member but carries {address} in its pair {pair}: '
        'it may answer for the address too.'),
    # vrrp_between_members
    'vrrp_heard': ('VRRP (IP protocol 112) from {senders} reaches {port} '
                   'on every back end (as explain decides).'),
    'vrrp_deaf': (
        'VRRP (IP protocol 112) from {senders} does not reach {port}: no '
        'rule of its security groups lets it in (as explain decides), so '
        'members that do not hear the master claim the address too.'),
    'one_member': ('{address} has {count} member(s): there is no peer to '
                   'hear.'),
    # vmac_pair
    'vmac': '{port} allows {address} with the virtual MAC {vmac}.',
    'no_vmac': (
        '{port} has no pair for {address} with a VRRP virtual MAC '
        '({prefix}<VRID>): keepalived with use_vmac sends from it, and '
        'OVN drops it.'),
    'vmac_differs': (
        '{port} allows {address} with {vmac}, other members with '
        '{others}: the peers of one virtual router share one VRID, so one '
        'virtual MAC.'),
    # floating_ip
    'fip_follows': (
        'Floating IP {fip} is NATed to {address} (port {port}, router '
        '{router}): the port is virtual, so OVN\'s router resolves the '
        'address to the member holding it and the floating IP follows a '
        'failover.'),
    'fip_other_ip': ('Floating IP {fip} points at port {port} but at its '
                     'address {fixed}, not {address}.'),
    'fip_static': (
        'Floating IP {fip} is NATed to {address} on port {port}, which OVN '
        'does not follow as a virtual port ({reason}): the router sends '
        'its traffic to the port\'s own MAC {mac}, never to the member '
        'holding the address.'),
    # held_by
    'held_member': ('Neutron shows {address} active on host {host}, where '
                    'only member {member} is bound.'),
    'held_host': ('Neutron shows {address} active on host {host} (members '
                  'there: {candidates}).'),
    'held_unseen': (
        'Neutron shows no host for {address}: no member claimed it yet, or '
        'bindings are not visible to you (admin only by default).'),
    'held_nowhere': ('No port holds {address}, so Neutron shows nowhere '
                     'it is active.'),
}


@dataclasses.dataclass(frozen=True)
class Finding:
    """One check's decision about one subject."""

    check: str
    ok: bool
    # A port ({'id', 'name'}) or the address (a string).
    subject: Any
    why: str
    facts: Mapping[str, Any] = dataclasses.field(
        default_factory=lambda: types.MappingProxyType({}))
    fix: Sequence[str] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, 'facts',
                           types.MappingProxyType(dict(self.facts)))
        object.__setattr__(self, 'fix', tuple(self.fix))


def detail(finding: Finding) -> str:
    return DETAILS[finding.why].format(**finding.facts)


def row(finding: Finding) -> dict[str, Any]:
    """The values of ``vip check``'s columns."""
    return {'check': finding.check, 'ok': finding.ok,
            'subject': finding.subject, 'detail': detail(finding),
            'fix': list(finding.fix)}


def failed(found: Iterable[Finding]) -> list[Finding]:
    return [f for f in found if not f.ok]


def subject_label(subject: Any) -> str:
    if isinstance(subject, Mapping):
        return str(subject.get('name') or subject.get('id'))
    return str(subject)


def warn(found: Iterable[Finding]) -> None:
    """Each failed check as a warning, with its fix."""
    for finding in failed(found):
        fix = (' Fix: ' + ' then '.join(f"'{c}'" for c in finding.fix)
               + '.' if finding.fix else '')
        LOG.warning('vip check %s failed for %s: %s%s', finding.check,
                    subject_label(finding.subject), detail(finding), fix)
