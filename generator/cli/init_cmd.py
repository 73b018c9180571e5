"""`clinicgen init`: write a commented starter profile (and the JSON Schema editors use)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from generator.cli.options import force_option, profile_argument
from generator.profile.schema import SLUG_HINT, SLUG_PATTERN


def _slug(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not re.match(SLUG_PATTERN, value):
        raise click.BadParameter(f"must be {SLUG_HINT} (got {value!r})")
    return value


@click.command("init", short_help="Write a commented starter profile.")
@profile_argument(required=False, default=Path("profile.yaml"))
@click.option(
    "--cloud",
    type=click.Choice(["azure", "gcp"]),
    default="azure",
    show_default=True,
    help="Cloud the practice deploys to.",
)
@click.option(
    "--id",
    "practice_id",
    default="my-practice",
    show_default=True,
    callback=_slug,
    help="Practice slug; stack and resource names derive from it.",
)
@click.option(
    "--name",
    "practice_name",
    default="My Practice",
    show_default=True,
    help="Practice display name.",
)
@force_option("Overwrite PROFILE if it exists.")
def command(profile: Path, cloud: str, practice_id: str, practice_name: str, force: bool) -> None:
    """Write a commented starter profile to PROFILE (default: profile.yaml).

    Also writes clinicgen.schema.json beside it, which the profile's first line points
    to so that editors with the YAML language server complete keys and flag mistakes.

    \b
    Examples:
      clinicgen init riverside.yaml --id riverside --name "Riverside Family Health"
      clinicgen init harbor.yaml --cloud gcp --id harbor
    """
    from generator.profile.json_schema import SCHEMA_FILE, profile_json_schema_text
    from generator.render.starter_profile import starter_profile
    from generator.write import write_text

    if profile.exists() and not force:
        raise click.UsageError(f"{profile} exists; pass --force to overwrite it")
    text = starter_profile(profile, cloud, practice_id, practice_name, SCHEMA_FILE)
    write_text(profile, text)
    write_text(profile.parent / SCHEMA_FILE, profile_json_schema_text())
    click.echo(f"wrote {profile} and {profile.parent / SCHEMA_FILE}")
    click.echo("next: replace the placeholder identity groups and the example site, then run")
    click.echo(f"  clinicgen validate {profile}")
