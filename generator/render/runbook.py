"""The deployment runbook: one Markdown page per practice, beside its stacks, saying who must
hold which role to deploy, what to register or enable in the cloud first, the order of the
stacks, and how to verify each step. Every value comes from the plan and the catalog
(`generator/catalog/deployment.yaml`), never from the resources: `generate` runs no program.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from generator.catalog import load
from generator.checks.model import org_policy_admin
from generator.plan.model import Plan, core_stack_name, site_stack_name
from generator.render.handoff import handoff_path
from generator.render.stack_config import VPN_PRE_SHARED_KEY_OUTPUT
from generator.render.templating import render
from generator.write import GeneratedFile

RUNBOOK_DIR = "runbook"


@dataclass(frozen=True)
class SiteStep:
    """One site stack to deploy after the core, and the sheet its installer gets."""

    stack: str
    name: str
    handoff: PurePosixPath
    vpn: bool


def runbook_path(plan: Plan, stacks: PurePosixPath) -> PurePosixPath:
    return stacks / RUNBOOK_DIR / f"{plan.practice.id}.md"


def render_runbook(plan: Plan, stacks: PurePosixPath) -> GeneratedFile:
    """The practice's runbook, at `<stacks>/runbook/<practice>.md`."""
    return GeneratedFile(
        runbook_path(plan, stacks),
        render(
            f"runbook/{plan.cloud}.md.jinja",
            practice=plan.practice,
            core_stack=core_stack_name(plan.practice.id),
            sites=[
                SiteStep(
                    stack=site_stack_name(plan.practice.id, site.id),
                    name=site.name,
                    handoff=handoff_path(plan, site, stacks),
                    vpn=site.vpn is not None,
                )
                for site in plan.sites
            ],
            psk_output=VPN_PRE_SHARED_KEY_OUTPUT,
            **prerequisites(plan),
        ),
    )


def prerequisites(plan: Plan) -> dict[str, Any]:
    """What must be in place before the first `pulumi up` (the runbook's steps, and the
    approval report's summary): `roles` the deployer holds, the access `safeguards` the stacks
    do not build, and per cloud the resource providers and features to register (Azure) or
    the APIs to enable and who sets the org policies (Google Cloud)."""
    cloud = load("deployment")[plan.cloud]
    parts = plan_parts(plan)
    modules = sorted({module for part in parts for module in cloud["uses"].get(part, ())})
    return {
        "roles": cloud["deployer_roles"],
        "safeguards": [
            safeguard
            for safeguard in load("deployment")["access_safeguards"]
            if not _built_by_stacks(safeguard, plan)
        ],
        **_cloud_steps(plan, cloud, parts, modules),
    }


def _built_by_stacks(safeguard: dict[str, Any], plan: Plan) -> bool:
    """Whether the core stack builds this access safeguard (deployment.yaml `built_by`)."""
    flag = safeguard.get("built_by", {}).get(plan.cloud)
    return flag is not None and bool(getattr(plan.identity, flag))


def plan_parts(plan: Plan) -> list[str]:
    """The parts of the plan that decide what the stacks deploy (deployment.yaml `uses`)."""
    workloads = plan.workloads
    present = {
        "always": True,
        "vpn": any(site.vpn is not None for site in plan.sites),
        "ehr": workloads.ehr is not None,
        "health_data": workloads.health_data,
        "telehealth": workloads.telehealth is not None,
        "ingest": workloads.ingest is not None,
        "org_policies": plan.cloud == "gcp" and org_policy_admin(plan.practice),
    }
    return [part for part, used in present.items() if used]


def _cloud_steps(
    plan: Plan, cloud: dict[str, Any], parts: list[str], modules: list[str]
) -> dict[str, Any]:
    if plan.cloud == "azure":
        providers = cloud["providers"]["modules"]
        return {
            "conditional_access": cloud["conditional_access"]
            if plan.identity.conditional_access
            else None,
            "providers": sorted({providers[module] for module in modules}),
            "providers_source": cloud["providers"]["source"],
            "features": [f for f in cloud["features"] if f["when"] in parts],
            "virtual_wan": plan.vpn.virtual_wan if plan.vpn else None,
            "segment_pools": plan.core.segment_pools,
            "pool_rules": len(plan.core.pool_flows),
        }
    apis = cloud["apis"]
    return {
        "apis": sorted({apis["modules"][module] for module in modules}),
        "apis_source": apis["source"],
        "org_policies": "org_policies" in parts,
        # What an organization administrator enforces instead, when the deployer may not.
        "constraints": sorted(plan.platform.section("org_policies")),
    }
