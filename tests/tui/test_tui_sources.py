"""The sources pane of a spreadsheet project (issue 17): the filter, the count, "next uncoded",
and the code tree's right-aligned counts. Every expected answer is counted by hand from SHEET."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from coder.project import Project
from coder.text.sheets import import_sheet
from coder.tui.app import make_app
from coder.tui.screens.main import MainScreen
from coder.tui.widgets.code_tree import CodeTree
from coder.tui.widgets.source_list import SourceLines, SourceList
from coder.tui.widgets.transcript import cells_len

SHEET = """留言编号,留言主题,留言详情,区,留言时间,点赞数
M1,噪音,楼下广场舞噪音太大,A3区,2019-01-05,3
M2,停车,小区停车难,B1区,2019-02-10,12
M3,垃圾,垃圾分类点太远,A3区,2019-03-01,0
M4,供暖,暖气不热,A3区,2019-03-15,40
M5,路灯,路灯坏了,C2区,2019-04-02,7
M6,噪音,工地夜间施工噪音,B1区,2019-04-20,25
"""
#: Codings (source, code, coder): M1, M4, M6 by tester (the app's coder), M2 by R2 only;
#: M3 and M5 by nobody.
CODINGS = [("M1", "噪音扰民", "tester"), ("M6", "噪音扰民", "tester"), ("M4", "供暖不足", "tester")]
CODINGS += [("M2", "停车难", "R2")]


@pytest.fixture
def board(tmp_path: Path) -> Path:
    sheet = tmp_path / "board.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    path = tmp_path / "board.coder"
    p = Project.create(path, title="board")
    import_sheet(
        p,
        sheet,
        text=["留言主题", "留言详情"],
        id="留言编号",
        attributes=["区", "留言时间", "点赞数"],
    )
    p.add_code("城市管理", "axial")
    codes = {n: p.add_code(n, parent="A1").id for n in ("噪音扰民", "供暖不足", "停车难")}
    p.add_codings([(p.source_id(s), codes[c], 0, 2, who) for s, c, who in CODINGS])
    p.close()
    return path


async def ready(app, pilot) -> MainScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)
    return app.screen


async def typed(app, pilot, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    pane = app.screen.query_one(SourceList)
    pane.query_one("#source-filter").value = text
    await pilot.pause()
    return [r.name for r in pane.lines.rows]


def count_line(app) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#source-count").shown


async def test_filter_by_text_attribute_date_range_number_and_coded(board: Path) -> None:
    app = make_app(board, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert count_line(app) == "6 of 6"
        assert await typed(app, pilot, "区=A3区") == ["M1", "M3", "M4"]
        assert count_line(app) == "3 of 6"
        assert await typed(app, pilot, "b1") == ["M2", "M6"]  # an attribute value, any case
        assert await typed(app, pilot, "m5") == ["M5"]  # the name
        assert await typed(app, pilot, "留言时间>=2019-03-01 留言时间<2019-04-01") == ["M3", "M4"]
        assert await typed(app, pilot, "留言时间<=2019-03-15") == ["M1", "M2", "M3", "M4"]
        assert await typed(app, pilot, "点赞数>10") == ["M2", "M4", "M6"]  # 12, 40, 25: numbers
        assert await typed(app, pilot, "点赞数>10 区=A3区") == ["M4"]
        assert await typed(app, pilot, "is:uncoded") == ["M3", "M5"]
        assert await typed(app, pilot, "is:coded 区=B1区") == ["M2", "M6"]
        assert await typed(app, pilot, "点赞数>abc") == ["M1", "M2", "M3", "M4", "M5", "M6"]
        assert "not a number" in count_line(app)
        assert await typed(app, pilot, "nothing") == []
        assert count_line(app) == "0 of 6"
    app.project.close()


async def test_typing_in_the_filter_narrows_the_list_key_by_key(board: Path) -> None:
    app = make_app(board, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+o")
        await pilot.press("a", "3")
        assert [r.name for r in app.screen.query_one(SourceLines).rows] == ["M1", "M3", "M4"]
        await pilot.press("down", "down")  # into the list, then to its second row
        await ready(app, pilot)
        assert app.screen.source_id == app.project.source_id("M3")
    app.project.close()


async def test_next_uncoded_follows_the_filter_and_says_when_none_is_left(board: Path) -> None:
    app = make_app(board, nlp=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await ready(app, pilot)
        name = lambda: screen.source_names[screen.source_id]  # noqa: E731
        assert name() == "M1"
        await pilot.press("u")
        assert name() == "M3"  # M2 is coded by R2: by anyone it is done
        await pilot.press("u")
        assert name() == "M5"
        await pilot.press("u")
        assert name() == "M3"  # round to the top again
        await typed(app, pilot, "区=A3区")
        app.clear_notifications()
        await pilot.press("u")  # M3 open; M1 and M4 coded
        await pilot.pause()
        assert name() == "M3"
        assert [n.message for n in app._notifications][-1].startswith("no uncoded source left")
    app.project.close()


async def test_next_uncoded_in_blind_coding_counts_only_my_codings(board: Path) -> None:
    app = make_app(board, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("O")  # everyone's → only mine
        assert screen.view == "mine"
        await pilot.press("u")
        assert screen.source_names[screen.source_id] == "M2"  # coded by R2 only
    app.project.close()


async def test_next_uncoded_in_a_set_goes_in_the_set_order(board: Path) -> None:
    p = Project.open(board)
    chosen = p.sample(4, seed=3, name="s")
    p.close()
    order = [n for n in ("M1", "M2", "M3", "M4", "M5", "M6")]
    app = make_app(board, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        ids = {app.project.source_id(n): n for n in order}
        members = [ids[i] for i in chosen.sources]
        assert await typed(app, pilot, "set:s") == members
        uncoded = [m for m in members if m in ("M3", "M5")]
        for expected in uncoded:
            await pilot.press("u")
            assert screen.source_names[screen.source_id] == expected
        assert await typed(app, pilot, "set:nope") == order
        assert "no set named 'nope'" in count_line(app)
    app.project.close()


async def test_opening_reads_no_source_text_but_the_open_one(
    board: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[int] = []
    original = Project.source_text
    monkeypatch.setattr(
        Project, "source_text", lambda self, sid: read.append(sid) or original(self, sid)
    )
    monkeypatch.setattr(Project, "sources", lambda self, **kw: pytest.fail("read every source"))
    app = make_app(board, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert set(read) == {app.project.source_id("M1")}
    app.project.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 45)])
async def test_code_tree_counts_stand_right_aligned_by_cell_width(
    board: Path, size: tuple[int, int]
) -> None:
    app = make_app(board, nlp=False)
    async with app.run_test(size=size) as pilot:
        await ready(app, pilot)
        tree = app.screen.query_one(CodeTree).tree_view
        width = tree.scrollable_content_region.width
        lines = [tree._render_line(y, 0, width, tree.rich_style).text for y in range(4)]
        # 城市管理 (no count), then 噪音扰民 2, 供暖不足 1, 停车难 1 — counted from CODINGS.
        counted = {line.split()[-2]: line.split()[-1] for line in lines[1:]}
        assert counted == {"噪音扰民": "2", "供暖不足": "1", "停车难": "1"}
        assert not lines[0].rstrip()[-1].isdigit()
        assert len({cells_len(line.rstrip()) for line in lines[1:]}) == 1, lines
        # The source list is not cut either: each line ends with its share.
        if size[0] < 100:
            await pilot.press("ctrl+o")
            await ready(app, pilot)
        shown = app.screen.query_one(SourceLines)
        prompts = [str(shown.get_option_at_index(i).prompt) for i in range(shown.option_count)]
        assert all(p.rstrip().endswith("%") for p in prompts), prompts
        assert shown.size.width >= max(cells_len(p) for p in prompts)
    app.project.close()


async def test_a_large_project_opens_on_pages_and_filters_once_the_list_is_read(
    board: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From PAGED_FROM sources (here lowered to 3) the pane opens on the pages it shows
    (SourcePages, read with LIMIT from the covering index) while the whole list is read in a
    worker: every source is reachable in import order, the count says the list is being read,
    and what is typed meanwhile filters as soon as the rows are there."""
    from coder.facade.views import SourcePages

    monkeypatch.setattr(MainScreen, "PAGED_FROM", 3)
    monkeypatch.setattr(SourcePages, "PAGE", 2)  # several pages for six sources
    read_later = MainScreen._read_attributes
    monkeypatch.setattr(MainScreen, "_read_attributes", lambda self: None)
    app = make_app(board, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        lines = screen.query_one(SourceLines)
        assert isinstance(lines.rows, SourcePages)
        assert len(lines.rows) == 6
        assert [r.name for r in lines.rows] == ["M1", "M2", "M3", "M4", "M5", "M6"]
        assert count_line(app) == "6 · reading…"
        assert screen.source_names.get(screen.source_id) in (None, "M1")
        assert "M1" in screen.query_one("#status").shown
        lines.focus()
        await pilot.press("end")
        await ready(app, pilot)
        assert screen.source_id == app.project.source_id("M6")
        assert "M6" in screen.query_one("#status").shown
        assert lines.index_of(app.project.source_id("M3")) == 2
        # Typed before the rows are read: nothing is lost, nothing filtered yet.
        screen.query_one(SourceList).query_one("#source-filter").value = "区=A3区"  # type: ignore[attr-defined]
        await pilot.pause()
        assert len(lines.rows) == 6
        read_later(screen)
        await ready(app, pilot)
        assert isinstance(lines.rows, list)
        assert [r.name for r in lines.rows] == ["M1", "M3", "M4"]
        assert count_line(app) == "3 of 6"
        assert gc.get_freeze_count() > 0  # the whole list is kept out of full collections
    app.project.close()
    gc.unfreeze()  # the test process's own objects


def test_source_pages_read_what_is_asked(board: Path) -> None:
    from coder.facade.views import SourcePages

    with Project.open(board) as p:
        every = p.source_rows(("区",))
        pages = SourcePages(p, ("区",))
        pages.PAGE = 4
        assert len(pages) == 6
        assert [r.name for r in pages] == [r.name for r in every]
        assert [r.attributes for r in pages] == [r.attributes for r in every]
        assert pages[-1].name == "M6" and [r.name for r in pages[1:3]] == ["M2", "M3"]
        with pytest.raises(IndexError):
            pages[6]
        assert [p.source_index(r.id) for r in every] == list(range(6))
        assert [r.name for r in p.source_page(2, 3)] == ["M3", "M4", "M5"]
        assert p.source_page(2, 3, ())[0].attributes == {}
        assert p.source_count() == 6


async def test_a_filter_that_keeps_the_scrollbar_updates_it_without_a_layout(board: Path) -> None:
    """A new length that keeps the scrollbar (or keeps it away) is set without a layout of the
    screen; the scrollbar and the end of the list follow the new length all the same."""
    app = make_app(board, nlp=False)
    async with app.run_test(size=(120, 9)) as pilot:
        screen = await ready(app, pilot)
        lines = screen.query_one(SourceLines)
        height = lines.size.height
        assert 2 <= height < 5, height  # six rows, five after the filter: a scrollbar both times
        layouts = []
        original = screen._refresh_layout

        def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
            layouts.append(1)
            return original(*args, **kwargs)

        screen._refresh_layout = counting  # type: ignore[method-assign]
        assert await typed(app, pilot, "区!=C2区") == ["M1", "M2", "M3", "M4", "M6"]
        await ready(app, pilot)
        assert lines.virtual_size.height == 5
        assert lines.vertical_scrollbar.window_virtual_size == 5
        assert not layouts
        lines.focus()
        await pilot.press("end")
        await ready(app, pilot)
        assert lines.highlighted == 4 and lines.scroll_offset.y == 5 - height
        assert lines.render_line(height - 1).text.startswith("M6")
        # Down to two rows: the scrollbar goes, with a layout.
        assert await typed(app, pilot, "区=B1区") == ["M2", "M6"]
        await ready(app, pilot)
        assert lines.virtual_size.height == 2 and not lines.show_vertical_scrollbar
    app.project.close()


async def test_a_long_filter_scrolls_in_its_box(board: Path) -> None:
    """The filter box repaints rather than lays out on each key (FilterInput); a text longer
    than the box still scrolls so that the cursor stays in view."""
    app = make_app(board, nlp=False)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(app, pilot)
        box = screen.query_one("#source-filter")
        box.focus()
        await pilot.pause()
        words = "留言时间>=2019-03-01 留言时间<2019-04-01"
        for ch in words:
            await pilot.press(ch if ch != " " else "space")
        await ready(app, pilot)
        assert box.value == words  # type: ignore[attr-defined]
        assert box.virtual_size.width > box.content_region.width
        assert box.scroll_offset.x > 0
        assert box.cursor_screen_offset.x <= box.content_region.right  # as the stock Input
        assert [r.name for r in screen.query_one(SourceLines).rows] == ["M3", "M4"]
    app.project.close()
