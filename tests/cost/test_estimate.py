"""The cost estimate: what adding a site changes, where every price comes from, determinism."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from generator.cost import CostEstimate, compare, estimate_cost
from generator.cost.prices import load_price_catalog, parse_price_catalog
from generator.errors import PriceCatalogError
from generator.plan.model import Plan
from generator.profile import load_profile
from generator.render.cost_report import cost_json
from generator.sizing import build_plan
from tests.paths import EXAMPLES
from tests.sizing.profiles import make_profile, make_site, with_sites


def changed_core_rules(old: Plan, new: Plan) -> set[str]:
    """The rules whose decision about something outside the sites changed between two plans."""

    def core(plan: Plan) -> set[tuple[str, str, str]]:
        return {
            (d.rule, d.subject, d.value)
            for d in plan.decisions
            if not d.subject.startswith(("sites.", "flows."))
        }

    return {rule for rule, _subject, _value in core(old) ^ core(new)}


def assert_site_added(old: Plan, new: Plan, site_id: str) -> set[str]:
    """Adding `site_id` changes the estimate by that site's lines plus lines whose sizing rule
    changed its decision outside the sites (a bigger gateway, a firewall that now exists), and
    nothing else; returns the rules of those other changes."""
    before, after = estimate_cost(old), estimate_cost(new)
    changes = compare(before, after)
    site_lines = {line.line_id for line in after.lines if line.site == site_id}
    assert site_lines, "the new site has no cost lines"
    assert {c.line_id for c in changes if c.site == site_id} == site_lines
    assert all(c.kind == "added" for c in changes if c.site == site_id)
    assert not [c for c in changes if c.kind == "removed"]
    rules = changed_core_rules(old, new)
    others = [c for c in changes if c.site != site_id]
    for change in others:
        assert change.rule_id in rules, (change.stack, change.line_id, change.rule_id, rules)
    # What reaches the total: a line that loses its price (a new SKU not in the catalog) leaves it.
    for end in ("low", "high"):
        moved = sum(
            (getattr(c.new, end, None) or 0) - (getattr(c.old, end, None) or 0) for c in changes
        )
        assert getattr(after, end) - getattr(before, end) == moved
    return {c.rule_id for c in others if c.rule_id}


def test_adding_a_site_adds_its_lines_and_nothing_else() -> None:
    profile = load_profile(next(p for p in EXAMPLES if p.name == "lakeside-health.yaml"))
    old, ledger = build_plan(profile)
    new_site = make_site("northside", bandwidth=100, workstations=10, phones=4)
    new, _ = build_plan(with_sites(profile, (*profile.sites, new_site)), ledger)
    assert assert_site_added(old, new, "northside") == set()


def test_a_site_that_resizes_the_gateway_changes_that_core_line_by_its_rule() -> None:
    first = make_site("main", bandwidth=600, workstations=20, phones=10)
    profile = make_profile(first)
    old, ledger = build_plan(profile)
    second = make_site("east", bandwidth=600, workstations=20, phones=10)
    new, _ = build_plan(with_sites(profile, (first, second)), ledger)
    assert old.vpn is not None and new.vpn is not None and old.vpn.sku != new.vpn.sku
    assert "VPN-SKU-01" in assert_site_added(old, new, "east")
    gateway = next(
        c for c in compare(estimate_cost(old), estimate_cost(new)) if c.line_id == "vpn-gateway"
    )
    assert (gateway.old.item, gateway.new.item) == (
        f"{old.vpn.sku} VPN gateway",
        f"{new.vpn.sku} VPN gateway",
    )  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def example_estimates() -> list[CostEstimate]:
    return [estimate_cost(build_plan(load_profile(path))[0]) for path in EXAMPLES]


def test_every_priced_line_names_its_source_and_date(example_estimates: list[CostEstimate]) -> None:
    priced = 0
    for estimate in example_estimates:
        sources = {price.price_id: price for price in estimate.prices}
        for line in estimate.lines:
            if line.priced:
                priced += 1
                source = sources[line.price_id]  # type: ignore[index]
                assert source.source.startswith("https://")
                assert len(source.captured) == 10
    assert priced, "no example has a single priced line"


def test_unpriced_lines_carry_their_quantity(example_estimates: list[CostEstimate]) -> None:
    for estimate in example_estimates:
        for line in estimate.unpriced:
            assert line.low is None and line.high is None
            assert line.quantity > 0 and line.unit


def test_unpriced_share_counts_lines_without_a_price(example_estimates: list[CostEstimate]) -> None:
    for estimate in example_estimates:
        assert estimate.unpriced_share == len(estimate.unpriced) / len(estimate.lines)


def test_a_line_is_priced_from_its_region_only() -> None:
    plan = build_plan(make_profile(make_site("main", bandwidth=200)))[0]
    catalog = load_price_catalog("azure")
    elsewhere = parse_price_catalog({**catalog.raw, "regions": []}, "test", "azure")
    moved = replace(plan, practice=replace(plan.practice, region="westus2"))
    assert estimate_cost(plan, prices=elsewhere).low > 0
    assert estimate_cost(moved, prices=elsewhere).low == 0
    assert estimate_cost(moved, prices=elsewhere).prices == ()


def test_a_documented_regional_factor_prices_an_unlisted_region() -> None:
    plan = build_plan(make_profile(make_site("main", bandwidth=200)))[0]
    moved = replace(plan, practice=replace(plan.practice, region="westus2"))
    raw = dict(load_price_catalog("azure").raw)
    raw["regional_factors"] = {"westus2": {"factor": "2", "base": "eastus", "source": "test"}}
    catalog = parse_price_catalog(raw, "test", "azure")
    assert estimate_cost(moved, prices=catalog).low == 2 * estimate_cost(plan, prices=catalog).low
    assert all(
        "x 2 for westus2 (test)" in p.source for p in estimate_cost(moved, prices=catalog).prices
    )


def test_the_same_plan_gives_the_same_estimate_byte_for_byte() -> None:
    path = next(p for p in EXAMPLES if p.name == "lakeside-health.yaml")
    first = cost_json(estimate_cost(build_plan(load_profile(path))[0]))
    second = cost_json(estimate_cost(build_plan(load_profile(path))[0]))
    assert first == second
    assert '"low": "' in first


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (
            {
                "item": "x",
                "unit": "hour",
                "regions": {"eastus": {"price": "1", "captured": "2026-01-01"}},
            },
            "source",
        ),
        (
            {"item": "x", "unit": "hour", "regions": {"eastus": {"price": "1", "source": "s"}}},
            "captured",
        ),
        (
            {
                "item": "x",
                "unit": "hour",
                "regions": {"eastus": {"price": "-1", "source": "s", "captured": "2026-01-01"}},
            },
            "price",
        ),
        (
            {
                "item": "x",
                "unit": "hour",
                "regions": {"eastus": {"price": "1", "source": "s", "captured": "Jan 1"}},
            },
            "captured",
        ),
    ],
)
def test_a_price_without_source_date_or_amount_is_refused(entry: dict, field: str) -> None:
    data = {"cloud": "azure", "currency": "USD", "prices": {"vpn-gateway/X": entry}}
    with pytest.raises(
        PriceCatalogError, match=rf"prices\.vpn-gateway/X\.regions\.eastus.*{field}"
    ):
        parse_price_catalog(data, "prices.yaml", "azure")


def test_the_shipped_catalogs_load() -> None:
    for cloud in ("azure", "gcp"):
        catalog = load_price_catalog(cloud)
        assert catalog.items and catalog.currency == "USD"


def test_cost_command_prints_totals_and_sources(run_cli, tmp_path: Path) -> None:
    path = next(p for p in EXAMPLES if p.name == "lakeside-health.yaml")
    result = run_cli("cost", path, "--stacks-dir", tmp_path)
    assert result.exit_code == 0, result.output
    for heading in ("Per stack", "Per site", "Per service line", "Assumptions", "Prices used"):
        assert heading in result.stdout
    markdown = run_cli("cost", path, "--stacks-dir", tmp_path, "--format", "markdown")
    assert markdown.stdout.startswith("## clinicgen cost: lakeside")
    assert "<details>" in markdown.stdout


def test_cost_command_refuses_a_broken_price_file(run_cli, tmp_path: Path) -> None:
    prices = tmp_path / "prices.yaml"
    prices.write_text("cloud: gcp\ncurrency: USD\n")
    path = next(p for p in EXAMPLES if p.name == "lakeside-health.yaml")
    result = run_cli("cost", path, "--stacks-dir", tmp_path, "--prices", prices)
    assert result.exit_code == 2
    assert f"{prices}: cloud:" in result.stderr
    assert "Traceback" not in result.output


def test_amounts_are_cents() -> None:
    plan = build_plan(make_profile(make_site("main", bandwidth=200)))[0]
    for line in estimate_cost(plan).lines:
        for amount in (line.low, line.high):
            assert amount is None or amount == amount.quantize(Decimal("0.01"))


def test_an_estimate_with_no_cited_price_says_unpriced_not_zero(run_cli, tmp_path: Path) -> None:
    path = next(p for p in EXAMPLES if p.name == "maple-grove.yaml")
    result = run_cli("cost", path, "--stacks-dir", tmp_path)
    assert result.exit_code == 0
    assert "$0.00" not in result.stdout
    assert "unpriced" in result.stdout.splitlines()[3]


def test_subtotals_add_up_to_the_total(example_estimates: list[CostEstimate]) -> None:
    for estimate in example_estimates:
        for subtotals in (estimate.per_stack(), estimate.per_site(), estimate.per_service()):
            assert sum(s.low for s in subtotals) == estimate.low
            assert sum(s.high for s in subtotals) == estimate.high
            assert sum(s.lines for s in subtotals) == len(estimate.lines)
        assert {s.key for s in estimate.per_stack()} == {line.stack for line in estimate.lines}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe", "is not UTF-8 text"),
        (b"a: 1\nb: 2\nb: 3\n", "duplicate key 'b'"),
        (b"cloud: azure\ncurrency: USD\nprices: [1]\n", "prices: must be a mapping"),
    ],
)
def test_a_damaged_price_file_is_refused_naming_it(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "prices.yaml"
    path.write_bytes(content)
    with pytest.raises(PriceCatalogError, match=rf"{path}.*{message}"):
        load_price_catalog("azure", path)


def test_an_unquoted_capture_date_reads_as_the_date(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text(
        "cloud: azure\ncurrency: USD\nprices:\n  x/y:\n    item: x\n    unit: hour\n    regions:\n"
        "      eastus: {price: '1', source: page, captured: 2026-12-03}\n"
    )
    assert load_price_catalog("azure", path).lookup("x/y", "eastus").captured == "2026-12-03"  # type: ignore[union-attr]


def test_a_virtual_wan_practice_counts_its_hub_scale_units_and_connection_units() -> None:
    sites = tuple(make_site(f"s{i:03d}", workstations=4, phones=2) for i in range(101))
    plan = build_plan(make_profile(*sites))[0]
    assert plan.vpn is not None and plan.vpn.virtual_wan is not None
    lines = {(line.site, line.line_id): line for line in estimate_cost(plan).lines}
    units = plan.vpn.virtual_wan.scale_units
    assert lines[(None, "vpn-gateway")].price_id == "virtual-wan/s2s-scale-unit"
    assert lines[(None, "vpn-gateway")].quantity == 730 * units
    assert lines[(None, "virtual-hub")].rule_id == "VPN-VWAN-01"
    assert lines[("s000", "vpn-tunnels")].price_id == "virtual-wan/s2s-connection"
