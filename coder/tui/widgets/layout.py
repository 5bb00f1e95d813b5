"""Wrapping a transcript into display lines by terminal cells (a Chinese character takes two).

Pure functions, no Textual: the transcript widget asks them where an offset is on screen and which
offset a screen position shows. Offsets are code points into the source's normalised text.
"""

from __future__ import annotations

import bisect
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from rich.cells import get_character_cell_size

#: Punctuation that may not begin a line (禁则).
NO_LINE_START = set("，。、；：？！）」』”’》】…—,.;:?!)")


@dataclass(frozen=True, slots=True)
class Line:
    """One display line: text ``[start, end)`` (no line break), or a blank spacer line."""

    start: int
    end: int
    first: bool
    """The first display line of its paragraph."""
    blank: bool = False


@cache
def cells(ch: str) -> int:
    """Terminal cells of one character (2 for Chinese characters and full-width punctuation)."""
    return 1 if ch < "\u0300" else get_character_cell_size(ch)


def wrap(text: str, width: int) -> list[Line]:
    """Display lines of ``text`` wrapped at ``width`` cells, a blank line between paragraphs.

    A line never splits a wide character; a run of Latin letters is moved whole to the next line
    when it would be cut and the line has a space to break at; closing punctuation never starts
    a line. Break points are found by bisecting the running sum of widths, so wrapping a long
    transcript costs little more than reading it.
    """
    width = max(width, 4)
    lines: list[Line] = []
    pos = 0
    n = len(text)
    while True:
        nl = text.find("\n", pos)
        para_end = n if nl == -1 else nl
        if lines:
            lines.append(Line(pos, pos, False, blank=True))
        para = text[pos:para_end]
        if not para:
            lines.append(Line(pos, pos, True))
        else:
            cum = list(accumulate(map(cells, para)))
            start = 0
            base = 0
            first = True
            size = len(para)
            while start < size:
                end = bisect_right(cum, base + width, lo=start)
                if end <= start:
                    end = start + 1
                if end < size:
                    ch = para[end]
                    if ch.isascii() and ch.isalnum():
                        space = para.rfind(" ", start, end)
                        if space > start:
                            end = space + 1
                    elif ch in NO_LINE_START and end - 1 > start:
                        end -= 1
                lines.append(Line(pos + start, pos + end, first))
                first = False
                base = cum[end - 1]
                start = end
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
