"""The policy pack's validators give `clinicgen check`'s verdicts on every check's and rule's
fixtures (tests/checks/fixtures), generated from the registry so that no check is left out:
exactly the same resources when every value is known, and, when a first preview leaves
references and computed outputs unknown, never a pass where the check fails and never a
failure where it passes (an undecided verdict is an advisory note)."""

from __future__ import annotations

from typing import Any

import pytest

from generator.checks import all_checks, check
from generator.checks.catalog import violations
from generator.checks.deployability import all_rules, rule, rule_violations
from generator.checks.graph import Graph
from generator.checks.model import CheckContext
from generator.policy.resources import stack_resources
from generator.policy.settings import PackSettings
from generator.policy.validators import (
    ADVISORY,
    MANDATORY,
    PackPolicy,
    Verdict,
    excluded_rules,
    judge,
    pack_policies,
)
from generator.profile.model import Waiver
from tests.checks.resources import build
from tests.checks.test_fixtures import (
    COMPLIANCE_CASES,
    DEPLOYABILITY_CASES,
    context_for,
    load,
)
from tests.policy.engine import engine_resources

POLICIES = {policy.id: policy for cloud in ("azure", "gcp") for policy in pack_policies(cloud)}
CASES = [
    (policy_id, case)
    for policy_id, policy in sorted(POLICIES.items())
    for case in (COMPLIANCE_CASES if policy.waivable else DEPLOYABILITY_CASES)
]


def _clinicgen_flags(policy_id: str, case: str, fixture: dict[str, Any]) -> set[str]:
    """What `clinicgen check` flags: the check's logic over the recorded fixture."""
    resources = build(fixture[case]["resources"])
    if policy_id in {info.id for info in all_rules()}:
        info = rule(policy_id)
        found = rule_violations(info, Graph(resources), context_for(info.cloud, fixture, case))
    else:
        compliance = check(policy_id)
        found = violations(
            compliance, Graph(resources), context_for(compliance.cloud, fixture, case)
        )
    return {violation.resource.urn for violation in found}


def _settings(policy: PackPolicy, fixture: dict[str, Any], case: str) -> PackSettings:
    cloud = "azure" if policy.id.startswith("CG-AZ-") else "gcp"
    return PackSettings(practice_id="fixture", context=context_for(cloud, fixture, case))


def _verdicts(policy_id: str, case: str, *, unknown: bool) -> tuple[Verdict, set[str]]:
    """The pack's verdict on the fixture case as the engine hands it over, and clinicgen's."""
    fixture = load(policy_id)
    policy = POLICIES[policy_id]
    engine = engine_resources(fixture[case]["resources"], unknown=unknown)
    verdict = judge(policy, stack_resources(engine), _settings(policy, fixture, case))
    return verdict, _clinicgen_flags(policy_id, case, fixture)


@pytest.mark.parametrize(("policy_id", "case"), CASES)
def test_known_values_give_exactly_clinicgen_checks_verdict(policy_id: str, case: str) -> None:
    verdict, expected = _verdicts(policy_id, case, unknown=False)
    assert {note.urn for note in verdict.failures} == expected
    assert verdict.notes == ()


@pytest.mark.parametrize(("policy_id", "case"), CASES)
def test_unknown_values_never_pass_a_failure_nor_fail_a_pass(policy_id: str, case: str) -> None:
    verdict, expected = _verdicts(policy_id, case, unknown=True)
    failed = {note.urn for note in verdict.failures}
    undecided = {note.urn for note in verdict.notes}
    assert failed <= expected, "a failure clinicgen check does not report"
    # A note on the stack (no URN) leaves every resource undecided.
    assert None in undecided or expected <= failed | undecided, "a failure let pass"


def test_every_check_and_rule_is_a_policy_or_excluded_with_a_reason() -> None:
    for cloud in ("azure", "gcp"):
        ids = {policy.id for policy in pack_policies(cloud)}
        excluded = {info.id for info in excluded_rules(cloud)}
        everything = {info.id for info in all_checks() + all_rules() if info.cloud == cloud}
        assert ids | excluded == everything
        assert not ids & excluded
        assert all(info.reads_cloud for info in excluded_rules(cloud))


def test_rules_whose_fixtures_read_the_cloud_are_the_excluded_ones() -> None:
    reading = {
        info.id
        for info in all_rules()
        if any(load(info.id)[case].get("reads") for case in DEPLOYABILITY_CASES)
    }
    assert reading == {info.id for cloud in ("azure", "gcp") for info in excluded_rules(cloud)}


def test_enforcement_follows_severity_and_rules_are_mandatory() -> None:
    for info in all_checks():
        expected = MANDATORY if info.severity in ("critical", "high") else ADVISORY
        assert POLICIES[info.id].enforcement == expected
    for info in all_rules():
        if not info.reads_cloud:
            assert POLICIES[info.id].enforcement == MANDATORY
            assert not POLICIES[info.id].waivable


def _insecure(policy_id: str) -> tuple[PackPolicy, list[Any], dict[str, Any]]:
    fixture = load(policy_id)
    engine = engine_resources(fixture["insecure"]["resources"], unknown=False)
    return POLICIES[policy_id], stack_resources(engine), fixture


def test_a_waived_finding_is_an_advisory_note_with_its_reason() -> None:
    policy, resources, fixture = _insecure("CG-AZ-NET-001")
    waived, *others = fixture["insecure"]["flags"]
    settings = PackSettings(
        practice_id="fixture",
        context=CheckContext(cloud="azure", log_retention_days=365),
        waivers=(Waiver(check="CG-AZ-NET-001", reason="vendor jump host", resource=waived),),
    )
    verdict = judge(policy, resources, settings)
    assert [note.urn.rsplit("::", 1)[1] for note in verdict.failures] == others
    (note,) = verdict.notes
    assert note.urn.endswith(f"::{waived}")
    assert note.message.startswith("waived (vendor jump host): ")


def test_a_waiver_of_another_check_waives_nothing() -> None:
    policy, resources, fixture = _insecure("CG-AZ-NET-001")
    settings = PackSettings(
        practice_id="fixture",
        context=CheckContext(cloud="azure", log_retention_days=365),
        waivers=(Waiver(check="CG-AZ-NET-002", reason="not this one"),),
    )
    verdict = judge(policy, resources, settings)
    assert len(verdict.failures) == len(fixture["insecure"]["flags"])
    assert verdict.notes == ()


def test_a_site_stack_analysed_alone_needs_no_api_service_from_the_core_it_cannot_see() -> None:
    """The policy engine shows a site stack without the core, which enables the APIs and
    deploys first; `clinicgen check`, seeing both, still flags a core resource without one."""
    fixture = load("CG-GCP-DEP-001")
    entries = fixture["accepted"]["resources"]
    site = [entry for entry in entries if entry.get("stack") == "fixture-site-a"]
    assert site, "the fixture has a site stack resource"
    policy = POLICIES["CG-GCP-DEP-001"]
    settings = _settings(policy, fixture, "accepted")
    alone = judge(policy, stack_resources(engine_resources(site, unknown=False)), settings)
    assert alone == Verdict()
    core_only = [entry for entry in fixture["rejected"]["resources"] if entry["name"] == "vpc"]
    assert judge(
        policy, stack_resources(engine_resources(core_only, unknown=False)), settings
    ).failures


# The rejected cases of rules that read the name the provider returns (the `name` output, unknown
# in a first preview) besides the resource they flag: their failure stands, and the resources
# whose names they read get undecided notes.
READS_COMPUTED_NAMES = {
    ("CG-AZ-DEP-001", "rejected"),
    ("CG-AZ-DEP-012", "rejected"),
    ("CG-AZ-DEP-013", "rejected"),
    ("CG-AZ-DEP-019", "rejected"),
    ("CG-AZ-DEP-021", "rejected"),
    ("CG-AZ-DEP-022", "rejected"),
    ("CG-AZ-DEP-029", "rejected"),
}


def test_references_unknown_in_a_first_preview_resolve_through_property_dependencies() -> None:
    """Every other case gives exactly clinicgen's verdict with no note, although every id,
    self link and principal in it is unknown."""
    inexact = set()
    for policy_id, case in CASES:
        verdict, expected = _verdicts(policy_id, case, unknown=True)
        if {note.urn for note in verdict.failures} != expected or verdict.notes:
            inexact.add((policy_id, case))
    assert inexact == READS_COMPUTED_NAMES
