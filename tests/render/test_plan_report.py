"""The plan view: every number printed for the example profiles traces to a decision."""

from __future__ import annotations

import re

import pytest

from generator.plan.model import Plan
from generator.profile import load_profile
from generator.render.plan_report import RULES_COLUMN, plan_tables
from generator.render.tables import Table, plain_text
from generator.sizing import build_plan
from tests.paths import ROOT

PROFILES = sorted((ROOT / "examples").glob("*.yaml")) + sorted(
    p for p in (ROOT / "tests" / "data").glob("*.yaml") if p.stem != "tiny-pool"
)
# An IPv4 address with an optional prefix length, or a standalone number.
ADDRESS = re.compile(r"\d+\.\d+\.\d+\.\d+(?:/\d{1,2}(?![\d.]))?")
NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")


def numbers(text: str) -> set[str]:
    addresses = set(ADDRESS.findall(text))
    return addresses | set(NUMBER.findall(ADDRESS.sub(" ", text)))


def traced(plan: Plan, subjects: tuple[str, ...]) -> set[str]:
    """Every number the decisions about `subjects` state."""
    text = " ".join(f"{d.value} {d.reason}" for d in plan.decisions if d.subject in subjects)
    return numbers(text)


def sized_tables(plan: Plan) -> list[Table]:
    return [
        t for t in plan_tables(plan) if not t.from_profile and not t.title.startswith("Decisions")
    ]


@pytest.fixture(scope="module", params=PROFILES, ids=lambda p: p.stem)
def plan(request: pytest.FixtureRequest) -> Plan:
    return build_plan(load_profile(request.param))[0]


def test_every_sized_row_names_rules_that_exist(plan: Plan) -> None:
    rules = {d.rule for d in plan.decisions}
    for table in sized_tables(plan):
        assert table.columns[-1] == RULES_COLUMN
        for row in table.rows:
            named = row[-1].split()
            assert named, (table.title, row)
            assert set(named) <= rules


def test_every_number_printed_traces_to_a_decision_with_its_reason(plan: Plan) -> None:
    for table in sized_tables(plan):
        assert numbers(table.title) <= traced(plan, table.title_subjects) | {"0"}, table.title
        copied = [table.columns.index(c) for c in table.profile_columns]
        for row, subjects in zip(table.rows, table.subjects, strict=True):
            shown = " ".join(cell for i, cell in enumerate(row[:-1]) if i not in copied)
            missing = numbers(shown) - traced(plan, subjects)
            assert not missing, (table.title, row, missing)


def test_plain_text_prints_every_row_and_the_reasons(plan: Plan) -> None:
    # Wide enough that no cell wraps: every reason appears as one run of text.
    text = plain_text(plan_tables(plan), width=100_000)
    for decision in plan.decisions:
        assert decision.reason in text
    assert "\x1b[" not in text
    assert not re.search(r"\b(None|True|False)\b", text)  # no Python value reaches a reader


# Words a reader must find whole: addresses, resource and rule ids.
WORD = re.compile(r"[\w.:/-]*\d[\w.:/-]*|[A-Z]+-[A-Z]+-\d+")


@pytest.mark.parametrize("width", [80, 120])
def test_text_fits_the_width_and_splits_no_address_or_id(plan: Plan, width: int) -> None:
    text = plain_text(plan_tables(plan), width)
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    words = set(text.split())
    cells = {cell for table in plan_tables(plan) for row in table.rows for cell in row}
    for cell in cells:
        for word in cell.split():
            if WORD.fullmatch(word.strip(",;()")):
                assert word in words, (width, word)


def test_profile_text_prints_literally() -> None:
    from tests.sizing.profiles import make_profile, make_site

    profile = make_profile(make_site("main", name="[bold]Main[/bold]", workstations=5))
    text = plain_text(plan_tables(build_plan(profile)[0]))
    assert "[bold]Main[/bold]" in text
    assert "[NET-BLK-01 NET-IPAM-01]" in text


def test_a_one_site_vpn_gateway_reads_as_english() -> None:
    from tests.sizing.profiles import make_profile, make_site

    profile = make_profile(make_site("main", workstations=5))
    text = plain_text(plan_tables(build_plan(profile)[0]))
    assert ": 1 site, " in text
    assert "1 sites" not in text
