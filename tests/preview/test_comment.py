"""preview, check and diff as pull-request comments: summaries shown, detail folded, and
never longer than GitHub accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.checks import ComplianceReport, checks_for
from generator.checks.deployability import DeployabilityReport, rules_for
from generator.checks.model import Finding
from generator.pipeline import diff_sources, preview_profile
from generator.preview.comment import (
    COMMENT_LIMIT,
    check_comment,
    diff_comment,
    preview_comment,
)
from generator.preview.sources import PracticePreview
from tests.cli.conftest import REJECTED
from tests.paths import ROOT

EXAMPLES = ROOT / "examples"
# The example with the most stacks and resources: 22 sites.
LARGEST = EXAMPLES / "brightsmile-dental.yaml"


def _preview(path: Path, tmp_path: Path) -> PracticePreview:
    return preview_profile(path, tmp_path / "none.ledger.yaml")


@pytest.fixture(scope="module")
def brightsmile(tmp_path_factory: pytest.TempPathFactory) -> PracticePreview:
    return _preview(LARGEST, tmp_path_factory.mktemp("brightsmile"))


def test_the_largest_example_fits_a_github_comment(brightsmile: PracticePreview) -> None:
    comment = preview_comment(brightsmile)
    assert len(comment) <= COMMENT_LIMIT
    # The summary lists every stack; the detail that fitted is folded, the rest named.
    for run in brightsmile.runs:
        assert f"| {run.stack} | " in comment
    folded = re.findall(r"<details><summary>([^<]+): \d+ resources?</summary>", comment)
    left_out = re.search(
        r"Left out to stay under GitHub's 65,536-character comment limit: (.+)\.", comment
    )
    assert left_out is not None, "brightsmile's whole resource list is longer than a comment"
    named = re.findall(r"(brightsmile-[\w-]+): \d+ resources?", left_out[1])
    assert sorted(folded + named) == sorted(run.stack for run in brightsmile.runs)
    # The core stack comes first and stays; site stacks at the end are left out first.
    assert folded[0] == "brightsmile-core"
    assert f"For everything, run: clinicgen preview {LARGEST}" in comment


@pytest.mark.parametrize("limit", [12_000, 30_000])
def test_any_limit_is_kept_and_what_is_left_out_is_said(
    brightsmile: PracticePreview, limit: int
) -> None:
    comment = preview_comment(brightsmile, limit=limit)
    assert len(comment) <= limit
    assert f"GitHub's {limit:,}-character comment limit" in comment


def test_a_comment_that_fits_leaves_nothing_out(tmp_path: Path) -> None:
    comment = preview_comment(_preview(EXAMPLES / "maple-grove.yaml", tmp_path))
    assert "Left out" not in comment
    assert comment.count("<details>") == comment.count("</details>") == 2  # core, one site


def test_check_summarises_failures_and_folds_every_finding() -> None:
    finding = Finding(
        check="CG-AZ-NET-001",
        severity="high",
        title="No internet to SSH or RDP",
        control="164.312(e)(1)",
        urn="urn:pulumi:p-core::p::azure-native:network:SecurityRule::p-ssh",
        resource="p-ssh",
        type="azure-native:network:SecurityRule",
        property="sourceAddressPrefix",
        message="allows * to 22",
        fix="Restrict the source.",
    )
    report = ComplianceReport(checks=checks_for("gcp"), findings=(finding,))
    comment = check_comment(
        report, DeployabilityReport(rules_for("gcp"), (REJECTED,)), "p", "p.yaml"
    )
    assert "| fail | high | CG-AZ-NET-001 | No internet to SSH or RDP | 1 |" in comment
    assert f"| {REJECTED.rule} | {REJECTED.title} | 1 |" in comment
    assert "<details><summary>Every compliance finding (1)</summary>" in comment
    assert "allows \\* to 22" in comment  # cell text goes through the Markdown escape
    assert "<details><summary>Every deployability finding (1)</summary>" in comment


def test_a_large_diff_fits_a_comment_and_lists_what_it_replaces_or_deletes(
    tmp_path: Path,
) -> None:
    profile = yaml.safe_load(LARGEST.read_text(encoding="utf-8"))
    profile["workloads"]["pacs"] = "on"  # YAML 1.1 read the bare `on` as true
    # OLD: the practice with only its first site; NEW: all 22, so 21 site stacks are new.
    first = {**profile, "sites": profile["sites"][:1]}
    old = tmp_path / "old.yaml"
    old.write_text(yaml.safe_dump(first, sort_keys=False), encoding="utf-8")
    diff = diff_sources(old, LARGEST, tmp_path / "none.ledger.yaml")
    comment = diff_comment(diff)
    assert len(comment) <= COMMENT_LIMIT
    assert "| brightsmile-site-valley-view | new |" in comment
    assert "### Replaced or deleted" in comment
    shrunk = diff_comment(diff_sources(LARGEST, old, tmp_path / "none.ledger.yaml"))
    assert "| delete | brightsmile-site-valley-view | " in shrunk
