"""The allocation ledger file: deterministic text, exact round trip, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import LedgerError
from generator.ipam import (
    default_ledger_path,
    ledger_text,
    load_ledger,
    load_ledger_if_present,
    parse_ledger,
)
from generator.profile.model import Profile
from generator.sizing import build_plan
from tests.sizing.profiles import make_profile, make_site, profiles


def _ledger_text() -> str:
    profile = make_profile(
        make_site("main", workstations=30, phones=10, guest_wifi_peak=20),
        make_site("west", workstations=5, phones=2, vpn=False),
    )
    return ledger_text(build_plan(profile)[1])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_ledger_text_round_trips_exactly(profile: Profile) -> None:
    _plan, ledger = build_plan(profile)
    text = ledger_text(ledger)
    assert parse_ledger(text, "x") == ledger
    assert ledger_text(parse_ledger(text, "x")) == text


def test_ledger_holds_ids_and_numbers_only() -> None:
    profile = make_profile(make_site("main", name="Dr. Smith's <Clinic>", workstations=3))
    text = ledger_text(build_plan(profile)[1])
    assert "Smith" not in text and "Test Practice" not in text


def test_default_location_and_missing_file(tmp_path: Path) -> None:
    path = default_ledger_path(tmp_path / "stacks", "riverside")
    assert path == tmp_path / "stacks" / "riverside.ledger.yaml"
    assert load_ledger_if_present(path) is None
    path.parent.mkdir()
    path.write_text(_ledger_text(), encoding="utf-8")
    assert load_ledger_if_present(path) == load_ledger(path)


def _edited(change: str, value: object) -> str:
    data = yaml.safe_load(_ledger_text())
    node = data
    *parents, last = change.split(".")
    for key in parents:
        node = node[key]
    node[last] = value
    return yaml.safe_dump(data, sort_keys=False)


@pytest.mark.parametrize(
    ("change", "value", "message"),
    [
        ("version", 2, "version: must be 1"),
        ("core.block", "10.64.0.1/22", "core.block: must be an IPv4 network"),
        ("sites.main.status", "gone", "sites.main.status: must be one of active, retired"),
        ("sites.main.priority_base", "high", "sites.main.priority_base: must be an integer"),
        ("sites.main.segments.clinical.vlan", None, "segments.clinical.vlan: must be an integer"),
        ("sites.main.segments.clinical.active", "yes", "clinical.active: must be true or false"),
        ("sites.main.flows", ["a"], "sites.main.flows: must be a mapping"),
        ("practice", "", "practice: must be a non-empty string"),
    ],
)
def test_bad_fields_name_the_file_and_field(change: str, value: object, message: str) -> None:
    with pytest.raises(LedgerError, match=message) as caught:
        parse_ledger(_edited(change, value), "stacks/x.ledger.yaml")
    assert str(caught.value).startswith("stacks/x.ledger.yaml: ")


def test_overlapping_ranges_in_a_hand_edited_ledger_are_rejected() -> None:
    data = yaml.safe_load(_ledger_text())
    data["sites"]["west"]["block"] = data["sites"]["main"]["block"]
    with pytest.raises(LedgerError, match=r"sites\.main\.block .* overlaps sites\.west\.block"):
        parse_ledger(yaml.safe_dump(data, sort_keys=False), "x")


def test_segment_outside_its_block_is_rejected() -> None:
    data = yaml.safe_load(_ledger_text())
    data["sites"]["main"]["segments"]["clinical"]["cidr"] = "172.16.0.0/24"
    with pytest.raises(LedgerError, match=r"lies outside sites\.main's block"):
        parse_ledger(yaml.safe_dump(data, sort_keys=False), "x")


@pytest.mark.parametrize(
    ("text", "message"),
    [("sites: [", "line 1, column"), ("- a list\n", "must be a YAML mapping")],
)
def test_unreadable_ledgers(text: str, message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        parse_ledger(text, "x")


def _leaves(node: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(node, dict):
        return [path] + [p for k, v in node.items() for p in _leaves(v, (*path, k))]
    if isinstance(node, list):
        return [path] + [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))]
    return [path]


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.text(max_size=12),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["10.0.0.0/8", "300.1.1.1/24", "10.64.0.0/33", "active", "retired"]),
)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_hand_edit_is_read_or_refused_with_a_ledger_error(data: st.DataObject) -> None:
    document = yaml.safe_load(_ledger_text())
    path = data.draw(st.sampled_from(_leaves(document)))
    junk = data.draw(JUNK)
    if path:
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = junk
    else:
        document = junk
    try:
        ledger = parse_ledger(yaml.safe_dump(document, sort_keys=False), "x")
    except LedgerError as err:
        assert str(err).startswith("x: ")
        return
    assert parse_ledger(ledger_text(ledger), "x") == ledger


def test_a_google_cloud_sites_router_slot_round_trips_and_a_bad_one_is_named() -> None:
    ledger = build_plan(make_profile(make_site("main", workstations=5), cloud="gcp"))[1]
    text = ledger_text(ledger)
    assert "    router: 0\n" in text and parse_ledger(text, "x") == ledger
    with pytest.raises(LedgerError, match=r"sites\.main\.router: must be a Cloud Router slot"):
        parse_ledger(text.replace("    router: 0\n", "    router: -1\n"), "x")
