"""`clinicgen preview`: every resource of every stack, offline, with the compliance and
deployability findings."""

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


@click.command("preview", short_help="Every resource of every stack, offline, and the checks.")
@profile_argument()
@REPORT_FORMAT_OPTION
@LEDGER_OPTION
@STACKS_DIR_OPTION
def command(profile: Path, output_format: str, ledger_path: Path | None, stacks_dir: Path) -> None:
    """Run the Pulumi program for every stack of PROFILE's practice under Pulumi mocks
    (no Pulumi CLI, no credentials, no network) and show what each stack would create:
    resources grouped by the component that owns them, counts by type, the sized inputs
    that matter, the compliance findings and what the cloud would reject (the deployability
    findings; see `clinicgen check`).

    --format json prints {"stacks": [{"name", "resources": [{"urn", "type", "name",
    "parent", "inputs", "dependencies", ...}]}], "findings": [{"check", "severity", "urn",
    "message", ...}], "deployability": {"rules", "findings": [{"rule", "urn", "message",
    "source", ...}]}} with inputs as the provider receives them (camelCase) and, for each
    resource, the URNs of the resources it depends on.

    Exit status: 0 when nothing fails, 1 when any unwaived check or any deployability rule
    fails, 2 for an invalid profile or ledger.

    --format markdown prints a pull-request comment: one row per stack and per failing check,
    each stack's resources folded, the largest folded sections left out (and named) when
    the comment would pass GitHub's 65,536-character limit.

    \b
    Examples:
      clinicgen preview riverside.yaml
      clinicgen preview riverside.yaml --format json > riverside-approved.json
      clinicgen preview riverside.yaml --format markdown > comment.md
    """
    from generator.checks.engine import require_no_failures
    from generator.pipeline import preview_profile
    from generator.preview.comment import preview_comment
    from generator.preview.report import preview_data, render_preview
    from generator.render.layout import output_width

    preview = preview_profile(profile, ledger_path, stacks_dir=stacks_dir, tell=ledger_note)
    if output_format == "json":
        click.echo(json.dumps(preview_data(preview), indent=2, sort_keys=True))
    elif output_format == "markdown":
        click.echo(preview_comment(preview), nl=False)
    else:
        click.echo(render_preview(preview, output_width()), nl=False)
    require_no_failures(preview.compliance, preview.deployability)
