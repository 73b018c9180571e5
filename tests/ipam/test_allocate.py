"""Allocation against the ledger: what is kept, what grows, what is refused."""

from __future__ import annotations

import dataclasses
from ipaddress import ip_network
from typing import Any

import pytest

from generator.errors import LedgerError, PlanError
from generator.ipam import AddressRequest, RangeRequest, SiteRequest, allocate

REQUEST = AddressRequest(
    practice="p",
    cloud="azure",
    pool="10.0.0.0/16",
    excluded=(("practice.reserved_ranges", "10.0.0.0/24"),),
    core_block_prefix=24,
    core_subnets=(RangeRequest("shared", 27), RangeRequest("bastion", 26)),
    sites=(
        SiteRequest(
            id="a",
            block_prefix=24,
            segments=(RangeRequest("clinical", 26, 10), RangeRequest("voice", 27, 50)),
            flows=("clinical-to-apps",),
            tunnels=1,
        ),
    ),
)


def test_first_allocation_is_first_fit_around_excluded_ranges() -> None:
    ledger = allocate(REQUEST, None).ledger
    assert ledger.core.block == "10.0.1.0/24"
    assert [s.cidr for s in ledger.core.subnets] == ["10.0.1.64/27", "10.0.1.0/26"]
    site = ledger.site("a")
    assert site is not None
    assert (site.block, site.priority_base, site.asn) == ("10.0.2.0/24", 1000, 65001)
    assert [(s.name, s.vlan, s.cidr) for s in site.segments] == [
        ("clinical", 10, "10.0.2.0/26"),
        ("voice", 50, "10.0.2.64/27"),
    ]
    # An Azure site peers from its own router's address: no link-local range (VPN-BGP-02).
    assert site.bgp == ()


def test_ledger_vlan_wins_over_the_request() -> None:
    ledger = allocate(REQUEST, None).ledger
    site = ledger.site("a")
    assert site is not None
    renumbered = dataclasses.replace(
        site, segments=(dataclasses.replace(site.segments[0], vlan=110), *site.segments[1:])
    )
    ledger = dataclasses.replace(ledger, sites=(renumbered,))
    again = allocate(REQUEST, ledger).ledger.site("a")
    assert again is not None and again.segments[0].vlan == 110


def test_a_segment_no_longer_needed_stays_held_inactive() -> None:
    ledger = allocate(REQUEST, None).ledger
    (site,) = REQUEST.sites
    fewer = dataclasses.replace(
        REQUEST, sites=(dataclasses.replace(site, segments=site.segments[:1]),)
    )
    after = allocate(fewer, ledger).ledger.site("a")
    assert after is not None
    voice = after.segment("voice")
    assert voice is not None and not voice.active and voice.cidr == "10.0.2.64/27"
    back = allocate(REQUEST, allocate(fewer, ledger).ledger).ledger
    assert back == ledger


def test_a_flow_keeps_its_priority_and_new_flows_take_the_next_free_one() -> None:
    ledger = allocate(REQUEST, None).ledger
    (site,) = REQUEST.sites
    more = dataclasses.replace(
        REQUEST, sites=(dataclasses.replace(site, flows=("devices-to-ingest", "clinical-to-apps")),)
    )
    after = allocate(more, ledger).ledger.site("a")
    assert after is not None
    assert {f.flow: f.priority for f in after.flows} == {
        "clinical-to-apps": 1000,
        "devices-to-ingest": 1001,
    }


@pytest.mark.parametrize(
    ("field", "value", "error", "message"),
    [
        ("practice", "other", LedgerError, "belongs to practice 'other'"),
        ("cloud", "gcp", LedgerError, "made for gcp"),
        ("pool", "10.0.0.0/16", PlanError, "lies outside practice.address_pool 10.1.0.0/16"),
    ],
)
def test_a_ledger_for_something_else_is_refused(
    field: str, value: str, error: type[Exception], message: str
) -> None:
    ledger = allocate(REQUEST, None).ledger
    if field == "pool":
        request = dataclasses.replace(REQUEST, pool="10.1.0.0/16", excluded=())
        with pytest.raises(error, match=message):
            allocate(request, ledger)
        return
    with pytest.raises(error, match=message):
        changes: dict[str, Any] = {field: value}
        allocate(REQUEST, dataclasses.replace(ledger, **changes))


def test_the_pool_may_grow_around_existing_allocations() -> None:
    ledger = allocate(REQUEST, None).ledger
    wider = dataclasses.replace(REQUEST, pool="10.0.0.0/15")
    assert allocate(wider, ledger).ledger == dataclasses.replace(ledger, pool="10.0.0.0/15")


def test_bgp_sessions_are_added_when_a_site_needs_more_tunnels() -> None:
    on_gcp = dataclasses.replace(REQUEST, cloud="gcp")
    ledger = allocate(on_gcp, None).ledger
    (site,) = REQUEST.sites
    more = dataclasses.replace(on_gcp, sites=(dataclasses.replace(site, tunnels=2),))
    after = allocate(more, ledger).ledger.site("a")
    assert after is not None
    assert after.bgp == ("169.254.0.0/30", "169.254.0.4/30")


def _pooled_request(sites: int, pool_prefix: int = 27) -> AddressRequest:
    return AddressRequest(
        "p",
        "azure",
        "10.64.0.0/16",
        (),
        24,
        (),
        tuple(
            SiteRequest(f"s{i}", 27, (RangeRequest("clinical", 28, 10),), ("clinical-to-apps",), 1)
            for i in range(sites)
        ),
        virtual_hub_prefix=23,
        pool_new_sites=True,
        segment_pools=(RangeRequest("clinical", pool_prefix),),
        pool_flows=("clinical-to-apps",),
    )


def test_pooled_sites_fill_their_kinds_pool_first_fit_and_keep_their_places() -> None:
    first = allocate(_pooled_request(2), None).ledger
    (pool,) = first.core.segment_pools
    placed = [segment.cidr for site in first.sites for segment in site.segments]
    assert placed == [str(net) for net in ip_network(pool.cidr).subnets(new_prefix=28)]
    assert first.core.pool_flows[0].priority == 500
    again = allocate(_pooled_request(2), first).ledger
    assert again == first


def test_a_pooled_site_past_its_kinds_full_pool_is_told_which_pool_is_full() -> None:
    first = allocate(_pooled_request(2), None).ledger
    with pytest.raises(
        PlanError,
        match=r"the clinical segment pool 10\.64\.\S+/27 has no free /28 left for site 's2'",
    ):
        allocate(_pooled_request(3), first)
