"""The workbench's one worker pattern: a failing worker or a refused write is told in one line and
the app runs on; a refused memo keeps what was typed; ProjectChanged refreshes the other screens."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

import coder.analysis.frequencies
import coder.graph.network
from coder.errors import Busy, Forbidden, NotFound
from coder.project import Project
from coder.tui.app import CoderApp, make_app
from coder.tui.screens.codebook import CodebookScreen
from coder.tui.screens.dialogs import MemoEditor, TextPrompt
from coder.tui.screens.main import MainScreen
from coder.tui.screens.network import NetworkScreen
from coder.tui.screens.stats import StatsScreen
from coder.tui.widgets.code_tree import CodeTree
from coder.tui.widgets.textline import TextPane
from coder.tui.widgets.transcript import TranscriptView
from coder.tui.workers import SUMMARY_LENGTH, ProjectChanged, one_line
from tests.conftest import SIZE, settle


def messages(app: CoderApp) -> list[str]:
    return [n.message for n in app._notifications]


def test_one_line_is_a_coder_errors_text_else_a_short_summary() -> None:
    assert one_line(NotFound("no code a99; nothing was changed")) == (
        "no code a99; nothing was changed"
    )
    text = one_line(RuntimeError("first line\n  second line\nthird"))
    assert text == "unexpected error, RuntimeError: first line (details in the log)"
    long = one_line(ValueError("x" * 1000))
    assert "\n" not in long and len(long) < SUMMARY_LENGTH + 60
    assert one_line(KeyError()) == "unexpected error, KeyError (details in the log)"


def test_coded_shares_count_overlapping_characters_once(project: Project) -> None:
    from coder.model import SourceDraft

    source = project.add_source(SourceDraft(name="S1", text="一二三四五六七八九十" * 4))
    code = project.add_code("条块联动")
    # [0, 10) and [5, 15) overlap: 15 characters; [20, 25) adds 5; 20 of 40 by hand
    for start, end in ((0, 10), (5, 15), (20, 25)):
        project.code_span(source.id, start, end, code.id)
    other = project.add_source(SourceDraft(name="S2", text="没有编码"))
    assert project.coded_shares() == {source.id: 0.5, other.id: 0.0}
    project.set_coding_memo(project.segments(source=source.id)[0].id, "先看会商日")
    first = project.segments(source=source.id)[0].id
    assert project.coding_memos(source.id) == {first: "先看会商日"}
    assert project.coding_memos(other.id) == {}


async def _open_stats(app: CoderApp, pilot) -> StatsScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("f6")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, StatsScreen)
    return screen


@pytest.mark.parametrize(
    "error",
    [
        Busy("the project is busy (another process writes); nothing was read"),
        RuntimeError("division by zero in the curve\nat line 3"),
    ],
    ids=["coder-error", "unexpected"],
)
async def test_a_failing_statistics_worker_is_told_and_the_app_runs_on(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def fail(project):  # type: ignore[no-untyped-def]
        raise error

    real = coder.analysis.frequencies.frequencies
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(coder.analysis.frequencies, "frequencies", fail)
        screen = await _open_stats(app, pilot)
        line = one_line(error)
        assert f"statistics: {line}" in messages(app)
        assert "\n" not in line
        assert app.is_running and app.screen is screen
        shown = str(screen.query_one("#stats-freq", Static).render())
        assert shown == f"could not compute the statistics: {line}"
        # the screen still works: with the analysis back, u computes again
        monkeypatch.setattr(coder.analysis.frequencies, "frequencies", real)
        await pilot.press("u")
        await settle(app, pilot)
        assert [f.codings for f in screen.data["freq"]] == [f.codings for f in real(app.project)]


async def test_a_failing_network_worker_is_told_and_the_app_runs_on(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(project, unit="turn"):  # type: ignore[no-untyped-def]
        raise Busy("the server did not answer in 10 s; nothing was read")

    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(coder.graph.network, "concept_network", fail)
        await pilot.press("f4")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, NetworkScreen) and app.is_running
        assert "network: the server did not answer in 10 s; nothing was read" in messages(app)
        summary = screen.query_one("#net-summary", TextPane).shown
        assert (
            summary
            == "could not build the network: the server did not answer in 10 s; nothing was read"
        )
        monkeypatch.undo()
        await pilot.press("u")  # another unit: built this time
        await settle(app, pilot)
        assert screen.graph is not None and screen.ties


async def test_a_refused_memo_save_is_told_and_keeps_the_typed_text(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        sid = app.project.source_id("S2-01")
        screen.jump_to(sid, 0, 1)
        await pilot.pause()
        view = screen.query_one(TranscriptView)
        view.anchor = None
        view.cursor = 0  # no coding here: a memo on the source
        assert not view.spans_between(0, 0)
        before = len(app.project.memos())

        refusal = Forbidden("tester is a reader here: reading only; nothing was changed")

        def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise refusal

        monkeypatch.setattr(app.project, "add_memo", refuse)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)
        await pilot.press(*"条块之间先看会商日", "ctrl+s")
        await pilot.pause()
        assert str(refusal) in messages(app)
        assert app.is_running and len(app.project.memos()) == before
        # the editor is back with what was typed
        assert isinstance(app.screen, MemoEditor)
        assert app.screen.query_one("#memo-text").text == "条块之间先看会商日"
        # the server is back: the same text is saved
        monkeypatch.undo()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.project.memos(target="source", target_id=sid)[-1].text == "条块之间先看会商日"

        # a memo on a code, the project busy: told, and the text kept too
        tree = screen.query_one(CodeTree)
        a25 = app.project.code("a25")
        tree.tree_view.move_cursor(tree._code_nodes[a25.id])
        await pilot.pause()

        def busy(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise Busy("another process holds the project for more than 5 s; nothing was changed")

        monkeypatch.setattr(app.project, "add_memo", busy)
        monkeypatch.setattr(app.project, "update_memo", busy)
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)
        area = app.screen.query_one("#memo-text")
        area.select_all()
        await pilot.press(*"块上属地", "ctrl+s")
        await pilot.pause()
        assert any("holds the project for more than 5 s" in m for m in messages(app))
        assert isinstance(app.screen, MemoEditor)
        assert app.screen.query_one("#memo-text").text == "块上属地"
        assert app.is_running


async def test_project_changed_refreshes_the_screens_below(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        # a change the app did not make (the shell): announced, the main screen shows it
        made = app.project.add_code("会商日机制")
        assert made.id not in main.codes
        app.project_changed.publish(ProjectChanged(app.project.change_token()))
        await pilot.pause()
        assert made.id in main.codes and made.id in main.query_one(CodeTree)._code_nodes
        # a change on the codebook screen: the main screen below refreshes on its message
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        await pilot.press("N")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"条块会商", "enter")
        await settle(app, pilot)
        new = app.project.code("条块会商")
        assert new.id in main.codes and new.id in main.query_one(CodeTree)._code_nodes
        assert app.change_token == app.project.change_token()


async def test_the_screen_that_made_a_change_is_not_reloaded_by_it(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        reloads: list[str] = []
        real = main.reload
        main.reload = lambda: reloads.append("main") or real()  # type: ignore[method-assign]
        token = app.project.change_token()
        app.project_changed.publish(ProjectChanged(token, shown_by=main))
        await pilot.pause()
        assert reloads == []
        app.project_changed.publish(ProjectChanged(token))
        await pilot.pause()
        assert reloads == ["main"]


def test_the_tui_reads_through_the_facade_not_the_store() -> None:
    import coder.tui

    root = Path(coder.tui.__file__).parent
    readers = [p.name for p in root.rglob("*.py") if "coder.store" in p.read_text(encoding="utf-8")]
    assert readers == []


async def test_a_failed_export_is_told_and_the_status_line_says_so(
    demo_copy: Path, tmp_path: Path
) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("E")
        await pilot.pause()
        target = tmp_path / "missing" / "out.md"
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        assert f"export: {target.parent}: no such folder; nothing was written" in messages(app)
        status = app.screen.query_one("#status").shown
        assert "export failed" in status and "exporting" not in status
        assert app.is_running and not target.parent.exists()
