"""`clinicgen validate`: check profiles and report every problem at once."""

from __future__ import annotations

from pathlib import Path

import click

from generator.errors import ProfileError


@click.command("validate", short_help="Check profiles; report every problem at once.")
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path))
def command(profiles: tuple[Path, ...]) -> None:
    """Check each PROFILE and report every problem, one per line.

    Each profile is also planned as a first `generate` would plan it, so an address pool too
    small for the sites is reported here, at practice.address_pool, and so is every
    per-practice ceiling of its cloud a first run would pass (VPN tunnels per gateway, BGP
    peers per Cloud Router, rules per NSG, rule priority bands).

    Problems are printed to stderr as FILE: path.to.field: message (got VALUE).
    Exit status is 0 when every profile is valid and 2 when any is not.

    \b
    Examples:
      clinicgen validate riverside.yaml
      clinicgen validate examples/*.yaml
    """
    from generator.pipeline import validate_profile

    problems = []
    for path in profiles:
        try:
            profile = validate_profile(path)
        except ProfileError as err:
            problems.extend(err.problems)
            continue
        sites = len(profile.sites)
        click.echo(
            f"{path}: ok ({profile.practice.id}, {profile.practice.cloud}, "
            f"{sites} site{'s' if sites != 1 else ''})"
        )
    if problems:
        raise ProfileError(problems)
