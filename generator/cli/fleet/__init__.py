"""`clinicgen fleet`: one managed service provider's standard and every client at once.

A fleet folder holds `fleet.yaml` (the standard: defaults and minimums, generator.fleet) and
one practice profile per client in `clients/`. Each subcommand lives in its own module here.
"""

from __future__ import annotations

import click

from generator.cli.fleet import (
    changed_cmd,
    check_cmd,
    generate_cmd,
    init_cmd,
    pipeline_cmd,
    plan_cmd,
    report_cmd,
    validate_cmd,
)


@click.group("fleet", short_help="Validate, plan, generate and check many clients at once.")
def command() -> None:
    """Work on a fleet folder: fleet.yaml (the MSP's standard: defaults a client may omit,
    minimums a client may tighten but never loosen) and one practice profile per client in
    clients/*.yaml. Every subcommand reports every client and every problem, then a summary.

    \b
    Typical session:
      clinicgen fleet init northstar           write a commented starter standard
      clinicgen fleet validate northstar       each client over the standard, and clashes
      clinicgen fleet plan northstar           one row per client: stacks, firewall, VPN, retention
      clinicgen fleet generate northstar       each client's Pulumi project in projects/<practice>/
      clinicgen fleet check northstar          every stack under mocks, cached per stack
      clinicgen fleet changed northstar --since origin/main   what a change affects, as JSON
      clinicgen fleet pipeline northstar --ci github          CI that previews and deploys in waves
      clinicgen fleet report northstar         one row per client: resources, findings, deviations
    """


for module in (
    init_cmd,
    validate_cmd,
    plan_cmd,
    generate_cmd,
    check_cmd,
    changed_cmd,
    pipeline_cmd,
    report_cmd,
):
    command.add_command(module.command)
