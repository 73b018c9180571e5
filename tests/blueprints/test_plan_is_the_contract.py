"""The reviewed stack file is exactly what deploys: the program builds from the plan the stack
file carries, so editing a catalog file changes no resource until the stack files are
regenerated, and then changes exactly the resources built from the edited fact."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.catalog import load
from generator.pipeline import generate_stacks
from generator.plan.codec import from_data
from generator.plan.model import CoreStackPlan
from generator.preview.runner import run_core
from generator.render.stack_config import PLAN_KEY
from tests.paths import ROOT

EXAMPLE = ROOT / "examples" / "maple-grove.yaml"
DENY_ALL = "azure-native:network:SecurityRule"


def stack_file_plan(out: Path) -> CoreStackPlan:
    """What `pulumi up -s maple-grove-core` would read: the core stack file's plan."""
    generate_stacks(EXAMPLE, out)
    config = yaml.safe_load((out / "Pulumi.maple-grove-core.yaml").read_text())["config"]
    return from_data(CoreStackPlan, config[PLAN_KEY])


def deny_all_priorities(plan: CoreStackPlan) -> set[int]:
    return {
        int(r.inputs["priority"])
        for r in run_core(plan).resources
        if r.type == DENY_ALL and r.inputs["securityRuleName"].startswith("deny-all")
    }


@pytest.fixture
def edited_catalog() -> Iterator[dict[str, Any]]:
    """The cached Azure platform catalog with the hub's deny-all priority moved, restored after."""
    priorities = load("azure_platform")["nsg_priorities"]
    before = priorities["deny_all"]
    priorities["deny_all"] = before - 1
    yield priorities
    priorities["deny_all"] = before


def test_a_catalog_edit_changes_nothing_until_the_stack_files_are_regenerated(
    tmp_path: Path, edited_catalog: dict[str, Any]
) -> None:
    edited = edited_catalog["deny_all"]
    edited_catalog["deny_all"] = edited + 1
    reviewed = stack_file_plan(tmp_path / "reviewed")
    deployed_before = deny_all_priorities(reviewed)
    assert deployed_before == {edited + 1}

    edited_catalog["deny_all"] = edited
    # The catalog says otherwise now, yet the reviewed stack file deploys what it says.
    assert deny_all_priorities(reviewed) == deployed_before
    # Regenerated, the stack file carries the edit, and so do the resources.
    assert deny_all_priorities(stack_file_plan(tmp_path / "regenerated")) == {edited}


def test_no_blueprint_reads_the_catalog() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "blueprints").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator.catalog")
    ]
    assert readers == []
