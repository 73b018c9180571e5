"""A practice's stack files, `Pulumi.<practice>-core.yaml` and one
`Pulumi.<practice>-site-<site>.yaml` per site, each holding that stack's part of the plan as
structured config (`stack_config`)."""

from __future__ import annotations

from pathlib import PurePosixPath

from generator.errors import OutputError
from generator.plan.model import (
    CoreStackPlan,
    Plan,
    SiteStackPlan,
    core_stack_name,
    site_stack_name,
    split_into_stacks,
)
from generator.render.stack_config import stack_config
from generator.render.templating import render
from generator.write import GeneratedFile
from generator.yaml_input import read_generated_yaml

# Top-level keys Pulumi itself writes into a stack file (the passphrase salt, a KMS key):
# regeneration keeps them, since without them the stack's secrets cannot be decrypted.
PULUMI_STACK_KEYS = ("secretsprovider", "encryptedkey", "encryptionsalt")


def stack_paths(plan: Plan, stacks: PurePosixPath) -> list[tuple[str, PurePosixPath]]:
    """Each stack's name and file path under `stacks`, in deployment order (core first)."""
    names = [core_stack_name(plan.practice.id)]
    names += [site_stack_name(plan.practice.id, site.id) for site in plan.sites]
    return [(name, stacks / f"Pulumi.{name}.yaml") for name in names]


def render_stack_files(plan: Plan, stacks: PurePosixPath) -> list[GeneratedFile]:
    """One stack file per stack of the practice, paths under `stacks`, core first."""
    core, sites = split_into_stacks(plan)
    paths = dict(stack_paths(plan, stacks))
    files = [_stack_file(paths[core_stack_name(plan.practice.id)], "core", core)]
    files += [
        _stack_file(paths[site_stack_name(plan.practice.id, part.site.id)], "site", part)
        for part in sites
    ]
    return files


def _stack_file(
    path: PurePosixPath, kind: str, stack_plan: CoreStackPlan | SiteStackPlan
) -> GeneratedFile:
    config = stack_config(kind, stack_plan)
    body = render("stacks/Pulumi.stack.yaml.jinja", config=config)
    # The reviewed file is exactly what deploys: prove it reads back as the plan.
    if read_generated_yaml(body) != {"config": config}:
        raise OutputError(f"{path}: the rendered stack file does not read back as its plan")
    return GeneratedFile(path, body, kept_keys=PULUMI_STACK_KEYS)
