"""`clinicgen fleet changed`: the clients and stacks a change affects, for a CI matrix."""

from __future__ import annotations

import json
from pathlib import Path

import click

from generator.cli.fleet.options import FLEET_ARGUMENT


@click.command("changed", short_help="The clients and stacks a change affects, as JSON.")
@FLEET_ARGUMENT
@click.option(
    "--since",
    metavar="GIT_REF",
    required=True,
    help="Compare with the merge base of GIT_REF and HEAD (a pull request's target branch, "
    "such as origin/main).",
)
@click.option(
    "--matrix",
    is_flag=True,
    help='Print only the matrix, {"include": [...]}, on one line (for a CI output).',
)
def command(fleet_dir: Path, since: str, matrix: bool) -> None:
    """Print, as JSON, the clients and stacks that what changed in DIR since GIT_REF affects:
    a changed stack file is its stack; a changed client profile, or anything else in a
    client's project, is every stack of that client; a changed fleet.yaml is every stack.
    Uncommitted and untracked files count as changed.

    The JSON has `clients` (each with its stacks, core first), `removed` (stacks whose file
    is gone: to destroy by hand) and `matrix.include`, one entry per stack (client, stack,
    project, cloud, kind, and wave: 0 for the standard's canary clients, 1 for the rest),
    ordered canaries first, cores before sites.

    \b
    Examples:
      clinicgen fleet changed northstar --since origin/main
      clinicgen fleet changed northstar --since origin/main --matrix
    """
    from generator.fleet.changed import changed_data

    data = changed_data(fleet_dir, since)
    if matrix:
        click.echo(json.dumps(data["matrix"], separators=(",", ":")))
    else:
        click.echo(json.dumps(data, indent=2))
