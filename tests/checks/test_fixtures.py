"""Every compliance check and deployability rule against its fixture.

A fixture file `fixtures/<id>.yaml` holds cases, each a list of resources (type, name,
engine-level inputs, optional `protect`, `depends_on`, `stack`), optionally what the program
read from the cloud (`reads`: token and result), and the exact names the logic must flag. A
compliance check has a compliant, an attribute-absent and an insecure case; a deployability
rule an accepted and a rejected one. `checks.resources.build` gives the resources the ids,
state and dependencies a preview would; a fixture's (or a case's) `context` sets plan facts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.checks import CheckContext, all_checks, check
from generator.checks.catalog import violations
from generator.checks.deployability import all_rules, rule, rule_violations
from generator.checks.graph import Graph
from generator.checks.model import Violation
from generator.preview.harness import CloudRead
from tests.checks.resources import build

FIXTURES = Path(__file__).parent / "fixtures"
COMPLIANCE_CASES = ("compliant", "absent", "insecure")
DEPLOYABILITY_CASES = ("accepted", "rejected")
CHECK_IDS = [info.id for info in all_checks()]
RULE_IDS = [info.id for info in all_rules()]


def load(check_id: str) -> dict[str, Any]:
    return yaml.safe_load((FIXTURES / f"{check_id}.yaml").read_text(encoding="utf-8"))


def context_for(cloud: str, fixture: dict[str, Any], case: str) -> CheckContext:
    settings = {
        "log_retention_days": 365,
        **(fixture.get("context") or {}),
        **(fixture[case].get("context") or {}),
    }
    settings["policy_initiatives"] = tuple(settings.get("policy_initiatives", ()))
    return CheckContext(cloud=cloud, **settings)


def found(check_id: str, case: str, graph: Graph, fixture: dict[str, Any]) -> list[Violation]:
    if check_id in RULE_IDS:
        info = rule(check_id)
        return rule_violations(info, graph, context_for(info.cloud, fixture, case))
    compliance = check(check_id)
    return violations(compliance, graph, context_for(compliance.cloud, fixture, case))


def flagged(check_id: str, case: str) -> tuple[set[str], set[str]]:
    fixture = load(check_id)
    resources = build(fixture[case]["resources"])
    reads = [CloudRead(read["token"], read["result"]) for read in fixture[case].get("reads", ())]
    urns = {resource.name: resource.urn for resource in resources}
    flags = {
        violation.resource.urn
        for violation in found(check_id, case, Graph(resources, reads), fixture)
    }
    return flags, {urns[name] for name in fixture[case]["flags"]}


CASES = [(check_id, case) for check_id in CHECK_IDS for case in COMPLIANCE_CASES] + [
    (rule_id, case) for rule_id in RULE_IDS for case in DEPLOYABILITY_CASES
]


@pytest.mark.parametrize(("check_id", "case"), CASES)
def test_logic_flags_exactly_the_fixture_resources(check_id: str, case: str) -> None:
    flags, expected = flagged(check_id, case)
    assert flags == expected


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_fixture_cases_pass_when_compliant_and_fail_when_insecure(check_id: str) -> None:
    fixture = load(check_id)
    assert set(COMPLIANCE_CASES) <= set(fixture)
    assert fixture["compliant"]["flags"] == []
    assert fixture["compliant"]["resources"], "a compliant fixture must contain what it checks"
    assert fixture["insecure"]["flags"], "an insecure fixture must be flagged"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_every_rule_accepts_its_accepted_fixture_and_rejects_its_rejected_one(
    rule_id: str,
) -> None:
    fixture = load(rule_id)
    assert set(DEPLOYABILITY_CASES) <= set(fixture)
    assert fixture["accepted"]["flags"] == []
    assert fixture["accepted"]["resources"], "an accepted fixture must contain what it checks"
    assert fixture["rejected"]["flags"], "a rejected fixture must be flagged"


def test_every_fixture_file_names_a_check_or_rule() -> None:
    assert {path.stem for path in FIXTURES.glob("*.yaml")} == set(CHECK_IDS) | set(RULE_IDS)
