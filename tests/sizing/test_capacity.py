"""The clouds' per-practice ceilings (CAP-*): found before anything is allocated, each with the
cloud's own number, and nothing below them refused. Before these rules a 300-site first run
failed mid-allocation with advice about deleting retired sites from a ledger it did not have."""

from __future__ import annotations

import dataclasses

import pytest

from generator.errors import ProfileError
from generator.ipam import AddressRequest, RangeRequest, SiteRequest, allocate
from generator.ipam.ledger import rule_group
from generator.profile.model import Profile
from generator.sizing import build_plan
from generator.sizing.capacity import overruns
from generator.sizing.vpn import site_tunnels
from tests.sizing.profiles import make_profile, make_site


def _practice(cloud: str, count: int, *, vpn: bool = True) -> Profile:
    # Workstations and phones only: flows clinical-to-apps; one rule per site in one NSG.
    sites = tuple(
        make_site(f"s{index:03d}", vpn=vpn, workstations=4, phones=2) for index in range(count)
    )
    return make_profile(*sites, cloud=cloud)


def _overruns(profile: Profile) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        build_plan(profile)
    problems = caught.value.problems
    assert {p.path for p in problems} == {"sites"}
    assert {p.file for p in problems} == {profile.source}
    return [p.message.split(":")[0] for p in problems]


def test_azure_plans_as_many_vpn_sites_as_one_gateway_carries() -> None:
    plan, _ledger = build_plan(_practice("azure", 100))
    assert plan.vpn is not None and plan.vpn.tunnels == 100


def test_azure_vpn_sites_past_a_virtual_wan_hubs_1000_connections_are_refused() -> None:
    (found,) = overruns("azure", 1001, {}, {f"s{i}": 1 for i in range(1001)}, 0)[1:]
    assert found.rule == "CAP-VPN-01" and found.needed == 1001
    assert "at most 1000 VPN (branch) connections" in found.message


def test_azure_sites_past_the_priority_bands_take_priorities_per_nsg_and_direction() -> None:
    """188 sites passed Azure's 187 bands of 16 (CAP-PRI-01 before): the sites after the
    bands take each flow's first free priority in its NSG and direction."""
    plan, ledger = build_plan(_practice("azure", 188, vpn=False))
    assert [s.priority_base for s in ledger.sites][-2:] == [3976, 0]
    last = {f.id: f.priority for f in plan.flows if f.site == "s187"}
    assert all(1000 <= p <= 3999 for p in last.values())
    by_rule = {(rule_group("azure", f.id), f.priority) for f in plan.flows}
    assert len(by_rule) == len(plan.flows)


def test_500_lean_azure_vpn_sites_are_pooled_and_their_flows_one_core_rule_each() -> None:
    plan, ledger = build_plan(_practice("azure", 500))
    assert plan.vpn is not None and plan.vpn.virtual_wan is not None
    assert all(site.pooled for site in ledger.sites)
    assert [(f.id, f.site) for f in plan.core.pool_flows] == [
        ("clinical-to-apps", ""),
        ("bastion-to-management", ""),
        ("shared-to-management-snmp", ""),
        ("management-to-shared-logs", ""),
    ]


def test_lean_azure_sites_without_a_vpn_keep_their_own_rules_and_the_nsg_limit_binds() -> None:
    # No tunnel, no Virtual WAN hub: each site's flows are rules of its own, two of them in
    # 'shared' (network management's), so 491 sites are past its 980.
    assert _overruns(_practice("azure", 491, vpn=False)) == ["CAP-NSG-01"]


def test_the_nsg_rules_are_each_block_sites_own_and_one_per_flow_of_the_pooled() -> None:
    flows = {f"s{i}": ("clinical-to-apps", "admin-to-apps") for i in range(1000)}
    # 20 sites with blocks x 2 rules + 2 core rules for the 980 pooled sites: 42 in 'apps'.
    assert overruns("azure", 1000, flows, {}, 0, {f"s{i}" for i in range(20, 1000)}) == []
    # 490 x 2 + 2 = 982 rules, and 'apps' has room for 980 beside the hub's own.
    (found,) = overruns("azure", 1000, flows, {}, 0, {f"s{i}" for i in range(490, 1000)})
    assert (found.rule, found.needed) == ("CAP-NSG-01", 982)
    (unpooled,) = overruns("azure", 1000, flows, {}, 0)
    assert unpooled.needed == 2000


def test_google_cloud_has_room_for_500_sites_rule_priority_bands() -> None:
    plan, ledger = build_plan(_practice("gcp", 500, vpn=False))
    bases = [site.priority_base for site in ledger.sites]
    assert len(set(bases)) == 500 and max(bases) + 15 < 64000
    assert len(plan.sites) == 500


def test_google_cloud_sites_past_one_cloud_router_take_the_next_and_keep_it() -> None:
    # 65 sites x 2 HA VPN tunnels = 130 BGP peers; a Cloud Router takes 128.
    plan, ledger = build_plan(_practice("gcp", 65))
    assert plan.vpn is not None
    assert [(r.slot, r.region) for r in plan.vpn.routers] == [(0, "us-east4"), (1, "us-east4")]
    assert [site.router for site in ledger.sites] == [0] * 64 + [1]
    assert plan.core.routing_mode == "REGIONAL"
    # A site added later goes where there is room; none already placed moves.
    more = _practice("gcp", 66)
    _plan, again = build_plan(more, ledger)
    assert [site.router for site in again.sites] == [0] * 64 + [1, 1]


def test_google_cloud_sites_past_the_regions_five_routers_end_in_the_dr_region() -> None:
    profile = _practice("gcp", 321)
    with pytest.raises(ProfileError, match=r"CAP-BGP-01: .* 642 HA VPN .* set practice.dr_region"):
        build_plan(profile)
    practice = dataclasses.replace(profile.practice, dr_region="us-central1")
    plan, ledger = build_plan(dataclasses.replace(profile, practice=practice))
    assert plan.vpn is not None
    assert [r.slot for r in plan.vpn.routers] == [0, 1, 2, 3, 4, 5]
    assert {r.region for r in plan.vpn.routers if r.slot == 5} == {"us-central1"}
    assert ledger.sites[-1].router == 5
    assert plan.core.routing_mode == "GLOBAL"
    last = plan.sites[-1].vpn
    assert last is not None and last.router is not None and last.router.region == "us-central1"


def test_google_cloud_refuses_tunnels_past_both_regions_routers() -> None:
    practice = dataclasses.replace(_practice("gcp", 1).practice, dr_region="us-central1")
    per_site = site_tunnels("gcp", "s", 7000).value
    count = 1280 // per_site + 1  # one site more than ten routers' 1,280 BGP peers hold
    sites = tuple(
        make_site(f"s{index:03d}", bandwidth=7000, workstations=4, phones=2)
        for index in range(count)
    )
    big = dataclasses.replace(make_profile(*sites, cloud="gcp"), practice=practice)
    assert _overruns(big) == ["CAP-BGP-01"]


def test_azure_sites_take_no_link_local_range_they_would_never_use() -> None:
    _plan, ledger = build_plan(_practice("azure", 3))
    assert all(site.bgp == () for site in ledger.sites)
    assert all(site.asn is not None for site in ledger.sites)


def test_site_asns_continue_past_the_first_range_without_moving_any() -> None:
    sites = tuple(
        SiteRequest(f"s{i:03d}", 26, (RangeRequest("clinical", 28, 10),), (), tunnels=2)
        for i in range(500)
    )
    request = AddressRequest("p", "gcp", "10.64.0.0/12", (), 24, (), sites)
    first = allocate(request, None).ledger
    asns = [site.asn for site in first.sites]
    assert asns[:499] == list(range(65001, 65500))
    assert asns[499] == 64513
    again = allocate(request, first).ledger
    assert [site.asn for site in again.sites] == asns
