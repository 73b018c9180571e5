"""The clouds' per-practice ceilings (CAP-*): found before anything is allocated, each with the
cloud's own number, and nothing below them refused. Before these rules a 300-site first run
failed mid-allocation with advice about deleting retired sites from a ledger it did not have."""

from __future__ import annotations

import pytest

from generator.errors import ProfileError
from generator.ipam import AddressRequest, RangeRequest, SiteRequest, allocate
from generator.profile.model import Profile
from generator.sizing import build_plan
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


def test_an_azure_vpn_site_past_the_gateways_100_tunnels_is_refused_with_the_number() -> None:
    with pytest.raises(ProfileError, match=r"CAP-VPN-01: 101 sites .* at most 100 site-to-site"):
        build_plan(_practice("azure", 101))


def test_azure_sites_past_the_nsg_priority_bands_are_refused_before_allocation() -> None:
    assert _overruns(_practice("azure", 188, vpn=False)) == ["CAP-PRI-01"]


def test_google_cloud_has_room_for_500_sites_rule_priority_bands() -> None:
    plan, ledger = build_plan(_practice("gcp", 500, vpn=False))
    bases = [site.priority_base for site in ledger.sites]
    assert len(set(bases)) == 500 and max(bases) + 15 < 64000
    assert len(plan.sites) == 500


def test_google_cloud_tunnels_past_a_cloud_routers_bgp_peers_are_refused() -> None:
    # 65 sites x 2 HA VPN tunnels = 130 BGP peers; a Cloud Router takes 128.
    assert _overruns(_practice("gcp", 65)) == ["CAP-BGP-01"]
    build_plan(_practice("gcp", 64))


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
