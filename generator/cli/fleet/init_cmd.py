"""`clinicgen fleet init`: write a commented starter standard and the clients folder."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.fleet.options import FLEET_ARGUMENT
from generator.cli.options import force_option


@click.command("init", short_help="Write a commented starter fleet standard.")
@FLEET_ARGUMENT
@click.option(
    "--name",
    default="My MSP clients",
    show_default=True,
    help="The fleet's display name (fleet.name).",
)
@force_option("Overwrite DIR/fleet.yaml if it exists.")
def command(fleet_dir: Path, name: str, force: bool) -> None:
    """Write DIR/fleet.yaml, a commented starter standard, and create DIR/clients/.

    \b
    Examples:
      clinicgen fleet init northstar --name "Northstar IT clients"
      clinicgen init northstar/clients/riverside.yaml --id riverside
    """
    from generator.fleet.starter import write_starter

    written = write_starter(fleet_dir, name, force=force)
    click.echo(f"wrote {written}")
    click.echo(
        f"next: replace the placeholder msp_operators group, add one profile per client in "
        f"{fleet_dir / 'clients'}, then run"
    )
    click.echo(f"  clinicgen fleet validate {fleet_dir}")
