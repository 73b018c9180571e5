"""`clinicgen report`: the report to a file (whole) or standard output, and bad input as a
clean error with exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import ROOT

HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"


@pytest.fixture(autouse=True)
def no_stray_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_report_writes_html_to_the_out_file_and_says_so(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "approval" / "harbor.html"
    result = run_cli("report", HARBOR, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.endswith("</html>\n")
    assert [p.name for p in out.parent.iterdir()] == ["harbor.html"]  # no temporary file left


def test_report_prints_markdown(run_cli) -> None:
    result = run_cli("report", HARBOR, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("## clinicgen report: Harbor Behavioral Health (`harbor`)")


def test_an_invalid_profile_is_exit_status_2_naming_file_and_field(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        HARBOR.read_text(encoding="utf-8").replace("staff: 40", "staff: -1", 1), encoding="utf-8"
    )
    result = run_cli("report", bad)
    assert result.exit_code == 2
    assert f"{bad}: sites[0].staff:" in result.stderr
    assert "Traceback" not in result.stderr
