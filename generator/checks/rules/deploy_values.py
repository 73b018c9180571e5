"""Deployability rules that are data alone, for both clouds: a name's length and characters per
resource type, and a number's allowed range. The limits are in
`generator/catalog/deployability.yaml`; tests/checks/test_deployability.py holds each name
limit to the blueprints' naming module that builds the names (`blueprints/*/naming.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.checks.graph import Graph, get, seconds
from generator.checks.model import CheckContext, Violation
from generator.checks.registry import Params, Registry

logic = Registry()


@logic(
    "CG-AZ-DEP-023",
    "CG-AZ-DEP-024",
    "CG-AZ-DEP-025",
    "CG-GCP-DEP-007",
    "CG-GCP-DEP-008",
    "CG-GCP-DEP-009",
)
def name_limits(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    """The name each listed type takes from its `names` input is `min_length` to `max_length`
    characters and matches `pattern` whole. A key ending in `/` (`gcp:compute/`) names every
    type of that module."""
    pattern = re.compile(params["pattern"])
    shortest, longest = int(params["min_length"]), int(params["max_length"])
    for kind, path in params["names"].items():
        for resource in graph.resources:
            if resource.type != kind and not (
                kind.endswith("/") and resource.type.startswith(kind)
            ):
                continue
            name = get(resource.inputs, path)
            if not isinstance(name, str):
                continue  # unnamed: the provider names it
            if not shortest <= len(name) <= longest or not pattern.fullmatch(name):
                yield Violation(resource, path, f"{name!r}: {params['reason']}")


@logic("CG-GCP-DEP-010")
def label_limits(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    """Label keys are 1 to `max_length` characters starting with a lowercase letter, values 0
    to `max_length`; both only lowercase letters (international ones too), digits, `_`, `-`."""
    longest = int(params["max_length"])
    for resource in graph.resources:
        labels = resource.inputs.get("labels") if resource.type.startswith("gcp:") else None
        for key, value in (labels or {}).items():
            if not (1 <= len(key) <= longest and key[0].isalpha() and key[0].islower()):
                yield Violation(resource, f"labels.{key}", f"label key {key!r} is not allowed")
            elif not _label_text(key) or not (len(str(value)) <= longest and _label_text(value)):
                yield Violation(
                    resource, f"labels.{key}", f"label {key}={value!r} has characters not allowed"
                )


def _label_text(text: object) -> bool:
    return all(
        (char.isalpha() and char.islower()) or char.isdigit() or char in "_-" for char in str(text)
    )


@logic(
    "CG-AZ-DEP-026",
    "CG-AZ-DEP-027",
    "CG-GCP-DEP-011",
    "CG-GCP-DEP-012",
    "CG-GCP-DEP-013",
    "CG-GCP-DEP-014",
)
def value_range(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    """A number (or a protobuf duration, read in seconds) at `path` lies between `min` and
    `max` inclusive, where given; absent passes (the provider's default is valid)."""
    lowest, highest = params.get("min"), params.get("max")
    for resource in graph.of_type(*params["types"]):
        raw = get(resource.inputs, params["path"])
        if raw is None:
            continue
        value = seconds(raw) if isinstance(raw, str) else raw
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        if (lowest is not None and value < lowest) or (highest is not None and value > highest):
            yield Violation(resource, params["path"], f"{raw} is outside {params['allowed']}")
