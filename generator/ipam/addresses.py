"""IPv4 range arithmetic for the address plan: prefix sizing and first-fit placement.

Pure functions over `ipaddress` networks. Placement is first fit at the lowest aligned address,
so the same inputs always give the same ranges.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from ipaddress import IPv4Address, IPv4Network, ip_network

IPV4_BITS = 32


@cache
def network(cidr: str) -> IPv4Network:
    """`cidr` as an IPv4 network; ValueError when it is not one (host bits set included).

    Cached: a 500-site plan parses the same few thousand ranges hundreds of thousands of times
    (every placement checks every range held), and a network is immutable."""
    parsed = ip_network(cidr, strict=True)
    if not isinstance(parsed, IPv4Network):
        raise ValueError(f"not an IPv4 network: {cidr}")
    return parsed


def size_of(prefix: int) -> int:
    return 1 << (IPV4_BITS - prefix)


def prefix_for(addresses: int, longest: int) -> int:
    """The longest prefix (smallest range) holding `addresses`, never longer than `longest`."""
    prefix = longest
    while prefix > 0 and size_of(prefix) < addresses:
        prefix -= 1
    return prefix


def usable(prefix: int, reserved: int) -> int:
    """Addresses left for devices in a /prefix once `reserved` are taken by the network."""
    return max(size_of(prefix) - reserved, 0)


def lan_addresses(net: IPv4Network) -> tuple[IPv4Address, IPv4Address, IPv4Address]:
    """A site VLAN's gateway (first host) and DHCP range (every other host address).

    Matches the three on-prem reserved addresses: network, gateway, broadcast.
    """
    return net.network_address + 1, net.network_address + 2, net.broadcast_address - 1


def free_addresses(container: IPv4Network, taken: Iterable[IPv4Network]) -> int:
    """How many addresses of `container` nothing in `taken` covers."""
    low = int(container.network_address)
    high = int(container.broadcast_address)
    covered = 0
    cursor = low
    for start, end in _busy(container, taken):
        start = max(start, cursor)
        if end >= start:
            covered += end - start + 1
            cursor = end + 1
    return (high - low + 1) - covered


def first_fit(
    container: IPv4Network, taken: Iterable[IPv4Network], prefix: int
) -> IPv4Network | None:
    """The lowest aligned /prefix inside `container` that overlaps nothing in `taken`."""
    if prefix < container.prefixlen:
        return None
    size = size_of(prefix)
    low = int(container.network_address)
    high = int(container.broadcast_address)
    cursor = low
    for start, end in _busy(container, taken):
        candidate = _align_up(cursor, size)
        if candidate + size - 1 < start:
            return IPv4Network((candidate, prefix))
        cursor = max(cursor, end + 1)
    candidate = _align_up(cursor, size)
    if candidate + size - 1 <= high:
        return IPv4Network((candidate, prefix))
    return None


def grow_in_place(
    current: IPv4Network, prefix: int, container: IPv4Network, others: Iterable[IPv4Network]
) -> IPv4Network | None:
    """The /prefix supernet of `current`, when it stays inside `container` and is otherwise free.

    Growing in place keeps every address a device already has.
    """
    wider = current.supernet(new_prefix=prefix)
    if not wider.subnet_of(container):
        return None
    if any(wider.overlaps(other) for other in others if other != current):
        return None
    return wider


def _busy(container: IPv4Network, taken: Iterable[IPv4Network]) -> list[tuple[int, int]]:
    """`taken` clipped to `container` as sorted (first, last) integer intervals."""
    low = int(container.network_address)
    high = int(container.broadcast_address)
    intervals = []
    for net in taken:
        first, last = int(net.network_address), int(net.broadcast_address)
        if first <= high and last >= low:
            intervals.append((max(first, low), min(last, high)))
    return sorted(intervals)


def _align_up(value: int, size: int) -> int:
    return (value + size - 1) // size * size
