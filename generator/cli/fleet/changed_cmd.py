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
    "such as origin/main). A null commit (forty zeros: GitHub's `before` of the push that "
    "created the branch) compares with nothing, so every stack counts as changed.",
)
@click.option(
    "--matrix",
    type=click.Choice(["github", "azure-devops"]),
    help="Print only the matrix, on one line, as the CI system takes it (a job output): "
    "GitHub's {\"include\": [...]} or Azure Pipelines' map of job names to variables.",
)
@click.option(
    "--wave",
    type=click.IntRange(0, 1),
    help="With --matrix: only wave 0 (the standard's canary clients) or wave 1 (the rest).",
)
@click.option(
    "--kind",
    type=click.Choice(["core", "site"]),
    help="With --matrix: only core stacks or only site stacks.",
)
def command(
    fleet_dir: Path, since: str, matrix: str | None, wave: int | None, kind: str | None
) -> None:
    """Print, as JSON, the clients and stacks that what changed in DIR since GIT_REF affects:
    a changed stack file is its stack; a changed Pulumi.yaml, __main__.py or requirements.txt
    of a client's project is every stack of that client (the rest of a project, such as its
    handoff sheets, deploys nothing); a changed client profile, or fleet.yaml, is every stack
    of that client, or of every client, unless the project was regenerated too: then its
    stack files say what changed. Uncommitted and untracked files count as changed.

    The JSON has `clients` (each with its stacks, core first), `removed` (stacks whose file
    is gone, a departed client's too: to destroy by hand) and `matrix.include`, one entry
    per stack (client, stack, project, cloud, kind, and wave: 0 for the standard's canary
    clients, 1 for the rest), ordered canaries first, cores before sites.

    \b
    Examples:
      clinicgen fleet changed northstar --since origin/main
      clinicgen fleet changed northstar --since origin/main --matrix github --wave 0 --kind core
    """
    from generator.fleet.changed import changed_data, ci_matrix

    if (wave is not None or kind is not None) and matrix is None:
        raise click.UsageError("--wave and --kind go with --matrix")
    data = changed_data(fleet_dir, since)
    if matrix is not None:
        include = [
            item
            for item in data["matrix"]["include"]
            if wave in (None, item["wave"]) and kind in (None, item["kind"])
        ]
        click.echo(json.dumps(ci_matrix(include, matrix), separators=(",", ":")))
    else:
        click.echo(json.dumps(data, indent=2))
