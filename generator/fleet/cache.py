"""The fleet's result cache: what running a stack under mocks gave, kept by what determines it.

A stack's run depends on its stack file, the program that runs it (blueprints), what the
preview harness and its mocks answer, the catalogs, and the Pulumi SDKs' versions; a site
stack also on what its core stack exported (its StackReference reads those outputs). So:

    program   sha-256 of every source and catalog file of `generator` and `blueprints`,
              the Python version, and the versions of Pulumi and each provider SDK
    core      sha-256(program, "core", core stack file bytes)
    site      sha-256(program, "site", site stack file bytes, digest of the core's outputs)
    client    sha-256(program, the client's waivers, the core and site keys): its findings
    profile   sha-256(program, the client file's path and bytes, the standard): its practice,
              sites and waivers, so a client whose stacks are all cached is not read again

Keying a site by its core's outputs rather than the core's file means a core that changes
without changing what it exports (a site added: the core file lists one more site) leaves
every existing site stack's result valid.

Entries live under the fleet folder, `.clinicgen-cache/`, one file each, written atomically
(temporary file, then rename: `generator.write.write_text`), so a reader never sees half an
entry and two runs writing one key write the same bytes. A client's misses are computed under
a file lock (`filelock`) on that client, so two concurrent runs do not both run its stacks.
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from filelock import FileLock

import generator
from generator import __version__
from generator.render.templating import templates_dir
from generator.write import write_text

CACHE_DIR = ".clinicgen-cache"
# Bump when an entry's layout changes: old entries are then never read.
LAYOUT = "2"
_SDK_DISTRIBUTIONS = ("pulumi", "pulumi-azure-native", "pulumi-azuread", "pulumi-tls", "pulumi-gcp")
_PACKAGES = ("generator", "blueprints")
# What turns a plan into text: templates, YAML, and profile validation's normalisation.
_TEXT_DISTRIBUTIONS = ("jinja2", "PyYAML", "Cerberus")


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"


def _add_sources(digest: Any, root: Path, name: str, suffixes: tuple[str, ...]) -> None:
    """Each file under `root` ending in one of `suffixes`: its path (under `name`) and bytes."""
    for path in sorted(root.rglob("*")):
        if path.suffix in suffixes and path.is_file():
            digest.update(f"{name}/{path.relative_to(root).as_posix()}\n".encode())
            digest.update(path.read_bytes())


@cache
def program_fingerprint() -> str:
    """The digest of everything besides a stack file that decides a stack's run and its
    findings: clinicgen's and the blueprints' sources and catalogs, Python, the SDKs."""
    digest = hashlib.sha256(f"layout {LAYOUT}\npython {sys.version}\n".encode())
    for distribution in _SDK_DISTRIBUTIONS:
        digest.update(f"{distribution} {_version(distribution)}\n".encode())
    for package in _PACKAGES:
        root = Path(__import__(package).__file__ or "").parent
        _add_sources(digest, root, package, (".py", ".yaml"))
    return digest.hexdigest()


@cache
def generation_fingerprint() -> str:
    """The digest of everything besides a client's effective profile, its standard and its
    ledger that decides the project `generate` writes: clinicgen's version, sources and
    catalogs, its templates, and the libraries that shape the text. No Pulumi SDK: generating
    loads none, and Python's version changes none of the text."""
    digest = hashlib.sha256(f"layout {LAYOUT}\nclinicgen {__version__}\n".encode())
    for distribution in _TEXT_DISTRIBUTIONS:
        digest.update(f"{distribution} {_version(distribution)}\n".encode())
    _add_sources(digest, Path(generator.__file__).parent, "generator", (".py", ".yaml"))
    _add_sources(digest, templates_dir(), "templates", (".jinja",))
    return digest.hexdigest()


def key(*parts: str | bytes) -> str:
    """The sha-256 of `parts`, each length-prefixed so that no two splits collide."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(f"{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def _checksum(kind: str, entry: str, data: Any) -> str:
    """What an entry's data must hash to, with its kind and key: JSON data read back dumps to
    the same text, so an entry that does not match was not written whole by `put`."""
    return key(kind, entry, json.dumps(data, sort_keys=True))


class ResultCache:
    """Entries by kind (`stacks`, `outputs`, `clients`, `profiles`) and key, under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, kind: str, entry: str) -> Path:
        return self.root / kind / entry[:2] / f"{entry}.json"

    def get(self, kind: str, entry: str) -> Any | None:
        """The entry's data, or None (a miss) when there is none, it cannot be read, or it is
        not what `put` wrote under this kind and key."""
        try:
            stored = json.loads(self._path(kind, entry).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(stored, dict) or "data" not in stored:
            return None
        if stored.get("sha256") != _checksum(kind, entry, stored["data"]):
            return None
        return stored["data"]

    def put(self, kind: str, entry: str, data: Any) -> None:
        stored = {"data": data, "sha256": _checksum(kind, entry, data)}
        write_text(self._path(kind, entry), json.dumps(stored, sort_keys=True))

    def lock(self, name: str) -> FileLock:
        """A lock on `name` (a client) shared by every run on this fleet folder."""
        locks = self.root / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        return FileLock(str(locks / f"{name}.lock"))
