"""`clinicgen schema`: print the profile's JSON Schema for editors."""

from __future__ import annotations

import click


@click.command("schema")
def command() -> None:
    """Print the JSON Schema of the practice profile.

    Save it and point a profile at it so editors with the YAML language server
    autocomplete keys and flag mistakes as you type:

    \b
      clinicgen schema > clinicgen.schema.json
      # first line of the profile:
      # yaml-language-server: $schema=clinicgen.schema.json
    """
    from generator.profile.json_schema import profile_json_schema_text

    click.echo(profile_json_schema_text(), nl=False)
