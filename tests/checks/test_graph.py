"""Reference resolution and the small value readers checks share."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.checks.graph import Graph, get, is_internet, iso_days, port_in, refers_to, seconds

ARM_ID = (
    "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-core"
    "/providers/Microsoft.Compute/virtualMachines/vm-ehr-1"
)
SELF_LINK = "https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc-a"


def resource(logical: str, resource_id: str, **outputs: str) -> SimpleNamespace:
    return SimpleNamespace(
        urn=f"urn:{logical}",
        type="t:m:R",
        name=logical,
        protect=False,
        inputs={},
        id=resource_id,
        outputs={"id": resource_id, **outputs},
    )


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (ARM_ID, True),
        (ARM_ID.upper(), True),  # ARM ids are case-insensitive
        (ARM_ID + "/", True),
        (ARM_ID.replace("vm-ehr-1", "vm-ehr-2"), False),
        ("", False),
        (None, False),
    ],
)
def test_arm_references(reference: object, expected: bool) -> None:
    assert refers_to(reference, resource("vm", ARM_ID, name="vm-ehr-1")) is expected


@pytest.mark.parametrize("reference", [SELF_LINK, "projects/p/global/networks/vpc-a", "vpc-a"])
def test_gcp_references_by_self_link_short_id_or_name(reference: str) -> None:
    network = resource("vpc", "projects/p/global/networks/vpc-a", selfLink=SELF_LINK, name="vpc-a")
    assert refers_to(reference, network)
    assert not refers_to("vpc-b", network)


def test_graph_find_resolves_within_the_given_types() -> None:
    vm = resource("vm", ARM_ID, name="vm-ehr-1")
    graph = Graph([vm])
    assert graph.find(ARM_ID, "t:m:R") is vm
    assert graph.find(ARM_ID, "other:type:T") is None
    assert graph.of_type("t:m:R") == [vm]


def test_get_walks_nested_mappings() -> None:
    data = {"properties": {"securitySettings": {"state": "Locked"}}}
    assert get(data, "properties.securitySettings.state") == "Locked"
    assert get(data, "properties.missing.state") is None
    assert get({"properties": "text"}, "properties.state") is None


@pytest.mark.parametrize("prefix", ["*", "Internet", "Any", "0.0.0.0/0", "::/0"])
def test_internet_prefixes(prefix: str) -> None:
    assert is_internet(prefix)


@pytest.mark.parametrize("prefix", ["10.0.0.0/8", "VirtualNetwork", "35.235.240.0/20", None, 5])
def test_non_internet_prefixes(prefix: object) -> None:
    assert not is_internet(prefix)


@given(st.integers(1, 65535), st.integers(1, 65535), st.integers(1, 65535))
def test_port_ranges_include_exactly_their_span(low: int, high: int, port: int) -> None:
    low, high = min(low, high), max(low, high)
    assert port_in(f"{low}-{high}", port) == (low <= port <= high)
    assert port_in(str(port), port) and port_in("*", port)


@given(st.integers(0, 10**9))
def test_durations_read_back(value: int) -> None:
    assert seconds(f"{value}s") == value
    assert iso_days(f"P{value}D") == value


@pytest.mark.parametrize(
    ("text", "days"), [("P1Y", 365), ("P3M", 90), ("P2W", 14), ("P1Y2M3D", 428), ("P", 0)]
)
def test_iso_durations(text: str, days: float) -> None:
    assert iso_days(text) == days


@pytest.mark.parametrize("text", ["90 days", "PD", "P1X", None, "P10"])
def test_unreadable_durations(text: object) -> None:
    assert iso_days(text) is None
    assert seconds(text) is None
