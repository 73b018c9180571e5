"""Reports of small practices, built once per test module: Harbor (Google Cloud, two sites,
fast under mocks) as written, and with a site whose name is every kind of markup at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.pipeline import approval_inputs
from generator.report.build import ApprovalReport, approval_report
from tests.paths import ROOT

HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"
# HTML, SVG/XML (CDATA end), Markdown (backtick, emphasis, entity), Mermaid (quote, `end`,
# entity code, line break) and terminal (escape) in one site name.
HOSTILE = '<script>alert(1)</script> ]]> ` *x* "end" end\nnext #60; &amp; \x1b[31m'


def hostile_profile(directory: Path) -> Path:
    """Harbor with its first site named `HOSTILE`."""
    text = HARBOR.read_text(encoding="utf-8")
    named = text.replace("name: Harbor Counseling Center", f"name: {json.dumps(HOSTILE)}", 1)
    assert named != text
    path = directory / "hostile.yaml"
    path.write_text(named, encoding="utf-8")
    return path


def report_of(profile: Path, directory: Path, approved: Path | None = None) -> ApprovalReport:
    return approval_report(approval_inputs(profile, approved, directory / "none.ledger.yaml"))


@pytest.fixture(scope="module")
def harbor(tmp_path_factory: pytest.TempPathFactory) -> ApprovalReport:
    return report_of(HARBOR, tmp_path_factory.mktemp("harbor"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> ApprovalReport:
    directory = tmp_path_factory.mktemp("hostile")
    return report_of(hostile_profile(directory), directory)
