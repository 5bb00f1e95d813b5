"""The main screen, driven with Pilot: selection, coding, memos, search, undo, refresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.project import Project
from coder.tui.app import CoderApp, make_app
from coder.tui.screens.main import MainScreen
from coder.tui.widgets.code_tree import CodeTree
from coder.tui.widgets.transcript import TranscriptView


async def ready(app: CoderApp, pilot) -> TranscriptView:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen.query_one(TranscriptView)


async def select_text(
    app: CoderApp, pilot, source: str, needle: str, nth: int = 0
) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Open ``source`` and select the ``nth`` occurrence of ``needle`` (as a search jump does)."""
    project = app.project
    sid = project.source_id(source)
    text = project.source_text(sid)
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    screen = app.screen
    assert isinstance(screen, MainScreen)
    screen.jump_to(sid, start, start + len(needle))
    await app.workers.wait_for_complete()
    await pilot.pause()
    return start, start + len(needle)


async def test_in_vivo_key_codes_the_selected_words_and_undo_removes_it(demo_copy: Path) -> None:
    """The issue's flow: select 条块联动 in a demo transcript, press the in-vivo key."""
    app = make_app(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await ready(app, pilot)
        start, end = await select_text(app, pilot, "S2-01", "条块联动")
        assert view.selection == (start, end)
        before = {s.id for s in app.project.segments(code="条块联动")}
        await pilot.press("v")
        await pilot.pause()
        after = app.project.segments(code="条块联动")
        new = [s for s in after if s.id not in before]
        assert [(s.source, s.start, s.end, s.coder, s.text) for s in new] == [
            ("S2-01", start, end, "tester", "条块联动")
        ]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert {s.id for s in app.project.segments(code="条块联动")} == before
        await pilot.press("ctrl+y")
        await pilot.pause()
    # Reopening the file shows the state: the coding is there (redone).
    with Project.open(demo_copy) as p:
        assert any(s.start == start and s.coder == "tester" for s in p.segments(code="条块联动"))


async def test_in_vivo_makes_a_new_code_in_one_undoable_step(demo_copy: Path) -> None:
    app = make_app(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        start, end = await select_text(app, pilot, "S1-03", "小马拉大车")
        await pilot.press("v")
        await pilot.pause()
        code = app.project.code("小马拉大车")
        assert code.in_vivo and code.level == "open"
        assert [(s.start, s.end) for s in app.project.segments(code=code.id)] == [(start, end)]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert all(c.name != "小马拉大车" for c in app.project.codes())


async def test_keyboard_selection_snaps_to_words(demo_copy: Path) -> None:
    app = make_app(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await ready(app, pilot)
        assert view.analysis is not None
        await select_text(app, pilot, "S2-01", "条块联动")
        start = view.selection[0] if view.selection else 0
        view.anchor = None
        view.cursor = start + 1  # inside the word
        await pilot.press("shift+right")
        sel = view.selection
        assert sel is not None
        cuts = {b for w in view.analysis.words for b in w}
        assert sel[0] in cuts and sel[1] in cuts
        assert view.text[sel[0] : sel[1]] == "条块联动"  # the whole word, not one character
        await pilot.press("C")  # characters
        assert view.selection == (start + 1, start + 2)
        status = app.screen.query_one("#status").shown
        assert "selected 1 char " in status  # not "1 chars"


async def test_sentence_turn_grow_and_shrink(demo_copy: Path) -> None:
    app = make_app(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await ready(app, pilot)
        start, _ = await select_text(app, pilot, "S2-01", "小马拉大车")
        view.anchor = None
        view.cursor = start
        await pilot.press("s")
        sentence = view.analysis.sentence_at(start)
        assert view.selection == sentence and view.text[sentence[1] - 1] in "。！？；…”"
        await pilot.press("t")
        turn = next(t for t in app.project.turns("S2-01") if t.start <= start < t.end)
        assert view.selection == (turn.start, turn.end)
        view.anchor = None
        view.cursor = start
        await pilot.press("plus", "plus")
        grown = view.selection
        await pilot.press("minus")
        assert grown and view.selection and view.selection[1] < grown[1]


async def test_apply_pick_new_recent_resize_uncode_and_memo(demo_copy: Path) -> None:
    app = make_app(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await ready(app, pilot)
        p = app.project
        start, end = await select_text(app, pilot, "S4-01", "会商日")
        # apply by picker: c, type a label, enter
        await pilot.press("c")
        await pilot.press(*"a09", "enter")
        await pilot.pause()
        assert any((s.start, s.end) == (start, end) for s in p.segments(code="a09", coder="tester"))
        # the highlighted code with enter
        tree = app.screen.query_one(CodeTree)
        target = next(n for n in _walk(tree.tree_view.root) if n.data == p.code_id("a10"))
        tree.tree_view.move_cursor(target)
        view.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert any((s.start, s.end) == (start, end) for s in p.segments(code="a10", coder="tester"))
        # codes on the number keys, in the order they were first used: 1 is a09, 2 a10
        start2, end2 = await select_text(app, pilot, "S4-01", "会商日", nth=1)
        await pilot.press("1")
        await pilot.pause()
        assert any(
            (s.start, s.end) == (start2, end2) for s in p.segments(code="a09", coder="tester")
        )
        # new code from the selection, under the highlighted axial category
        target = next(n for n in _walk(tree.tree_view.root) if n.data == p.code_id("A3"))
        tree.tree_view.move_cursor(target)
        view.focus()
        await pilot.press("n")
        await pilot.press(*"会商日程", "enter")
        await pilot.pause()
        made = p.code("会商日程")
        assert made.parents == (p.code_id("A3"),) and len(p.segments(code=made.id)) == 1
        # memo on a coding under the selection: two match it (a09 and the new code), so a list
        # asks which, the newest first
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "Chooser"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"典型", "ctrl+s")
        await pilot.pause()
        memos = [s.memo for s in p.segments(code=made.id)]
        assert memos == ["典型"]
        # resize it to a longer selection, then remove it
        view.select(start2, end2 + 2)
        wanted = view.selection  # snapped to whole words
        assert wanted is not None and wanted[1] >= end2 + 2
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "Chooser"  # two codings there: the newest first
        await pilot.press("enter")
        await pilot.pause()
        assert [(s.start, s.end) for s in p.segments(code=made.id)] == [wanted]
        view.select(start2, end2 + 2)
        await pilot.press("x")  # the coding that matches the selection exactly: no question
        await pilot.pause()
        assert p.segments(code=made.id) == []


def _walk(node):  # type: ignore[no-untyped-def]
    yield node
    for child in node.children:
        yield from _walk(child)


async def test_search_jumps_to_a_hit(demo_copy: Path) -> None:
    app = make_app(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await ready(app, pilot)
        await pilot.press("slash")
        await pilot.press(*"一网统管", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        sel = view.selection
        assert sel and view.text[sel[0] : sel[1]] == "一网统管"
        assert app.project.source(view.source_id).name == "S5-01"


async def test_changes_from_the_shell_show_on_refresh(demo_copy: Path) -> None:
    app = make_app(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await ready(app, pilot)
        sid = view.source_id
        before = len(view.spans)
        with Project.open(demo_copy, coder="colleague") as other:
            other.code_span(sid, 0, 5, "a05")
        await pilot.press("f5")
        await pilot.pause()
        assert len(view.spans) == before + 1
        assert any(s.coder == "colleague" for s in view.spans)


async def test_opening_reads_the_first_source_once(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first source is read and laid out once when the workbench opens (it was shown twice:
    once on filling the sources pane and again by reload), and again on F5 (it may have
    changed)."""
    shown: list[int] = []
    original = MainScreen._show_source

    def counting(self: MainScreen, source_id: int) -> None:
        shown.append(source_id)
        original(self, source_id)

    monkeypatch.setattr(MainScreen, "_show_source", counting)
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await ready(app, pilot)
        assert shown == [view.source_id]
        await pilot.press("f5")
        await pilot.pause()
        assert shown == [view.source_id, view.source_id]


async def test_help_lists_the_bindings(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        from coder.tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        described = {desc: keys for keys, desc, _ in app.screen.rows}
        for words in (
            "In vivo",
            "Apply code",
            "Undo",
            "Redo",
            "Sentence",
            "Search",
            "Codebook",
            "Quit",
            "Help",
        ):
            assert words in described
        assert described["In vivo"] == "v" and described["Undo"] == "^z"
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"


# -- snapshots -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_main_screen_snapshot(snap_compare, demo_copy: Path, size: tuple[int, int]) -> None:
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        app = pilot.app
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        sid = app.project.source_id("S2-01")
        text = app.project.source_text(sid)
        i = text.index("看得见的管不着")
        screen.jump_to(sid, i, i + 7)
        await pilot.pause()

    assert snap_compare(make_app(demo_copy, nlp=False), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_help_screen_snapshot(snap_compare, demo_copy: Path, size: tuple[int, int]) -> None:
    assert snap_compare(
        make_app(demo_copy, nlp=False), terminal_size=size, press=["_", "question_mark", "_"]
    )


async def test_sources_show_the_share_of_text_coded(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        screen = app.screen
        p = app.project
        sid = p.source_id("S2-01")
        covered: set[int] = set()
        for s in p.segments(source=sid):
            covered.update(range(s.start, s.end))
        expected = len(covered) / p.source(sid).chars
        assert screen._shares[sid] == pytest.approx(expected)
        listing = screen.query_one("#sources")
        prompt = str(listing.get_option(str(sid)).prompt)
        assert prompt.startswith("S2-01") and prompt.endswith(f"{expected:.0%}")


async def test_blind_coding_shows_only_my_codings(demo_copy: Path) -> None:
    app = make_app(demo_copy, coder="R2", nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await ready(app, pilot)
        sid = app.project.source_id("S2-01")
        app.screen.jump_to(sid, 0, 1)
        await pilot.pause()
        everyone = {s.coder for s in view.spans}
        assert everyone == {"R1", "R2"}
        await pilot.press("O")
        assert {s.coder for s in view.spans} == {"R2"}
        assert len(view.spans) == len(app.project.segments(source=sid, coder="R2"))
        await pilot.press("O")  # by coder: everyone's, one colour per coder
        colours = {s.coder: s.colour for s in view.spans}
        assert len(set(colours.values())) == 2 and len(view.spans) == len(
            app.project.segments(source=sid)
        )
        await pilot.press("O")
        assert len({s.colour for s in view.spans}) > 2  # back to colours by code


async def test_export_dialog_writes_in_a_worker(demo_copy: Path, tmp_path: Path) -> None:
    import docx

    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("E")
        await pilot.pause()
        target = tmp_path / "paper.docx"
        prompt = app.screen.query_one("Input")
        prompt.value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert target.exists()
    assert any(t.rows[0].cells[0].text == "编号" for t in docx.Document(str(target)).tables)


async def test_ctrl_c_copies_the_selected_passage(demo_copy: Path) -> None:
    app = make_app(demo_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await select_text(app, pilot, "S2-01", "条块联动")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.clipboard == "条块联动"
        assert app.is_running  # ctrl+c copies; it does not ask to quit
