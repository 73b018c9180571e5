"""`preview`, `check` and `diff` as Markdown for a pull-request comment.

A reviewer reads the summary tables (one row per stack, per failing check or rule, per
destructive change); the detail (every resource, every finding, every changed input) is
folded into collapsible sections, most important first (the core stack before its sites).
GitHub refuses a comment longer than 65,536 characters: when the whole report would be
longer, folded sections are left out from the last one back until it fits, and the comment
names them and says how to get everything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from generator.checks import ComplianceReport
from generator.checks.deployability import DeployabilityReport
from generator.checks.model import FAIL
from generator.preview.diff import (
    CREATE,
    DELETE,
    REPLACE,
    UPDATE,
    PracticeDiff,
    input_change_text,
    summary_line,
)
from generator.preview.report import key_properties, preview_summary, short_type, stack_counts
from generator.render.tables import Table
from generator.render.templating import render
from generator.wording import counted

if TYPE_CHECKING:
    from generator.preview.harness import StackRun
    from generator.preview.sources import PracticePreview

# GitHub's limit on a comment body, in characters.
COMMENT_LIMIT = 65_536
ACTIONS = (CREATE, UPDATE, REPLACE, DELETE)


def preview_comment(preview: PracticePreview, limit: int = COMMENT_LIMIT) -> str:
    """The preview: stacks and findings summarised, every stack's resources folded."""
    stacks = preview.stacks
    verdict, checks = check_summaries(preview.compliance, preview.deployability)
    return fitted_comment(
        "review/preview.md.jinja",
        [stack_resources_table(run) for run in preview.runs],
        limit,
        practice=stacks.practice_id,
        cloud=stacks.cloud,
        region=stacks.core.practice.region,
        source=stacks.source,
        summary=preview_summary(preview),
        verdict=verdict,
        shown=(stacks_table(preview.runs), *checks),
        everything=f"clinicgen preview {stacks.source} --format json",
    )


def check_comment(
    report: ComplianceReport,
    deployability: DeployabilityReport,
    practice: str,
    source: str,
    limit: int = COMMENT_LIMIT,
) -> str:
    """The findings: failing checks and rules summarised, each finding folded."""
    verdict, checks = check_summaries(report, deployability)
    return fitted_comment(
        "review/check.md.jinja",
        finding_details(report, deployability),
        limit,
        practice=practice,
        source=source,
        verdict=verdict,
        shown=checks,
        everything=f"clinicgen check {source} --format json",
    )


def diff_comment(diff: PracticeDiff, limit: int = COMMENT_LIMIT) -> str:
    """The diff: stacks and destructive changes summarised, each stack's changes folded."""
    return fitted_comment(
        "review/diff.md.jinja",
        [stack_changes_table(stack.name, stack.changes) for stack in diff.stacks if stack.changes],
        limit,
        diff=diff,
        summary=summary_line(diff),
        shown=(diff_stacks_table(diff), destructive_table(diff)),
        everything=f"clinicgen diff {diff.old} {diff.new} --format json",
    )


def fitted_comment(template: str, folds: Sequence[Table], limit: int, **context: Any) -> str:
    """`template` with as many of `folds` as fit under `limit` characters, from the first:
    the ones left out are listed in the comment."""
    kept, omitted = list(folds), list[Table]()
    while True:
        text = render(template, folds=kept, omitted=omitted, limit=limit, **context)
        if len(text) <= limit or not kept:
            return text
        omitted.insert(0, kept.pop())


# -- preview ----------------------------------------------------------------------------------


def stacks_table(runs: Sequence[StackRun]) -> Table:
    rows = []
    for run in runs:
        resources, components = stack_counts(run)
        protected = sum(1 for r in run.resources if r.custom and r.protect)
        rows.append((run.stack, str(resources), str(components), str(protected)))
    return Table("Stacks", ("stack", "resources", "components", "protected"), tuple(rows))


def stack_resources_table(run: StackRun) -> Table:
    """Every resource of a stack with the component that owns it and its key inputs."""
    names = {r.urn: r.name for r in run.resources}
    rows = tuple(
        (
            names.get(r.parent, ""),
            short_type(r.type),
            r.name + (" (protected)" if r.protect else ""),
            "; ".join(f"{path}={text}" for path, text in key_properties(r)),
        )
        for r in run.resources
        if r.custom
    )
    resources, _components = stack_counts(run)
    return Table(
        f"{run.stack}: {counted(resources, 'resource')}",
        ("component", "type", "name", "key inputs"),
        rows,
    )


# -- findings ---------------------------------------------------------------------------------


def check_summaries(
    report: ComplianceReport, deployability: DeployabilityReport
) -> tuple[str, tuple[Table, ...]]:
    """The one-line verdict and one row per failing (or waived) check and per failing rule."""
    clouds = "/".join(sorted({info.cloud for info in report.checks}))
    verdict = (
        f"Compliance: {counted(len(report.checks), f'{clouds} check')}, "
        f"{len(report.failures)} failed, {len(report.waived)} waived. "
        f"Deployability: {counted(len(deployability.rules), f'{clouds} rule')}, "
        f"{len(deployability.findings)} failed."
    )
    checks: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for finding in report.findings:
        status = "fail" if finding.status == FAIL else "waived"
        checks[(status, finding.severity, finding.check, finding.title)] += 1
    rules: dict[tuple[str, str], int] = defaultdict(int)
    for item in deployability.findings:
        rules[(item.rule, item.title)] += 1
    return verdict, (
        Table(
            "Compliance checks that found something",
            ("status", "severity", "check", "title", "resources"),
            tuple((*key, str(count)) for key, count in checks.items()),
        ),
        Table(
            "Deployability rules that failed",
            ("rule", "title", "resources"),
            tuple((*key, str(count)) for key, count in rules.items()),
        ),
    )


def finding_details(report: ComplianceReport, deployability: DeployabilityReport) -> list[Table]:
    """Every compliance finding and every deployability finding, each family one table."""
    folds = []
    if report.findings:
        folds.append(_compliance_detail(report))
    if deployability.findings:
        folds.append(_deployability_detail(deployability))
    return folds


def _compliance_detail(report: ComplianceReport) -> Table:
    rows = tuple(
        (
            f.check,
            "fail" if f.status == FAIL else "waived",
            f"{f.resource} ({short_type(f.type)})",
            f.property or "-",
            f.message,
            f.fix,
            f"45 CFR {f.control}",
            f.waiver_reason or "",
        )
        for f in report.findings
    )
    columns = ("check", "status", "resource", "property", "problem", "fix", "control")
    return Table(f"Every compliance finding ({len(rows)})", (*columns, "waiver reason"), rows)


def _deployability_detail(deployability: DeployabilityReport) -> Table:
    rows = tuple(
        (
            f.rule,
            f"{f.resource} ({short_type(f.type)})",
            f.property or "-",
            f.message,
            f.fix,
            f.source,
        )
        for f in deployability.findings
    )
    columns = ("rule", "resource", "property", "problem", "fix", "source")
    return Table(f"Every deployability finding ({len(rows)})", columns, rows)


# -- diff -------------------------------------------------------------------------------------


def diff_stacks_table(diff: PracticeDiff) -> Table:
    rows = tuple(
        (
            stack.name,
            stack.status,
            *(str(sum(c.action == action for c in stack.changes)) for action in ACTIONS),
            str(stack.resources),
        )
        for stack in diff.stacks
    )
    return Table("Stacks", ("stack", "status", *ACTIONS, "resources"), rows)


def destructive_table(diff: PracticeDiff) -> Table:
    rows = tuple(
        (
            "BLOCKED" if change.blocked else change.action,
            stack.name,
            short_type(change.type),
            change.name + (" (protected)" if change.protected else ""),
            "; ".join(i.path for i in change.inputs if i.replaces),
        )
        for stack in diff.stacks
        for change in stack.changes
        if change.action in (REPLACE, DELETE)
    )
    columns = ("action", "stack", "type", "name", "forced by")
    return Table("Replaced or deleted", columns, rows)


def stack_changes_table(name: str, changes: Sequence[Any]) -> Table:
    rows = tuple(
        (
            change.action,
            short_type(change.type),
            change.name + (" (protected)" if change.protected else ""),
            "; ".join(f"{i.path}: {input_change_text(i)}" for i in change.inputs),
        )
        for change in changes
    )
    return Table(
        f"{name}: {counted(len(changes), 'change')}",
        ("action", "type", "name", "inputs"),
        rows,
    )
