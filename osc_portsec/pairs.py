"""Allowed address pairs: validation, normalisation, merge and removal.

Pure functions only: every value the user types is checked and put in the
form Neutron stores before any request is sent, and the pair lists that are
sent back to Neutron are always new lists.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Mapping, Sequence

from osc_lib import exceptions

from osc_portsec import values


@dataclasses.dataclass(frozen=True)
class Pair:
    """One allowed address pair as the user asked for it.

    ``mac_address`` is None when the user gave no MAC: Neutron then stores
    the port's own MAC.
    """

    ip_address: str
    mac_address: str | None = None
    # The CIDR as typed, when it had host bits and ``ip_address`` is its
    # network (``pair add``); not part of what the pair is.
    given: str | None = dataclasses.field(default=None, compare=False)

    def to_body(self) -> dict[str, str]:
        body = {'ip_address': self.ip_address}
        if self.mac_address is not None:
            body['mac_address'] = self.mac_address
        return body

    def __str__(self) -> str:
        if self.mac_address is None:
            return self.ip_address
        return f'{self.ip_address} ({self.mac_address})'


def normalise_mac(value: str) -> str:
    """Return ``value`` as a lower-case, colon-separated MAC address.

    Neutron stores a MAC exactly as it was sent, so ``CE-9E-5D-AD-6D-81``
    would never compare equal to the ``ce:9e:5d:ad:6d:81`` it reports for the
    port; normalising first keeps comparisons and stored data consistent.
    """
    return values.mac(value)


def normalise_ip(value: str, keep_host_bits: bool = False) -> str:
    """Return an IPv4/IPv6 address or CIDR in canonical text form.

    A plain address stays a plain address (``10.0.0.5``); a CIDR becomes its
    network (``10.9.0.1/24`` is sent as ``10.9.0.0/24``, which every back
    end reads alike; see :func:`parse_pairs`) unless ``keep_host_bits``
    (to name a pair another client stored so); IPv6 is compressed and
    lower-cased. Multicast addresses, and CIDRs that overlap a multicast
    range, are refused as Neutron refuses them (``0.0.0.0/0`` is the one
    exception it makes).
    """
    text = values.ip_or_cidr(value, keep_host_bits)
    if not values.is_multicast(text):
        return text
    mcast = values.multicast_range(text)
    if '/' not in text:
        raise exceptions.CommandError(
            f"IP address '{value}' is a multicast address, which Neutron does "
            f"not accept in an allowed address pair; use a unicast address."
        )
    if not values.prefixlen(text):
        raise exceptions.CommandError(
            f"CIDR '{value}' covers the IPv6 multicast range {mcast}, which "
            f"Neutron does not accept in an allowed address pair (it accepts "
            f"0.0.0.0/0 only); use a narrower CIDR such as 2000::/3."
        )
    raise exceptions.CommandError(
        f"CIDR '{value}' overlaps the multicast range {mcast}, which Neutron "
        f"does not accept in an allowed address pair; use a narrower CIDR."
    )


def parse_pairs(options: Iterable[Mapping[str, str]],
                keep_host_bits: bool = False) -> list[Pair]:
    """Validate and normalise ``--allowed-address`` values.

    ``options`` are the dicts osc-lib's ``MultiKeyValueAction`` produces
    (``{'ip-address': ..., 'mac-address': ...}``). A CIDR with host bits
    becomes its network, its typed form kept in ``given``: stored as typed,
    OVN would let only its host through and the other back ends the whole
    network. ``keep_host_bits`` keeps it as typed, to name
    exactly what another client stored (``pair remove``).
    """
    pairs = []
    for opt in options:
        mac = opt.get('mac-address')
        text = normalise_ip(opt['ip-address'], keep_host_bits)
        typed = values.ip_or_cidr(opt['ip-address'], keep_host_bits=True)
        pairs.append(
            Pair(
                ip_address=text,
                mac_address=normalise_mac(mac) if mac is not None else None,
                given=typed if typed != text else None,
            )
        )
    return pairs


def host_bits_note(pair: Pair) -> dict[str, str] | None:
    """What ``pair add`` says of a CIDR typed with host bits, or None."""
    if pair.given is None:
        return None
    return {'given': pair.given, 'sent': pair.ip_address,
            'host': pair.given.split('/')[0]}


def is_open_to_all(pair: Pair) -> bool:
    """True for ``0.0.0.0/0`` (``::/0`` never gets here: Neutron refuses it).

    Neutron's API reference warns that such a pair lets the port bypass the
    source-IP rules of every port that shares its security groups.
    """
    return values.prefixlen(pair.ip_address) == 0


def _key(ip_address: str, mac_address: str | None, port_mac: str) -> tuple:
    # Compared as the back ends mean them: 10.0.0.5 and 10.0.0.5/32 are
    # one pair, 10.9.0.1/24 and 10.9.0.0/24 are not (OVN reads the first
    # as its host), and a MAC stored as FA-16-3E-00-00-09 is
    # fa:16:3e:00:00:09. An omitted MAC is the port's MAC.
    return (values.address_key(ip_address),
            values.mac_key(mac_address or port_mac))


def pair_key(pair: Pair | Mapping[str, Any], port_mac: str) -> tuple:
    """Comparison key of a requested pair or of a pair Neutron returned."""
    if isinstance(pair, Pair):
        return _key(pair.ip_address, pair.mac_address, port_mac)
    return _key(pair['ip_address'], pair.get('mac_address'), port_mac)


@dataclasses.dataclass(frozen=True)
class PairChange:
    """The pair list to send, and what the request does to it."""

    pairs: list[dict[str, Any]]
    changed: list[Pair]
    skipped: list[Pair]
    # Pairs given more than once in the request; sent once.
    repeated: list[Pair] = dataclasses.field(default_factory=list)


def merge_pairs(
    current: Sequence[Mapping[str, Any]],
    requested: Sequence[Pair],
    port_mac: str,
) -> PairChange:
    """Add ``requested`` to ``current`` without duplicates.

    A requested pair already on the port is skipped; one repeated in the
    request (Neutron would answer 400 ``DuplicateAddressPairInRequest``) is
    sent once and reported in ``repeated``.
    """
    result = [dict(p) for p in current]
    stored = {pair_key(p, port_mac) for p in current}
    seen = set(stored)
    added: list[Pair] = []
    skipped: list[Pair] = []
    repeated: list[Pair] = []
    for pair in requested:
        key = pair_key(pair, port_mac)
        if key in seen:
            (skipped if key in stored else repeated).append(pair)
            continue
        seen.add(key)
        added.append(pair)
        result.append(pair.to_body())
    return PairChange(pairs=result, changed=added, skipped=skipped,
                      repeated=repeated)


def remove_pairs(
    current: Sequence[Mapping[str, Any]],
    requested: Sequence[Pair],
    port_mac: str,
    port_label: str,
) -> PairChange:
    """Remove ``requested`` from ``current``.

    A pair given without a MAC matches the stored pair that carries the
    port's MAC. A pair that is not on the port is an error, and nothing is
    removed, as ``openstack port unset`` does.
    """
    wanted: dict[tuple, Pair] = {}
    for pair in requested:
        wanted.setdefault(pair_key(pair, port_mac), pair)
    present = {pair_key(p, port_mac) for p in current}
    missing = [pair for key, pair in wanted.items() if key not in present]
    if missing:
        names = ', '.join(str(p) for p in missing)
        raise exceptions.CommandError(
            f"Allowed address pair {names} is not on port {port_label}; "
            f"nothing was removed.{_near(current, missing[0], port_mac)}"
        )
    result = [
        dict(p) for p in current if pair_key(p, port_mac) not in wanted
    ]
    return PairChange(pairs=result, changed=list(wanted.values()), skipped=[])


def host_bits_beside(current: Sequence[Mapping[str, Any]],
                     added: Sequence[Pair], port_mac: str,
                     port_label: str) -> list[str]:
    """Warnings for a pair added beside a stored one with host bits.

    ``10.0.0.128/28`` is not ``10.0.0.130/28`` (OVN reads the latter as
    the host 10.0.0.130), so both stay on the port.
    """
    found = []
    for pair in added:
        key = pair_key(pair, port_mac)
        for p in current:
            ip = p['ip_address']
            if (values.has_host_bits(ip)
                    and pair_key(p, port_mac)[1] == key[1]
                    and values.network_of(ip) == values.network_of(
                        pair.ip_address)):
                found.append(
                    f"Port {port_label} also has allowed address pair {ip}, "
                    f"which OVN reads as the host {ip.split('/')[0]} only; "
                    f"remove it with 'openstack port security pair remove "
                    f"{port_label} --allowed-address ip-address={ip}' if "
                    f"{pair.ip_address} replaces it.")
    return found


def _near(current: Sequence[Mapping[str, Any]], wanted: Pair,
          port_mac: str) -> str:
    """A hint naming the stored pair ``wanted`` was probably meant as."""
    key = pair_key(wanted, port_mac)
    for p in current:
        if pair_key(p, port_mac)[0] == key[0]:
            mac = p.get('mac_address')
            return (f" It is there with MAC {mac}; give mac-address={mac} "
                    f"to remove it.")
    for p in current:
        if values.network_of(p['ip_address']) == values.network_of(
                wanted.ip_address):
            ip = p['ip_address']
            return (f" The port has {ip}, which is not the same pair: OVN "
                    f"reads a CIDR with host bits as its host only; "
                    f"give ip-address={ip} to remove it.")
    return ''


def as_pair(body: Mapping[str, Any]) -> Pair:
    """A pair Neutron returned, as a :class:`Pair`."""
    return Pair(body['ip_address'], body.get('mac_address'))
