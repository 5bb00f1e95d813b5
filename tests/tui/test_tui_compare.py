"""The constant comparison screen (持续比较): segments of one code or two, jumps, memos, filter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import TextArea, Tree

from coder.tui.app import CoderApp, make_app
from coder.tui.screens.compare import CompareScreen, passage_lines
from coder.tui.screens.dialogs import CodePicker
from coder.tui.screens.main import MainScreen
from coder.tui.widgets.code_tree import CodeTree
from coder.tui.widgets.transcript import TranscriptView
from tests.conftest import run, settle


async def open_compare(app: CoderApp, pilot: Pilot, label: str) -> CompareScreen:
    await app.push_screen(CompareScreen(app.project.code_id(label)))
    await settle(app, pilot)
    assert isinstance(app.screen, CompareScreen)
    return app.screen


async def type_text(pilot: Pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


def heading(screen: CompareScreen, column: int) -> str:
    return str(screen.columns[column].query_one(".compare-head").render())


def test_f3_lists_every_segment_of_the_highlighted_code(demo_copy: Path) -> None:
    async def scenario(app: CoderApp, pilot: Pilot) -> None:
        project = app.project
        cid = project.code_id("a25")
        tree: Tree[int] = app.screen.query_one(CodeTree).tree_view
        tree.focus()
        stack = [tree.root]
        while stack:
            node = stack.pop()
            if node.data == cid:
                tree.move_cursor(node)
                break
            stack.extend(node.children)
        await pilot.pause()
        await pilot.press("f3")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        expected = project.segments(code=cid)
        listing = screen.columns[0].segment_list
        assert len(expected) == 9  # a25 条块联动 in the gold coding: 8 by R1, 1 by R2
        assert listing.segments == expected
        assert listing.option_count == len(expected)
        assert [listing.get_option_at_index(i).id for i in range(len(expected))] == [
            str(s.id) for s in expected
        ]
        sources = len({s.source_id for s in expected})
        assert heading(screen, 0) == f"a25 条块联动\nopen 初始概念 · 9 segments · {sources} sources"
        assert listing.has_focus and listing.highlighted == 0
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)

    run(demo_copy, scenario)


def test_without_a_code_a_picker_opens_and_escape_returns(demo_copy: Path) -> None:
    async def scenario(app: CoderApp, pilot: Pilot) -> None:
        await app.push_screen(CompareScreen())
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

        await app.push_screen(CompareScreen())
        await pilot.pause()
        await type_text(pilot, "a26")
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        expected = app.project.segments(code="a26")
        assert screen.columns[0].segment_list.segments == expected

    run(demo_copy, scenario)


def test_two_codes_side_by_side_and_tab_switches(demo_copy: Path) -> None:
    async def scenario(app: CoderApp, pilot: Pilot) -> None:
        screen = await open_compare(app, pilot, "a25")
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        await type_text(pilot, "a26")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        left, right = screen.columns
        a25, a26 = app.project.segments(code="a25"), app.project.segments(code="a26")
        assert left.segment_list.segments == a25
        assert right.segment_list.segments == a26
        assert right.display and right.segment_list.option_count == len(a26) == 4
        assert f"{len(a25)} segments" in heading(screen, 0)
        assert heading(screen, 1).startswith(
            f"a26 职能部门下沉现场\nopen 初始概念 · {len(a26)} segments"
        )
        # Both lists are on screen at once, side by side.
        assert left.region.y == right.region.y and left.region.right <= right.region.x
        assert right.segment_list.has_focus  # the new code's column
        await pilot.press("tab")
        assert left.segment_list.has_focus
        await pilot.press("tab")
        assert right.segment_list.has_focus
        await pilot.press("B")
        await settle(app, pilot)
        assert len(screen.columns) == 1 and not screen.query_one("#compare-b").display

    run(demo_copy, scenario)


def test_enter_shows_the_segment_in_its_transcript(demo_copy: Path) -> None:
    async def scenario(app: CoderApp, pilot: Pilot) -> None:
        screen = await open_compare(app, pilot, "a25")
        segments = app.project.segments(code="a25")
        target = segments[2]  # S2-01, not the source the main screen opened with
        assert target.source_id != app.project.sources()[0].id
        await pilot.press("down", "down")
        assert screen.columns[0].segment_list.current == target
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        view = app.screen.query_one(TranscriptView)
        assert view.source_id == target.source_id
        assert view.selection == (target.start, target.end)
        assert view.text[target.start : target.end] == target.text

    run(demo_copy, scenario)


def test_comparison_memo_is_stored_and_listed(demo_copy: Path) -> None:
    async def scenario(app: CoderApp, pilot: Pilot) -> None:
        screen = await open_compare(app, pilot, "a25")
        await pilot.press("b")
        await pilot.pause()
        await type_text(pilot, "a26")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.project.memos(type="comparison") == []
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one(TextArea).insert("联动是共同处置，下沉只是到场察看")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.focused is screen.columns[1].segment_list  # still in the column it was in
        [memo] = app.project.memos(type="comparison")
        assert memo.target_type == "code"
        assert memo.target_id == app.project.code_id("a25")
        assert memo.title == "a25 vs a26"
        assert memo.text == "联动是共同处置，下沉只是到场察看"
        assert memo.coder == "tester"
        listed = str(screen.query_one("#compare-memos").render())
        assert "a25 vs a26" in listed and "联动是共同处置" in listed
        assert "(1)" in str(screen.query_one("#compare-memo-title").render())

    run(demo_copy, scenario)


def test_f_cycles_the_coder_filter(demo_copy: Path) -> None:
    async def scenario(app: CoderApp, pilot: Pilot) -> None:
        screen = await open_compare(app, pilot, "a25")
        listing = screen.columns[0].segment_list
        every = app.project.segments(code="a25")
        assert listing.segments == every
        for coder in ("R1", "R2"):
            await pilot.press("f")
            await pilot.pause()
            assert screen.coder_filter == coder
            assert listing.segments == app.project.segments(code="a25", coder=coder)
            assert f"of {len(every)} by {coder}" in heading(screen, 0)
        assert len(listing.segments) == 1  # the one R2 coding of a25
        await pilot.press("f")
        await pilot.pause()
        assert screen.coder_filter is None and listing.segments == every

    run(demo_copy, scenario)


def test_a_code_deleted_meanwhile_is_reported_not_crashed(demo_copy: Path) -> None:
    async def scenario(app: CoderApp, pilot: Pilot) -> None:
        screen = await open_compare(app, pilot, "a25")
        app.project.delete_code("a25")  # e.g. from the shell, or undo of its creation
        app.data_changed()
        await settle(app, pilot)
        assert app.screen is screen and app.is_running
        assert heading(screen, 0).startswith("could not load the segments: no code")
        app.project.undo()
        app.data_changed()
        await settle(app, pilot)
        assert screen.columns[0].segment_list.segments == app.project.segments(code="a25")

    run(demo_copy, scenario)


def test_passages_wrap_whole_by_cells_without_punctuation_starting_a_line() -> None:
    text = "条上的专业力量和块上的属地力量拧成一股绳，当场就分工，谁修路面、谁查管线。\n第二段"
    for width in (8, 10, 12, 20, 31):
        lines = passage_lines(text, width)
        assert "".join(lines) == text.replace("\n", "")  # the full passage, nothing cut
        assert lines[-1] == "第二段"  # a paragraph starts a line
        for line in lines:
            assert cell_len(line) <= width
            assert line[0] not in "，。、；：！？"
    assert passage_lines("一二三，四", 6) == ["一二", "三，四"]


# -- snapshots -------------------------------------------------------------------------------------


def _show_a25(app: CoderApp) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        await open_compare(app, pilot, "a25")

    return run_before


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_snapshot_one_code(demo_copy: Path, snap_compare, size: tuple[int, int]) -> None:
    app = make_app(demo_copy, nlp=False)
    try:
        assert snap_compare(app, terminal_size=size, run_before=_show_a25(app))
    finally:
        app.project.close()
