"""The generated pack as the Pulumi CLI runs it: its own entry in a process of its own,
analysing an example practice's stacks over gRPC. Every value known, it reports exactly what
`clinicgen check` does (no unwaived failure, each waived finding as advisory with its reason)
and fails an insecure stack with the mandatory level; as a first preview sends the stacks, it
fails nothing that clinicgen passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import generate_project, preview_profile
from generator.policy.validators import NOTES_POLICY
from generator.preview.sources import PracticePreview
from tests.checks.resources import build
from tests.checks.test_fixtures import load
from tests.paths import ROOT
from tests.policy.served import diagnostics, first_preview_request, served, stack_request

HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"


@pytest.fixture(scope="module")
def harbor(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PracticePreview]:
    project = tmp_path_factory.mktemp("harbor")
    generate_project(HARBOR, project)
    return project / "policy", preview_profile(HARBOR)


def test_known_stacks_get_clinicgen_checks_verdict(harbor: tuple[Path, PracticePreview]) -> None:
    pack, preview = harbor
    assert not preview.compliance.failures and not preview.deployability.findings
    reported = []
    with served(pack) as stub:
        for run in preview.runs:
            reported += diagnostics(stub, stack_request(run.resources))
    assert [d for d in reported if d[1] == "MANDATORY"] == []
    assert preview.compliance.waived, "the example waives a check: the pack must show it"
    notes = {(urn, message) for policy, level, urn, message in reported if level == "ADVISORY"}
    assert {policy for policy, *_ in reported} == {NOTES_POLICY}
    assert {urn for urn, _ in notes} == {f.urn for f in preview.compliance.waived}
    for finding in preview.compliance.waived:
        assert any(
            urn == finding.urn and f"{finding.check}: waived ({finding.waiver_reason})" in message
            for urn, message in notes
        )


def test_an_insecure_stack_fails_with_the_mandatory_level(
    harbor: tuple[Path, PracticePreview],
) -> None:
    pack, _ = harbor
    fixture = load("CG-GCP-NET-001")
    resources = build(fixture["insecure"]["resources"])
    with served(pack) as stub:
        reported = diagnostics(stub, stack_request(resources))
    flagged = {urn for policy, level, urn, _ in reported if policy == "CG-GCP-NET-001"}
    assert {level for policy, level, _, _ in reported if policy == "CG-GCP-NET-001"} == {
        "MANDATORY"
    }
    assert flagged == {r.urn for r in resources if r.name in fixture["insecure"]["flags"]}


def test_a_first_preview_fails_nothing_clinicgen_passes(
    harbor: tuple[Path, PracticePreview],
) -> None:
    pack, preview = harbor
    reported = []
    with served(pack) as stub:
        for run in preview.runs:
            reported += diagnostics(stub, first_preview_request(run.resources))
    assert [d for d in reported if d[1] == "MANDATORY"] == []
    noted = {urn for policy, _, urn, _ in reported if policy == NOTES_POLICY}
    assert {f.urn for f in preview.compliance.waived} <= noted
