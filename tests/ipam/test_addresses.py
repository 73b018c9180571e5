"""Address arithmetic: prefix sizing and first-fit placement."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.ipam.addresses import (
    first_fit,
    free_addresses,
    grow_in_place,
    lan_addresses,
    network,
    prefix_for,
    usable,
)


@pytest.mark.parametrize(
    ("addresses", "longest", "prefix"),
    [(1, 28, 28), (16, 28, 28), (17, 28, 27), (64, 28, 26), (65, 28, 25), (1, 30, 30)],
)
def test_prefix_for(addresses: int, longest: int, prefix: int) -> None:
    assert prefix_for(addresses, longest) == prefix


def test_usable_never_negative() -> None:
    assert usable(28, 3) == 13
    assert usable(32, 5) == 0


def test_network_rejects_host_bits_and_ipv6() -> None:
    with pytest.raises(ValueError):
        network("10.0.0.1/24")
    with pytest.raises(ValueError):
        network("fd00::/64")


def test_first_fit_is_lowest_aligned_and_skips_taken_ranges() -> None:
    pool = network("10.0.0.0/24")
    taken = [network("10.0.0.0/27"), network("10.0.0.64/28")]
    assert first_fit(pool, taken, 27) == network("10.0.0.32/27")
    assert first_fit(pool, taken, 26) == network("10.0.0.128/26")
    assert first_fit(pool, [network("10.0.0.0/24")], 28) is None
    assert first_fit(pool, [], 23) is None


def test_first_fit_ignores_ranges_outside_the_container_and_clips_partial_ones() -> None:
    pool = network("10.0.1.0/24")
    assert first_fit(pool, [network("10.0.0.0/24")], 24) == pool
    assert first_fit(pool, [network("10.0.0.0/23")], 28) is None


@given(
    st.lists(st.tuples(st.integers(0, 255), st.integers(24, 28)), max_size=12),
    st.integers(24, 30),
)
def test_first_fit_never_overlaps_and_is_lowest(
    taken_specs: list[tuple[int, int]], prefix: int
) -> None:
    pool = network("10.0.0.0/16")
    taken = [IPv4Network((int(pool.network_address) + i * 256, p)) for i, p in taken_specs]
    found = first_fit(pool, taken, prefix)
    if found is None:
        assert free_addresses(pool, taken) < pool.num_addresses
        return
    assert found.subnet_of(pool)
    assert not any(found.overlaps(t) for t in taken)
    step = found.num_addresses
    for start in range(int(pool.network_address), int(found.network_address), step):
        candidate = IPv4Network((start, prefix))
        assert any(candidate.overlaps(t) for t in taken)


def test_grow_in_place_keeps_the_network_address_when_the_neighbour_is_free() -> None:
    block = network("10.0.0.0/24")
    current = network("10.0.0.0/27")
    assert grow_in_place(current, 26, block, []) == network("10.0.0.0/26")
    assert grow_in_place(current, 26, block, [network("10.0.0.32/27")]) is None
    assert grow_in_place(current, 23, block, []) is None


def test_free_addresses_counts_overlapping_taken_ranges_once() -> None:
    pool = network("10.0.0.0/24")
    taken = [network("10.0.0.0/25"), network("10.0.0.0/26"), network("10.0.1.0/24")]
    assert free_addresses(pool, taken) == 128


def test_lan_addresses() -> None:
    gateway, first, last = lan_addresses(network("10.0.0.64/26"))
    assert (str(gateway), str(first), str(last)) == ("10.0.0.65", "10.0.0.66", "10.0.0.126")
