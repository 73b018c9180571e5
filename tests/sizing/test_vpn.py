"""VPN rules at their boundaries: gateway SKU, tunnels per site, prefixes, BGP, IPsec."""

from __future__ import annotations

import pytest

from generator.errors import PlanError
from generator.sizing import vpn


@pytest.mark.parametrize(
    ("sites", "mbps", "sku"),
    [
        (1, 100, "VpnGw1AZ"),
        (30, 650, "VpnGw1AZ"),  # 30 tunnels at 650 Mbps
        (30, 651, "VpnGw2AZ"),
        (30, 1200, "VpnGw2AZ"),  # Generation2 VpnGw2AZ carries 1.25 Gbps, not Generation1's 1
        (30, 1250, "VpnGw2AZ"),
        (30, 1251, "VpnGw3AZ"),
        (30, 2500, "VpnGw3AZ"),  # Generation2 VpnGw3AZ carries 2.5 Gbps, not 1.25
        (30, 2501, "VpnGw4AZ"),
        (31, 100, "VpnGw4AZ"),  # more than 30 tunnels
        (100, 10000, "VpnGw5AZ"),
        (100, 10001, "VpnGw5AZ"),  # shared at peak, see below
    ],
)
def test_azure_gateway_sku_from_tunnels_and_bandwidth(sites: int, mbps: int, sku: str) -> None:
    sized = vpn.gateway_sku("azure", sites, sites, mbps)
    assert sized.value.sku == sku
    assert sized.value.max_tunnels >= sized.value.tunnels
    assert sized.decision.rule == "VPN-SKU-01"


def test_a_vnet_gateway_is_never_sized_past_100_tunnels() -> None:
    with pytest.raises(PlanError, match="the plan needs a Virtual WAN hub"):
        vpn.gateway_sku("azure", 101, 101, 100)


@pytest.mark.parametrize(
    ("cloud", "tunnels", "wanted"),
    [("azure", 100, False), ("azure", 101, True), ("gcp", 1000, False)],
)
def test_azure_past_one_vnet_gateways_100_tunnels_needs_virtual_wan(
    cloud: str, tunnels: int, wanted: bool
) -> None:
    assert vpn.needs_virtual_wan(cloud, tunnels) is wanted


@pytest.mark.parametrize(
    ("mbps", "units", "shared"),
    [
        ((100,), 1, False),
        ((500,), 1, False),
        ((250, 251), 2, False),
        ((2000,) * 5, 20, False),
        ((2000,) * 5 + (1,), 20, True),
    ],
)
def test_virtual_wan_scale_units_carry_the_sites_with_an_instance_down(
    mbps: tuple[int, ...], units: int, shared: bool
) -> None:
    sized = vpn.virtual_wan_gateway(mbps, 150, "10.64.250.0/23")
    hub = sized.value.virtual_wan
    assert hub is not None and hub.scale_units == units and hub.wan_type == "Standard"
    assert hub.address_prefix == "10.64.250.0/23"
    assert sized.value.max_mbps == units * 500 and sized.value.max_tunnels == 1000
    assert sized.decision.rule == "VPN-VWAN-01"
    assert ("sites share it at peak" in sized.decision.reason) is shared


def test_a_site_counts_at_the_2_gbps_its_virtual_wan_connection_carries() -> None:
    """A 5 Gbps site's one VPN connection carries 2 Gbps (Virtual WAN limits): sized at its
    5 Gbps, the hub paid for 10 scale units where 4 carry all the connection can."""
    sized = vpn.virtual_wan_gateway((5000,), 1, "10.64.250.0/23")
    hub = sized.value.virtual_wan
    assert hub is not None and hub.scale_units == 4
    assert "2000 Mbps aggregate (1 site at the 2000 Mbps one VPN connection carries)" in (
        sized.decision.reason
    )


def test_bandwidth_beyond_the_largest_sku_is_shared_not_an_error() -> None:
    sized = vpn.gateway_sku("azure", 10, 10, 50_000)
    assert sized.value.sku == "VpnGw5AZ"
    assert "share" in sized.decision.reason


@pytest.mark.parametrize(
    ("cloud", "mbps", "tunnels"),
    [("azure", 10_000, 1), ("gcp", 100, 2), ("gcp", 1000, 2), ("gcp", 1001, 4), ("gcp", 2001, 6)],
)
def test_tunnels_per_site(cloud: str, mbps: int, tunnels: int) -> None:
    assert vpn.site_tunnels(cloud, "s", mbps).value == tunnels


def test_a_gcp_site_over_one_tunnels_packets_gets_a_second_pair() -> None:
    # 250,000 packets/s at 500 B is 1 Gbps; with one tunnel of a pair down, a pair carries that
    # much, so 1.5 Gbps needs two pairs (one pair was once counted as 6 Gbps).
    sized = vpn.site_tunnels("gcp", "s", 1500)
    assert sized.value == 4
    assert "assumption: average packet size" in sized.decision.reason


def test_gcp_ha_vpn_capacity_counts_one_tunnel_per_pair() -> None:
    gateway = vpn.gateway_sku("gcp", 3, 8, 3500).value
    assert (gateway.sku, gateway.tunnels, gateway.max_mbps) == ("HA_VPN", 8, 4000)


def test_local_prefixes_leave_guest_and_payment_out_and_keep_onprem() -> None:
    left_out = [("guest", "10.0.0.64/26"), ("payment", "10.0.0.128/28")]
    sized = vpn.local_prefixes("s", [("clinical", "10.0.0.0/26")], left_out, ("192.168.1.0/24",))
    assert sized.value == ("10.0.0.0/26", "192.168.1.0/24")
    reason = sized.decision.reason
    assert "guest 10.0.0.64/26 left out" in reason and "payment 10.0.0.128/28 left out" in reason


def test_bgp_sessions_use_the_first_two_hosts_of_each_slash_30() -> None:
    sized = vpn.bgp_sessions("s", 65001, ("169.254.21.0/30", "169.254.21.4/30"), 2)
    first, second = sized.value
    assert (first.cloud_address, first.site_address) == ("169.254.21.1", "169.254.21.2")
    assert (second.tunnel, second.cloud_address) == (1, "169.254.21.5")
    assert sized.decision.value == "AS65001"


@pytest.mark.parametrize("cloud", ["azure", "gcp"])
def test_ipsec_policy_defaults_to_cnsa_ikev2_aes_gcm_p384_in_neutral_names(cloud: str) -> None:
    sized = vpn.ipsec_policy(cloud, None)
    policy = sized.value
    assert policy.ike_version == "IKEv2"
    assert (policy.ike_encryption, policy.ipsec_encryption) == ("aes-256-gcm", "aes-256-gcm")
    assert policy.ipsec_integrity == "aead"
    # Elliptic-curve groups (CNSA); never the broken MODP groups 1, 2 or 5, never no PFS.
    assert (policy.dh_group, policy.pfs_group) == ("ecp-384", "ecp-384")
    assert (sized.decision.rule, sized.decision.value) == ("VPN-IPS-01", "cnsa")
    assert sized.decision.reason.startswith("cnsa (default: no practice.vpn_crypto)")


@pytest.mark.parametrize(
    ("cloud", "where"),
    [
        ("azure", "Azure: the connection's custom IPsec policy"),
        ("gcp", "Google Cloud: each tunnel's cipher suite"),
    ],
)
def test_the_profile_picks_the_weaker_suite_and_the_reason_says_it_is_weaker(
    cloud: str, where: str
) -> None:
    sized = vpn.ipsec_policy(cloud, "aes256-sha256-dh14")
    policy = sized.value
    assert (policy.ike_version, policy.ike_encryption, policy.ike_integrity) == (
        "IKEv2",
        "aes-256-cbc",
        "sha-256",
    )
    # CBC carries HMAC-SHA-256 as its integrity; group 14 in IKE and for PFS.
    assert (policy.ipsec_encryption, policy.ipsec_integrity) == ("aes-256-cbc", "sha-256")
    assert (policy.dh_group, policy.pfs_group) == ("modp-2048", "modp-2048")
    assert sized.decision.value == "aes256-sha256-dh14"
    assert sized.decision.reason.startswith(
        "practice.vpn_crypto aes256-sha256-dh14, weaker than cnsa: IKEv2 aes-256-cbc/sha-256"
    )
    assert where in sized.decision.reason


def test_a_site_names_its_own_suite_or_the_practices() -> None:
    own = vpn.site_ipsec_policy("azure", "annex", "aes256-sha256-dh14", None)
    assert own.value == vpn.ipsec_policy("azure", "aes256-sha256-dh14").value
    assert (own.decision.rule, own.decision.subject) == ("VPN-IPS-02", "sites.annex.vpn.ipsec")
    assert own.decision.reason.startswith(
        "annex: connectivity.vpn_crypto aes256-sha256-dh14 instead of the practice's cnsa,"
        " weaker than cnsa: IKEv2 aes-256-cbc"
    )
    # Naming the practice's own suite records nothing for the site: its tunnels use the
    # practice's.
    same = vpn.site_ipsec_policy("gcp", "annex", "aes256-sha256-dh14", "aes256-sha256-dh14")
    assert same.value is None
    assert (
        same.decision.reason
        == "annex: connectivity.vpn_crypto aes256-sha256-dh14, the practice's suite"
    )


@pytest.mark.parametrize(
    ("cloud", "setting", "routing"),
    [
        ("azure", None, "static"),
        ("azure", "static", "static"),
        ("azure", "bgp", "bgp"),
        ("gcp", None, "bgp"),
        ("gcp", "bgp", "bgp"),
    ],
)
def test_routing_is_the_profiles_choice_on_azure_and_bgp_on_google_cloud(
    cloud: str, setting: str | None, routing: str
) -> None:
    sized = vpn.site_routing(cloud, "main", setting)
    assert (sized.value, sized.decision.rule) == (routing, "VPN-RTE-01")


def test_an_azure_bgp_site_peers_from_its_management_vlan_router() -> None:
    segments = [("clinical", "10.1.0.1"), ("management", "10.1.9.1")]
    assert vpn.azure_bgp_peer("main", segments).value == "10.1.9.1"
    assert vpn.azure_bgp_peer("main", segments[:1]).value == "10.1.0.1"
