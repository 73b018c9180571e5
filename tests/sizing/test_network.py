"""Network rules at their boundaries: segment and subnet sizes, blocks, device counts, firewall."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.sizing import network
from generator.sizing.sized import grown
from tests.sizing.profiles import make_site


@pytest.mark.parametrize(
    ("devices", "growth", "prefix", "capacity"),
    [
        (0, 2.0, 28, 13),  # never below /28
        (6, 2.0, 28, 13),  # 12 + 3 = 15 fits 16
        (7, 2.0, 27, 29),  # 14 + 3 = 17 needs 32
        (14, 2.0, 27, 29),  # 28 + 3 = 31
        (15, 2.0, 26, 61),  # 30 + 3 = 33
        (25, 2.0, 26, 61),  # docs/architecture.md#address-plan: 25 x 2.0 + 3 = 53 -> /26
        (126, 2.0, 24, 253),  # 252 + 3 = 255
        (127, 2.0, 23, 509),  # 254 + 3 = 257
        (100, 1.5, 24, 253),  # 150 + 3
        (3, 1.5, 28, 13),  # 4.5 rounds up to 5
    ],
)
def test_segment_size_is_the_smallest_prefix_holding_growth_and_reserved(
    devices: int, growth: float, prefix: int, capacity: int
) -> None:
    sized = network.segment_size("main", "clinical", devices, growth, 3)
    assert (sized.value.prefix, sized.value.capacity) == (prefix, capacity)
    assert sized.value.required == grown(devices, growth)
    assert sized.value.capacity >= sized.value.required
    assert sized.decision.rule == "NET-SEG-01"
    assert sized.decision.subject == "sites.main.segments.clinical"
    assert f"{devices} devices x {growth:g} growth" in sized.decision.reason


def test_design_example_reason_reads_with_the_numbers() -> None:
    reason = network.segment_size("main", "medical-devices", 25, 2.0, 3).decision.reason
    assert reason == (
        "medical-devices at main: 25 devices x 2 growth = 50, + 3 reserved = 53 addresses "
        "needed -> /26 (64 addresses, room for 61 devices)"
    )


def test_one_device_reads_in_the_singular() -> None:
    reason = network.segment_size("main", "imaging", 1, 2.0, 3).decision.reason
    assert reason.startswith("imaging at main: 1 device x 2 growth = 2, ")


def test_hub_subnet_presence_says_what_it_depends_on() -> None:
    present = network.subnet_presence("azure", "gateway", {"vpn": True}).decision.reason
    absent = network.subnet_presence("azure", "gateway", {"vpn": False}).decision.reason
    assert present == "gateway: planned: the plan includes site VPNs"
    assert absent == "gateway: not planned: the plan includes no site VPN"


@given(st.integers(0, 5000), st.sampled_from((1.5, 2.0, 1.25)))
def test_segment_capacity_always_holds_devices_with_growth(devices: int, growth: float) -> None:
    size = network.segment_size("s", "voice", devices, growth, 3).value
    assert size.capacity >= size.required == grown(devices, growth)
    # The smallest prefix: half of it would not hold the hosts plus the 3 reserved addresses.
    assert size.prefix == 28 or 2 ** (32 - size.prefix - 1) < size.required + 3


@pytest.mark.parametrize(
    ("kind", "workstations", "split"),
    [
        ("clinic", 40, {"clinical": 40}),
        ("hospital", 100, {"clinical": 80, "admin": 20}),
        ("hospital", 7, {"clinical": 5, "admin": 2}),  # admin share rounds up
        ("hospital", 0, {"clinical": 0, "admin": 0}),
        ("admin-office", 24, {"admin": 24}),
    ],
)
def test_workstation_split_by_site_kind(
    kind: str, workstations: int, split: dict[str, int]
) -> None:
    assert network.workstation_split("s", kind, workstations).value == split


@pytest.mark.parametrize(("endpoints", "devices"), [(0, 2), (1, 3), (24, 3), (25, 4), (480, 22)])
def test_management_devices_from_endpoints(endpoints: int, devices: int) -> None:
    assert network.management_devices("s", endpoints).value == devices


def test_segment_devices_hospital_gets_an_admin_segment_a_clinic_does_not() -> None:
    clinic, _ = network.segment_devices(make_site(kind="clinic", workstations=50), 0)
    hospital, _ = network.segment_devices(make_site(kind="hospital", workstations=50), 0)
    assert clinic["admin"] == 0 and clinic["clinical"] == 50
    assert hospital["admin"] == 10 and hospital["clinical"] == 40


def test_absent_segment_is_explained() -> None:
    site = make_site("s", workstations=4)
    assert network.segment_presence(site, "guest", 3) is None
    absent = network.segment_presence(site, "guest", 0)
    assert absent is not None and absent.rule == "NET-SEG-02"
    assert absent.reason == "guest at s: not created: devices.guest_wifi_peak is 0"


def test_an_absent_admin_segment_names_the_split_not_a_zero_count() -> None:
    # lakeside's downtown clinic has 110 workstations: all of them go on clinical.
    site = make_site("downtown", kind="clinic", workstations=110)
    absent = network.segment_presence(site, "admin", 0)
    assert absent is not None
    assert absent.reason == (
        "admin at downtown: not created: a site of kind clinic puts its 110 workstations "
        "on clinical, none on admin (NET-DEV-01)"
    )
    office = make_site("billing", kind="admin-office", workstations=1)
    clinical = network.segment_presence(office, "clinical", 0)
    assert clinical is not None and clinical.reason.endswith(
        "a site of kind admin-office puts its 1 workstation on admin, none on clinical (NET-DEV-01)"
    )
    empty = network.segment_presence(make_site("shed", workstations=0), "clinical", 0)
    assert empty is not None and empty.reason.endswith("not created: devices.workstations is 0")


@pytest.mark.parametrize(
    ("prefixes", "block"),
    [
        ([28], 27),  # 16 -> /28, + 1 bit
        ([26, 27, 28, 28], 24),  # 64 + 32 + 16 + 16 = 128 -> /25 -> /24
        ([24, 24, 26], 21),  # 576 -> /22 -> /21
    ],
)
def test_site_block_holds_segments_with_one_bit_of_headroom(
    prefixes: list[int], block: int
) -> None:
    assert network.site_block_prefix("s", prefixes).value == block


@pytest.mark.parametrize(
    ("cloud", "subnet", "extra", "prefix"),
    [
        ("azure", "gateway", 0, 27),  # GatewaySubnet floor
        ("azure", "bastion", 0, 26),  # AzureBastionSubnet floor
        ("azure", "firewall", 0, 26),  # AzureFirewallSubnet floor
        ("azure", "shared", 0, 27),  # 8 x 2 + 5 = 21
        ("gcp", "bastion", 0, 28),  # 4 x 2 + 4 = 12
        ("azure", "apps", 0, 26),  # floor keeps room for EHR servers
        ("azure", "apps", 20, 26),  # 28 x 2 + 5 = 61
        ("azure", "apps", 22, 25),  # 30 x 2 + 5 = 65
        ("gcp", "telehealth", 40, 25),  # 80 + 4 = 84
    ],
)
def test_subnet_size_honours_cloud_floors(cloud: str, subnet: str, extra: int, prefix: int) -> None:
    sized = network.subnet_size(cloud, subnet, extra)
    assert sized.value.prefix == prefix
    assert sized.value.capacity >= grown(sized.value.devices, 2.0)


@pytest.mark.parametrize(
    ("when", "conditions", "present"),
    [
        ("gateway", {"vpn": False}, False),
        ("gateway", {"vpn": True}, True),
        ("bastion", {}, True),
        ("imaging", {"imaging": False}, False),
    ],
)
def test_subnet_presence(when: str, conditions: dict[str, bool], present: bool) -> None:
    assert network.subnet_presence("azure", when, conditions).value is present


def test_hub_block_reserves_room_for_subnets_not_yet_planned() -> None:
    assert network.hub_block_prefix([26, 26], []).value == 24
    assert network.hub_block_prefix([26, 26], [26, 26]).value == 23


@pytest.mark.parametrize(
    ("sites", "devices", "mbps", "compliance", "kinds", "tier"),
    [
        (1, 100, 500, ("hipaa",), {"clinic"}, "none"),
        (1, 101, 500, ("hipaa",), {"clinic"}, "standard"),
        (2, 50, 250, ("hipaa",), {"clinic"}, "standard"),
        (1, 10, 100, ("hipaa", "hitrust"), {"clinic"}, "premium"),
        (1, 10, 100, ("hipaa",), {"hospital"}, "premium"),
    ],
)
def test_firewall_tier_boundaries(
    sites: int, devices: int, mbps: int, compliance: tuple[str, ...], kinds: set[str], tier: str
) -> None:
    assert network.firewall_tier(sites, devices, mbps, compliance, kinds).value == tier


@pytest.mark.parametrize(
    ("floor", "tier"),
    [(None, "none"), ("none", "none"), ("standard", "standard"), ("premium", "premium")],
)
def test_firewall_tier_floor_raises_a_small_practice(floor: str | None, tier: str) -> None:
    sized = network.firewall_tier(1, 10, 100, ("hipaa",), {"clinic"}, floor)
    assert sized.value == tier
    assert ("min_firewall_tier" in sized.decision.reason) == (tier != "none")


def test_firewall_tier_floor_never_lowers_the_sized_tier() -> None:
    sized = network.firewall_tier(1, 10, 100, ("hitrust",), {"clinic"}, "standard")
    assert sized.value == "premium"
