"""A key repaints only the widgets it changes (issue 18, bench page-down ratio).

Textual's partial update rendered every widget inside the bounding box of the dirty regions: a
page down dirtied the transcript, the status line and the detail pane, so the header, the
footer, the tree and the source list were rendered again on every key. coder.tui.compositor
renders only the widgets that overlap a dirty region."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Header

from coder.tui.app import make_app
from coder.tui.widgets.footer import FittingFooter
from coder.tui.widgets.scrollbar import PlainScrollBar
from coder.tui.widgets.textline import TextPane
from coder.tui.widgets.transcript import TranscriptView
from tests.conftest import settle


def counting_own(cls, rendered):  # type: ignore[no-untyped-def]
    original = cls.render_lines

    def counting(self, crop):  # type: ignore[no-untyped-def]
        rendered[type(self).__name__] += 1
        return original(self, crop)

    return counting


async def test_page_down_does_not_render_header_or_footer(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.query_one(TranscriptView).focus()
        await settle(app, pilot)
        rendered: Counter[str] = Counter()
        original = Widget.render_lines

        def counting(self, crop):  # type: ignore[no-untyped-def]
            rendered[type(self).__name__] += 1
            return original(self, crop)

        monkeypatch.setattr(Widget, "render_lines", counting)
        # The transcript draws its lines itself (TranscriptView.render_lines, a plain box).
        monkeypatch.setattr(TranscriptView, "render_lines", counting_own(TranscriptView, rendered))
        for _ in range(3):
            await pilot.press("pagedown")
            await settle(app, pilot)
        assert rendered["TranscriptView"] >= 3
        assert rendered[Header.__name__] == 0
        assert rendered[FittingFooter.__name__] == 0


async def test_a_page_down_is_one_screen_update(demo_copy: Path) -> None:
    """The scroll, the status line and the detail pane change in one compositor refresh: the
    status and detail used to follow in a second frame (a posted message reached the screen
    after the update that showed the scroll)."""
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        view = screen.query_one(TranscriptView)
        view.focus()
        await settle(app, pilot)
        status = screen.query_one("#status", TextPane)
        frames: list[tuple[int, str]] = []
        original = screen._compositor_refresh

        def traced() -> None:
            original()
            frames.append((view.cursor, status.shown))

        screen._compositor_refresh = traced  # type: ignore[method-assign]
        for _ in range(3):
            frames.clear()
            before = view.cursor
            await pilot.press("pagedown")
            await settle(app, pilot)
            assert view.cursor != before
            moved = [f for f in frames if f[0] != before]
            assert moved, frames
            # The first update that shows the move shows the status of the move too.
            assert f"@{moved[0][0]}/" in moved[0][1], moved[0]


def _styled_by_textual(view: TranscriptView, crop: Region) -> list[Strip]:
    view._paint = (view.rich_style, view.selection)
    view._styles_cache.clear()
    try:
        return ScrollView.render_lines(view, crop)
    finally:
        view._paint = None


async def test_the_transcript_draws_what_textual_would(demo_copy: Path) -> None:
    """The transcript styles its own lines and keeps them by line number (a page down finds
    them drawn ahead): the strips are those Textual's own styling gives, focused or not,
    scrolled, with a selection."""
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(TranscriptView)
        view.focus()
        await settle(app, pilot)
        steps = [["pagedown"], ["shift+down"] * 3, ["pagedown", "pagedown"], ["pageup"]]
        steps += [["ctrl+t"], ["escape"], ["right", "shift+right"]]
        for keys in steps:
            await pilot.press(*keys)
            await settle(app, pilot)
            crop = Region(0, 0, view.size.width, view.size.height)
            ours = view.render_lines(crop)
            assert view._cache.styled, "the plain path was not taken"
            theirs = _styled_by_textual(view, crop)
            assert [list(s) for s in ours] == [list(s) for s in theirs], keys
            assert [s.cell_length for s in ours] == [s.cell_length for s in theirs]
            # A part of the view (as the compositor asks for a partial update).
            part = Region(3, 2, view.size.width - 5, 4)
            assert [list(s) for s in view.render_lines(part)] == [
                list(s) for s in _styled_by_textual(view, part)
            ]


async def test_the_next_page_is_drawn_ahead(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(TranscriptView)
        view.focus()
        await settle(app, pilot)
        height = view.size.height
        top = view.scroll_offset.y
        ahead = [n for n in range(top + height, top + 2 * height) if n < len(view.layout_.lines)]
        assert ahead and all(n in view._cache.styled for n in ahead)
        drawn = []
        original = view._render_strip

        def counting(line_no: int) -> Strip:
            drawn.append(line_no)
            return original(line_no)

        view._render_strip = counting  # type: ignore[method-assign]
        frames = []
        cut_afresh: list[int] = []
        screen = app.screen
        refresh = screen._compositor_refresh
        divide = Strip.divide

        def cutting(strip: Strip, cuts):  # type: ignore[no-untyped-def]
            key = tuple(c for c in cuts if c <= strip.cell_length)
            if strip._divide_cache.get(key) is None and key != (strip.cell_length,):
                if any(strip is s for s in view._cache.styled.values()):
                    cut_afresh.append(1)
            return divide(strip, cuts)

        def traced() -> None:
            frames.append(list(drawn))
            Strip.divide = cutting  # type: ignore[method-assign]
            try:
                refresh()
            finally:
                Strip.divide = divide  # type: ignore[method-assign]

        screen._compositor_refresh = traced  # type: ignore[method-assign]
        await pilot.press("pagedown")
        await settle(app, pilot)
        # The update that showed the new page drew only the cursor's old and new lines afresh,
        # and cut only those where the scrollbar lies over them (the rest were cut ahead).
        assert frames and len(frames[0]) <= 2, frames
        assert len(cut_afresh) <= 2, cut_afresh


async def test_the_scrollbar_draws_what_textual_would(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(TranscriptView)
        bar = view.vertical_scrollbar
        assert isinstance(bar, PlainScrollBar)
        for keys in (["pagedown"], ["pagedown"] * 3, ["ctrl+end"], ["ctrl+home"]):
            view.focus()
            await pilot.press(*keys)
            await settle(app, pilot)
            crop = Region(0, 0, bar.size.width, bar.size.height)
            bar._styles_cache.clear()
            theirs = ScrollBar.render_lines(bar, crop)
            ours = bar.render_lines(crop)
            assert [list(s) for s in ours] == [list(s) for s in theirs], keys


def _both_ways(pane: TextPane) -> tuple[list[list[object]], list[list[object]], bool]:
    """The pane's strips by its short way and by Textual's own content layer."""
    pane._render_content()
    ours = [list(s) for s in pane._render_cache.lines]
    short = pane._fitting_strips(*pane.size) is not None
    fitting = pane._fitting_strips
    pane._fitting_strips = lambda width, height: None  # type: ignore[method-assign]
    try:
        pane._render_content()
    finally:
        del pane._fitting_strips
    theirs = [list(s) for s in pane._render_cache.lines]
    assert pane._fitting_strips == fitting
    return ours, theirs, short


async def test_the_status_line_and_detail_draw_what_textual_would(demo_copy: Path) -> None:
    """TextPane builds the strips of lines that fit the width itself (the status line and the
    detail pane repaint on most keys); they are the segments, styles and offsets Textual's
    content layer makes, with Chinese text, styled spans and markup-like brackets."""
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(TranscriptView)
        view.focus()
        status = app.screen.query_one("#status", TextPane)
        short_status = 0
        for keys in (["pagedown"], ["down"] * 3, ["pagedown"] * 2, ["ctrl+home"], ["right"]):
            await pilot.press(*keys)
            await settle(app, pilot)
            for pane in app.screen.query(TextPane):
                if not pane.size.area:
                    continue
                ours, theirs, short = _both_ways(pane)
                assert ours == theirs, (keys, pane.id)
                short_status += short and pane is status
        assert short_status, "the status line never took the short way"
        # Wide text, spans side by side, a span inside the line, a line that must wrap, an
        # overlap and a plain string Textual reads as markup.
        wide = Text("统合型 ")
        wide.append("上报无回应导致信任流失", "bold magenta")
        wide.append(" a09", "dim")
        wide.append("\n第二行 second line")
        overlap = Text("重叠的样式 overlap")
        overlap.stylize("bold", 0, 5)
        overlap.stylize("italic", 2, 8)
        cases: list[tuple[Text | str, bool]] = [
            (wide, True),
            ("纯文字 plain words", True),
            ("[b]括号[/b] read as markup", False),
            (Text("很长的一行" * 40), False),
            (overlap, False),
        ]
        for text, expected in cases:
            status.show(text)
            await settle(app, pilot)
            ours, theirs, short = _both_ways(status)
            assert ours == theirs, text
            assert short is expected, text


_TOKEN = re.compile(r"\x1b\[(\d+);(\d+)H|(\x1b\[[0-9;:]*m)|(\x1b\][^\x1b]*\x1b\\)|\n|([^\x1b\n]+)")


def _play(grid: dict[tuple[int, int], tuple[str, str]], data: str) -> None:
    """What a terminal shows after ``data``: moves, colours (as the sequence that set them)
    and characters, a wide one taking its cell and the next."""
    x = y = 0
    sgr = ""
    for match in _TOKEN.finditer(data):
        row, col, style, _link, text = match.groups()
        if row is not None:
            y, x = int(row) - 1, int(col) - 1
        elif style is not None:
            sgr = "" if style == "\x1b[0m" else sgr + style
        elif text is not None:
            for ch in text:
                grid[x, y] = (ch, sgr)
                if cell_len(ch) == 2:
                    grid[x + 1, y] = ("", sgr)
                x += cell_len(ch)


def _model_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[dict[tuple[int, int], tuple[str, str]], list[object]]:
    """A model terminal: every screen update the running app sends is played on the grid it
    returns (and kept in the list, to tell partial updates from full ones)."""
    from textual._compositor import Compositor
    from textual._context import active_app

    grid: dict[tuple[int, int], tuple[str, str]] = {}
    updates: list[object] = []
    render_update = Compositor.render_update

    def playing(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        update = render_update(self, *args, **kwargs)
        if update is not None:
            updates.append(update)
            _play(grid, update.render_segments(active_app.get().console))
        return update

    monkeypatch.setattr(Compositor, "render_update", playing)
    return grid, updates


async def test_partial_updates_leave_what_a_full_repaint_shows(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terminal after the screen updates a session sends (partial ones drawing only the
    widgets that show a chop of the update) is what a full repaint of the screen shows: no
    stale cell where a widget was skipped, scrolling, selecting, over a toast, on two screens."""
    from textual._compositor import LayoutUpdate

    grid, updates = _model_terminal(monkeypatch)
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.query_one(TranscriptView).focus()
        steps: list[list[str]] = [["pagedown"], ["down", "down"], ["shift+right"] * 4]
        steps += [["toast"], ["pagedown"], ["ctrl+t"], ["escape"], ["f2"], ["down"], ["escape"]]
        steps += [["up"]]
        for keys in steps:
            if keys == ["toast"]:
                app.notify("上报无回应导致信任流失 " * 3, timeout=30)
            else:
                await pilot.press(*keys)
            await settle(app, pilot)
            compositor = app.screen._compositor
            shown: dict[tuple[int, int], tuple[str, str]] = {}
            strips = [[s] for s in compositor.render_strips()]
            _play(shown, LayoutUpdate(strips, compositor.size.region).render_segments(app.console))
            stale = [xy for xy, cell in shown.items() if grid.get(xy) != cell]
            assert not stale, (keys, stale[:5], [grid.get(xy) for xy in stale[:5]])
        partial = sum(not isinstance(update, LayoutUpdate) for update in updates)
        assert partial > 5, partial


async def test_the_detail_pane_sends_only_the_lines_that_changed(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A TextPane whose lines each fit the box repaints only the lines that differ from what it
    showed (a page down changes two to five of the detail pane's twelve); what the terminal
    then shows is what a full repaint shows, also when lines come and go or must wrap."""
    grid, _updates = _model_terminal(monkeypatch)
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        detail = app.screen.query_one("#detail", TextPane)
        rows = [
            "■ a16 条块联动  [1074–1114) R1",
            "■ a15 联合发文  [1070–1120) root",
            "",
            "a16 条块联动",
        ]
        changed = Text("\n".join(rows))
        changed.stylize("bold", 2, 5)
        cases: list[tuple[Text | str, set[int] | None | bool]] = [
            (Text("\n".join(rows)), True),  # after whatever the demo showed
            (Text("\n".join([rows[0], "■ a17 上报无回应  [1080–1090) R2", *rows[2:]])), {1}),
            (Text("\n".join(rows)), {1}),
            (changed, {0}),  # the same words with a bold span are another line
            (Text("\n".join(rows[:2])), {0, 2, 3}),  # lines gone are drawn blank
            ("很长的一行" * 20, None),  # wraps: Textual decides the lines
            ("[b]括号[/b]", None),  # markup
            ("回到 短的", None),  # after markup: all of it
            ("回到 短的\n第二行", {1}),  # plain strings without brackets are lines too
        ]
        dirty: list[Region] = []
        refresh = detail.refresh

        def noting(*regions: Region, **kwargs: bool) -> TextPane:
            dirty.extend(regions)
            return refresh(*regions, **kwargs)

        for text, lines in cases:
            dirty.clear()
            detail.refresh = noting  # type: ignore[method-assign]
            detail.show(text)
            del detail.refresh
            if lines is None:
                assert dirty == [], text
            elif lines is not True:
                assert {y for r in dirty for y in r.line_range} == lines, text
            await settle(app, pilot)
            after_lines = dict(grid)
            detail.refresh()  # the whole pane drawn again from its text: the truth
            await settle(app, pilot)
            stale = [xy for xy, cell in grid.items() if after_lines.get(xy) != cell]
            assert not stale, (text, stale[:5], [after_lines.get(xy) for xy in stale[:5]])
