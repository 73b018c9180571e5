"""Benchmark: the offline preview of a 50-site practice against its floor.

The floor is the least any offline preview of that practice can cost: a minimal Pulumi program
that registers exactly the resources the preview recorded (same types, names, parents and
inputs, parents first) as generic resources under trivial mocks, with no provider SDK classes,
no input type translation, no aliases, no checks. Before timing, the floor is run once through
the preview's recorder and must register the very resources the preview did.

The preview is `clinicgen preview` minus printing: size the profile, run every stack of the
real blueprints program under the preview mocks, and run every compliance check. Both run in
this process after a warm-up that loads the SDKs, so module import time (paid once per process,
whatever the size) counts in neither, and both run through the preview's stack driver, so
everything it does to the Pulumi runtime (no per-resource stack traces or debug logs, one
shared thread pool, a frozen SDK heap) helps both alike. Each is timed `--repeat` times,
interleaved; the medians are compared.

    .venv/bin/python benchmarks/preview_bench.py            # 50 Azure sites
    .venv/bin/python benchmarks/preview_bench.py --cloud gcp --sites 20
    .venv/bin/python benchmarks/preview_bench.py --profile  # and where the preview's time goes

This is a measurement, not a test: it prints the times and the ratio (target: 1.3x or less).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import cProfile
import pstats
import statistics
import sys
import tempfile
import threading
import time
import unittest.mock
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pulumi
import yaml

from generator.checks import evaluate
from generator.pipeline import practice_stacks
from generator.preview import harness
from generator.preview.harness import RegisteredResource, StackRun, run_stack
from generator.preview.sources import PracticeStacks, run_stacks
from generator.profile.loader import read_document

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = {
    "azure": ROOT / "examples" / "lakeside-health.yaml",
    "gcp": ROOT / "examples" / "brightsmile-dental.yaml",
}
TARGET = 1.3


def practice_profile(cloud: str, sites: int, directory: Path) -> Path:
    """An example profile of `cloud` grown to `sites` sites, each a copy of its first site."""
    # The profile reader, not yaml.safe_load: it keeps `pacs: on` the text the schema wants.
    document = read_document(TEMPLATES[cloud], str(TEMPLATES[cloud]))
    template = document["sites"][0]
    document["sites"] = []
    for number in range(1, sites + 1):
        site = copy.deepcopy(template)
        site.update(id=f"site-{number:02d}", name=f"Clinic {number}")
        site["connectivity"]["vpn_peer_ip"] = f"198.51.{100 + number // 250}.{number % 250 + 1}"
        site["connectivity"].pop("onprem_ranges", None)
        # 100 Mbps each keeps 50 sites on one VNet gateway (VpnGw4: 100 tunnels, 5 Gbps).
        site["connectivity"]["bandwidth_mbps"] = 100
        document["sites"].append(site)
    path = directory / f"bench-{cloud}-{sites}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


class Preview:
    """What `clinicgen preview` does, without printing, with each part timed."""

    def __init__(self, profile: Path) -> None:
        start = time.perf_counter()
        self.stacks: PracticeStacks = practice_stacks(profile, ledger_path=Path("/none"))[0]
        sized = time.perf_counter()
        self.runs: tuple[StackRun, ...] = run_stacks(self.stacks)
        ran = time.perf_counter()
        resources = [r for run in self.runs for r in run.resources]
        evaluate(resources, self.stacks.context, self.stacks.waivers)
        checked = time.perf_counter()
        self.parts = {"size": sized - start, "run": ran - sized, "check": checked - ran}
        self.seconds = checked - start
        self.resources = len(resources)


class TrivialMocks(pulumi.runtime.Mocks):
    """Mocks that answer every resource with its own inputs and a made-up id."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def floor_program(resources: Sequence[RegisteredResource]) -> Callable[[], None]:
    """A program registering `resources` again as generic resources, each after its parent."""
    by_urn = {resource.urn: resource for resource in resources}
    ordered: dict[str, RegisteredResource] = {}

    def place(resource: RegisteredResource) -> None:
        if resource.urn not in ordered:
            if resource.parent in by_urn:
                place(by_urn[resource.parent])
            ordered[resource.urn] = resource

    for resource in resources:
        place(resource)

    def program() -> None:
        created: dict[str, pulumi.Resource] = {}
        for resource in ordered.values():
            opts = pulumi.ResourceOptions(parent=created.get(resource.parent))
            if resource.custom:
                created[resource.urn] = pulumi.CustomResource(
                    resource.type, resource.name, dict(resource.inputs), opts
                )
            else:
                created[resource.urn] = pulumi.ComponentResource(
                    resource.type, resource.name, None, opts
                )

    return program


# A stack's project and name (the URNs the floor registers carry both) and its floor program.
Program = tuple[str, str, Callable[[], None]]


def floor(programs: Sequence[Program]) -> float:
    """Seconds to run every floor program under trivial mocks, through the preview's own
    stack driver but Pulumi's plain mock monitor: nothing recorded."""
    start = time.perf_counter()
    for project, stack, program in programs:
        run_stack(stack, {}, program, TrivialMocks(), record=False, project=project)
    return time.perf_counter() - start


def check_floor(runs: Sequence[StackRun], programs: Sequence[Program]) -> None:
    """Stop unless each floor program registers exactly what its stack's preview recorded."""

    def seen(resources: list[RegisteredResource]) -> list[tuple[Any, ...]]:
        return sorted((r.urn, r.type, r.parent, r.custom, repr(r.inputs)) for r in resources)

    for run, (project, stack, program) in zip(runs, programs, strict=True):
        again = run_stack(stack, {}, program, TrivialMocks(), project=project)
        if seen(again.resources) != seen(run.resources):
            sys.exit(f"the floor for {stack} does not register the resources the preview did")


def where_time_goes(profile: Path) -> None:
    """Profile one more preview, the mock monitor's calls on Pulumi's thread pool included,
    and print the share of profiled time by whose code it was spent in."""
    main_thread = cProfile.Profile()
    pool_profiles: list[cProfile.Profile] = []
    worker = threading.local()

    def profiled(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(monitor: Any, request: Any) -> Any:
            if not hasattr(worker, "profile"):
                worker.profile = cProfile.Profile()
                pool_profiles.append(worker.profile)
            return worker.profile.runcall(method, monitor, request)

        return call

    monitor = harness._RecordingMonitor
    with contextlib.ExitStack() as patches:
        for name in ("RegisterResource", "RegisterResourceOutputs", "Invoke"):
            method = profiled(getattr(monitor, name))
            patches.enter_context(unittest.mock.patch.object(monitor, name, method))
        main_thread.runcall(Preview, profile)
    shares = _shares(pstats.Stats(main_thread, *pool_profiles))  # type: ignore[arg-type]
    total = sum(shares.values())
    print("where the preview's time goes (cProfile; Python's library charged to its callers):")
    for group, seconds in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"  {100 * seconds / total:5.1f}%  {group}")


Function = tuple[str, int, str]  # pstats' key: file, line, name


def _shares(stats: pstats.Stats) -> dict[str, float]:
    """Own time by whose code it was spent in. Time inside Python's library (asyncio, typing,
    copy, json, ...) is charged to the code that called it, split between callers as the
    profile splits that function's own time between them, so the standard library working
    for the SDK counts as the SDK's. Waits for the thread pool are left out."""
    entries: dict[Function, Any] = stats.stats  # type: ignore[attr-defined]
    charged: dict[Function, dict[str, float]] = {}

    def payers(function: Function, visiting: set[Function]) -> dict[str, float]:
        group = _owner(function[0])
        callers = entries[function][4] if function in entries else {}
        if group != PYTHON or not callers or function in visiting:
            return {group: 1.0}
        if function not in charged:
            visiting.add(function)
            weights = {caller: timing[2] for caller, timing in callers.items()}
            total = sum(weights.values()) or 1.0
            split: dict[str, float] = {}
            for caller, weight in weights.items():
                for payer, fraction in payers(caller, visiting).items():
                    split[payer] = split.get(payer, 0.0) + fraction * weight / total
            visiting.discard(function)
            charged[function] = split
        return charged[function]

    shares: dict[str, float] = {}
    for function, (_, _, own_seconds, _, _) in entries.items():
        if function[2] not in IDLE:
            for payer, fraction in payers(function, set()).items():
                shares[payer] = shares.get(payer, 0.0) + fraction * own_seconds
    return shares


# The event loop waiting for the thread pool to answer.
IDLE = {"<method 'acquire' of '_thread.lock' objects>", "<method 'poll' of 'select.epoll' objects>"}


def _owner(filename: str) -> str:
    path = Path(filename)
    if path.is_relative_to(ROOT / "generator") or path.is_relative_to(ROOT / "blueprints"):
        return "clinicgen (sizing, blueprints, mocks, recording, checks)"
    parts = set(path.parts)
    if parts & {"yaml", "cerberus"}:
        return "PyYAML and Cerberus (reading the profile)"
    if parts & {"pulumi_azure_native", "pulumi_gcp", "pulumi_random", "pulumi_tls"}:
        return "provider SDK classes"
    if "pulumi" in parts:
        return "Pulumi SDK runtime"
    return PYTHON


PYTHON = "Python's library and protobuf, with no caller above"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cloud", choices=sorted(TEMPLATES), default="azure")
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="timings of each (default 3)")
    parser.add_argument("--profile", action="store_true", help="also show where time goes")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        profile = practice_profile(options.cloud, options.sites, Path(directory))
        Preview(practice_profile(options.cloud, 1, Path(directory)))  # warm-up: load the SDKs
        previews: list[Preview] = []
        floors: list[float] = []
        for _ in range(options.repeat):
            previews.append(Preview(profile))
            programs = [
                (run.project, run.stack, floor_program(run.resources)) for run in previews[-1].runs
            ]
            if not floors:
                check_floor(previews[-1].runs, programs)
            floors.append(floor(programs))
        if options.profile:
            where_time_goes(profile)
    preview = sorted(previews, key=lambda p: p.seconds)[len(previews) // 2]
    floor_seconds = statistics.median(floors)
    practice = f"{preview.stacks.practice_id} ({options.cloud}), {options.sites} sites"
    print(f"practice:  {practice}, {len(preview.runs)} stacks, {preview.resources} resources")
    print(f"medians of {options.repeat} interleaved runs each:")
    parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in preview.parts.items())
    line("preview", preview.seconds, preview.resources, parts)
    line("floor", floor_seconds, preview.resources, "generic resources, trivial mocks")
    ratio = preview.seconds / floor_seconds
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"ratio:     {ratio:6.2f}x  (target {TARGET}x: {verdict})")


def line(label: str, seconds: float, resources: int, note: str) -> None:
    per_resource = 1000 * seconds / resources
    print(f"{label + ':':<10} {seconds:6.2f} s  ({per_resource:.2f} ms/resource; {note})")


if __name__ == "__main__":
    main()
