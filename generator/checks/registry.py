"""Where check logic registers: each rules module keeps a `Registry` of the checks it implements.

A registry knows nothing of the rules modules, so they import it without a cycle;
`generator.checks.catalog` is the one place that imports them all and joins their logic to the
catalog metadata in `generator/catalog/checks.yaml`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from generator.checks.graph import Graph
from generator.checks.model import CheckContext, Violation

# A check's `params` from checks.yaml: the facts its logic reads.
Params = Mapping[str, Any]
CheckLogic = Callable[[Graph, CheckContext, Params], Iterable[Violation]]


class Registry(Mapping[str, CheckLogic]):
    """The logic of the checks one rules module implements, by check id."""

    def __init__(self) -> None:
        self._logic: dict[str, CheckLogic] = {}

    def __call__(self, *check_ids: str) -> Callable[[CheckLogic], CheckLogic]:
        """Register the decorated function as the logic of each of `check_ids`."""

        def register(function: CheckLogic) -> CheckLogic:
            for check_id in check_ids:
                if check_id in self._logic:
                    raise ValueError(f"check {check_id} has two logic functions")
                self._logic[check_id] = function
            return function

        return register

    def __getitem__(self, check_id: str) -> CheckLogic:
        return self._logic[check_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._logic)

    def __len__(self) -> int:
        return len(self._logic)


def combined(registries: Iterable[Registry]) -> dict[str, CheckLogic]:
    """Every registry's logic in one table; a check id two registries implement is an error."""
    table: dict[str, CheckLogic] = {}
    for registry in registries:
        twice = sorted(set(table) & set(registry))
        if twice:
            raise ValueError(f"checks with two logic functions: {twice}")
        table.update(registry)
    return table
