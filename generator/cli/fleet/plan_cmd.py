"""`clinicgen fleet plan`: one row per client of what its plan decides."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.fleet.options import FLEET_ARGUMENT, JOBS_OPTION, progress_bar
from generator.cli.options import format_option


@click.command("plan", short_help="One row per client: stacks, firewall, VPN, retention, RPO.")
@FLEET_ARGUMENT
@JOBS_OPTION
@format_option("text", "json", help_text="text for people, json for machines.")
def command(fleet_dir: Path, jobs: int, output_format: str) -> None:
    """Plan every client of DIR with the allocation ledger its project holds (after `fleet
    generate`), else from scratch, and print one row per client: cloud, sites, stacks, hub
    range, firewall tier, VPN gateway, record retention, backup RPO and monthly cost at
    list prices (as `clinicgen cost` estimates it). Writes nothing;
    `clinicgen plan` on a client's project shows every value with its reason.

    \b
    Examples:
      clinicgen fleet plan northstar
      clinicgen fleet plan northstar --format json
    """
    from generator.fleet.report import plan_report
    from generator.fleet.run import validate_fleet
    from generator.fleet.standard import client_files
    from generator.render.layout import output_width

    with progress_bar(len(client_files(fleet_dir)), "planning") as bar:
        result = validate_fleet(
            fleet_dir, jobs=jobs, progress=lambda: bar.update(1), with_ledgers=True
        )
    click.echo(plan_report(result, output_format, output_width()), nl=False)
    result.require_valid()
