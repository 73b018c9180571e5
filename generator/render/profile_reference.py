"""The profile reference page (docs/profile.md): one row per field of the JSON Schema, so the
page and what editors check can never disagree."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.profile.json_schema import profile_json_schema
from generator.render.templating import render


@dataclass(frozen=True)
class ReferenceRow:
    """One field of the profile reference page."""

    path: str
    type: str
    required: bool
    default: str
    allowed: str
    description: str


def profile_reference_markdown() -> str:
    """The profile reference page (docs/profile.md), one row per field."""
    return render("docs/profile.md.jinja", fields=list(_reference_rows(profile_json_schema())))


def _reference_rows(schema: dict[str, Any], prefix: str = "") -> Iterator[ReferenceRow]:
    required = set(schema.get("required", ()))
    for name, field in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        items = field.get("items", {})
        kinds = field["type"] if isinstance(field["type"], list) else [field["type"]]
        kind = " or ".join(kinds)
        if "array" in kinds and "type" in items:
            kind = f"list of {items['type']}"
        constraint = field.get("enum") or items.get("enum")
        allowed = _allowed(constraint) if constraint else _range(field | items)
        default = field.get("default")
        yield ReferenceRow(
            path=path,
            type=kind,
            required=name in required,
            default="" if default in (None, [], {}) else json.dumps(default),
            allowed=allowed,
            description=field.get("description", items.get("description", "")),
        )
        yield from _reference_rows(field, f"{path}.")
        yield from _reference_rows(items, f"{path}[].")


def _allowed(values: list[Any]) -> str:
    if len(values) > 20:
        return f"one of {len(values)} region names: the chosen cloud's own"
    return ", ".join(map(str, values))


def _range(field: dict[str, Any]) -> str:
    if "x-hint" in field:
        return str(field["x-hint"])
    bounds = [f">= {field['minimum']}"] if "minimum" in field else []
    bounds += [f"<= {field['maximum']}"] if "maximum" in field else []
    return ", ".join(bounds)
