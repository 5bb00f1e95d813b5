"""Wrapping transcripts by terminal cells."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coder.tui.widgets.layout import NO_LINE_START, Layout, cells, wrap


def test_wide_characters_take_two_cells_and_lines_fit() -> None:
    text = "访谈者：会商日怎么开？\n受访者：每月固定一天，区里的科长都来。We meet monthly."
    for width in (6, 9, 20):
        for line in wrap(text, width):
            assert sum(cells(c) for c in text[line.start : line.end]) <= max(width, 4)


def test_no_line_starts_with_closing_punctuation() -> None:
    text = "一二三四五，六七八九十。" * 5
    for line in wrap(text, 10):
        if not line.blank and line.start < line.end:
            assert text[line.start] not in NO_LINE_START


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="会商日条块联动，。 ab\n", min_size=0, max_size=200), st.integers(4, 30))
def test_offsets_round_trip_through_the_screen(text: str, width: int) -> None:
    lay = Layout(text, width)
    covered = sorted((ln.start, ln.end) for ln in lay.lines if not ln.blank)
    # Every character is on exactly one line, in order.
    pos = 0
    for start, end in covered:
        assert start >= pos
        pos = end
    for offset in range(len(text) + 1):
        line = lay.line_of(offset)
        column = lay.column_of(offset)
        assert (
            lay.offset_at(line, column) == offset
            or text[offset - 1 : offset] == "\n"
            or offset == len(text)
        )
