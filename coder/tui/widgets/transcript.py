"""The transcript: a source's text with coded spans coloured, their labels in a margin, speakers
set apart, a cursor and a selection. Rendered line by line (the Line API), so a transcript of
hundreds of thousands of characters scrolls and edits as fast as a short one.

Length: one widget on purpose. A third of it is the key table (some forty bindings, each with
its id and description for the help and the palette); the rest is one state — cursor, anchor,
selection, the wrapped layout and the line cache — that every movement, every mouse event and
every render reads and invalidates together. Split apart, each piece would reach into the
others' private state; the pure parts (wrapping: :mod:`coder.tui.widgets.layout`; sentences
and words: :mod:`coder.text.nlp`) already live elsewhere.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.color import Color as TColor
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from coder.i18n import _
from coder.text.nlp import TextAnalysis
from coder.text.speakers import INTERVIEWER_LABELS
from coder.tui.widgets.layout import Layout
from coder.tui.widgets.scrollbar import PlainScrollBar

GUTTER = 10
_BASE = Style()
_SPEAKER = Style(bold=True, color="bright_cyan")
_INTERVIEWER = Style(bold=True, color="bright_black")
_GUTTER = Style(color="bright_black")
#: A machine suggestion in the margin: faint, italic and ending in "?", never a coding's look.
_SUGGESTED = Style(color="bright_black", dim=True, italic=True)
_SELECTED = Style(reverse=True)
_CURSOR = Style(reverse=True, bold=True, underline=True)
_INTERVIEWER_LABELS = INTERVIEWER_LABELS


@dataclass(frozen=True, slots=True)
class Span:
    """A coding as the transcript shows it."""

    id: int
    start: int
    end: int
    code_id: int
    label: str
    colour: str
    coder: str


def tint(colour: str, amount: float = 0.45, base: tuple[int, int, int] = (30, 30, 30)) -> Color:
    """The code's colour mixed into the dark background, so text stays readable on it."""
    try:
        r, g, b = Color.parse(colour or "#888888").get_truecolor()
    except Exception:
        r, g, b = (136, 136, 136)
    mix = [int(c * amount + bc * (1 - amount)) for c, bc in zip((r, g, b), base, strict=True)]
    return Color.from_rgb(*mix)


@dataclass(frozen=True, slots=True)
class Hint:
    """A machine suggestion as the transcript shows it: in the margin only, never coloured."""

    start: int
    end: int
    code_id: int
    label: str
    score: float
    because: tuple[str, ...]
    model: str
    threshold: float = 0.0
    """The score from which its code is suggested."""
    precision: float = 0.0
    """Held out, the share of that code's suggestions from the threshold that were right."""


@lru_cache(maxsize=1024)
def _coding_style(colour: str, overlapped: bool) -> Style:
    """The look of coded text: the code's tint, underlined where codings overlap (made once
    per colour, not once per piece of every line drawn)."""
    return Style(bgcolor=tint(colour), underline=overlapped)


class TranscriptView(ScrollView, can_focus=True):
    """Shows one source. Attributes down (``load``), messages up (``SelectionChanged``)."""

    DEFAULT_CSS = """
    TranscriptView { background: $surface; }
    TranscriptView:focus { background-tint: $foreground 3%; }
    """

    BINDINGS = [
        Binding("left", "move(-1)", _("Left"), show=False, id="transcript.left"),
        Binding("right", "move(1)", _("Right"), show=False, id="transcript.right"),
        Binding("up", "line(-1)", _("Up"), show=False, id="transcript.up"),
        Binding("down", "line(1)", _("Down"), show=False, id="transcript.down"),
        Binding("pageup", "page(-1)", _("Page up"), show=False, id="transcript.pageup"),
        Binding("pagedown", "page(1)", _("Page down"), show=False, id="transcript.pagedown"),
        Binding("home", "edge(-1)", _("Line start"), show=False, id="transcript.home"),
        Binding("end", "edge(1)", _("Line end"), show=False, id="transcript.end"),
        Binding(
            "ctrl+home,g", "ends(-1)", _("Start of transcript"), show=False, id="transcript.top"
        ),
        Binding(
            "ctrl+end,G", "ends(1)", _("End of transcript"), show=False, id="transcript.bottom"
        ),
        Binding("ctrl+left,b", "word(-1)", _("Word back"), show=False, id="transcript.word_back"),
        Binding(
            "ctrl+right,w", "word(1)", _("Word forward"), show=False, id="transcript.word_forward"
        ),
        Binding(
            "shift+left", "extend(-1)", _("Select left"), show=False, id="transcript.select_left"
        ),
        Binding(
            "shift+right", "extend(1)", _("Select right"), show=False, id="transcript.select_right"
        ),
        Binding(
            "shift+up", "extend_line(-1)", _("Select up"), show=False, id="transcript.select_up"
        ),
        Binding(
            "shift+down",
            "extend_line(1)",
            _("Select down"),
            show=False,
            id="transcript.select_down",
        ),
        Binding(
            "ctrl+shift+right,W",
            "extend_word(1)",
            _("Select word"),
            show=False,
            id="transcript.select_word",
        ),
        Binding(
            "ctrl+shift+left,B",
            "extend_word(-1)",
            _("Unselect word"),
            show=False,
            id="transcript.unselect_word",
        ),
        Binding("s", "select_sentence", _("Sentence"), id="transcript.sentence"),
        Binding("t", "select_turn", _("Turn"), id="transcript.turn"),
        Binding("plus,equals_sign", "grow(1)", _("Grow"), show=False, id="transcript.grow"),
        Binding("minus", "grow(-1)", _("Shrink"), show=False, id="transcript.shrink"),
        Binding(
            "escape", "clear_selection", _("Clear selection"), show=False, id="transcript.clear"
        ),
        Binding("C", "toggle_chars", _("Characters/words"), show=False, id="transcript.chars"),
    ]

    cursor: reactive[int] = reactive(0, init=False, always_update=True, repaint=False)
    """The caret, as a code-point offset into the text."""
    # Shadows Widget.anchor(), a method Textual itself never calls on a widget it did not anchor.
    anchor: reactive[int | None] = reactive(None, init=False, repaint=False)  # type: ignore[assignment]
    """Where the selection started, or None when nothing is selected."""
    char_mode: reactive[bool] = reactive(False, init=False, repaint=False)
    """Select by characters instead of snapping to whole words."""

    class SelectionChanged(Message):
        """The cursor or the selection moved."""

        def __init__(
            self, view: TranscriptView, cursor: int, selection: tuple[int, int] | None
        ) -> None:
            super().__init__()
            self.view = view
            self.cursor = cursor
            self.selection = selection

        @property
        def control(self) -> TranscriptView:
            return self.view

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.source_id: int | None = None
        self.analysis: TextAnalysis | None = None
        self.turn_labels: list[tuple[int, int, str]] = []
        self.spans: list[Span] = []
        self.hints: list[Hint] = []
        """Suggestions shown faintly in the margin (see set_hints)."""
        self._starts: list[int] = []
        self._longest = 0
        self._layout: Layout | None = None
        self._cache = _Drawn()
        self._styled_key: tuple | None = None
        self._fast_paint = False
        """Whether the last paint took the plain path (``render_lines``)."""
        self._prefetching = False
        self._preferred_column: int | None = None
        self._dragging = False
        # The selection as last painted, so a move repaints only the lines it changes.
        self._painted_selection: tuple[int, int] | None = None
        # Worked out once per paint rather than once per line: (base style, selection).
        self._paint: tuple[Style, tuple[int, int] | None] | None = None
        self.on_selection: Callable[[TranscriptView.SelectionChanged], None] | None = None
        """Called at once when the cursor or the selection moves, instead of posting
        ``SelectionChanged``: the parent's status line and detail pane then change in the same
        screen update as the move (a posted message reaches the screen after the update that
        shows the move, so every key drew two frames)."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own property, with a bar that draws its rows directly (PlainScrollBar)."""
        if self._vertical_scrollbar is None:
            bar = PlainScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    # -- data in ---------------------------------------------------------------------------------

    def load(
        self, source_id: int, text: str, turns: list[tuple[int, int, str]], spans: list[Span]
    ) -> None:
        """Show a source. ``turns`` are (label start, speech start, speaker)."""
        same = source_id == self.source_id
        self.source_id = source_id
        self.text = text
        self.turn_labels = turns
        if not same:
            self.analysis = None
            self.hints = []
        self.set_spans(spans)
        self._layout = None
        self._relayout()
        if not same:
            self.anchor = None
            self.cursor = 0
            self.scroll_to(0, 0, animate=False)
        else:
            self.cursor = min(self.cursor, len(text))

    def set_spans(self, spans: list[Span]) -> None:
        self.spans = sorted(spans, key=lambda s: (s.start, s.end, s.id))
        self._starts = [s.start for s in self.spans]
        self._longest = max((s.end - s.start for s in self.spans), default=0)
        self._cache.clear()
        self.refresh()

    def set_hints(self, hints: list[Hint]) -> None:
        """The model's suggestions for this source (in text order), shown as ``label?``."""
        self.hints = sorted(hints, key=lambda h: (h.start, h.end))
        self._cache.clear()
        self.refresh()

    def hint_at(self, offset: int) -> Hint | None:
        """The suggestion whose passage holds ``offset`` (or ends there), if any."""
        for h in self.hints:
            if h.start <= offset < h.end or (offset == h.end and h.end > h.start):
                return h
        return None

    def hints_between(self, start: int, end: int) -> list[Hint]:
        return [h for h in self.hints if h.start < end and h.end > start][:3]

    def add_span(self, span: Span) -> None:
        """One new coding: inserted in order, only its lines repainted."""
        i = bisect.bisect_right(self._starts, span.start)
        self.spans.insert(i, span)
        self._starts.insert(i, span.start)
        self._longest = max(self._longest, span.end - span.start)
        if self._layout is not None:
            first = self._layout.line_of(span.start)
            last = self._layout.line_of(max(span.start, span.end - 1))
            for line in range(first, last + 1):
                self._cache.pop(line, None)
            top = self.scroll_offset.y
            self.refresh_lines(first, last - first + 1) if first >= top else self.refresh()

    def set_analysis(self, source_id: int, analysis: TextAnalysis) -> None:
        if source_id == self.source_id:
            self.analysis = analysis
            self._sync_selection()  # the selection now snaps to whole words

    # -- geometry ----------------------------------------------------------------------------------

    @property
    def layout_(self) -> Layout:
        if self._layout is None:
            self._relayout()
        if self._layout is None:  # no size yet: a provisional layout
            self._layout = Layout(self.text, 80)
        return self._layout

    def _text_width(self) -> int:
        # The vertical scrollbar is reserved even before it appears (a long transcript always
        # has one), so that its arrival never hides the end of every line.
        bar = 0 if self.show_vertical_scrollbar else self.styles.scrollbar_size_vertical
        return max(self.scrollable_content_region.width - bar - GUTTER - 1, 10)

    def _relayout(self) -> None:
        if self.scrollable_content_region.width <= 0:
            return  # not laid out yet: on_resize wraps the text once the width is known
        width = self._text_width()
        self._layout = Layout(self.text, width)
        self._cache.clear()
        self.virtual_size = Size(width + GUTTER + 1, len(self._layout.lines))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self._layout is None or self._layout.width != self._text_width():
            self._relayout()
            self._scroll_to_cursor()

    # -- selection ---------------------------------------------------------------------------------

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected span, snapped to whole words unless in character mode."""
        if self.anchor is None or self.anchor == self.cursor:
            return None
        start, end = sorted((self.anchor, self.cursor))
        if not self.char_mode and self.analysis is not None:
            start, end = self.analysis.snap(start, end)
        return (start, end)

    def select(self, start: int, end: int) -> None:
        """Select ``[start, end)`` and put the cursor at its end."""
        start, end = max(0, start), min(len(self.text), end)
        self.anchor = start
        self.cursor = end

    def watch_cursor(self, old: int, new: int) -> None:
        self._invalidate_between(old, new)
        self._sync_selection()
        self._scroll_to_cursor()
        self._announce(new, self.selection)

    def _announce(self, cursor: int, selection: tuple[int, int] | None) -> None:
        message = self.SelectionChanged(self, cursor, selection)
        if self.on_selection is not None:
            self.on_selection(message)
        else:
            self.post_message(message)

    def watch_anchor(self) -> None:
        self._sync_selection()

    def watch_char_mode(self) -> None:
        self._sync_selection()
        self._announce(self.cursor, self.selection)

    def _sync_selection(self) -> None:
        """Repaint the lines where the (snapped) selection changed since it was last painted:
        between the old and new starts and between the old and new ends, not the whole view."""
        new = self.selection
        old = self._painted_selection
        if new == old:
            return
        self._painted_selection = new
        if old is None or new is None:
            start, end = old or new  # type: ignore[misc]
            self._invalidate_range(start, end)
            return
        for a, b in ((old[0], new[0]), (old[1], new[1])):
            if a != b:
                self._invalidate_range(min(a, b), max(a, b))

    def _invalidate_range(self, start: int, end: int) -> None:
        """Forget and repaint the display lines that hold offsets ``[start, end]``."""
        if self._layout is None:
            return
        size = len(self.text)
        first = self._layout.line_of(min(start, size))
        last = self._layout.line_of(min(end, size))
        if last - first > len(self._cache):
            for line in [n for n in self._cache if first <= n <= last]:
                del self._cache[line]
        else:
            for line in range(first, last + 1):
                self._cache.pop(line, None)
        top = self.scroll_offset.y
        lo, hi = max(first, top), min(last, top + self.size.height - 1)
        if lo <= hi:
            self.refresh_lines(lo, hi - lo + 1)

    def _invalidate_between(self, a: int, b: int) -> None:
        if self._layout is None:
            return
        for off in (a, b):
            line = self._layout.line_of(min(off, len(self.text)))
            self._cache.pop(line, None)
            self.refresh_line(line - self.scroll_offset.y)

    def refresh_line(self, y: int) -> None:
        if 0 <= y < self.size.height:
            from textual.geometry import Region

            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        if self._layout is None:
            return
        line = self._layout.line_of(self.cursor)
        top = self.scroll_offset.y
        height = max(self.size.height, 1)
        if line < top:
            self.scroll_to(y=line, animate=False)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False)

    # -- actions -----------------------------------------------------------------------------------

    def _move_to(self, offset: int, *, extend: bool = False, keep_column: bool = False) -> None:
        offset = min(max(offset, 0), len(self.text))
        if extend and self.anchor is None:
            self.anchor = self.cursor
        elif not extend and self.anchor is not None:
            self.anchor = None
        if not keep_column:
            self._preferred_column = None
        self.cursor = offset

    def action_move(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_extend(self, step: int) -> None:
        self._move_to(self.cursor + step, extend=True)

    def _line_target(self, step: int) -> int:
        lay = self.layout_
        line = lay.line_of(self.cursor)
        if self._preferred_column is None:
            self._preferred_column = lay.column_of(self.cursor)
        target = lay.text_line_index(line, step)
        return lay.offset_at(target, self._preferred_column)

    def action_line(self, step: int) -> None:
        self._move_to(self._line_target(step), keep_column=True)

    def action_extend_line(self, step: int) -> None:
        self._move_to(self._line_target(step), extend=True, keep_column=True)

    def action_page(self, step: int) -> None:
        page = max(self.size.height - 2, 1)
        target = self._line_target(step * page)
        self.scroll_to(y=self.scroll_offset.y + step * page, animate=False)
        self._move_to(target, keep_column=True)

    def action_edge(self, side: int) -> None:
        lay = self.layout_
        line = lay.lines[lay.line_of(self.cursor)]
        self._move_to(line.start if side < 0 else line.end)

    def action_ends(self, side: int) -> None:
        self._move_to(0 if side < 0 else len(self.text))

    def _word_step(self, step: int) -> int:
        pos = self.cursor
        if self.analysis is None:
            return pos + step
        words = self.analysis.words
        if step > 0:
            i = bisect.bisect_right(words, (pos, float("inf")))
            here = self.analysis.word_at(pos)
            if here is not None and here[1] > pos:
                return here[1]
            return words[i][1] if i < len(words) else len(self.text)
        i = bisect.bisect_left(words, (pos, -1)) - 1
        return words[i][0] if i >= 0 else 0

    def action_word(self, step: int) -> None:
        self._move_to(self._word_step(step))

    def action_extend_word(self, step: int) -> None:
        self._move_to(self._word_step(step), extend=True)

    def action_select_sentence(self) -> None:
        self._select_unit("sentence")

    def action_select_turn(self) -> None:
        self._select_unit("turn")

    def _select_unit(self, unit: str) -> None:
        if self.analysis is None:
            self.notify(
                _("no sentences yet: the text is still being read")
                if unit == "sentence"
                else _("no turns yet: the text is still being read"),
                severity="warning",
            )
            return
        at = self.analysis.sentence_at if unit == "sentence" else self.analysis.block_at
        span = at(self.cursor)
        if span:
            self.select(*span)
        else:
            self.notify(
                _("no sentence at the cursor (it is between turns or on a speaker's name)")
                if unit == "sentence"
                else _("no turn at the cursor (it is between turns or on a speaker's name)"),
                severity="warning",
            )

    def _speech_ahead(self, pos: int) -> int:
        """Where speech goes on from ``pos``: past line breaks and the next speaker's name."""
        text = self.text
        while pos < len(text) and text[pos] in "\r\n":
            pos += 1
        i = bisect.bisect_right(self.turn_labels, (pos, float("inf"), "")) - 1
        if i >= 0:
            label_start, speech_start, _end = self.turn_labels[i]
            if label_start <= pos < speech_start:
                return speech_start
        return pos

    def action_grow(self, step: int) -> None:
        """Grow (or shrink) the selection by a word at its end, inside one turn: a selection
        begun between turns starts at the next speech, never on a line break or a speaker."""
        if self.anchor is None:
            start = self._speech_ahead(self.cursor) if step > 0 else self.cursor
            self.anchor = start
            self.cursor = start
        target = self._word_step(step)
        if step > 0:
            turn_end = self.text.find("\n", self.cursor)
            if turn_end != -1 and target > turn_end:
                target = max(turn_end, self.cursor)
        self._move_to(target, extend=True)

    def action_clear_selection(self) -> None:
        self.anchor = None
        self._announce(self.cursor, None)

    def action_toggle_chars(self) -> None:
        self.char_mode = not self.char_mode

    # -- mouse ---------------------------------------------------------------------------------

    def _offset_at_event(self, event: events.MouseEvent) -> int | None:
        x, y = event.x, event.y
        if x < GUTTER + 1:
            x = GUTTER + 1
        return self.layout_.offset_at(
            self.scroll_offset.y + y, x - GUTTER - 1 + self.scroll_offset.x
        )

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = self._offset_at_event(event)
        if offset is None:
            return
        self.focus()
        self._dragging = True
        self.capture_mouse()
        self.anchor = None
        self.cursor = offset

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            offset = self._offset_at_event(event)
            if offset is not None and offset != self.cursor:
                if self.anchor is None:
                    self.anchor = self.cursor
                self.cursor = offset

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    # -- rendering -----------------------------------------------------------------------------

    def spans_between(self, start: int, end: int) -> list[Span]:
        """Codings that overlap ``[start, end)`` (or touch ``start`` for an empty range)."""
        lo = bisect.bisect_left(self._starts, start - self._longest)
        hi = bisect.bisect_right(self._starts, max(end, start + 1) - 1)
        return [s for s in self.spans[lo:hi] if s.start < max(end, start + 1) and s.end > start]

    def render_lines(self, crop: Region) -> list[Strip]:
        self._paint = (self.rich_style, self.selection)
        try:
            if not self._plain_box():
                if self._fast_paint:  # Textual's own line cache missed the plain paints
                    self._styles_cache.clear()
                    self._fast_paint = False
                return super().render_lines(crop)
            self._fast_paint = True
            return self._render_styled(crop)
        finally:
            self._paint = None

    def _plain_box(self) -> bool:
        """Whether Textual's styling of the lines comes down to padding them to the width with
        the background and applying the app's line filters: no border, outline, padding, tint,
        opacity, hatch or border title (the transcript's stylesheet sets none of them)."""
        styles = self.styles
        return not (
            any(kind for kind, _colour in styles.border)
            or any(kind for kind, _colour in styles.outline)
            or any(styles.padding)
            or styles.tint.a
            or self.opacity != 1.0
            or styles.text_opacity != 1.0
            or (styles.has_rule("hatch") and styles.hatch != "none")
            or self._border_title is not None
            or self._border_subtitle is not None
        )

    def _styled_paint(self) -> tuple[int, int, Style, TColor, list]:
        """What the styled lines depend on beyond their own content: (width, horizontal
        scroll, background style, background colour, line filters). The styled lines are
        forgotten when it changes."""
        base_background, background = self.background_colors
        inner, _outer = self._styles_cache.get_inner_outer(base_background, background)
        filters = list(self.get_line_filters())
        width, scroll_x = self.size.width, self.scroll_offset.x
        key = (width, scroll_x, inner, background, tuple(filters))
        if key != self._styled_key:
            self._styled_key = key
            self._cache.styled.clear()
        return width, scroll_x, inner.rich_style, background, filters

    def _render_styled(self, crop: Region) -> list[Strip]:
        """Textual's ``StylesCache.render`` for a plain box (see ``_plain_box``), keeping each
        line as the screen gets it by line number, not by row on screen: Textual's cache is by
        row, so every scroll styled and filtered every line again; here a line drawn once (or
        drawn ahead, see ``_prefetch``) costs nothing until it changes."""
        width, scroll_x, inner, background, filters = self._styled_paint()
        top = self.scroll_offset.y
        count = len(self.layout_.lines)
        styled = self._cache.styled
        strips = []
        for y in crop.line_range:
            line_no = top + y
            strip = styled.get(line_no) if line_no < count else None
            if strip is None:
                strip = self._style_line(line_no, width, scroll_x, inner, background, filters)
                if line_no < count:
                    styled[line_no] = strip
            strips.append(strip)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        self._schedule_prefetch()
        return strips

    def _style_line(
        self,
        line_no: int,
        width: int,
        scroll_x: int,
        inner: Style,
        background: TColor,
        filters: list,
    ) -> Strip:
        if line_no >= len(self.layout_.lines):
            strip = Strip.blank(width, self.rich_style)
        else:
            drawn = self._cache.get(line_no)
            if drawn is None:
                drawn = self._render_strip(line_no)
                self._cache[line_no] = drawn
            strip = drawn.crop(scroll_x, scroll_x + width)
        strip = strip.adjust_cell_length(width, inner)
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, background)
        return strip

    @staticmethod
    def _cuts_in_use(styled: dict[int, Strip], top: int, height: int) -> list[int] | None:
        """Where the compositor last cut a line on screen (Strip keeps its cuts), if it did."""
        for n in range(top, top + height):
            strip = styled.get(n)
            if strip is not None:
                keys = list(strip._divide_cache.keys())
                if keys:
                    return list(keys[-1])
        return None

    #: Styled lines kept beyond this many are dropped, farthest from the view first.
    STYLED_KEPT = 1000

    def _schedule_prefetch(self) -> None:
        if not self._prefetching:
            self._prefetching = True
            self.call_after_refresh(self._prefetch)

    def _prefetch(self) -> None:
        """Draw the page below the view and the page above it ahead, after the screen update
        (a page down then finds its lines drawn and styled)."""
        self._prefetching = False
        if not (self.is_attached and self._fast_paint and self._layout and self.size.height):
            return
        height = self.size.height
        top = self.scroll_offset.y
        count = len(self._layout.lines)
        styled = self._cache.styled
        wanted = [
            n
            for n in (*range(top + height, top + 2 * height), *range(top - height, top))
            if 0 <= n < count and n not in styled
        ]
        if not wanted:
            return
        self._paint = (self.rich_style, self.selection)
        try:
            width, scroll_x, inner, background, filters = self._styled_paint()
            for n in wanted:
                styled[n] = self._style_line(n, width, scroll_x, inner, background, filters)
        finally:
            self._paint = None
        # The compositor cuts each line where the widgets in front begin and end (the
        # scrollbar): the lines on screen were cut so, and a line cut ahead keeps its pieces.
        cuts = self._cuts_in_use(styled, top, height)
        if cuts:
            for n in wanted:
                styled[n].divide(cuts)
        if len(styled) > self.STYLED_KEPT:
            far = sorted(styled, key=lambda n: abs(n - top), reverse=True)
            for n in far[: len(styled) - self.STYLED_KEPT // 2]:
                del styled[n]

    def render_line(self, y: int) -> Strip:
        line_no = self.scroll_offset.y + y
        lay = self.layout_
        if line_no >= len(lay.lines):
            return Strip.blank(self.size.width, self.rich_style)
        strip = self._cache.get(line_no)
        if strip is None:
            strip = self._render_strip(line_no)
            self._cache[line_no] = strip
        return strip.crop(self.scroll_offset.x, self.scroll_offset.x + self.size.width)

    def _render_strip(self, line_no: int) -> Strip:
        lay = self.layout_
        line = lay.lines[line_no]
        base, sel = self._paint or (self.rich_style, self.selection)
        if line.blank:
            return Strip([Segment(" " * (GUTTER + 1), base)], GUTTER + 1)
        spans = self.spans_between(line.start, line.end)
        labels = []
        for s in spans:
            if s.label not in labels:
                labels.append(s.label)
        gutter = " ".join(labels)
        if cells_len(gutter) > GUTTER:
            gutter = gutter[: GUTTER - 1] + "…"
        guesses: list[str] = []
        for h in self.hints_between(line.start, line.end):
            if f"{h.label}?" not in guesses:
                guesses.append(f"{h.label}?")
        hints = " ".join(guesses)
        room = GUTTER - cells_len(gutter) - (1 if gutter else 0)
        if hints and room >= 2:  # a suggestion beside the codings on its line, as far as it fits
            if cells_len(hints) > room:
                hints = hints[: room - 1] + "…"
            if gutter:
                segments = [
                    Segment(gutter + " ", base + _GUTTER),
                    Segment(hints.ljust(room) + " ", base + _SUGGESTED),
                ]
            else:
                segments = [Segment(hints.ljust(GUTTER) + " ", base + _SUGGESTED)]
        else:
            segments = [Segment(gutter.ljust(GUTTER) + " ", base + _GUTTER)]
        # Change points inside the line: spans, selection, cursor, speaker label.
        points = {line.start, line.end}
        for s in spans:
            points.update(p for p in (s.start, s.end) if line.start < p < line.end)
        if sel:
            points.update(p for p in sel if line.start < p < line.end)
        if line.start <= self.cursor < line.end:
            points.update((self.cursor, self.cursor + 1))
        speaker = self._speaker_label(line)
        if speaker:
            points.add(min(max(speaker[1], line.start), line.end))
        cuts = sorted(p for p in points if line.start <= p <= line.end)
        width = GUTTER + 1
        text = self.text
        for a, b in zip(cuts, cuts[1:], strict=False):
            if a >= b:
                continue
            style = base
            if speaker and a < speaker[1]:
                style += _INTERVIEWER if speaker[2] in _INTERVIEWER_LABELS else _SPEAKER
            covering = [s for s in spans if s.start <= a and b <= s.end]
            if covering:
                top = min(covering, key=lambda s: s.end - s.start)
                style += _coding_style(top.colour, len(covering) > 1)
            if sel and sel[0] <= a and b <= sel[1]:
                style += _SELECTED
            if a == self.cursor and self.has_focus:
                style += _CURSOR
            chunk = text[a:b]
            segments.append(Segment(chunk, style))
            width += cells_len(chunk)
        if self.cursor == line.end and self._is_last_line_of_offset(line_no):
            mark = _CURSOR if self.has_focus else Style()
            segments.append(Segment(" ", base + mark))
            width += 1
        return Strip(segments, width)

    def _is_last_line_of_offset(self, line_no: int) -> bool:
        return self.layout_.line_of(self.cursor) == line_no

    def _speaker_label(self, line) -> tuple[int, int, str] | None:
        if not line.first or not self.turn_labels:
            return None
        i = bisect.bisect_right(self.turn_labels, (line.start, float("inf"), "")) - 1
        if i >= 0:
            label_start, speech_start, speaker = self.turn_labels[i]
            if label_start == line.start or (label_start >= line.start and label_start < line.end):
                return (label_start, speech_start, speaker)
        return None

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cache.clear()
        self.refresh()


class _Drawn(dict[int, Strip]):
    """The transcript's drawn lines by line number (its own strips, before Textual's styles);
    ``styled`` holds the same lines as the screen gets them, and a line forgotten here is
    forgotten there too."""

    def __init__(self) -> None:
        super().__init__()
        self.styled: dict[int, Strip] = {}

    def pop(self, key: int, default: Strip | None = None) -> Strip | None:  # type: ignore[override]
        self.styled.pop(key, None)
        return super().pop(key, default)

    def __delitem__(self, key: int) -> None:
        self.styled.pop(key, None)
        super().__delitem__(key)

    def clear(self) -> None:
        self.styled.clear()
        super().clear()


def cells_len(text: str) -> int:
    return cell_len(text)
