"""The HTML report in a real browser, Debian's headless Chromium: it loads with no console
message, error or request beyond the file itself, draws, and prints to PDF."""

from __future__ import annotations

import re
from pathlib import Path

from generator.report.build import ApprovalReport
from generator.report.render import report_html
from tests.report.browser import chromium, visit
from tests.report.test_report import SECTIONS
from tests.report.tools import require

PNG = b"\x89PNG\r\n\x1a\n"


def test_the_html_report_renders_in_chromium_without_errors_or_requests(
    hostile: ApprovalReport, tmp_path: Path
) -> None:
    executable = chromium()
    require(executable, "Chromium (apt-get install chromium)")
    assert executable is not None
    page = tmp_path / "report.html"
    page.write_text(report_html(hostile), encoding="utf-8")
    seen = visit(page, executable)
    assert seen.console == []
    assert seen.requests == [page.resolve().as_uri()]
    assert seen.png.startswith(PNG) and len(seen.png) > 100_000
    # Printed on A4 landscape, each section starting a page: several pages.
    assert seen.pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", seen.pdf)) >= len(SECTIONS)
