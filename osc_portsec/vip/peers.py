"""``vip check``: the members' side of the contract, judged.

Each member's pair and port security, the ports that carry the address
without being members, VRRP between the members (decided by ``explain``'s
evaluator, :mod:`osc_portsec.vip.rules`) and the VRRP virtual MAC. Pure
functions of :class:`osc_portsec.vip.observed.Seen`.
"""

from __future__ import annotations

import collections
from typing import Any, Sequence

from osc_portsec import port_state
from osc_portsec import values
from osc_portsec.vip.findings import Finding
from osc_portsec.vip import model
from osc_portsec.vip import observed as obs
from osc_portsec.vip import rules

PAIR_ADD = 'openstack port security pair add {port} --allowed-address {pair}'


def _pair_text(pair: dict[str, Any]) -> str:
    mac = pair.get('mac_address')
    return f"{pair['ip_address']} ({mac})" if mac else pair['ip_address']


def _add_single(seen: obs.Seen, port: Any) -> list[str]:
    if seen.vip is not None:
        return [f'openstack port security vip set {obs.vip_name(seen)} '
                f'--member {port.id}']
    return [PAIR_ADD.format(port=port.id,
                            pair=f'ip-address={seen.address}')]


def _replace(seen: obs.Seen, port: Any, pair: Any) -> list[str]:
    """Add the plain pair, then take the odd one off.

    ``pair add``/``pair remove`` treat ``A`` and ``A/32`` (or two
    spellings of one MAC) as one pair, as port security does; Neutron's
    OVN driver does not, so plain ``port set``/``port unset`` add the
    exact pair before the odd one goes, with no moment without either.
    """
    return [f'openstack port set --allowed-address ip-address='
            f'{seen.address} {port.id}',
            f"openstack port unset --allowed-address ip-address="
            f"{pair['ip_address']},mac-address={pair['mac_address']} "
            f"{port.id}"]


def _kinds(seen: obs.Seen, port: Any) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = collections.defaultdict(list)
    for pair in port.allowed_address_pairs or []:
        kind = model.carries(pair, seen.address)
        if kind:
            found[kind].append(pair)
    return found


def _in_subnet(seen: obs.Seen, port: Any) -> bool:
    subnet = obs.subnet_of(seen)
    return subnet is None or any(ip.get('subnet_id') == subnet.id
                                 for ip in port.fixed_ips or [])


def member_pair(seen: obs.Seen, port: Any) -> Finding:
    """A single-address pair with the member's own MAC."""
    facts = {'address': seen.address, 'port': obs.label(port),
             'mac': port.mac_address}
    found = _kinds(seen, port)
    single = found.get('single', [])

    def no(why: str, fix: Sequence[str] = (), **more: Any) -> Finding:
        return Finding('member_pair', False, obs.subject(port), why,
                       {**facts, **more}, fix)

    if any((p.get('mac_address') or port.mac_address) == port.mac_address
           for p in single):
        subnet = obs.subnet_of(seen)
        if subnet is not None and not _in_subnet(seen, port):
            return no('other_subnet', subnet=obs.subnet_label(subnet))
        return Finding('member_pair', True, obs.subject(port),
                       'single_pair', facts)
    odd = [p for p in single
           if values.same_mac(p.get('mac_address'), port.mac_address)]
    if odd:
        return no('mac_text', _replace(seen, port, odd[0]),
                  pair_mac=odd[0]['mac_address'])
    if single:
        return no('other_mac', _add_single(seen, port),
                  pair_mac=single[0]['mac_address'])
    if found.get('prefixed'):
        pair = found['prefixed'][0]
        return no('prefixed_pair', _replace(seen, port, pair),
                  pair=_pair_text(pair))
    if found.get('cidr'):
        return no('cidr_pair', _add_single(seen, port),
                  pair=_pair_text(found['cidr'][0]))
    return no('no_pair', _add_single(seen, port))


def member_pairs(seen: obs.Seen, found: Sequence[Any]) -> list[Finding]:
    """One row a member; a member recorded but gone; or no member."""
    out = []
    if seen.vip is not None:
        seen_ids = {p.id for p in seen.ports}
        for gone in (m for m in seen.vip.all_members if m not in seen_ids):
            out.append(Finding(
                'member_pair', False, {'id': gone, 'name': None}, 'gone',
                {'port': gone},
                [f'openstack port security vip unset '
                 f'{obs.vip_name(seen)} --member {gone}']))
    out += [member_pair(seen, port) for port in found]
    if not found:
        out.append(Finding('member_pair', False, seen.address, 'no_members',
                           {'address': seen.address,
                            'network': seen.network_id}))
    return out


def member_port_security(port: Any) -> Finding:
    """Port security on (the pair means something), the port ACTIVE."""
    facts = {'port': obs.label(port), 'status': port.status}
    flag = port_state.flag(port)
    if flag is False:
        return Finding('member_port_security', False, obs.subject(port),
                       'security_off', facts,
                       [f'openstack port security enable {port.id}'])
    if port.status != 'ACTIVE':
        return Finding('member_port_security', False, obs.subject(port),
                       'not_active', facts)
    return Finding('member_port_security', True, obs.subject(port),
                   'no_flag' if flag is None else 'filtered_active', facts)


def no_outsider(seen: obs.Seen, found: Sequence[Any]) -> list[Finding]:
    """No port but the members carries the address in its pairs."""
    held = obs.holder(seen)
    inside = {p.id for p in found} | ({held.id} if held is not None
                                      else set())
    out = []
    for port in seen.ports:
        pair = None if port.id in inside else obs.carrying(port, seen)
        if pair is None:
            continue
        out.append(Finding(
            'no_outsider', False, obs.subject(port), 'outsider',
            {'address': seen.address, 'port': obs.label(port),
             'pair': _pair_text(pair)},
            [f"openstack port security pair remove {port.id} "
             f"--allowed-address ip-address={pair['ip_address']},"
             f"mac-address={pair['mac_address']}"]))
    if out:
        return out
    owners = 'the members' + (f' and port {obs.label(held)}'
                              if held is not None else '')
    return [Finding('no_outsider', True, seen.address, 'no_outsider',
                    {'address': seen.address, 'owners': owners})]


def _names(ports: Sequence[Any]) -> str:
    return ', '.join(p.name or p.id for p in ports)


def vrrp_between(seen: obs.Seen, found: Sequence[Any]) -> list[Finding]:
    """Each member hears every other member's VRRP adverts."""
    if len(found) < 2:
        return [Finding('vrrp_between_members', True, seen.address,
                        'one_member', {'address': seen.address,
                                       'count': len(found)})]
    ether = model.ethertype(seen.address)
    deaf = rules.vrrp_deaf(found, seen.rules, ether)
    fix = rules.fix_commands(found, ether)
    out = []
    for port in found:
        missing = deaf[port.id]
        others = [p for p in found if p.id != port.id]
        out.append(Finding(
            'vrrp_between_members', not missing, obs.subject(port),
            'vrrp_deaf' if missing else 'vrrp_heard',
            {'port': obs.label(port),
             'senders': _names(missing or others)},
            fix if missing else ()))
    return out


def _vmacs(seen: obs.Seen, port: Any) -> list[str]:
    prefix = model.vrrp_mac_prefix(seen.address)
    return [str(values.mac_key(p.get('mac_address')))
            for p in port.allowed_address_pairs or []
            if model.carries(p, seen.address) in ('single', 'prefixed')
            and str(values.mac_key(p.get('mac_address'))).startswith(prefix)]


def vmac_pairs(seen: obs.Seen, found: Sequence[Any]) -> list[Finding]:
    """With ``--vmac``: every member allows the VIP with one VRRP MAC."""
    prefix = model.vrrp_mac_prefix(seen.address)
    macs = {p.id: _vmacs(seen, p) for p in found}
    counted = collections.Counter(m for found_macs in macs.values()
                                  for m in dict.fromkeys(found_macs))
    common = counted.most_common(1)[0][0] if counted else None
    out = []
    for port in found:
        facts = {'address': seen.address, 'port': obs.label(port),
                 'prefix': prefix}
        mine = macs[port.id]
        want = common or f'{prefix}<VRID>'
        add = [PAIR_ADD.format(
            port=port.id, pair=f'ip-address={seen.address},mac-address='
                               f'{want}')]
        if not mine:
            out.append(Finding('vmac_pair', False, obs.subject(port),
                               'no_vmac', facts, add))
        elif common not in mine:
            out.append(Finding(
                'vmac_pair', False, obs.subject(port), 'vmac_differs',
                {**facts, 'vmac': mine[0], 'others': common}, add))
        else:
            out.append(Finding('vmac_pair', True, obs.subject(port),
                               'vmac', {**facts, 'vmac': common}))
    return out


def virtual_parents(seen: obs.Seen) -> list[Any]:
    """The ports Neutron's OVN driver makes the holder's virtual parents.

    Ports with a fixed IP in the address's subnet whose pairs store
    exactly the address (any MAC): ``get_virtual_port_parents`` filters
    ``allowed_address_pairs`` by ``ip_address`` as stored.
    """
    held = obs.holder(seen)
    return [p for p in seen.ports
            if (held is None or p.id != held.id) and _in_subnet(seen, p)
            and any(str(pair['ip_address']) == seen.address
                    for pair in p.allowed_address_pairs or [])]
