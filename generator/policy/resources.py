"""The one place where a stack as Pulumi's policy engine hands it over becomes the resources
clinicgen's checks read.

A `pulumi_policy.PolicyResource` carries engine-level (camelCase, provider schema) properties,
the same names the offline preview records as inputs (`generator.preview.harness`), so the
properties are taken as they are. What differs is made the same here:
- the properties arrive wrapped in pulumi_policy's proxy, which raises on an unknown value; they
  are unwrapped, and each unknown becomes an `Unknown` carrying the URNs its top-level property
  was computed from (`property_dependencies`), so references resolve by URN;
- secrets arrive as plain values (the policy SDK unwraps them), as the graph reads them;
- dependencies are resource objects; they become URNs (explicit and per-property dependencies,
  as the harness records them);
- the id is only a property where the provider has one (`id`); during a first preview it is
  unknown or absent, and references resolve through property dependencies instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from generator.checks.graph import PlainResource
from generator.checks.unknown import Unknown

# Pulumi's wire format for a value unknown during preview (pulumi_policy.proxy): one sentinel
# per kind of value.
UNKNOWN_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)


class PolicyOptions(Protocol):
    @property
    def protect(self) -> bool: ...


class EngineResource(Protocol):
    """What this module reads of a `pulumi_policy.PolicyResource`."""

    @property
    def resource_type(self) -> str: ...
    @property
    def props(self) -> Mapping[str, Any]: ...
    @property
    def urn(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def opts(self) -> PolicyOptions: ...
    @property
    def dependencies(self) -> Sequence[EngineResource]: ...
    @property
    def property_dependencies(self) -> Mapping[str, Sequence[EngineResource]]: ...


def stack_resources(resources: Iterable[EngineResource]) -> list[PlainResource]:
    """The analysed stack's resources as the checks read them. Providers and the stack itself
    are not resources the checks know."""
    return [
        _stack_resource(resource)
        for resource in resources
        if not resource.resource_type.startswith("pulumi:")
    ]


def _stack_resource(resource: EngineResource) -> PlainResource:
    sources = {
        key: tuple(sorted(dependency.urn for dependency in dependencies))
        for key, dependencies in resource.property_dependencies.items()
    }
    props = {
        key: _plain(value, resource.urn, key, sources.get(key, ()))
        for key, value in _entries(resource.props)
    }
    urns = {dependency.urn for dependency in resource.dependencies}
    for dependencies in sources.values():
        urns.update(dependencies)
    identity = props.get("id")
    # The engine hands over one set of properties: planned inputs with computed outputs.
    return PlainResource(
        urn=resource.urn,
        type=resource.resource_type,
        name=resource.name,
        protect=bool(resource.opts.protect),
        inputs=props,
        id=identity if isinstance(identity, str) else "",
        outputs=props,
        dependencies=tuple(sorted(urns)),
    )


def _entries(value: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """A mapping's items without reading through pulumi_policy's proxy, which raises on an
    unknown value: the proxy hands out what it wraps under the key `__target`."""
    target = _target(value)
    return [(key, target[key]) for key in target]


def _target(value: Any) -> Any:
    try:
        return value["__target"]
    except (KeyError, TypeError, IndexError):
        return value


def _plain(value: Any, owner: str, path: str, sources: tuple[str, ...]) -> Any:
    """`value` as plain data, each unknown as an `Unknown`."""
    value = _target(value)
    if isinstance(value, str) and value in UNKNOWN_SENTINELS:
        return Unknown(owner, path, sources)
    if isinstance(value, Mapping):
        return {key: _plain(item, owner, f"{path}.{key}", sources) for key, item in _entries(value)}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [
            _plain(item, owner, f"{path}[{index}]", sources) for index, item in enumerate(value)
        ]
    return value
