"""Registering check logic: one function per check id, within a rules module and across them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from generator.checks.graph import Graph
from generator.checks.model import CheckContext, Violation
from generator.checks.registry import Params, Registry, combined


def nothing(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    yield from ()


def test_one_function_registers_for_several_checks() -> None:
    logic = Registry()
    logic("CG-AZ-NET-001", "CG-GCP-NET-001")(nothing)
    assert dict(logic) == {"CG-AZ-NET-001": nothing, "CG-GCP-NET-001": nothing}


def test_a_check_with_two_functions_is_refused() -> None:
    logic = Registry()
    logic("CG-AZ-NET-001")(nothing)
    with pytest.raises(ValueError, match="CG-AZ-NET-001 has two logic functions"):
        logic("CG-AZ-NET-001")(nothing)


def test_two_registries_implementing_one_check_are_refused() -> None:
    first, second = Registry(), Registry()
    first("CG-AZ-NET-001")(nothing)
    second("CG-AZ-NET-001", "CG-AZ-NET-002")(nothing)
    with pytest.raises(ValueError, match=r"two logic functions: \['CG-AZ-NET-001'\]"):
        combined([first, second])
