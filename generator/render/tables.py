"""Titled tables, the form every report for people takes: plain text in a given width (here)
or Markdown (templates/review/tables.md.jinja).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.render.layout import PIPE_WIDTH, table_lines, wrap


@dataclass(frozen=True)
class Table:
    """One titled table. `rules` are the title's rules (from `title_subjects`); a sized table's
    last column lists each row's rules (from `subjects`, one tuple per row)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    subjects: tuple[tuple[str, ...], ...] = ()
    title_subjects: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    profile_columns: tuple[str, ...] = ()
    from_profile: bool = False


def _title(table: Table) -> str:
    return table.title + (f"  [{' '.join(table.rules)}]" if table.rules else "")


def plain_text(tables: tuple[Table, ...], width: int = PIPE_WIDTH) -> str:
    """Tables as text in `width` columns, cells wrapped at spaces, no word split."""
    blocks = []
    for table in tables:
        title = wrap(_title(table), width)
        lines = [*title, "=" * min(max(len(line) for line in title), width)]
        lines += table_lines(table.columns, table.rows, width) if table.rows else ["(none)"]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
