"""The generated pack served as the Pulumi CLI runs it: its `__main__.py` in a process of its
own, which prints the port of its gRPC analyzer, asked to analyse a stack over gRPC."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from generator.checks.graph import strings
from generator.preview.harness import RegisteredResource
from tests.policy.engine import sentinel


@contextlib.contextmanager
def served(pack: Path) -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """A client of the pack in `pack`, served by its own entry, stopped afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-u", str(pack / "__main__.py")],
        cwd=pack,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=60)
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.kill()
        process.wait(timeout=30)


def stack_request(resources: Iterable[RegisteredResource]) -> analyzer_pb2.AnalyzeStackRequest:
    """A stack as the engine sends it to a pack: each resource's planned inputs with the
    outputs the provider computes, its options and dependencies."""
    request = analyzer_pb2.AnalyzeStackRequest()
    for resource in resources:
        request.resources.append(
            _analyzer_resource(resource, {**resource.outputs, **resource.inputs}, {})
        )
    return request


def _analyzer_resource(
    resource: RegisteredResource,
    properties: dict[str, Any],
    property_dependencies: dict[str, analyzer_pb2.AnalyzerPropertyDependencies],
) -> analyzer_pb2.AnalyzerResource:
    struct = struct_pb2.Struct()
    json_format.ParseDict(_json(properties), struct)
    return analyzer_pb2.AnalyzerResource(
        type=resource.type,
        properties=struct,
        urn=resource.urn,
        name=resource.name,
        options=analyzer_pb2.AnalyzerResourceOptions(protect=resource.protect),
        parent=resource.parent,
        dependencies=list(resource.dependencies),
        propertyDependencies=property_dependencies,
    )


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def diagnostics(
    stub: analyzer_pb2_grpc.AnalyzerStub, request: analyzer_pb2.AnalyzeStackRequest
) -> list[tuple[str, str, str, str]]:
    """(policy, enforcement level, URN, message) of every violation the pack reports."""
    response = stub.AnalyzeStack(request, timeout=300)
    level = analyzer_pb2.EnforcementLevel.Name
    return [
        (d.policyName, level(d.enforcementLevel), d.urn, d.message) for d in response.diagnostics
    ]


def first_preview_request(
    resources: Iterable[RegisteredResource],
) -> analyzer_pb2.AnalyzeStackRequest:
    """The stack as a first preview sends it: every input value taken from another resource's
    outputs (a string equal to one of a dependency's output strings) is unknown, with that
    resource as the property's dependency, and every output the provider computes is unknown."""
    request = analyzer_pb2.AnalyzeStackRequest()
    recorded = list(resources)
    by_urn = {resource.urn: resource for resource in recorded}
    for resource in recorded:
        produced = {
            urn: set(strings(by_urn[urn].outputs)) - set(strings(by_urn[urn].inputs))
            for urn in resource.dependencies
            if urn in by_urn
        }
        properties: dict[str, Any] = {}
        property_dependencies: dict[str, analyzer_pb2.AnalyzerPropertyDependencies] = {}
        for key, value in resource.inputs.items():
            sources: set[str] = set()
            properties[key] = _unknown_where_produced(value, produced, sources)
            if sources:
                property_dependencies[key] = analyzer_pb2.AnalyzerPropertyDependencies(
                    urns=sorted(sources)
                )
        for key, value in resource.outputs.items():
            properties.setdefault(key, sentinel(value))
        request.resources.append(_analyzer_resource(resource, properties, property_dependencies))
    return request


def _unknown_where_produced(value: Any, produced: dict[str, set[str]], sources: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _unknown_where_produced(v, produced, sources) for k, v in value.items()}
    if isinstance(value, list):
        return [_unknown_where_produced(item, produced, sources) for item in value]
    if isinstance(value, str):
        makers = {urn for urn, strings in produced.items() if value in strings}
        if makers:
            sources.update(makers)
            return sentinel(value)
    return value
