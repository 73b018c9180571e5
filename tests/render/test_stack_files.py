"""Stack files read back as the plan they were rendered from, with only the provider keys
the practice's cloud needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.ipam import load_ledger
from generator.pipeline import generate_stacks
from generator.plan.codec import from_data
from generator.plan.model import CoreStackPlan, SiteStackPlan, split_into_stacks
from generator.profile import load_profile
from generator.render.stack_config import CONFIG_NAMESPACE, KIND_KEY, PLAN_KEY, stack_config
from generator.sizing import build_plan
from tests.paths import EXAMPLES

EXAMPLE_IDS = [path.stem for path in EXAMPLES]


def _config(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(document) == {"config"}
    return document["config"]


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_stack_files_read_back_as_the_plan(example: Path, tmp_path: Path) -> None:
    result = generate_stacks(example, tmp_path)
    ledger = load_ledger(tmp_path / f"{result.practice_id}.ledger.yaml")
    plan, _ = build_plan(load_profile(example), ledger)
    core, sites = split_into_stacks(plan)
    assert [stack.stack for stack in result.stacks] == [
        f"{plan.practice.id}-core",
        *(f"{plan.practice.id}-site-{site.id}" for site in plan.sites),
    ]
    core_config = _config(result.stacks[0].path)
    assert core_config == stack_config("core", core)
    assert core_config[KIND_KEY] == "core"
    assert from_data(CoreStackPlan, core_config[PLAN_KEY]) == core
    for stack, site in zip(result.stacks[1:], sites, strict=True):
        config = _config(stack.path)
        assert config == stack_config("site", site)
        assert from_data(SiteStackPlan, config[PLAN_KEY]) == site
        assert config[PLAN_KEY]["core_stack"] == f"{plan.practice.id}-core"
    provider_keys = {key for key in core_config if not key.startswith(f"{CONFIG_NAMESPACE}:")}
    expected = {"azure-native:location"} if plan.cloud == "azure" else {"gcp:project", "gcp:region"}
    assert provider_keys == expected
