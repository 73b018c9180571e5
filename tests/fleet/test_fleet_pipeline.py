"""`clinicgen fleet pipeline`: CI definitions that pass GitHub's and Azure Pipelines' schemas,
deploy in waves and hold no secret."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.fleet.ci import pipeline_text
from tests.fleet.conftest import edit_yaml

SCHEMAS = {
    "github": ["--builtin-schema", "vendor.github-workflows"],
    "azure-devops": ["--builtin-schema", "vendor.azure-pipelines", "--regex-variant", "python"],
}


@pytest.fixture
def repository(fleet: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small fleet as the `fleet/` folder of a git repository, the current directory."""
    edit_yaml(fleet / "fleet.yaml", lambda d: d["rollout"].update(max_parallel=3))
    subprocess.run(["git", "init", "-q", str(fleet.parent)], check=True)
    monkeypatch.chdir(fleet.parent)
    return fleet.parent


@pytest.mark.parametrize("ci", ["github", "azure-devops"])
def test_pipeline_passes_its_ci_schema(repository: Path, run_cli, ci: str) -> None:
    out = repository / f"{ci}.yml"
    result = run_cli("fleet", "pipeline", "fleet", "--ci", ci, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote {out}\n"
    checker = Path(sys.executable).parent / "check-jsonschema"
    checked = subprocess.run(
        [str(checker), *SCHEMAS[ci], str(out)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    again = run_cli("fleet", "pipeline", "fleet", "--ci", ci, "--out", out)
    assert again.stdout == f"unchanged {out}\n"


def test_github_deploys_in_waves_with_oidc_and_no_secret(repository: Path) -> None:
    text = pipeline_text(repository / "fleet", "github")
    assert "secrets." not in text
    workflow = yaml.safe_load(text)
    assert workflow["permissions"]["id-token"] == "write"
    jobs = workflow["jobs"]
    waves = ["deploy-canary-core", "deploy-canary-sites", "deploy-core", "deploy-sites"]
    assert [job for job in jobs if job.startswith("deploy-")] == waves
    for before, after in zip(["changed", *waves], waves, strict=False):
        assert before in jobs[after]["needs"]
        assert jobs[after]["strategy"]["max-parallel"] == 3
        assert jobs[after]["strategy"]["fail-fast"] is True
        assert "!failure()" in jobs[after]["if"]
    steps = jobs["preview"]["steps"]
    preview = next(step for step in steps if step.get("with", {}).get("command") == "preview")
    assert preview["uses"] == "pulumi/actions@v6"
    assert preview["with"]["policyPacks"] == "fleet/${{ matrix.project }}/policy"
    logins = {
        step["uses"]
        for step in steps
        if "login" in step.get("uses", "") or "auth" in step.get("uses", "")
    }
    assert logins == {"azure/login@v2", "google-github-actions/auth@v2"}
    assert "--wave 0 --kind core" in jobs["changed"]["steps"][-1]["run"]


def _azure_jobs(repository: Path) -> dict[str, dict[str, Any]]:
    pipeline = yaml.safe_load(pipeline_text(repository / "fleet", "azure-devops"))
    return {job["job"]: job for stage in pipeline["stages"] for job in stage["jobs"]}


def test_azure_devops_stages_deploy_in_waves(repository: Path) -> None:
    text = pipeline_text(repository / "fleet", "azure-devops")
    pipeline = yaml.safe_load(text)
    stages = [stage["stage"] for stage in pipeline["stages"]]
    assert stages == [
        "changed",
        "preview",
        "deploy_canary_core",
        "deploy_canary_sites",
        "deploy_core",
        "deploy_sites",
    ]
    job = pipeline["stages"][2]["jobs"][0]
    assert job["strategy"]["maxParallel"] == "3"
    step = job["steps"][-1]
    assert 'pulumi up --stack "$(stack)" --non-interactive --yes' in step["script"]


def test_azure_devops_names_every_service_connection_literally(repository: Path) -> None:
    """Azure Pipelines authorizes service connections when a run is queued, before a matrix
    variable has a value: `azureSubscription: $(client)` fails the whole run ("references
    service connection $(client) which could not be found"). Each client's credentials step
    names its connection, and runs only in its client's legs, in the jobs of its wave."""
    jobs = _azure_jobs(repository)
    canary = {"maple-grove", "cedar-ortho"}
    every = {"maple-grove", "riverside", "cedar-ortho"}
    expected = {
        "preview": every,
        "deploy_canary_core": canary,
        "deploy_canary_sites": canary,
        "deploy_core": every - canary,
        "deploy_sites": every - canary,
    }
    for name, clients in expected.items():
        steps = [s for s in jobs[name]["steps"] if s.get("task") == "AzureCLI@2"]
        assert {s["inputs"]["azureSubscription"] for s in steps} == clients, name
        for step in steps:
            client = step["inputs"]["azureSubscription"]
            assert step["condition"] == f"and(succeeded(), eq(variables['client'], '{client}'))"
            assert step["inputs"]["addSpnToEnvironment"] is True
        # The project installs before any credential: the federated token lives minutes.
        kinds = [s.get("task") or s.get("displayName") for s in jobs[name]["steps"]]
        assert kinds.index("Install the project") < kinds.index("AzureCLI@2")


def _run_pulumi_step(
    repository: Path, tmp_path: Path, client: str, cloud: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """The deploy job's Pulumi step as the agent runs it: macros expanded, the step's
    environment, and a `pulumi` that records what it was given instead of deploying."""
    (step,) = [
        s
        for s in _azure_jobs(repository)["deploy_core"]["steps"]
        if "script" in s and "pulumi up" in s["script"]
    ]
    assert step["env"] == {"CLINICGEN_OIDC_TOKEN": "$(CLINICGEN_OIDC_TOKEN)"}
    script = step["script"]
    for macro, value in {
        "client": client,
        "cloud": cloud,
        "project": f"projects/{client}",
        "stack": f"{client}-core",
        "Agent.TempDirectory": str(tmp_path / "agent-temp"),
        "PULUMI_BACKEND_URL": "file://state",
    }.items():
        script = script.replace(f"$({macro})", value)
    (tmp_path / "agent-temp").mkdir()
    (repository / "fleet" / "projects" / client).mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pulumi"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{tmp_path}/pulumi.log"\n'
        f'env | grep -E "^(ARM_|GOOGLE_)" | sort >> "{tmp_path}/pulumi.log"\n'
    )
    fake.chmod(0o755)
    return subprocess.run(
        ["bash", "-c", script],
        cwd=repository,
        env={"PATH": f"{bin_dir}:{Path(sys.executable).parent}:/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_google_cloud_credentials_come_from_the_connections_token(
    repository: Path, tmp_path: Path
) -> None:
    provider = "projects/123456/locations/global/workloadIdentityPools/msp/providers/ado"
    done = _run_pulumi_step(
        repository,
        tmp_path,
        "cedar-ortho",
        "gcp",
        {
            "CLINICGEN_OIDC_TOKEN": "header.payload.signature",
            "CLINICGEN_CREDENTIALS_OF": "cedar-ortho",
            "GCP_WORKLOAD_IDENTITY_PROVIDER": provider,
            "GCP_SERVICE_ACCOUNT": "deployer@cedar-ortho-4821.iam.gserviceaccount.com",
        },
    )
    assert done.returncode == 0, done.stderr
    temp = tmp_path / "agent-temp"
    token, credentials = temp / "clinicgen-oidc-token", temp / "clinicgen-gcp-credentials.json"
    assert token.read_text() == "header.payload.signature"
    assert token.stat().st_mode & 0o077 == 0
    # Google's credential configuration for a file-sourced OIDC token (AIP-4117).
    assert json.loads(credentials.read_text()) == {
        "type": "external_account",
        "audience": f"//iam.googleapis.com/{provider}",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": "https://sts.googleapis.com/v1/token",
        "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects"
        "/-/serviceAccounts/deployer@cedar-ortho-4821.iam.gserviceaccount.com:generateAccessToken",
        "credential_source": {"file": str(token)},
    }
    log = (tmp_path / "pulumi.log").read_text().splitlines()
    assert "up --stack cedar-ortho-core --non-interactive --yes" in log
    assert f"GOOGLE_APPLICATION_CREDENTIALS={credentials}" in log
    assert not any(line.startswith("ARM_OIDC_TOKEN") for line in log)


def test_azure_providers_exchange_the_connections_token_themselves(
    repository: Path, tmp_path: Path
) -> None:
    done = _run_pulumi_step(
        repository,
        tmp_path,
        "riverside",
        "azure",
        {
            "CLINICGEN_OIDC_TOKEN": "header.payload.signature",
            "CLINICGEN_CREDENTIALS_OF": "riverside",
            "ARM_CLIENT_ID": "11111111-2222-4333-8444-555555555555",
            "ARM_TENANT_ID": "66666666-7777-4888-8999-000000000000",
            "ARM_SUBSCRIPTION_ID": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
        },
    )
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "pulumi.log").read_text().splitlines()
    for line in (
        "ARM_USE_OIDC=true",
        "ARM_OIDC_TOKEN=header.payload.signature",
        "ARM_SUBSCRIPTION_ID=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
    ):
        assert line in log
    assert not any(line.startswith("GOOGLE_APPLICATION_CREDENTIALS") for line in log)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"CLINICGEN_OIDC_TOKEN": "$(CLINICGEN_OIDC_TOKEN)"},
            "No credentials step for client cedar-ortho: run clinicgen fleet pipeline again",
        ),
        (
            {
                "CLINICGEN_OIDC_TOKEN": "t",
                "CLINICGEN_CREDENTIALS_OF": "cedar-ortho",
                "GCP_WORKLOAD_IDENTITY_PROVIDER": "",
            },
            "Set the pipeline variables GCP_WORKLOAD_IDENTITY_PROVIDER_<client>",
        ),
    ],
)
def test_a_client_without_credentials_stops_before_pulumi_runs(
    repository: Path, tmp_path: Path, env: dict[str, str], message: str
) -> None:
    done = _run_pulumi_step(repository, tmp_path, "cedar-ortho", "gcp", env)
    assert done.returncode == 1
    assert message in done.stdout
    assert not (tmp_path / "pulumi.log").exists()


@pytest.mark.parametrize("ci", ["github", "azure-devops"])
def test_run_from_inside_the_fleet_it_writes_at_the_repository_top(
    repository: Path, run_cli, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    """The repository's top is git's, not the current directory: run from the fleet's own
    folder, the definition still goes where the CI system reads it and names the fleet's
    folder, not `.`."""
    monkeypatch.chdir(repository / "fleet")
    result = run_cli("fleet", "pipeline", ".", "--ci", ci)
    assert result.exit_code == 0, result.stderr
    path = repository / (
        ".github/workflows/clinicgen-fleet.yml" if ci == "github" else "azure-pipelines.yml"
    )
    assert result.stdout == f"wrote {path}\n"
    assert path.read_text(encoding="utf-8") == pipeline_text(repository / "fleet", ci)
    assert "clinicgen fleet changed fleet --since" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("ci", ["github", "azure-devops"])
def test_a_fleet_at_the_repository_top_has_no_path_filter(
    fleet: Path, tmp_path: Path, ci: str
) -> None:
    """A repository that is the fleet: every change is the fleet's, and the definition
    passes the CI schema."""
    subprocess.run(["git", "init", "-q", str(fleet)], check=True)
    out = tmp_path / f"{ci}.yml"
    out.write_text(pipeline_text(fleet, ci), encoding="utf-8")
    checker = Path(sys.executable).parent / "check-jsonschema"
    checked = subprocess.run(
        [str(checker), *SCHEMAS[ci], str(out)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    pipeline = yaml.safe_load(out.read_text(encoding="utf-8"))
    triggers = (
        [pipeline["on"]["pull_request"], pipeline["on"]["push"]]
        if ci == "github"
        else [pipeline["trigger"], pipeline["pr"]]
    )
    assert all("paths" not in trigger for trigger in triggers)
    assert "clinicgen fleet changed . --since" in out.read_text(encoding="utf-8")


def test_a_fleet_folder_a_definition_cannot_name_is_refused(
    fleet: Path, tmp_path: Path, run_cli
) -> None:
    spaced = tmp_path / "msp" / "North Star"
    shutil.copytree(fleet, spaced)
    subprocess.run(["git", "init", "-q", str(spaced.parent)], check=True)
    result = run_cli("fleet", "pipeline", spaced, "--ci", "github")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"{spaced}: the fleet's folder in its repository, 'North Star', has a character"
    )
    assert not (spaced.parent / ".github").exists()


@pytest.mark.parametrize("ci", ["github", "azure-devops"])
def test_every_pip_install_names_a_valid_requirement(repository: Path, ci: str) -> None:
    """pip refuses `clinicgen==0.1.0[all]`: extras go before the version (PEP 508)."""
    from packaging.requirements import Requirement

    text = pipeline_text(repository / "fleet", ci)
    specs = re.findall(r"pip install '([^']+)'", text)
    assert specs, "no pinned install in the definition"
    for spec in specs:
        requirement = Requirement(spec)
        assert requirement.name == "clinicgen"
        assert str(requirement.specifier).startswith("==")


def _step_text(step: dict[str, Any]) -> str:
    return str(step.get("run", "")) + str(step.get("script", "")) + str(step.get("with", ""))


def _steps_by_job(repository: Path, ci: str) -> dict[str, list[dict[str, Any]]]:
    """Each job's steps, by job name (GitHub's `preview` and `deploy-*`, Azure's `preview`
    and `deploy_*`)."""
    if ci == "github":
        jobs = yaml.safe_load(pipeline_text(repository / "fleet", ci))["jobs"]
        return {name: job.get("steps", []) for name, job in jobs.items()}
    return {name: job.get("steps", []) for name, job in _azure_jobs(repository).items()}


@pytest.mark.parametrize("ci", ["github", "azure-devops"])
def test_the_policy_pack_is_installed_before_the_preview_that_runs_it(
    repository: Path, ci: str
) -> None:
    """PulumiPolicy.yaml names no virtualenv, so the pack runs on the `python` on PATH: its
    requirements must be installed there, in the project, before `pulumi preview`; a deploy
    runs no pack, so installs none."""
    jobs = _steps_by_job(repository, ci)
    steps = jobs["preview"]
    texts = [_step_text(step) for step in steps]
    install = next(i for i, text in enumerate(texts) if "policy/requirements.txt" in text)
    preview = next(i for i, text in enumerate(texts) if "preview" in text and "policy" in text)
    assert install < preview
    where = steps[install].get("working-directory") or steps[install].get("workingDirectory")
    assert where in {"fleet/${{ matrix.project }}", "fleet/$(project)"}
    deploys = [name for name in jobs if name.startswith("deploy")]
    assert deploys
    for name in deploys:
        assert not any("policy/requirements.txt" in _step_text(step) for step in jobs[name])
