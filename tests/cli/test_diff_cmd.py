"""`clinicgen diff`: per-stack changes and the destructive-change gate (exit status 3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.pipeline import generate_stacks
from tests.paths import ROOT

HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"
NEW_SITE = """  - id: eastside
    name: Eastside Counseling
    kind: clinic
    staff: 6
    specialties: [behavioral-health]
    devices: {workstations: 5, phones: 4}
    connectivity: {bandwidth_mbps: 50, vpn_peer_ip: 198.51.100.200}
"""


@pytest.fixture(autouse=True)
def no_stray_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def edited(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def with_site(tmp_path: Path) -> Path:
    text = HARBOR.read_text(encoding="utf-8")
    return edited(
        tmp_path, "harbor-more.yaml", text.replace("\ntelehealth:", f"\n{NEW_SITE}telehealth:", 1)
    )


def test_adding_a_site_only_creates_the_new_sites_stack(run_cli, tmp_path: Path) -> None:
    result = run_cli("diff", HARBOR, with_site(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    changed = {
        s["name"]: {c["action"] for c in s["changes"]} for s in data["stacks"] if s["changes"]
    }
    assert changed == {"harbor-site-eastside": {"create"}}
    assert data["summary"]["create"] > 0 and data["summary"]["delete"] == 0


def test_a_core_whose_stack_file_changes_without_resource_changes_says_so(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new site changes the core's plan (VPN site and tunnel counts) but none of its resources:
    # that is not "no changes", since the core's stack file must be committed and deployed.
    monkeypatch.setenv("COLUMNS", "200")  # each stack's heading on one line, whatever the terminal
    stacks = tmp_path / "stacks"
    generate_stacks(HARBOR, stacks)
    text = run_cli("diff", stacks, with_site(tmp_path))
    assert text.exit_code == 0, text.stderr
    (core,) = [line for line in text.stdout.splitlines() if line.startswith("== harbor-core:")]
    assert core.startswith("== harbor-core: its stack file changes (clinicgen:plan: ")
    assert " values), no resource changes (" in core and core.endswith(" resources) ==")
    assert "       clinicgen:plan: vpn.sites: 2 -> 3" in text.stdout
    data = json.loads(run_cli("diff", stacks, with_site(tmp_path), "--format", "json").stdout)
    (core_data,) = [s for s in data["stacks"] if s["name"] == "harbor-core"]
    assert core_data["status"] == "config-changed" and core_data["changes"] == []
    assert core_data["config_compared"] is True
    assert {"key": "clinicgen:plan", "path": "vpn.sites", "old": 2, "new": 3} in core_data[
        "config_changes"
    ]
    sites = [
        s for s in data["stacks"] if s["name"].startswith("harbor-site-") and s["changes"] == []
    ]
    assert sites and {s["status"] for s in sites} == {"unchanged"}


def test_removing_a_site_deletes_its_stack_and_needs_allow_destructive(
    run_cli, tmp_path: Path
) -> None:
    bigger = with_site(tmp_path)
    result = run_cli("diff", bigger, HARBOR)
    assert result.exit_code == 3
    assert "== harbor-site-eastside: stack removed," in result.stdout
    assert "--allow-destructive" in result.stderr
    assert run_cli("diff", bigger, HARBOR, "--allow-destructive").exit_code == 0


def test_deleting_a_protected_resource_is_blocked_even_when_destruction_is_allowed(
    run_cli, tmp_path: Path
) -> None:
    text = HARBOR.read_text(encoding="utf-8")
    assert "  fhir: true" in text
    without_fhir = edited(
        tmp_path, "no-fhir.yaml", text.replace("  fhir: true", "  fhir: false", 1)
    )
    result = run_cli("diff", HARBOR, without_fhir, "--allow-destructive")
    assert result.exit_code == 3
    assert "BLOCKED delete healthcare:FhirStore" in result.stdout
    assert "protected resources would be deleted or replaced" in result.stderr


def test_a_profile_against_its_generated_stacks_shows_no_changes(run_cli, tmp_path: Path) -> None:
    stacks = tmp_path / "stacks"
    generate_stacks(HARBOR, stacks)
    result = run_cli("diff", stacks, HARBOR)
    assert result.exit_code == 0, result.stderr
    assert "Summary: 0 to create, 0 to update, 0 to replace, 0 to delete." in result.stdout


def test_a_saved_preview_is_an_old_side(run_cli, tmp_path: Path) -> None:
    saved = edited(tmp_path, "approved.json", run_cli("preview", HARBOR, "--format", "json").stdout)
    result = run_cli("diff", saved, with_site(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert "== harbor-site-eastside: new stack, " in result.stdout
    # A saved preview records no stack file: the diff does not claim the core's is unchanged.
    assert "== harbor-core: no resource changes (" in result.stdout
    assert "; no stack file to compare) ==" in result.stdout


def test_help_documents_the_exit_status(run_cli) -> None:
    text = " ".join(run_cli("diff", "--help").stdout.split())
    assert "Exit status: 0 when nothing existing would be replaced or deleted; 3 when" in text


def test_a_stacks_directory_of_several_practices_is_cut_to_the_other_sides(run_cli) -> None:
    # The repository's own stacks/ holds every example practice.
    result = run_cli("diff", ROOT / "stacks", HARBOR)
    assert result.exit_code == 0, result.stderr
    assert "Summary: 0 to create, 0 to update, 0 to replace, 0 to delete." in result.stdout


def test_a_stale_stack_file_left_for_destroy_is_a_deletion_between_directories(
    run_cli, tmp_path: Path
) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    generate_stacks(HARBOR, before)
    shutil.copytree(before, after)
    text = HARBOR.read_text(encoding="utf-8")
    start = text.index("  - id: community")
    end = text.index("\ntelehealth:")
    smaller = edited(tmp_path, "harbor-smaller.yaml", text[:start] + text[end + 1 :])
    generate_stacks(smaller, after)
    assert (after / "Pulumi.harbor-site-community.yaml").is_file()  # kept for pulumi destroy
    result = run_cli("diff", before, after)
    assert result.exit_code == 3, result.stderr
    assert "harbor-site-community: site retired in the ledger" in result.stderr
    assert "== harbor-site-community: stack removed, " in result.stdout


def test_markdown_is_a_comment_with_the_deletions_in_view(run_cli, tmp_path: Path) -> None:
    result = run_cli("diff", with_site(tmp_path), HARBOR, "--format", "markdown")
    assert result.exit_code == 3  # the gate holds whatever the format
    assert result.stdout.startswith("## clinicgen diff: harbor\n")
    assert "| harbor-site-eastside | removed | 0 | 0 | 0 | " in result.stdout
    assert "| delete | harbor-site-eastside | " in result.stdout
    assert "<details><summary>harbor-site-eastside: " in result.stdout


MAPLE = ROOT / "examples" / "maple-grove.yaml"


def _maple_on_gcp(tmp_path: Path) -> Path:
    text = MAPLE.read_text(encoding="utf-8")
    for azure, gcp in (
        ("cloud: azure", "cloud: gcp\n  gcp_project: maple-grove-prod-4821"),
        ("region: eastus2", "region: us-east4"),
        ("dr_region: centralus ", "dr_region: us-central1"),
        ("3b8f1a2c-5d4e-4f6a-8b7c-9d0e1f2a3b4c", "group:admins@maple.example"),
        ("7c6d5e4f-3a2b-4c1d-9e8f-0a1b2c3d4e5f", "group:audit@maple.example"),
        ('{"Cost Center": "2150", Environment: Production}', "{cost-center: '2150'}"),
    ):
        text = text.replace(azure, gcp)
    return edited(tmp_path, "maple-gcp.yaml", text)


def test_the_advice_for_a_move_to_another_cloud_works_when_followed(
    run_cli, tmp_path: Path
) -> None:
    assert run_cli("generate", MAPLE).exit_code == 0
    moved = _maple_on_gcp(tmp_path)
    refused = run_cli("plan", moved)
    assert refused.exit_code == 2
    assert "start a new ledger with --ledger NEW_PATH" in refused.stderr
    assert run_cli("plan", moved, "--ledger", "new.ledger.yaml").exit_code == 0
    # The same advice given to diff, with the old side a profile, failed the same way before;
    # against the deployed stacks (and their ledger) diff needs no advice.
    for old, ledger in ((MAPLE, ("--ledger", "new.ledger.yaml")), (Path("stacks"), ())):
        result = run_cli("diff", old, moved, *ledger, "--format", "json")
        assert result.exit_code == 3, result.stderr
        summary = json.loads(result.stdout)["summary"]
        assert summary["create"] > 0 and summary["delete"] > 0
        assert f"{moved}: moves the practice from azure to gcp" in result.stderr
