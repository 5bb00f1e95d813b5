"""The sources pane: a filter box, a count, and a list that draws only the rows on screen.

A 100,000-source project (a spreadsheet of citizen messages) must open and filter at once, so the
list is a :class:`~textual.scroll_view.ScrollView` on Textual's line API: it keeps the filtered
rows and renders a line only when the compositor asks for it (about as many as the pane is high).
Textual's ``OptionList`` builds and measures an ``Option`` per row, which at 100,000 rows takes
seconds (``bench/sources.py`` measures both).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from coder.facade.views import SourceFilter, SourcePages, SourceRow
from coder.i18n import _
from coder.tui.widgets.textline import TextPane


@dataclass(frozen=True, slots=True)
class ShownOption:
    """One row as ``OptionList`` would give it (``id`` a string, ``prompt`` the line's text)."""

    id: str
    prompt: Text


class SourceLines(ScrollView, can_focus=True):
    """The filtered sources, one line each, with a cursor. Posts ``Highlighted`` and
    ``Selected`` with a source id."""

    BINDINGS = [
        Binding("up", "cursor(-1)", _("Up"), show=False),
        Binding("down", "cursor(1)", _("Down"), show=False),
        Binding("pageup", "page(-1)", _("Page up"), show=False),
        Binding("pagedown", "page(1)", _("Page down"), show=False),
        Binding("home", "jump(0)", _("First"), show=False),
        Binding("end", "jump(-1)", _("Last"), show=False),
        Binding("enter", "select", _("Open"), show=False),
    ]

    COMPONENT_CLASSES = {"source-lines--cursor"}

    DEFAULT_CSS = """
    SourceLines { height: 1fr; }
    SourceLines > .source-lines--cursor { background: $block-cursor-blurred-background; }
    SourceLines:focus > .source-lines--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """

    class Highlighted(Message):
        def __init__(self, lines: SourceLines, source_id: int) -> None:
            super().__init__()
            self.lines = lines
            self.source_id = source_id

        @property
        def control(self) -> SourceLines:
            return self.lines

    class Selected(Highlighted):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[SourceRow] = []
        """The rows shown: a list, or the pages of the whole list (SourcePages) while it is read."""
        self.prompt: Callable[[SourceRow], Text] = lambda r: Text(r.name)
        self._cursor: int | None = None

    # -- contents ----------------------------------------------------------------------------------

    def show_rows(self, rows: Sequence[SourceRow], keep: int | None = None) -> None:
        """Show these rows; the cursor stays on source ``keep`` if it is among them."""
        self.rows = rows
        index = self.index_of(keep) if keep is not None else None
        self._cursor = index if index is not None else (0 if rows else None)
        self._set_length(len(rows))
        self._scroll_to_cursor()
        self.refresh()

    def _set_length(self, count: int) -> None:
        """The scrollable length: a new virtual size asks Textual for a layout of the whole
        screen (tens of milliseconds of a filter key's budget), needed only when the scrollbar
        comes or goes; otherwise the scrollbar is told the new length and the list repaints."""
        new = Size(self.size.width, count)
        old = self.virtual_size
        if new == old:
            return
        height = self.size.height
        if height and old.width == new.width and (old.height > height) == (count > height):
            self.set_reactive(SourceLines.virtual_size, new)
            self._scroll_update(new)
        else:
            self.virtual_size = new

    @property
    def highlighted(self) -> int | None:
        """The cursor's index in the shown rows (as ``OptionList.highlighted``)."""
        return self._cursor

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        self._move(index)

    @property
    def source_id(self) -> int | None:
        return self.rows[self._cursor].id if self._cursor is not None and self.rows else None

    def index_of(self, source_id: int) -> int | None:
        if isinstance(self.rows, SourcePages):
            return self.rows.index_of(source_id)
        return next((i for i, r in enumerate(self.rows) if r.id == source_id), None)

    # ``OptionList``'s reading methods, for tests and callers that read the pane's lines.
    @property
    def option_count(self) -> int:
        return len(self.rows)

    def get_option_at_index(self, index: int) -> ShownOption:
        r = self.rows[index]
        return ShownOption(str(r.id), self.prompt(r))

    def get_option(self, option_id: str) -> ShownOption:
        index = self.index_of(int(option_id))
        if index is None:
            raise KeyError(option_id)
        return self.get_option_at_index(index)

    def redraw(self) -> None:
        """Draw the visible lines again (the prompts changed, e.g. coded shares arrived)."""
        self.refresh()

    # -- moving ------------------------------------------------------------------------------------

    def _move(self, index: int | None, *, post: bool = True) -> None:
        if not self.rows or index is None:
            return
        index = max(0, min(index, len(self.rows) - 1))
        if index == self._cursor:
            return
        self._cursor = index
        self._scroll_to_cursor()
        self.refresh()
        if post:
            self.post_message(self.Highlighted(self, self.rows[index].id))

    def _scroll_to_cursor(self) -> None:
        if self._cursor is None or self.size.height == 0:
            return
        top = int(self.scroll_offset.y)
        height = self.size.height
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + height:
            self.scroll_to(y=self._cursor - height + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self._move((self._cursor or 0) + step if self._cursor is not None else 0)

    def action_page(self, step: int) -> None:
        self._move((self._cursor or 0) + step * max(self.size.height - 1, 1))

    def action_jump(self, where: int) -> None:
        self._move(0 if where == 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        if self._cursor is not None and self.rows:
            self.post_message(self.Selected(self, self.rows[self._cursor].id))

    def on_click(self, event) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self.rows):
            self._move(index)
            self.post_message(self.Selected(self, self.rows[index].id))

    # -- drawing -----------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.size.width
        base = self.rich_style
        if index >= len(self.rows):
            return Strip.blank(width, base)
        text = self.prompt(self.rows[index])
        style = base
        if index == self._cursor:
            style = base + self.get_component_rich_style("source-lines--cursor")
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = [
            Segment(seg.text, style + seg.style if seg.style else style)
            for seg in text.render(self.app.console)
            if seg.text != "\n"
        ]
        return Strip(segments, width).crop_extend(0, width, style)


class FilterInput(Input):
    """Textual's ``Input`` whose text length is no reason for a layout of the screen: Input sets
    its virtual width to its text's on every key, and a virtual size asks for a layout of the
    whole screen (here about as long as the filter itself at 100,000 sources). The box's size is
    fixed by the stylesheet, so a repaint is enough; the new width still bounds the scrolling."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


class SourceList(Vertical):
    """Filter box, count line and the list itself (``#sources``)."""

    DEFAULT_CSS = """
    SourceList { height: 1fr; }
    SourceList > Input { height: 3; }
    SourceList > #source-count { height: 1; color: $text-muted; }
    """

    class Filtered(Message):
        """The shown rows changed (a new filter, or a reload)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.filter: SourceFilter | None = None
        self.total = 0

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder=_("filter 筛选…"), id="source-filter")
        yield TextPane(id="source-count")
        yield SourceLines(id="sources")

    @property
    def lines(self) -> SourceLines:
        return self.query_one(SourceLines)

    @property
    def filter_text(self) -> str:
        return self.query_one("#source-filter", Input).value

    def load(self, source_filter: SourceFilter, keep: int | None = None) -> None:
        """A new set of rows (the project was opened or changed)."""
        self.filter = source_filter
        self.total = len(source_filter.rows)
        self.apply(keep)

    def load_pages(self, pages: SourcePages, keep: int | None = None) -> None:
        """The whole list a page at a time, while it is read for the filter (``load`` follows):
        the pane shows and scrolls through every source, and the filter waits for the rows."""
        self.filter = None
        self.total = len(pages)
        lines = self.lines
        lines.show_rows(pages, keep if keep is not None else lines.source_id)
        self.query_one("#source-count", TextPane).show(
            _("{count} · reading…").format(count=f"{self.total:,}")
        )
        self.post_message(self.Filtered())

    def apply(self, keep: int | None = None) -> None:
        if self.filter is None:
            return
        shown = self.filter.apply(self.filter_text)
        lines = self.lines
        lines.show_rows(shown, keep if keep is not None else lines.source_id)
        count = _("{shown} of {total}").format(shown=f"{len(shown):,}", total=f"{self.total:,}")
        if self.filter.notes:
            count += " · " + "; ".join(self.filter.notes)
        self.query_one("#source-count", TextPane).show(count)
        self.post_message(self.Filtered())

    @on(Input.Changed, "#source-filter")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.apply()

    @on(Input.Submitted, "#source-filter")
    def _to_list(self, event: Input.Submitted) -> None:
        event.stop()
        self.lines.focus()

    def on_key(self, event) -> None:
        """Down from the filter goes into the list."""
        if event.key == "down" and self.query_one("#source-filter", Input).has_focus:
            event.stop()
            event.prevent_default()
            self.lines.focus()

    def focus_filter(self) -> None:
        self.query_one("#source-filter", Input).focus()
