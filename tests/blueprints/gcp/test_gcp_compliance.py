"""The compliance checks (`generator.checks`) find nothing to fault in the GCP stacks: the
blueprints and the checks agree on what a compliant practice looks like."""

from __future__ import annotations

import pytest

from generator.checks import CheckContext, evaluate
from tests.blueprints.gcp.gcp_runs import practice_run


@pytest.mark.parametrize(
    "name",
    [
        "harbor",
        "brightsmile",
        "harbor-hosted",
        "harbor-no-dr",
        "harbor-recorded",
        "harbor-org-policies",
        "harbor-small-telehealth",
    ],
)
def test_gcp_practices_pass_every_compliance_check(name: str) -> None:
    run = practice_run(name)
    # The profile's waivers apply, as `clinicgen check` applies them.
    report = evaluate(
        list(run.all_resources()), CheckContext.from_core_plan(run.core_plan), run.profile.waivers
    )
    assert [(f.check, f.resource) for f in report.failures] == []
