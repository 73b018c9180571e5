"""The pack's settings: what `clinicgen generate --project-dir` writes beside the policy pack
(`policy/clinicgen-policy.yaml`) and the pack reads, so it measures each stack against the
practice's plan facts and honours the profile's waivers.

Kept apart from the validators so that generating a project loads none of the checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from generator.checks.model import CheckContext
from generator.errors import OutputError
from generator.plan.model import Plan, split_into_stacks
from generator.profile.model import Waiver

SETTINGS_FILE = "clinicgen-policy.yaml"


def pack_name(practice_id: str) -> str:
    """The policy pack's name, as `pulumi policy enable ORG/NAME` names it."""
    return f"clinicgen-{practice_id}"


@dataclass(frozen=True)
class PackSettings:
    """What the pack measures a stack against: the practice's plan facts and its waivers."""

    practice_id: str
    context: CheckContext
    waivers: tuple[Waiver, ...] = ()


def settings_text(plan: Plan, waivers: Sequence[Waiver]) -> str:
    """The pack's settings file for `plan` and its profile's `waivers`, as YAML data."""
    core, _ = split_into_stacks(plan)
    context = CheckContext.from_core_plan(core)
    document = {
        "practice": plan.practice.id,
        "context": {**asdict(context), "policy_initiatives": list(context.policy_initiatives)},
        "waivers": [
            {"check": w.check, "resource": w.resource, "reason": w.reason} for w in waivers
        ],
    }
    return yaml.safe_dump(document, sort_keys=True, allow_unicode=True, width=100)


def read_settings(path: Path) -> PackSettings:
    """The settings `generate` wrote beside the pack; OutputError when unreadable."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        context = dict(document["context"])
        context["policy_initiatives"] = tuple(context["policy_initiatives"])
        return PackSettings(
            practice_id=str(document["practice"]),
            context=CheckContext(**context),
            waivers=tuple(Waiver(**waiver) for waiver in document["waivers"]),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise OutputError(
            f"{path}: not clinicgen's policy settings ({error}); regenerate the project with "
            "clinicgen generate PROFILE --project-dir DIR"
        ) from error
