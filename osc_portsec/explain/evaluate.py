"""Judge one packet against one port under one back end's semantics.

``judge`` is the evaluator other commands reuse (the VIP command asks
whether members' groups let VRRP between them): facts and packet in, an
``Outcome`` out, no I/O. The order of the checks is the order a packet
meets them in Neutron's drivers: port security off, trusted port, banned
traffic, anti-spoofing, connection tracking, traffic let through without
a rule, then the security group rules (allow-only: any rule of any of the
port's groups).
"""

from __future__ import annotations

import dataclasses
import ipaddress

from osc_portsec.explain import backend as _backend
from osc_portsec.explain import conntrack
from osc_portsec.explain import facts as _facts
from osc_portsec.explain import fixed
from osc_portsec.explain import packet as _packet
from osc_portsec.explain import rules as _rules
from osc_portsec.explain.rules import Considered
from osc_portsec.explain.rules import Static
from osc_portsec.explain.rules import statics

__all__ = ['Considered', 'Outcome', 'Static', 'judge', 'statics']

PASS = 'pass'
DROP = 'drop'
# The API does not show what decides (a cloud without the port-security
# extension, on OVN): no verdict is given.
UNKNOWN = 'unknown'
VERDICTS = (PASS, DROP, UNKNOWN)

PORT_SECURITY_DISABLED = 'port_security_disabled'
TRUSTED_PORT = 'trusted_port'
ANTI_SPOOFING = 'anti_spoofing'
CONNTRACK = 'conntrack'
SECURITY_GROUP_RULE = 'security_group_rule'
NO_MATCHING_RULE = 'no_matching_rule'
ALWAYS_ALLOWED = 'always_allowed'
PORT_SECURITY_UNKNOWN = 'port_security_unknown'
DECIDED_BY = (PORT_SECURITY_DISABLED, TRUSTED_PORT, ANTI_SPOOFING,
              CONNTRACK, SECURITY_GROUP_RULE, NO_MATCHING_RULE,
              ALWAYS_ALLOWED, PORT_SECURITY_UNKNOWN)

# Which check of anti-spoofing decided (Outcome.check): what a pair would
# cover, what only disabling port security changes.
SOURCE = 'source'
DESTINATION = 'destination'
# A frame to a MAC that is not the port's: delivered elsewhere.
OTHER_MAC = 'other_mac'
BANNED = 'banned'


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One back end's verdict on one packet.

    ``check`` narrows ``decided_by`` where the remedy differs: for
    anti-spoofing, ``source`` or ``destination`` (an address a pair would
    cover), ``other_mac`` (a frame to another MAC) or ``banned`` (traffic
    dropped whatever the port allows); for
    conntrack, the kind of refusal (``reply``, ``error``, ``invalid``).
    """

    backend: str
    verdict: str
    decided_by: str
    reason: str
    rule: _facts.Rule | None = None
    group: _facts.Group | None = None
    considered: tuple[Considered, ...] = ()
    check: str = ''

    @property
    def matching(self) -> tuple[Considered, ...]:
        return tuple(c for c in self.considered if c.matched)

    @property
    def replies(self) -> str:
        """Whether the answers to this packet come back without a rule."""
        if self.decided_by in (PORT_SECURITY_DISABLED, TRUSTED_PORT):
            return 'not filtered'
        if self.decided_by != SECURITY_GROUP_RULE or self.group is None:
            return 'not applicable'
        if self.group.stateful:
            return 'let back: the group is stateful'
        if self.backend == _backend.OPENVSWITCH:
            # firewall.py has no stateless mode: every flow goes through
            # conntrack and ct_state=+est is accepted.
            return ('let back: the openvswitch firewall treats every group '
                    'as stateful')
        return ('need their own rule: the group is stateless')


def _by_rules(facts: _facts.Facts, packet: _packet.Packet, backend: str,
              static: Static) -> Outcome:
    considered = _rules.match(facts, packet, backend, static)
    winner = next((c for c in considered if c.matched), None)
    if winner:
        return Outcome(
            backend, PASS, SECURITY_GROUP_RULE,
            f'Rule {winner.rule.id} of group {winner.group.name or ""} '
            f'({winner.group.id}) allows it: '
            f'{winner.rule.render(facts.group_names())}.',
            winner.rule, winner.group, considered)
    if not facts.port.security_group_ids:
        reason = ('The port has no security group, so no rule allows the '
                  'packet.')
    else:
        reason = (f'None of the {len(considered)} rules of the port\'s '
                  f'{len(facts.groups)} security group(s) allows the packet; '
                  f'rules only allow, so it is dropped.')
    return Outcome(backend, DROP, NO_MATCHING_RULE, reason,
                   considered=considered)


def _group_frame(packet: _packet.Packet) -> bool:
    """Whether the frame goes to a broadcast or multicast MAC.

    OVN sends such frames past conntrack ("eth.mcast" in ls_in_pre_acl and
    ls_out_pre_acl).
    """
    if packet.direction == _packet.INGRESS:
        return bool(packet.local_mac and fixed.is_group_mac(packet.local_mac))
    remote = ipaddress.ip_address(packet.remote_ip) if packet.remote_ip else (
        None)
    return bool(remote and (remote.is_multicast
                            or str(remote) == '255.255.255.255'))


def _tracked(facts: _facts.Facts, packet: _packet.Packet, backend: str,
             filtered: bool, stateless: bool) -> str | None:
    """Why ``backend`` sends the packet through conntrack, or None.

    OVN: every unicast IP packet of a network where any port is in a
    stateful group with rules (ls_in_pre_acl/ls_out_pre_acl "ip" ->
    ct_next), whatever this port's own port security. A packet a rule of
    one of the port's stateless groups matches (``stateless``) skips
    conntrack in this port's stage (the allow-stateless ACL's match, at a
    higher priority, northd ``build_stateless_filter``), but not in the
    other end's stage: the sender's for an ingress packet, which explain
    does not know and which tracks it on a stateful network; reach judges
    that stage at the other end (``facts.one_stage``). The openvswitch
    firewall: every packet of a filtered port; iptables: see
    conntrack.py.
    """
    if backend == _backend.OPENVSWITCH:
        return 'the openvswitch firewall tracks every connection' if (
            filtered) else None
    if backend != _backend.OVN or _group_frame(packet):
        return None
    if stateless:
        if facts.one_stage or not facts.network_stateful:
            return None
        other = ("the sender's" if packet.direction == _packet.INGRESS
                 else "the receiver's")
        return (f'the port\'s stateless rule skips conntrack in its own '
                f'stage, but {other} stage tracks every connection of this '
                f'network, since one of its ports is in a stateful group')
    own = [g.name or g.id for g in facts.groups if g.tracks]
    if own:
        return (f'OVN tracks connections on a network with stateful groups, '
                f'and the port is in stateful group {own[0]}')
    if facts.network_stateful:
        return ('OVN tracks every connection of this network, since one of '
                'its ports is in a stateful group')
    return None


def _conntrack(facts: _facts.Facts, packet: _packet.Packet, backend: str,
               filtered: bool, considered: tuple[Considered, ...] = ()
               ) -> Outcome | None:
    if packet.established:
        return None
    refusal = conntrack.classify(packet, facts.port.datapath_type)
    if refusal is None:
        return None
    stateless = any(c.matched and not c.group.stateful for c in considered)
    tracked = _tracked(facts, packet, backend, filtered, stateless)
    if tracked is None:
        return None
    return Outcome(backend, DROP, CONNTRACK,
                   f'Connection tracking drops it whatever the rules say: '
                   f'{refusal.why}; {tracked}.', check=refusal.kind)


def _unfiltered(facts: _facts.Facts, packet: _packet.Packet,
                backend: str) -> Outcome | None:
    port = facts.port
    if port.port_security_enabled is False:
        # ovn_client.py: no port_security, addresses 'unknown', no port
        # group; firewall.py/iptables_firewall.py: the port is not filtered.
        return _conntrack(facts, packet, backend, False) or Outcome(
            backend, PASS, PORT_SECURITY_DISABLED,
            'Port security is disabled on the port, so nothing is filtered.')
    if port.device_owner.startswith('network:'):
        # neutron_lib.utils.net.is_port_trusted; ovn utils.is_lsp_trusted,
        # firewall drivers' process_trusted_ports.
        return _conntrack(facts, packet, backend, False) or Outcome(
            backend, PASS, TRUSTED_PORT,
            f'The port is owned by {port.device_owner}, which Neutron trusts '
            f'and does not filter.')
    return None


def _spoofing(facts: _facts.Facts, packet: _packet.Packet,
              backend: str) -> Outcome | None:
    port = facts.port
    if packet.direction == _packet.EGRESS:
        why = fixed.banned(packet, backend)
        if why:
            return Outcome(backend, DROP, ANTI_SPOOFING, f'{why}.',
                           check=BANNED)
        ok, why = fixed.source_check(packet, port, backend)
        if not ok:
            return Outcome(backend, DROP, ANTI_SPOOFING,
                           f'Anti-spoofing drops it: {why}.', check=SOURCE)
        return None
    mac = packet.local_mac or fixed.destination_mac(facts, packet)
    ok, why = fixed.destination_check(packet, port, backend, mac)
    if not ok:
        own = mac in {port.mac_address, *(p.mac_address for p in port.pairs)}
        return Outcome(backend, DROP, ANTI_SPOOFING,
                       f'Port security does not deliver it: {why}.',
                       check=DESTINATION if own else OTHER_MAC)
    return None


def _before_rules(facts: _facts.Facts, packet: _packet.Packet,
                  backend: str, considered: tuple[Considered, ...]
                  ) -> Outcome | None:
    found = (_unfiltered(facts, packet, backend)
             or _spoofing(facts, packet, backend)
             or _conntrack(facts, packet, backend, True, considered))
    if found:
        return found
    why = fixed.free(packet, backend, facts)
    if why:
        return Outcome(backend, PASS, ALWAYS_ALLOWED,
                       f'{why}, with no rule needed.')
    return None


def _known(facts: _facts.Facts, packet: _packet.Packet, backend: str,
           static: Static) -> Outcome:
    by_rules = _by_rules(facts, packet, backend, static)
    early = _before_rules(facts, packet, backend, by_rules.considered)
    if early is None:
        return by_rules
    # --long still lists every rule, with why it did or did not match.
    return dataclasses.replace(early, considered=by_rules.considered)


_NO_FLAG = ('This cloud has no port-security extension, so Neutron does not '
            'show whether OVN still filters this port: a port created while '
            'the extension was loaded keeps its port security and drop group '
            'in OVN, one created (or updated) since has neither. ')


def _without_flag(facts: _facts.Facts, packet: _packet.Packet,
                  backend: str, static: Static) -> Outcome:
    """OVN on a cloud without the port-security extension.

    Neutron then writes no port security and no drop group for a port it
    creates or updates (ovn_client.py: ``port.get(PORTSECURITY)`` is None),
    but leaves those a port already had in OVN, which go on filtering it.
    """
    def as_if(flag: bool) -> Outcome:
        port = dataclasses.replace(facts.port, port_security_enabled=flag)
        return _known(dataclasses.replace(facts, port=port), packet,
                      backend, static)

    filtered, unfiltered = as_if(True), as_if(False)
    if filtered.verdict == unfiltered.verdict:
        return dataclasses.replace(filtered, reason=(
            _NO_FLAG + 'Either way: ' + filtered.reason))
    return Outcome(
        backend, UNKNOWN, PORT_SECURITY_UNKNOWN,
        f'{_NO_FLAG}Still filtered: {filtered.verdict} '
        f'({filtered.decided_by}): {filtered.reason} Not filtered: '
        f'{unfiltered.verdict} ({unfiltered.decided_by}).',
        considered=filtered.considered)


def judge(facts: _facts.Facts, packet: _packet.Packet, backend: str,
          static: Static | None = None) -> Outcome:
    """The verdict of ``backend`` on ``packet`` at ``facts.port``.

    ``packet`` must be complete (``packet.complete``): its ethertype known.
    An ingress packet without ``local_mac`` goes to the MAC it naturally
    would (``fixed.destination_mac``). ``static`` (from ``statics``) saves
    work when judging under several back ends.
    """
    if static is None:
        static = statics(facts, packet)
    if packet.direction == _packet.INGRESS and packet.local_mac is None:
        packet = dataclasses.replace(
            packet, local_mac=fixed.destination_mac(facts, packet))
    if facts.port.port_security_enabled is None and (
            backend == _backend.OVN):
        return _without_flag(facts, packet, backend, static)
    # The agents' firewalls default the missing flag to on
    # (firewall.port_sec_enabled).
    return _known(facts, packet, backend, static)
