"""A generated project, and the repository root, are Pulumi projects running the blueprints;
a client project is named after its practice, installs clinicgen from a setting with only its
own cloud's SDK, keeps the user's own files, and regenerates byte for byte."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
import yaml

from generator import __version__
from generator.errors import OutputError
from generator.pipeline import STACKS_DIR, generate_project
from generator.profile.json_schema import SCHEMA_FILE, profile_json_schema_text
from generator.render.project import PROJECT_DESCRIPTION, project_name
from generator.write import SECTION_BEGIN, SECTION_END
from tests.paths import ROOT

MAPLE = ROOT / "examples" / "maple-grove.yaml"
HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"


def _requirements(project: Path) -> list[str]:
    lines = (project / "requirements.txt").read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_project_dir_is_a_self_contained_pulumi_project(tmp_path: Path) -> None:
    result = generate_project(MAPLE, tmp_path / "client")
    project = tmp_path / "client"
    pulumi_yaml = yaml.safe_load((project / "Pulumi.yaml").read_text())
    assert pulumi_yaml == {
        "name": "maple-grove-infra",
        "description": PROJECT_DESCRIPTION,
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}},
        "stackConfigDir": STACKS_DIR,
    }
    entry = ast.parse((project / "__main__.py").read_text())
    imports = [node for node in entry.body if isinstance(node, ast.ImportFrom)]
    assert [(node.module, [a.name for a in node.names]) for node in imports] == [
        ("blueprints.program", ["main"])
    ]
    assert (project / "README.md").is_file()
    assert (project / "stacks" / "Pulumi.maple-grove-core.yaml").is_file()
    assert (project / "stacks" / "maple-grove.ledger.yaml").is_file()
    assert result.next_commands()[:3] == [
        f"cd {project}",
        "pulumi install",
        "pulumi stack init maple-grove-core",
    ]


def test_project_is_named_after_the_practice_and_the_preview_runs_there() -> None:
    from generator.pipeline import preview_profile

    preview = preview_profile(MAPLE)
    assert project_name("maple-grove") == "maple-grove-infra"
    assert all("::maple-grove-infra::" in r.urn for run in preview.runs for r in run.resources)


def test_program_reads_the_clinicgen_namespace_whatever_the_project_is_called() -> None:
    program = (ROOT / "blueprints" / "program.py").read_text()
    assert "pulumi.Config(CONFIG_NAMESPACE)" in program
    assert "pulumi.Config()" not in program


@pytest.mark.parametrize(("example", "cloud"), [(MAPLE, "azure"), (HARBOR, "gcp")])
def test_requirements_install_only_the_practices_cloud_sdk(
    tmp_path: Path, example: Path, cloud: str
) -> None:
    generate_project(example, tmp_path)
    assert _requirements(tmp_path) == [f"clinicgen[{cloud}]=={__version__}"]


def test_clinicgen_source_is_a_setting_kept_by_later_runs(tmp_path: Path) -> None:
    url = "git+https://github.com/example/clinicgen@v0.1.0"
    generate_project(MAPLE, tmp_path, source=url)
    assert _requirements(tmp_path) == [f"clinicgen[azure] @ {url}"]
    generate_project(MAPLE, tmp_path)
    assert _requirements(tmp_path) == [f"clinicgen[azure] @ {url}"]
    generate_project(MAPLE, tmp_path, source=str(ROOT))
    assert _requirements(tmp_path) == [f"clinicgen[azure] @ {ROOT.as_uri()}"]
    generate_project(MAPLE, tmp_path)
    assert _requirements(tmp_path) == [f"clinicgen[azure] @ {ROOT.as_uri()}"]
    generate_project(MAPLE, tmp_path, source="index")
    assert _requirements(tmp_path) == [f"clinicgen[azure]=={__version__}"]


def test_the_users_readme_and_requirements_are_kept_and_never_block(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Maple Grove infra\n\nOur notes.\n")
    (tmp_path / "requirements.txt").write_text("requests==2.32.0\n")
    generate_project(MAPLE, tmp_path)
    readme = (tmp_path / "README.md").read_text()
    assert readme.startswith("# Maple Grove infra\n\nOur notes.\n")
    assert f"<!-- {SECTION_BEGIN} -->" in readme
    assert _requirements(tmp_path) == ["requests==2.32.0", f"clinicgen[azure]=={__version__}"]
    # The user edits their parts afterwards (and the line clinicgen's section pins): a
    # regeneration keeps every line outside the section and refuses nothing.
    requirements = (tmp_path / "requirements.txt").read_text()
    (tmp_path / "requirements.txt").write_text("boto3\n" + requirements + "pytest\n")
    (tmp_path / "README.md").write_text(readme + "\nMore notes.\n")
    generate_project(MAPLE, tmp_path)
    assert _requirements(tmp_path) == [
        "boto3",
        "requests==2.32.0",
        f"clinicgen[azure]=={__version__}",
        "pytest",
    ]
    assert (tmp_path / "README.md").read_text().endswith(f"<!-- {SECTION_END} -->\n\nMore notes.\n")


def test_a_hand_edited_pulumi_yaml_is_still_refused(tmp_path: Path) -> None:
    generate_project(MAPLE, tmp_path)
    (tmp_path / "Pulumi.yaml").write_text((tmp_path / "Pulumi.yaml").read_text() + "# mine\n")
    with pytest.raises(OutputError, match=r"Pulumi\.yaml: edited since clinicgen wrote it"):
        generate_project(MAPLE, tmp_path)


def test_the_profile_is_copied_into_the_project(tmp_path: Path) -> None:
    generate_project(MAPLE, tmp_path / "client")
    assert (tmp_path / "client" / MAPLE.name).read_bytes() == MAPLE.read_bytes()
    # The schema the copy's first line names sits beside it, so an editor finds it there.
    schema_line = MAPLE.read_text().splitlines()[0]
    assert schema_line == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    assert (tmp_path / "client" / SCHEMA_FILE).read_text() == profile_json_schema_text()
    # Regenerating from the project's own copy makes no second copy.
    before = _snapshot(tmp_path / "client")
    generate_project(tmp_path / "client" / MAPLE.name, tmp_path / "client")
    assert _snapshot(tmp_path / "client") == before


def test_regenerating_an_unchanged_profile_changes_no_byte(tmp_path: Path) -> None:
    profile = tmp_path / "maple.yaml"
    shutil.copy(MAPLE, profile)
    (tmp_path / "client").mkdir()
    (tmp_path / "client" / "README.md").write_text("# ours\n")
    generate_project(profile, tmp_path / "client", source=str(ROOT))
    before = _snapshot(tmp_path / "client")
    result = generate_project(profile, tmp_path / "client")
    assert _snapshot(tmp_path / "client") == before
    assert {str(written.status) for written in result.files} == {"unchanged"}


def test_root_pulumi_yaml_runs_the_program_against_stacks() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == "clinicgen"
    assert project["description"] == PROJECT_DESCRIPTION
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": ".venv"},
    }
    assert project["stackConfigDir"] == STACKS_DIR
    assert (ROOT / project["main"] / "__main__.py").is_file()
