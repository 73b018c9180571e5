"""The floors a preview is measured against: the resources one preview registered, recorded,
then registered again by a process that does nothing else, under trivial mocks that answer
each resource with the id and state the preview's mocks gave it (no invokes, no stack
references: their results are already in the recorded inputs).

- The generic floor registers each resource as a generic `pulumi.CustomResource` (components
  as `pulumi.ComponentResource`) with the engine-level inputs it was recorded with: no
  provider SDK imported, no typed inputs or outputs. What Pulumi's runtime alone costs.
- The typed floor constructs each resource as the very provider SDK class Pulumi maps its type
  token to (`pulumi_azure_native.network.VirtualNetwork`), with its inputs as that class's
  keyword arguments, so it imports the same provider modules and pays for the same typed
  inputs and outputs the real program does; references between resources are the plain
  values the preview resolved them to, and nested inputs are plain dictionaries with the
  engine's keys, which the SDK sends as they are, rather than `...Args` objects. Like the
  preview, it drops the aliases azure-native attaches to every resource
  (generator.preview.harness.drop_aliases).

Both run through the preview's own stack driver (generator.preview.harness.run_stack), so
what it does to the Pulumi runtime helps the floors as much as the preview. A recording is
JSON; `python benchmarks/floors.py RECORDING --typed` is one floor as a whole process, the
way benchmarks/preview_bench.py times it against `clinicgen preview`.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import rpc

from generator.preview.harness import RegisteredResource, StackRun, drop_aliases, run_stack

# Keyword parameters of an SDK class's constructor that are not resource inputs.
NOT_INPUTS = {"self", "__self__", "resource_name", "opts", "__props__"}


class RecordedMocks(pulumi.runtime.Mocks):
    """Trivial mocks: every resource is answered with the id and state the preview's mocks
    gave it, looked up by type and name (a typed class turns that state into its outputs,
    so it must be what the real program's resources got back)."""

    def __init__(self, resources: Sequence[dict[str, Any]]) -> None:
        self._answers = {(r["type"], r["name"]): (r["id"], r["outputs"]) for r in resources}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return self._answers[args.typ, args.name]

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def sdk_class(type_token: str) -> type[pulumi.CustomResource]:
    """The provider SDK class Pulumi itself constructs for `type_token` (the resource module
    a provider package registers for it when imported), e.g. `azure-native:network:Subnet`
    -> `pulumi_azure_native.network.Subnet`."""
    package, module, _ = type_token.split(":")
    registered = rpc.get_resource_module(package, module, "")
    info = getattr(registered, "mod_info", None)
    if info is None or type_token not in info["classes"]:
        raise LookupError(f"no provider SDK class is registered for {type_token}")
    found: type[pulumi.CustomResource] = getattr(
        importlib.import_module(info["fqn"]), info["classes"][type_token]
    )
    return found


def class_path(cls: type) -> str:
    """`module:Class`, as `load_class` reads it back."""
    return f"{cls.__module__}:{cls.__qualname__}"


def load_class(path: str) -> type[pulumi.CustomResource]:
    module, name = path.split(":")
    found: type[pulumi.CustomResource] = getattr(importlib.import_module(module), name)
    return found


def keyword_arguments(cls: type, inputs: dict[str, Any]) -> dict[str, Any]:
    """`inputs` (engine names: `addressSpace`, `virtualWANName`) as keyword arguments of the
    SDK class `cls` (`address_space`, `virtual_wan_name`): the same name, case and
    underscores aside. Nested values stay as recorded."""
    parameters = inspect.signature(cls._internal_init).parameters  # type: ignore[attr-defined]
    by_key = {_key(name): name for name in parameters if name not in NOT_INPUTS}
    arguments = {}
    for name, value in inputs.items():
        if _key(name) not in by_key:
            raise LookupError(f"{class_path(cls)} takes no input {name!r}")
        arguments[by_key[_key(name)]] = value
    return arguments


def _key(name: str) -> str:
    return name.replace("_", "").lower()


def record(runs: Sequence[StackRun]) -> dict[str, Any]:
    """What both floors need of a preview's stacks: each stack's resources, every one after
    its parent, with its SDK class and keyword arguments when it is a provider resource."""
    return {
        "stacks": [
            {
                "project": run.project,
                "stack": run.stack,
                "resources": [_recorded(resource) for resource in parents_first(run.resources)],
            }
            for run in runs
        ]
    }


# What a floor needs of each recorded resource, besides its SDK class and keyword arguments.
RECORDED = ("urn", "type", "name", "parent", "custom", "protect", "inputs", "id", "outputs")


def _recorded(resource: RegisteredResource) -> dict[str, Any]:
    entry = {field: getattr(resource, field) for field in RECORDED}
    if resource.custom:
        cls = sdk_class(resource.type)
        entry["class"] = class_path(cls)
        entry["arguments"] = keyword_arguments(cls, resource.inputs)
    return entry


def parents_first(resources: Sequence[RegisteredResource]) -> list[RegisteredResource]:
    """`resources` with every resource after its parent, otherwise in the order given."""
    by_urn = {resource.urn: resource for resource in resources}
    ordered: dict[str, RegisteredResource] = {}

    def place(resource: RegisteredResource) -> None:
        if resource.urn not in ordered:
            if resource.parent in by_urn:
                place(by_urn[resource.parent])
            ordered[resource.urn] = resource

    for resource in resources:
        place(resource)
    return list(ordered.values())


def program(resources: Sequence[dict[str, Any]], *, typed: bool) -> Callable[[], None]:
    """A program registering the recorded `resources` again: typed, as their SDK classes
    with their keyword arguments (aliases dropped); else as generic resources."""

    def register() -> None:
        # Inside the run, as the program imports the SDKs: the stack driver's first run is
        # the one that loads them.
        classes = {r["class"]: load_class(r["class"]) for r in resources if typed and r["custom"]}
        if typed:
            pulumi.runtime.register_stack_transformation(drop_aliases)
        created: dict[str, pulumi.Resource] = {}
        for resource in resources:
            opts = pulumi.ResourceOptions(
                parent=created.get(resource["parent"]), protect=resource["protect"]
            )
            urn, name = resource["urn"], resource["name"]
            if not resource["custom"]:
                created[urn] = pulumi.ComponentResource(resource["type"], name, None, opts)
            elif typed:
                created[urn] = classes[resource["class"]](name, opts, **resource["arguments"])
            else:
                created[urn] = pulumi.CustomResource(
                    resource["type"], name, dict(resource["inputs"]), opts
                )

    return register


def replay(recording: dict[str, Any], *, typed: bool, check: bool = False) -> list[StackRun]:
    """Run a floor of `recording`'s stacks under trivial mocks. With `check`, through the
    preview's recorder, and the runs it returns hold what each stack registered."""
    return [
        run_stack(
            stack["stack"],
            {},
            program(stack["resources"], typed=typed),
            RecordedMocks(stack["resources"]),
            record=check,
            project=stack["project"],
        )
        for stack in recording["stacks"]
    ]


def check(recording: dict[str, Any], runs: Sequence[StackRun], *, typed: bool) -> None:
    """Raise unless the floor registers exactly what the preview's `runs` recorded: the same
    URNs, types, parents, kinds and engine-level inputs."""

    def seen(resources: list[RegisteredResource]) -> list[tuple[Any, ...]]:
        return sorted((r.urn, r.type, r.parent, r.custom, repr(r.inputs)) for r in resources)

    floor = "typed" if typed else "generic"
    for run, again in zip(runs, replay(recording, typed=typed, check=True), strict=True):
        if seen(again.resources) != seen(run.resources):
            raise ValueError(
                f"the {floor} floor for {run.stack} does not register what the preview did"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description="Run one floor of a recorded preview.")
    parser.add_argument("recording", type=Path, help="JSON written by floors.record")
    kind = parser.add_mutually_exclusive_group(required=True)
    kind.add_argument("--typed", action="store_true", help="as the provider SDK classes")
    kind.add_argument("--generic", action="store_true", help="as generic resources")
    options = parser.parse_args()
    replay(json.loads(options.recording.read_text(encoding="utf-8")), typed=options.typed)


if __name__ == "__main__":
    main()
