"""The approval report: its seven sections in both formats, escaping of profile text in every
format, determinism, the change against an approved version and GitHub's comment limit."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.errors import PreviewInputError
from generator.pipeline import generate_stacks, preview_profile
from generator.preview.comment import COMMENT_LIMIT
from generator.preview.report import preview_data
from generator.render.templating import visible_text
from generator.report.build import ApprovalReport
from generator.report.render import report_html, report_markdown
from generator.report.svg import CARD_W, CHAR, NAME_LINES, PAD, diagrams, fitted
from tests.cli.test_diff_cmd import NEW_SITE
from tests.paths import DATA, ROOT
from tests.report.conftest import HARBOR, HOSTILE, report_of

LAKESIDE = ROOT / "examples" / "lakeside-health.yaml"

SECTIONS = (
    "1. Summary",
    "2. Network",
    "3. Cost",
    "4. Key decisions",
    "5. Compliance and deployability",
    "6. Changes against the approved version",
    "7. Appendix: resource inventory",
)
SVG = re.compile(r"<svg .*?</svg>", re.DOTALL)


class _Page(HTMLParser):
    """What a browser would build from the HTML: its elements and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def test_html_has_every_section_and_nothing_active_or_fetched(harbor: ApprovalReport) -> None:
    html = report_html(harbor)
    page = _page(html)
    headings = "".join(page.text)
    for section in SECTIONS:
        assert section in headings
    assert "script" not in page.tags
    assert not [name for name, _ in page.attributes if name.startswith("on")]
    # Nothing is fetched: no source, stylesheet or link to another document.
    assert not [name for name, _ in page.attributes if name in ("src", "href")]
    assert "@media print" in html
    assert page.tags.count("svg") == len(diagrams(harbor.network)) == 2


def test_markdown_has_every_section_and_a_mermaid_block(harbor: ApprovalReport) -> None:
    markdown = report_markdown(harbor)
    for section in SECTIONS:
        assert f"### {section}" in markdown
    assert markdown.count("```mermaid\nflowchart LR\n") == 1
    assert markdown.count("<details>") == markdown.count("</details>") > 0


def _with_new_site(profile: Path, directory: Path) -> Path:
    """`profile` with one more site (Eastside Counseling) before its telehealth section."""
    more = directory / f"{profile.stem}-more.yaml"
    text = profile.read_text(encoding="utf-8")
    more.write_text(text.replace("\ntelehealth:", f"\n{NEW_SITE}telehealth:", 1), encoding="utf-8")
    return more


def test_cost_shows_the_estimate_and_what_is_unpriced(harbor: ApprovalReport) -> None:
    # Google Cloud's prices are not in the catalog: every line is shown unpriced, never $0.
    assert ("monthly cost", harbor.cost.summary) in harbor.summary
    assert harbor.cost.summary.startswith("unpriced a month (USD, list prices); 10 of 10 lines")
    markdown = report_markdown(harbor)
    assert "#### Per stack" in markdown and "#### Per service line" in markdown
    assert "<details><summary>Lines</summary>" in markdown
    assert "Prices used" in "".join(_page(report_html(harbor)).text)


def test_against_an_approved_profile_the_cost_change_is_the_new_sites_lines(
    tmp_path: Path,
) -> None:
    more = _with_new_site(LAKESIDE, tmp_path)
    grown = report_of(more, tmp_path, approved=LAKESIDE)
    assert grown.cost.summary.startswith("$")
    assert grown.cost.change is not None
    rows = grown.cost.change.rows
    assert rows and {row[0] for row in rows} <= {"added", "changed"}
    # The new site's own lines are added; a core line changes only with the rule that moved it.
    assert {row[1] for row in rows if row[0] == "added"} == {"lakeside-site-eastside"}
    assert all(row[4] != "-" for row in rows if row[0] == "changed")
    assert any(item == "monthly cost change" for item, _ in grown.summary)
    assert "#### Against the approved version" in report_markdown(grown)


def test_a_hostile_site_name_stays_text_in_html_and_svg(hostile: ApprovalReport) -> None:
    html = report_html(hostile)
    page = _page(html)
    shown = visible_text(HOSTILE)
    assert "script" not in page.tags and "b" not in page.tags
    assert shown in page.text  # a table cell: the name as text, whole
    assert "\x1b" not in html
    # Each figure is well-formed XML whose text holds the name as text (cut to the card's
    # lines, whole in the tooltip).
    figures = SVG.findall(html)
    assert figures
    texts = ["".join(ET.fromstring(figure).itertext()) for figure in figures]
    assert any(shown in text for text in texts)
    cut = fitted(HOSTILE, (CARD_W - 2 * PAD) // CHAR, NAME_LINES)
    assert all(line in texts[1] for line in cut)
    for figure in figures:
        assert not [e for e in ET.fromstring(figure).iter() if e.tag.endswith("script")]


def test_a_hostile_site_name_stays_text_in_markdown(hostile: ApprovalReport) -> None:
    markdown = report_markdown(hostile)
    assert "<script>" not in markdown and "\x1b" not in markdown
    assert r"\<script\>alert(1)\</script\> \]\]\> \` \*x\* " in markdown
    block = markdown.split("```mermaid\n", 1)[1].split("```", 1)[0]
    # In Mermaid every character of the name that means something is an entity code.
    assert "#60;script#62;alert(1)#60;/script#62; #93;#93;#62; #96; #42;x#42; #34;end#34;" in block
    assert "<" not in block and "`" not in block and "\x1b" not in block


def test_the_same_profile_gives_byte_identical_reports(
    harbor: ApprovalReport, tmp_path: Path
) -> None:
    again = report_of(HARBOR, tmp_path)
    assert report_html(again) == report_html(harbor)
    assert report_markdown(again) == report_markdown(harbor)


def test_without_approved_the_changes_section_says_nothing_to_compare(
    harbor: ApprovalReport,
) -> None:
    assert harbor.changes is None
    assert "No approved version given (`--approved`): nothing to compare." in report_markdown(
        harbor
    )


def test_against_an_approved_profile_the_report_shows_the_change_and_the_gate(
    tmp_path: Path,
) -> None:
    more = _with_new_site(HARBOR, tmp_path)
    grown = report_of(more, tmp_path, approved=HARBOR)
    assert grown.changes is not None
    assert grown.changes.gate.startswith("The destructive-change gate passes")
    assert "harbor-site-eastside" in [row[0] for row in grown.changes.stacks.rows]
    markdown = report_markdown(grown)
    assert "Summary: " in markdown and "0 to delete" in markdown

    shrunk = report_of(HARBOR, tmp_path, approved=more)
    assert shrunk.changes is not None
    assert shrunk.changes.gate.startswith("The destructive-change gate stops it:")
    assert any("is deleted" in item for item in shrunk.needs_decision)
    assert "stops it" in "".join(_page(report_html(shrunk)).text)


def test_an_approved_version_of_another_practice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PreviewInputError, match="a diff compares two versions of one practice"):
        report_of(HARBOR, tmp_path, approved=ROOT / "examples" / "maple-grove.yaml")


def test_fifty_sites_fit_a_github_comment_and_keep_their_text_legible(tmp_path: Path) -> None:
    report = report_of(DATA / "fifty-sites.yaml", tmp_path)
    markdown = report_markdown(report)
    assert len(markdown) < COMMENT_LIMIT
    assert "Left out to stay under GitHub's 65,536-character comment limit" in markdown
    assert "| fiftysite-core | " in markdown  # the inventory's summary stays
    assert f"For everything, run: clinicgen report {DATA / 'fifty-sites.yaml'} --format html" in (
        markdown.replace("\\", "")
    )
    # The diagram names some sites and counts the rest, whatever the number of sites.
    assert "and 42 more" in markdown.split("```mermaid", 1)[1].split("```", 1)[0]
    # The SVG pages the sites: five figures of at most twelve cards, text never scaled.
    figures = diagrams(report.network)
    assert len(figures) == 1 + 5
    for figure in figures:
        root = ET.fromstring(figure)
        assert root.get("width") == "1000"
        assert {e.get("font-size") for e in root.iter() if e.get("font-size")} == {"11"}


@pytest.mark.parametrize(
    ("text", "lines", "expected"),
    [
        ("Main Street Clinic", 2, ["Main Street", "Clinic"]),
        # Cut to its lines with an ellipsis: the whole name is in the tooltip and the tables.
        ("North Valley Pediatric and Family Care", 2, ["North Valley", "Pediatric and…"]),
        ("a\nb\x1bc", 1, ["a bU+001Bc"]),
    ],
)
def test_svg_text_is_fitted_to_its_lines_and_made_visible(
    text: str, lines: int, expected: list[str]
) -> None:
    assert fitted(text, 14, lines) == expected


def test_approved_may_be_a_stacks_directory_or_a_saved_preview(tmp_path: Path) -> None:
    stacks = tmp_path / "stacks"
    generate_stacks(HARBOR, stacks)
    saved = tmp_path / "harbor-approved.json"
    preview = preview_profile(HARBOR, stacks / "harbor.ledger.yaml")
    saved.write_text(json.dumps(preview_data(preview)), encoding="utf-8")
    for approved in (stacks, saved):
        report = report_of(HARBOR, tmp_path, approved=approved)
        assert report.changes is not None
        assert report.changes.summary.startswith("Summary: 0 to create, 0 to update")
        assert report.changes.gate.startswith("The destructive-change gate passes")
