"""Values as Neutron means them: MAC and IP addresses, CIDRs and IDs.

The one place where what a user typed, or what Neutron stored, is parsed,
put in canonical form and compared. The rules follow neutron-lib's
validators (``neutron_lib.api.validators``), which use netaddr:

- A MAC is what ``netaddr.valid_mac`` accepts, in any of its notations
  (colons, dashes, dots, bare, any case). Neutron stores an allowed address
  pair's MAC exactly as the client sent it, so stored values are compared
  by their 48 bits, never by their text.
- An IPv4 address with a leading zero in an octet is refused, as
  ``validate_ip_address`` refuses it (``010.0.0.5`` could be octal).
  IPv6 may be written in any case, compressed or not.
- A stored address or CIDR is compared as the back ends read it: an
  address is its /32 (/128). A CIDR with host bits (``10.0.0.130/28``,
  ``2001:db8::85/123``) is NOT its network: Neutron stores it as sent,
  OVN then lets only the host (``10.0.0.130``) through, while the
  openvswitch and iptables firewalls use the network.

User errors are ``CommandError`` with one sentence that names the value.
Functions whose name starts with ``same_`` or ends with ``_key`` never
raise: they compare what Neutron stored, whatever client wrote it.
"""

from __future__ import annotations

from typing import Any
import uuid

import netaddr
from osc_lib import exceptions
from oslo_utils import uuidutils

# In Neutron's INVALID_MAC_ADDRESSES (neutron_lib.constants) with the
# broadcast MAC, which is refused here as a multicast MAC.
_ZERO_MAC = netaddr.EUI('00:00:00:00:00:00')

_MULTICAST = {
    4: netaddr.IPNetwork('224.0.0.0/4'),
    6: netaddr.IPNetwork('ff00::/8'),
}


def nonblank(value: str | None, what: str) -> str:
    """``value`` without surrounding white space; empty is refused.

    ``what`` names the argument (``port``, ``network``) in the sentence.
    """
    text = (value or '').strip()
    if not text:
        raise exceptions.CommandError(
            f"The {what} given is empty ({value!r}); give a {what} name "
            f"or ID."
        )
    return text


def is_uuid_like(text: str) -> bool:
    """True for a UUID with or without dashes, in any case."""
    return bool(uuidutils.is_uuid_like(text))


def canonical_uuid(text: str) -> str:
    """A UUID-like value as Neutron and Nova write IDs (lower case, dashes).

    ``text`` must be UUID-like.
    """
    return str(uuid.UUID(text.strip()))


def keystone_id(text: str) -> str:
    """A UUID-like value as Keystone writes project IDs.

    32 lower-case hex digits, no dashes; ``text`` must be UUID-like.
    """
    return uuid.UUID(text.strip()).hex


def _eui(text: str) -> netaddr.EUI | None:
    text = text.strip()
    try:
        if not netaddr.valid_mac(text):
            return None
        return netaddr.EUI(text, dialect=netaddr.mac_unix_expanded)
    except (netaddr.AddrFormatError, TypeError, ValueError):
        return None


def mac(text: str) -> str:
    """A MAC address for an allowed address pair, as lower-case colon form.

    Any notation netaddr (so Neutron) accepts is taken. The all-zero MAC
    is refused as Neutron refuses it, and so are multicast MACs (first
    octet odd, the broadcast MAC too), as Neutron 29 refuses them in pairs.
    """
    eui = _eui(text)
    if eui is None:
        raise exceptions.CommandError(
            f"'{text}' is not a valid MAC address; use six hex octets such "
            f"as fa:16:3e:12:34:56 (dashes and dots are accepted too)."
        )
    if eui == _ZERO_MAC:
        raise exceptions.CommandError(
            f"'{text}' is not a valid MAC address for an allowed address "
            f"pair; Neutron refuses the all-zero MAC."
        )
    if eui.words[0] & 1:
        raise exceptions.CommandError(
            f"MAC address '{text}' is a multicast address; an allowed "
            f"address pair needs a unicast MAC (the first octet must be even)."
        )
    return str(eui)


def mac_key(text: str | None) -> str | None:
    """Comparison key of a stored MAC; never raises.

    A value netaddr cannot read is compared by its lower-cased text, so it
    still matches itself and can be removed.
    """
    if text is None:
        return None
    eui = _eui(text)
    return str(eui) if eui is not None else text.strip().lower()


def same_mac(a: str | None, b: str | None) -> bool:
    """True when ``a`` and ``b`` are the same MAC in any notation."""
    return mac_key(a) == mac_key(b)


def _strict_ip(text: str) -> netaddr.IPAddress | None:
    """The address ``text`` names, by neutron-lib's rules, or None."""
    if not text or '%' in text or '/' in text:
        return None
    # As validate_ip_address: IPv6 has a colon, IPv4 exactly three dots
    # (inet_aton also reads '10.1' or a bare number).
    if ':' not in text and text.count('.') != 3:
        return None
    try:
        address = netaddr.IPAddress(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None
    if address.version == 4 and str(address) != text:
        return None
    return address


def _zero_filled(text: str) -> str | None:
    """The decimal reading of an IPv4 address written with leading zeros."""
    try:
        address = netaddr.IPAddress(text, flags=netaddr.ZEROFILL)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None
    return str(address) if address.version == 4 else None


def _not_an_ip(text: str, kind: str, example: str) -> exceptions.CommandError:
    address, slash, prefix = text.strip().partition('/')
    zero = _zero_filled(address) if address.count('.') == 3 else None
    if zero is not None and zero != address:
        # Neutron: "'010.0.0.5' is not an accepted IP address, '10.0.0.5'
        # is recommended": a leading zero could mean octal.
        return exceptions.CommandError(
            f"'{text}' is not an accepted {kind} because an octet has a "
            f"leading zero (Neutron refuses it: it could be octal); write "
            f"{zero}{slash}{prefix} if that is what you mean."
        )
    return exceptions.CommandError(
        f"'{text}' is not a valid {kind}; use {example}."
    )


def parse_ip(text: str) -> netaddr.IPAddress:
    """An IP address as Neutron reads it; CommandError otherwise."""
    value = text.strip()
    address = _strict_ip(value)
    if address is None:
        raise _not_an_ip(
            text, 'IP address', 'an address such as 10.0.0.5 or 2001:db8::5'
        )
    return address


def ip_address(text: str) -> str:
    """An IP address in Neutron's canonical text (IPv6 compressed, lower)."""
    return str(parse_ip(text))


def is_ip_like(text: str) -> bool:
    """True when Neutron would read ``text`` as an IP address."""
    return _strict_ip(text.strip()) is not None


def lookup_ip(text: str) -> str:
    """The fixed IP to ask Neutron for when a user names ``text``.

    Canonical form, and an IPv4-mapped IPv6 address (``::ffff:10.0.0.5``)
    as the IPv4 address it maps: Neutron compares fixed IPs as stored text
    and stores them canonically, and no port has a mapped address as a
    fixed IP of an IPv4 subnet.
    """
    address = parse_ip(text)
    if address.version == 6 and address.is_ipv4_mapped():
        address = address.ipv4()
    return str(address)


def fixed_ip_filter(text: str) -> str:
    """The value for ``list --fixed-ip``; refuses what cannot be an IP."""
    try:
        return lookup_ip(text)
    except exceptions.CommandError:
        raise _not_an_ip(
            text, 'IP address for --fixed-ip',
            'an address such as 10.0.0.5 or 2001:db8::5'
        ) from None


def parse_cidr(text: str) -> netaddr.IPNetwork:
    """A CIDR (``10.0.0.0/24``, or a netmask form) as Neutron reads it."""
    value = text.strip()
    address, _, prefix = value.partition('/')
    if _strict_ip(address) is None or not prefix:
        raise _not_an_ip(
            text, 'CIDR', 'a CIDR such as 10.0.0.0/24 or 2001:db8::/64'
        )
    try:
        return netaddr.IPNetwork(value)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise _not_an_ip(
            text, 'CIDR', 'a CIDR such as 10.0.0.0/24 or 2001:db8::/64'
        ) from None


def cidr(text: str) -> str:
    """A CIDR as its network, in canonical text (``10.9.0.0/24``)."""
    return str(parse_cidr(text).cidr)


def exact_cidr(text: str) -> str:
    """A CIDR in canonical text, host bits kept (``10.9.0.1/24``)."""
    return str(parse_cidr(text))


def has_host_bits(text: str) -> bool:
    """True for a CIDR whose address is not its network's address."""
    if '/' not in text:
        return False
    network = netaddr.IPNetwork(text.strip())
    return bool(network.ip != network.network)


def ip_or_cidr(text: str, keep_host_bits: bool = False) -> str:
    """An address or a CIDR, canonical; an address stays an address.

    A CIDR becomes its network unless ``keep_host_bits``.
    """
    if '/' in text:
        return exact_cidr(text) if keep_host_bits else cidr(text)
    return ip_address(text)


def is_multicast(value: str) -> bool:
    """True when a canonical address or CIDR reaches a multicast range.

    Neutron refuses such allowed address pairs, but for 0.0.0.0/0.
    """
    network = netaddr.IPNetwork(value)
    if str(network.cidr) == '0.0.0.0/0':
        return False
    mcast = _MULTICAST[network.version]
    return bool(
        network.first <= mcast.last and mcast.first <= network.last
    )


def multicast_range(value: str) -> str:
    """The multicast range of ``value``'s IP version, for messages."""
    return str(_MULTICAST[netaddr.IPNetwork(value).version])


def address_key(text: str) -> Any:
    """Comparison key of a stored address or CIDR; never raises.

    ``10.0.0.5`` and ``10.0.0.5/32`` are one address; IPv6 in any notation
    is one address. ``10.9.0.1/24`` is not ``10.9.0.0/24`` (OVN reads the
    first as the host 10.9.0.1). A value netaddr cannot read is compared
    by its text.
    """
    try:
        network = netaddr.IPNetwork(text.strip())
    except (netaddr.AddrFormatError, ValueError, TypeError, AttributeError):
        return str(text).strip().lower()
    return (network.version, int(network.ip), network.prefixlen)


def same_address(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are one pair address to every back end."""
    return bool(address_key(a) == address_key(b))


def network_of(text: str) -> Any:
    """The network of a stored address or CIDR, host bits dropped.

    The text when netaddr cannot read it; never raises.
    """
    try:
        return netaddr.IPNetwork(text.strip()).cidr
    except (netaddr.AddrFormatError, ValueError, TypeError, AttributeError):
        return str(text).strip().lower()


def prefixlen(value: str) -> int:
    """The prefix length of an address (32 or 128) or CIDR."""
    return int(netaddr.IPNetwork(value).prefixlen)


# IP protocols, as Neutron names and numbers them: neutron_lib/constants.py
# IP_PROTOCOL_MAP (neutron-lib 5.0), copied rather than imported (too heavy
# for a client plugin), so a name the user types means what the same name
# in a security group rule means.
IP_PROTOCOL_MAP: dict[str, int] = {
    'ah': 51, 'dccp': 33, 'egp': 8, 'esp': 50, 'gre': 47, 'hopopt': 0,
    'icmp': 1, 'igmp': 2, 'ip': 0, 'ipip': 4, 'ipv6-encap': 41,
    'ipv6-frag': 44, 'ipv6-icmp': 58, 'icmpv6': 58, 'ipv6-nonxt': 59,
    'ipv6-opts': 60, 'ipv6-route': 43, 'ospf': 89, 'pgm': 113, 'rsvp': 46,
    'sctp': 132, 'tcp': 6, 'udp': 17, 'udplite': 136, 'vrrp': 112,
}
# neutron_lib IP_PROTOCOL_NUM_TO_NAME_MAP: the canonical name of a number.
PROTOCOL_NAMES: dict[int, str] = {
    num: name for name, num in IP_PROTOCOL_MAP.items()
    if name not in ('icmpv6', 'ip')
}
ICMP = 1
ICMPV6 = 58
# Names the API takes for "any protocol" (neutron/common/_constants.py
# SG_RULE_PROTO_ANY).
ANY_PROTOCOL = ('', 'any')


def protocol(value: str | int | None, ipv6: bool) -> int | None:
    """The IP protocol number ``value`` names, as Neutron reads a rule.

    None for any protocol. On IPv6, ``icmp`` and ``1`` mean ICMPv6 (58):
    Neutron rewrites them so (securitygroups_db._get_ip_proto_name_and_num).
    """
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ANY_PROTOCOL:
        return None
    if text.isdigit():
        number = int(text)
        if number > 255:
            raise exceptions.CommandError(
                f"Protocol number {value} is out of range; use 0-255 or a "
                f"name such as tcp, udp or icmp.")
    elif text in IP_PROTOCOL_MAP:
        number = IP_PROTOCOL_MAP[text]
    else:
        names = ', '.join(sorted(IP_PROTOCOL_MAP))
        raise exceptions.CommandError(
            f"Unknown protocol '{value}'; use a number 0-255 or one of "
            f"{names}.")
    return ICMPV6 if ipv6 and number == ICMP else number


def number(value: int, option: str, low: int, high: int) -> int:
    """An integer option (a port, an ICMP type) within ``low``-``high``."""
    if not low <= value <= high:
        raise exceptions.CommandError(
            f"{option} {value} is out of range; use {low}-{high}.")
    return value


def address(text: str, option: str) -> str:
    """One IP address given with ``option``, canonical; never a CIDR."""
    if _strict_ip(text.strip()) is None:
        raise exceptions.CommandError(
            f"{option} '{text}' is not a valid IP address; give one address "
            f"such as 10.0.0.5 or 2001:db8::5.")
    return ip_address(text)


def any_mac(text: str, option: str) -> str:
    """A MAC address in any notation, as lower-case colon form.

    Any MAC, broadcast and multicast included (a frame's destination);
    pairs take only what :func:`mac` accepts.
    """
    eui = _eui(text)
    if eui is None:
        raise exceptions.CommandError(
            f"{option} '{text}' is not a valid MAC address; use six hex "
            f"octets such as fa:16:3e:12:34:56.")
    return str(eui)
