"""Planning from files on disk: a profile and the allocation ledger beside its stacks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.ipam import Ledger, default_ledger_path, load_ledger_if_present
from generator.plan.model import Plan
from generator.profile import Profile, load_profile
from generator.sizing.build import build_plan


@dataclass(frozen=True)
class PlannedProfile:
    """A profile, its plan, the updated ledger and where that ledger lives."""

    profile: Profile
    plan: Plan
    ledger: Ledger
    ledger_path: Path
    ledger_existed: bool


def plan_files(
    profile_path: Path, ledger_path: Path | None = None, stacks_dir: Path = Path("stacks")
) -> PlannedProfile:
    """Load the profile, read its ledger when there is one (`ledger_path`, else the default
    `<stacks_dir>/<practice>.ledger.yaml`) and build the plan. Writes nothing."""
    profile = load_profile(profile_path)
    path = ledger_path or default_ledger_path(stacks_dir, profile.practice.id)
    previous = load_ledger_if_present(path)
    plan, ledger = build_plan(profile, previous)
    return PlannedProfile(profile, plan, ledger, path, previous is not None)
