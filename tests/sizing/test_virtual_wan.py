"""Azure past one VNet gateway's 100 tunnels: the Virtual WAN switch (VPN-VWAN-01) and its
virtual hub prefix in the ledger, which, like every allocation, never moves once given."""

from __future__ import annotations

import dataclasses
from ipaddress import ip_network
from pathlib import PurePosixPath

import pytest

from generator.errors import LedgerError
from generator.ipam import Ledger
from generator.ipam.ledger import ledger_text, parse_ledger
from generator.plan.codec import to_data
from generator.plan.model import Plan, split_into_stacks
from generator.profile.model import Profile
from generator.render.handoff import render_handoff
from generator.render.plan_report import plan_report
from generator.render.runbook import render_runbook
from generator.sizing import build_plan
from tests.sizing.profiles import make_profile, make_site


def _offices(count: int) -> Profile:
    return make_profile(
        *(make_site(f"s{i:03d}", workstations=4, phones=2) for i in range(count)), cloud="azure"
    )


@pytest.fixture(scope="module")
def hundred() -> tuple[Plan, Ledger]:
    return build_plan(_offices(100))


@pytest.fixture(scope="module")
def wan() -> tuple[Plan, Ledger]:
    return build_plan(_offices(101))


@pytest.fixture(scope="module")
def crossed(hundred: tuple[Plan, Ledger]) -> tuple[Plan, Ledger]:
    """The 101st site added to a practice the ledger holds with 100."""
    return build_plan(_offices(101), hundred[1])


def test_100_vpn_sites_stay_on_a_vnet_gateway_and_their_files_carry_no_virtual_wan(
    hundred: tuple[Plan, Ledger],
) -> None:
    plan, ledger = hundred
    assert plan.vpn is not None and plan.vpn.sku == "VpnGw5AZ" and plan.vpn.virtual_wan is None
    assert ledger.core.virtual_hub is None and "virtual_hub" not in ledger_text(ledger)
    core, sites = split_into_stacks(plan)
    assert "virtual_wan" not in to_data(core)["vpn"]
    assert "virtual_wan" not in to_data(sites[0])["site"]["vpn"]


def test_the_101st_site_moves_the_hub_to_virtual_wan_and_no_allocation_moves(
    hundred: tuple[Plan, Ledger], crossed: tuple[Plan, Ledger]
) -> None:
    plan, ledger = crossed
    assert plan.vpn is not None and plan.vpn.sku == "VirtualWAN"
    assert plan.vpn.virtual_wan is not None
    assert plan.vpn.virtual_wan.address_prefix == ledger.core.virtual_hub
    assert all(site.vpn is not None and site.vpn.virtual_wan for site in plan.sites)
    hub = ip_network(str(ledger.core.virtual_hub))
    assert hub.prefixlen == 23
    ranges = [ip_network(site.block) for site in ledger.sites if site.block]
    ranges += [ip_network(pool.cidr) for pool in ledger.core.segment_pools]
    assert not any(hub.overlaps(other) for other in [*ranges, ip_network(ledger.core.block)])
    # The 100 sites placed before keep their blocks, bands and rules; the 101st is pooled.
    before = {site.id: site for site in hundred[1].sites}
    assert [site for site in ledger.sites if site.id in before] == list(hundred[1].sites)
    (new,) = [site for site in ledger.sites if site.id not in before]
    assert new.pooled and new.flows == () and new.priority_base == 0
    kept = [flow for flow in plan.flows if flow.site in before]
    assert kept == list(hundred[0].flows) and not any(f.pooled for f in kept)
    assert all(flow.pooled for flow in plan.flows if flow.site == new.id)
    (decision,) = [d for d in plan.decisions if d.rule == "VPN-VWAN-01"]
    assert "more than a VNet gateway's tunnels" in decision.reason


def test_the_virtual_hub_is_kept_as_sites_come_and_go(wan: tuple[Plan, Ledger]) -> None:
    plan, ledger = wan
    _grown, grown_ledger = build_plan(_offices(110), ledger)
    assert grown_ledger.core.virtual_hub == ledger.core.virtual_hub
    shrunk, _ = build_plan(_offices(60), grown_ledger)
    # Back within a VNet gateway's tunnels, but going back would replace the hub again.
    assert shrunk.vpn is not None and shrunk.vpn.virtual_wan == plan.vpn.virtual_wan
    (decision,) = [d for d in shrunk.decisions if d.rule == "VPN-VWAN-01"]
    assert "the ledger holds a Virtual WAN hub: kept" in decision.reason


def test_a_ledger_round_trips_its_virtual_hub_and_refuses_one_over_a_site(
    wan: tuple[Plan, Ledger],
) -> None:
    _plan, ledger = wan
    text = ledger_text(ledger)
    assert parse_ledger(text, "x.ledger.yaml") == ledger
    pool = ledger.core.segment_pools[0].cidr
    clash = ledger_text(
        dataclasses.replace(ledger, core=dataclasses.replace(ledger.core, virtual_hub=pool))
    )
    with pytest.raises(LedgerError, match=r"overlaps"):
        parse_ledger(clash, "x.ledger.yaml")


def test_the_plan_report_and_handoff_sheets_tell_of_the_virtual_wan_hub(
    hundred: tuple[Plan, Ledger], wan: tuple[Plan, Ledger]
) -> None:
    plan, ledger = wan
    report = plan_report(plan, "text", 200)
    (row,) = [line for line in report.splitlines() if "virtual wan" in line]
    assert f"Standard hub {ledger.core.virtual_hub}" in row and "VPN-VWAN-01" in row
    two_tunnels = "set\nup one tunnel to each of its two public addresses"
    assert two_tunnels in render_handoff(plan, plan.sites[0])
    small = hundred[0]
    assert "virtual wan" not in plan_report(small, "text", 200)
    assert two_tunnels not in render_handoff(small, small.sites[0])


def test_the_runbook_says_what_the_core_builds_for_the_hub(
    hundred: tuple[Plan, Ledger], wan: tuple[Plan, Ledger]
) -> None:
    plan, ledger = wan
    text = render_runbook(plan, PurePosixPath("stacks")).body
    assert f"its hub on\n`{ledger.core.virtual_hub}`" in text
    clinical = ledger.core.segment_pool("clinical")
    assert clinical is not None and f"clinical `{clinical.cidr}`" in text
    assert f"the core holds the {len(plan.core.pool_flows)} NSG rules" in text
    assert "Virtual WAN" not in render_runbook(hundred[0], PurePosixPath("stacks")).body


def test_a_pooled_sites_sheet_and_plan_report_say_where_its_vlans_lie(
    wan: tuple[Plan, Ledger],
) -> None:
    plan, ledger = wan
    site = plan.sites[0]
    assert site.block is None and site.block_label == "pooled"
    sheet = render_handoff(plan, site)
    assert "no address block of its own" in sheet and "None" not in sheet
    clinical = ledger.sites[0].segment("clinical")
    assert clinical is not None and f"`{clinical.cidr}`" in sheet
    report = plan_report(plan, "text", 200)
    assert f"Site {site.id}: {site.name} ({site.kind}), block pooled" in report
    block = [d.rule for d in plan.decisions if d.subject == f"sites.{site.id}.block"]
    assert block == ["NET-IPAM-01"]
    assert "None" not in report


def test_the_plan_report_lists_each_segment_pool_and_marks_pooled_flows(
    wan: tuple[Plan, Ledger],
) -> None:
    plan, ledger = wan
    report = plan_report(plan, "text", 200)
    clinical = ledger.core.segment_pool("clinical")
    assert clinical is not None
    (row,) = [line for line in report.splitlines() if "segment pool clinical" in line]
    assert f"{clinical.cidr}: the pooled sites' clinical segments, 1 core rule" in row
    assert "NET-POOL-01" in row and "FLOW-PRI-01" in row
    assert "(the core's rule for the pools)" in report


def test_adding_a_pooled_site_moves_nothing_and_changes_no_other_stack(
    wan: tuple[Plan, Ledger],
) -> None:
    plan, ledger = wan
    bigger = _offices(102)
    # The new site goes first in the profile: order is not identity.
    reordered = dataclasses.replace(bigger, sites=(bigger.sites[-1], *bigger.sites[:-1]))
    grown, grown_ledger = build_plan(reordered, ledger)
    assert grown_ledger.core == ledger.core
    assert [site for site in grown_ledger.sites if site.id != "s101"] == list(ledger.sites)
    new = grown_ledger.site("s101")
    assert new is not None and new.pooled
    core, sites = split_into_stacks(plan)
    grown_core, grown_sites = split_into_stacks(grown)
    # The core's network, its pools and its rules for them, stay as they were (its VPN
    # gateway's counts of sites and bandwidth are sizing inputs and move, as they always did).
    assert grown_core.core == core.core and core.core.pool_flows
    before = {stack.site.id: to_data(stack) for stack in sites}
    assert {s.site.id: to_data(s) for s in grown_sites if s.site.id != "s101"} == before


def test_a_pooled_segment_that_grows_stays_in_its_pool_and_moves_no_other(
    wan: tuple[Plan, Ledger],
) -> None:
    _plan, ledger = wan
    offices = _offices(101)
    busy = dataclasses.replace(
        offices.sites[0], devices=dataclasses.replace(offices.sites[0].devices, workstations=200)
    )
    _grown, grown_ledger = build_plan(
        dataclasses.replace(offices, sites=(busy, *offices.sites[1:])), ledger
    )
    assert grown_ledger.core.segment_pools == ledger.core.segment_pools
    assert grown_ledger.sites[1:] == ledger.sites[1:]
    pool = ledger.core.segment_pool("clinical")
    first, before = grown_ledger.sites[0].segment("clinical"), ledger.sites[0].segment("clinical")
    assert pool is not None and first is not None and before is not None
    assert ip_network(first.cidr).prefixlen < ip_network(before.cidr).prefixlen
    assert ip_network(first.cidr).subnet_of(ip_network(pool.cidr))


def test_a_pooled_site_reaches_exactly_what_a_site_with_a_block_reaches(
    crossed: tuple[Plan, Ledger],
) -> None:
    plan, ledger = crossed
    pools = {pool.name: ip_network(pool.cidr) for pool in ledger.core.segment_pools}
    rules = {flow.id: flow for flow in plan.core.pool_flows}

    def reach(site: str) -> set[tuple[object, ...]]:
        return {
            (f.id, f.direction, f.protocol, f.ports, f.source, f.destination)
            for f in plan.flows
            if f.site == site
        }

    # s100 is the pooled 101st site, s099 was placed with a block: the same office.
    assert reach("s100") == reach("s099")
    for flow in (f for f in plan.flows if f.site == "s100"):
        rule = rules[flow.id]
        site_end, pool_end = (
            (flow.source_cidrs, rule.source_cidrs)
            if flow.direction == "site-to-cloud"
            else (flow.destination_cidrs, rule.destination_cidrs)
        )
        kind = flow.source if flow.direction == "site-to-cloud" else flow.destination
        assert pool_end == (str(pools[kind]),)
        assert ip_network(site_end[0]).subnet_of(pools[kind])
        assert (rule.ports, rule.protocol, rule.priority) == (
            flow.ports,
            flow.protocol,
            flow.priority,
        )
    # A pool holds its own kind of segment and nothing else of any site.
    for site in ledger.sites:
        for segment in site.segments:
            inside = {k for k, pool in pools.items() if ip_network(segment.cidr).overlaps(pool)}
            assert inside == ({segment.name} if site.pooled else set())
