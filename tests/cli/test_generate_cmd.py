"""`clinicgen generate`: what it prints, what it refuses, and --force."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.paths import ROOT
from tests.test_pipeline import file_tree, profile_document, write_profile


def test_hand_edited_stack_file_is_refused_until_forced(tmp_path: Path, run_cli) -> None:
    example = ROOT / "examples" / "maple-grove.yaml"
    out = tmp_path / "stacks"
    assert run_cli("generate", example, "--out", out).exit_code == 0
    core = out / "Pulumi.maple-grove-core.yaml"
    edit = '  azure-native:subscriptionId: "mine"\n'
    core.write_text(core.read_text() + edit)
    document = profile_document(example)
    document["sites"][0]["devices"]["workstations"] += 40
    grown = write_profile(tmp_path / "grown.yaml", document)
    before = file_tree(out)
    refused = run_cli("generate", grown, "--out", out)
    assert refused.exit_code == 1
    assert f"{core}: edited since clinicgen wrote it" in refused.stderr
    assert file_tree(out) == before  # nothing written, not even the ledger
    forced = run_cli("generate", grown, "--out", out, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert f"updated   {core}" in forced.stdout
    assert "mine" not in core.read_text()


def test_cli_names_the_pulumi_project_that_reads_the_stacks(tmp_path: Path, run_cli) -> None:
    example = ROOT / "examples" / "maple-grove.yaml"
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    result = run_cli("generate", example, "--out", tmp_path / "stacks")
    assert result.exit_code == 0, result.stderr
    assert (
        f"next (the Pulumi project {tmp_path / 'Pulumi.yaml'} reads these stack files):\n"
        in result.stdout
    )
    assert f"  cd {tmp_path}\n  pulumi stack init maple-grove-core\n" in result.stdout
    assert "--config-file" not in result.stdout


def test_cli_prints_what_it_wrote_and_what_to_run(tmp_path: Path, run_cli) -> None:
    example = ROOT / "examples" / "maple-grove.yaml"
    out = tmp_path / "stacks"
    first = run_cli("generate", example, "--out", out)
    assert first.exit_code == 0, first.stderr
    assert f"created   {out / 'Pulumi.maple-grove-core.yaml'}" in first.stdout
    # No Pulumi.yaml reads tmp_path/stacks: `pulumi stack init` could not work there.
    assert f"next: no Pulumi project reads {out} (no Pulumi.yaml beside it" in first.stdout
    assert f"  clinicgen generate {example} --project-dir maple-grove-infra\n" in first.stdout
    assert "pulumi stack init" not in first.stdout
    assert "no secret to set" in first.stdout
    runbook = out / "runbook" / "maple-grove.md"
    assert f"created   {runbook}" in first.stdout
    assert f"\nrunbook: {runbook}: who must hold which role to deploy" in first.stdout
    assert runbook.read_text().count("# Deployment runbook: Maple Grove Family Medicine") == 1
    again = run_cli("generate", example, "--out", out)
    assert f"unchanged {out / 'Pulumi.maple-grove-core.yaml'}" in again.stdout
    assert "pulumi preview" not in again.stdout
    both = run_cli("generate", example, "--out", out, "--project-dir", tmp_path / "p")
    assert both.exit_code == 2
    assert not (tmp_path / "p").exists()


def test_lone_secure_tag_is_refused(tmp_path: Path, run_cli) -> None:
    document = profile_document(ROOT / "examples" / "maple-grove.yaml")
    document["practice"]["tags"] = {"secure": "x"}
    profile = write_profile(tmp_path / "p.yaml", document)
    result = run_cli("generate", profile, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "practice.tags: a lone tag named `secure`" in result.stderr
    assert not (tmp_path / "out").exists()
