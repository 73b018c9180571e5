"""The pipeline every command runs, stage by stage: profile -> ledger -> plan -> render -> write.

1. profile  `load_profile` reads and validates the profile: the one definition of valid input.
2. ledger   `find_ledger` is the one rule for where a practice's allocation ledger is: the
            `--ledger` path when given, else `<stacks dir>/<practice>.ledger.yaml`.
3. plan     `build_plan` sizes the practice, allocates every address, VLAN, ASN and rule
            priority through the ledger, and assembles the Plan and the updated ledger.
4. render   `generator.render` turns the plan into text: stack files, handoff sheets, the
            deployment runbook, project.
5. write    `generator.write` puts that text on disk, each file whole, never over a hand edit.

`validate_profile` runs stages 1 and 3 from scratch (no ledger): `clinicgen validate` reports a
pool too small for the sites, or a ceiling of the practice's cloud a first run would pass, where
the profile says it. `plan_profile` runs stages 1 to 3: `clinicgen plan` renders a report of its
plan.
`generate_stacks` and `generate_project` run all five. `preview_profile` (preview, check) and
`diff_sources` (diff) run stages 1 to 3, then, instead of writing, run the Pulumi program
over the plan's stacks under mocks with the rendered stack config (`generator.preview`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from shlex import quote
from typing import TYPE_CHECKING

import yaml

from generator.errors import (
    AddressPoolError,
    OutputError,
    PlanError,
    PreviewInputError,
    Problem,
    ProfileError,
)
from generator.generation_record import generation_record
from generator.ipam import (
    CoreAllocation,
    Ledger,
    default_ledger_path,
    ledger_text,
    load_ledger_if_present,
)
from generator.ipam.ledger_lock import holding_ledger
from generator.plan.model import Plan, site_stack_name
from generator.profile import Profile, load_profile
from generator.profile.json_schema import SCHEMA_FILE, profile_json_schema_text
from generator.render.handoff import render_handoff_sheets
from generator.render.project import (
    REQUIREMENTS,
    project_name,
    recorded_source,
    render_project_files,
)
from generator.render.runbook import render_runbook, runbook_path
from generator.render.stack_config import PLAN_KEY
from generator.render.stack_files import render_stack_files, stack_paths
from generator.sizing import build_plan
from generator.write import (
    FileStatus,
    GeneratedFile,
    PendingWrite,
    WrittenFile,
    commit,
    prepare,
    section_of,
)
from generator.yaml_input import read_generated_yaml

if TYPE_CHECKING:
    from generator.preview.diff import PracticeDiff
    from generator.preview.harness import StackRun
    from generator.preview.sources import PracticePreview, PracticeStacks

# What a command is told along the way (which ledger it used), for the user's stderr.
Tell = Callable[[str], None]
# Called with a profile and its plan before anything is written; raises to refuse the write
# (a fleet client that loosens its standard).
Vet = Callable[[Profile, Plan], None]

# Where a Pulumi project keeps its stack files (its stackConfigDir): the repository root's
# Pulumi.yaml and every generated project say `stacks`.
STACKS_DIR = "stacks"


# Plan from no ledger at all, not even the file: every allocation made afresh.
NO_LEDGER = Ledger(practice="", cloud="", pool="0.0.0.0/0", core=CoreAllocation(block="0.0.0.0/0"))


@dataclass(frozen=True)
class LoadedProfile:
    """A profile read and validated by the caller, and the text to copy into the project as
    that profile (a fleet client merged over its standard's defaults)."""

    profile: Profile
    text: str


@dataclass(frozen=True)
class PlannedProfile:
    """A profile, its plan, the ledger after planning and where that ledger lives."""

    profile: Profile
    plan: Plan
    ledger: Ledger
    ledger_path: Path


# -- 1 to 3: profile, ledger, plan -----------------------------------------------------------------


def find_ledger(practice_id: str, stacks_dir: Path, ledger_path: Path | None = None) -> Path:
    """Where the practice's allocation ledger is: `ledger_path` when given, else beside the
    practice's stack files in `stacks_dir`. Every command that reads or writes a ledger asks
    here."""
    return ledger_path or default_ledger_path(stacks_dir, practice_id)


def read_ledger(location: Path, tell: Tell | None) -> Ledger | None:
    """The ledger at `location` (None when there is none yet), telling `tell` which ledger a
    command used, or that there was none where one is looked for: an address plan sized from
    scratch must never pass for the one that was deployed."""
    ledger = load_ledger_if_present(location)
    if tell is not None:
        if ledger is not None:
            tell(f"ledger: {location}")
        else:
            tell(
                f"ledger: none at {location}, so every address is allocated from scratch; "
                "if `clinicgen generate` wrote the stacks elsewhere, pass the same --stacks-dir "
                "(or --ledger FILE)"
            )
    return ledger


def validate_profile(profile_path: Path) -> Profile:
    """Read and validate the profile, then plan it as a first `generate` would (no ledger): a
    profile whose address pool cannot hold its sites, or that passes a ceiling its cloud sets
    per practice, is as invalid as a misspelt key. Writes nothing."""
    profile = load_profile(profile_path)
    try:
        build_plan(profile)
    except AddressPoolError as err:
        pool = profile.practice.address_pool
        raise ProfileError(
            [Problem(str(profile_path), "practice.address_pool", str(err), pool, True)]
        ) from err
    except PlanError as err:
        raise ProfileError([Problem(str(profile_path), "", str(err))]) from err
    return profile


def plan_profile(
    profile_path: Path,
    *,
    stacks_dir: Path = Path(STACKS_DIR),
    ledger_path: Path | None = None,
    ledger: Ledger | None = None,
    tell: Tell | None = None,
) -> PlannedProfile:
    """Read and validate the profile, read its ledger when there is one, and plan. Writes
    nothing. A `ledger` given here is planned with instead of the ledger file: a diff places
    the new side with the allocations the old side made, or with none at all (`NO_LEDGER`)
    when the new side moves to another cloud. `tell` hears which ledger was used."""
    profile = load_profile(profile_path)
    location = find_ledger(profile.practice.id, stacks_dir, ledger_path)
    return _plan_with_ledger(profile, location, ledger, tell)


def _plan_with_ledger(
    profile: Profile, location: Path, ledger: Ledger | None, tell: Tell | None
) -> PlannedProfile:
    if ledger is NO_LEDGER:
        ledger = None
    elif ledger is None:
        ledger = read_ledger(location, tell)
    plan, placed = build_plan(profile, ledger)
    return PlannedProfile(profile, plan, placed, location)


# -- 4 and 5: render, write ------------------------------------------------------------------------


def generate_stacks(
    profile_path: Path,
    out_dir: Path,
    *,
    ledger_path: Path | None = None,
    force: bool = False,
    tell: Tell | None = None,
) -> GenerationResult:
    """Write the practice's stack files, ledger, handoff sheets and runbook under `out_dir`.
    `tell` hears when another run holds the ledger and this one waits."""
    return _generate(
        profile_path, out_dir, PurePosixPath(), ledger_path, force, tell=tell, project=False
    )


def generate_project(
    profile_path: Path,
    project_dir: Path,
    *,
    ledger_path: Path | None = None,
    force: bool = False,
    source: str | None = None,
    tell: Tell | None = None,
    loaded: LoadedProfile | None = None,
    vet: Vet | None = None,
    inputs: str | None = None,
) -> GenerationResult:
    """Write a self-contained Pulumi project under `project_dir`: `Pulumi.yaml` named after
    the practice, the program entry, clinicgen's sections of `requirements.txt` and
    `README.md`, a copy of the profile, and the stacks in `stacks/`.

    `source` is where the project installs clinicgen from (`render.project.clinicgen_requirement`);
    without it, what the last generate wrote into the project is kept. `loaded`, when given,
    is the profile to plan and the text to copy instead of reading the file (a fleet client
    merged over its standard's defaults; `profile_path` still names it). `vet` sees the plan
    before anything is written and may refuse it. `inputs`, the digest of everything the
    project is generated from, is recorded with the digest of each file written
    (`generator.generation_record`), so a later run can tell the project is up to date
    without planning it.
    """
    return _generate(
        profile_path,
        project_dir,
        PurePosixPath(STACKS_DIR),
        ledger_path,
        force,
        source=source,
        tell=tell,
        loaded=loaded,
        vet=vet,
        inputs=inputs,
    )


def _generate(
    profile_path: Path,
    root: Path,
    stacks: PurePosixPath,
    ledger_path: Path | None,
    force: bool,
    *,
    source: str | None = None,
    tell: Tell | None = None,
    project: bool = True,
    loaded: LoadedProfile | None = None,
    vet: Vet | None = None,
    inputs: str | None = None,
) -> GenerationResult:
    stacks_dir = root / stacks
    profile = load_profile(profile_path) if loaded is None else loaded.profile
    location = find_ledger(profile.practice.id, stacks_dir, ledger_path)
    # From reading the ledger to writing it back, no other run may plan from it.
    with holding_ledger(location, tell):
        planned = _plan_with_ledger(profile, location, None, None)
        if vet is not None:
            vet(planned.profile, planned.plan)
        return _generate_holding_ledger(
            planned,
            profile_path,
            root,
            stacks,
            force,
            source=source,
            project=project,
            profile_text=None if loaded is None else loaded.text,
            inputs=inputs,
        )


def _generate_holding_ledger(
    planned: PlannedProfile,
    profile_path: Path,
    root: Path,
    stacks: PurePosixPath,
    force: bool,
    *,
    source: str | None,
    project: bool,
    profile_text: str | None = None,
    inputs: str | None = None,
) -> GenerationResult:
    stacks_dir = root / stacks
    plan = planned.plan
    files = render_stack_files(plan, stacks) + render_handoff_sheets(plan, stacks)
    files.append(render_runbook(plan, stacks))
    if project:
        if source is None:
            source = recorded_source(section_of(REQUIREMENTS, _read_text(root / REQUIREMENTS)))
        files = (
            render_project_files(plan, stacks, source, planned.profile.waivers)
            + _profile_copy(profile_path, root, profile_text)
            + files
        )
    ledger = GeneratedFile(
        PurePosixPath(planned.ledger_path.name), ledger_text(planned.ledger), stamped=False
    )
    # Everything is checked before anything is written. The ledger goes first: it is the
    # record of allocations the stack files are derived from.
    pending = prepare(planned.ledger_path.parent, [ledger]) + prepare(root, files, force=force)
    _refuse_other_practices_stacks(plan, root, stacks, pending)
    if inputs is not None:
        # Last, so that it is never newer than a file it lists.
        pending += prepare(root, [generation_record(root, inputs, pending)])
    written = commit(pending)
    by_path = {item.path: item for item in written}
    return GenerationResult(
        practice_id=plan.practice.id,
        stacks=tuple(
            StackFile(stack, root / path, by_path[root / path].status)
            for stack, path in stack_paths(plan, stacks)
        ),
        files=tuple(written),
        stale=_stale_stack_files(stacks_dir, plan),
        stacks_dir=stacks_dir,
        runbook=root / runbook_path(plan, stacks),
        profile=profile_path,
        project_dir=root if project else None,
    )


def _refuse_other_practices_stacks(
    plan: Plan, root: Path, stacks: PurePosixPath, pending: Sequence[PendingWrite]
) -> None:
    """OutputError when a stack file this run would write holds another practice's plan: its
    stack would be silently redeployed as this practice's (a practice id from before ids with
    `-site-` were refused, or a file copied in by hand). A file that already holds what this
    run writes is this practice's: only the others are read (a regeneration rewrites few)."""
    replaced = {item.shown: item for item in pending if item.existing not in (None, item.text)}
    foreign = [
        (root / path, owner)
        for _, path in stack_paths(plan, stacks)
        if root / path in replaced
        and (owner := _practice_of(root / path)) not in (None, plan.practice.id)
    ]
    if foreign:
        raise OutputError(
            "\n".join(
                f"{path}: holds practice {owner!r}'s stack, not {plan.practice.id!r}'s; refusing "
                "to replace another practice's stack file: generate the two practices into "
                "different stacks directories (--stacks-dir)"
                for path, owner in foreign
            )
        )


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _profile_copy(profile_path: Path, root: Path, text: str | None) -> list[GeneratedFile]:
    """The JSON Schema a profile's first line names beside it (`init` and the examples point
    to one there), and the profile (`text`, else the file's own), copied into the project it
    generated unless it is already inside it (a project regenerated from its own copy)."""
    schema = GeneratedFile(PurePosixPath(SCHEMA_FILE), profile_json_schema_text(), stamped=False)
    if profile_path.resolve().is_relative_to(root.resolve()):
        return [schema]
    if text is None:
        text = profile_path.read_text(encoding="utf-8")
    # A copy, not a generated file: it is the profile, byte for byte, for the user to edit.
    return [GeneratedFile(PurePosixPath(profile_path.name), text, stamped=False), schema]


# -- preview, check, diff: the plan's stacks run under mocks instead of written --------------------
# The preview modules are imported inside these functions: plan and generate never load them.


def practice_stacks(
    profile_path: Path,
    *,
    stacks_dir: Path = Path(STACKS_DIR),
    ledger_path: Path | None = None,
    ledger: Ledger | None = None,
    tell: Tell | None = None,
) -> tuple[PracticeStacks, Ledger]:
    """The profile's stacks, planned as `plan_profile` plans them, and the ledger after."""
    from generator.preview.sources import stacks_from_plan

    planned = plan_profile(
        profile_path, stacks_dir=stacks_dir, ledger_path=ledger_path, ledger=ledger, tell=tell
    )
    stacks = stacks_from_plan(planned.plan, planned.profile.waivers, str(profile_path))
    return stacks, planned.ledger


def preview_profile(
    profile_path: Path,
    ledger_path: Path | None = None,
    *,
    stacks_dir: Path = Path(STACKS_DIR),
    tell: Tell | None = None,
) -> PracticePreview:
    """Plan the profile, run every stack under mocks and check the resource graph."""
    from generator.preview.sources import preview_stacks

    stacks, _ = practice_stacks(
        profile_path, stacks_dir=stacks_dir, ledger_path=ledger_path, tell=tell
    )
    return preview_stacks(stacks)


def diff_sources(
    old: Path,
    new: Path,
    ledger_path: Path | None = None,
    *,
    stacks_dir: Path = Path(STACKS_DIR),
    tell: Tell | None = None,
) -> PracticeDiff:
    """Diff two practice sources, each a profile, a stacks directory or saved preview JSON.

    A profile as NEW is planned with the allocations OLD made (the ledger OLD was planned
    with, or the one beside OLD's stack files), exactly as regenerating after the edit would.
    """
    from generator.preview.diff import diff_runs

    old_practice, old_runs, ledger, _ = _old_side(old, new, stacks_dir, ledger_path, tell)
    new_practice, new_runs, _, _ = _diff_side(
        new, old_practice, stacks_dir, ledger_path, ledger, tell
    )
    _require_one_practice(old, new, old_practice, new_practice)
    return diff_runs(new_practice, str(old), str(new), old_runs, new_runs)


@dataclass(frozen=True)
class ApprovalInputs:
    """What the approval report is made of: the profile's plan, its preview (every stack run
    under mocks and checked) and, against the approved version, the diff and the approved
    stacks (None for a saved preview, which records resources, not a plan)."""

    planned: PlannedProfile
    preview: PracticePreview
    diff: PracticeDiff | None
    approved: PracticeStacks | None = None


def approval_inputs(
    profile_path: Path,
    approved: Path | None = None,
    ledger_path: Path | None = None,
    *,
    stacks_dir: Path = Path(STACKS_DIR),
    tell: Tell | None = None,
) -> ApprovalInputs:
    """Plan the profile and preview it; with `approved` (a profile, stacks directory or saved
    preview, as `diff_sources` reads OLD), plan it with the allocations the approved version
    made and diff the two. The profile's stacks run once: the preview's runs are the diff's
    new side."""
    from generator.preview.diff import diff_runs
    from generator.preview.sources import preview_stacks, stacks_from_plan

    old_runs: tuple[StackRun, ...] = ()
    ledger = old_stacks = None
    if approved is not None:
        # Another practice's approval is refused before its ledger plans this one.
        old_practice, old_runs, ledger, old_stacks = _old_side(
            approved, profile_path, stacks_dir, ledger_path, tell
        )
        _require_one_practice(
            approved, profile_path, old_practice, load_profile(profile_path).practice.id
        )
    planned = plan_profile(
        profile_path, stacks_dir=stacks_dir, ledger_path=ledger_path, ledger=ledger, tell=tell
    )
    preview = preview_stacks(
        stacks_from_plan(planned.plan, planned.profile.waivers, str(profile_path))
    )
    if approved is None:
        return ApprovalInputs(planned, preview, None)
    diff = diff_runs(
        planned.plan.practice.id, str(approved), str(profile_path), old_runs, preview.runs
    )
    return ApprovalInputs(planned, preview, diff, old_stacks)


def _old_side(
    old: Path, new: Path, stacks_dir: Path, ledger_path: Path | None, tell: Tell | None
) -> tuple[str, tuple[StackRun, ...], Ledger | None, PracticeStacks | None]:
    """OLD's practice, runs and stacks, and the ledger NEW is to be planned with."""
    # A stacks directory may hold several practices: the other side names the one to compare.
    chosen = _practice_named_by(new) if old.is_dir() else None
    practice, runs, ledger, stacks = _diff_side(old, chosen, stacks_dir, ledger_path, None, tell)
    return practice, runs, _ledger_for_new_side(new, ledger, tell), stacks


def _require_one_practice(old: Path, new: Path, old_practice: str, new_practice: str) -> None:
    if old_practice != new_practice:
        raise PreviewInputError(
            f"{old} is practice {old_practice!r} but {new} is {new_practice!r}: "
            "a diff compares two versions of one practice"
        )


def _ledger_for_new_side(new: Path, ledger: Ledger | None, tell: Tell | None) -> Ledger | None:
    """OLD's allocations for a profile as NEW, unless NEW moves the practice to another cloud:
    a migration renumbers everything (generate wants a new ledger), so NEW is planned afresh
    and the diff shows every resource deleted on one cloud and created on the other."""
    if ledger is None or new.is_dir() or new.suffix == ".json":
        return ledger
    cloud = load_profile(new).practice.cloud
    if cloud == ledger.cloud:
        return ledger
    if tell is not None:
        tell(
            f"{new}: moves the practice from {ledger.cloud} to {cloud}, so it is planned with "
            "a new address plan, as `clinicgen generate --ledger NEW_PATH` would make it"
        )
    return NO_LEDGER


def _live(stacks: PracticeStacks, ledger: Ledger | None, tell: Tell | None) -> PracticeStacks:
    """`stacks` without the stale site stack files `generate` leaves in place (for `pulumi
    destroy`) once their site is retired in the ledger: those stacks are to be deleted."""
    retired = {site.id for site in ledger.sites if site.status == "retired"} if ledger else set()
    stale = [part for part in stacks.sites if part.site.id in retired]
    if not stale:
        return stacks
    if tell is not None:
        names = ", ".join(site_stack_name(stacks.practice_id, part.site.id) for part in stale)
        tell(f"{stacks.source}: {names}: site retired in the ledger, so its stack is deleted")
    return replace(stacks, sites=tuple(p for p in stacks.sites if p.site.id not in retired))


def _practice_named_by(path: Path) -> str | None:
    """The practice a diff side names without being run: a profile's or a saved preview's id;
    None for a stacks directory, which may hold several."""
    from generator.preview.sources import read_preview_json

    if path.is_dir():
        return None
    if path.suffix == ".json":
        return read_preview_json(path)[0]
    return load_profile(path).practice.id


def _diff_side(
    path: Path,
    practice: str | None,
    stacks_dir: Path,
    ledger_path: Path | None,
    ledger: Ledger | None,
    tell: Tell | None,
) -> tuple[str, tuple[StackRun, ...], Ledger | None, PracticeStacks | None]:
    """A side's practice, runs, the ledger after it and its stacks (None for a saved
    preview)."""
    from generator.preview.sources import read_preview_json, run_stacks, stacks_from_files

    if path.is_dir():
        # A directory of stack files is a stacks directory: its ledger is found beside them.
        recorded = stacks_from_files(path, practice)
        ledger = read_ledger(find_ledger(recorded.practice_id, path, ledger_path), tell)
        live = _live(recorded, ledger, tell)
        return recorded.practice_id, run_stacks(live), ledger, live
    if path.suffix == ".json":
        saved, runs = read_preview_json(path)
        return saved, runs, ledger, None
    stacks, placed = practice_stacks(
        path, stacks_dir=stacks_dir, ledger_path=ledger_path, ledger=ledger, tell=tell
    )
    return stacks.practice_id, run_stacks(stacks), placed, stacks


# -- what generate reports: the files, the stacks to deploy next, the stale ones -------------------


@dataclass(frozen=True)
class StackFile:
    """A stack the generation wrote a file for, in deployment order (core first)."""

    stack: str
    path: Path
    status: FileStatus


@dataclass(frozen=True)
class GenerationResult:
    practice_id: str
    stacks: tuple[StackFile, ...]
    files: tuple[WrittenFile, ...]  # every file, the ledger first
    stale: tuple[Path, ...]  # site stack files of this practice whose site left the profile
    stacks_dir: Path
    runbook: Path  # who deploys with which role, what to register first, the order
    profile: Path
    project_dir: Path | None = None

    @property
    def pulumi_project(self) -> Path | None:
        """The directory of the Pulumi project that reads these stack files: the generated
        project, or one whose Pulumi.yaml names the stacks directory as its stackConfigDir
        (the repository root's names `stacks`). None when no project reads them, so no
        `pulumi` command can use them where they are."""
        if self.project_dir is not None:
            return self.project_dir
        return reading_project(self.stacks_dir)

    def next_commands(self) -> list[str]:
        """The commands to run next: in the project that reads the stack files, init new
        stacks and preview changed ones, core first; when no project reads them, the
        `clinicgen generate --project-dir` that makes a self-contained one."""
        project = self.pulumi_project
        changed = [stack for stack in self.stacks if stack.status is not FileStatus.UNCHANGED]
        if not changed:
            return []
        if project is None:
            project_dir = project_name(self.practice_id)
            return [f"clinicgen generate {quote(str(self.profile))} --project-dir {project_dir}"]
        commands = []
        if self.project_dir is not None:
            commands += [f"cd {quote(str(self.project_dir))}", "pulumi install"]
        elif project.resolve() != Path.cwd().resolve():
            commands.append(f"cd {quote(str(project))}")
        for stack in changed:
            if stack.status is FileStatus.CREATED:
                commands.append(f"pulumi stack init {stack.stack}")
            commands.append(f"pulumi preview -s {stack.stack}")
        return commands


def reading_project(stacks_dir: Path) -> Path | None:
    """The directory whose Pulumi.yaml reads its stack files from `stacks_dir`: beside it with
    `stackConfigDir` naming it, or in it with no `stackConfigDir` (Pulumi's default)."""
    for root in (stacks_dir.parent, stacks_dir):
        try:
            project = yaml.safe_load((root / "Pulumi.yaml").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(project, dict):
            continue
        config_dir = project.get("stackConfigDir")
        reads = root / config_dir if isinstance(config_dir, str) else root
        if reads.resolve() == stacks_dir.resolve():
            return root
    return None


def _stale_stack_files(stacks_dir: Path, plan: Plan) -> tuple[Path, ...]:
    """Site stack files of this practice for sites no longer in the profile."""
    current = {path.name for _, path in stack_paths(plan, PurePosixPath())}
    pattern = f"Pulumi.{site_stack_name(plan.practice.id, '*')}.yaml"
    return tuple(
        path
        for path in sorted(stacks_dir.glob(pattern))
        if path.name not in current and _practice_of(path) == plan.practice.id
    )


def _practice_of(stack_file: Path) -> str | None:
    # Another practice's id can share the prefix (`a` and `a-site-b`): ask the file itself.
    try:
        config = read_generated_yaml(stack_file.read_text(encoding="utf-8"))["config"]
        return str(config[PLAN_KEY]["practice"]["id"])
    except (OSError, ValueError, yaml.YAMLError, TypeError, KeyError):
        return None
