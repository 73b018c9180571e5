"""The context every Google Cloud component shares, and that the platform facts it reads are
the plan's, not the catalog's."""

from __future__ import annotations

import dataclasses

import pytest

from blueprints.gcp.context import gcp_context
from generator.preview.runner import run_core
from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.gcp.gcp_runs import practice_run


def test_the_context_carries_the_practices_project_region_labels_and_facts() -> None:
    core = practice_run("harbor").core_plan
    practice = dataclasses.replace(core.practice, tags={"Cost Center": "Clinic #4"})
    context = gcp_context(practice, core.platform)
    assert (context.practice_id, context.project, context.location) == (
        practice.id,
        practice.gcp_project,
        practice.region,
    )
    # As written, never respelt: validation holds tags to the label rules, and a label the
    # blueprint rewrote would contradict it (CG-GCP-DEP-010 flags what slips through).
    assert context.tags == {
        "Cost Center": "Clinic #4",
        "managed-by": "clinicgen",
        "practice": practice.id,
    }
    assert context.facts("kms") == core.platform.section("kms")


def test_a_practice_without_a_project_is_refused() -> None:
    core = practice_run("harbor").core_plan
    with pytest.raises(ValueError, match="no gcp_project"):
        gcp_context(dataclasses.replace(core.practice, gcp_project=None), core.platform)


def test_components_build_with_the_plans_facts() -> None:
    core = practice_run("harbor").core_plan
    sections = dict(core.platform.sections)
    sections["telehealth"] = {**sections["telehealth"], "vpc_egress": "ALL_TRAFFIC"}
    platform = dataclasses.replace(core.platform, sections=sections)
    run = run_core(dataclasses.replace(core, platform=platform))
    (service,) = run.of_type(g.CLOUD_RUN)
    assert service.inputs["template"]["vpcAccess"]["egress"] == "ALL_TRAFFIC"
