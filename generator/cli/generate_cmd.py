"""`clinicgen generate`: write the practice's Pulumi stack files and site handoff sheets."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from generator.cli.options import (
    DEFAULT_STACKS_DIR,
    LEDGER_OPTION,
    STACKS_DIR_HELP,
    force_option,
    ledger_note,
    profile_argument,
)


def _source(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    # A path must exist now: pip would only find out when the project is installed.
    if value is None or value == "index" or "://" in value or Path(value).exists():
        return value
    raise click.BadParameter(
        f"not `index`, a URL or an existing path (got {value!r})", param_hint="--clinicgen-source"
    )


@click.command(
    "generate", short_help="Write the stacks, ledger, site handoff sheets and deployment runbook."
)
@profile_argument()
@click.option(
    "--stacks-dir",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_STACKS_DIR,
    show_default=True,
    help=f"{STACKS_DIR_HELP} Here: the stack files, the ledger, the handoff sheets and the "
    "runbook (--out is the same option).",
)
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write a self-contained Pulumi project here instead: Pulumi.yaml (named after the "
    "practice), the program entry, clinicgen's sections of requirements.txt and README.md "
    "(the rest of each is yours), a copy of PROFILE, stacks/ as its stacks directory, and "
    "policy/, a Pulumi policy pack running clinicgen's checks (pulumi preview --policy-pack "
    "policy).",
)
@click.option(
    "--clinicgen-source",
    metavar="SOURCE",
    callback=_source,
    help="With --project-dir: where the project's requirements.txt (and policy/'s) installs "
    "clinicgen from: "
    "`index` (this version from the package index), a pip VCS URL (git+https://...@tag) or "
    "the path of a clinicgen checkout or wheel. Kept in the project for later runs "
    "[default: what the project has, else index].",
)
@LEDGER_OPTION
@force_option("Overwrite generated files that were edited by hand.")
def command(
    profile: Path,
    out_dir: Path,
    project_dir: Path | None,
    clinicgen_source: str | None,
    ledger_path: Path | None,
    force: bool,
) -> None:
    """Write the Pulumi stacks for PROFILE: one core stack file, one stack file per site,
    the allocation ledger (read, then written back with any new allocations), a handoff
    sheet per site for the on-site installer, and the practice's deployment runbook
    (runbook/<practice>.md: roles, providers or APIs, features, the order of the stacks).

    Files whose content did not change are left alone; a generated file edited by hand is
    not overwritten without --force. One run at a time writes a ledger: a second generate of
    the same practice waits (up to 5 minutes) for the first to finish, then plans from the
    ledger the first one wrote. Temporary files a killed run left behind are removed.

    \b
    Examples:
      clinicgen generate riverside.yaml
      clinicgen generate riverside.yaml --out build/stacks
      clinicgen generate riverside.yaml --project-dir ../riverside-infra
      clinicgen generate riverside.yaml --project-dir ../riverside-infra \\
          --clinicgen-source git+https://github.com/example/clinicgen@v0.1.0
    """
    from generator.pipeline import generate_project, generate_stacks

    source = click.get_current_context().get_parameter_source("out_dir")
    if project_dir is not None and source is not ParameterSource.DEFAULT:
        raise click.UsageError(
            "--stacks-dir (--out) and --project-dir exclude each other: a project's stacks go "
            "to DIR/stacks"
        )
    if clinicgen_source is not None and project_dir is None:
        raise click.UsageError("--clinicgen-source goes with --project-dir")
    if project_dir is not None:
        result = generate_project(
            profile,
            project_dir,
            ledger_path=ledger_path,
            force=force,
            source=clinicgen_source,
            tell=ledger_note,
        )
    else:
        result = generate_stacks(
            profile, out_dir, ledger_path=ledger_path, force=force, tell=ledger_note
        )
    for written in result.files:
        click.echo(f"{written.status:<9} {written.path}")
    for stale in result.stale:
        click.echo(
            f"stale     {stale}: its site left the profile; run `pulumi destroy` on that stack, "
            "then delete the file",
            err=True,
        )
    click.echo(
        f"\nrunbook: {result.runbook}: who must hold which role to deploy, what to register or "
        "enable first, and the order to deploy the stacks in, each step with its check"
    )
    commands = result.next_commands()
    project = result.pulumi_project
    if not commands:
        click.echo("\nno stack changed: nothing to preview")
    elif project is None:
        click.echo(
            f"\nnext: no Pulumi project reads {result.stacks_dir} (no Pulumi.yaml beside it names"
            " it as stackConfigDir), so `pulumi` cannot deploy these files where they are; make a"
            " self-contained project from the profile:"
        )
    else:
        click.echo(
            f"\nnext (the Pulumi project {project / 'Pulumi.yaml'} reads these stack files):"
        )
    for line in commands:
        click.echo(f"  {line}")
    click.echo(
        "no secret to set: VPN pre-shared keys are generated by the program, stored in the "
        "practice's key vault or secret manager and exported by each site stack as a secret "
        "output (see the handoff sheets)"
    )
