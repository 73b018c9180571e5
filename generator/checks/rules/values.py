"""The checks that are data alone: resource types, a property path, the values it must or must
not hold and the message, all in `generator/catalog/checks.yaml`, whatever the check's category.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks.graph import Graph, get
from generator.checks.model import CheckContext, Violation
from generator.checks.registry import Params, Registry

logic = Registry()


@logic(
    "CG-AZ-NET-006",
    "CG-AZ-ENC-001",
    "CG-AZ-ENC-002",
    "CG-AZ-ENC-003",
    "CG-AZ-ENC-005",
    "CG-AZ-ENC-007",
    "CG-AZ-KMS-001",
    "CG-AZ-KMS-003",
    "CG-AZ-BAK-001",
    "CG-AZ-BAK-002",
    "CG-GCP-NET-005",
    "CG-GCP-NET-006",
    "CG-GCP-NET-008",
    "CG-GCP-LOG-002",
    "CG-GCP-IAM-001",
    "CG-GCP-IAM-005",
)
def required_value(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    """A property that must hold one of the `accepted` values, where absent fails; or none of
    the `refused` ones, where absent passes (the provider's default is the secure one)."""
    for resource in graph.of_type(*params["types"]):
        value = get(resource.inputs, params["path"])
        if "accepted" in params:
            allowed = any(holds(value, accepted) for accepted in params["accepted"])
        else:
            allowed = not any(holds(value, refused) for refused in params["refused"])
        if not allowed:
            shown = value or params.get("shown_when_unset", "")
            yield Violation(resource, params["path"], params["message"].format(value=shown))


def holds(value: object, expected: object) -> bool:
    """Whether a property's `value` is the catalog's `expected` one.

    Text compares case-insensitively (ARM enums are case-insensitive) and as text, since GCP
    metadata values may arrive as booleans or numbers; anything else must be of the same type
    and equal, so `true` is neither 1 nor "true".
    """
    if isinstance(expected, str):
        return value is not None and str(value).lower() == expected.lower()
    return type(value) is type(expected) and value == expected
