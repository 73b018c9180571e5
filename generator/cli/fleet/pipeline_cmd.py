"""`clinicgen fleet pipeline`: the CI definition that previews and deploys the fleet."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.fleet.options import FLEET_ARGUMENT


@click.command(
    "pipeline", short_help="Write the CI definition that previews and deploys the fleet."
)
@FLEET_ARGUMENT
@click.option(
    "--ci",
    type=click.Choice(["github", "azure-devops"]),
    required=True,
    help="github: a GitHub Actions workflow; azure-devops: an Azure Pipelines definition.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write it here [default: .github/workflows/clinicgen-fleet.yml or "
    "azure-pipelines.yml at the top of the git repository that holds DIR].",
)
def command(fleet_dir: Path, ci: str, out: Path | None) -> None:
    """Write the CI definition for the fleet in DIR, for the MSP's own runners.

    On a pull request it previews only the stacks the change affects (`clinicgen fleet
    changed`), with the CrossGuard policy pack in each client's project (policy/), and posts
    the fleet report as a comment. On a merge to main it deploys the changed stacks in
    waves: the standard's canary clients (rollout.canary) first, each client's core stacks
    before its sites, at most rollout.max_parallel at once, stopping at the first failure.

    Credentials are OpenID Connect only, nothing stored: GitHub environments named after
    each practice hold AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID (a federated
    credential) or GCP_WORKLOAD_IDENTITY_PROVIDER and GCP_SERVICE_ACCOUNT, and
    PULUMI_BACKEND_URL; on Azure Pipelines, one workload identity federation service
    connection per practice, named after it and in the definition (run this again when a
    client is added), and the pipeline variables CLINICGEN_POOL, PULUMI_BACKEND_URL and, per
    Google Cloud client, GCP_WORKLOAD_IDENTITY_PROVIDER_<id> and GCP_SERVICE_ACCOUNT_<id>
    (hyphens as underscores); the definition's first lines say how Google Cloud trusts the
    connection's token.

    \b
    Examples:
      clinicgen fleet pipeline northstar --ci github
      clinicgen fleet pipeline northstar --ci azure-devops --out azure-pipelines.yml
    """
    from generator.fleet.ci import default_path, pipeline_text
    from generator.write import write_text

    path = out or default_path(fleet_dir, ci)
    changed = write_text(path, pipeline_text(fleet_dir, ci))
    click.echo(f"{'wrote' if changed else 'unchanged'} {path}")
