"""A sized value and the decision that explains it: what every sizing rule returns."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from generator.plan.model import Decision

T = TypeVar("T")


@dataclass(frozen=True)
class Sized(Generic[T]):
    """`value`, chosen by the rule named in `decision`, with the reason and the numbers."""

    value: T
    decision: Decision


def assumed(*entries: Mapping[str, Any]) -> str:
    """'; assumption: ...' naming what the catalogue `entries` assume where no published source
    gives the figure (their `assumption`), so the plan shows it; '' when none does."""
    stated = dict.fromkeys(str(e["assumption"]) for e in entries if e.get("assumption"))
    return "".join(f"; assumption: {text}" for text in stated)


def grown(count: int, growth: float) -> int:
    """`count` x `growth` rounded up; rounded to 6 places first so that 50 x 1.1 gives 55, not 56
    from float noise (55.00000000000001)."""
    return math.ceil(round(count * growth, 6))


def days_in_years(years: int) -> int:
    """The days `years` calendar years can span: 365 each plus every leap day they can hold
    (one in any four consecutive years), so a period counted in days never ends early."""
    return years * 365 + math.ceil(years / 4)
