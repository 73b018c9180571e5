"""Values unknown until deployment: a reference resolves through the URNs it was computed from;
any other use that could decide a verdict is recorded, so it is reported as undecided."""

from __future__ import annotations

import pytest

from generator.checks.graph import Graph, PlainResource, get, items, refers_to
from generator.checks.unknown import Unknown, watching

NSG = "azure-native:network:NetworkSecurityGroup"


def _resource(logical: str, kind: str = NSG, **inputs: object) -> PlainResource:
    return PlainResource(
        urn=f"urn:pulumi:s::p::{kind}::{logical}",
        type=kind,
        name=logical,
        protect=False,
        inputs=dict(inputs),
        id="",
        outputs=dict(inputs),
        dependencies=(),
    )


def test_a_comparison_its_text_and_its_length_are_recorded_uses() -> None:
    value = Unknown("urn:owner", "minimumTlsVersion")
    with watching() as uses:
        assert value != "TLS1_2"
        assert str(value).lower() != "tls1_2"
        assert len(value) > 0
    # str() hands back plain text: its lower() is no further use.
    assert uses == [value, value, value]


def test_presence_is_not_a_use_and_outside_watching_nothing_is_recorded() -> None:
    value = Unknown("urn:owner", "networkSecurityGroup.id")
    with watching() as uses:
        assert value
    assert uses == []
    assert value == value  # no watcher: nothing to record into, and no failure


def test_a_number_from_an_unknown_is_a_use_that_cannot_be_read() -> None:
    value = Unknown("urn:owner", "priority")
    with (
        watching() as uses,
        pytest.raises(ValueError, match="priority is unknown until deployed"),
    ):
        float(value)
    assert uses == [value]


def test_a_member_of_an_unknown_object_is_that_unknown_and_an_unknown_list_is_a_use() -> None:
    value = Unknown("urn:owner", "networkSecurityGroup")
    assert get({"networkSecurityGroup": value}, "networkSecurityGroup.id") is value
    with watching() as uses:
        assert items(value) == []
    assert uses == [value]


def test_a_reference_resolves_to_the_one_resource_of_the_type_it_was_computed_from() -> None:
    nsg, other = _resource("nsg"), _resource("rg", kind="azure-native:resources:ResourceGroup")
    graph = Graph([nsg, other])
    reference = Unknown("urn:subnet", "networkSecurityGroup.id", (nsg.urn, other.urn))
    with watching() as uses:
        assert graph.find(reference, NSG) is nsg
    assert uses == []


def test_an_ambiguous_or_unresolved_reference_is_a_use() -> None:
    first, second = _resource("nsg-a"), _resource("nsg-b")
    graph = Graph([first, second])
    ambiguous = Unknown("urn:subnet", "networkSecurityGroup.id", (first.urn, second.urn))
    unresolved = Unknown("urn:subnet", "networkSecurityGroup.id")
    with watching() as uses:
        assert graph.find(ambiguous, NSG) is None
        assert graph.find(unresolved, NSG) is None
        assert refers_to(ambiguous, first)
        assert not refers_to(unresolved, first)
    assert uses == [ambiguous, unresolved, ambiguous]


def test_an_unknown_identity_matches_no_known_reference() -> None:
    nsg = _resource("nsg", name=Unknown("urn:nsg", "name"))
    with watching() as uses:
        assert not refers_to("nsg", nsg)
    assert uses == []


def test_a_finding_shows_the_property_an_unknown_stands_for() -> None:
    assert repr(Unknown("urn:owner", "name")) == "<name: unknown until deployed>"
