"""`clinicgen fleet generate`: each client's Pulumi project, in parallel."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.fleet.options import FLEET_ARGUMENT, JOBS_OPTION, progress_bar
from generator.cli.options import force_option, ledger_note


@click.command("generate", short_help="Write each client's Pulumi project, in parallel.")
@FLEET_ARGUMENT
@JOBS_OPTION
@force_option("Overwrite generated files that were edited by hand.")
def command(fleet_dir: Path, jobs: int, force: bool) -> None:
    """Write each client's self-contained Pulumi project (the `clinicgen generate
    --project-dir` layout) to DIR/projects/<practice>/, with the effective profile (the
    client merged over the standard's defaults) copied into it.

    Every profile and the rules across clients are checked first: when any fails, nothing
    is written. A client that loosens a minimum of the standard is refused before its files
    are written; the others are written. Files whose content did not change are not touched,
    so regenerating an unchanged fleet changes no byte and no modification time. Two runs
    at once lose nothing: a run waits for a client another one is writing, and says so on
    stderr.

    A client is skipped, neither planned nor written, when its project is up to date: its
    record (.clinicgen-generated.json) shows the same effective profile, standard and
    clinicgen, and every file it lists still holds what was written. A file edited by hand
    or deleted makes the client planned again (an edit is refused without --force). The
    last line counts the clients skipped as unchanged and written.

    \b
    Example:
      clinicgen fleet generate northstar --jobs 4
    """
    from generator.fleet.report import generated_lines, summary_line
    from generator.fleet.run import generate_fleet
    from generator.fleet.standard import client_files

    with progress_bar(len(client_files(fleet_dir)), "generating") as bar:
        result = generate_fleet(
            fleet_dir, jobs=jobs, force=force, progress=lambda: bar.update(1), tell=ledger_note
        )
    for line in generated_lines(result):
        click.echo(line)
    click.echo(summary_line(result, "generated"))
    result.require_valid()
