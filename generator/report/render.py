"""The approval report as HTML or Markdown, through the templates in `templates/report/`.

HTML: one file, Jinja2's autoescaping on every value, inline CSS, no script, nothing fetched,
the diagram as inline SVG figures that print one to a page. Markdown: a pull-request comment
under GitHub's 65,536-character limit, the detail folded, the diagram as a Mermaid block; when
the whole would be longer, folded sections are left out from the last back, and the comment
names them: the resource inventory first, then each rule's decisions, each site's segments,
every flow, the cost's lines; the findings and the changes last.
"""

from __future__ import annotations

from markupsafe import Markup

from generator.preview.comment import COMMENT_LIMIT, fitted_comment
from generator.render.templating import render
from generator.report.build import ApprovalReport
from generator.report.mermaid import flowchart
from generator.report.svg import diagrams


def report_html(report: ApprovalReport) -> str:
    """The report as one self-contained HTML document."""
    # ElementTree escaped every text and attribute of the figures: they are markup already.
    figures = [Markup(figure) for figure in diagrams(report.network)]
    return render("report/report.html.jinja", report=report, figures=figures)


def report_markdown(report: ApprovalReport, limit: int = COMMENT_LIMIT) -> str:
    """The report as a pull-request comment of at most `limit` characters."""
    changes = report.changes.per_stack if report.changes is not None else ()
    approved = f" --approved {report.changes.approved}" if report.changes is not None else ""
    folds = [
        *report.findings,
        *changes,
        *report.cost.lines,
        *report.flows.folded,
        *report.sites.folded,
        *report.decisions.folded,
        *report.inventory_by_stack,
    ]
    return fitted_comment(
        "report/report.md.jinja",
        folds,
        limit,
        report=report,
        mermaid=flowchart(report.network),
        everything=f"clinicgen report {report.source}{approved} --format html",
    )
