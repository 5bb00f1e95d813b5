"""Nobody's work goes by a stray key: another coder's coding is changed only after a question
naming them, overlapping codings are chosen from a list, and a memo draft is not thrown away."""

from __future__ import annotations

from pathlib import Path

from coder.tui.app import CoderApp, make_app
from coder.tui.screens.dialogs import Chooser, Confirm, MemoEditor
from coder.tui.screens.main import MainScreen
from coder.tui.widgets.transcript import TranscriptView
from tests.conftest import SIZE, settle


async def _open(app: CoderApp, pilot, source_id: int) -> TranscriptView:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, MainScreen)
    screen.jump_to(source_id, 0, 1)
    await pilot.pause()
    return screen.query_one(TranscriptView)


def _lone_coding(app: CoderApp, coder: str):  # type: ignore[no-untyped-def]
    """A coding of ``coder`` whose span no other coding shares."""
    segs = app.project.segments()
    spans = [(s.source_id, s.start, s.end) for s in segs]
    return next(
        s for s in segs if s.coder == coder and spans.count((s.source_id, s.start, s.end)) == 1
    )


async def test_x_on_a_colleagues_coding_asks_first_naming_coder_and_code(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)  # works as "tester"; the demo's codings are R1's, R2's
    async with app.run_test(size=SIZE) as pilot:
        seg = _lone_coding(app, "R1")
        view = await _open(app, pilot, seg.source_id)
        view.select(seg.start, seg.end)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        question = app.screen.question
        assert "R1" in question and seg.label in question and seg.code in question
        await pilot.press("n")
        await pilot.pause()
        assert [s.id for s in app.project.segments(ids=[seg.id])] == [seg.id]
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.project.segments(ids=[seg.id]) == []
        assert "R1's" in app.project.log(limit=1)[0].summary


async def test_r_and_memo_on_a_colleagues_coding_ask_too(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        seg = _lone_coding(app, "R2")
        view = await _open(app, pilot, seg.source_id)
        view.select(seg.start, seg.end)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "R2" in app.screen.question
        await pilot.press("escape")  # no
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        view.select(seg.start, seg.end - 1)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "R2" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert app.project.coding(seg.id).end == seg.end - 1


async def test_overlapping_codings_are_chosen_from_a_list(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        # a place where several codings overlap (hand-picked by looking at every coding)
        segs = app.project.segments()
        for s in segs:
            over = [t for t in segs if t.source_id == s.source_id and t.start <= s.start < t.end]
            if len(over) >= 2:
                break
        view = await _open(app, pilot, s.source_id)
        view.anchor = None
        view.cursor = s.start
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, Chooser)
        listed = [str(text) for _, text in app.screen.options]
        assert len(listed) == len(over)
        for t in over:
            assert any(
                t.label in line and t.coder in line and f"{t.start}–{t.end}" in line
                for line in listed
            )
        await pilot.press("down", "enter")  # the second one
        await pilot.pause()
        chosen = next(t for t in over if f"{t.start}–{t.end}" in listed[1] and t.label in listed[1])
        assert isinstance(app.screen, Confirm) and chosen.coder in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        left = {t.id for t in app.project.segments(source=s.source_id)}
        assert chosen.id not in left and all(t.id in left for t in over if t is not chosen)


async def test_escape_asks_before_a_memo_draft_is_thrown_away(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        sid = app.project.source_id("S2-01")
        view = await _open(app, pilot, sid)
        view.anchor = None
        view.cursor = 0  # the interviewer's first words: no coding, so a memo on the source
        assert not view.spans_between(0, 0)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)
        await pilot.press(*"条块之间先看会商日", "escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # keep editing: the draft is still there
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)
        assert app.screen.query_one("#memo-text").text == "条块之间先看会商日"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [m.text for m in app.project.memos(target="source", target_id=sid)][-1:] == [
            "条块之间先看会商日"
        ]
        # an unchanged memo closes at once; a changed one, discarded on y, leaves nothing
        before = len(app.project.memos())
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"草稿", "escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and len(app.project.memos()) == before
