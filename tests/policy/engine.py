"""A check fixture as Pulumi's policy engine hands a stack to a policy pack.

Each fixture resource (`tests/checks/resources.build`) becomes a `pulumi_policy.PolicyResource`
whose properties are wrapped in the SDK's own unknown-checking proxy, with explicit and
per-property dependencies. Known, each property has its value: the planned inputs, and the
outputs the provider computes (ids, self links); `unknown` gives what a first preview gives: every value taken from another
resource (a `${name.attr}` reference) and every output the provider computes (ids, self links,
principals) is the engine's unknown sentinel, and only property dependencies say where it comes
from.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions
from pulumi_policy.proxy import (
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    unknown_checking_proxy,
)

from generator.preview.harness import RegisteredResource
from tests.checks.resources import REFERENCE, build


def engine_resources(entries: list[dict[str, Any]], *, unknown: bool) -> list[PolicyResource]:
    recorded = build(entries)
    by_name = {resource.name: resource for resource in recorded}
    built: dict[str, PolicyResource] = {}
    for entry, resource in zip(entries, recorded, strict=True):
        inputs = entry.get("inputs") or {}
        referenced = {key: sorted(_referenced(value)) for key, value in inputs.items()}
        props = (
            _first_preview(inputs, resource, by_name)
            if unknown
            else {**resource.outputs, **resource.inputs}
        )
        property_dependencies = {
            key: [built[name] for name in names] for key, names in referenced.items() if names
        }
        explicit = [built[name] for name in entry.get("depends_on", ())]
        built[entry["name"]] = PolicyResource(
            resource_type=resource.type,
            props=unknown_checking_proxy(props),
            urn=resource.urn,
            name=resource.name,
            opts=options(protect=resource.protect),
            provider=None,
            parent=None,
            dependencies=explicit + [d for ds in property_dependencies.values() for d in ds],
            property_dependencies=property_dependencies,
        )
    return list(built.values())


def options(*, protect: bool) -> PolicyResourceOptions:
    """A resource's options as the engine hands them over: only `protect` set."""
    return PolicyResourceOptions(
        protect=protect,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
    )


def _referenced(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {name for item in value.values() for name in _referenced(item)}
    if isinstance(value, list):
        return {name for item in value for name in _referenced(item)}
    match = REFERENCE.match(value) if isinstance(value, str) else None
    return {match.group(1)} if match else set()


def _first_preview(
    inputs: dict[str, Any], resource: RegisteredResource, by_name: dict[str, RegisteredResource]
) -> dict[str, Any]:
    """The inputs with every reference unknown, and every computed output unknown."""
    props = {key: _unknown_references(value, by_name) for key, value in inputs.items()}
    for key, value in resource.outputs.items():
        if key not in props:
            props[key] = sentinel(value)
    return props


def _unknown_references(value: Any, by_name: dict[str, RegisteredResource]) -> Any:
    if isinstance(value, dict):
        return {key: _unknown_references(item, by_name) for key, item in value.items()}
    if isinstance(value, list):
        return [_unknown_references(item, by_name) for item in value]
    match = REFERENCE.match(value) if isinstance(value, str) else None
    if not match:
        return value
    state: Any = by_name[match.group(1)].outputs
    for key in match.group(2).split("."):
        state = state[key]
    return sentinel(state)


def sentinel(value: Any) -> str:
    """The engine's unknown sentinel for a value of `value`'s kind."""
    if isinstance(value, bool):
        return UNKNOWN_BOOLEAN_VALUE
    if isinstance(value, int | float):
        return UNKNOWN_NUMBER_VALUE
    if isinstance(value, dict):
        return UNKNOWN_OBJECT_VALUE
    if isinstance(value, list):
        return UNKNOWN_ARRAY_VALUE
    return UNKNOWN_STRING_VALUE
