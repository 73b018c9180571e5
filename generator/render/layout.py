"""Text laid out for a person: tables whose columns fit the width, prose wrapped at spaces, and
no address, name or id ever split across lines.

The width is the terminal's (`COLUMNS` wins, as everywhere), or `PIPE_WIDTH` when the output
goes to a pipe or a file. A table whose unbreakable words cannot sit side by side in that
width is printed one record per row instead (`column: value` lines), so an address or a
resource name is always whole; a single word longer than the whole width runs past it rather
than being cut.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence

# Output to a pipe or a file: wide enough for a row of addresses, narrow enough to read and
# to review in a pull request.
PIPE_WIDTH = 120
GAP = "  "


def output_width() -> int:
    """The width to lay text out in: `COLUMNS`, else the terminal's, else `PIPE_WIDTH`."""
    return shutil.get_terminal_size((PIPE_WIDTH, 24)).columns


def wrap(text: str, width: int, indent: str = "", hanging: str | None = None) -> list[str]:
    """`text` wrapped at spaces into lines of at most `width` characters where its words
    allow, each of its own lines apart; `indent` starts the first line, `hanging` (default:
    `indent`) the others."""
    hanging = indent if hanging is None else hanging
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapper = textwrap.TextWrapper(
            width=max(width, 1),
            initial_indent=hanging if lines else indent,
            subsequent_indent=hanging,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines += wrapper.wrap(paragraph) or [(hanging if lines else indent).rstrip()]
    return lines


def _hang(head: str, width: int) -> str:
    """Where a wrapped line starts: under the text after `head`, or, when `head` takes more
    than half the width, four columns in from `head`'s own indent."""
    hang = len(head)
    if hang > width // 2:
        hang = len(head) - len(head.lstrip()) + 4
    return " " * hang


def labelled(head: str, text: str, width: int) -> list[str]:
    """`head` then `text`, wrapped at spaces with its lines under the start of `text`."""
    return wrap(text, width, head, _hang(head, width))


def items_after(head: str, items: Sequence[str], width: int) -> list[str]:
    """`head` then `items` two spaces apart, as many to a line as fit: an item breaks (at its
    spaces) only when it is longer than a line."""
    hang = _hang(head, width)
    lines: list[str] = []
    line = head
    for item in items:
        candidate = line + item if line == head else line + GAP + item
        if len(candidate) <= width:
            line = candidate
            continue
        lines.append(line.rstrip())
        *full, line = wrap(item, width, hang)
        lines += full
    return [*lines, line.rstrip()]


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def column_widths(
    columns: Sequence[str], rows: Sequence[Sequence[str]], width: int
) -> list[int] | None:
    """Widths that fit the table in `width` with every word whole, or None when none do.

    Each column gets its longest word at least; the room left is shared fairly (max-min)
    among the columns that would wrap: one that wants less than an equal share gets all it
    wants, the others split what remains equally."""
    cells = list(zip(columns, *rows, strict=True))
    natural = [
        max(len(line) for cell in column for line in cell.splitlines() or [""]) for column in cells
    ]
    widths = [max(_longest_word(cell) for cell in column) for column in cells]
    room = width - len(GAP) * (len(columns) - 1)
    if sum(natural) <= room:
        return natural
    spare = room - sum(widths)
    if spare < 0:
        return None
    wanting = sorted(range(len(widths)), key=lambda i: natural[i] - widths[i])
    while wanting:
        index = wanting[0]
        share = spare // len(wanting)
        if natural[index] - widths[index] > share:
            break
        spare -= natural[index] - widths[index]
        widths[index] = natural[index]
        wanting.pop(0)
    for order, index in enumerate(wanting):
        widths[index] += spare // len(wanting) + (order < spare % len(wanting))
    return widths


def table_lines(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """A header and one or more lines per row, each cell wrapped within its column; or, when
    the columns cannot fit, each row as a record of `column: value` lines."""
    widths = column_widths(columns, rows, width)
    if widths is None:
        return _records(columns, rows, width)
    lines = []
    for row in (columns, *rows):
        wrapped = [wrap(cell, w) for cell, w in zip(row, widths, strict=True)]
        for depth in range(max(len(cell) for cell in wrapped)):
            parts = [
                (cell[depth] if depth < len(cell) else "").ljust(w)
                for cell, w in zip(wrapped, widths, strict=True)
            ]
            lines.append(GAP.join(parts).rstrip())
    return lines


def _records(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    label = max(len(column) for column in columns[1:]) + 2
    lines: list[str] = []
    for row in rows:
        if lines:
            lines.append("")
        lines += wrap(row[0], width)
        for column, cell in zip(columns[1:], row[1:], strict=True):
            lines += labelled(f"{GAP}{column}: ".ljust(len(GAP) + label), cell, width)
    return lines
