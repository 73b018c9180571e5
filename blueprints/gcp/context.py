"""The Google Cloud stack context: what every component shares, plus the project it deploys in."""

from __future__ import annotations

from dataclasses import dataclass

from blueprints.context import StackContext
from blueprints.gcp import naming
from generator.plan.model import PlatformFacts, PracticeInfo


@dataclass(frozen=True)
class GcpContext(StackContext):
    """One Google Cloud stack's shared component inputs; `location` is the practice's region."""

    project: str


def gcp_context(practice: PracticeInfo, platform: PlatformFacts) -> GcpContext:
    """The context of one of `practice`'s stacks, its tags made valid Google Cloud labels."""
    if not practice.gcp_project:
        raise ValueError(f"practice {practice.id} has no gcp_project; Google Cloud needs one")
    return GcpContext(
        practice_id=practice.id,
        location=practice.region,
        labels=naming.labels(practice.id, practice.tags),
        platform=platform,
        project=practice.gcp_project,
    )
