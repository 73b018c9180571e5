"""The checks that are data alone: their catalog params are well formed, and values compare the
way the hand-written checks they replace compared them."""

from __future__ import annotations

import pytest

from generator.checks import CheckInfo, all_checks
from generator.checks.rules.values import holds, logic

DATA_CHECKS = [info for info in all_checks() if info.id in logic]
KEYS = {"types", "path", "message", "accepted", "refused", "shown_when_unset"}


@pytest.mark.parametrize("info", DATA_CHECKS, ids=lambda info: info.id)
def test_data_check_params_are_well_formed(info: CheckInfo) -> None:
    params = info.params or {}
    assert set(params) <= KEYS
    assert params["types"] and all(isinstance(t, str) for t in params["types"])
    assert isinstance(params["path"], str) and params["path"]
    assert ("accepted" in params) != ("refused" in params), "exactly one of accepted, refused"
    assert params.get("accepted", params.get("refused"))
    assert params["message"].format(value="x")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AlwaysON", "alwayson"),
        ("TRUE", "true"),
        (True, "true"),
        (1, "1"),
        (True, True),
        (False, False),
    ],
)
def test_a_value_holds_when_equal_as_text_ignoring_case_or_equal_in_type(
    value: object, expected: object
) -> None:
    assert holds(value, expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "none"), ("Disabled", "Enabled"), (1, True), ("true", True), (0, False), (None, False)],
)
def test_a_value_does_not_hold_otherwise(value: object, expected: object) -> None:
    assert not holds(value, expected)
