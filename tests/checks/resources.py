"""Build recorded resources for check tests the way a preview records them.

Each resource gets the id and state the preview mocks would answer with, and `${name.attr}` in
an input refers to an earlier resource's state, as a real program's outputs would; like a
property dependency, the reference makes the resource depend on the one it names. An entry's
`depends_on` lists further dependencies by name, and `stack` puts it in another stack.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi

from generator.preview.harness import RegisteredResource
from generator.preview.mocks import PreviewMocks

STACK = "fixture"
REFERENCE = re.compile(r"^\$\{([^.}]+)\.([^}]+)\}$")


def urn(type_token: str, name: str, stack: str = STACK) -> str:
    return f"urn:pulumi:{stack}::clinicgen::{type_token}::{name}"


def build(entries: list[dict[str, Any]]) -> list[RegisteredResource]:
    mocks = PreviewMocks()
    built: dict[str, RegisteredResource] = {}
    for entry in entries:
        referenced: set[str] = set()
        inputs = _resolve(entry.get("inputs") or {}, built, referenced)
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
        stack = entry.get("stack", STACK)
        depends_on = referenced | set(entry.get("depends_on", ()))
        built[entry["name"]] = RegisteredResource(
            urn=urn(entry["type"], entry["name"], stack),
            type=entry["type"],
            name=entry["name"],
            parent=f"urn:pulumi:{stack}::clinicgen::pulumi:pulumi:Stack::clinicgen-{stack}",
            custom=True,
            protect=bool(entry.get("protect", False)),
            inputs=inputs,
            id=str(resource_id),
            outputs=state,
            dependencies=tuple(sorted(built[name].urn for name in depends_on)),
        )
    return list(built.values())


def _resolve(value: Any, built: dict[str, RegisteredResource], referenced: set[str]) -> Any:
    if isinstance(value, dict):
        return {key: _resolve(item, built, referenced) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, built, referenced) for item in value]
    match = REFERENCE.match(value) if isinstance(value, str) else None
    if match:
        referenced.add(match.group(1))
        return _attribute(built[match.group(1)].outputs, match.group(2))
    return value


def _attribute(state: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        state = state[key]
    return state
