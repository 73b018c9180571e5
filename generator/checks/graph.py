"""The resource graph checks read: resources indexed by type and by the ids others refer to,
the order the engine creates them in, and what the program read from the cloud.

Resources refer to each other by the ids the provider returns (an ARM resource id, a GCP self
link or short id, sometimes a bare name); `Graph.find` resolves any of those forms, and a
reference that is unknown until deployment (`generator.checks.unknown.Unknown`, in a real
preview) through the URNs of the resources its property was computed from.
`Graph.depends_on` follows the recorded dependencies, which the engine honours when it creates
resources: whatever a resource depends on, directly or through others, exists before it.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.checks.model import Read, Resource
from generator.checks.unknown import Unknown

# Pulumi's wire format marks a secret value as {SECRET_KEY: SECRET_MARK, "value": ...}
# (pulumi.runtime.rpc); an input that holds a secret arrives wrapped in it.
SECRET_KEY = "4dabf18193072939515e22adb298388d"
SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270"


class Graph:
    """Every resource of a practice's stacks, looked up by type and by reference, and what the
    program read from the cloud (`reads`: data sources and existing resources)."""

    def __init__(self, resources: Iterable[Resource], reads: Iterable[Read] = ()) -> None:
        self.resources = tuple(_unsealed(resource) for resource in resources)
        self.reads = tuple(reads)
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        self._by_urn: dict[str, Resource] = {}
        for resource in self.resources:
            self._by_type[resource.type].append(resource)
            self._by_urn[resource.urn] = resource
        self._ancestors: dict[str, frozenset[str]] = {}

    def of_type(self, *types: str) -> list[Resource]:
        """Resources of any of `types`, in registration order."""
        if len(types) == 1:
            return list(self._by_type.get(types[0], ()))
        return [r for r in self.resources if r.type in types]

    def find(self, reference: object, *types: str) -> Resource | None:
        """The resource of one of `types` that `reference` (an id, self link or name) points to.

        An unknown reference points to the one resource of those types its value was computed
        from; with none or several, it is a use of the unknown (the verdict is undecided)."""
        if isinstance(reference, Unknown):
            sources = [self._by_urn[urn] for urn in reference.sources if urn in self._by_urn]
            candidates = [source for source in sources if source.type in types]
            if len(candidates) == 1:
                return candidates[0]
            reference.used()
            return None
        for resource in self.of_type(*types):
            if refers_to(reference, resource):
                return resource
        return None

    def computed_from(self, value: object, resource: Resource) -> bool | None:
        """Whether a value unknown until deployment was computed from `resource` (as
        `refers_to` decides it); None for a known value, which the caller compares itself."""
        return refers_to(value, resource) if isinstance(value, Unknown) else None

    def depends_on(self, resource: Resource, other: Resource) -> bool:
        """Whether the engine creates `other` before `resource`: `resource` depends on it,
        directly or through resources it depends on."""
        return other.urn in self._created_before(resource.urn)

    def _created_before(self, urn: str) -> frozenset[str]:
        if urn not in self._ancestors:
            self._ancestors[urn] = frozenset()  # a cycle ends here rather than recursing
            found: set[str] = set()
            resource = self._by_urn.get(urn)
            for dependency in resource.dependencies if resource else ():
                found.add(dependency)
                found |= self._created_before(dependency)
            self._ancestors[urn] = frozenset(found)
        return self._ancestors[urn]


def stack_of(resource: Resource) -> str:
    """The stack a resource belongs to, from its URN (`urn:pulumi:<stack>::<project>::...`)."""
    return resource.urn.removeprefix("urn:pulumi:").split("::", 1)[0]


@dataclass(frozen=True)
class PlainResource:
    """A resource as checks read it, built from another shape: one whose inputs held secrets,
    with the secret wrappers taken off so checks read the settings inside (a VM's `osProfile`
    is wrapped whole when its admin password is secret), or one of a stack Pulumi's policy
    engine hands over (`generator.policy.resources`)."""

    urn: str
    type: str
    name: str
    protect: bool
    inputs: dict[str, Any]
    id: str
    outputs: dict[str, Any]
    dependencies: tuple[str, ...]


def _unsealed(resource: Resource) -> Resource:
    if not is_sealed(resource.inputs):
        return resource
    return PlainResource(
        urn=resource.urn,
        type=resource.type,
        name=resource.name,
        protect=resource.protect,
        inputs=unseal(resource.inputs),
        id=resource.id,
        outputs=resource.outputs,
        dependencies=resource.dependencies,
    )


def is_sealed(value: Any) -> bool:
    """Whether `value` holds a secret wrapper anywhere."""
    if isinstance(value, dict):
        return value.get(SECRET_KEY) == SECRET_MARK or any(is_sealed(v) for v in value.values())
    return isinstance(value, list) and any(is_sealed(item) for item in value)


def unseal(value: Any) -> Any:
    """`value` with every secret wrapper replaced by what it wraps."""
    if isinstance(value, dict):
        if value.get(SECRET_KEY) == SECRET_MARK:
            return unseal(value.get("value"))
        return {key: unseal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unseal(item) for item in value]
    return value


def refers_to(reference: object, resource: Resource) -> bool:
    """Whether `reference` names `resource`: its id, self link, short id or physical name.

    ARM ids compare case-insensitively (Azure treats them so); a GCP short id
    (`projects/p/global/networks/n`) matches the self link that ends with it. An unknown
    reference names a resource its value was computed from; when it was computed from several,
    which one it names is undecided (a use of the unknown), and it is taken to name each.
    """
    if isinstance(reference, Unknown):
        if resource.urn not in reference.sources:
            return False
        if len(reference.sources) > 1:
            reference.used()
        return True
    if not isinstance(reference, str) or not reference:
        return False
    wanted = reference.rstrip("/").lower()
    for known in _identities(resource):
        if wanted == known or known.endswith("/" + wanted) or wanted.endswith("/" + known):
            return True
    return False


def _identities(resource: Resource) -> Iterator[str]:
    outputs = resource.outputs
    # An identity unknown until deployment matches no known reference.
    for value in (resource.id, outputs.get("id"), outputs.get("selfLink")):
        if isinstance(value, str) and value and not isinstance(value, Unknown):
            yield value.rstrip("/").lower()
    name = outputs.get("name")
    # A bare name only identifies a resource when it holds no path of its own.
    if isinstance(name, str) and name and not isinstance(name, Unknown) and "/" not in name:
        yield name.lower()


def get(data: Any, path: str) -> Any:
    """The value at dotted `path` in nested mappings, or None when any step is missing. Inside
    a value unknown until deployment, every member is that unknown value."""
    for key in path.split("."):
        if isinstance(data, Unknown):
            return data
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def items(value: Any) -> list[Any]:
    """`value` as a list: None is empty, a scalar is a one-item list. A list unknown until
    deployment is read as empty, a use of the unknown (the verdict is undecided)."""
    if value is None:
        return []
    if isinstance(value, Unknown):
        value.used()
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def strings(value: Any) -> Iterator[str]:
    """Every string inside `value`, however deeply nested in mappings and lists."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def is_internet(prefix: object) -> bool:
    """Whether an address prefix or service tag admits the whole internet."""
    if not isinstance(prefix, str):
        return False
    text = prefix.strip()
    if text.lower() in ("*", "any", "internet"):
        return True
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


def port_in(spec: object, port: int) -> bool:
    """Whether a port spec (`22`, `20-25`, `*`) includes `port`."""
    text = str(spec).strip()
    if text in ("*", "all", ""):
        return True
    low, _, high = text.partition("-")
    try:
        return int(low) <= port <= int(high or low)
    except ValueError:
        return False


def seconds(duration: object) -> float | None:
    """A protobuf duration string (`7776000s`, `86400.5s`) in seconds; None when unreadable."""
    if isinstance(duration, int | float):
        return float(duration)
    if not isinstance(duration, str) or not duration.endswith("s"):
        return None
    try:
        return float(duration[:-1])
    except ValueError:
        return None


def iso_days(duration: object) -> float | None:
    """An ISO 8601 duration (`P90D`, `P1Y`, `P3M`, `P2W`) in days; None when unreadable."""
    if not isinstance(duration, str) or not duration.upper().startswith("P"):
        return None
    days_per_unit = {"Y": 365.0, "M": 30.0, "W": 7.0, "D": 1.0}
    total, number = 0.0, ""
    for char in duration.upper()[1:]:
        if char.isdigit() or char == ".":
            number += char
        elif char in days_per_unit and number:
            total += float(number) * days_per_unit[char]
            number = ""
        else:
            return None
    return total if not number else None
