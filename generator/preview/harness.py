"""Run a Pulumi program under mocks and record every resource it registers.

Each stack runs in a fresh `contextvars.Context` with its own event loop, so the Pulumi
runtime's ambient state (root stack resource, settings, config) never leaks between stacks
run in one process. The SDK sends each registration to the (mock) monitor on the loop's thread
pool, and the mock monitor makes an event loop of its own in every worker thread; one pool
shared by every stack keeps those threads and their loops for the life of the process.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import gc
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi import log as pulumi_log
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as pulumi_resource
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

# The project a run is in when its caller names none (a test's or a benchmark's program); a
# practice's stacks run in their own project (generator.render.project.project_name).
PROJECT = "clinicgen"
ORGANIZATION = "organization"


@dataclass(frozen=True)
class RegisteredResource:
    """One resource as the engine received it: engine-level (camelCase) inputs, the id and
    state the mocks answered with (ARM id or GCP self link), which references resolve against,
    and the URNs of the resources it depends on, which the engine creates first."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    protect: bool
    inputs: dict[str, Any]
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)
    dependencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class CloudRead:
    """Something the program read from the cloud rather than built: a data source (invoke)
    or an existing resource (`Resource.get`), by token, and what the mocks answered."""

    token: str
    result: dict[str, Any]


@dataclass
class StackRun:
    """Everything one stack registered, in registration order, what it read from the cloud,
    and its stack outputs. `config` is the stack file's config the run was given, structured,
    by full key: empty for a run read back from a saved preview, which does not record it."""

    stack: str
    resources: list[RegisteredResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    project: str = PROJECT
    reads: list[CloudRead] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)

    def of_type(self, type_token: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.type == type_token]

    def named(self, name: str) -> RegisteredResource:
        (match,) = [r for r in self.resources if r.name == name]
        return match


class _InputKeepingMocks(pulumi.runtime.Mocks):
    """`mocks`, remembering on each thread the inputs of the last resource they answered, as
    the mock monitor deserialized them from the request: the recording monitor keeps those
    rather than deserializing the same request again. (The state they answer with is
    recorded from the response, as the program receives it: serializing turns the sentinels
    a mock may answer with, unknowns and secrets, into what they stand for.)"""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        self._mocks = mocks
        self.inputs = threading.local()

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        self.inputs.value = args.inputs
        return self._mocks.new_resource(args)

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        return self._mocks.call(args)

    def register_transform(self, transform: Any) -> None:
        self._mocks.register_transform(transform)

    def register_invoke_transform(self, transform: Any) -> None:
        self._mocks.register_invoke_transform(transform)


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: pulumi.runtime.Mocks, run: StackRun) -> None:
        self._mocks_keeping_inputs = _InputKeepingMocks(mocks)
        super().__init__(self._mocks_keeping_inputs)
        self._run = run

    def RegisterResource(self, request: Any) -> Any:  # gRPC method name
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self._run.resources.append(
                RegisteredResource(
                    urn=response.urn,
                    type=request.type,
                    name=request.name,
                    parent=request.parent,
                    custom=bool(request.custom),
                    protect=bool(request.protect),
                    inputs=_plain(self._mocks_keeping_inputs.inputs.value),
                    id=response.id,
                    outputs=_plain(pulumi_mocks.rpc.deserialize_properties(response.object)),
                    dependencies=_dependencies(request),
                )
            )
        return response

    def Invoke(self, request: Any) -> Any:  # gRPC method name
        response = super().Invoke(request)
        # getResource is the SDK looking up a resource of this program, not a cloud read.
        if request.tok != "pulumi:pulumi:getResource":
            result = pulumi_mocks.rpc.deserialize_properties(getattr(response, "return"))
            self._run.reads.append(CloudRead(request.tok, _plain(result)))
        return response

    def ReadResource(self, request: Any) -> Any:  # gRPC method name
        response = super().ReadResource(request)
        # A StackReference reads another stack of this practice, not the cloud.
        if request.type != "pulumi:pulumi:StackReference":
            state = pulumi_mocks.rpc.deserialize_properties(response.properties)
            self._run.reads.append(CloudRead(request.type, _plain(state)))
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # gRPC method name
        stack = f"{self._run.project}-{self._run.stack}"
        if request.urn == self.make_urn("", "pulumi:pulumi:Stack", stack):
            outputs = pulumi_mocks.rpc.deserialize_properties(request.outputs)
            self._run.outputs.update(_plain(outputs))
        return super().RegisterResourceOutputs(request)


def _dependencies(request: Any) -> tuple[str, ...]:
    """What the resource depends on, as RegisterResourceRequest carries it: `dependencies`
    (explicit `depends_on`, plus what the Python SDK folds in from its inputs) and
    `propertyDependencies` (the resources each input's value came from), sorted, once each.
    A component in `depends_on` arrives expanded to the resources inside it."""
    urns = set(request.dependencies)
    for dependencies in request.propertyDependencies.values():
        urns.update(dependencies.urns)
    return tuple(sorted(urns))


UNKNOWN = "<computed>"


def _plain(value: Any) -> Any:
    """Inputs as JSON-ready data; values only known after deployment read `<computed>`."""
    return json.loads(json.dumps(value, default=lambda _: UNKNOWN, sort_keys=True))


@contextlib.contextmanager
def _offline_runtime() -> Iterator[None]:
    """Skip two things only the Pulumi CLI consumes, which profiling put at about a fifth of
    a mocked run: the Python stack trace captured per resource for its source position, and
    debug log messages (each an asyncio task that awaits the resource's URN)."""
    saved = (pulumi_log.debug, pulumi_resource._get_stack_trace)
    pulumi_log.debug = lambda *args, **kwargs: None
    pulumi_resource._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        pulumi_log.debug, pulumi_resource._get_stack_trace = saved


def drop_aliases(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult:
    """A stack transformation that registers each resource without its aliases: they only
    matter when a resource is renamed in existing state, never in an offline preview."""
    opts = args.opts._copy()
    opts.aliases = None
    return pulumi.ResourceTransformationResult(props=args.props, opts=opts)


@contextlib.contextmanager
def _collector_paused_while_sdks_load() -> Iterator[None]:
    """The first run in a process loads the provider SDKs (the program imports them): a few
    hundred thousand objects that live as long as the process. The cyclic garbage collector
    is paused meanwhile, since its full collections would rescan that growing heap again and
    again (about a third of the SDKs' import time, measured with benchmarks/preview_bench.py
    --imports); then the first run's garbage is collected and the rest frozen, out of the
    collector's sight, so the full collections that later runs' many short-lived futures
    trigger stop rescanning it (about a quarter of a large preview's time). Later runs, once
    the heap is frozen, run as they are."""
    global _heap_frozen
    if _heap_frozen:  # not gc.get_freeze_count(): it walks the whole frozen heap
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.freeze()
        _heap_frozen = True
        if was_enabled:
            gc.enable()


_heap_frozen = False


class _SharedExecutor(concurrent.futures.ThreadPoolExecutor):
    """The thread pool of every stack's event loop. Closing a loop shuts its default executor
    down; this one outlives them, and its threads end with the process."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass


_EXECUTOR = _SharedExecutor(max_workers=min(32, (os.cpu_count() or 1) + 4))


def run_stack(
    stack: str,
    config: Mapping[str, str],
    program: Callable[[], None],
    mocks: pulumi.runtime.Mocks,
    *,
    record: bool = True,
    project: str = PROJECT,
) -> StackRun:
    """Run `program` as stack `stack` of Pulumi project `project` under `mocks` (a preview).

    `config` maps full keys (`clinicgen:plan`) to their string values, as the CLI would pass
    them. Without `record`, the run goes through Pulumi's own mock monitor and returns no
    resources: what a program costs with nothing of clinicgen's around it.
    """
    # Around the whole run, so that what only the run itself held (its monitor, event loop
    # and resource objects) is garbage by the time the first run's heap is frozen.
    with _collector_paused_while_sdks_load():
        return _run_stack(stack, config, program, mocks, record, project)


def _run_stack(
    stack: str,
    config: Mapping[str, str],
    program: Callable[[], None],
    mocks: pulumi.runtime.Mocks,
    record: bool,
    project: str,
) -> StackRun:
    run = StackRun(stack=stack, project=project)
    monitor = _RecordingMonitor(mocks, run) if record else pulumi_mocks.MockMonitor(mocks)

    def execute() -> None:
        loop = asyncio.new_event_loop()
        loop.set_default_executor(_EXECUTOR)
        asyncio.set_event_loop(loop)
        try:
            pulumi.runtime.set_all_config(dict(config))
            pulumi_mocks.set_mocks(
                mocks,
                project=project,
                stack=stack,
                preview=True,
                organization=ORGANIZATION,
                monitor=monitor,
            )
            # set_mocks makes and finishes a root stack of its own; a fresh one, as the real
            # entry point makes, is what records `pulumi.export` as stack outputs.
            pulumi_settings.ROOT.set(None)
            # set_mocks leaves the set of pending output tasks as it was, and a fresh context
            # reads the one every run before it shared: a run that failed leaves its tasks
            # there, bound to its closed loop, and the next run would wait on them.
            pulumi_settings.SETTINGS.outputs = set()
            _sync_await(run_in_stack(program))
        finally:
            loop.close()
            asyncio.set_event_loop(None)

    with _offline_runtime():
        contextvars.Context().run(execute)
    return run
