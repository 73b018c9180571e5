"""Check logic that reads the same in both clouds: it looks at what Pulumi records about a
resource (its options), not at provider inputs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from generator.checks.graph import Graph
from generator.checks.model import CheckContext, Violation
from generator.checks.registry import logic


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
