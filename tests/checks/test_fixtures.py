"""Every check against its compliant, attribute-absent and insecure fixture.

A fixture file `fixtures/<check id>.yaml` holds three cases, each a list of resources (type,
name, engine-level inputs, optional `protect`) and the exact names the check must flag;
`checks.resources.build` gives them the ids and state a preview would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.checks import CheckContext, all_checks, check
from generator.checks.catalog import violations
from generator.checks.graph import Graph
from tests.checks.resources import build, urn

FIXTURES = Path(__file__).parent / "fixtures"
CASES = ("compliant", "absent", "insecure")


def load(check_id: str) -> dict[str, Any]:
    return yaml.safe_load((FIXTURES / f"{check_id}.yaml").read_text(encoding="utf-8"))


def context_for(check_id: str, fixture: dict[str, Any]) -> CheckContext:
    settings = {"log_retention_days": 365, **(fixture.get("context") or {})}
    settings["policy_initiatives"] = tuple(settings.get("policy_initiatives", ()))
    return CheckContext(cloud=check(check_id).cloud, **settings)


def flagged(check_id: str, case: str) -> tuple[set[str], set[str]]:
    fixture = load(check_id)
    resources = build(fixture[case]["resources"])
    info = check(check_id)
    found = {
        v.resource.urn for v in violations(info, Graph(resources), context_for(check_id, fixture))
    }
    types = {r.name: r.type for r in resources}
    expected = {urn(types[name], name) for name in fixture[case]["flags"]}
    return found, expected


CHECK_IDS = [info.id for info in all_checks()]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_check_flags_exactly_the_fixture_resources(check_id: str, case: str) -> None:
    found, expected = flagged(check_id, case)
    assert found == expected


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_fixture_cases_pass_when_compliant_and_fail_when_insecure(check_id: str) -> None:
    fixture = load(check_id)
    assert set(CASES) <= set(fixture)
    assert fixture["compliant"]["flags"] == []
    assert fixture["compliant"]["resources"], "a compliant fixture must contain what it checks"
    assert fixture["insecure"]["flags"], "an insecure fixture must be flagged"


def test_every_fixture_file_names_a_check() -> None:
    assert {path.stem for path in FIXTURES.glob("*.yaml")} == set(CHECK_IDS)
