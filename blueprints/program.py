"""Read the stack's plan from config and deploy it with the practice's cloud blueprints.

Stack config (written by `clinicgen generate`): `clinicgen:kind` is `core` or `site`,
`clinicgen:plan` the structured plan for this stack (a CoreStackPlan or SiteStackPlan).
"""

from __future__ import annotations

import importlib

import pulumi

from generator.plan.codec import from_data
from generator.plan.model import CoreStackPlan, SiteStackPlan
from generator.render.stack_config import CONFIG_NAMESPACE

STACK_KINDS = ("core", "site")


def main() -> None:
    # The namespace, not the project's name: a client project is named after its practice.
    config = pulumi.Config(CONFIG_NAMESPACE)
    kind = config.require("kind")
    if kind not in STACK_KINDS:
        raise ValueError(f"clinicgen:kind must be one of {', '.join(STACK_KINDS)} (got {kind!r})")
    data = config.require_object("plan")
    cloud = data["practice"]["cloud"]
    blueprints = importlib.import_module(f"blueprints.{cloud}.stacks")
    if kind == "core":
        blueprints.deploy_core(from_data(CoreStackPlan, data))
    else:
        blueprints.deploy_site(from_data(SiteStackPlan, data))
