"""A widget that shows one piece of rich text and repaints without a layout pass.

``Static.update`` asks for a new layout of the whole screen, which costs tens of milliseconds on
the main screen; the status line and the detail pane change on every key, inside a size fixed by
the stylesheet, so they only need a repaint.

The repaint itself takes the short way where it can: lines that fit the width become strips at
once, with the styles and selection offsets Textual's content layer gives them (about a third of
the time: the detail pane and the status line repaint on most page downs). Anything else, a
line to wrap, a selection, an alignment, goes through Textual's own path;
``tests/tui/test_tui_partial_update.py`` compares the two.
"""

from __future__ import annotations

import itertools

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget, _RenderCache


class TextPane(Widget):
    """Rich text in a box whose size the stylesheet fixes."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text: Text | str = ""
        self._styles: dict[RichStyle | str, Style] = {}

    def show(self, text: Text | str) -> None:
        if str(text) == str(self._text) and (not isinstance(text, Text) or text == self._text):
            return
        old, self._text = self._text, text
        changed = self._changed_lines(old, text)
        if changed is None:
            self.refresh()
            return
        # Only the lines that changed are styled again and sent (Textual keeps the others):
        # a page down changes two to five of the detail pane's twelve lines.
        width = self.size.width
        runs: list[Region] = []
        for y in changed:  # runs of lines, one region each
            if runs and runs[-1].bottom == y:
                runs[-1] = Region(0, runs[-1].y, width, runs[-1].height + 1)
            else:
                runs.append(Region(0, y, width, 1))
        if runs:
            self.refresh(*runs)

    def _changed_lines(self, old: Text | str, new: Text | str) -> list[int] | None:
        """The lines where ``new`` differs from ``old`` when each text line of both is a line on
        screen (``_screen_lines``) and all of them fit the box's height; ``None`` when the whole
        pane must be drawn again."""
        before, after = self._screen_lines(old), self._screen_lines(new)
        height = self.size.height
        if before is None or after is None or max(len(before), len(after)) > height:
            return None
        return [
            y
            for y in range(max(len(before), len(after)))
            if y >= len(before) or y >= len(after) or before[y] != after[y]
        ]

    def _screen_lines(self, text: Text | str) -> list[Text] | None:
        """The lines of ``text`` when each is a line on screen as Textual would draw it: every line
        fits the width and nothing asks for more than left-aligned lines (no markup, tab,
        justification, selection or alignment); ``None`` otherwise."""
        if isinstance(text, str):
            if "[" in text or "\\" in text:
                return None  # Textual reads a plain string as markup
            text = Text(text)
        width = self.size.width
        rules = self.styles
        if (
            not width
            or self.text_selection is not None
            or text.style
            or text.justify not in (None, "default", "left")
            or "\t" in text.plain
            or rules.text_align not in ("left", "start")
            or tuple(rules.content_align) != ("left", "top")
            or rules.text_wrap not in ("wrap", "nowrap")  # alike for lines that fit
            or rules.text_overflow not in ("fold", "ellipsis", "clip")
            or rules.line_pad
        ):
            return None
        lines = list(text.split("\n", allow_blank=True))
        if any(cell_len(line.plain) > width for line in lines):
            return None
        return lines

    @property
    def shown(self) -> str:
        return str(self._text)

    def render(self) -> Text | str:
        return self._text

    def _render_content(self) -> None:
        width, height = self.size
        strips = self._fitting_strips(width, height)
        if strips is None:
            super()._render_content()
            return
        self._render_cache = _RenderCache(self.size, strips)
        self._dirty_regions.clear()

    def _fitting_strips(self, width: int, height: int) -> list[Strip] | None:
        """The content's strips as ``Visual.to_strips`` makes them, when each text line is a line
        on screen (``_screen_lines``); ``None`` otherwise."""
        lines = self._screen_lines(self._text)
        if lines is None:
            return None
        base = self.visual_style
        get_style = self.app.console.get_style
        theme = self.app.ansi_theme
        styles = self._styles
        strips = []
        for y, line in enumerate(lines[:height]):
            pieces = _pieces(line)
            if pieces is None:
                return None
            segments = []
            x = 0
            plain = line.plain
            for start, end, span_style in pieces:
                piece = plain[start:end]
                own = styles.get(span_style)
                if own is None:
                    rich = get_style(span_style) if isinstance(span_style, str) else span_style
                    own = styles[span_style] = Style.from_rich_style(rich, theme)
                segments.append(Segment(piece, (base + own).rich_style_with_offset(x, y)))
                x += len(piece)
            if not segments:  # an empty line keeps the widget's style, as Textual's does
                segments.append(Segment("", base.rich_style_with_offset(0, y)))
            strips.append(Strip(segments, cell_len(plain)))
        return strips


def _pieces(line: Text) -> list[tuple[int, int, RichStyle | str]] | None:
    """The line cut where its spans begin and end, each piece with its span's style; ``None``
    where spans overlap (Textual's content layer combines them: the long way)."""
    plain = line.plain
    if not plain:
        return []
    spans = [s for s in line.spans if s.end > s.start]
    cuts = sorted({0, len(plain), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[tuple[int, int, RichStyle | str]] = []
    for start, end in itertools.pairwise(cuts):
        over = [s.style for s in spans if s.start <= start and s.end >= end]
        if len(over) > 1:
            return None
        out.append((start, end, over[0] if over else RichStyle.null()))
    return out
