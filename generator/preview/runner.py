"""Run the clinicgen program for a practice's stacks under mocks.

The core stack runs first; its outputs become what every site stack's StackReference reads.
"""

from __future__ import annotations

import json

from generator.plan.model import CoreStackPlan, SiteStackPlan, core_stack_name, site_stack_name
from generator.preview.harness import ORGANIZATION, PROJECT, StackRun, run_stack
from generator.preview.mocks import PreviewMocks
from generator.stack_config import stack_config as stack_file_config


def stack_config(kind: str, stack_plan: CoreStackPlan | SiteStackPlan) -> dict[str, str]:
    """The config a stack file gives the program, as `pulumi.Config` sees it: structured
    values arrive as JSON text."""
    return {
        key: value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        for key, value in stack_file_config(kind, stack_plan).items()
    }


def run_core(plan: CoreStackPlan) -> StackRun:
    from blueprints.program import main

    return run_stack(
        core_stack_name(plan.practice.id), stack_config("core", plan), main, PreviewMocks()
    )


def run_site(plan: SiteStackPlan, core_run: StackRun) -> StackRun:
    from blueprints.program import main

    referenced = f"{ORGANIZATION}/{PROJECT}/{plan.core_stack}"
    mocks = PreviewMocks({referenced: core_run.outputs})
    return run_stack(
        site_stack_name(plan.practice.id, plan.site.id), stack_config("site", plan), main, mocks
    )
