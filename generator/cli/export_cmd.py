"""`clinicgen export`: the practice's stacks in the format scanners read (ARM templates for
Azure, Terraform plan JSON for Google Cloud), optionally scanned with Checkov."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.options import (
    LEDGER_OPTION,
    STACKS_DIR_OPTION,
    ledger_note,
    profile_argument,
)


@click.command("export", short_help="Write the stacks as ARM templates or a Terraform plan JSON.")
@profile_argument()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["arm", "tfplan"]),
    help="arm: one ARM deployment template per stack and resource group (Azure); tfplan: one "
    "Terraform plan JSON per stack (Google Cloud) [default: the practice's cloud's].",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write the export to (one folder per stack).",
)
@click.option(
    "--checkov",
    "checkov",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Then run this Checkov executable (installed in a virtual environment of its own) "
    "over the export and print each stack's passed, failed and waived checks; exit 1 on any "
    "unwaived failure.",
)
@LEDGER_OPTION
@STACKS_DIR_OPTION
def command(
    profile: Path,
    output_format: str | None,
    out_dir: Path,
    checkov: Path | None,
    ledger_path: Path | None,
    stacks_dir: Path,
) -> None:
    """Preview every stack of PROFILE's practice offline (as `clinicgen preview` does) and
    write what it would create in the format security scanners read, so Checkov, Trivy or
    PSRule for Azure can judge it, and `az deployment group what-if` can check an Azure
    template against the real API.

    Azure (--format arm): DIR/<stack>/<resource group>.json for each resource group the
    stack deploys into, and DIR/<stack>/subscription.json for what sits on the subscription
    (resource groups, Defender plans, policy assignments). Secrets are securestring
    parameters without a value. Google Cloud (--format tfplan): DIR/<stack>/plan.json, as
    `terraform show -json` prints a plan, secrets null and marked sensitive.

    DIR/unexpressed.json lists every resource the format cannot express (a generated
    password, an Entra ID policy), also printed on stderr; nothing is dropped silently.
    DIR/scanner-waivers.json lists the scanner checks waived for each resource, with the
    reason, written where Checkov reads them (ARM: the resource's metadata; Terraform plan:
    DIR/<stack>/checkov-waivers.tf, read with --repo-root-for-plan-enrichment).

    Exit status: 0 on success, 1 when --checkov finds an unwaived failure, 2 for an invalid
    profile or a --format of the other cloud.

    \b
    Examples:
      clinicgen export riverside.yaml --out build/export
      checkov -d build/export --framework arm
      clinicgen export harbor.yaml --out build/harbor --checkov ~/checkov/bin/checkov
    """
    from generator.export.practice import export_profile
    from generator.export.report import export_summary

    export = export_profile(
        profile,
        output_format,
        out_dir,
        ledger_path=ledger_path,
        stacks_dir=stacks_dir,
        tell=ledger_note,
    )
    for line in export_summary(export, out_dir):
        click.echo(line)
    for item in export.result.unexpressed:
        click.echo(
            f"not exported: {item.stack}: {item.name} ({item.type}): {item.reason}", err=True
        )
    if checkov is not None:
        from generator.export.scan import require_checkov_passes, run_checkov

        scan = run_checkov(checkov, export.result, out_dir)
        for line in scan.lines():
            click.echo(line)
        require_checkov_passes(scan)
