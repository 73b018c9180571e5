"""The checks that are data alone: a resource type, a property path, the value it must hold and
the message, all in `generator/catalog/checks.yaml`, whatever the check's category."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from generator.checks.graph import Graph, get
from generator.checks.model import CheckContext, Violation
from generator.checks.registry import Registry

logic = Registry()


@logic(
    "CG-AZ-NET-006",
    "CG-AZ-ENC-003",
    "CG-AZ-ENC-005",
    "CG-AZ-KMS-001",
    "CG-AZ-KMS-003",
    "CG-GCP-NET-006",
    "CG-GCP-LOG-002",
)
def required_value(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    """A property that must hold exactly one value; anything else, absent included, fails."""
    for resource in graph.of_type(params["type"]):
        if get(resource.inputs, params["path"]) is not params["value"]:
            yield Violation(resource, params["path"], params["message"])
