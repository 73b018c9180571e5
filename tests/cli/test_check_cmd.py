"""`clinicgen check`: findings with ids, resources, properties and fixes; waivers; the
deployability rules beside the compliance checks; --list shows both families."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.checks import CheckContext, all_checks
from generator.checks.deployability import all_rules, rules_for
from tests.paths import ROOT

HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"


@pytest.fixture(autouse=True)
def no_stray_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def demanding_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the plan ask for more log retention than the blueprints keep: LOG-003 fails."""
    strict = CheckContext.from_core_plan

    def demanding(plan):
        return CheckContext(**{**vars(strict(plan)), "log_retention_days": 100_000})

    monkeypatch.setattr(CheckContext, "from_core_plan", staticmethod(demanding))


def waived_profile(tmp_path: Path, check: str, resource: str | None = None) -> Path:
    """Harbor with a second waiver, after its own (the patients' Cloud Run invoker)."""
    waiver = f"  - check: {check}\n    reason: Archive tier keeps the older logs offline\n"
    if resource:
        waiver += f"    resource: {resource}\n"
    profile = tmp_path / "harbor.yaml"
    profile.write_text(HARBOR.read_text(encoding="utf-8") + "\n" + waiver, encoding="utf-8")
    return profile


@pytest.mark.usefixtures("deployable")
def test_an_example_passes(run_cli) -> None:
    result = run_cli("check", HARBOR)
    assert result.exit_code == 0, result.stderr
    # Harbor waives CG-GCP-IAM-002 for its patients' Cloud Run invoker.
    assert result.stdout.startswith("Compliance: 28 gcp checks, 0 failed, 1 waived.")
    assert f"\nDeployability: {len(rules_for('gcp'))} gcp rules, 0 failed." in result.stdout


@pytest.mark.usefixtures("undeployable")
def test_a_deployability_failure_is_shown_apart_and_exits_1(run_cli) -> None:
    result = run_cli("check", HARBOR)
    assert result.exit_code == 1
    assert "Compliance: 28 gcp checks, 0 failed, 1 waived." in result.stdout
    assert f"Deployability: {len(rules_for('gcp'))} gcp rules, 1 failed." in result.stdout
    assert "FAIL CG-GCP-DEP-003: Organization policies" in result.stdout
    assert (
        "  source:   https://cloud.google.com/iam/docs/roles-permissions/orgpolicy" in result.stdout
    )
    assert "\n1 deployability finding: the cloud would reject" in result.stderr
    data = json.loads(run_cli("check", HARBOR, "--format", "json").stdout)["deployability"]
    assert [f["rule"] for f in data["findings"]] == ["CG-GCP-DEP-003"]
    assert len(data["rules"]) == len(rules_for("gcp"))


@pytest.mark.usefixtures("demanding_plan", "deployable")
def test_a_failure_names_check_resource_property_and_fix(run_cli) -> None:
    result = run_cli("check", HARBOR, "--format", "json")
    assert result.exit_code == 1
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["status"] == "fail"]
    assert finding["check"] == "CG-GCP-LOG-003" and finding["status"] == "fail"
    assert finding["property"] == "retentionDays"
    assert finding["urn"].endswith("::harbor-audit-logs") or finding["resource"]
    assert finding["fix"] and finding["control"].startswith("164.312(b)")


@pytest.mark.usefixtures("demanding_plan", "deployable")
def test_a_waiver_turns_the_failure_into_a_waived_finding_with_its_reason(
    run_cli, tmp_path: Path
) -> None:
    result = run_cli("check", waived_profile(tmp_path, "CG-GCP-LOG-003"))
    assert result.exit_code == 0, result.stderr
    assert "WAIVED high CG-GCP-LOG-003" in result.stdout
    assert "waived:   Archive tier keeps the older logs offline" in result.stdout


@pytest.mark.usefixtures("deployable")
def test_an_unused_waiver_is_reported(run_cli, tmp_path: Path) -> None:
    result = run_cli("check", waived_profile(tmp_path, "CG-GCP-LOG-003", "nothing-by-this-name"))
    assert result.exit_code == 0
    assert (
        "Unused waiver: CG-GCP-LOG-003 on nothing-by-this-name matches no finding" in result.stdout
    )


def test_a_waiver_for_an_unknown_check_is_a_profile_error(run_cli, tmp_path: Path) -> None:
    result = run_cli("check", waived_profile(tmp_path, "CG-GCP-LOG-999"))
    assert result.exit_code == 2
    assert "waivers[1].check: is not a clinicgen check id" in result.stderr


def test_list_shows_both_families_apart(run_cli) -> None:
    text = run_cli("check", "--list")
    assert text.exit_code == 0
    compliance, deployability = text.stdout.split("\nDeployability rules (")
    assert compliance.startswith(f"Compliance checks ({len(all_checks())}):")
    assert all(info.id in compliance for info in all_checks())
    words = " ".join(deployability.split())  # the text wraps to the terminal
    assert all(info.id in words and " ".join(info.source.split()) in words for info in all_rules())
    data = json.loads(run_cli("check", "--list", "--format", "json").stdout)
    assert len(data["compliance"]) == len(all_checks()) >= 35
    assert len(data["deployability"]) == len(all_rules()) >= 25


def test_profile_is_required_without_list(run_cli) -> None:
    assert run_cli("check").exit_code == 2


@pytest.mark.usefixtures("undeployable")
def test_markdown_is_a_comment_that_fails_like_text(run_cli) -> None:
    result = run_cli("check", HARBOR, "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout.startswith("## clinicgen check: harbor\n")
    assert "| CG-GCP-DEP-003 | " in result.stdout
    assert "<details><summary>Every deployability finding (1)</summary>" in result.stdout
    # Harbor's waiver shows in the summary and, with its reason, in the folded detail.
    assert "| waived | " in result.stdout


def test_list_fits_the_terminal(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    lines = run_cli("check", "--list").stdout.splitlines()
    # A source URL is one word and may not fit; everything else wraps at spaces.
    assert [line for line in lines if len(line) > 80 and " " in line.strip()] == []
