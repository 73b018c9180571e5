"""What a generation left in its project: the digest of its inputs and of every file it wrote.

`.clinicgen-generated.json` holds the digest of everything the project was generated from (the
caller's: `fleet generate` hashes the client's effective profile, the fleet standard and
clinicgen's own sources and templates) and the sha-256 of each file the run wrote, the
allocation ledger included. Generation is deterministic, so a later run with the same inputs
over a project whose files all still hold those bytes would write exactly what is there: it
may be skipped without planning (`is_up_to_date`). Any difference (a file edited by hand,
deleted, or touched by another tool, such as Pulumi adding its secrets provider to a stack
file) makes the project out of date, and a full generation handles it as it always has:
a hand edit is refused without --force, a deleted file is written again.

The record is the last file a generation writes, atomically, while it holds the ledger's lock,
so a reader holding that lock never sees a record newer than the files it lists. Its content
depends only on the inputs and the files, so an unchanged regeneration leaves it byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from generator.write import GeneratedFile, PendingWrite

RECORD_FILE = PurePosixPath(".clinicgen-generated.json")
# Bump when the record's layout changes: an older record then never matches.
LAYOUT = 1


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def generation_record(root: Path, inputs: str, pending: Sequence[PendingWrite]) -> GeneratedFile:
    """The record of a generation under `root` from `inputs` that writes `pending` (each
    file's path relative to `root`, its content's sha-256)."""
    resolved = root.resolve()
    files = {
        Path(os.path.relpath(item.target, resolved)).as_posix(): _sha256(item.text.encode())
        for item in pending
    }
    record = {"layout": LAYOUT, "inputs": inputs, "files": files}
    return GeneratedFile(
        RECORD_FILE, json.dumps(record, indent=2, sort_keys=True) + "\n", stamped=False
    )


def is_up_to_date(root: Path, inputs: str) -> bool:
    """True when `root` was generated from `inputs` and every file that generation wrote still
    holds what it wrote; False when there is no readable record, or anything differs."""
    try:
        record = json.loads((root / RECORD_FILE).read_bytes())
        if record.get("layout") != LAYOUT or record.get("inputs") != inputs:
            return False
        files = record["files"]
        return all(_sha256((root / path).read_bytes()) == digest for path, digest in files.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
