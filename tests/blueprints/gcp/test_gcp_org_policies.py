"""Organization policies are an explicit choice (issue 12, finding 4): setting one on a
project needs roles/orgpolicy.policyAdmin, which Google Cloud grants at organization level
only, so a project-scoped deployer would get 403. The core stack sets the plan's constraints
only when the profile says the deployer holds that role (GCP-ORG-01); otherwise the plan's
decision tells the user what to ask of the organization admin."""

from __future__ import annotations

import pytest

from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.gcp.gcp_runs import practice_run
from tests.blueprints.practice_runs import PracticeRun


def test_no_org_policy_unless_the_profile_says_so(example_run: PracticeRun) -> None:
    # Neither example sets practice.gcp_org_policies.
    assert [r.name for r in example_run.core.of_type(g.ORG_POLICY)] == []


def test_the_plan_tells_the_user_what_to_ask_instead(example_run: PracticeRun) -> None:
    (decision,) = [d for d in example_run.plan.decisions if d.rule == "GCP-ORG-01"]
    assert decision.value == "false"
    for constraint in example_run.plan.monitoring.policy_initiatives:
        assert constraint in decision.reason


@pytest.fixture(scope="module")
def enforcing() -> PracticeRun:
    return practice_run("harbor-org-policies")


def test_a_deployer_with_the_org_role_sets_every_constraint(enforcing: PracticeRun) -> None:
    project = enforcing.plan.practice.gcp_project
    policies = {r.inputs["name"] for r in enforcing.core.of_type(g.ORG_POLICY)}
    assert policies == {
        f"projects/{project}/policies/{constraint}"
        for constraint in enforcing.plan.monitoring.policy_initiatives
    }
