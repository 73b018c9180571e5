"""Check logic shared by several checks: what Pulumi records about a resource (its options),
or one rule whose resource type, property and expected value each check names in checks.yaml."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from generator.checks.graph import Graph, get
from generator.checks.model import CheckContext, Violation
from generator.checks.registry import Registry

logic = Registry()


@logic("CG-AZ-BAK-005")
@logic("CG-GCP-BAK-005")
def stateful_unprotected(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for resource in graph.of_type(*params["types"]):
        if not resource.protect:
            yield Violation(
                resource, "protect", "holds data but a stack update or destroy can delete it"
            )


@logic("CG-AZ-LOG-001")
@logic("CG-GCP-LOG-003")
def short_log_retention(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    field = params["field"]
    for store in graph.of_type(params["type"]):
        days = store.inputs.get(field)
        if days is None or float(days) < context.log_retention_days:
            kept = f"{int(days)} days" if days is not None else "the 30-day default"
            yield Violation(
                store,
                field,
                f"keeps logs for {kept}; the plan requires {context.log_retention_days}",
            )


@logic("CG-AZ-NET-006")
@logic("CG-AZ-ENC-003")
@logic("CG-AZ-ENC-005")
@logic("CG-AZ-KMS-001")
@logic("CG-AZ-KMS-003")
@logic("CG-GCP-NET-006")
@logic("CG-GCP-LOG-002")
def required_value(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    """A property that must hold exactly one value; anything else, absent included, fails."""
    for resource in graph.of_type(params["type"]):
        if get(resource.inputs, params["path"]) is not params["value"]:
            yield Violation(resource, params["path"], params["message"])
