"""Values the engine does not know until deployment, as checks meet them in a real preview.

In a first `pulumi preview` most ids and outputs are unknown: the Pulumi policy pack
(`generator.policy`) hands the checks an `Unknown` for each, carrying the URNs of the resources
its property was computed from (the engine's property dependencies). The graph resolves a
reference through those URNs (`Graph.find`, `refers_to`). Any other use of an unknown value
that could decide a verdict (a comparison, a conversion, its text, its length) is recorded
while `watching()`, so the caller reports the verdict as undecided instead of letting the
unknown make a check pass that would fail. An unknown value counts as set (it is an output the
engine will fill in): testing it for presence records nothing.

No Pulumi import: the offline preview never produces an `Unknown`, so `clinicgen check`
behaves as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

_USED: ContextVar[list[Unknown] | None] = ContextVar("unknown_values_used", default=None)

# Shown wherever an unknown value's text ends up (a finding's message).
UNKNOWN_TEXT = "<unknown until deployed>"


class Unknown(str):
    """An unknown value at `path` of the resource `owner` (a URN), computed from the resources
    `sources` (URNs). A `str` so that logic expecting text reads it without failing; every str
    operation on it is recorded as a use."""

    owner: str
    path: str
    sources: tuple[str, ...]

    def __new__(cls, owner: str, path: str, sources: tuple[str, ...] = ()) -> Unknown:
        value = super().__new__(cls, UNKNOWN_TEXT)
        value.owner = owner
        value.path = path
        value.sources = sources
        return value

    def used(self) -> None:
        """Record that a verdict read this value."""
        uses = _USED.get()
        if uses is not None:
            uses.append(self)

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        # How a finding's message shows it (`{name!r}`): the property, not the placeholder.
        return f"<{self.path}: unknown until deployed>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Unknown, (self.owner, self.path, self.sources))


def _recorded(name: str) -> Callable[..., Any]:
    method = getattr(str, name)

    def use(self: Unknown, *args: Any, **kwargs: Any) -> Any:
        self.used()
        return method(self, *args, **kwargs)

    use.__name__ = name
    return use


# Every str operation a check could decide with. `__hash__` too: set and dict membership.
for _name in (
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__hash__",
    "__len__",
    "__contains__",
    "__iter__",
    "__getitem__",
    "__add__",
    "__mod__",
    "__format__",
    "__str__",
    "lower",
    "upper",
    "casefold",
    "strip",
    "lstrip",
    "rstrip",
    "split",
    "rsplit",
    "partition",
    "rpartition",
    "startswith",
    "endswith",
    "removeprefix",
    "removesuffix",
    "find",
    "rfind",
    "count",
    "replace",
    "isdigit",
    "isalpha",
    "isalnum",
    "islower",
    "isupper",
    "encode",
):
    setattr(Unknown, _name, _recorded(_name))


def _float(self: Unknown) -> float:
    self.used()
    raise ValueError(f"{self.path} is unknown until deployed")


Unknown.__float__ = _float  # type: ignore[attr-defined]
Unknown.__int__ = _float  # type: ignore[attr-defined]


@contextlib.contextmanager
def watching() -> Iterator[list[Unknown]]:
    """Collect the unknown values used while the block runs."""
    uses: list[Unknown] = []
    token = _USED.set(uses)
    try:
        yield uses
    finally:
        _USED.reset(token)
