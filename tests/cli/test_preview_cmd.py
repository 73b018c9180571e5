"""`clinicgen preview`: the offline resource tree, the JSON contract, the compliance and
deployability gates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.checks import CheckContext
from generator.checks.deployability import rules_for
from tests.paths import ROOT

HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"


@pytest.fixture(autouse=True)
def no_stray_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Previews read stacks/<practice>.ledger.yaml from the working directory when present.
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("deployable")
def test_text_preview_shows_every_stack_and_both_summaries(run_cli) -> None:
    result = run_cli("preview", HARBOR)
    assert result.exit_code == 0, result.stderr
    for stack in ("harbor-core", "harbor-site-clinic", "harbor-site-community"):
        assert f"== {stack}: " in result.stdout
    assert "Resources by type:" in result.stdout
    # Harbor waives CG-GCP-IAM-002 for its patients' Cloud Run invoker.
    assert "Compliance: 28 gcp checks, 0 failed, 1 waived." in result.stdout
    assert f"Deployability: {len(rules_for('gcp'))} gcp rules, 0 failed." in result.stdout


@pytest.mark.usefixtures("deployable")
@pytest.mark.parametrize("columns", [None, "80"])
def test_text_preview_fits_the_width_unless_one_word_is_longer(
    run_cli, monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)  # piped: 120 columns
    else:
        monkeypatch.setenv("COLUMNS", columns)
    result = run_cli("preview", HARBOR)
    assert result.exit_code == 0, result.stderr
    width = int(columns or 120)
    # Only a word longer than half the width (a URN, an ARM id) may run past it.
    too_long = [
        line
        for line in result.stdout.splitlines()
        if len(line) > width and max(len(word) for word in line.split()) <= width // 2
    ]
    assert too_long == []


@pytest.mark.usefixtures("deployable")
def test_json_preview_follows_the_contract(run_cli) -> None:
    result = run_cli("preview", HARBOR, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["stacks"][0]["name"] == "harbor-core"
    resource = data["stacks"][0]["resources"][0]
    assert {"urn", "type", "name", "parent", "inputs", "dependencies"} <= set(resource)
    assert [f["check"] for f in data["findings"] if f["status"] != "waived"] == []
    assert data["deployability"]["findings"] == [] and len(data["deployability"]["rules"]) == len(
        rules_for("gcp")
    )


@pytest.mark.usefixtures("deployable")
def test_a_failed_check_fails_the_preview(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    strict = CheckContext.from_core_plan

    def demanding(plan):  # a plan that wants logs kept longer than the buckets keep them
        return CheckContext(**{**vars(strict(plan)), "log_retention_days": 100_000})

    monkeypatch.setattr(CheckContext, "from_core_plan", staticmethod(demanding))
    result = run_cli("preview", HARBOR)
    assert result.exit_code == 1
    assert "FAIL high CG-GCP-LOG-003" in result.stdout
    assert "1 compliance finding failed" in result.stderr


@pytest.mark.usefixtures("undeployable")
def test_a_deployability_failure_fails_the_preview(run_cli) -> None:
    result = run_cli("preview", HARBOR)
    assert result.exit_code == 1
    assert "FAIL CG-GCP-DEP-003" in result.stdout
    assert "deployability finding" in result.stderr


def test_an_invalid_profile_is_a_clean_input_error(run_cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\npractice: {id: X}\n", encoding="utf-8")
    result = run_cli("preview", broken)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and "broken.yaml" in result.stderr


@pytest.mark.usefixtures("deployable")
def test_markdown_preview_is_a_comment(run_cli) -> None:
    result = run_cli("preview", HARBOR, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("## clinicgen preview: harbor (gcp, ")
    assert "| harbor-core | " in result.stdout
    assert result.stdout.count("<details>") == 3
