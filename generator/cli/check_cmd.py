"""`clinicgen check`: the HIPAA-aligned compliance checks over a practice's resource graph."""

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


@click.command("check", short_help="Run the compliance checks over the resources, offline.")
@profile_argument(required=False)
@REPORT_FORMAT_OPTION
@LEDGER_OPTION
@STACKS_DIR_OPTION
@click.option("--list", "list_checks", is_flag=True, help="List every check and exit.")
def command(
    profile: Path | None,
    output_format: str,
    ledger_path: Path | None,
    stacks_dir: Path,
    list_checks: bool,
) -> None:
    """Run the compliance checks over every resource PROFILE's stacks would create, offline,
    and list each finding: check id, severity, resource, property, HIPAA control and fix.

    A check is waived only in the profile, under `waivers:` with the check id, an optional
    resource name and a reason; waived findings are listed with their reason.

    Exit status: 0 when no check fails, 1 when any unwaived check fails, 2 for an invalid
    profile (including a waiver naming an unknown check).

    \b
    Examples:
      clinicgen check riverside.yaml
      clinicgen check riverside.yaml --format json
      clinicgen check --list
    """
    if list_checks:
        _list(output_format)
        return
    if profile is None:
        raise click.UsageError("PROFILE is required (or --list)")
    from generator.checks.engine import require_no_failures
    from generator.pipeline import preview_profile
    from generator.preview.report import findings_data, render_findings

    preview = preview_profile(profile, ledger_path, stacks_dir=stacks_dir, tell=ledger_note)
    report = preview.compliance
    if output_format == "json":
        click.echo(json.dumps(findings_data(report), indent=2, sort_keys=True))
    else:
        click.echo("\n".join(render_findings(report)))
    require_no_failures(report)


def _list(output_format: str) -> None:
    from dataclasses import asdict

    from generator.checks import all_checks

    checks = all_checks()
    if output_format == "json":
        click.echo(json.dumps([asdict(info) for info in checks], indent=2, sort_keys=True))
        return
    for info in checks:
        equivalents = ", ".join(
            f"{label} {value}"
            for label, value in (("Checkov", info.checkov), ("Azure Policy", info.azure_policy))
            if value
        )
        click.echo(f"{info.id}  {info.severity:<8}  {info.title}")
        click.echo(f"    45 CFR {info.control}{f'; {equivalents}' if equivalents else ''}")
