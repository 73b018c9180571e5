"""The `clinicgen` command line: a thin shell over the core functions.

Each command lives in its own module, parses its arguments, calls one core function and prints
the result. This module is the one place where `ClinicgenError`s become messages on stderr and
exit codes; nothing a user can fix ends in a traceback. Everything a command prints goes through
`generator.cli.terminal`: text, never terminal commands, and a failed write is a message.
Commands import their heavy dependencies inside their bodies so that `clinicgen --help` stays
instant.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from generator import __version__
from generator.cli.terminal import terminal_safe_streams
from generator.errors import ClinicgenError

HELP = """Turn a healthcare practice profile into sized, segmented, compliant Pulumi stacks.

\b
A practice profile (YAML) describes the practice's sites, specialties, staff,
telehealth and device counts. clinicgen validates it, sizes networks, identity,
backup and workloads from it, and writes Pulumi stacks for Azure or Google Cloud.

\b
Typical session:
  clinicgen init riverside.yaml          write a commented starter profile
  clinicgen validate riverside.yaml      report every problem at once
  clinicgen plan riverside.yaml          read the sized plan and the reasons
  clinicgen generate riverside.yaml      write stacks/ and site handoff sheets
  clinicgen preview riverside.yaml       every resource, offline, and the checks' findings
  clinicgen diff old.yaml riverside.yaml what a change would create, replace or delete
  clinicgen cost riverside.yaml          the monthly cost range, line by line, with its sources
  clinicgen export riverside.yaml --out x  ARM templates or Terraform plan JSON for scanners
  clinicgen fleet validate northstar     many clients under one MSP standard (fleet --help)

\b
Exit status: 0 success, 1 failure (e.g. a compliance or deployability finding), 2 invalid input
(profile, ledger or arguments), 3 a destructive change refused by diff.
"""


class ClinicgenGroup(click.Group):
    """Click group that turns every ClinicgenError into a clean message and exit status."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Everything printed, clinicgen's errors and click's usage messages too, is text.
        with terminal_safe_streams():
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            # Flushed here, so that a write that fails only now is reported like any other.
            sys.stdout.flush()
            return result
        except ClinicgenError as err:
            for line in err.lines():
                click.echo(line, err=True)
            ctx.exit(err.exit_code)


@click.group(
    cls=ClinicgenGroup,
    help=HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)
@click.version_option(__version__, prog_name="clinicgen")
@click.pass_context
def cli(ctx: click.Context) -> None:
    # `clinicgen` alone is asking what it does: the help, and success (click would exit 2).
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _register() -> None:
    from generator.cli import (
        check_cmd,
        cost_cmd,
        diff_cmd,
        export_cmd,
        fleet,
        generate_cmd,
        init_cmd,
        plan_cmd,
        preview_cmd,
        prices_cmd,
        schema_cmd,
        validate_cmd,
    )

    for module in (
        init_cmd,
        validate_cmd,
        plan_cmd,
        schema_cmd,
        generate_cmd,
        preview_cmd,
        diff_cmd,
        check_cmd,
        cost_cmd,
        prices_cmd,
        export_cmd,
        fleet,
    ):
        cli.add_command(module.command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="clinicgen")
