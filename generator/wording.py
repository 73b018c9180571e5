"""Words for people: how clinicgen writes a count in its reasons, reports and messages.

Kept apart from any stage so that sizing, checks, preview and rendering can all use it without
importing one another.
"""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` with its noun in the right number: `1 role`, `3 roles`, `1 modality`."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
