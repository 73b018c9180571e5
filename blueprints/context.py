"""What every component of a stack shares: the practice, where it deploys, its labels, and the
platform facts from the stack's plan. Components read facts from here, never from the catalog,
so the reviewed stack file is exactly what deploys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.plan.model import PlatformFacts, PracticeInfo


@dataclass(frozen=True)
class StackContext:
    """One stack's shared component inputs.

    `location` is the Azure location or the Google Cloud region; `labels` are Azure tags or
    Google Cloud labels, the practice's own plus clinicgen's.
    """

    practice_id: str
    location: str
    labels: Mapping[str, str]
    platform: PlatformFacts

    def facts(self, section: str) -> Any:
        """One section of the platform facts the stack's plan carries."""
        return self.platform.section(section)

    @property
    def tags(self) -> dict[str, str]:
        """The labels as a fresh dict, as every resource's `tags`/`labels` input wants."""
        return dict(self.labels)


def stack_labels(practice: PracticeInfo) -> dict[str, str]:
    """The practice's own labels plus the two every clinicgen resource carries."""
    return {**practice.tags, "managed-by": "clinicgen", "practice": practice.id}
