"""The stack driver: isolation between stacks, one thread pool for all, recording on or off."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc as pulumi_rpc

from generator.preview.harness import run_stack
from tests.paths import ROOT


class _WorkerNamingMocks(pulumi.runtime.Mocks):
    """Answers with the inputs, and notes which thread pool worker answered."""

    def __init__(self) -> None:
        self.workers: set[str] = set()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.workers.add(threading.current_thread().name)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


def _program() -> None:
    config = pulumi.Config("clinicgen")
    parent = pulumi.ComponentResource("test:index:Group", "group")
    for number in range(3):
        pulumi.CustomResource(
            "test:index:Thing",
            f"thing-{number}",
            {"site": config.require("site"), "number": number},
            pulumi.ResourceOptions(parent=parent),
        )
    pulumi.export("site", config.require("site"))


def test_each_stack_sees_only_its_own_config_and_resources() -> None:
    first = run_stack("one", {"clinicgen:site": "north"}, _program, _WorkerNamingMocks())
    second = run_stack("two", {"clinicgen:site": "south"}, _program, _WorkerNamingMocks())

    assert first.outputs == {"site": "north"}
    assert second.outputs == {"site": "south"}
    assert [r.inputs["site"] for r in first.of_type("test:index:Thing")] == ["north"] * 3
    assert [r.inputs["site"] for r in second.of_type("test:index:Thing")] == ["south"] * 3
    assert all(":two::" in r.urn for r in second.resources)
    assert second.named("thing-0").parent == second.named("group").urn


def test_every_stack_registers_through_one_thread_pool() -> None:
    # A pool per stack would show up as workers of differently numbered executors.
    mocks = [_WorkerNamingMocks() for _ in range(3)]
    for number, stack_mocks in enumerate(mocks):
        run_stack(f"stack-{number}", {"clinicgen:site": "x"}, _program, stack_mocks)

    pools = {name.rsplit("_", 1)[0] for stack_mocks in mocks for name in stack_mocks.workers}
    assert len(pools) == 1, pools


def test_without_recording_the_program_runs_and_nothing_is_kept() -> None:
    mocks = _WorkerNamingMocks()
    run = run_stack("quiet", {"clinicgen:site": "x"}, _program, mocks, record=False)

    assert mocks.workers  # the resources were registered with the mocks
    assert run.resources == []
    assert run.outputs == {}


def test_a_preview_freezes_the_loaded_sdks_out_of_the_collectors_sight() -> None:
    # A fresh process: whether another test froze the heap first must not decide this one.
    script = (
        "import gc, pathlib\n"
        "from generator.pipeline import preview_profile\n"
        "preview_profile(pathlib.Path('examples/maple-grove.yaml'), pathlib.Path('/none'))\n"
        "print(gc.get_freeze_count())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert int(result.stdout) > 100_000


def test_the_first_run_loads_with_the_collector_paused_then_freezes_what_it_loaded() -> None:
    # A fresh process: the first run of this one may have been another test's.
    script = (
        "import gc, pulumi\n"
        "from generator.preview.harness import run_stack\n"
        "from tests.preview.test_harness import _WorkerNamingMocks\n"
        "seen = []\n"
        "def program():\n"
        "    seen.append(gc.isenabled())\n"
        "    pulumi.CustomResource('test:index:Thing', 'thing', {})\n"
        "run_stack('first', {}, program, _WorkerNamingMocks())\n"
        "frozen = gc.get_freeze_count()\n"
        "run_stack('second', {}, program, _WorkerNamingMocks())\n"
        "print(seen, gc.isenabled(), frozen > 0, gc.get_freeze_count() <= frozen)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["[False,", "True]", "True", "True", "True"]


def _dependent_program() -> None:
    first = pulumi.CustomResource("test:index:Thing", "first", {"value": 1})
    second = pulumi.CustomResource("test:index:Thing", "second", {"value": 2})
    group = pulumi.ComponentResource("test:index:Group", "group")
    inside = pulumi.CustomResource(
        "test:index:Thing", "inside", {"value": 3}, pulumi.ResourceOptions(parent=group)
    )
    pulumi.CustomResource(
        "test:index:Thing",
        "last",
        {"copied": first.id},  # a property dependency
        pulumi.ResourceOptions(depends_on=[second, group]),  # explicit ones
    )
    del inside


def test_each_resource_records_what_it_depends_on() -> None:
    run = run_stack("deps", {}, _dependent_program, _WorkerNamingMocks())

    urns = {resource.name: resource.urn for resource in run.resources}
    # The input's source, the explicit dependency, and a component expanded to what it holds.
    assert run.named("last").dependencies == tuple(
        sorted([urns["first"], urns["second"], urns["inside"]])
    )
    assert run.named("first").dependencies == ()


class _ReadingMocks(_WorkerNamingMocks):
    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {"email": f"read-by-{args.token}"}, []


def _reading_program() -> None:
    pulumi.runtime.invoke("test:index:getAgent", {"project": "p"})
    pulumi.CustomResource("test:index:Thing", "existing", None, pulumi.ResourceOptions(id="x-1"))


def test_what_the_program_reads_from_the_cloud_is_kept_apart_from_what_it_builds() -> None:
    run = run_stack("reads", {}, _reading_program, _ReadingMocks())

    assert sorted((read.token, read.result.get("email", "")) for read in run.reads) == [
        ("test:index:Thing", ""),
        ("test:index:getAgent", "read-by-test:index:getAgent"),
    ]
    assert run.resources == []


class _AnsweringMocks(_WorkerNamingMocks):
    """Answers with state the inputs do not hold: a computed address and a value the engine
    cannot know in a preview."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        state = {**args.inputs, "address": f"10.0.0.{len(args.name)}"}
        return f"{args.name}-id", {**state, "later": pulumi_rpc.UNKNOWN}


def _nested_program() -> None:
    # `address: None` asks for the output the mocks answer, and sends no input.
    first = pulumi.CustomResource(
        "test:index:Thing", "first", {"tags": {"b": "2", "a": "1"}, "address": None}
    )
    pulumi.CustomResource(
        "test:index:Thing",
        "second",
        {"address": first.address, "rules": [{"port": 443, "open": True}], "key": first.id},  # type: ignore[attr-defined]
    )


def test_each_resource_records_the_inputs_the_mocks_got_and_the_state_they_answered() -> None:
    run = run_stack("answers", {}, _nested_program, _AnsweringMocks())

    assert run.named("second").inputs == {
        "address": "10.0.0.5",
        "key": "first-id",
        "rules": [{"open": True, "port": 443}],
    }
    assert run.named("first").outputs == {
        "address": "10.0.0.5",
        "later": "<computed>",
        "tags": {"a": "1", "b": "2"},
    }


def _things(count: int) -> Callable[[], None]:
    def program() -> None:
        for number in range(count):
            pulumi.CustomResource("test:index:Thing", f"thing-{number}", {"number": number})

    return program


def test_recording_a_resource_deserializes_its_request_once_and_its_response_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The mock monitor deserializes the request for the mocks, the program the response for
    # its outputs; recording reuses the mocks' inputs and deserializes only the response once
    # more: three a resource, where deserializing the request again would make it four.
    deserialized = 0
    counted = pulumi_rpc.deserialize_properties

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal deserialized
        deserialized += 1
        return counted(*args, **kwargs)

    monkeypatch.setattr(pulumi_rpc, "deserialize_properties", counting)
    per_run = []
    for count in (1, 4):
        deserialized = 0
        run = run_stack("counted", {}, _things(count), _WorkerNamingMocks())
        per_run.append(deserialized)

    assert len(run.resources) == 4
    assert per_run[1] - per_run[0] == 3 * 3


class _EchoMocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


def test_a_run_that_fails_leaves_nothing_for_the_next_run() -> None:
    """A program that fails mid-run (a missing core output, say) leaves output tasks pending on
    its closed loop; the next run in the process (`fleet check` runs many) must not wait on
    them ("Event loop is closed")."""

    def failing() -> None:
        base = pulumi.CustomResource("test:index:Thing", "base", {"value": "a"})
        missing = base.id.apply(lambda _: {}["absent"])
        pulumi.CustomResource("test:index:Thing", "reader", {"value": missing})

    def passing() -> None:
        pulumi.CustomResource("test:index:Thing", "next", {"value": "b"})

    with pytest.raises(KeyError, match="absent"):
        run_stack("p-failing", {}, failing, _EchoMocks())
    run = run_stack("p-passing", {}, passing, _EchoMocks())
    assert [r.name for r in run.resources if r.type == "test:index:Thing"] == ["next"]
