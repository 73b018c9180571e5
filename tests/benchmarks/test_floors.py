"""The preview benchmark's floors: a recording of what a program registered, replayed as
generic resources or as the provider SDK classes, must register exactly the same."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pulumi_random
import pytest

from benchmarks import floors
from generator.preview.harness import RegisteredResource, StackRun, run_stack
from tests.paths import ROOT

PASSWORD = "random:index/randomPassword:RandomPassword"


class _AnswerMocks(pulumi.runtime.Mocks):
    """State beyond the inputs, as the preview's mocks give: a floor must answer the same."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", {**args.inputs, "result": f"<{args.name}>"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


def _program() -> None:
    group = pulumi.ComponentResource("test:index:Keys", "keys")
    first = pulumi_random.RandomPassword(
        "first",
        length=24,
        override_special="!#",
        min_upper=2,
        opts=pulumi.ResourceOptions(parent=group),
    )
    # An input taken from another resource's output: a floor gets it as a plain value.
    pulumi_random.RandomPassword(
        "second",
        length=16,
        keepers={"first": first.id},
        opts=pulumi.ResourceOptions(parent=group, protect=True),
    )


@pytest.fixture(scope="module")
def preview() -> list[StackRun]:
    return [run_stack("floors", {}, _program, _AnswerMocks())]


def test_a_type_token_maps_to_the_sdk_class_pulumi_registers_for_it() -> None:
    assert floors.sdk_class(PASSWORD) is pulumi_random.RandomPassword
    assert floors.load_class(floors.class_path(pulumi_random.RandomPassword)) is (
        pulumi_random.RandomPassword
    )
    with pytest.raises(LookupError, match="random:index/nothing:Nothing"):
        floors.sdk_class("random:index/nothing:Nothing")


def test_engine_inputs_become_the_classes_keyword_arguments() -> None:
    inputs = {"length": 24, "overrideSpecial": "!#", "minUpper": 2, "keepers": {"aB": "x"}}

    assert floors.keyword_arguments(pulumi_random.RandomPassword, inputs) == {
        "length": 24,
        "override_special": "!#",
        "min_upper": 2,
        "keepers": {"aB": "x"},  # nested values as recorded
    }
    with pytest.raises(LookupError, match="takes no input 'colour'"):
        floors.keyword_arguments(pulumi_random.RandomPassword, {"colour": "red"})


def test_a_recording_lists_parents_first_with_classes_and_answers(
    preview: list[StackRun],
) -> None:
    (stack,) = floors.record(preview)["stacks"]
    by_name = {entry["name"]: entry for entry in stack["resources"]}

    assert stack["resources"][0]["name"] == "keys"
    assert "class" not in by_name["keys"]  # a component stays a generic component
    assert by_name["second"]["class"] == "pulumi_random.random_password:RandomPassword"
    assert by_name["second"]["arguments"]["keepers"] == {"first": "first-id"}
    assert by_name["second"]["protect"] is True
    assert by_name["first"]["outputs"]["result"] == "<first>"


def test_parents_come_first_and_the_rest_keep_their_order() -> None:
    def resource(name: str, parent: str) -> RegisteredResource:
        return RegisteredResource(name, "t:i:T", name, parent, True, False, {})

    given = [resource("c", "b"), resource("x", ""), resource("b", "a"), resource("a", "")]

    assert [r.name for r in floors.parents_first(given)] == ["a", "b", "c", "x"]


@pytest.mark.parametrize("typed", [True, False], ids=["typed", "generic"])
def test_each_floor_registers_what_the_program_did(preview: list[StackRun], typed: bool) -> None:
    recording = floors.record(preview)

    floors.check(recording, preview, typed=typed)  # raises on any difference


@pytest.mark.parametrize("typed", [True, False], ids=["typed", "generic"])
def test_a_floor_that_registers_something_else_fails_its_check(
    preview: list[StackRun], typed: bool
) -> None:
    recording = floors.record(preview)
    changed = copy.deepcopy(recording)
    for entry in changed["stacks"][0]["resources"]:
        if entry["name"] == "first":
            entry["arguments"]["length"] = entry["inputs"]["length"] = 25

    with pytest.raises(ValueError, match="floor for floors does not register what"):
        floors.check(changed, preview, typed=typed)


def test_a_floor_runs_as_a_process_of_its_own(preview: list[StackRun], tmp_path: Path) -> None:
    recording = tmp_path / "recording.json"
    recording.write_text(json.dumps(floors.record(preview)), encoding="utf-8")
    for kind in ("--typed", "--generic"):
        result = subprocess.run(
            [sys.executable, "benchmarks/floors.py", str(recording), kind],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
