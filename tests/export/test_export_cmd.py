"""`clinicgen export` on the examples: every resource exported or listed, no secret written,
the same bytes on every run, and errors as the rest of the CLI gives them."""

from __future__ import annotations

import json
from pathlib import Path

from generator.checks.graph import SECRET_KEY
from tests.paths import ROOT

MAPLE = ROOT / "examples" / "maple-grove.yaml"
HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"
STACKS = ROOT / "stacks"


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_azure_export_is_complete_secret_free_and_deterministic(run_cli, tmp_path: Path) -> None:
    first = run_cli("export", MAPLE, "--out", tmp_path / "a", "--stacks-dir", STACKS)
    run_cli("export", MAPLE, "--out", tmp_path / "b", "--stacks-dir", STACKS)
    assert first.exit_code == 0, first.output
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    files = _files(tmp_path / "a")
    text = b"".join(files.values()).decode()
    assert SECRET_KEY not in text and "<secret>" not in text
    unexpressed = json.loads(files["unexpressed.json"])
    assert {item["type"] for item in unexpressed} == {
        "random:index/randomPassword:RandomPassword",
        "time:index/rotating:Rotating",
    }
    assert "maple-grove-core/subscription.json" in files
    assert "maple-grove: ARM templates in" in first.stdout
    assert "not exported: maple-grove-site-" in first.stderr


def test_gcp_export_writes_a_plan_per_stack(run_cli, tmp_path: Path) -> None:
    result = run_cli("export", HARBOR, "--out", tmp_path, "--stacks-dir", STACKS)
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "harbor-core" / "plan.json").read_text())
    assert plan["format_version"] and plan["resource_changes"]
    addresses = {r["address"] for r in plan["planned_values"]["root_module"]["resources"]}
    assert "google_compute_network.harbor-network-vpc" in addresses
    # The locked audit log bucket and its sink are what a scanner judges log retention by.
    assert "google_logging_project_bucket_config.harbor-monitoring-logs" in addresses
    assert "google_logging_project_sink.harbor-monitoring-sink" in addresses
    unexpressed = json.loads((tmp_path / "unexpressed.json").read_text())
    assert {item["type"] for item in unexpressed} == {"random:index/randomPassword:RandomPassword"}


def test_a_format_of_the_other_cloud_is_refused_naming_file_and_field(
    run_cli, tmp_path: Path
) -> None:
    result = run_cli(
        "export", MAPLE, "--format", "tfplan", "--out", tmp_path, "--stacks-dir", STACKS
    )
    assert result.exit_code == 2
    assert f"{MAPLE}: practice.cloud: --format tfplan exports gcp stacks" in result.stderr
    assert "Traceback" not in result.output and not any(tmp_path.iterdir())


def test_an_unrunnable_checkov_is_a_clear_error(run_cli, tmp_path: Path) -> None:
    missing = tmp_path / "no-checkov"
    result = run_cli(
        "export", MAPLE, "--out", tmp_path / "out", "--stacks-dir", STACKS, "--checkov", missing
    )
    assert result.exit_code == 2
    assert f"{missing}: cannot run Checkov" in result.stderr
