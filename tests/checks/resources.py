"""Build recorded resources for check tests the way a preview records them.

Each resource gets the id and state the preview mocks would answer with, and `${name.attr}` in
an input refers to an earlier resource's state, as a real program's outputs would.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi

from generator.preview.harness import RegisteredResource
from generator.preview.mocks import PreviewMocks

STACK = "fixture"
REFERENCE = re.compile(r"^\$\{([^.}]+)\.([^}]+)\}$")


def urn(type_token: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::clinicgen::{type_token}::{name}"


def build(entries: list[dict[str, Any]]) -> list[RegisteredResource]:
    mocks = PreviewMocks()
    built: dict[str, RegisteredResource] = {}
    for entry in entries:
        inputs = _resolve(entry.get("inputs") or {}, built)
        resource_id, state = mocks.new_resource(
            pulumi.runtime.MockResourceArgs(
                typ=entry["type"],
                name=entry["name"],
                inputs=inputs,
                provider="",
                resource_id="",
                custom=True,
            )
        )
        built[entry["name"]] = RegisteredResource(
            urn=urn(entry["type"], entry["name"]),
            type=entry["type"],
            name=entry["name"],
            parent=f"urn:pulumi:{STACK}::clinicgen::pulumi:pulumi:Stack::clinicgen-{STACK}",
            custom=True,
            protect=bool(entry.get("protect", False)),
            inputs=inputs,
            id=str(resource_id),
            outputs=state,
        )
    return list(built.values())


def _resolve(value: Any, built: dict[str, RegisteredResource]) -> Any:
    if isinstance(value, dict):
        return {key: _resolve(item, built) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, built) for item in value]
    match = REFERENCE.match(value) if isinstance(value, str) else None
    if match:
        return built[match.group(1)].outputs[match.group(2)]
    return value
