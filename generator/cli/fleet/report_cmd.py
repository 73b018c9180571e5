"""`clinicgen fleet report`: one summary of every client."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.fleet.options import FLEET_ARGUMENT, JOBS_OPTION, progress_bar
from generator.cli.options import format_option


@click.command("report", short_help="One row per client: stacks, resources, findings, deviations.")
@FLEET_ARGUMENT
@JOBS_OPTION
@format_option(
    "text",
    "json",
    "markdown",
    "html",
    help_text="text for people (as wide as the terminal, 120 columns when piped), json for "
    "machines, markdown for a pull-request comment, html for one self-contained page in the "
    "approval report's style.",
)
def command(fleet_dir: Path, jobs: int, output_format: str) -> None:
    """Summarise the fleet in DIR: per client its cloud, sites, stacks, resources (its
    generated stacks under mocks, from the `fleet check` cache where it holds them),
    compliance failures and waivers, deployability findings, monthly cost, where it is
    stricter than the standard, and when its stack files were last generated; then the
    deviations and the findings one per row, and the problems of any invalid client (its
    row reads invalid).
    Writes nothing but the check cache; exits 0 whenever it prints the summary, so that a
    pipeline can post it.

    \b
    Examples:
      clinicgen fleet report northstar
      clinicgen fleet report northstar --format markdown > fleet-report.md
      clinicgen fleet report northstar --format html > fleet-report.html
    """
    from generator.fleet.check import check_fleet
    from generator.fleet.report import FleetSummary, last_generated, render_summary
    from generator.fleet.run import project_dir, validate_fleet
    from generator.fleet.standard import client_files
    from generator.render.layout import output_width

    with progress_bar(2 * len(client_files(fleet_dir)), "summarising") as bar:
        validated = validate_fleet(
            fleet_dir, jobs=jobs, with_ledgers=True, progress=lambda: bar.update(1)
        )
        checked = check_fleet(fleet_dir, jobs=jobs, progress=lambda: bar.update(1))
    generated = {
        outcome.file: last_generated(project_dir(fleet_dir, outcome.facts.practice_id))
        for outcome in validated.clients
        if outcome.facts is not None
    }
    summary = FleetSummary(validated, checked, generated)
    click.echo(render_summary(summary, output_format, output_width()), nl=False)
