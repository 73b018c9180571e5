"""Where a preview's stacks come from, and running them offline.

A practice's stacks come from a plan (a profile `generator.pipeline` has just planned), from
the stack files `clinicgen generate` wrote (exactly what would deploy), or from a saved
`clinicgen preview --format json` (a previously approved plan). Plans and stack files run the
blueprints program under mocks, core stack first; a saved preview is read as recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from generator.checks import CheckContext, ComplianceReport, evaluate
from generator.checks.deployability import DeployabilityReport, evaluate_deployability
from generator.errors import PreviewError, PreviewInputError
from generator.plan.codec import from_data
from generator.plan.model import (
    PLAN_SCHEMA_VERSION,
    CoreStackPlan,
    Plan,
    PlatformFacts,
    SiteStackPlan,
    core_stack_name,
    site_stack_name,
    split_into_stacks,
)
from generator.profile.model import Waiver
from generator.render.stack_config import KIND_KEY, PLAN_KEY
from generator.yaml_input import read_generated_yaml

if TYPE_CHECKING:
    from generator.preview.harness import StackRun

T = TypeVar("T", CoreStackPlan, SiteStackPlan)


@dataclass(frozen=True)
class PracticeStacks:
    """A practice's stack plans, core first; `source` says where they came from."""

    practice_id: str
    cloud: str
    core: CoreStackPlan
    sites: tuple[SiteStackPlan, ...]
    source: str
    waivers: tuple[Waiver, ...] = ()

    @property
    def context(self) -> CheckContext:
        return CheckContext.from_core_plan(self.core)

    def plan(self) -> Plan:
        """The plan these stacks were cut from (`split_into_stacks` the other way round), as
        far as stack files record it: no decisions, and the platform facts of every stack in
        one. What reads a whole plan (the cost estimate) reads an approved version's here."""
        sections = {**self.core.platform.sections}
        for site in self.sites:
            sections.update(site.platform.sections)
        platform = self.core.platform
        return Plan(
            schema=PLAN_SCHEMA_VERSION,
            practice=self.core.practice,
            cloud=self.cloud,
            sites=tuple(site.site for site in self.sites),
            core=self.core.core,
            vpn=self.core.vpn,
            # Every profile has a site (schema: minlength 1) and every site the one policy.
            ipsec=self.sites[0].ipsec,
            flows=tuple(flow for site in self.sites for flow in site.flows),
            workloads=self.core.workloads,
            identity=self.core.identity,
            backup=self.core.backup,
            monitoring=self.core.monitoring,
            placement=self.core.placement,
            gcp=self.core.gcp,
            platform=PlatformFacts(platform.catalog, platform.version, sections),
            decisions=(),
        )


@dataclass(frozen=True)
class PracticePreview:
    """Every stack of a practice as the program registers it, the compliance findings, and
    what the cloud would reject (the deployability findings)."""

    stacks: PracticeStacks
    runs: tuple[StackRun, ...]
    compliance: ComplianceReport
    deployability: DeployabilityReport


def preview_stacks(stacks: PracticeStacks) -> PracticePreview:
    """Run every stack under mocks and check the resource graph: the compliance checks, and
    the deployability rules over every stack at once (site rules land in core NSGs)."""
    runs = run_stacks(stacks)
    resources = [resource for run in runs for resource in run.resources]
    reads = [read for run in runs for read in run.reads]
    return PracticePreview(
        stacks,
        runs,
        evaluate(resources, stacks.context, stacks.waivers),
        evaluate_deployability(resources, stacks.context, reads),
    )


def stacks_from_plan(plan: Plan, waivers: tuple[Waiver, ...], source: str) -> PracticeStacks:
    """The stacks of a freshly sized plan; `waivers` are its profile's, `source` names it."""
    core, sites = split_into_stacks(plan)
    return PracticeStacks(
        practice_id=plan.practice.id,
        cloud=plan.cloud,
        core=core,
        sites=sites,
        source=source,
        waivers=waivers,
    )


def stacks_from_files(directory: Path, practice_id: str | None = None) -> PracticeStacks:
    """The stacks recorded in the `Pulumi.<stack>.yaml` files under `directory`.

    With several practices in the directory, `practice_id` chooses one.
    """
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for path in sorted(directory.glob("Pulumi.*.yaml")):
        kind, practice, plan = _read_stack_file(path)
        found.setdefault(practice, []).append((kind, plan))
    if practice_id is None and len(found) == 1:
        (practice_id,) = found
    if practice_id not in found:
        known = ", ".join(sorted(found)) or "none"
        wanted = f"practice {practice_id!r}" if practice_id else "one practice"
        raise PreviewInputError(
            f"{directory}: no stack files for {wanted} (practices found: {known})"
        )
    parts = found[practice_id]
    cores = [_plan(CoreStackPlan, plan) for kind, plan in parts if kind == "core"]
    if len(cores) != 1:
        raise PreviewInputError(f"{directory}: expected one core stack file for {practice_id}")
    sites = tuple(_plan(SiteStackPlan, plan) for kind, plan in parts if kind == "site")
    return PracticeStacks(
        practice_id=practice_id,
        cloud=cores[0].practice.cloud,
        core=cores[0],
        sites=tuple(sorted(sites, key=lambda s: s.site.id)),
        source=str(directory),
    )


def _read_stack_file(path: Path) -> tuple[str, str, dict[str, Any]]:
    try:
        config = read_generated_yaml(path.read_text(encoding="utf-8"))["config"]
        kind, plan = config[KIND_KEY], config[PLAN_KEY]
        practice = str(plan["practice"]["id"])
    except (OSError, yaml.YAMLError, TypeError, KeyError) as err:
        raise PreviewInputError(
            f"{path}: not a clinicgen stack file ({type(err).__name__}: {err})"
        ) from err
    return str(kind), practice, plan


def _plan(cls: type[T], data: dict[str, Any]) -> T:
    try:
        return from_data(cls, data)
    except (TypeError, KeyError, ValueError) as err:
        raise PreviewInputError(
            f"stack plan for {data['practice']['id']} does not match this clinicgen's plan "
            f"schema ({type(err).__name__}: {err}); regenerate the stacks"
        ) from err


def run_stacks(stacks: PracticeStacks) -> tuple[StackRun, ...]:
    """Run the core stack, then every site stack against the core's outputs, under mocks."""
    core_run = run_core_stack(stacks)
    return (core_run, *(run_site_stack(stacks, site, core_run) for site in stacks.sites))


def run_core_stack(stacks: PracticeStacks) -> StackRun:
    """Run the practice's core stack under mocks."""
    from generator.preview.sdk import require_cloud_sdk

    require_cloud_sdk(stacks.cloud)
    from generator.preview.runner import run_core

    return _guarded(core_stack_name(stacks.practice_id), lambda: run_core(stacks.core))


def run_site_stack(stacks: PracticeStacks, site: SiteStackPlan, core_run: StackRun) -> StackRun:
    """Run one site stack under mocks, its StackReference reading `core_run`'s outputs."""
    from generator.preview.sdk import require_cloud_sdk

    require_cloud_sdk(stacks.cloud)
    from generator.preview.runner import run_site

    return _guarded(
        site_stack_name(stacks.practice_id, site.site.id), lambda: run_site(site, core_run)
    )


def _guarded(stack: str, run: Callable[[], StackRun]) -> StackRun:
    try:
        result = run()
    except Exception as err:
        # The program is ours, not the user's: name the stack and the cause, not a traceback.
        raise PreviewError(
            f"{stack}: the blueprints program failed under mocks ({type(err).__name__}: {err})"
        ) from err
    # Resources register as asyncio schedules them, which varies from run to run; reports
    # list them by URN so the same plan always reads the same.
    result.resources.sort(key=lambda resource: resource.urn)
    return result


def read_preview_json(path: Path) -> tuple[str, tuple[StackRun, ...]]:
    """The practice id and stacks recorded in a saved `clinicgen preview --format json`."""
    from generator.preview.harness import RegisteredResource, StackRun

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        runs = tuple(
            StackRun(
                stack=stack["name"],
                resources=[
                    RegisteredResource(
                        urn=item["urn"],
                        type=item["type"],
                        name=item["name"],
                        parent=item["parent"],
                        custom=bool(item.get("custom", True)),
                        protect=bool(item.get("protect", False)),
                        inputs=item["inputs"],
                        id=str(item.get("id", "")),
                        dependencies=tuple(item.get("dependencies", ())),
                    )
                    for item in stack["resources"]
                ],
            )
            for stack in data["stacks"]
        )
        return str(data["practice"]), runs
    except (OSError, ValueError, TypeError, KeyError) as err:
        raise PreviewInputError(
            f"{path}: not a saved clinicgen preview ({type(err).__name__}: {err})"
        ) from err
