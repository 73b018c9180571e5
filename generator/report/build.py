"""The approval report's content, gathered once for both formats (HTML and Markdown).

Nothing here decides anything: every part comes from a stage that already did. The plan gives
the network, the key decisions with their rule ids and the flows (`generator.render.plan_report`);
the preview gives the resource inventory and the compliance and deployability findings with
waivers and HIPAA controls (`generator.preview`, `generator.checks`); the diff against the
approved version gives the changes and the destructive-change gate (`generator.preview.diff`);
the deployment runbook gives the prerequisites (`generator.render.runbook`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from generator.checks.model import FAIL
from generator.cost import CostChange, compare, estimate_cost
from generator.errors import DestructiveChangeError
from generator.plan.model import Plan, PracticeInfo
from generator.preview.comment import (
    check_summaries,
    destructive_table,
    diff_stacks_table,
    finding_details,
    stack_changes_table,
    stack_resources_table,
    stacks_table,
)
from generator.preview.diff import require_safe, summary_line
from generator.preview.report import preview_summary
from generator.render.cost_report import cost_tables, money_range, total_text
from generator.render.cost_report import summary_line as cost_line
from generator.render.plan_report import Section, approval_sections
from generator.render.runbook import prerequisites
from generator.render.tables import Table
from generator.report.network import NetworkView, network_view
from generator.wording import counted

if TYPE_CHECKING:
    from generator.checks import ComplianceReport
    from generator.pipeline import ApprovalInputs
    from generator.preview.diff import PracticeDiff


@dataclass(frozen=True)
class Cost:
    """Section 3: the monthly estimate (totals, per stack, site and service line, every line,
    the assumptions and the prices' sources) and, against the approved version, its change
    line by line (None without one; `unavailable` says why when the approved version is a
    saved preview, which records no plan to price)."""

    summary: str
    tables: tuple[Table, ...]
    lines: tuple[Table, ...]  # every line, the assumptions, the prices: the detail
    change: Table | None = None
    change_summary: str = ""
    unavailable: str = ""


@dataclass(frozen=True)
class Changes:
    """Section 6: what changes against the approved version, and the gate's verdict."""

    approved: str
    summary: str
    gate: str
    stacks: Table
    destructive: Table
    protected: Table
    per_stack: tuple[Table, ...]


@dataclass(frozen=True)
class ApprovalReport:
    practice: PracticeInfo
    source: str
    summary: tuple[tuple[str, str], ...]  # section 1: (item, value)
    needs_decision: tuple[str, ...]
    network: NetworkView
    decisions: Section
    sites: Section
    flows: Section
    verdict: str
    checks: tuple[Table, ...]  # section 5: failing checks and rules, then every check run
    findings: tuple[Table, ...]  # every finding, with its control and waiver reason
    changes: Changes | None
    inventory: Table
    inventory_by_stack: tuple[Table, ...]
    cost: Cost


def approval_report(inputs: ApprovalInputs) -> ApprovalReport:
    """Gather the report from the plan, the preview and the diff."""
    plan, preview = inputs.planned.plan, inputs.preview
    decisions, sites, flows = approval_sections(plan)
    (workloads,) = [table for table in decisions.tables if table.title == "Workloads"]
    verdict, failing = check_summaries(preview.compliance, preview.deployability)
    changes = _changes(inputs.diff) if inputs.diff is not None else None
    cost = _cost(plan, inputs)
    return ApprovalReport(
        practice=plan.practice,
        source=preview.stacks.source,
        summary=_summary(plan, inputs, changes, cost),
        needs_decision=_needs_decision(plan, preview.compliance, inputs.diff),
        network=network_view(
            plan, tuple((row[0], row[1]) for row in workloads.rows if row[1] not in ("none", "no"))
        ),
        decisions=decisions,
        sites=sites,
        flows=flows,
        verdict=verdict,
        checks=(*failing, _checks_run(preview.compliance)),
        findings=tuple(finding_details(preview.compliance, preview.deployability)),
        changes=changes,
        inventory=stacks_table(preview.runs),
        inventory_by_stack=tuple(stack_resources_table(run) for run in preview.runs),
        cost=cost,
    )


def _summary(
    plan: Plan, inputs: ApprovalInputs, changes: Changes | None, cost: Cost
) -> tuple[tuple[str, str], ...]:
    info = plan.practice
    compliance, deployability = inputs.preview.compliance, inputs.preview.deployability
    regions = info.region + (f", DR {info.dr_region}" if info.dr_region else "")
    rows = [
        ("practice", f"{info.name} ({info.id})"),
        ("cloud and regions", f"{plan.cloud}: {regions}"),
        ("sites", str(len(plan.sites))),
        ("stacks and resources", preview_summary(inputs.preview)),
        ("monthly cost", cost.summary),
        (
            "compliance",
            f"{counted(len(compliance.checks), 'check')}: "
            f"{len(compliance.failures)} failed, {len(compliance.waived)} waived",
        ),
        (
            "deployability",
            f"{counted(len(deployability.rules), 'rule')}: {len(deployability.findings)} failed",
        ),
    ]
    if changes is not None:
        rows.append(("against the approved version", f"{changes.summary} {changes.gate}"))
        rows.append(("monthly cost change", cost.change_summary or cost.unavailable))
    return tuple(rows)


def _needs_decision(
    plan: Plan, compliance: ComplianceReport, diff: PracticeDiff | None
) -> tuple[str, ...]:
    """What an approver decides on: failures, waivers, destructive changes, prerequisites."""
    items = [f"fix or waive {f.check} on {f.resource}: {f.message}" for f in compliance.failures]
    waived: dict[tuple[str, str], list[str]] = defaultdict(list)
    for finding in compliance.waived:
        waived[(finding.check, finding.waiver_reason or "")].append(finding.resource)
    items += [
        f"accept the waiver of {check} on {counted(len(resources), 'resource')} "
        f"({_listed(resources)}): {reason}"
        for (check, reason), resources in waived.items()
    ]
    if diff is not None:
        items += [
            f"{'BLOCKED: ' if change.blocked else ''}accept that {change.name} "
            f"({change.type}) is {'replaced' if change.action == 'replace' else 'deleted'}"
            for change in diff.destructive
        ]
    items += _prerequisites(plan)
    return tuple(items)


def _listed(names: list[str], shown: int = 3) -> str:
    """The first `shown` names, and how many more."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _prerequisites(plan: Plan) -> list[str]:
    """The runbook's steps before the first `pulumi up`, one line each."""
    steps = prerequisites(plan)
    roles = steps["roles"]
    holds = " or ".join(" and ".join(group) for group in roles["any_of"])
    items = [f"the deployer holds {holds} on the {roles['scope']}"]
    if plan.cloud == "azure":
        items.append("register the resource providers " + ", ".join(steps["providers"]))
        items += [f"register the feature {f['namespace']}/{f['name']}" for f in steps["features"]]
        if steps["conditional_access"]:
            access = steps["conditional_access"]
            items.append(
                f"the tenant has {access['licence']} and the deployer the "
                f"{access['directory_role']} role (the core stack creates Conditional Access)"
            )
    else:
        items.append(f"enable {counted(len(steps['apis']), 'API')}: " + ", ".join(steps["apis"]))
        if steps["org_policies"]:
            items.append(f"the deployer holds {roles['org_policies']} at the organization")
        else:
            items.append(
                "an organization administrator enforces "
                + ", ".join(steps["constraints"])
                + " (the stacks do not set org policies)"
            )
    items += [f"before go-live: {s['title']} ({s['rule']})" for s in steps["safeguards"]]
    return items


def _checks_run(compliance: ComplianceReport) -> Table:
    """Every check that ran, the HIPAA control it evidences and its result."""
    found: dict[str, set[str]] = {}
    for finding in compliance.findings:
        found.setdefault(finding.check, set()).add(finding.status)
    rows = tuple(
        (
            info.id,
            info.severity,
            info.title,
            f"45 CFR {info.control}",
            "fail" if FAIL in found.get(info.id, ()) else "waived" if info.id in found else "pass",
        )
        for info in compliance.checks
    )
    return Table(
        f"Every check run ({len(rows)}) and the HIPAA control it evidences",
        ("check", "severity", "title", "control", "result"),
        rows,
    )


def _changes(diff: PracticeDiff) -> Changes:
    return Changes(
        approved=diff.old,
        summary=summary_line(diff),
        gate=gate_verdict(diff),
        stacks=diff_stacks_table(diff),
        destructive=destructive_table(diff),
        protected=_protected(diff),
        per_stack=tuple(
            stack_changes_table(stack.name, stack.changes) for stack in diff.stacks if stack.changes
        ),
    )


def gate_verdict(diff: PracticeDiff) -> str:
    """What `clinicgen diff`'s destructive-change gate says of this change."""
    try:
        require_safe(diff, allow_destructive=False)
    except DestructiveChangeError as err:
        return f"The destructive-change gate stops it: {err}."
    return "The destructive-change gate passes: nothing existing is replaced or deleted."


def _protected(diff: PracticeDiff) -> Table:
    rows = tuple(
        (stack.name, change.action, change.type, change.name, "yes" if change.blocked else "no")
        for stack in diff.stacks
        for change in stack.changes
        if change.protected
    )
    return Table(
        "Protected resources the change touches",
        ("stack", "action", "type", "name", "blocked"),
        rows,
    )


def _cost(plan: Plan, inputs: ApprovalInputs) -> Cost:
    estimate = estimate_cost(plan)
    tables = cost_tables(estimate)
    cost = Cost(summary=cost_line(estimate), tables=tables[:4], lines=tables[4:])
    if inputs.diff is None:
        return cost
    if inputs.approved is None:
        return replace(
            cost,
            unavailable="not compared: a saved preview records resources, not the plan a "
            "cost is estimated from; give the approved profile or stacks directory",
        )
    approved = estimate_cost(inputs.approved.plan())
    changes = compare(approved, estimate)
    return replace(
        cost,
        change=_cost_changes(changes),
        change_summary=(
            f"{total_text(approved)} -> {total_text(estimate)} a month "
            f"({counted(len(changes), 'line')} changed)"
        ),
    )


def _cost_changes(changes: tuple[CostChange, ...]) -> Table:
    rows = tuple(
        (
            change.kind,
            change.stack,
            change.service,
            change.item,
            change.rule_id or "-",
            money_range(change.old.low, change.old.high) if change.old else "-",
            money_range(change.new.low, change.new.high) if change.new else "-",
            money_range(change.delta_low, change.delta_high),
        )
        for change in changes
    )
    columns = ("change", "stack", "service", "item", "rule", "approved", "now", "difference")
    return Table("Monthly cost change, line by line", columns, rows)
