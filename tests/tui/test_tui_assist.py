"""Machine suggestions in the workbench, driven with Pilot: faint margin labels, accept and
reject (each one undo), the detail pane's score and terms, the next passage to code."""

from __future__ import annotations

from pathlib import Path

from coder.project import Project
from coder.tui.app import make_app
from coder.tui.screens.main import MainScreen
from coder.tui.widgets.detail import DetailPane
from coder.tui.widgets.transcript import TranscriptView
from tests.unit.test_assist import coded  # noqa: F401 -- the hand-made project (a pytest fixture)


async def _settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def _grid_sentence(project: Project, source: str) -> tuple[int, int]:
    """An uncoded sentence with 网格员 (the term that always goes with 网格走访)."""
    sid = project.source_id(source)
    text = project.source_text(sid)
    return next(
        (s, e)
        for s, e in project.analysis(sid).sentences
        if "网格员" in text[s:e] or "網格員" in text[s:e]
    )


async def _open(app, pilot, source: str) -> tuple[MainScreen, TranscriptView]:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, MainScreen)
    sid = app.project.source_id(source)
    screen.jump_to(sid, 0, 0)
    await _settle(app, pilot)
    return screen, screen.query_one(TranscriptView)


async def test_suggestions_show_faintly_in_the_margin_and_accept_is_one_undo(
    coded: Project,  # noqa: F811
) -> None:
    path = Path(coded.path)
    coded.close()
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen, view = await _open(app, pilot, "S6")
        assert view.hints == []  # off until asked for
        await pilot.press("S")
        await _settle(app, pilot)
        start, end = _grid_sentence(app.project, "S6")
        hint = view.hint_at(start)
        assert hint is not None and hint.label == app.project.code("网格走访").label
        assert (hint.start, hint.end) == (start, end)
        # Drawn as "a01?" in the faint style, not as a coding's label.
        line = view.layout_.line_of(start)
        strip = view._render_strip(line)
        first = list(strip)[0]
        assert first.text.startswith(f"{hint.label}?") and first.style.italic
        # The detail pane: the score and the terms behind it.
        view.cursor = start + 1
        await pilot.pause()
        shown = str(screen.query_one(DetailPane).render())
        assert f"{hint.score:.2f}" in shown and "because" in shown
        assert hint.because and all(t in shown for t in hint.because)
        # Accept: one coding of provenance "suggested", with the model's version and score.
        before = len(app.project.segments(code="网格走访"))
        await pilot.press("a")
        await _settle(app, pilot)
        segs = app.project.segments(code="网格走访")
        assert len(segs) == before + 1
        new = [s for s in segs if (s.source, s.start, s.end) == ("S6", start, end)]
        assert new
        with app.project.read() as conn:
            from sqlalchemy import select

            from coder.store.schema import codings

            row = conn.execute(
                select(codings.c.origin, codings.c.model, codings.c.score).where(
                    codings.c.id == new[0].id
                )
            ).one()
        assert row.origin == "suggested" and row.model == hint.model
        assert abs(row.score - hint.score) < 1e-9
        assert view.spans_between(start, end)  # shown at once as a coding
        await pilot.press("ctrl+z")
        await _settle(app, pilot)
        assert len(app.project.segments(code="网格走访")) == before


async def test_reject_is_negative_evidence_and_next_selects_a_passage(
    coded: Project,  # noqa: F811
) -> None:
    path = Path(coded.path)
    coded.close()
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen, view = await _open(app, pilot, "S7")
        await pilot.press("S")
        await _settle(app, pilot)
        start, end = _grid_sentence(app.project, "S7")
        view.cursor = start
        await pilot.pause()
        await pilot.press("R")
        await _settle(app, pilot)
        rejected = app.project.rejections()
        assert [(r["start"], r["end"]) for r in rejected] == [(start, end)]
        assert view.hint_at(start) is None or view.hint_at(start).start != start
        await pilot.press("ctrl+z")
        await _settle(app, pilot)
        assert app.project.rejections() == []
        # N: the least certain uncoded passage, opened and selected.
        await pilot.press("N")
        await _settle(app, pilot)
        assert view.selection is not None
        a, b = view.selection
        assert b > a and not view.spans_between(a, b)


async def test_blind_coding_takes_no_suggestions_from_a_colleagues_codings(
    coded: Project,  # noqa: F811
) -> None:
    """R1 coded everything; in the "only mine" view this session's coder has coded nothing, so
    no model of R1's may steer them: the margin stays empty until they code themselves."""
    path = Path(coded.path)
    coded.close()
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen, view = await _open(app, pilot, "S6")
        assert app.project.coder != "R1"
        await pilot.press("S")
        await _settle(app, pilot)
        assert view.hints  # everyone's codings: R1's model suggests
        await pilot.press("O")  # → only mine (blind coding)
        await _settle(app, pilot)
        assert screen.view == "mine" and view.hints == []
