"""What a VIP is, in Neutron terms: pure functions of what was read.

A VIP port is marked twice: by its description (:data:`DESCRIPTION`, set
in the request that creates the port) and by the marker tag. Neutron
filters ports by either (``ports(description=)``, ``ports(tags=)``), so
``list`` finds them in two requests, and a run killed after the port was
made but before its tags were written (Neutron takes tags in a create
request only with the ``tag-ports-during-bulk-creation`` extension) still
leaves a VIP that ``vip list`` shows and ``vip delete`` removes. VIPs of
earlier releases have only the tag.

The tags say what the tool owns: one tag per member whose pair the tool
added (``member``), one per member whose pair was there before the VIP
(``kept``: never removed), the VRRP rule it created (``rule``) and the
group given with ``--security-group`` (``group``). A VIP brought under
management by ``vip adopt`` whose port held the address before carries
``adopted`` too: ``vip delete`` removes its tags, never the port. Each
tag is added or removed on its own (``PUT``/``DELETE
/ports/{id}/tags/{tag}``), so two runs never lose each other's members.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any, Iterable, Mapping, TYPE_CHECKING

if TYPE_CHECKING:
    from openstack.network.v2.port import Port

TAG = 'osc-portsec-vip'
MEMBER_TAG = 'osc-portsec-vip-member:'
KEPT_TAG = 'osc-portsec-vip-kept:'
RULE_TAG = 'osc-portsec-vip-rule:'
GROUP_TAG = 'osc-portsec-vip-group:'
ADOPTED_TAG = 'osc-portsec-vip-adopted'
# adopt gave the holder, which had no name, the VIP's: delete takes it back.
NAMED_TAG = 'osc-portsec-vip-named'
# Neutron's default max_allowed_address_pair; the API does not expose the
# configured value, so a member is refused before the cloud would refuse
# it half-way through a create.
MAX_PAIRS = 10
# IP protocol 112: VRRP. Neutron accepts the name and the number.
VRRP = ('vrrp', '112')
VRRP_PROTOCOL = 112


DESCRIPTION = (
    "Virtual IP reserved by osc-portsec: the address of a keepalived/VRRP "
    "VIP held by its member ports' allowed address pairs; remove with "
    "'openstack port security vip delete'."
)


def rule_description(name: str) -> str:
    """The description of a VRRP rule the tool creates for VIP ``name``.

    A run killed between creating the rule and tagging the VIP port with
    it leaves a rule that ``delete`` still recognises as the VIP's.
    """
    return f'VRRP between the members of VIP {name} (osc-portsec)'


def made_by_tool(rule: Any) -> bool:
    """Whether the tool created ``rule`` for a VIP (any VIP's name).

    Two VIPs of one group share the rule the first made; the VIP deleted
    last removes it, whichever of them made it.
    """
    text = rule.description or ''
    return (text.startswith('VRRP between the members of VIP ')
            and text.endswith(' (osc-portsec)'))


def is_vip(port: Any) -> bool:
    """Whether ``port`` is a VIP port of this tool (tag or description)."""
    return TAG in (port.tags or []) or port.description == DESCRIPTION


def member_tag(port_id: str, kept: bool = False) -> str:
    return (KEPT_TAG if kept else MEMBER_TAG) + port_id


def tags(members: Iterable[str], kept: Iterable[str] = (),
         rule_id: str | None = None, group_id: str | None = None
         ) -> list[str]:
    """The tags of a VIP port, in a stable order."""
    out = [TAG] + [MEMBER_TAG + m for m in dict.fromkeys(members)]
    out += [KEPT_TAG + m for m in dict.fromkeys(kept)]
    if rule_id:
        out.append(RULE_TAG + rule_id)
    if group_id:
        out.append(GROUP_TAG + group_id)
    return out


def _tagged(found: Iterable[str], prefix: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t[len(prefix):] for t in found
                               if t.startswith(prefix)))


@dataclasses.dataclass(frozen=True)
class Vip:
    """A VIP port as this tool reads it."""

    id: str
    name: str
    network_id: str
    ip_address: str
    subnet_id: str | None
    # Members whose pair the tool added, and those whose pair it found.
    members: tuple[str, ...]
    kept: tuple[str, ...] = ()
    rule_id: str | None = None
    group_id: str | None = None
    port: Any = None

    @property
    def all_members(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.members, *self.kept)))

    @property
    def created_at(self) -> str:
        return str(getattr(self.port, 'created_at', None) or '')

    @property
    def adopted(self) -> bool:
        """Whether the port held the address before ``vip adopt``."""
        return ADOPTED_TAG in (getattr(self.port, 'tags', None) or [])


def from_port(port: Port) -> Vip:
    found = list(port.tags or [])
    fixed = (port.fixed_ips or [{}])[0]
    rules = _tagged(found, RULE_TAG)
    groups = _tagged(found, GROUP_TAG)
    kept = _tagged(found, KEPT_TAG)
    return Vip(
        id=port.id, name=port.name or '', network_id=port.network_id,
        ip_address=fixed.get('ip_address', ''),
        subnet_id=fixed.get('subnet_id'),
        members=tuple(m for m in _tagged(found, MEMBER_TAG)
                      if m not in kept),
        kept=kept, rule_id=rules[0] if rules else None,
        group_id=groups[0] if groups else None, port=port,
    )


def winner(vips: Iterable[Vip]) -> Vip:
    """Of VIPs that two runs made at once, the one both runs keep.

    The oldest port wins, then the smallest ID: every run sees the same
    ports and picks the same one.
    """
    return min(vips, key=lambda v: (v.created_at, v.id))


def ethertype(address: str) -> str:
    return 'IPv%d' % ipaddress.ip_address(address).version


def carries(pair: Mapping[str, Any], address: str) -> str | None:
    """How ``pair`` carries ``address``: a kind, or None.

    ``'single'``: the address itself, written without a prefix, which is
    what Neutron's OVN driver looks for to make the VIP port a virtual port
    with this member as a parent (an exact match on the stored
    ``ip_address``: ovn utils ``get_virtual_port_parents``).
    ``'prefixed'``: the address with a prefix (``/32``, or a CIDR stored
    with the address as its host bits, which OVN reads as that host only):
    the address passes, but the member is no virtual parent.
    ``'cidr'``: a network that covers the address.
    """
    text = str(pair['ip_address']).strip()
    try:
        iface = ipaddress.ip_interface(text)
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if iface.ip.version != ip.version:
        return None
    if iface.ip == ip:
        return 'prefixed' if '/' in text else 'single'
    if iface.network.num_addresses > 1 and ip in iface.network and (
            iface.ip == iface.network.network_address):
        return 'cidr'
    return None


def member_kind(pair: Mapping[str, Any], address: str,
                subnets: Iterable[str] = ()) -> str | None:
    """How ``pair`` carries ``address`` for a VIP's member, or None.

    As :func:`carries`, except that a CIDR as wide as a subnet of
    ``subnets`` (CIDRs) that holds the address, or wider, is None: the
    port forwards for that whole range (a router or firewall appliance);
    it does not share the address as a VRRP peer.
    """
    kind = carries(pair, address)
    if kind != 'cidr':
        return kind
    ip = ipaddress.ip_address(address)
    width = ipaddress.ip_interface(str(pair['ip_address']).strip())
    for cidr in subnets:
        subnet = ipaddress.ip_network(cidr, strict=False)
        if ip in subnet and width.network.prefixlen <= subnet.prefixlen:
            return None
    return kind


def holds(port: Any, address: str) -> bool:
    """Whether ``address`` is one of the port's fixed IPs."""
    return any(ip.get('ip_address') == address
               for ip in port.fixed_ips or [])


# The MACs of RFC 5798 VRRP virtual routers (keepalived ``use_vmac``):
# 00:00:5e:00:01:<VRID> for IPv4, 00:00:5e:00:02:<VRID> for IPv6. The
# only MACs but a port's own that Neutron 29 on OVN accepts in a pair.
VRRP_MAC_PREFIX = {4: '00:00:5e:00:01:', 6: '00:00:5e:00:02:'}


def vrrp_mac_prefix(address: str) -> str:
    return VRRP_MAC_PREFIX[ipaddress.ip_address(address).version]


def rule_line(rule: Any) -> dict[str, Any]:
    return {
        'id': rule.id, 'security_group_id': rule.security_group_id,
        'protocol': rule.protocol, 'ethertype': rule.ether_type,
        'remote_group_id': rule.remote_group_id,
        'remote_ip_prefix': rule.remote_ip_prefix,
    }


def is_vrrp_rule(rule: Any, ether: str, remote_group: str | None) -> bool:
    """Whether ``rule`` lets VRRP (or any protocol) in from a source.

    The source is ``remote_group``, or anywhere when it is None.
    """
    if rule.direction != 'ingress' or rule.ether_type != ether:
        return False
    if rule.protocol not in (None, *VRRP):
        return False
    if remote_group is not None:
        return (rule.remote_group_id == remote_group
                and not rule.remote_ip_prefix)
    return not rule.remote_group_id and rule.remote_ip_prefix in (
        None, '0.0.0.0/0', '::/0')
