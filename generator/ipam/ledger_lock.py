"""One writer per ledger at a time: the lock a command holds from reading a ledger to writing it.

Two `clinicgen generate` runs of one practice at once would each read the same ledger, hand
the same free block, ASN and priorities to different sites, and the later write would drop the
earlier one's site. So a command that writes a ledger holds its lock for the whole
read-plan-write cycle; a second one waits, saying who holds it, and gives up after
`WAIT_SECONDS` with a message instead of planning from a ledger about to change.

The lock is an OS file lock (the `filelock` package): the kernel releases it when its holder
dies, even by SIGKILL, so a crash never leaves a practice locked. Its file lives in a per-user
directory under the system's temporary directory, named after the ledger's resolved path, not
beside the ledger: a stacks directory stays free of lock files, and a checkout whose stacks are
read-only still plans. It serialises runs on one machine, which is where one checkout is.
"""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from generator.errors import LedgerError

WAIT_SECONDS = 300.0


def lock_path(ledger: Path) -> Path:
    """Where the lock file for `ledger` is."""
    digest = hashlib.sha256(str(ledger.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return Path(tempfile.gettempdir()) / f"clinicgen-locks-{os.getuid()}" / f"{digest[:32]}.lock"


@contextmanager
def holding_ledger(
    ledger: Path, tell: Callable[[str], None] | None = None, wait_seconds: float = WAIT_SECONDS
) -> Iterator[None]:
    """Hold `ledger`'s lock while the block runs; `tell` hears when it has to wait for another
    holder. LedgerError when the other holder keeps it longer than `wait_seconds`."""
    path = lock_path(ledger)
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
    except OSError as err:
        raise LedgerError(
            f"{ledger}: cannot create the lock directory {path.parent}: {err}"
        ) from err
    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if tell is not None:
            tell(
                f"{ledger}: in use by {_holder(path)}; waiting up to {wait_seconds:.0f} s for it "
                "to finish"
            )
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout as err:
            raise LedgerError(
                f"{ledger}: still in use by {_holder(path)} after {wait_seconds:.0f} s; run "
                f"again when it has finished (lock file {path})"
            ) from err
    try:
        path.write_text(
            f"clinicgen (pid {os.getpid()} on {socket.gethostname()}, since "
            f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')})",
            encoding="utf-8",
        )
        yield
    finally:
        lock.release()


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "another clinicgen"
    except (OSError, UnicodeDecodeError):
        return "another clinicgen"
