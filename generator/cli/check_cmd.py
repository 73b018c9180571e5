"""`clinicgen check`: the HIPAA-aligned compliance checks and the deployability rules over a
practice's resource graph."""

from __future__ import annotations

import json
from pathlib import Path

import click

from generator.cli.options import (
    LEDGER_OPTION,
    REPORT_FORMAT_OPTION,
    STACKS_DIR_OPTION,
    ledger_note,
    profile_argument,
)


@click.command("check", short_help="Run the compliance checks and deployability rules, offline.")
@profile_argument(required=False)
@REPORT_FORMAT_OPTION
@LEDGER_OPTION
@STACKS_DIR_OPTION
@click.option(
    "--list", "list_checks", is_flag=True, help="List every check and deployability rule and exit."
)
def command(
    profile: Path | None,
    output_format: str,
    ledger_path: Path | None,
    stacks_dir: Path,
    list_checks: bool,
) -> None:
    """Run the compliance checks and the deployability rules over every resource PROFILE's
    stacks would create, offline, and list each finding: check or rule id, resource, property,
    the fix, and the HIPAA control (compliance) or the cloud's documentation (deployability).

    A compliance check is waived only in the profile, under `waivers:` with the check id, an
    optional resource name and a reason; waived findings are listed with their reason. A
    deployability rule says what the cloud would reject or what would not work: no waiver
    applies to it.

    Exit status: 0 when nothing fails, 1 when any unwaived check or any deployability rule
    fails, 2 for an invalid profile (including a waiver naming an unknown check).

    --format markdown prints a pull-request comment: one row per failing check or rule, every
    finding folded. --list prints text, or json with --format json.

    \b
    Examples:
      clinicgen check riverside.yaml
      clinicgen check riverside.yaml --format json
      clinicgen check riverside.yaml --format markdown > comment.md
      clinicgen check --list
    """
    if list_checks:
        _list(output_format)
        return
    if profile is None:
        raise click.UsageError("PROFILE is required (or --list)")
    from generator.checks.engine import require_no_failures
    from generator.pipeline import preview_profile
    from generator.preview.comment import check_comment
    from generator.preview.report import findings_data, render_checks
    from generator.render.layout import output_width

    preview = preview_profile(profile, ledger_path, stacks_dir=stacks_dir, tell=ledger_note)
    report, deployability = preview.compliance, preview.deployability
    if output_format == "json":
        click.echo(json.dumps(findings_data(report, deployability), indent=2, sort_keys=True))
    elif output_format == "markdown":
        stacks = preview.stacks
        click.echo(
            check_comment(report, deployability, stacks.practice_id, stacks.source), nl=False
        )
    else:
        click.echo("\n".join(render_checks(report, deployability, output_width())))
    require_no_failures(report, deployability)


def _list(output_format: str) -> None:
    from dataclasses import asdict

    from generator.checks import all_checks
    from generator.checks.deployability import all_rules
    from generator.render.layout import labelled, output_width, wrap

    checks, rules = all_checks(), all_rules()
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    "compliance": [asdict(info) for info in checks],
                    "deployability": [asdict(info) for info in rules],
                },
                indent=2,
                sort_keys=True,
            )
        )
        return
    width = output_width()
    lines = wrap(
        f"Compliance checks ({len(checks)}): HIPAA-aligned controls, waivable with a reason", width
    )
    for info in checks:
        equivalents = ", ".join(
            f"{label} {value}"
            for label, value in (("Checkov", info.checkov), ("Azure Policy", info.azure_policy))
            if value
        )
        lines += labelled(f"{info.id}  {info.severity:<8}  ", info.title, width)
        lines += wrap(
            f"45 CFR {info.control}{f'; {equivalents}' if equivalents else ''}", width, "    "
        )
    lines.append("")
    lines += wrap(
        f"Deployability rules ({len(rules)}): what the cloud would reject or what would not "
        "work; no waiver applies",
        width,
    )
    for rule in rules:
        lines += labelled(f"{rule.id}  ", rule.title, width)
        lines += wrap(rule.source, width, "    ")
    click.echo("\n".join(lines))
