"""Monitoring rules: log retention meets the 6-year rule; initiatives and threat protection."""

from __future__ import annotations

from generator.sizing import monitoring

SIX_YEARS_DAYS = 6 * 365


def test_logs_are_kept_six_years_with_a_year_interactive() -> None:
    interactive, total = monitoring.log_retention().value
    assert interactive >= 365
    assert total >= SIX_YEARS_DAYS


def test_azure_hipaa_and_hitrust_share_one_initiative() -> None:
    sized = monitoring.policy_initiatives("azure", ("hipaa", "hitrust"))
    assert sized.value == ("a169a624-5599-4385-a696-c8d643089fab",)
    # The reason names the initiative as people know it; the value keeps the id.
    assert sized.decision.reason == "hipaa, hitrust -> 1 assignment: HITRUST/HIPAA"


def test_regimes_without_a_built_in_are_named() -> None:
    sized = monitoring.policy_initiatives("azure", ("gdpr",))
    assert sized.value == ()
    assert "no built-in for gdpr" in sized.decision.reason


def test_gcp_hipaa_sets_org_policy_constraints() -> None:
    assert "compute.requireOsLogin" in monitoring.policy_initiatives("gcp", ("hipaa",)).value


def test_defender_plans_follow_what_is_deployed() -> None:
    assert "VirtualMachines" not in monitoring.defender_plans("azure", False, False).value
    both = monitoring.defender_plans("azure", True, True).value
    assert {"VirtualMachines", "AppServices", "KeyVaults"} <= set(both)
    assert monitoring.defender_plans("gcp", True, True).value == ()
