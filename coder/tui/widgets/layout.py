"""Wrapping a transcript into display lines by terminal cells (a Chinese character takes two).

Pure functions, no Textual: the transcript widget asks them where an offset is on screen and which
offset a screen position shows. Offsets are code points into the source's normalised text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from rich.cells import get_character_cell_size


@dataclass(frozen=True, slots=True)
class Line:
    """One display line: text ``[start, end)`` (no line break), or a blank spacer line."""

    start: int
    end: int
    first: bool
    """The first display line of its paragraph."""
    blank: bool = False


def cells(ch: str) -> int:
    return 1 if ch < "\u0300" else get_character_cell_size(ch)


def wrap(text: str, width: int) -> list[Line]:
    """Display lines of ``text`` wrapped at ``width`` cells, a blank line between paragraphs.

    A line never splits a wide character; a run of Latin letters is moved whole to the next line
    when it would be cut and the line has a space to break at.
    """
    width = max(width, 4)
    lines: list[Line] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        para_end = n if nl == -1 else nl
        if lines:
            lines.append(Line(pos, pos, False, blank=True))
        if para_end == pos:
            lines.append(Line(pos, pos, True))
        else:
            start = pos
            first = True
            used = 0
            i = pos
            last_space = -1
            while i < para_end:
                ch = text[i]
                w = cells(ch)
                if used + w > width and i > start:
                    brk = i
                    if ch.isascii() and ch.isalnum() and last_space > start:
                        brk = last_space + 1
                    lines.append(Line(start, brk, first))
                    first = False
                    start = brk
                    used = sum(cells(c) for c in text[start:i])
                    last_space = -1
                    continue
                if ch == " ":
                    last_space = i
                used += w
                i += 1
            lines.append(Line(start, para_end, first))
        if nl == -1:
            break
        pos = nl + 1
    return lines


class Layout:
    """Display lines with the look-ups the widget needs."""

    def __init__(self, text: str, width: int) -> None:
        self.text = text
        self.width = width
        self.lines = wrap(text, width)
        self._text_lines = [i for i, ln in enumerate(self.lines) if not ln.blank]
        self._starts = [self.lines[i].start for i in self._text_lines]

    def line_of(self, offset: int) -> int:
        """The display line showing ``offset`` (an offset at a line's end shows on that line)."""
        k = bisect.bisect_right(self._starts, offset) - 1
        k = max(k, 0)
        # An offset equal to the next line's start belongs to that next line, except at a
        # paragraph end where the line break itself is shown at the end of the line.
        return self._text_lines[k]

    def column_of(self, offset: int) -> int:
        line = self.lines[self.line_of(offset)]
        return sum(cells(c) for c in self.text[line.start : min(offset, line.end)])

    def offset_at(self, line_no: int, column: int) -> int:
        """The offset shown at ``column`` cells of display line ``line_no`` (clamped)."""
        line_no = min(max(line_no, 0), len(self.lines) - 1)
        line = self.lines[line_no]
        if line.blank:
            # A spacer line: the start of the next paragraph.
            nxt = min(line_no + 1, len(self.lines) - 1)
            line = self.lines[nxt]
            return line.start
        used = 0
        for i in range(line.start, line.end):
            w = cells(self.text[i])
            if used + w > column:
                return i
            used += w
        return line.end

    def text_line_index(self, line_no: int, step: int) -> int:
        """The nearest non-blank display line ``step`` lines away (up for negative)."""
        target = min(max(line_no + step, 0), len(self.lines) - 1)
        direction = 1 if step > 0 else -1
        while 0 <= target < len(self.lines) and self.lines[target].blank:
            target += direction
        if not 0 <= target < len(self.lines):
            return line_no
        return target
