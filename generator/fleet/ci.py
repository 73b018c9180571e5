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
the ids live); on Azure Pipelines, each client's workload identity federation service
connection (named after the practice) hands its federated token (`AzureCLI@2` with
`addSpnToEnvironment`: `idToken`) to the Pulumi step. Azure Pipelines authorizes service
connections when a run is queued, so each client's connection is named literally in a step of
its own that runs only in that client's matrix legs (a matrix variable cannot name one: the run
fails with "references service connection $(client) which could not be found",
microsoft/azure-pipelines-tasks#12412). Pulumi's Azure providers exchange the token themselves
(`ARM_USE_OIDC`, `ARM_OIDC_TOKEN`, Pulumi ESC azure-login's variables). Google Cloud reads it
through a credential configuration file (AIP-4117 `external_account`, file-sourced, what
`gcloud iam workload-identity-pools create-cred-config --credential-source-file` writes; written
by Python so a self-hosted agent needs no gcloud) named by `GOOGLE_APPLICATION_CREDENTIALS`:
Google's STS exchanges the token (audience `api://AzureADTokenExchange`, which the pool's
provider must allow) and impersonates the client's service account (Google Cloud, "Configure
Workload Identity Federation with deployment pipelines": Azure DevOps pipelines "can use a
Microsoft Entra workload identity federation service connection to obtain an ID token").

The definitions are built as data and dumped as YAML: GitHub's `${{ }}` expressions would
collide with Jinja's syntax in a template. Action versions and inputs: pulumi/actions v6
(`command`, `stack-name`, `work-dir`, `cloud-url`, `comment-on-pr`, `policyPacks`, `upsert`),
azure/login v2 (`client-id`, `tenant-id`, `subscription-id`; needs `id-token: write`),
google-github-actions/auth v2 (`workload_identity_provider`, `service_account`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from generator import __version__
from generator.errors import Problem
from generator.fleet.changed import Client, fleet_clients, repository_root
from generator.fleet.standard import FleetError, FleetStandard, load_standard

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
# What an Azure DevOps project needs before the definition runs, at the head of the file.
AZURE_DEVOPS_SETUP = """#
# Before the first run:
# - Variables CLINICGEN_POOL (the agent pool) and PULUMI_BACKEND_URL.
# - Per client, an Azure Resource Manager service connection with workload identity federation
#   named after its practice id and authorized for this pipeline; its credentials step names it
#   literally, since Azure Pipelines resolves service connections when a run is queued. A new
#   client needs its connection and this file generated again.
# - Google Cloud clients: per client the variables GCP_WORKLOAD_IDENTITY_PROVIDER_<id> and
#   GCP_SERVICE_ACCOUNT_<id> (the practice id with hyphens as underscores). The provider, in a
#   workload identity pool, trusts the connection's token: issuer and subject as the connection's
#   workload identity federation details show them, allowed audience api://AzureADTokenExchange,
#   google.subject=assertion.sub; the service account grants roles/iam.workloadIdentityUser to
#   principal://iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/POOL/
#   subject/SUBJECT. The token lives minutes and the service account's access token an hour, so
#   a `pulumi up` that runs longer than an hour loses its Google credentials.
"""
EMPTY_MATRIX = '{"include":[]}'
# A fleet folder the definitions can name as is: in path filters (Azure Pipelines' schema
# allows no space) and, unquoted, in shell scripts.
PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")


def _install_clinicgen() -> str:
    return f"python -m pip install 'clinicgen=={__version__}'"


def _only_under(
    fleet: str, everything: str, trigger: dict[str, Any], *, include: bool = False
) -> dict[str, Any]:
    """`trigger` narrowed to changes under the fleet's folder (`everything` is the CI's
    wildcard for a folder's whole tree); a fleet at the repository's root is the whole
    repository, so a trigger there has no path filter."""
    if fleet == ".":
        return trigger
    paths = [f"{fleet}/{everything}"]
    return {**trigger, "paths": {"include": paths} if include else paths}


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
            "pull_request": _only_under(fleet, "**", {}),
            "push": _only_under(fleet, "**", {"branches": ["main"]}),
        },
        "permissions": {"contents": "read", "id-token": "write", "pull-requests": "write"},
        "concurrency": {"group": "clinicgen-fleet-${{ github.ref }}", "cancel-in-progress": False},
        "jobs": jobs,
    }


# Where a job keeps the federated token and the Google credential configuration it is read
# through: the agent's temporary directory, emptied after every job, never the repository.
TOKEN_FILE = "$(Agent.TempDirectory)/clinicgen-oidc-token"
GCP_CREDENTIALS_FILE = "$(Agent.TempDirectory)/clinicgen-gcp-credentials.json"
# Google's credential configuration for a file-sourced OIDC token (AIP-4117, the file `gcloud
# iam workload-identity-pools create-cred-config --credential-source-file` writes): Google's
# STS exchanges the token for a federated one, which impersonates the client's service account.
GCP_CREDENTIAL_CONFIG = (
    "import json, os; print(json.dumps({"
    '"type": "external_account", '
    '"audience": "//iam.googleapis.com/" + os.environ["GCP_WORKLOAD_IDENTITY_PROVIDER"], '
    '"subject_token_type": "urn:ietf:params:oauth:token-type:jwt", '
    '"token_url": "https://sts.googleapis.com/v1/token", '
    '"service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/'
    'serviceAccounts/" + os.environ["GCP_SERVICE_ACCOUNT"] + ":generateAccessToken", '
    '"credential_source": {"file": os.environ["CLINICGEN_TOKEN_FILE"]}}))'
)


def azure_variable_suffix(practice_id: str) -> str:
    """A practice id as the end of a pipeline variable's name (letters, digits, underscores):
    practice ids hold no underscore, so the mapping is one to one."""
    return practice_id.replace("-", "_")


def _credentials_step(client: str, cloud: str) -> dict[str, Any]:
    """One client's federated credentials, for the job's later steps. The service connection
    is named literally: Azure Pipelines authorizes a pipeline's service connections when a run
    is queued, before any matrix variable has a value, so `$(client)` cannot name one."""
    lines = [
        "set -euo pipefail",
        # Secret: masked in logs, and handed only to the step that maps it into its env.
        'echo "##vso[task.setvariable variable=CLINICGEN_OIDC_TOKEN;issecret=true]$idToken"',
        f'echo "##vso[task.setvariable variable=CLINICGEN_CREDENTIALS_OF]{client}"',
    ]
    if cloud == "azure":
        lines += [
            'echo "##vso[task.setvariable variable=ARM_CLIENT_ID]$servicePrincipalId"',
            'echo "##vso[task.setvariable variable=ARM_TENANT_ID]$tenantId"',
            'echo "##vso[task.setvariable variable=ARM_SUBSCRIPTION_ID]'
            '$(az account show --query id --output tsv)"',
        ]
    else:
        suffix = azure_variable_suffix(client)
        lines += [
            'echo "##vso[task.setvariable variable=GCP_WORKLOAD_IDENTITY_PROVIDER]'
            f'$(GCP_WORKLOAD_IDENTITY_PROVIDER_{suffix})"',
            'echo "##vso[task.setvariable variable=GCP_SERVICE_ACCOUNT]'
            f'$(GCP_SERVICE_ACCOUNT_{suffix})"',
        ]
    return {
        "task": "AzureCLI@2",
        "displayName": f"Federated credentials of {client}",
        "condition": f"and(succeeded(), eq(variables['client'], '{client}'))",
        "inputs": {
            # The client's workload identity federation service connection, named after it.
            "azureSubscription": client,
            "scriptType": "bash",
            "scriptLocation": "inlineScript",
            "addSpnToEnvironment": True,
            "inlineScript": "\n".join(lines) + "\n",
        },
    }


def _azure_step(fleet: str, command: str) -> dict[str, Any]:
    """The Pulumi CLI with the credentials the client's step left: Azure's providers exchange
    the federated token themselves (`ARM_USE_OIDC`, `ARM_OIDC_TOKEN`); Google Cloud's read a
    credential configuration through `GOOGLE_APPLICATION_CREDENTIALS`."""
    work_dir = f"{fleet}/$(project)"
    policy = f" --policy-pack {work_dir}/policy" if command == "preview" else ""
    script = "\n".join(
        [
            "set -euo pipefail",
            # An unset secret would reach the script as its own macro text, so a plain
            # variable says whose credentials the job holds.
            'if [ "${CLINICGEN_CREDENTIALS_OF:-}" != "$(client)" ]; then',
            '  echo "##vso[task.logissue type=error]No credentials step for client $(client):'
            ' run clinicgen fleet pipeline again since the client was added"',
            "  exit 1",
            "fi",
            'if [ "$(cloud)" = azure ]; then',
            '  export ARM_USE_OIDC=true ARM_OIDC_TOKEN="$CLINICGEN_OIDC_TOKEN"',
            "else",
            '  case "${GCP_WORKLOAD_IDENTITY_PROVIDER:-}" in',
            "    projects/*/locations/global/workloadIdentityPools/*/providers/*) ;;",
            '    *) echo "##vso[task.logissue type=error]Set the pipeline variables'
            " GCP_WORKLOAD_IDENTITY_PROVIDER_<client> (projects/NUMBER/locations/global/"
            "workloadIdentityPools/POOL/providers/PROVIDER) and GCP_SERVICE_ACCOUNT_<client>"
            ' for $(client)"; exit 1 ;;',
            "  esac",
            "  umask 077",
            f'  export CLINICGEN_TOKEN_FILE="{TOKEN_FILE}"',
            '  printf %s "$CLINICGEN_OIDC_TOKEN" > "$CLINICGEN_TOKEN_FILE"',
            f"  python -c '{GCP_CREDENTIAL_CONFIG}' > \"{GCP_CREDENTIALS_FILE}\"",
            f'  export GOOGLE_APPLICATION_CREDENTIALS="{GCP_CREDENTIALS_FILE}"',
            "fi",
            'pulumi login "$(PULUMI_BACKEND_URL)"',
            f"cd {work_dir}",
            'pulumi stack select --create "$(stack)"',
            f'pulumi {command} --stack "$(stack)" --non-interactive'
            + (" --yes" if command == "up" else "")
            + policy,
        ]
    )
    return {
        "script": script + "\n",
        "displayName": f"pulumi {command} $(stack)",
        # A secret variable reaches a script only where a step maps it.
        "env": {"CLINICGEN_OIDC_TOKEN": "$(CLINICGEN_OIDC_TOKEN)"},
    }


def _azure_install(fleet: str) -> list[dict[str, Any]]:
    """Python, the Pulumi CLI and the client project's dependencies, before any credential:
    the federated token is short-lived, so it is fetched just before Pulumi runs."""
    return [
        {"task": "UsePythonVersion@0", "inputs": {"versionSpec": PYTHON}},
        {
            "script": "curl -fsSL https://get.pulumi.com | sh && echo "
            '"##vso[task.prependpath]$HOME/.pulumi/bin"',
            "displayName": "Install the Pulumi CLI",
        },
        {
            "script": "pulumi install",
            "workingDirectory": f"{fleet}/$(project)",
            "displayName": "Install the project",
        },
    ]


def _azure_matrix_job(
    fleet: str,
    standard: FleetStandard,
    name: str,
    output: str,
    command: str,
    clients: list[tuple[str, str]],
) -> dict[str, Any]:
    credentials = [_credentials_step(client, cloud) for client, cloud in clients]
    return {
        "job": name.replace("-", "_"),
        "condition": f"ne(stageDependencies.changed.changed.outputs['set.{output}'], '{{}}')",
        "strategy": {
            "matrix": f"$[ stageDependencies.changed.changed.outputs['set.{output}'] ]",
            "maxParallel": str(standard.rollout.max_parallel),
        },
        "pool": {"name": "$(CLINICGEN_POOL)"},
        "steps": [
            {"checkout": "self"},
            *_azure_install(fleet),
            *credentials,
            _azure_step(fleet, command),
        ],
    }


def azure_pipeline(
    standard: FleetStandard, fleet: str, clients: list[Client] | None = None
) -> dict[str, Any]:
    """The Azure Pipelines definition for the fleet at `fleet` (relative to the repository),
    with a credentials step for each of its `clients` in the jobs of their wave."""

    def in_wave(wave: int | None) -> list[tuple[str, str]]:
        return [
            (client.facts.practice_id, client.facts.cloud)
            for client in clients or []
            if wave is None or wave == (0 if client.canary else 1)
        ]

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
        "jobs": [_azure_matrix_job(fleet, standard, "preview", "all", "preview", in_wave(None))],
    }
    stages = [changed_stage, preview]
    previous = "changed"
    for job, wave, _ in WAVES:
        stage = f"deploy_{job.replace('-', '_')}"
        stages.append(
            {
                "stage": stage,
                "dependsOn": sorted({"changed", previous}),
                "condition": "and(not(failed()), not(canceled()), "
                "ne(variables['Build.Reason'], 'PullRequest'))",
                "jobs": [
                    _azure_matrix_job(fleet, standard, f"deploy-{job}", job, "up", in_wave(wave))
                ],
            }
        )
        previous = stage
    return {
        "name": "clinicgen fleet $(Build.BuildId)",
        "trigger": _only_under(fleet, "*", {"branches": {"include": ["main"]}}, include=True),
        "pr": _only_under(fleet, "*", {"branches": {"include": ["main"]}}, include=True),
        "stages": stages,
    }


def default_path(fleet_dir: Path, ci: str) -> Path:
    """Where the CI system reads its definition: under the top of the fleet's repository."""
    return repository_root(fleet_dir) / (GITHUB_PATH if ci == "github" else AZURE_DEVOPS_PATH)


def pipeline_text(fleet_dir: Path, ci: str) -> str:
    """The CI definition for `ci` (github | azure-devops), as YAML with a header; paths in it
    are relative to the top of the git repository that holds the fleet."""
    standard = load_standard(fleet_dir)
    root = repository_root(fleet_dir)
    fleet = fleet_dir.resolve().relative_to(root.resolve()).as_posix()
    if not PLAIN_PATH.fullmatch(fleet):
        raise FleetError(
            [
                Problem(
                    str(fleet_dir),
                    "",
                    f"the fleet's folder in its repository, {fleet!r}, has a character its CI "
                    "definition cannot carry in path filters and scripts (Azure Pipelines "
                    "allows no space in a path filter): rename it with letters, digits, '.', "
                    "'_', '-' and '/' only",
                )
            ]
        )
    if ci == "github":
        data = github_workflow(standard, fleet)
    else:
        data = azure_pipeline(standard, fleet, fleet_clients(fleet_dir, standard))
    header = (
        f"# Generated by `clinicgen fleet pipeline {fleet} --ci {ci}`: change {fleet}/fleet.yaml\n"
        "# (rollout) and run it again rather than editing this file. No secret is stored here:\n"
        "# every credential is OpenID Connect, its ids read from CI variables.\n"
    )
    if ci == "azure-devops":
        header += AZURE_DEVOPS_SETUP.format(fleet=fleet)
    return header + yaml.dump(data, Dumper=_ScriptDumper, sort_keys=False, width=100)


class _ScriptDumper(yaml.SafeDumper):
    """Shell scripts as literal blocks (`|`), line for line as they run."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ScriptDumper.add_representer(str, _text)
