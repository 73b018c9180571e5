"""What the fleet commands print: one line per client, a summary, and the plan table."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.fleet.check import FleetCheck
from generator.fleet.run import ClientOutcome, FleetResult
from generator.render.tables import Table, plain_text
from generator.render.templating import render
from generator.wording import counted


def _facts_text(outcome: ClientOutcome) -> str:
    facts = outcome.facts
    assert facts is not None
    return (
        f"{facts.practice_id}, {facts.cloud}, {counted(len(facts.sites), 'site')}, "
        f"{counted(len(facts.stacks), 'stack')}"
    )


def _accepted(result: FleetResult) -> Iterator[tuple[ClientOutcome, str | None]]:
    """Each client, with the line that says it was refused (its problems are on stderr), or
    None when it was not."""
    for outcome in result.clients:
        refused = sum(1 for problem in result.problems if problem.file == outcome.file)
        if refused or outcome.facts is None:
            yield outcome, f"{outcome.file}: refused ({counted(refused, 'problem')}, on stderr)"
        else:
            yield outcome, None


def validated_lines(result: FleetResult) -> Iterator[str]:
    """`FILE: ok (...)` per valid client, with where it is stricter than the standard."""
    for outcome, refusal in _accepted(result):
        if refusal is not None:
            yield refusal
            continue
        yield f"{outcome.file}: ok ({_facts_text(outcome)})"
        for deviation in outcome.deviations:
            yield (
                f"  tighter than the standard: {deviation.path} {deviation.client} "
                f"(standard: {deviation.standard})"
            )


def _generated_state(outcome: ClientOutcome) -> str:
    if outcome.skipped:
        return "unchanged, skipped"
    if not outcome.changed:
        return "re-planned, unchanged"
    return f"{counted(outcome.changed, 'file')} written"


def generated_lines(result: FleetResult) -> Iterator[str]:
    """Per client: where its project is, and whether it was skipped as unchanged, re-planned
    with no file changed, or how many files were written."""
    for outcome, refusal in _accepted(result):
        if refusal is not None:
            yield refusal
        elif outcome.project is None:
            yield f"{outcome.file}: not generated (the fleet has problems)"
        else:
            state = _generated_state(outcome)
            yield f"{outcome.file}: {outcome.project}: {state} ({_facts_text(outcome)})"


def summary_line(result: FleetResult, done: str) -> str:
    """One line for the whole fleet: clients done, clients refused, problems."""
    refused = {problem.file for problem in result.problems}
    good = [o for o in result.clients if o.file not in refused and o.facts is not None]
    # Generate writes nothing for a valid client when another one is refused before writing.
    done_clients = [o for o in good if o.project is not None] if done == "generated" else good
    stacks = sum(len(o.facts.stacks) for o in done_clients if o.facts is not None)
    line = (
        f"fleet {result.standard.name!r}: {counted(len(result.clients), 'client')}, "
        f"{len(done_clients)} {done} ({counted(stacks, 'stack')})"
    )
    if done == "generated" and done_clients:
        skipped = sum(1 for o in done_clients if o.skipped)
        replanned = sum(1 for o in done_clients if o.written and not o.changed)
        written = sum(1 for o in done_clients if o.changed)
        line += f": {skipped} skipped as unchanged, {written} written"
        if replanned:
            line += f", {replanned} re-planned with no change"
    if result.problems:
        line += (
            f", {len(result.clients) - len(good)} refused: "
            f"{counted(len(result.problems), 'problem')}"
        )
    return line


PLAN_COLUMNS = (
    "client",
    "cloud",
    "sites",
    "stacks",
    "hub",
    "firewall",
    "vpn",
    "retention",
    "rpo",
    "monthly cost",
)


def _plan_rows(result: FleetResult) -> list[dict[str, str | int]]:
    rows: list[dict[str, str | int]] = []
    for outcome in result.clients:
        if outcome.facts is None or outcome.plan is None:
            continue
        rows.append(
            {
                "client": outcome.facts.practice_id,
                "file": outcome.file,
                "cloud": outcome.facts.cloud,
                "sites": len(outcome.facts.sites),
                "stacks": len(outcome.facts.stacks),
                **outcome.plan,
            }
        )
    return rows


def plan_report(result: FleetResult, output_format: str, width: int) -> str:
    """Every client's headline plan values: a table for people, or JSON."""
    rows = _plan_rows(result)
    if output_format == "json":
        return json.dumps({"fleet": result.standard.name, "clients": rows}, indent=2) + "\n"
    table = Table(
        f"Fleet plan: {result.standard.name}",
        PLAN_COLUMNS,
        tuple(tuple(str(row[column]) for column in PLAN_COLUMNS) for row in rows),
    )
    return plain_text((table,), width)


def check_lines(result: FleetCheck) -> Iterator[str]:
    """Per client its stacks, resources and findings; then the cache's counts and a summary."""
    for client in result.clients:
        if client.problems:
            problems = counted(len(client.problems), "problem")
            yield f"{client.file}: not checked ({problems}, on stderr)"
            continue
        found = (
            f"{counted(len(client.failures), 'compliance failure')}"
            f" ({client.waived} waived), "
            f"{counted(len(client.deployability), 'deployability finding')}"
        )
        yield (
            f"{client.file}: {client.practice_id}: {counted(len(client.stacks), 'stack')}, "
            f"{counted(client.resources, 'resource')}: {found}"
        )
    where = f" ({result.cache_dir})" if result.cache_dir is not None else " (--no-cache)"
    total = result.hits + result.misses
    yield (
        f"cache: {counted(total, 'stack')}: {result.hits} from the cache (hits), "
        f"{result.misses} run (misses){where}"
    )
    # A client that could not be checked (not generated, unreadable) neither passes nor fails.
    unchecked = sum(1 for c in result.clients if c.problems)
    failing = sum(1 for c in result.clients if not c.problems and (c.failures or c.deployability))
    line = (
        f"fleet {result.standard.name!r}: {counted(len(result.clients), 'client')}, "
        f"{len(result.clients) - failing - unchecked} passing, {failing} failing"
    )
    yield line + (f", {unchecked} not checked" if unchecked else "")


# -- the fleet summary: `clinicgen fleet report` ------------------------------------------------


@dataclass(frozen=True)
class FleetSummary:
    """Per client what it is, what its stacks hold and find, and where it departs from the
    standard: validate's and check's results for one fleet."""

    validated: FleetResult
    checked: FleetCheck
    generated: dict[str, str]  # client file -> when its stack files were last written (UTC)


def last_generated(project: Path) -> str:
    """When the newest stack file of `project` was written, in UTC to the minute; `never`."""
    stamps = [path.stat().st_mtime for path in (project / "stacks").glob("Pulumi.*.yaml")]
    if not stamps:
        return "never"
    return datetime.fromtimestamp(max(stamps), UTC).strftime("%Y-%m-%d %H:%M UTC")


def summary_data(summary: FleetSummary) -> dict[str, Any]:
    """The summary as JSON-ready data, one entry per client in client-file order."""
    checks = {client.file: client for client in summary.checked.clients}
    clients = []
    for outcome in summary.validated.clients:
        check = checks.get(outcome.file)
        facts = outcome.facts
        invalid = [str(p) for p in summary.validated.problems if p.file == outcome.file]
        clients.append(
            {
                "file": outcome.file,
                "valid": not invalid,
                "client": facts.practice_id if facts else None,
                "cloud": facts.cloud if facts else None,
                "sites": len(facts.sites) if facts else None,
                "stacks": len(facts.stacks) if facts else None,
                "resources": check.resources if check and not check.problems else None,
                "monthlyCost": (outcome.plan or {}).get("monthly cost"),
                "complianceFailures": list(check.failures) if check else [],
                "waived": check.waived if check else 0,
                "deployability": list(check.deployability) if check else [],
                "deviations": [asdict(deviation) for deviation in outcome.deviations],
                # An invalid client's check problems (no stack file) follow from its own.
                "problems": invalid or [str(p) for p in (check.problems if check else ())],
                "lastGenerated": summary.generated.get(outcome.file, "never"),
            }
        )
    return {"fleet": summary.validated.standard.name, "clients": clients}


def summary_tables(summary: FleetSummary) -> tuple[Table, ...]:
    """The summary for people: one row per client, then the deviations, the findings and
    (when there are any) the problems of clients that are invalid or could not be checked."""
    data = summary_data(summary)
    rows, deviations, findings, problems = [], [], [], []
    for item in data["clients"]:
        client = item["client"] or item["file"]
        # A client with no stack files was never checked: it has no findings to count yet;
        # nor has an invalid one (a stack file there may be another client's, or stale).
        checked = item["valid"] and item["lastGenerated"] != "never"
        if not item["valid"]:
            state = "invalid"
        elif not checked:
            state = "not generated"
        else:
            state = "invalid" if item["problems"] else str(item["resources"])
        if state == "invalid":
            problems += [(client, problem) for problem in item["problems"]]
        rows.append(
            (
                client,
                item["cloud"] or "-",
                str(item["sites"] or "-"),
                str(item["stacks"] or "-"),
                state,
                f"{len(item['complianceFailures'])} ({item['waived']} waived)" if checked else "-",
                str(len(item["deployability"])) if checked else "-",
                item["monthlyCost"] or "-",
                str(len(item["deviations"])),
                item["lastGenerated"],
            )
        )
        deviations += [(client, d["path"], d["client"], d["standard"]) for d in item["deviations"]]
        findings += [
            (client, f["check"], f["severity"], f["resource"]) for f in item["complianceFailures"]
        ]
        findings += [
            (client, f["rule"], "deployability", f["resource"]) for f in item["deployability"]
        ]
    return (
        Table(
            f"Fleet: {data['fleet']}",
            (
                "client",
                "cloud",
                "sites",
                "stacks",
                "resources",
                "compliance failures",
                "deployability",
                "monthly cost",
                "deviations",
                "last generated",
            ),
            tuple(rows),
        ),
        Table(
            "Stricter than the standard",
            ("client", "field", "client", "standard"),
            tuple(deviations),
        ),
        Table("Findings", ("client", "check or rule", "severity", "resource"), tuple(findings)),
    ) + ((Table("Problems", ("client", "problem"), tuple(problems)),) if problems else ())


def render_summary(summary: FleetSummary, output_format: str, width: int) -> str:
    """The fleet summary as text, JSON, Markdown (a pull-request comment) or HTML (one
    self-contained page in the approval report's style)."""
    if output_format == "json":
        return json.dumps(summary_data(summary), indent=2) + "\n"
    tables = summary_tables(summary)
    if output_format in ("markdown", "html"):
        suffix = "md" if output_format == "markdown" else "html"
        return render(
            f"fleet/report.{suffix}.jinja",
            fleet=summary.validated.standard.name,
            report_tables=tables,
            cache=list(check_lines(summary.checked)),
        )
    return plain_text(tables, width)
