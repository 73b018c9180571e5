"""`clinicgen fleet check`: every generated stack of every client under mocks, each client in
a worker process, each stack's run and each client's findings cached by what determines them
(`generator.fleet.cache`), so after a change only the stacks it affects run again.

What is checked is what deploys: the stack files `fleet generate` wrote into each client's
project, the core stack first, then each site stack against the core's outputs; then the
compliance checks (with the client's waivers) and the deployability rules over the client's
whole resource graph, as `clinicgen check` does for one practice.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import ChecksFailedError, ClinicgenError, Problem
from generator.fleet.cache import CACHE_DIR, ResultCache, key, program_fingerprint
from generator.fleet.run import Progress, in_parallel, load_client, problems_of, project_dir
from generator.fleet.standard import FleetError, FleetStandard, client_files, load_standard
from generator.pipeline import STACKS_DIR
from generator.plan.model import core_stack_name, site_stack_name
from generator.profile import Profile
from generator.wording import counted

if TYPE_CHECKING:
    from generator.preview.harness import StackRun
    from generator.preview.sources import PracticeStacks


@dataclass(frozen=True)
class ClientCheck:
    """One client's stacks under mocks: resources per stack, what the cache held, and the
    findings: unwaived compliance failures, waived ones, deployability findings."""

    file: str
    practice_id: str | None
    stacks: tuple[tuple[str, int], ...] = ()
    hits: int = 0
    misses: int = 0
    failures: tuple[dict[str, str], ...] = ()
    waived: int = 0
    deployability: tuple[dict[str, str], ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def resources(self) -> int:
        return sum(count for _, count in self.stacks)


@dataclass(frozen=True)
class FleetCheck:
    standard: FleetStandard
    clients: tuple[ClientCheck, ...]
    cache_dir: Path | None  # None with --no-cache

    @property
    def hits(self) -> int:
        return sum(client.hits for client in self.clients)

    @property
    def misses(self) -> int:
        return sum(client.misses for client in self.clients)

    def require_passing(self) -> None:
        """FleetError for clients that could not be checked, else ChecksFailedError when any
        client has a compliance failure or a deployability finding."""
        problems = [problem for client in self.clients for problem in client.problems]
        if problems:
            raise FleetError(problems)
        failing = [c for c in self.clients if c.failures or c.deployability]
        if failing:
            raise ChecksFailedError(
                [
                    f"{client.file}: {counted(len(client.failures), 'compliance failure')}, "
                    f"{counted(len(client.deployability), 'deployability finding')}; "
                    f"`clinicgen check` in {client.practice_id}'s project shows each"
                    for client in failing
                ]
            )


# -- a stack run as a cache entry ---------------------------------------------------------------


def _run_data(run: StackRun) -> dict[str, Any]:
    return {
        "stack": run.stack,
        "project": run.project,
        "outputs": run.outputs,
        "resources": [asdict(resource) for resource in run.resources],
        "reads": [asdict(read) for read in run.reads],
    }


def _run_from(data: dict[str, Any]) -> StackRun:
    from generator.preview.harness import CloudRead, RegisteredResource, StackRun

    return StackRun(
        stack=data["stack"],
        project=data["project"],
        outputs=data["outputs"],
        resources=[
            RegisteredResource(**{**item, "dependencies": tuple(item["dependencies"])})
            for item in data["resources"]
        ],
        reads=[CloudRead(**item) for item in data["reads"]],
    )


def _outputs_digest(run: StackRun) -> str:
    return key(json.dumps(run.outputs, sort_keys=True))


# -- one client ---------------------------------------------------------------------------------


@dataclass
class _Runs:
    """A client's stacks run or read from the cache, counting which."""

    cache: ResultCache | None
    stacks: PracticeStacks | None = None
    hits: int = 0
    misses: int = 0

    def cached(self, kind: str, entry: str) -> Any | None:
        return self.cache.get(kind, entry) if self.cache is not None else None

    def put(self, kind: str, entry: str, data: Any) -> None:
        if self.cache is not None:
            self.cache.put(kind, entry, data)


@dataclass(frozen=True)
class _Client:
    """What checking a client needs of its profile until a stack has to run: its practice,
    its sites in profile order and its waivers (JSON); and the profile itself, read on demand."""

    practice_id: str
    sites: tuple[str, ...]
    waivers: str
    read: Callable[[], Profile]


def _client(
    path: Path, standard: FleetStandard, cache: ResultCache | None, program: str
) -> _Client:
    """The client, from the cache when its file and the standard are as they were: reading
    and validating a profile costs more than checking a client whose stacks are all cached.
    Keyed by the client's path and bytes, the standard and the program (which reads them)."""
    # Read at most once: here on a cache miss, or when a stack has to run.
    read = functools.cache(lambda: load_client(path, standard)[0])
    try:
        text = path.read_bytes()
    except OSError:
        text = None  # unreadable: reading the profile names the problem
    entry = key(program, "client", str(path), text or b"", standard.canonical_json())
    data = cache.get("profiles", entry) if cache is not None and text is not None else None
    if data is None:
        profile = read()
        data = {
            "practice": profile.practice.id,
            "sites": [site.id for site in profile.sites],
            "waivers": json.dumps([asdict(w) for w in profile.waivers], sort_keys=True),
        }
        if cache is not None:
            cache.put("profiles", entry, data)
    return _Client(data["practice"], tuple(data["sites"]), data["waivers"], read)


def _stack_files(label: str, client: _Client, stacks_dir: Path) -> tuple[Path, list[Path]]:
    practice = client.practice_id
    core = stacks_dir / f"Pulumi.{core_stack_name(practice)}.yaml"
    sites = [stacks_dir / f"Pulumi.{site_stack_name(practice, site)}.yaml" for site in client.sites]
    missing = [path for path in (core, *sites) if not path.is_file()]
    if missing:
        raise FleetError(
            [
                Problem(
                    label, "", f"{path}: no such stack file: run `clinicgen fleet generate` first"
                )
                for path in missing
            ]
        )
    return core, sites


def _check_client(
    path: Path, standard: FleetStandard, fleet_dir: Path, use_cache: bool, program: str
) -> ClientCheck:
    label = str(path)
    try:
        cache = ResultCache(fleet_dir / CACHE_DIR) if use_cache else None
        client = _client(path, standard, cache, program)
        stacks_dir = project_dir(fleet_dir, client.practice_id) / STACKS_DIR
        core_file, site_files = _stack_files(label, client, stacks_dir)
        lock = cache.lock(client.practice_id) if cache is not None else nullcontext()
        with lock:
            return _check_stacks(client, label, stacks_dir, core_file, site_files, cache, program)
    except ClinicgenError as err:
        return ClientCheck(label, None, problems=problems_of(err, label))


def _check_stacks(
    client: _Client,
    label: str,
    stacks_dir: Path,
    core_file: Path,
    site_files: list[Path],
    cache: ResultCache | None,
    program: str,
) -> ClientCheck:
    runs = _Runs(cache)
    practice = client.practice_id

    def practice_stacks() -> PracticeStacks:
        from generator.preview.sources import stacks_from_files

        if runs.stacks is None:
            runs.stacks = stacks_from_files(stacks_dir, practice)
        return runs.stacks

    core_key = key(program, "core", core_file.read_bytes())
    core_run: StackRun | None = None
    outputs = runs.cached("outputs", core_key)
    if outputs is None:
        from generator.preview.sources import run_core_stack

        core_run = run_core_stack(practice_stacks())
        runs.misses += 1
        outputs = _outputs_digest(core_run)
        runs.put("stacks", core_key, _run_data(core_run))
        runs.put("outputs", core_key, outputs)
    site_keys = [key(program, "site", path.read_bytes(), outputs) for path in site_files]
    client_key = key(program, client.waivers, core_key, *site_keys)
    summary = runs.cached("clients", client_key)
    if summary is not None:
        # Every stack's result is in the client's entry: nothing runs, nothing is read.
        hits = 1 + len(site_keys) - runs.misses
        return _client_check(label, practice, summary, hits, runs.misses)
    all_runs = [_core(runs, core_key, core_run, practice_stacks)]
    plans = {site.site.id: site for site in practice_stacks().sites}
    for site, site_key in zip(client.sites, site_keys, strict=True):
        all_runs.append(_site(runs, site_key, plans[site], all_runs[0], practice_stacks))
    summary = _findings(practice_stacks(), all_runs, client.read())
    runs.put("clients", client_key, summary)
    return _client_check(label, practice, summary, runs.hits, runs.misses)


def _core(runs: _Runs, core_key: str, core_run: StackRun | None, stacks: Any) -> StackRun:
    if core_run is not None:
        return core_run
    data = runs.cached("stacks", core_key)
    if data is not None:
        runs.hits += 1
        return _run_from(data)
    from generator.preview.sources import run_core_stack

    runs.misses += 1
    core_run = run_core_stack(stacks())
    runs.put("stacks", core_key, _run_data(core_run))
    return core_run


def _site(runs: _Runs, site_key: str, plan: Any, core_run: StackRun, stacks: Any) -> StackRun:
    data = runs.cached("stacks", site_key)
    if data is not None:
        runs.hits += 1
        return _run_from(data)
    from generator.preview.sources import run_site_stack

    runs.misses += 1
    run = run_site_stack(stacks(), plan, core_run)
    runs.put("stacks", site_key, _run_data(run))
    return run


def _findings(stacks: PracticeStacks, all_runs: list[StackRun], profile: Profile) -> dict[str, Any]:
    from generator.checks import evaluate
    from generator.checks.deployability import evaluate_deployability

    resources = [resource for run in all_runs for resource in run.resources]
    reads = [read for run in all_runs for read in run.reads]
    compliance = evaluate(resources, stacks.context, profile.waivers)
    deployability = evaluate_deployability(resources, stacks.context, reads)
    return {
        "stacks": [[run.stack, sum(1 for r in run.resources if r.custom)] for run in all_runs],
        "failures": [
            {"check": f.check, "severity": f.severity, "resource": f.resource}
            for f in compliance.failures
        ],
        "waived": len(compliance.waived),
        "deployability": [{"rule": f.rule, "resource": f.resource} for f in deployability.findings],
    }


def _client_check(
    label: str, practice: str, summary: dict[str, Any], hits: int, misses: int
) -> ClientCheck:
    return ClientCheck(
        file=label,
        practice_id=practice,
        stacks=tuple((name, count) for name, count in summary["stacks"]),
        hits=hits,
        misses=misses,
        failures=tuple(summary["failures"]),
        waived=summary["waived"],
        deployability=tuple(summary["deployability"]),
    )


def check_fleet(
    fleet_dir: Path, *, jobs: int = 1, use_cache: bool = True, progress: Progress | None = None
) -> FleetCheck:
    """Run and check every client's generated stacks, from the cache where it holds them."""
    standard = load_standard(fleet_dir)
    clients = client_files(fleet_dir)
    task: Any = partial(
        _check_client,
        standard=standard,
        fleet_dir=fleet_dir,
        use_cache=use_cache,
        program=program_fingerprint(),
    )
    results = in_parallel(task, clients, jobs, progress)
    return FleetCheck(standard, tuple(results), fleet_dir / CACHE_DIR if use_cache else None)
