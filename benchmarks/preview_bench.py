"""Benchmark: `clinicgen preview` as a whole process, what a user waits for, against two
floors, each a whole process too (benchmarks/floors.py):

- the generic floor registers the resources the preview recorded (same types, names, parents
  and inputs, parents first) as generic resources: no provider SDK classes, no input type
  translation, no aliases, no checks;
- the typed floor registers them as the same provider SDK classes with the same inputs, so it
  imports the same provider modules and pays for the same typed inputs and outputs, the
  least any program built on those SDKs can cost. Target: the preview within 1.3x of it.

Before timing, each floor is run once through the preview's recorder and must register the
very resources the preview did. The three processes are timed `--repeat` times, interleaved,
on each practice: an example of each cloud grown to each `--sites` count (its first site
copied), or the `--profiles` given. The medians are compared; peak memory is each process's
largest resident set.

    .venv/bin/python benchmarks/preview_bench.py            # Azure and GCP, 1 and 50 sites
    .venv/bin/python benchmarks/preview_bench.py --cloud gcp --sites 20
    .venv/bin/python benchmarks/preview_bench.py --profiles examples/maple-grove.yaml
    .venv/bin/python benchmarks/preview_bench.py --sites 1 --imports  # and what start-up imports
    .venv/bin/python benchmarks/preview_bench.py --profile  # and where the preview's time goes

This is a measurement, not a test: it prints the times and the ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import cProfile
import json
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unittest.mock
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import floors
import yaml

from generator.checks import evaluate
from generator.pipeline import practice_stacks
from generator.preview import harness
from generator.preview.harness import StackRun
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
    """What `clinicgen preview` does, in this process, without printing."""

    def __init__(self, profile: Path) -> None:
        self.stacks: PracticeStacks = practice_stacks(profile, ledger_path=Path("/none"))[0]
        self.runs: tuple[StackRun, ...] = run_stacks(self.stacks)
        resources = [r for run in self.runs for r in run.resources]
        evaluate(resources, self.stacks.context, self.stacks.waivers)
        self.resources = len(resources)


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


@dataclass(frozen=True)
class Process:
    """One whole process: wall time, CPU time (user and system, every thread), peak resident
    memory, exit status, what it printed to stderr."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    exit_code: int
    stderr: str


def whole_process(command: Sequence[str]) -> Process:
    """Run `command` to its end, output to nowhere: its wall time, and its CPU time and peak
    RSS as `/usr/bin/time` reports them (a child forked from this process would report this
    one's peak, which it inherits at the fork). On a busy machine the wall time waits for
    other processes; the CPU time much less."""
    with tempfile.NamedTemporaryFile("r") as peak, tempfile.TemporaryFile("w+") as stderr:
        start = time.perf_counter()
        result = subprocess.run(
            [TIME, "-f", "%M %U %S", "-o", peak.name, *command],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            check=False,
        )
        seconds = time.perf_counter() - start
        stderr.seek(0)
        kilobytes, user, system = peak.read().splitlines()[-1].split()
        cpu = float(user) + float(system)
        return Process(seconds, cpu, int(kilobytes) / 1024, result.returncode, stderr.read())


TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Practice:
    """A practice to time: its profile, a recording of its preview for the floors, and the
    size of that preview."""

    cloud: str
    sites: int
    profile: Path
    recording: Path
    stacks: int
    resources: int

    def commands(self, directory: Path) -> dict[str, list[str]]:
        """The three whole processes, by label. The preview gets an empty stacks directory,
        so it reads no ledger and sizes the profile from scratch."""
        preview = [sys.executable, "-m", "generator", "preview", str(self.profile)]
        preview += ["--stacks-dir", str(directory / "no-stacks")]
        floor = [sys.executable, str(FLOORS), str(self.recording)]
        return {
            PREVIEW: preview,
            "typed floor": [*floor, "--typed"],
            "generic floor": [*floor, "--generic"],
        }


FLOORS = Path(__file__).resolve().parent / "floors.py"
PREVIEW = "clinicgen preview"


def prepare(profile: Path, directory: Path) -> Practice:
    """Preview the practice in this process, record it, and check both floors."""
    preview = Preview(profile)
    recording = floors.record(preview.runs)
    for typed in (False, True):
        floors.check(recording, preview.runs, typed=typed)
    path = directory / f"{profile.stem}.recording.json"
    path.write_text(json.dumps(recording), encoding="utf-8")
    return Practice(
        preview.stacks.cloud,
        len(preview.stacks.sites),
        profile,
        path,
        len(preview.runs),
        preview.resources,
    )


def measure(practice: Practice, repeat: int, directory: Path) -> dict[str, list[Process]]:
    """Each of the practice's processes `repeat` times, interleaved."""
    commands = practice.commands(directory)
    runs: dict[str, list[Process]] = {label: [] for label in commands}
    for _ in range(repeat):
        for label, command in commands.items():
            process = whole_process(command)
            # `clinicgen preview` exits 1 when a check fails: still a whole preview.
            if process.exit_code not in (0, 1) or (process.exit_code and label != PREVIEW):
                sys.exit(f"{label} failed (exit {process.exit_code}):\n{process.stderr}")
            runs[label].append(process)
    return runs


def report(practice: Practice, runs: dict[str, list[Process]]) -> None:
    sites = f"{practice.sites} site{'s' if practice.sites > 1 else ''}"
    print(
        f"{practice.profile.name}: {practice.cloud}, {sites}, {practice.stacks} stacks,"
        f" {practice.resources} resources;"
        f" medians of {len(runs[PREVIEW])} interleaved whole processes"
    )
    wall = {label: statistics.median(p.seconds for p in done) for label, done in runs.items()}
    cpu = {label: statistics.median(p.cpu_seconds for p in done) for label, done in runs.items()}
    for label, done in runs.items():
        peak = max(p.peak_mb for p in done)
        line = f"  {label:<18} {wall[label]:6.2f} s (cpu {cpu[label]:5.2f} s)  peak {peak:6.1f} MB"
        if label != PREVIEW:
            ratio = wall[PREVIEW] / wall[label]
            line += f"  preview / floor {ratio:5.2f}x (cpu {cpu[PREVIEW] / cpu[label]:5.2f}x)"
            if label == "typed floor":
                line += f"  (target {TARGET}x: {'met' if ratio <= TARGET else 'NOT met'})"
        print(line)


def startup_imports(practice: Practice, directory: Path, shown: int = 12) -> None:
    """What the preview process imports: `python -X importtime`'s own time per module,
    summed by package (a provider SDK by its submodule), the largest first."""
    command = practice.commands(directory)[PREVIEW]
    process = whole_process([command[0], "-X", "importtime", *command[1:]])
    own: dict[str, int] = {}
    for entry in re.finditer(r"^import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)$", process.stderr, re.M):
        parts = entry.group(2).split(".")
        package = ".".join(parts[:2]) if parts[0] in SPLIT_PACKAGES else parts[0]
        own[package] = own.get(package, 0) + int(entry.group(1))
    total = sum(own.values()) / 1e6
    print(f"  start-up imports (-X importtime, one run): {total:.2f} s in all; the largest:")
    for package, microseconds in sorted(own.items(), key=lambda item: -item[1])[:shown]:
        print(f"    {microseconds / 1e6:6.2f} s  {package}")


# Packages whose imports are shown by their submodule (`pulumi_azure_native.network`).
SPLIT_PACKAGES = {"pulumi_azure_native", "pulumi_gcp", "generator", "blueprints"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cloud", choices=sorted(TEMPLATES), action="append")
    parser.add_argument("--sites", type=int, nargs="+", default=[1, 50])
    parser.add_argument(
        "--profiles", type=Path, nargs="+", help="time these profiles instead (e.g. examples/)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timings of each (default 3)")
    parser.add_argument("--imports", action="store_true", help="also show start-up imports")
    parser.add_argument("--profile", action="store_true", help="also show where time goes")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        directory = Path(work)
        profiles = options.profiles or [
            practice_profile(cloud, sites, directory)
            for cloud in options.cloud or sorted(TEMPLATES)
            for sites in options.sites
        ]
        for profile in profiles:
            practice = prepare(profile, directory)
            report(practice, measure(practice, options.repeat, directory))
            if options.imports:
                startup_imports(practice, directory)
            if options.profile:
                where_time_goes(practice.profile)


if __name__ == "__main__":
    main()
