"""What a change does shows at once and is counted right: a new code's label in the margin,
a category's codings with those below it, bars on one scale, a status line after an export."""

from __future__ import annotations

from pathlib import Path

from coder.tui.app import CoderApp, make_app
from coder.tui.screens.codebook import CodebookScreen
from coder.tui.screens.main import MainScreen
from coder.tui.screens.stats import StatsScreen, bar
from coder.tui.widgets.transcript import GUTTER, TranscriptView
from tests.conftest import SIZE, settle


async def _select(app: CoderApp, pilot, source: str, needle: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    sid = app.project.source_id(source)
    start = app.project.source_text(sid).index(needle)
    screen = app.screen
    assert isinstance(screen, MainScreen)
    screen.jump_to(sid, start, start + len(needle))
    await pilot.pause()
    return start, start + len(needle)


def _margin(view: TranscriptView, offset: int) -> str:
    """The margin of the line that shows ``offset``, as drawn."""
    return view._render_strip(view.layout_.line_of(offset)).text[:GUTTER]


async def test_a_new_codes_label_is_in_the_margin_at_once(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(TranscriptView)
        made = []
        # in vivo (v), a named new code (n), and the picker's "+ new code"
        for source, needle, keys in (
            ("S1-03", "小马拉大车", ["v"]),
            ("S2-01", "看得见的管不着", ["n", *"看得见管不着", "enter"]),
            ("S3-01", "会商", ["c", *"会商平台之外", "ctrl+n"]),
        ):
            start, end = await _select(app, pilot, source, needle)
            await pilot.press(*keys)
            await pilot.pause()
            code = app.project.codes()[-1]
            made.append(code.name)
            mine = [s for s in view.spans if s.code_id == code.id]
            assert [s.label for s in mine] == [code.label]
            assert code.label in _margin(view, start) and "?" not in _margin(view, start)
        assert made == ["小马拉大车", "看得见管不着", "会商平台之外"]


async def test_a_categorys_detail_shows_codings_with_those_below_it(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        p = app.project
        a1 = p.code("A1")
        below = {c.id for c in p.codes() if a1.id in c.parents}
        # the hand count: distinct spans (per coder) coded with A1 or a concept under it
        spans = {(s.source, s.start, s.end, s.coder) for s in p.segments() if s.code_id in below}
        direct = len(p.segments(code=a1.id))
        assert spans and direct == 0
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        screen.highlight(a1.id)
        await pilot.pause()
        title = str(screen.query_one("#cb-title").render())
        assert f"{len(spans)} codings 参考点" in title and "with the codes below" in title
        assert f"{direct} codings" in title and "itself" in title
        sources = len({s[0] for s in spans})
        assert f"{sources} sources 来源 with the codes below" in title


async def test_frequency_bars_share_one_scale(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        table = screen._frequencies(screen.data["freq"])
        labels = [str(c).strip() for c in table.columns[0]._cells]
        counts = [int(str(c)) for c in table.columns[2]._cells]
        # Each bar as drawn in a column of 31 cells (30 for the bar): 240 eighths at the top.
        bars = [bar(c.value, c.top, 30) for c in table.columns[4]._cells]

        def eighths(b: str) -> int:
            return 8 * b.count("█") + sum("▏▎▍▌▋▊▉".index(ch) + 1 for ch in b if ch != "█")

        top = max(counts)
        for label, n, b in zip(labels, counts, bars, strict=True):
            assert abs(eighths(b) - n / top * 240) <= 0.5, label
        a1 = counts[labels.index("A1")]
        a_concept = max(n for lab, n in zip(labels, counts, strict=True) if lab[0] == "a")
        assert a1 > a_concept and eighths(bars[labels.index("A1")]) > max(
            eighths(b) for lab, b in zip(labels, bars, strict=True) if lab[0] == "a"
        )


async def test_the_status_line_says_when_the_export_is_over(
    demo_copy: Path, tmp_path: Path
) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("E")
        await pilot.pause()
        app.screen.query_one("Input").value = str(tmp_path / "out2.md")
        await pilot.press("enter")
        await settle(app, pilot)
        status = app.screen.query_one("#status").shown
        assert (tmp_path / "out2.md").exists()
        assert "exporting" not in status and "exported" in status


async def test_the_export_dialog_holds_out_the_interviews_named(
    demo_copy: Path, tmp_path: Path
) -> None:
    from coder.exchange.papers import export_tables

    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for held, name in (("S9-99", "bad.md"), ("S1-01, S2-02", "held.md")):
            await pilot.press("E")
            await pilot.pause()
            app.screen.query_one("#export-path").value = str(tmp_path / name)
            app.screen.query_one("#export-held-out").value = held
            await pilot.press("enter")
            await settle(app, pilot)
        assert not (tmp_path / "bad.md").exists()
        export_tables(app.project, tmp_path / "direct.md", held_out=["S1-01", "S2-02"])
        export_tables(app.project, tmp_path / "default.md")
    shown = (tmp_path / "held.md").read_text(encoding="utf-8")
    assert shown == (tmp_path / "direct.md").read_text(encoding="utf-8")
    assert shown != (tmp_path / "default.md").read_text(encoding="utf-8")


def test_export_dialog_snapshot(snap_compare, demo_copy: Path) -> None:
    """At 80 columns the whole title shows, .qdpx included (it was cut)."""
    assert snap_compare(
        make_app(demo_copy, nlp=False), terminal_size=(80, 24), press=["_", "E", "_"]
    )


async def test_source_lines_cut_roles_with_an_ellipsis_and_align_the_share(
    demo_copy: Path,
) -> None:
    from coder.tui.widgets.transcript import cells_len

    for width in (120, 80):
        app = make_app(demo_copy, nlp=False)
        async with app.run_test(size=(width, 30)) as pilot:
            await settle(app, pilot)
            listing = app.screen.query_one("#sources")
            prompts = [
                str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)
            ]
            ends = {cells_len(p[: p.rindex("%") + 1]) for p in prompts}
            assert len(ends) == 1, prompts  # S4-01 居民代表/ 25% was a column out
            roles = {s.name: s.attributes.get("role", "") for s in app.project.sources()}
            cut = [p for p in prompts if "…" in p]
            assert all(roles[p.split()[0]] not in p for p in cut)
            assert cut if width == 120 else not any(p.split()[1] == "…" for p in prompts)
        app.project.close()


async def test_a_selection_repaints_only_what_it_changes_and_nothing_stays_stale(
    demo_copy: Path,
) -> None:
    """Shift-moves repaint only the lines between the old and the new selection edges; after
    any mix of moves, every line on screen is what a fresh paint would draw."""
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(TranscriptView)
        view.focus()
        await pilot.pause()
        keys = ["shift+right"] * 5 + ["shift+down"] * 3 + ["shift+up"] * 5 + ["shift+left"] * 2
        keys += ["right", "shift+down", "shift+down", "pagedown", "shift+pageup", "left"]
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            top = view.scroll_offset.y
            for y in range(view.size.height):
                if top + y >= len(view.layout_.lines):
                    break
                cached = view._cache.get(top + y)
                if cached is not None:
                    fresh = view._render_strip(top + y)
                    assert list(cached) == list(fresh), (key, top + y)
        # A one-character shift-move far inside a long selection repaints one or two lines.
        view.anchor = None
        view.cursor = 0
        view.anchor = 0
        view.cursor = view.layout_.lines[min(6, len(view.layout_.lines) - 1)].end
        await pilot.pause()
        for y in range(view.size.height):
            view.render_line(y)  # everything painted and cached
        cached_before = dict(view._cache)
        await pilot.press("shift+right")
        await pilot.pause()
        dropped = [
            n
            for n in cached_before
            if n not in view._cache or view._cache[n] is not cached_before[n]
        ]
        assert 1 <= len(dropped) <= 2, dropped
