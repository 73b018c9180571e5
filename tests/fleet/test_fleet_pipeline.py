"""`clinicgen fleet pipeline`: CI definitions that pass GitHub's and Azure Pipelines' schemas,
deploy in waves and hold no secret."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.errors import OutputError
from generator.fleet.ci import pipeline_text
from tests.fleet.conftest import edit_yaml

SCHEMAS = {
    "github": ["--builtin-schema", "vendor.github-workflows"],
    "azure-devops": ["--builtin-schema", "vendor.azure-pipelines", "--regex-variant", "python"],
}


@pytest.fixture
def repository(fleet: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small fleet as the `fleet/` folder of a repository, the current directory."""
    edit_yaml(fleet / "fleet.yaml", lambda d: d["rollout"].update(max_parallel=3))
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
    text = pipeline_text(repository / "fleet", "github", repository)
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


def test_azure_devops_runs_the_cli_through_a_workload_identity_connection(repository: Path) -> None:
    text = pipeline_text(repository / "fleet", "azure-devops", repository)
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
    step = pipeline["stages"][2]["jobs"][0]["steps"][-1]
    assert step["task"] == "AzureCLI@2"
    assert step["inputs"]["addSpnToEnvironment"] is True
    assert 'pulumi up --stack "$(stack)" --non-interactive --yes' in step["inputs"]["inlineScript"]
    assert pipeline["stages"][2]["jobs"][0]["strategy"]["maxParallel"] == "3"


def test_fleet_outside_the_repository_is_refused(fleet: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(OutputError, match="run `clinicgen fleet pipeline` from the root"):
        pipeline_text(fleet, "github", elsewhere)
    assert shutil.which("git") is not None
