"""Writing generated files safely: whole or not at all, and only when the content changed.

A file is written to a temporary file in its own directory and renamed over the target, so a
reader (or a crash) never sees half a file. A file whose content is unchanged is not touched,
so its modification time and any tool watching it stay quiet.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from generator.errors import OutputError


def write_text(path: Path, text: str) -> bool:
    """Write `text` to `path` atomically; False (and no write) when it already holds `text`."""
    data = text.encode("utf-8")
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise OutputError(f"{path}: cannot write: {err.strerror or err}") from err
    return True
