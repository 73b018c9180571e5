"""`clinicgen report`: the approval report, one document an architect approves a plan from."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.options import (
    LEDGER_OPTION,
    STACKS_DIR_OPTION,
    format_option,
    ledger_note,
    profile_argument,
)


@click.command("report", short_help="The approval report: summary, diagram, decisions, findings.")
@profile_argument()
@click.option(
    "--approved",
    type=click.Path(exists=True, path_type=Path),
    help="What was approved last, to report the change against: a profile, a directory of "
    "generated stack files or a saved `clinicgen preview --format json`.",
)
@format_option(
    "html",
    "markdown",
    help_text="html: one self-contained file (inline SVG diagram, no script, prints to PDF); "
    "markdown: a pull-request comment under GitHub's 65,536-character limit (Mermaid diagram, "
    "the detail folded).",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (whole, or not at all) instead of standard output.",
)
@LEDGER_OPTION
@STACKS_DIR_OPTION
def command(
    profile: Path,
    approved: Path | None,
    output_format: str,
    out_file: Path | None,
    ledger_path: Path | None,
    stacks_dir: Path,
) -> None:
    """Write the approval report of PROFILE's practice: 1 a summary (practice, cloud and
    regions, sites, stacks, resources, compliance and deployability status, and what needs a
    decision: failures, waivers, destructive changes, the runbook's prerequisites); 2 the
    network diagram (each site's segments and tunnel, the hub's subnets and workloads, the
    allowed flows; everything else denied) and the flow matrix; 3 the monthly cost, and its
    change against --approved line by line; 4 the plan's key decisions with their rule ids
    and reasons; 5 the compliance and deployability findings,
    waivers with their reasons and the HIPAA control of every check; 6 against --approved,
    what is created, updated, replaced or deleted, protected resources and the
    destructive-change gate (as `clinicgen diff` reads OLD); 7 the resource inventory.

    The stacks run offline under Pulumi mocks, as `clinicgen preview` runs them. The same
    profile gives the same report, byte for byte.

    Exit status: 0 when the report is written, whatever it finds (it says what fails); 2 for
    invalid input.

    \b
    Examples:
      clinicgen report riverside.yaml --out riverside-approval.html
      clinicgen report riverside.yaml --approved stacks/ --format markdown > comment.md
    """
    from generator.pipeline import approval_inputs
    from generator.report.build import approval_report
    from generator.report.render import report_html, report_markdown
    from generator.write import write_text

    inputs = approval_inputs(
        profile, approved, ledger_path, stacks_dir=stacks_dir, tell=ledger_note
    )
    report = approval_report(inputs)
    text = report_html(report) if output_format == "html" else report_markdown(report)
    if out_file is None:
        click.echo(text, nl=False)
    else:
        write_text(out_file, text)
        click.echo(f"wrote {out_file}", err=True)
