"""`clinicgen fleet validate`: every client over the standard, and the clashes between them."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.fleet.options import FLEET_ARGUMENT, JOBS_OPTION, progress_bar


@click.command("validate", short_help="Check every client against the standard and each other.")
@FLEET_ARGUMENT
@JOBS_OPTION
def command(fleet_dir: Path, jobs: int) -> None:
    """Check DIR/fleet.yaml and every client in DIR/clients/: each profile merged over the
    standard's defaults and planned as a first generate would, each minimum of the standard
    (a client may tighten one, never loosen it), and the rules across clients: one practice
    id, one Google Cloud project and one VPN peer address per client.

    Problems are printed to stderr as FILE: path.to.field: message (got VALUE), then a
    summary. Exit status is 0 when every client is valid and 2 when any is not.

    \b
    Example:
      clinicgen fleet validate northstar
    """
    from generator.fleet.report import summary_line, validated_lines
    from generator.fleet.run import validate_fleet
    from generator.fleet.standard import client_files

    with progress_bar(len(client_files(fleet_dir)), "validating") as bar:
        result = validate_fleet(fleet_dir, jobs=jobs, progress=lambda: bar.update(1))
    for line in validated_lines(result):
        click.echo(line)
    click.echo(summary_line(result, "valid"))
    result.require_valid()
