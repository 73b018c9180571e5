"""The allocation ledger file: deterministic text, exact round trip, clear errors."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import LedgerError
from generator.ipam import (
    Ledger,
    default_ledger_path,
    ledger_text,
    load_ledger,
    load_ledger_if_present,
    parse_ledger,
)
from generator.profile.model import Profile
from generator.sizing import build_plan
from tests.paths import ROOT
from tests.sizing.profiles import make_profile, make_site, profiles

MAPLE = ROOT / "examples" / "maple-grove.yaml"
LAKESIDE = ROOT / "examples" / "lakeside-health.yaml"


@cache
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
    return _edits((change, value))


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
    pooled = data.draw(st.booleans())
    document = yaml.safe_load(_pooled_ledger_text() if pooled else _ledger_text())
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


# A billion values once expanded, as the hostile ledger had; nine levels of ten.
LEDGER_BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]\n" for level in range(1, 9)
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"version: 1\npractice: caf\xe9\n", "is not UTF-8 text (byte 24)"),
        ("a: " + "[" * 3000 + "]" * 3000, "nested more than 32 levels deep"),
        ("version: 1\n" + LEDGER_BOMB + "practice: *a8\n", "expands to more than 200000 values"),
        ("version: 1\nversion: 1\n", "duplicate key 'version'"),
    ],
    ids=["not-utf8", "nested-3000-deep", "alias-bomb", "duplicate-key"],
)
def test_hostile_ledger_files_are_refused_naming_the_file(
    tmp_path: Path, run_cli, content: str | bytes, message: str
) -> None:
    ledger = tmp_path / "x.ledger.yaml"
    if isinstance(content, bytes):
        ledger.write_bytes(content)
    else:
        ledger.write_text(content, encoding="utf-8")
    result = run_cli("plan", MAPLE, "--ledger", ledger)
    assert result.exit_code == 2, result.output
    assert f"{ledger}: " in result.stderr and message in result.stderr, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _edits(*changes: tuple[str, object], ledger: str | None = None) -> str:
    """`ledger` (by default `_ledger_text()`) with each change made; a value of None deletes."""
    data = yaml.safe_load(ledger or _ledger_text())
    for change, value in changes:
        *parents, last = change.split(".")
        node = data
        for key in parents:
            node = node[key]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return yaml.safe_dump(data, sort_keys=False)


def test_azure_priorities_are_unique_per_nsg_and_direction_and_a_bandless_site_is_accepted() -> (
    None
):
    """Azure wants a priority unique in one NSG and direction, not practice-wide: two flows
    in different NSGs may share one, and a site placed after every band was held has none."""
    text = _edits(
        ("sites.main.flows.bastion-to-management", 1000),
        ("sites.west.priority_base", 0),
        ("sites.west.flows", {"clinical-to-apps": 1500}),
    )
    ledger = parse_ledger(text, "stacks/x.ledger.yaml")
    west = ledger.site("west")
    assert west is not None and west.priority_base == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            [("sites.west.priority_base", 1000)],
            "sites.west.priority_base: priority band 1000 is also held by sites.main.priority_base",
        ),
        (
            [("sites.west.priority_base", 1008)],
            "sites.west.priority_base: 1008 does not start a band of 16 rule priorities in 1000-3999",
        ),
        (
            [("sites.west.priority_base", 3992)],
            "sites.west.priority_base: 3992 does not start a band of 16 rule priorities in 1000-3999",
        ),
        (
            [("sites.west.flows", {"clinical-to-apps": 1000})],
            "sites.west.flows.clinical-to-apps: priority 1000 lies outside the site's band 1016-1031",
        ),
        (
            [("sites.main.flows.admin-to-apps", 1000)],
            "sites.main.flows.admin-to-apps: priority 1000 is also held by "
            "sites.main.flows.clinical-to-apps",
        ),
        (
            [("sites.west.priority_base", 0), ("sites.west.flows", {"clinical-to-apps": 1000})],
            "sites.west.flows.clinical-to-apps: priority 1000 is also held by "
            "sites.main.flows.clinical-to-apps",
        ),
        (
            [("sites.west.priority_base", 0), ("sites.west.flows", {"clinical-to-apps": 4000})],
            "sites.west.flows.clinical-to-apps: priority 4000 lies outside rule priorities "
            "1000-3999",
        ),
        (
            [("sites.west.asn", 65001), ("sites.west.bgp", ["169.254.21.4/30"])],
            "sites.west.asn: ASN 65001 is also held by sites.main.asn",
        ),
        (
            [("sites.west.asn", 64512)],
            "sites.west.asn: 64512 is not a site ASN (65001-65499, 64513-65000)",
        ),
        (
            [("sites.main.bgp", ["169.254.21.0/30"]), ("sites.west.bgp", ["169.254.21.0/30"])],
            "sites.main.bgp[0] 169.254.21.0/30 overlaps sites.west.bgp[0] 169.254.21.0/30",
        ),
        (
            [("sites.west.bgp", ["169.254.0.0/30"])],
            "sites.west.bgp[0]: 169.254.0.0/30 is not a /30 in 169.254.21.0/24, 169.254.22.0/24",
        ),
        (
            [("sites.main.segments.voice.vlan", 10)],
            "sites.main.segments.voice.vlan: VLAN 10 is also held by sites.main.segments.clinical.vlan",
        ),
        (
            [("sites.main.segments.voice.vlan", 5000)],
            "sites.main.segments.voice.vlan: VLAN 5000 is not a VLAN id a switch accepts (1-4094)",
        ),
        (
            [("sites.main.segments.voice.vlan", 0)],
            "sites.main.segments.voice.vlan: VLAN 0 is not a VLAN id a switch accepts (1-4094)",
        ),
    ],
)
def test_a_ledger_that_hands_out_a_number_twice_or_out_of_range_is_refused(
    changes: list[tuple[str, object]], message: str
) -> None:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(_edits(*changes), "stacks/x.ledger.yaml")
    assert f"stacks/x.ledger.yaml: {message}" in str(caught.value).splitlines()


def test_a_contradictory_ledger_stops_generate_before_anything_is_written(
    run_cli, tmp_path: Path
) -> None:
    stacks = tmp_path / "stacks"
    assert run_cli("generate", LAKESIDE, "--out", stacks).exit_code == 0
    (ledger,) = stacks.glob("*.ledger.yaml")
    data = yaml.safe_load(ledger.read_text(encoding="utf-8"))
    first, second = list(data["sites"])[:2]
    data["sites"][second]["priority_base"] = data["sites"][first]["priority_base"]
    ledger.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    before = {path: path.read_bytes() for path in stacks.rglob("*") if path.is_file()}
    result = run_cli("generate", LAKESIDE, "--out", stacks)
    assert result.exit_code == 2
    assert (
        f"{ledger}: sites.{second}.priority_base: priority band "
        f"{data['sites'][first]['priority_base']} is also held by sites.{first}.priority_base"
    ) in result.stderr.splitlines()
    assert {path: path.read_bytes() for path in stacks.rglob("*") if path.is_file()} == before


def test_a_google_cloud_sites_router_slot_round_trips_and_a_bad_one_is_named() -> None:
    ledger = build_plan(make_profile(make_site("main", workstations=5), cloud="gcp"))[1]
    text = ledger_text(ledger)
    assert "    router: 0\n" in text and parse_ledger(text, "x") == ledger
    with pytest.raises(LedgerError, match=r"sites\.main\.router: must be a Cloud Router slot"):
        parse_ledger(text.replace("    router: 0\n", "    router: -1\n"), "x")


@cache
def _pooled_ledger_text() -> str:
    """The `_ledger_text` practice planned from a ledger that holds a Virtual WAN hub and no
    site yet: both sites are pooled."""
    profile = make_profile(
        make_site("main", workstations=30, phones=10, guest_wifi_peak=20),
        make_site("west", workstations=5, phones=2, vpn=False),
    )
    placed = build_plan(profile)[1]
    hub = Ledger(
        placed.practice,
        placed.cloud,
        placed.pool,
        dataclasses.replace(placed.core, virtual_hub="10.79.254.0/23"),
    )
    return ledger_text(build_plan(profile, hub)[1])


def test_a_pooled_ledger_round_trips_with_its_pools_and_pool_rule_priorities() -> None:
    text = _pooled_ledger_text()
    ledger = parse_ledger(text, "stacks/x.ledger.yaml")
    assert ledger_text(ledger) == text
    assert all(site.pooled and site.block is None for site in ledger.sites)
    assert {pool.name for pool in ledger.core.segment_pools} >= {"clinical", "voice", "guest"}
    assert [f.flow for f in ledger.core.pool_flows][:1] == ["clinical-to-apps"]
    data = yaml.safe_load(text)
    assert data["sites"]["main"]["pooled"] is True
    assert "block" not in data["sites"]["main"] and "flows" not in data["sites"]["main"]


def _pooled_edits(*changes: tuple[str, object]) -> str:
    return _edits(*changes, ledger=_pooled_ledger_text())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            [("sites.main.segments.clinical.cidr", "10.79.253.0/24")],
            "sites.main.segments.clinical: 10.79.253.0/24 lies outside core.segment_pools.clinical",
        ),
        (
            [("core.segment_pools.voice", None)],
            "sites.main.segments.voice: a pooled site's segment needs core.segment_pools.voice, "
            "which the ledger does not hold",
        ),
        (
            [("sites.main.block", "10.79.0.0/24")],
            "sites.main.block: a pooled site has none",
        ),
        (
            [("core.pool_flows.clinical-to-apps", 1000)],
            "core.pool_flows.clinical-to-apps: priority 1000 lies outside the pools' rule "
            "priorities 500-999",
        ),
        (
            [("core.pool_flows.admin-to-apps", 500)],
            "core.pool_flows.admin-to-apps: priority 500 is also held by "
            "core.pool_flows.clinical-to-apps",
        ),
    ],
)
def test_a_pooled_ledger_that_contradicts_itself_is_refused(
    changes: list[tuple[str, object]], message: str
) -> None:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(_pooled_edits(*changes), "stacks/x.ledger.yaml")
    assert any(
        line.startswith(f"stacks/x.ledger.yaml: {message}")
        for line in str(caught.value).splitlines()
    ), str(caught.value)


def test_pooled_segments_overlapping_each_other_or_a_pool_over_the_hub_are_refused() -> None:
    data = yaml.safe_load(_pooled_ledger_text())
    main = data["sites"]["main"]["segments"]["clinical"]["cidr"]
    overlap = _pooled_edits(("sites.west.segments.clinical.cidr", main))
    with pytest.raises(LedgerError, match=r"sites\.\w+\.segments\.clinical .* overlaps sites\.\w+"):
        parse_ledger(overlap, "x.ledger.yaml")
    over_hub = _pooled_edits(("core.segment_pools.payment", data["core"]["block"]))
    with pytest.raises(
        LedgerError,
        match=r"overlaps core\.segment_pools\.payment|core\.segment_pools\.payment .* overlaps",
    ):
        parse_ledger(over_hub, "x.ledger.yaml")
