"""Standard output and standard error as clinicgen writes to them: text, never terminal commands,
and a failed write is a message, not a traceback.

Profile text (a site's name, a tag) reaches what clinicgen prints. Written raw, an escape
sequence in it would retitle the terminal (OSC 0), plant a hyperlink (OSC 8), recolour or move
the cursor (CSI), and a carriage return or a bidi override would hide what is really printed.
So every write to either stream goes through `terminal_safe`, which shows such characters as
escapes (`\\x1b`, `\\u202e`) instead of sending them. That is done here, at the stream, so that
any text printed by any command passes through it.

A write that fails (a full disk behind `> file`) becomes `OutputStreamError` naming the
stream; a reader that went away (`| head -1`) ends the command quietly.
"""

from __future__ import annotations

import errno
import io
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from generator.errors import OutputStreamError, ReaderGoneError

# C0 controls but tab and newline, DEL, C1 controls (U+0080-U+009F, which include the 8-bit
# CSI and OSC), and the bidi embedding, override and isolate characters.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` with every character that would command a terminal shown as an escape."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


class TerminalSafeStream(io.TextIOBase):
    """A text stream that writes through `terminal_safe` to `stream`, named `name` in errors."""

    def __init__(self, stream: TextIO, name: str) -> None:
        super().__init__()
        self._stream = stream
        self._name = name
        self._failure: OutputStreamError | None = None

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self._stream.errors

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        safe = terminal_safe(text)
        if safe:
            with self._failures():
                self._stream.write(safe)
        return len(text)

    def flush(self) -> None:
        with self._failures():
            self._stream.flush()

    @contextmanager
    def _failures(self) -> Iterator[None]:
        try:
            yield
        except OSError as err:
            self._discard_rest()
            if err.errno == errno.EPIPE:
                raise ReaderGoneError(f"{self._name}: the reader went away") from err
            raise OutputStreamError(f"{self._name}: cannot write: {err.strerror or err}") from err

    def _discard_rest(self) -> None:
        # What is still buffered would fail again when Python flushes the stream at exit, with
        # an "Exception ignored" report: point the descriptor at /dev/null, as the Python
        # documentation advises for a closed pipe (signal module, "Note on SIGPIPE").
        try:
            descriptor = self._stream.fileno()
        except (OSError, ValueError):
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, descriptor)
        os.close(devnull)


@contextmanager
def terminal_safe_streams() -> Iterator[None]:
    """Route `sys.stdout` and `sys.stderr` through `TerminalSafeStream` while the block runs,
    flushing them at its end so that a failed write is reported while it can be."""
    saved = sys.stdout, sys.stderr
    sys.stdout = TerminalSafeStream(saved[0], "standard output")
    sys.stderr = TerminalSafeStream(saved[1], "standard error")
    try:
        yield
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        sys.stdout, sys.stderr = saved
