"""Text layout: whatever the width, no word is split, and lines keep to the width unless a
single word is longer than it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.layout import column_widths, items_after, table_lines, wrap

WORD = st.text(alphabet="abcdefghij0123456789./-", min_size=1, max_size=18)
CELL = st.lists(WORD, min_size=0, max_size=6).map(" ".join)
WIDTH = st.integers(20, 160)


def words_in_order(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


# Pure functions: no deadline, so a loaded machine does not fail them on time alone.
UNTIMED = settings(deadline=None)


@UNTIMED
@given(st.lists(WORD, max_size=30), WIDTH)
def test_wrap_keeps_every_word_whole_and_in_order(words: list[str], width: int) -> None:
    lines = wrap(" ".join(words), width, "  ", "    ")
    assert words_in_order(lines) == words
    assert all(len(line) <= width or len(line.split()) == 1 for line in lines)


@UNTIMED
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(CELL, min_size=n, max_size=n),
            st.lists(st.lists(CELL, min_size=n, max_size=n), min_size=1, max_size=8),
        )
    ),
    WIDTH,
)
def test_a_table_fits_its_width_or_prints_records(table, width: int) -> None:
    columns, rows = table
    columns = [f"c{i}{name.split(' ')[0]}" for i, name in enumerate(columns)]
    lines = table_lines(columns, rows, width)
    everything = [word for row in [columns[1:], *rows] for cell in row for word in cell.split()]
    shown = words_in_order(lines)
    # Every word of every cell is printed whole (records print the other columns as labels).
    for word in everything:
        assert word in shown or f"{word}:" in shown
    if column_widths(columns, rows, width) is not None:
        assert all(len(line) <= width for line in lines)


def test_a_table_too_narrow_for_its_words_prints_one_record_per_row() -> None:
    rows = [["downtown", "10.65.16.2-10.65.16.254", "10.65.17.2-10.65.17.254"]]
    lines = table_lines(["site", "dhcp", "other"], rows, 40)
    assert lines == [
        "downtown",
        "  dhcp:  10.65.16.2-10.65.16.254",
        "  other: 10.65.17.2-10.65.17.254",
    ]


def test_items_stay_whole_and_wrap_between_each_other() -> None:
    items = ["roleDefinitionId=Network Contributor", "principalType=Group", "scope=/a/b"]
    lines = items_after("    RoleAssignment  grant  ", items, 70)
    assert lines == [
        "    RoleAssignment  grant  roleDefinitionId=Network Contributor",
        "                           principalType=Group  scope=/a/b",
    ]
