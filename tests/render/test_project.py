"""A generated project, and the repository root, are Pulumi projects running the blueprints."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from generator import __version__
from generator.pipeline import STACKS_DIR, generate_project
from generator.render.project import PROJECT_DESCRIPTION
from generator.render.stack_config import PROJECT
from tests.paths import ROOT


def test_project_dir_is_a_self_contained_pulumi_project(tmp_path: Path) -> None:
    example = ROOT / "examples" / "maple-grove.yaml"
    result = generate_project(example, tmp_path / "client")
    project = tmp_path / "client"
    pulumi_yaml = yaml.safe_load((project / "Pulumi.yaml").read_text())
    assert pulumi_yaml == {
        "name": PROJECT,
        "description": PROJECT_DESCRIPTION,
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}},
        "stackConfigDir": STACKS_DIR,
    }
    entry = ast.parse((project / "__main__.py").read_text())
    imports = [node for node in entry.body if isinstance(node, ast.ImportFrom)]
    assert [(node.module, [a.name for a in node.names]) for node in imports] == [
        ("blueprints.program", ["main"])
    ]
    requirements = (project / "requirements.txt").read_text().splitlines()
    assert [line for line in requirements if not line.startswith("#")] == [
        f"clinicgen=={__version__}"
    ]
    assert (project / "README.md").is_file()
    assert (project / "stacks" / "Pulumi.maple-grove-core.yaml").is_file()
    assert (project / "stacks" / "maple-grove.ledger.yaml").is_file()
    assert result.next_commands()[:3] == [
        f"cd {project}",
        "pulumi install",
        "pulumi stack init maple-grove-core",
    ]


def test_root_pulumi_yaml_runs_the_program_against_stacks() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == PROJECT
    assert project["description"] == PROJECT_DESCRIPTION
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": ".venv"},
    }
    assert project["stackConfigDir"] == STACKS_DIR
    assert (ROOT / project["main"] / "__main__.py").is_file()
