"""`clinicgen fleet changed`: the clients and stacks a change to the fleet folder affects, as
JSON a CI system turns into a matrix of jobs (`fleet pipeline` reads it).

The change is what git says differs between the merge base of GIT_REF and HEAD and the working
tree, plus untracked files (a pull request's branch against its target, or a working copy
before commit). What each changed path affects:

    projects/<practice>/stacks/Pulumi.<stack>.yaml   that stack (gone: to destroy, even when
                                                     its client left the fleet)
    projects/<practice>/Pulumi.yaml, __main__.py,    every stack of the client (what runs
        requirements.txt                             them)
    clients/<file>.yaml                              every stack of that client, unless its
                                                     project changed too: regenerated, its
                                                     stack files say exactly what changed
    fleet.yaml                                       the same, for every client

The rest of a project (the profile copy, ledger, handoff sheets, runbook) deploys nothing.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from generator.errors import ClinicgenError, ProfileError
from generator.fleet.run import ClientFacts, client_facts, load_client
from generator.fleet.standard import (
    CLIENTS_DIR,
    FLEET_FILE,
    PROJECTS_DIR,
    FleetError,
    FleetStandard,
    client_files,
    load_standard,
)
from generator.pipeline import STACKS_DIR

# Git's null object id (SHA-1 or SHA-256), which a CI system gives as the commit before a
# push that created its branch (some give an empty string).
NULL_COMMIT = re.compile(r"(?:0{40}|0{64})?")
# A project's files that decide how every one of its stacks runs.
PROGRAM_FILES = ("Pulumi.yaml", "__main__.py", "requirements.txt")


class GitError(ClinicgenError):
    """Raised when git cannot say what changed: not a repository, an unknown ref."""

    exit_code = 2


@dataclass(frozen=True)
class Client:
    """A client as `changed` needs it: its file (relative to the fleet), facts and wave."""

    file: str
    facts: ClientFacts
    canary: bool


@dataclass(frozen=True)
class Affected:
    """What a change affects: stacks to preview or deploy per client (core first), and stack
    files that are gone (their stacks to destroy)."""

    stacks: dict[str, tuple[str, ...]]  # practice id -> stacks
    removed: tuple[str, ...]
    clients: dict[str, Client]


def _stack_of(path: PurePosixPath) -> str | None:
    name = path.name
    if path.parent.name == STACKS_DIR and name.startswith("Pulumi.") and name.endswith(".yaml"):
        return name[len("Pulumi.") : -len(".yaml")]
    return None


def affected(
    changed: Iterable[str], clients: list[Client], exists: Any = lambda _path: True
) -> Affected:
    """The stacks `changed` (paths relative to the fleet folder) affect among `clients`;
    `exists(path)` says whether a changed path is still there (a deleted stack file is a
    stack to destroy)."""
    by_file = {client.file: client for client in clients}
    by_practice = {client.facts.practice_id: client for client in clients}
    wanted: dict[str, set[str]] = {}
    removed: set[str] = set()

    def whole(client: Client) -> None:
        wanted.setdefault(client.facts.practice_id, set()).update(client.facts.stacks)

    paths = [PurePosixPath(text) for text in changed]
    regenerated = {
        path.parts[1] for path in paths if path.parts[:1] == (PROJECTS_DIR,) and len(path.parts) > 2
    }

    def profile_changed(client: Client) -> None:
        if client.facts.practice_id not in regenerated:
            whole(client)

    for path in paths:
        text = path.as_posix()
        stack = _stack_of(path) if path.parts[:1] == (PROJECTS_DIR,) else None
        if text == FLEET_FILE:
            for client in clients:
                profile_changed(client)
        elif path.parts[:1] == (CLIENTS_DIR,) and text in by_file:
            profile_changed(by_file[text])
        elif stack is not None and not exists(text):
            # Its client may have left the fleet: the stack is deployed all the same.
            removed.add(stack)
        elif path.parts[:1] == (PROJECTS_DIR,) and path.parts[1] in by_practice:
            client = by_practice[path.parts[1]]
            if stack is not None and stack in client.facts.stacks:
                wanted.setdefault(client.facts.practice_id, set()).add(stack)
            elif len(path.parts) == 3 and path.name in PROGRAM_FILES:
                whole(client)
    ordered = {
        practice: tuple(s for s in by_practice[practice].facts.stacks if s in stacks)
        for practice, stacks in sorted(wanted.items())
    }
    return Affected(ordered, tuple(sorted(removed)), by_practice)


def _run_git(fleet_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", "-C", str(fleet_dir), *args], capture_output=True, text=True, check=False
        )
    except OSError as err:
        raise GitError(f"cannot run git: {err}") from err


def _git(fleet_dir: Path, *args: str) -> list[str]:
    result = _run_git(fleet_dir, *args)
    if result.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return [line for line in result.stdout.splitlines() if line]


def _commit(fleet_dir: Path, ref: str) -> str | None:
    """The commit `ref` names, or None. `--end-of-options`: a ref is never read as an option."""
    result = _run_git(fleet_dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref)
    return result.stdout.strip() if result.returncode == 0 else None


def repository_root(fleet_dir: Path) -> Path:
    """The top folder of the git repository that holds `fleet_dir`, or GitError."""
    result = _run_git(fleet_dir, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise GitError(
            f"{fleet_dir}: not in a git repository: what changed and the CI that deploys it "
            "come from the repository that holds the fleet (git init, commit the fleet, then "
            "run this again)"
        )
    return Path(result.stdout.strip())


def merge_base(fleet_dir: Path, since: str) -> str:
    """The merge base of `since` and HEAD (the empty tree for a null commit: a new branch),
    or GitError saying, in the user's terms, why there is none: no repository, no commit
    yet, a ref git does not know, no shared history."""
    repository_root(fleet_dir)
    head = _commit(fleet_dir, "HEAD^{commit}")
    if head is None:
        raise GitError(f"{fleet_dir}: its repository has no commit yet: commit the fleet first")
    if NULL_COMMIT.fullmatch(since):
        # The branch is new (GitHub's `before` of the push that created it): nothing came
        # before it, so compare with the empty tree and every file counts as changed.
        return _git(fleet_dir, "hash-object", "-t", "tree", "/dev/null")[0]
    base = _commit(fleet_dir, f"{since}^{{commit}}")
    if base is None:
        raise GitError(
            f"--since: no commit named {since!r} in {fleet_dir}'s repository (a branch not "
            "fetched? CI checkouts need the target branch and its history, e.g. fetch-depth: 0)"
        )
    result = _run_git(fleet_dir, "merge-base", base, head)
    if result.returncode != 0 or not result.stdout.strip():
        raise GitError(f"--since: {since!r} shares no history with HEAD in {fleet_dir}")
    return result.stdout.strip()


def changed_paths(fleet_dir: Path, since: str) -> list[str]:
    """Paths under `fleet_dir` (relative to it) that differ from the merge base of `since`
    and HEAD, in the working tree or untracked."""
    base = merge_base(fleet_dir, since)
    tracked = _git(fleet_dir, "diff", "--name-only", "--relative", base, "--", ".")
    untracked = _git(fleet_dir, "ls-files", "--others", "--exclude-standard", "--", ".")
    return sorted(set(tracked) | set(untracked))


def fleet_clients(fleet_dir: Path, standard: FleetStandard) -> list[Client]:
    """Every client of the fleet with its facts, or FleetError naming each invalid one."""
    clients, problems = [], []
    for path in client_files(fleet_dir):
        try:
            profile, _ = load_client(path, standard)
        except ProfileError as err:
            problems.extend(err.problems)
            continue
        canary = profile.practice.id in standard.rollout.canary
        relative = path.relative_to(fleet_dir).as_posix()
        clients.append(Client(relative, client_facts(profile), canary))
    if problems:
        raise FleetError(problems)
    return clients


def ci_matrix(include: list[dict[str, Any]], ci: str) -> dict[str, Any]:
    """The matrix entries as `ci` takes a matrix: GitHub's `{"include": [...]}`, or Azure
    Pipelines' map of job names (letters, digits, underscores) to variables."""
    if ci == "github":
        return {"include": include}
    return {item["stack"].replace("-", "_"): item for item in include}


def changed_data(fleet_dir: Path, since: str) -> dict[str, Any]:
    """`fleet changed` as JSON-ready data: per client its affected stacks, a flat matrix for
    CI (one entry per stack, canary clients in wave 0, the rest in wave 1, cores before
    sites), and the stacks whose files are gone."""
    standard = load_standard(fleet_dir)
    clients = fleet_clients(fleet_dir, standard)
    result = affected(
        changed_paths(fleet_dir, since), clients, lambda path: (fleet_dir / path).exists()
    )
    include = []
    for practice, stacks in result.stacks.items():
        client = result.clients[practice]
        for stack in stacks:
            include.append(
                {
                    "client": practice,
                    "stack": stack,
                    "project": f"{PROJECTS_DIR}/{practice}",
                    "cloud": client.facts.cloud,
                    "wave": 0 if client.canary else 1,
                    "kind": "core" if stack.endswith("-core") else "site",
                }
            )
    include.sort(key=lambda item: (item["wave"], item["kind"] != "core", item["stack"]))
    return {
        "since": since,
        "clients": [
            {"client": practice, "file": result.clients[practice].file, "stacks": list(stacks)}
            for practice, stacks in result.stacks.items()
        ],
        "removed": list(result.removed),
        "matrix": {"include": include},
    }
