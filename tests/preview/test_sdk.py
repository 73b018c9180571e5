"""Each cloud's SDK is an extra (`clinicgen[azure]`, `clinicgen[gcp]`): a command that runs the
program without it says which extra to install, exit 2, no traceback; and each extra holds
exactly what that cloud's blueprints import beyond the core dependencies."""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.preview import sdk
from tests.paths import ROOT

HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"
MAPLE = ROOT / "examples" / "maple-grove.yaml"


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0] for requirement in requirements}


def _imported_sdks(folder: Path) -> set[str]:
    return {name for path in folder.rglob("*.py") for name in _sdks_imported_by(path)}


def _sdks_imported_by(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        found |= {
            name.split(".")[0] for name in names if name.startswith(("pulumi_", "pulumiverse_"))
        }
    return found


def test_each_clouds_extra_holds_what_its_blueprints_import() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = _requirement_names(project["dependencies"])
    extras = project["optional-dependencies"]
    assert not core & {"pulumi-azure-native", "pulumi-gcp"}
    for cloud, modules in sdk.CLOUD_SDKS.items():
        imported = _imported_sdks(ROOT / "blueprints" / cloud)
        needed = {module.replace("_", "-") for module in imported} - core
        assert needed == {module.replace("_", "-") for module in modules}, cloud
        assert _requirement_names(extras[cloud]) == needed, cloud
    assert extras["all"] == ["clinicgen[azure,gcp]"]
    assert "clinicgen[all,policy]" in extras["test"]


def test_the_policy_extra_holds_what_the_policy_pack_imports() -> None:
    """pulumi-policy (the `policy` extra) is imported by generator/policy/pack.py alone."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    importing = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "generator").rglob("*.py")
        if "pulumi_policy" in _sdks_imported_by(path)
    )
    assert importing == ["generator/policy/pack.py"]
    assert _requirement_names(extras["policy"]) == {"pulumi-policy"}


@pytest.mark.parametrize(
    ("command", "example", "cloud"),
    [
        (("preview",), HARBOR, "gcp"),
        (("check",), MAPLE, "azure"),
        (("diff", "{example}"), MAPLE, "azure"),
    ],
)
def test_a_missing_sdk_names_the_extra(
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: tuple[str, ...],
    example: Path,
    cloud: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    missing = set(sdk.CLOUD_SDKS[cloud])
    real = sdk.find_spec
    monkeypatch.setattr(sdk, "find_spec", lambda name: None if name in missing else real(name))
    args = [arg.format(example=example) for arg in command]
    result = run_cli(args[0], example, *args[1:])
    assert result.exit_code == 2
    assert f"pip install 'clinicgen[{cloud}]'" in result.stderr
    assert "Traceback" not in result.output + result.stderr
