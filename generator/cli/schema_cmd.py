"""`clinicgen schema`: print the profile's JSON Schema for editors."""

from __future__ import annotations

import click

from generator.cli.options import format_option


@click.command("schema", short_help="Print the profile JSON Schema or reference page.")
@format_option(
    "json",
    "markdown",
    help_text="json: JSON Schema for editors; markdown: the profile reference page.",
)
def command(output_format: str) -> None:
    """Print the JSON Schema (or the reference page) of the practice profile.

    Save it and point a profile at it so editors with the YAML language server
    autocomplete keys and flag mistakes as you type:

    \b
      clinicgen schema > clinicgen.schema.json
      # first line of the profile:
      # yaml-language-server: $schema=clinicgen.schema.json
      clinicgen schema --format markdown > docs/profile.md
    """
    from generator.profile.json_schema import profile_json_schema_text
    from generator.render.profile_reference import profile_reference_markdown

    text = profile_json_schema_text() if output_format == "json" else profile_reference_markdown()
    click.echo(text, nl=False)
