"""Run the clinicgen program for a practice's stacks under mocks.

The core stack runs first; its outputs become what every site stack's StackReference reads.
azure-native resources carry about sixty type aliases each, which the Python SDK turns into
outputs at ~50 ms a resource; aliases only matter when a resource is renamed in existing
state, so a preview drops them with a stack transformation (harness.drop_aliases).
"""

from __future__ import annotations

import json

import pulumi

from generator.plan.model import CoreStackPlan, SiteStackPlan, core_stack_name, site_stack_name
from generator.preview.harness import ORGANIZATION, StackRun, drop_aliases, run_stack
from generator.preview.mocks import PreviewMocks
from generator.render.project import project_name
from generator.render.stack_config import stack_config as stack_file_config


def run_core(plan: CoreStackPlan) -> StackRun:
    return _run(core_stack_name(plan.practice.id), "core", plan, PreviewMocks())


def run_site(plan: SiteStackPlan, core_run: StackRun) -> StackRun:
    referenced = f"{ORGANIZATION}/{project_name(plan.practice.id)}/{plan.core_stack}"
    mocks = PreviewMocks({referenced: core_run.outputs})
    return _run(site_stack_name(plan.practice.id, plan.site.id), "site", plan, mocks)


def _run(
    stack: str, kind: str, plan: CoreStackPlan | SiteStackPlan, mocks: PreviewMocks
) -> StackRun:
    """Run `stack` with the config its stack file holds, as `pulumi.Config` sees it
    (structured values arrive as JSON text), and keep that config on the run."""
    config = stack_file_config(kind, plan)
    text = {
        key: value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        for key, value in config.items()
    }
    # The project a generated client project is named, so the preview reads the config keys
    # and makes the stack reference a real `pulumi up` there would.
    run = run_stack(stack, text, _program, mocks, project=project_name(plan.practice.id))
    run.config = config
    return run


def _program() -> None:
    """The blueprints program, without aliases."""
    from blueprints.program import main

    pulumi.runtime.register_stack_transformation(drop_aliases)
    main()
