"""Practices planned and run under mocks for the blueprint tests of both clouds.

A practice is a profile (an example, or an example changed to reach another branch) sized
into a plan and run stack by stack through the real program; each runs once per test process.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.ipam import Ledger
from generator.plan.model import CoreStackPlan, Plan, SiteStackPlan, split_into_stacks
from generator.preview.harness import RegisteredResource, StackRun
from generator.preview.runner import run_core, run_site
from generator.profile import load_profile
from generator.profile.model import Connectivity, Devices, Profile, Site
from generator.sizing import build_plan
from tests.paths import ROOT

# Pulumi marks a secret value on the wire with this signature key.
SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"
PASSWORD = "random:index/randomPassword:RandomPassword"


@dataclass
class PracticeRun:
    """One practice planned and run: its plan, stack slices and every stack's registrations."""

    name: str
    profile: Profile
    plan: Plan
    ledger: Ledger
    core_plan: CoreStackPlan
    site_plans: tuple[SiteStackPlan, ...]
    core: StackRun
    sites: dict[str, StackRun]

    def site_plan(self, site_id: str) -> SiteStackPlan:
        (match,) = [s for s in self.site_plans if s.site.id == site_id]
        return match

    def all_resources(self) -> Iterator[RegisteredResource]:
        yield from self.core.resources
        for run in self.sites.values():
            yield from run.resources


def load_example(filename: str) -> Profile:
    return load_profile(ROOT / "examples" / filename)


def with_practice(profile: Profile, **changes: Any) -> Profile:
    """`profile` with practice-level fields changed."""
    return dataclasses.replace(profile, practice=dataclasses.replace(profile.practice, **changes))


def run_practice(name: str, profile: Profile, ledger: Ledger | None = None) -> PracticeRun:
    plan, placed = build_plan(profile, ledger)
    core_plan, site_plans = split_into_stacks(plan)
    core = run_core(core_plan)
    sites = {site.site.id: run_site(site, core) for site in site_plans}
    return PracticeRun(name, profile, plan, placed, core_plan, site_plans, core, sites)


_RUNS: dict[str, PracticeRun] = {}


def cached_run(name: str, variant: Callable[[str], Profile]) -> PracticeRun:
    """The practice `name` (made by `variant`), planned and run once per test process."""
    if name not in _RUNS:
        _RUNS[name] = run_practice(name, variant(name))
    return _RUNS[name]


def with_new_site(profile: Profile, site_id: str, peer_ip: str) -> Profile:
    """`profile` with one more site: a copy of its first site under a new id and VPN peer."""
    first = profile.sites[0]
    added = dataclasses.replace(
        first,
        id=site_id,
        name=f"{first.name} (new)",
        connectivity=Connectivity(
            bandwidth_mbps=first.connectivity.bandwidth_mbps, vpn_peer_ip=peer_ip
        ),
    )
    return dataclasses.replace(profile, sites=(*profile.sites, added))


def with_small_office(profile: Profile, site_id: str, peer_ip: str) -> Profile:
    """`profile` with one more site too small to move any practice-wide size: a three-person
    admin office with a few workstations and a printer."""
    office = Site(
        id=site_id,
        name="Records Annex",
        kind="admin-office",
        staff=3,
        specialties=(),
        devices=Devices(workstations=3, printers=1),
        connectivity=Connectivity(bandwidth_mbps=50, vpn_peer_ip=peer_ip),
    )
    return dataclasses.replace(profile, sites=(*profile.sites, office))


def is_secret(value: Any) -> bool:
    """Whether an engine-level input value travels as a Pulumi secret."""
    return isinstance(value, dict) and SECRET_SIGNATURE in value


def of_type(run: StackRun | PracticeRun, type_token: str) -> list[RegisteredResource]:
    resources = run.all_resources() if isinstance(run, PracticeRun) else run.resources
    return [r for r in resources if r.type == type_token]
