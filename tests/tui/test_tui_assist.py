"""Machine suggestions in the workbench, driven with Pilot: faint margin labels, accept and
reject (each one undo), the detail pane's score and terms, the next passage to code."""

from __future__ import annotations

import contextlib
import dataclasses
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
    view = screen.query_one(TranscriptView)
    view.anchor = None  # nothing selected: the tests below move the cursor itself
    await _settle(app, pilot)
    return screen, view


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


def _two_suggestions_side_by_side(project: Project) -> str:
    """A source where a grid sentence ends just where a money sentence starts: with the first
    selected, the cursor (at its end) is also the start of the second."""
    from coder.model import SourceDraft

    text = "王主任：网格员每天都来走访，问问大家的情况。街道的经费一直不够，预算很紧张。今天天气还可以。\n"
    project.add_sources([SourceDraft(name="S9", text=text * 2)])
    return "S9"


@contextlib.asynccontextmanager
async def _suggesting(project: Project, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    """The workbench on the two-suggestion source (:func:`_two_suggestions_side_by_side`) with
    suggestions on: ``(app, pilot, screen, view)``."""
    source = _two_suggestions_side_by_side(project)
    path = Path(project.path)
    project.close()
    app = make_app(path)
    async with app.run_test(size=size) as pilot:
        await _settle(app, pilot)
        screen, view = await _open(app, pilot, source)
        await pilot.press("S")
        await _settle(app, pilot)
        yield app, pilot, screen, view


async def test_r_right_after_a_leaves_the_next_suggestion_alone_while_the_model_retrains(
    coded: Project,  # noqa: F811
    monkeypatch,
) -> None:
    """Seen in the demo: R pressed just after a (the model retraining in the background) said
    "no suggestion at the cursor"; where the next sentence had one, R rejected that one, which
    nobody had selected. Now R there says the suggestion was judged already, and ] then R
    rejects the suggestion still shown while the retraining goes on."""
    import threading

    from coder.assist import service

    source = _two_suggestions_side_by_side(coded)
    path = Path(coded.path)
    coded.close()
    training = threading.Event()
    training.set()
    real = service.model_for

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        training.wait(60)  # the retraining after a coding, held until the test lets it go
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "model_for", held)
    said: list[str] = []
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(app, pilot)
        screen, view = await _open(app, pilot, source)
        notify = screen.notify
        monkeypatch.setattr(
            screen, "notify", lambda message, **kw: (said.append(message), notify(message, **kw))
        )
        await pilot.press("S")
        await _settle(app, pilot)
        hints = sorted(view.hints, key=lambda h: h.start)
        grid, money = hints[0], hints[1]
        assert grid.label == app.project.code("网格走访").label
        assert money.label == app.project.code("经费不足").label and money.start == grid.end
        await pilot.press("right_square_bracket")
        assert view.selection == (grid.start, grid.end) and view.cursor == money.start
        training.clear()
        await pilot.press("a")
        await pilot.pause()
        assert any(w.group == "suggest" and not w.is_finished for w in app.workers)
        await pilot.press("R")
        await pilot.pause()
        assert app.project.rejections() == []  # the money suggestion was not pointed at
        assert said[-1].startswith("this suggestion is judged already")
        assert money in view.hints
        # ] selects the next suggestion still shown; R rejects it, the model still retraining.
        await pilot.press("right_square_bracket")
        assert view.selection == (money.start, money.end)
        await pilot.press("R")
        await pilot.pause()
        assert [(r["start"], r["end"]) for r in app.project.rejections()] == [
            (money.start, money.end)
        ]
        training.set()
        await _settle(app, pilot)
        # Nothing selected and nothing at the cursor while the margin is refreshed: it says so.
        training.clear()
        view.anchor, view.cursor = None, view.text.index("天气")  # plain talk: no suggestion
        screen._suggest()
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        assert said[-1].startswith("the suggestions are being refreshed")
        training.set()
        await _settle(app, pilot)


async def test_the_status_follows_a_selected_suggestion_the_retrained_model_drops(
    coded: Project,  # noqa: F811
) -> None:
    """] names a suggestion in the status line; when the retrained model's margin no longer has
    it, the line says so, and R does not act on what is no longer shown."""
    from coder.tui.widgets.textline import TextPane

    async with _suggesting(coded, (100, 30)) as (app, pilot, screen, view):
        hints = sorted(view.hints, key=lambda h: h.start)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        status = screen.query_one("#status", TextPane)
        assert f"suggestion 1/{len(hints)}: {hints[0].label}?" in status.shown
        # The refreshed margin, as the worker hands it over, without the selected one.
        screen._show_hints((screen.source_id, hints[1:], ""))
        await pilot.pause()
        assert "refreshed: none here now" in status.shown
        await pilot.press("R")
        await pilot.pause()
        assert app.project.rejections() == []
        # ... and back at another score: the line names it as it is now, and R rejects it.
        moved = dataclasses.replace(hints[0], score=0.5)
        screen._show_hints((screen.source_id, [moved, *hints[1:]], ""))
        await pilot.pause()
        assert f"suggestion 1/{len(hints)}: {hints[0].label}? 0.50" in status.shown
        await pilot.press("R")
        await pilot.pause()
        assert [(r["start"], r["end"]) for r in app.project.rejections()] == [
            (hints[0].start, hints[0].end)
        ]


async def test_accepting_a_selected_suggestion_says_so_at_80_columns(
    coded: Project,  # noqa: F811
) -> None:
    """Tried in tmux at 80×24: ] then a made the coding, but the status line said "the
    suggestions were refreshed: none here now" (the refresh after the coding took the accepted
    one away) and, at 80 columns, the message stood past the edge. Now the message comes
    right after the position, stays through the refresh, and the line ends in "…" if cut."""
    from coder.tui.widgets.textline import TextPane

    async with _suggesting(coded, (80, 24)) as (app, pilot, screen, view):
        first = sorted(view.hints, key=lambda h: h.start)[0]
        await pilot.press("right_square_bracket")
        await _settle(app, pilot)
        status = screen.query_one("#status", TextPane)
        await pilot.press("a")
        await _settle(app, pilot)  # the margin is refreshed from the retrained model
        said = f"accepted {first.label} ({first.score:.2f})"
        assert said in status.shown and "refreshed" not in status.shown
        assert status.shown.split(" · ")[2] == said  # after the source and the position
        line = "".join(segment.text for segment in status.render_line(0))
        assert said in line
        assert line.rstrip().endswith("…") == (len(status.shown) > status.content_region.width)
        # R on the next one: the same, in its own words.
        await pilot.press("right_square_bracket")
        await _settle(app, pilot)
        await pilot.press("R")
        await _settle(app, pilot)
        assert " · rejected " in status.shown and "refreshed" not in status.shown


async def test_a_suggestion_shows_beside_the_codings_on_its_line(
    coded: Project,  # noqa: F811
) -> None:
    """Tried in tmux: a suggested passage starting on a line that also holds a coding got no
    "a17?" at all (the margin showed the codings' labels only), so ] selected a passage the
    margin did not mark. Now the margin holds both, the suggestion faint after the labels; two
    suggestions of one code on a line are named once."""
    other = coded.code_id("网格走访")
    coded.add_codings([(coded.source_id("S6"), other, 0, 6, "R1")])
    path = Path(coded.path)
    coded.close()
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen, view = await _open(app, pilot, "S6")
        await pilot.press("S")
        await _settle(app, pilot)
        hint = view.hints[0]
        span = view.spans[0]
        line = view.layout_.line_of(span.start + 1)
        shown = view.layout_.lines[line]
        labels = {s.label for s in view.spans_between(shown.start, shown.end)}
        assert labels == {span.label}, labels
        here = dataclasses.replace(hint, start=span.start, end=span.end)
        twice = dataclasses.replace(hint, start=span.start + 1, end=span.end)
        view.set_hints([here, twice])
        pieces = list(view._render_strip(line))
        assert pieces[0].text == f"{span.label} " and not pieces[0].style.italic
        assert pieces[1].text.strip() == f"{hint.label}?" and pieces[1].style.italic
        assert sum(len(p.text) for p in pieces[:2]) == 11  # the margin's width and its space
