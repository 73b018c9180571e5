"""Rendering: short type names, compact values, key properties, the component tree."""

from __future__ import annotations

import pytest

from generator.preview.harness import RegisteredResource, StackRun
from generator.preview.report import _render_stack, key_properties, plain, short_type, show

STACK_URN = "urn:pulumi:p-core::clinicgen::pulumi:pulumi:Stack::clinicgen-p-core"


@pytest.mark.parametrize(
    ("token", "short"),
    [
        ("azure-native:network:Subnet", "network:Subnet"),
        ("gcp:compute/firewall:Firewall", "compute:Firewall"),
        ("clinicgen:azure:CoreNetwork", "CoreNetwork"),
        ("random:index/randomPassword:RandomPassword", "random:RandomPassword"),
    ],
)
def test_short_type_names(token: str, short: str) -> None:
    assert short_type(token) == short


def test_whole_numbers_read_as_integers_and_values_wrap_between_items() -> None:
    assert plain({"priority": 100.0, "ratio": 0.5, "ports": [22.0]}) == {
        "priority": 100,
        "ratio": 0.5,
        "ports": [22],
    }
    assert show(["443", "8883"]) == "443, 8883"
    assert show(True) == "true"
    assert show({"b": 1, "a": 2.0}) == '{"a": 2, "b": 1}'


def resource(
    type_token: str, name: str, parent: str, *, custom: bool = True, **inputs
) -> RegisteredResource:
    urn = f"urn:pulumi:p-core::clinicgen::{type_token}::{name}"
    return RegisteredResource(urn, type_token, name, parent, custom, False, inputs)


def test_key_properties_are_the_catalogs_for_the_type() -> None:
    subnet = resource(
        "azure-native:network:Subnet",
        "apps",
        STACK_URN,
        addressPrefix="10.0.1.0/24",
        subnetName="x",
    )
    assert key_properties(subnet) == [("addressPrefix", "10.0.1.0/24")]


def test_resources_are_listed_under_their_components_grouped_by_type() -> None:
    component = resource("clinicgen:azure:CoreNetwork", "net", STACK_URN, custom=False)
    parent = component.urn
    run = StackRun(
        "p-core",
        [
            component,
            resource(
                "azure-native:network:Subnet", "b-subnet", parent, addressPrefix="10.0.2.0/24"
            ),
            resource("azure-native:network:NetworkSecurityGroup", "nsg", parent),
            resource(
                "azure-native:network:Subnet", "a-subnet", parent, addressPrefix="10.0.1.0/24"
            ),
        ],
    )
    lines = _render_stack(run, 120)
    assert lines[0] == "== p-core: 3 resources in 1 component =="
    tree = lines[lines.index("Resources by component (* protected from deletion):") + 1 :]
    assert tree[0] == "  CoreNetwork net"
    assert [line.split()[1] for line in tree[1:]] == ["nsg", "b-subnet", "a-subnet"]
    assert tree[2].endswith("addressPrefix=10.0.2.0/24")


def test_secrets_never_reach_a_report() -> None:
    wrapped = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
    inputs = {
        "sharedKey": {**wrapped, "value": "hunter2"},
        "osProfile": {**wrapped, "value": {"adminPassword": "p4ss"}},
    }
    assert plain(inputs) == {"sharedKey": "<secret>", "osProfile": "<secret>"}
    assert "hunter2" not in show(inputs) and "p4ss" not in show(inputs)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (
            "/subscriptions/00000000-0000-4000-8000-000000000000/providers/"
            "Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7",
            "Network Contributor",
        ),
        (
            "/providers/Microsoft.Authorization/policySetDefinitions/"
            "a169a624-5599-4385-a696-c8d643089fab",
            "HITRUST/HIPAA",
        ),
        ("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader"),
        ("6f1c2a9e-0b7d-4c1e-9a55-2f3e4d5c6b7a", "6f1c2a9e-0b7d-4c1e-9a55-2f3e4d5c6b7a"),
    ],
)
def test_built_in_roles_and_initiatives_read_by_name(value: str, name: str) -> None:
    assert show(value) == name


def test_a_long_row_wraps_between_inputs_never_inside_one() -> None:
    rule = resource(
        "azure-native:network:SecurityRule",
        "p-site-main-clinical-to-apps",
        STACK_URN,
        direction="Inbound",
        access="Allow",
        priority=1000.0,
        protocol="Tcp",
        sourceAddressPrefixes=["10.65.16.0/24", "10.65.17.0/24", "10.65.20.128/28"],
        destinationAddressPrefix="10.65.0.128/26",
        destinationPortRanges=["104", "11112", "2762"],
    )
    lines = _render_stack(StackRun("p-core", [rule]), 80)
    assert all(len(line) <= 80 for line in lines)
    text = " ".join(lines)
    for word in ("10.65.17.0/24,", "10.65.20.128/28", "destinationAddressPrefix=10.65.0.128/26"):
        assert word in text.split()
