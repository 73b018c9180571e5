"""Registered resources made by hand, as the preview records them, for the converter tests."""

from __future__ import annotations

from typing import Any

from generator.checks.graph import SECRET_KEY, SECRET_MARK
from generator.preview.harness import RegisteredResource, StackRun
from generator.preview.mocks import SUBSCRIPTION_ID

SUBSCRIPTION = f"/subscriptions/{SUBSCRIPTION_ID}"


def secret(value: Any) -> dict[str, Any]:
    """A value as the engine marks a secret."""
    return {SECRET_KEY: SECRET_MARK, "value": value}


def resource(
    token: str,
    name: str,
    inputs: dict[str, Any],
    *,
    outputs: dict[str, Any] | None = None,
    dependencies: tuple[str, ...] = (),
    stack: str = "test-core",
    resource_id: str = "",
) -> RegisteredResource:
    return RegisteredResource(
        urn=f"urn:pulumi:{stack}::clinicgen::{token}::{name}",
        type=token,
        name=name,
        parent="",
        custom=True,
        protect=False,
        inputs=inputs,
        id=resource_id,
        outputs=outputs or {},
        dependencies=dependencies,
    )


def stack(*resources: RegisteredResource, name: str = "test-core") -> StackRun:
    return StackRun(stack=name, resources=list(resources))
