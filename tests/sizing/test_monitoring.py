"""Monitoring rules: log retention meets the 6-year rule; initiatives and threat protection."""

from __future__ import annotations

import pytest

from generator.errors import PlanError
from generator.sizing import monitoring

SIX_YEARS_DAYS = 6 * 365


def test_logs_are_kept_six_years_with_a_year_interactive() -> None:
    interactive, total = monitoring.log_retention().value
    assert interactive >= 365
    assert total >= SIX_YEARS_DAYS


HIPAA_HITRUST_9_2 = "a169a624-5599-4385-a696-c8d643089fab"
HITRUST_CSF_11_3 = "e0d47b75-5d99-442a-9d60-07f2595ab095"


def test_azure_hitrust_assigns_the_current_hitrust_csf_initiative() -> None:
    assert monitoring.policy_initiatives("azure", ("hitrust",)).value == (HITRUST_CSF_11_3,)
    both = monitoring.policy_initiatives("azure", ("hipaa", "hitrust")).value
    assert both == (HIPAA_HITRUST_9_2, HITRUST_CSF_11_3)
    assert monitoring.policy_initiatives("azure", ("hipaa",)).value == (HIPAA_HITRUST_9_2,)


def test_an_initiative_is_named_as_people_know_it() -> None:
    sized = monitoring.policy_initiatives("azure", ("hipaa", "hitrust"))
    # The reason names each initiative; the value keeps the ids.
    assert sized.decision.reason == (
        "hipaa, hitrust -> 2 assignments: HITRUST/HIPAA, HITRUST CSF v11.3"
    )


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


def test_dutch_practices_keep_logs_at_least_the_nen_7513_five_years() -> None:
    for sized in (
        monitoring.log_retention(jurisdiction="NL"),
        monitoring.log_retention(jurisdiction="US-CA", compliance=("nen7510",)),
    ):
        assert sized.value[1] >= 5 * 365 + 2
        assert "meets NL log rule 5 years" in sized.decision.reason
    assert "log rule" not in monitoring.log_retention(jurisdiction="US-CA").decision.reason


def test_a_log_rule_longer_than_the_total_is_a_plan_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seven_years = {"log_years": 7}  # 2557 days: more than the 2191-day total
    monkeypatch.setattr(monitoring, "jurisdiction_rules", lambda _where: ("NL", seven_years))
    with pytest.raises(PlanError, match="NL keeps logs 7 years"):
        monitoring.log_retention(jurisdiction="NL")
