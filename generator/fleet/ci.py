"""`clinicgen fleet pipeline`: CI definitions that make the MSP's own runners the engine that
previews and deploys the fleet.

On a pull request: `clinicgen fleet changed` computes the stacks the change affects; each is
previewed (with the CrossGuard policy pack in the client's project, `policy/`), and the fleet's
check report is posted as a comment. On a merge to the main branch: the changed stacks are
deployed in waves, each wave a job whose matrix runs at most `rollout.max_parallel` stacks at
once and stops at the first failure: the standard's canary clients' core stacks, then their
site stacks, then every other client's cores, then their sites (a site stack reads its core's
outputs). A wave runs only when the one before it did not fail.

Credentials are OpenID Connect, never a stored secret: on GitHub, `azure/login` with a
federated credential and `google-github-actions/auth` with workload identity federation, their
ids read from each client's GitHub environment (named after the practice, where approvals and
the ids live); on Azure Pipelines, an `AzureCLI@2` step through a workload identity service
connection (named after the practice), whose federated token Pulumi's Azure providers read
(`ARM_USE_OIDC`) and Google Cloud exchanges through workload identity federation.

The definitions are built as data and dumped as YAML: GitHub's `${{ }}` expressions would
collide with Jinja's syntax in a template. Action versions and inputs: pulumi/actions v6
(`command`, `stack-name`, `work-dir`, `cloud-url`, `comment-on-pr`, `policyPacks`, `upsert`),
azure/login v2 (`client-id`, `tenant-id`, `subscription-id`; needs `id-token: write`),
google-github-actions/auth v2 (`workload_identity_provider`, `service_account`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator import __version__
from generator.errors import OutputError
from generator.fleet.standard import FleetStandard, load_standard

PULUMI_ACTION = "pulumi/actions@v6"
CHECKOUT = "actions/checkout@v4"
SETUP_PYTHON = "actions/setup-python@v5"
AZURE_LOGIN = "azure/login@v2"
GCP_AUTH = "google-github-actions/auth@v2"
PYTHON = "3.11"
# The waves of a deployment: (job id, wave, stack kind), in order.
WAVES = (
    ("canary-core", 0, "core"),
    ("canary-sites", 0, "site"),
    ("core", 1, "core"),
    ("sites", 1, "site"),
)
GITHUB_PATH = ".github/workflows/clinicgen-fleet.yml"
AZURE_DEVOPS_PATH = "azure-pipelines.yml"
EMPTY_MATRIX = '{"include":[]}'


def _install_clinicgen() -> str:
    return f"python -m pip install 'clinicgen=={__version__}'"


def _changed_step(fleet: str, since: str, ci: str) -> str:
    """The shell that writes one matrix output per wave (and `all`) for `ci`."""
    lines = [
        f'base="{since}"',
        f'echo "all=$(clinicgen fleet changed {fleet} --since "$base" --matrix {ci})"'
        ' >> "$GITHUB_OUTPUT"',
    ]
    for job, wave, kind in WAVES:
        lines.append(
            f'echo "{job}=$(clinicgen fleet changed {fleet} --since "$base" --matrix {ci}'
            f' --wave {wave} --kind {kind})" >> "$GITHUB_OUTPUT"'
        )
    return "\n".join(lines) + "\n"


def _github_setup(fleet: str) -> list[dict[str, Any]]:
    """Checkout, Python, the Pulumi CLI, and the client project's own virtual environment."""
    work_dir = f"{fleet}/${{{{ matrix.project }}}}"
    return [
        {"uses": CHECKOUT},
        {"uses": SETUP_PYTHON, "with": {"python-version": PYTHON}},
        {"name": "Install the Pulumi CLI", "uses": PULUMI_ACTION},
        {"name": "Install the project", "run": "pulumi install", "working-directory": work_dir},
        {
            "name": "Sign in to Azure (OIDC)",
            "if": "matrix.cloud == 'azure'",
            "uses": AZURE_LOGIN,
            "with": {
                "client-id": "${{ vars.AZURE_CLIENT_ID }}",
                "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
                "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
            },
        },
        {
            "name": "Sign in to Google Cloud (workload identity federation)",
            "if": "matrix.cloud == 'gcp'",
            "uses": GCP_AUTH,
            "with": {
                "workload_identity_provider": "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}",
                "service_account": "${{ vars.GCP_SERVICE_ACCOUNT }}",
            },
        },
    ]


def _github_pulumi(fleet: str, command: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": f"pulumi {command}",
        "uses": PULUMI_ACTION,
        "with": {
            "command": command,
            "stack-name": "${{ matrix.stack }}",
            "work-dir": f"{fleet}/${{{{ matrix.project }}}}",
            "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
            "upsert": "true",
            **extra,
        },
        "env": {
            # azure-native reads the runner's OIDC token itself with these.
            "ARM_USE_OIDC": "${{ matrix.cloud == 'azure' }}",
            "ARM_CLIENT_ID": "${{ vars.AZURE_CLIENT_ID }}",
            "ARM_TENANT_ID": "${{ vars.AZURE_TENANT_ID }}",
            "ARM_SUBSCRIPTION_ID": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
        },
    }


def _matrix_job(
    fleet: str, standard: FleetStandard, output: str, steps: list[dict[str, Any]], **job: Any
) -> dict[str, Any]:
    return {
        **job,
        "if": f"${{{{ !failure() && !cancelled() && needs.changed.outputs.{output} != "
        f"'{EMPTY_MATRIX}' }}}}",
        "runs-on": "${{ fromJSON(vars.CLINICGEN_RUNS_ON || '\"ubuntu-latest\"') }}",
        "environment": "${{ matrix.client }}",
        "strategy": {
            "matrix": f"${{{{ fromJSON(needs.changed.outputs.{output}) }}}}",
            "max-parallel": standard.rollout.max_parallel,
            "fail-fast": True,
        },
        "steps": _github_setup(fleet) + steps,
    }


def github_workflow(standard: FleetStandard, fleet: str) -> dict[str, Any]:
    """The GitHub Actions workflow for the fleet at `fleet` (relative to the repository)."""
    changed = {
        "runs-on": "${{ fromJSON(vars.CLINICGEN_RUNS_ON || '\"ubuntu-latest\"') }}",
        "outputs": {
            name: f"${{{{ steps.changed.outputs.{name} }}}}"
            for name in ("all", *(job for job, _, _ in WAVES))
        },
        "steps": [
            {"uses": CHECKOUT, "with": {"fetch-depth": 0}},
            {"uses": SETUP_PYTHON, "with": {"python-version": PYTHON}},
            {"name": "Install clinicgen", "run": _install_clinicgen()},
            {
                "name": "Stacks the change affects",
                "id": "changed",
                "env": {
                    "BASE": "${{ github.event_name == 'pull_request' && "
                    "format('origin/{0}', github.base_ref) || github.event.before }}"
                },
                "run": _changed_step(fleet, "$BASE", "github"),
            },
        ],
    }
    policy = f"{fleet}/${{{{ matrix.project }}}}/policy"
    jobs: dict[str, Any] = {
        "changed": changed,
        "preview": _matrix_job(
            fleet,
            standard,
            "all",
            [_github_pulumi(fleet, "preview", **{"comment-on-pr": "true", "policyPacks": policy})],
            name="preview ${{ matrix.stack }}",
            needs="changed",
        ),
        "report": {
            "if": "github.event_name == 'pull_request'",
            "needs": "changed",
            "runs-on": "${{ fromJSON(vars.CLINICGEN_RUNS_ON || '\"ubuntu-latest\"') }}",
            "steps": [
                {"uses": CHECKOUT},
                {"uses": SETUP_PYTHON, "with": {"python-version": PYTHON}},
                {"name": "Install clinicgen", "run": f"{_install_clinicgen()[:-1]}[all]'"},
                {
                    "name": "Post the fleet's check report",
                    "env": {"GH_TOKEN": "${{ github.token }}"},
                    "run": (
                        f"clinicgen fleet report {fleet} --format markdown > report.md\n"
                        'gh pr comment "${{ github.event.pull_request.number }}" '
                        "--body-file report.md --edit-last --create-if-none\n"
                    ),
                },
            ],
        },
    }
    jobs["preview"]["if"] = (
        "${{ github.event_name == 'pull_request' && "
        f"needs.changed.outputs.all != '{EMPTY_MATRIX}' }}}}"
    )
    previous = "changed"
    for job, _, kind in WAVES:
        jobs[f"deploy-{job}"] = _matrix_job(
            fleet,
            standard,
            job,
            [_github_pulumi(fleet, "up")],
            name=f"deploy {kind} ${{{{ matrix.stack }}}}",
            needs=sorted({"changed", previous}),
        )
        jobs[f"deploy-{job}"]["if"] = jobs[f"deploy-{job}"]["if"].replace(
            "${{ ", "${{ github.event_name == 'push' && "
        )
        previous = f"deploy-{job}"
    return {
        "name": f"clinicgen fleet: {standard.name}",
        "on": {
            "pull_request": {"paths": [f"{fleet}/**"]},
            "push": {"branches": ["main"], "paths": [f"{fleet}/**"]},
        },
        "permissions": {"contents": "read", "id-token": "write", "pull-requests": "write"},
        "concurrency": {"group": "clinicgen-fleet-${{ github.ref }}", "cancel-in-progress": False},
        "jobs": jobs,
    }


def _azure_step(fleet: str, command: str) -> dict[str, Any]:
    """The Pulumi CLI in an AzureCLI@2 script: the service connection's federated token for
    the Azure providers (and Google Cloud's workload identity federation)."""
    work_dir = f"{fleet}/$(project)"
    policy = f" --policy-pack {work_dir}/policy" if command == "preview" else ""
    script = "\n".join(
        [
            "set -euo pipefail",
            'export ARM_USE_OIDC=true ARM_OIDC_TOKEN="$idToken" ARM_CLIENT_ID="$servicePrincipalId"'
            ' ARM_TENANT_ID="$tenantId"',
            'if [ "$(cloud)" = gcp ]; then',
            '  printf %s "$idToken" > "$(Agent.TempDirectory)/oidc-token"',
            "  gcloud iam workload-identity-pools create-cred-config"
            ' "$(GCP_WORKLOAD_IDENTITY_PROVIDER)"'
            ' --service-account="$(GCP_SERVICE_ACCOUNT)"'
            ' --credential-source-file="$(Agent.TempDirectory)/oidc-token"'
            ' --output-file="$(Agent.TempDirectory)/gcp-credentials.json"',
            '  export GOOGLE_APPLICATION_CREDENTIALS="$(Agent.TempDirectory)/gcp-credentials.json"',
            "fi",
            'pulumi login "$(PULUMI_BACKEND_URL)"',
            f"cd {work_dir}",
            "pulumi install",
            'pulumi stack select --create "$(stack)"',
            f'pulumi {command} --stack "$(stack)" --non-interactive'
            + (" --yes" if command == "up" else "")
            + policy,
        ]
    )
    return {
        "task": "AzureCLI@2",
        "displayName": f"pulumi {command} $(stack)",
        "inputs": {
            # One workload identity service connection per client, named after it.
            "azureSubscription": "$(client)",
            "scriptType": "bash",
            "scriptLocation": "inlineScript",
            "addSpnToEnvironment": True,
            "inlineScript": script + "\n",
        },
    }


def _azure_install() -> list[dict[str, Any]]:
    return [
        {"task": "UsePythonVersion@0", "inputs": {"versionSpec": PYTHON}},
        {
            "script": "curl -fsSL https://get.pulumi.com | sh && echo "
            '"##vso[task.prependpath]$HOME/.pulumi/bin"',
            "displayName": "Install the Pulumi CLI",
        },
    ]


def _azure_matrix_job(
    fleet: str, standard: FleetStandard, name: str, output: str, command: str
) -> dict[str, Any]:
    return {
        "job": name.replace("-", "_"),
        "condition": f"ne(stageDependencies.changed.changed.outputs['set.{output}'], '{{}}')",
        "strategy": {
            "matrix": f"$[ stageDependencies.changed.changed.outputs['set.{output}'] ]",
            "maxParallel": str(standard.rollout.max_parallel),
        },
        "pool": {"name": "$(CLINICGEN_POOL)"},
        "steps": [{"checkout": "self"}, *_azure_install(), _azure_step(fleet, command)],
    }


def azure_pipeline(standard: FleetStandard, fleet: str) -> dict[str, Any]:
    """The Azure Pipelines definition for the fleet at `fleet` (relative to the repository)."""
    set_outputs = [
        "set -euo pipefail",
        # A pull request compares with its target; a merge to main with main before it.
        'if [ "$(Build.Reason)" = PullRequest ]; then'
        ' base="origin/${SYSTEM_PULLREQUEST_TARGETBRANCH#refs/heads/}"; else base="HEAD~1"; fi',
    ]
    for output in ("all", *(job for job, _, _ in WAVES)):
        select = "".join(
            f" --wave {wave} --kind {kind}" for job, wave, kind in WAVES if job == output
        )
        set_outputs.append(
            f'echo "##vso[task.setvariable variable={output};isOutput=true]'
            f'$(clinicgen fleet changed {fleet} --since "$base" --matrix azure-devops{select})"'
        )
    changed_stage = {
        "stage": "changed",
        "jobs": [
            {
                "job": "changed",
                "pool": {"name": "$(CLINICGEN_POOL)"},
                "steps": [
                    {"checkout": "self", "fetchDepth": "0"},
                    {"task": "UsePythonVersion@0", "inputs": {"versionSpec": PYTHON}},
                    {"script": _install_clinicgen(), "displayName": "Install clinicgen"},
                    {
                        "script": "\n".join(set_outputs) + "\n",
                        "name": "set",
                        "displayName": "Stacks the change affects",
                    },
                ],
            }
        ],
    }
    preview = {
        "stage": "preview",
        "dependsOn": "changed",
        "condition": "and(succeeded(), eq(variables['Build.Reason'], 'PullRequest'))",
        "jobs": [_azure_matrix_job(fleet, standard, "preview", "all", "preview")],
    }
    stages = [changed_stage, preview]
    previous = "changed"
    for job, _, _ in WAVES:
        stage = f"deploy_{job.replace('-', '_')}"
        stages.append(
            {
                "stage": stage,
                "dependsOn": sorted({"changed", previous}),
                "condition": "and(not(failed()), not(canceled()), "
                "ne(variables['Build.Reason'], 'PullRequest'))",
                "jobs": [_azure_matrix_job(fleet, standard, f"deploy-{job}", job, "up")],
            }
        )
        previous = stage
    return {
        "name": "clinicgen fleet $(Build.BuildId)",
        "trigger": {"branches": {"include": ["main"]}, "paths": {"include": [f"{fleet}/*"]}},
        "pr": {"branches": {"include": ["main"]}, "paths": {"include": [f"{fleet}/*"]}},
        "stages": stages,
    }


def pipeline_text(fleet_dir: Path, ci: str, repository_root: Path | None = None) -> str:
    """The CI definition for `ci` (github | azure-devops), as YAML with a header."""
    standard = load_standard(fleet_dir)
    root = repository_root or Path.cwd()
    try:
        fleet = fleet_dir.resolve().relative_to(root.resolve()).as_posix()
    except ValueError as err:
        raise OutputError(
            f"{fleet_dir}: not inside {root}: run `clinicgen fleet pipeline` from the root of "
            "the repository that holds the fleet, which the CI system checks out"
        ) from err
    if fleet == ".":
        raise OutputError(
            f"{fleet_dir}: is the repository root; keep the fleet in a folder of its own, "
            "which the pipeline's path filters name"
        )
    data = (github_workflow if ci == "github" else azure_pipeline)(standard, fleet)
    header = (
        f"# Generated by `clinicgen fleet pipeline {fleet} --ci {ci}`: change {fleet}/fleet.yaml\n"
        "# (rollout) and run it again rather than editing this file. No secret is stored here:\n"
        "# every credential is OpenID Connect, its ids read from CI variables.\n"
    )
    return header + yaml.dump(data, Dumper=_ScriptDumper, sort_keys=False, width=100)


class _ScriptDumper(yaml.SafeDumper):
    """Shell scripts as literal blocks (`|`), line for line as they run."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ScriptDumper.add_representer(str, _text)
