"""`clinicgen fleet check`: every client's stacks under mocks, cached per stack."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.fleet.options import FLEET_ARGUMENT, JOBS_OPTION, progress_bar


@click.command("check", short_help="Run every stack under mocks and check it, cached per stack.")
@FLEET_ARGUMENT
@JOBS_OPTION
@click.option(
    "--no-cache",
    is_flag=True,
    help="Run every stack, reading nothing from DIR/.clinicgen-cache and writing nothing to it.",
)
def command(fleet_dir: Path, jobs: int, no_cache: bool) -> None:
    """Run each client's generated stacks (DIR/projects/<practice>/stacks) under Pulumi mocks,
    the core stack first, and check them: the compliance checks with the client's waivers
    and the deployability rules, as `clinicgen check` does for one practice.

    Each stack's run and each client's findings are cached in DIR/.clinicgen-cache, keyed by
    the stack file, the core's outputs (for a site stack), clinicgen's program and catalogs,
    and the Pulumi SDK versions: after a change only the stacks it affects run again. The
    last lines say how many stacks came from the cache and how many ran.

    Exit status: 0 when every client passes, 1 when any has a compliance failure or a
    deployability finding, 2 when a client cannot be checked (run `fleet generate` first).

    \b
    Examples:
      clinicgen fleet check northstar
      clinicgen fleet check northstar --no-cache --jobs 2
    """
    from generator.fleet.check import check_fleet
    from generator.fleet.report import check_lines
    from generator.fleet.standard import client_files

    with progress_bar(len(client_files(fleet_dir)), "checking") as bar:
        result = check_fleet(
            fleet_dir, jobs=jobs, use_cache=not no_cache, progress=lambda: bar.update(1)
        )
    for line in check_lines(result):
        click.echo(line)
    result.require_passing()
