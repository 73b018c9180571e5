"""Validating, planning and generating every client of a fleet, in parallel processes.

Each client is examined in a worker process of its own (`concurrent.futures`), since sizing
and rendering are pure Python and one core does one client at a time; the parent gathers
what the cross-client rules need (practice ids, Google Cloud projects, VPN peer addresses),
so every problem of every client is reported in one run, in client-file order.

`generate_fleet` checks the whole fleet's profiles and the cross-client rules before writing
anything, and on the way finds the clients whose projects are up to date: generated from the
same effective profile, standard and clinicgen, every file as written (the project's
`generator.generation_record`). Those are skipped, neither planned nor rendered. Every other
client's project is written by the ordinary `--project-dir` generation
(`generator.pipeline.generate_project`), which leaves a file whose content did not change
untouched and records what it was made from. A client whose plan falls short of the standard
is refused before its own files are written; the other clients are written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from generator.errors import ClinicgenError, Problem, ProfileError
from generator.fleet.cache import generation_fingerprint, key
from generator.fleet.clients import (
    Deviation,
    loosened,
    read_client,
    tightened,
    traced_to_defaults,
)
from generator.fleet.standard import (
    PROJECTS_DIR,
    FleetError,
    FleetStandard,
    client_files,
    load_standard,
)
from generator.generation_record import RECORD_FILE, is_up_to_date
from generator.plan.model import Plan, core_stack_name, site_stack_name
from generator.profile import Profile, profile_from_document
from generator.write import FileStatus, WrittenFile

if TYPE_CHECKING:
    from generator.pipeline import LoadedProfile

T = TypeVar("T")
R = TypeVar("R")
# Told once per client as its worker finishes (a progress bar).
Progress = Callable[[], None]
# Told a line for the user (stderr), such as that another run holds a ledger.
Tell = Callable[[str], None]


@dataclass(frozen=True)
class ClientFacts:
    """What the cross-client rules and the fleet's summaries need of one valid client."""

    practice_id: str
    cloud: str
    gcp_project: str | None
    vpn_peers: tuple[tuple[str, str], ...]  # (field path, address)
    sites: tuple[str, ...]

    @property
    def stacks(self) -> tuple[str, ...]:
        """The client's stacks, core first."""
        return (
            core_stack_name(self.practice_id),
            *(site_stack_name(self.practice_id, site) for site in self.sites),
        )


@dataclass(frozen=True)
class ClientOutcome:
    """One client file: its facts when its profile is valid, every problem found, where it is
    stricter than the standard (validate), and (generate) the files written, or that its
    project was up to date and skipped."""

    file: str
    facts: ClientFacts | None
    problems: tuple[Problem, ...] = ()
    deviations: tuple[Deviation, ...] = ()
    written: tuple[WrittenFile, ...] = ()
    project: Path | None = None  # where generate wrote the client's project
    plan: dict[str, str] | None = None  # the plan's headline values, for `fleet plan`
    skipped: bool = False  # generate: the project was up to date, so it was not planned

    @property
    def changed(self) -> int:
        """How many of the project's files generate changed (created or updated); the record
        of what it was generated from is not one of them."""
        return sum(
            1
            for item in self.written
            if item.status is not FileStatus.UNCHANGED and item.path.name != RECORD_FILE.name
        )


@dataclass(frozen=True)
class FleetResult:
    standard: FleetStandard
    clients: tuple[ClientOutcome, ...]
    problems: tuple[Problem, ...]  # every client's and the cross-client rules', in file order

    def require_valid(self) -> None:
        """Raise FleetError with every problem, once the caller has shown what it has."""
        if self.problems:
            raise FleetError(list(self.problems))


def default_jobs() -> int:
    """Worker processes by default: one per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def in_parallel(
    task: Callable[[T], R], items: Sequence[T], jobs: int, progress: Progress | None = None
) -> list[R]:
    """`task` over `items` in up to `jobs` worker processes, results in `items`' order;
    in this process when one worker would do."""
    if jobs <= 1 or len(items) <= 1:
        results = []
        for item in items:
            results.append(task(item))
            if progress is not None:
                progress()
        return results
    with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
        futures = [pool.submit(task, item) for item in items]
        for _ in as_completed(futures):
            if progress is not None:
                progress()
        return [future.result() for future in futures]


def problems_of(err: ClinicgenError, label: str) -> tuple[Problem, ...]:
    """`err` as the problems of the client file `label`."""
    if isinstance(err, ProfileError):
        return tuple(err.problems)
    return tuple(Problem(label, "", line) for line in err.lines())


def client_facts(profile: Profile) -> ClientFacts:
    """What the cross-client rules and the summaries need of a valid client profile."""
    return ClientFacts(
        practice_id=profile.practice.id,
        cloud=profile.practice.cloud,
        gcp_project=profile.practice.gcp_project,
        vpn_peers=tuple(
            (f"sites[{index}].connectivity.vpn_peer_ip", site.connectivity.vpn_peer_ip)
            for index, site in enumerate(profile.sites)
            if site.connectivity.vpn_peer_ip
        ),
        sites=tuple(site.id for site in profile.sites),
    )


def load_client(path: Path, standard: FleetStandard) -> tuple[Profile, str]:
    """The client's effective profile (merged over the standard) and its YAML text; a problem
    with a value the client took from the standard's defaults says where the standard has it."""
    document, text = read_client(path, standard)
    try:
        return profile_from_document(document, str(path)), text
    except ProfileError as err:
        raise ProfileError(traced_to_defaults(err.problems, path, standard)) from err


def plan_headline(plan: Plan, *, cost: bool = False) -> dict[str, str]:
    """The values a fleet-wide plan table shows per client; with `cost`, its monthly cost
    range at list prices (`generator.cost`)."""
    headline = {
        # Google Cloud's posture is VPC firewall rules, which have no tier.
        "firewall": plan.core.firewall_tier if plan.cloud == "azure" else "-",
        "vpn": plan.vpn.sku if plan.vpn else "none",
        "retention": f"{plan.backup.record_retention_years} years",
        "rpo": f"{plan.backup.rpo_hours} h",
        "hub": plan.core.address_space,
    }
    if cost:
        from generator.cost.estimate import estimate_cost
        from generator.render.cost_report import total_text

        estimate = estimate_cost(plan)
        unpriced = len(estimate.unpriced)
        lines = len(estimate.lines)
        partial = f" ({unpriced} of {lines} lines unpriced)" if 0 < unpriced < lines else ""
        headline["monthly cost"] = f"{total_text(estimate)}{partial}"
    return headline


def _validate_client(
    path: Path, standard: FleetStandard, fleet_dir: Path, with_ledgers: bool
) -> ClientOutcome:
    """Load the client over the standard and plan it: as a first generate would (no ledger),
    or `with_ledgers` with the ledger its generated project holds, when it has one."""
    from generator.ipam import default_ledger_path, load_ledger_if_present
    from generator.pipeline import STACKS_DIR
    from generator.sizing import build_plan

    label = str(path)
    try:
        profile, _ = load_client(path, standard)
        ledger = None
        if with_ledgers:
            stacks = project_dir(fleet_dir, profile.practice.id) / STACKS_DIR
            ledger = load_ledger_if_present(default_ledger_path(stacks, profile.practice.id))
        plan, _ledger = build_plan(profile, ledger)
    except ClinicgenError as err:
        return ClientOutcome(label, None, problems_of(err, label))
    return ClientOutcome(
        label,
        client_facts(profile),
        tuple(loosened(profile, plan, standard)),
        tightened(profile, plan, standard),
        plan=plan_headline(plan, cost=with_ledgers),
    )


def generation_inputs(profile_text: str, standard: FleetStandard) -> str:
    """The digest of what decides a client's project besides its ledger (whose bytes the
    project's record holds): the effective profile, the whole standard (a minimum the client
    no longer meets must refuse it) and clinicgen itself."""
    return key(generation_fingerprint(), profile_text, standard.canonical_json())


def _up_to_date(project: Path, practice_id: str, inputs: str, tell: Tell | None) -> bool:
    """Whether the client's project is up to date (`generator.generation_record`), read under
    its ledger's lock: a generate of the client running now is seen whole or not at all."""
    from generator.ipam.ledger_lock import holding_ledger
    from generator.pipeline import STACKS_DIR, find_ledger

    with holding_ledger(find_ledger(practice_id, project / STACKS_DIR), tell):
        return is_up_to_date(project, inputs)


@dataclass(frozen=True)
class _Examined:
    """A client before generation: its outcome so far, and the client as read when its
    project is to be generated (so the generating worker does not read it again)."""

    outcome: ClientOutcome
    loaded: LoadedProfile | None = None


def _examine_client(
    path: Path, standard: FleetStandard, fleet_dir: Path, tell: Tell | None
) -> _Examined:
    """The client's facts for the cross-client rules, and whether its project is up to date."""
    from generator.pipeline import LoadedProfile

    label = str(path)
    try:
        profile, text = load_client(path, standard)
        project = project_dir(fleet_dir, profile.practice.id)
        inputs = generation_inputs(text, standard)
        skipped = _up_to_date(project, profile.practice.id, inputs, tell)
    except ClinicgenError as err:
        return _Examined(ClientOutcome(label, None, problems_of(err, label)))
    facts = client_facts(profile)
    if skipped:
        return _Examined(ClientOutcome(label, facts, project=project, skipped=True))
    return _Examined(ClientOutcome(label, facts), LoadedProfile(profile, text))


def project_dir(fleet_dir: Path, practice_id: str) -> Path:
    """Where `fleet generate` writes a client's Pulumi project."""
    return fleet_dir / PROJECTS_DIR / practice_id


def _refuse_loosened(standard: FleetStandard, profile: Profile, plan: Plan) -> None:
    problems = loosened(profile, plan, standard)
    if problems:
        raise FleetError(problems)


def _generate_client(
    client: tuple[Path, LoadedProfile],
    standard: FleetStandard,
    fleet_dir: Path,
    force: bool,
    tell: Tell | None,
) -> ClientOutcome:
    from generator.pipeline import generate_project

    path, loaded = client
    label = str(path)
    facts = client_facts(loaded.profile)
    project = project_dir(fleet_dir, facts.practice_id)
    try:
        result = generate_project(
            path,
            project,
            force=force,
            loaded=loaded,
            vet=partial(_refuse_loosened, standard),
            inputs=generation_inputs(loaded.text, standard),
            tell=tell,
        )
    except ClinicgenError as err:
        return ClientOutcome(label, None, problems_of(err, label))
    return ClientOutcome(label, facts, written=tuple(result.files), project=project)


# What two clients cannot share, and what the second is told.
_CLASHES = {
    "practice.id": "is also {first}'s practice id: stacks and resources are named from it, "
    "so every client needs its own",
    "practice.gcp_project": "is also {first}'s Google Cloud project: each client deploys into "
    "a project of its own",
    "vpn_peer_ip": "is also a VPN peer of {first}: one device cannot terminate two clients' "
    "tunnels with one address",
}


def _claims(facts: ClientFacts) -> Iterator[tuple[str, str, str]]:
    """(clash kind, field path, value) of everything a client claims for itself alone."""
    yield "practice.id", "practice.id", facts.practice_id
    if facts.gcp_project:
        yield "practice.gcp_project", "practice.gcp_project", facts.gcp_project
    for where, address in facts.vpn_peers:
        yield "vpn_peer_ip", where, address


def cross_client_problems(outcomes: Iterable[ClientOutcome]) -> list[Problem]:
    """Clients that clash: one practice id, one Google Cloud project or one VPN peer address
    in two clients (each a stack name, a project or a tunnel endpoint both would claim)."""
    problems = []
    claimed: dict[tuple[str, str], str] = {}
    for outcome in outcomes:
        if outcome.facts is None:
            continue
        for kind, path, value in _claims(outcome.facts):
            first = claimed.setdefault((kind, value), outcome.file)
            if first != outcome.file:
                message = _CLASHES[kind].format(first=first)
                problems.append(Problem(outcome.file, path, message, value, True))
    return problems


def _result(standard: FleetStandard, outcomes: list[ClientOutcome]) -> FleetResult:
    problems = [problem for outcome in outcomes for problem in outcome.problems]
    problems += cross_client_problems(outcomes)
    order = {outcome.file: index for index, outcome in enumerate(outcomes)}
    problems.sort(key=lambda problem: order.get(problem.file, -1))
    return FleetResult(standard, tuple(outcomes), tuple(problems))


def _standard_and_clients(fleet_dir: Path) -> tuple[FleetStandard, list[Path]]:
    standard = load_standard(fleet_dir)
    clients = client_files(fleet_dir)
    if not clients:
        raise FleetError(
            [Problem(str(fleet_dir / "clients"), "", "no client profiles (clients/*.yaml)")]
        )
    return standard, clients


def validate_fleet(
    fleet_dir: Path,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    with_ledgers: bool = False,
) -> FleetResult:
    """Every client's profile over the standard, planned (from scratch, or `with_ledgers`
    from its project's ledger), and the cross-client rules. Writes nothing."""
    standard, clients = _standard_and_clients(fleet_dir)
    task: Any = partial(
        _validate_client, standard=standard, fleet_dir=fleet_dir, with_ledgers=with_ledgers
    )
    return _result(standard, in_parallel(task, clients, jobs, progress))


def generate_fleet(
    fleet_dir: Path,
    *,
    jobs: int = 1,
    force: bool = False,
    progress: Progress | None = None,
    tell: Tell | None = None,
) -> FleetResult:
    """Write every client's project under `projects/<practice>/`, unless a profile is invalid
    or clients clash, in which case nothing is written. A client whose project is up to date
    is skipped (`ClientOutcome.skipped`): nothing in it would change. `tell` hears when a
    client's ledger is held by another run (a second `fleet generate`), which this one waits
    for; a module function, since worker processes call it."""
    standard, clients = _standard_and_clients(fleet_dir)
    examine: Any = partial(_examine_client, standard=standard, fleet_dir=fleet_dir, tell=tell)
    examined: list[_Examined] = in_parallel(examine, clients, jobs)
    checked = _result(standard, [client.outcome for client in examined])
    if checked.problems:
        return checked
    stale = [(path, e.loaded) for path, e in zip(clients, examined, strict=True) if e.loaded]
    if progress is not None:
        for _ in range(len(clients) - len(stale)):
            progress()
    task: Any = partial(
        _generate_client, standard=standard, fleet_dir=fleet_dir, force=force, tell=tell
    )
    generated = iter(in_parallel(task, stale, jobs, progress))
    return _result(
        standard,
        [client.outcome if client.loaded is None else next(generated) for client in examined],
    )
