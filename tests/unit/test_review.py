"""Disagreement review (分歧讨论): the planted disagreements of the demo, resolutions as one
undoable event each, the report, the review screen and the ``review`` command."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from coder.analysis.agreement import agreement
from coder.analysis.review import (
    Disagreement,
    busiest_pair,
    disagreements,
    report,
    resolutions,
    resolve,
)
from coder.errors import InvalidInput
from coder.project import Project
from coder.tui.app import CoderApp
from coder.tui.screens.dialogs import MemoEditor
from coder.tui.screens.main import MainScreen
from coder.tui.screens.review import ReviewScreen
from coder.tui.widgets.transcript import TranscriptView
from tests.conftest import run, settle, snapshot

FIXTURES = Path(__file__).resolve().parents[2] / "corpus" / "fixtures"
#: The sources both demo coders coded (expected.json's agreement scope).
SCOPE = ("S2-01", "S3-02")
PAIR = ("R1", "R2")


def planted() -> set[tuple[str, int, int, frozenset[str], frozenset[str]]]:
    """The spans where R1's and R2's code sets differ, read straight from the fixture files."""
    sets: dict[str, dict[tuple[str, int, int], set[str]]] = {}
    for coder, name in (("R1", "gold_coder1.jsonl"), ("R2", "coder2.jsonl")):
        by_span: dict[tuple[str, int, int], set[str]] = defaultdict(set)
        for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                if r["transcript"] in SCOPE:
                    by_span[(r["transcript"], r["start"], r["end"])].add(r["code"])
        sets[coder] = by_span
    spans = set(sets["R1"]) | set(sets["R2"])
    return {
        (*span, frozenset(sets["R1"].get(span, ())), frozenset(sets["R2"].get(span, ())))
        for span in spans
        if sets["R1"].get(span, set()) != sets["R2"].get(span, set())
    }


def as_tuple(d: Disagreement) -> tuple[str, int, int, frozenset[str], frozenset[str]]:
    return (
        d.source,
        d.start,
        d.end,
        frozenset(c.label for c in d.a),
        frozenset(c.label for c in d.b),
    )


def at(found: list[Disagreement], source: str, start: int) -> Disagreement:
    return next(d for d in found if d.source == source and d.start == start)


def consensus_labels(project: Project, d: Disagreement) -> set[str]:
    return {
        s.label
        for s in project.segments(source=d.source_id, coder="consensus")
        if (s.start, s.end) == (d.start, d.end)
    }


# -- the domain -----------------------------------------------------------------------------------


def test_disagreements_are_exactly_the_planted_ones(demo):
    found = disagreements(demo, PAIR)
    expected = planted()
    # Swapped labels, one miss each way, one extra: seven units of the 45 (percent 0.844).
    assert len(expected) == 7
    assert {as_tuple(d) for d in found} == expected
    assert [d.key for d in found] == sorted(d.key for d in found)  # both sources, in order
    for d in found:
        assert d.text == demo.source_text(d.source)[d.start : d.end]
        assert d.coders == PAIR and not d.resolved
    assert {as_tuple(d) for d in disagreements(demo, PAIR, sources=["S3-02"])} == {
        t for t in expected if t[0] == "S3-02"
    }


def test_each_choice_writes_the_consensus_codings_and_a_memo(demo):
    r1, r2 = demo.segments(coder="R1"), demo.segments(coder="R2")
    found = disagreements(demo, PAIR)
    cases = {
        "a": at(found, "S2-01", 828),  # a10 vs a20
        "b": at(found, "S2-01", 2966),  # a24 vs a22
        "both": at(found, "S3-02", 2065),  # a28 vs a09
        "neither": at(found, "S2-01", 3479),  # a31 vs nothing
    }
    expected = {"a": {"a10"}, "b": {"a22"}, "both": {"a28", "a09"}, "neither": set()}
    for choice, d in cases.items():
        res = resolve(demo, d, choice, f"why {choice}")
        assert res.decision == choice and res.key == d.key
        assert consensus_labels(demo, d) == expected[choice]

    memos = {
        m.title: m for m in demo.memos(type="methodological") if m.title.startswith("resolution")
    }
    assert {title: m.text for title, m in memos.items()} == {
        "resolution S2-01 [828,852) R1/R2: accept R1": "why a",
        "resolution S2-01 [2966,3020) R1/R2: accept R2": "why b",
        "resolution S3-02 [2065,2104) R1/R2: accept both": "why both",
        "resolution S2-01 [3479,3513) R1/R2: accept neither": "why neither",
    }
    for m in memos.values():
        assert m.target_type == "source" and m.coder == "tester"
        assert m.target_id == demo.source_id(m.title.split()[1])

    # The coders' own codings, and so the reliability figures, are untouched.
    assert demo.segments(coder="R1") == r1 and demo.segments(coder="R2") == r2
    figures = agreement(demo, list(PAIR))
    assert (figures.pairs[0].m, figures.pairs[0].n1, figures.pairs[0].n2) == (38, 44, 43)

    marked = {d.key: d.resolution for d in disagreements(demo, PAIR)}
    assert len(marked) == 7
    assert {k: r.decision for k, r in marked.items() if r is not None} == {
        d.key: c for c, d in cases.items()
    }
    assert [r.decision for r in resolutions(demo, ("R2", "R1"))] == ["b", "a", "neither", "both"]

    rows = report(demo, PAIR)
    assert [(r["unit"], r["decision"]) for r in rows] == [
        ("S2-01 [828,852)", "accept R1"),
        ("S2-01 [2966,3020)", "accept R2"),
        ("S2-01 [3479,3513)", "accept neither"),
        ("S3-02 [2065,2104)", "accept both"),
    ]
    first = rows[0]
    assert first["A"].startswith("a10 ") and first["B"].startswith("a20 ")
    assert first["consensus"] == first["A"] and rows[2]["consensus"] == "—"
    assert first["text"] == cases["a"].text and first["memo"] == "why a"
    assert first["who"] == "tester" and first["when"][:2] == "20"


def test_undo_removes_exactly_the_resolution(demo):
    d = disagreements(demo, PAIR)[0]
    before = snapshot(demo.path)
    resolve(demo, d, "both", "二者兼收")
    after = snapshot(demo.path)
    assert after != before
    event = demo.log(limit=1)[0]
    assert event.action == "resolve" and "accept both" in event.summary
    demo.undo()
    assert snapshot(demo.path) == before
    assert resolutions(demo, PAIR) == [] and report(demo, PAIR) == []
    demo.redo()
    assert snapshot(demo.path) == after


def test_resolving_again_replaces_the_earlier_resolution(demo):
    d = at(disagreements(demo, PAIR), "S3-02", 2206)  # a28 vs a09
    resolve(demo, d, "a", "first thought")
    first = snapshot(demo.path)
    kept = next(s for s in demo.segments(coder="consensus") if s.label == "a28")
    resolve(demo, d, "both", "on reflection")
    assert consensus_labels(demo, d) == {"a28", "a09"}
    # The consensus coding that stays is the same row.
    assert kept in demo.segments(coder="consensus")
    [res] = resolutions(demo, PAIR)
    assert (res.decision, res.memo) == ("both", "on reflection")
    assert len([m for m in demo.memos() if m.title.startswith("resolution")]) == 1
    demo.undo()
    assert snapshot(demo.path) == first


def test_refusals_change_nothing(demo):
    d = disagreements(demo, PAIR)[0]
    before = snapshot(demo.path)
    with pytest.raises(InvalidInput, match="not one of"):
        resolve(demo, d, "maybe", "")
    with pytest.raises(InvalidInput, match="consensus coder"):
        resolve(demo, d, "a", "", consensus="R1")
    with pytest.raises(InvalidInput, match="two different coders"):
        disagreements(demo, ("R1", "R1"))
    demo.code_span(d.source_id, d.start, d.end, "a20", coder="R1")
    demo.code_span(d.source_id, d.start, d.end, "a10", coder="R2")
    with pytest.raises(InvalidInput, match="agree"):
        resolve(demo, d, "a", "")
    demo.undo()
    demo.undo()
    assert snapshot(demo.path) == before
    assert busiest_pair(demo) == PAIR


# -- the screen -----------------------------------------------------------------------------------


async def open_review(app: CoderApp, pilot: Pilot, coders=PAIR) -> ReviewScreen:  # type: ignore[no-untyped-def]
    await app.push_screen(ReviewScreen(coders))
    await settle(app, pilot)
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


def test_accept_a_with_a_memo_resolves_and_moves_on(demo_copy: Path) -> None:
    async def scenario(app: CoderApp, pilot: Pilot) -> None:
        screen = await open_review(app, pilot)
        found = disagreements(app.project, PAIR)
        assert [d.key for d in screen.shown] == [d.key for d in found]
        assert screen.table.row_count == 7 and screen.table.cursor_row == 0
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)
        app.screen.query_one(TextArea).insert("a10 fits: 当场审、当场商")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        [res] = resolutions(app.project, PAIR)
        assert (res.key, res.decision, res.memo) == (found[0].key, "a", "a10 fits: 当场审、当场商")
        assert consensus_labels(app.project, found[0]) == {"a10"}
        assert screen.shown[0].resolved and screen.current == screen.shown[1]
        cell = screen.table.get_row_at(0)[3]
        assert str(cell) == "✓ accept R1"

        await pilot.press("f")  # hide the resolved one
        await pilot.pause()
        assert [d.key for d in screen.shown] == [d.key for d in found[1:]]
        assert screen.current is not None and screen.current.key == found[1].key
        await pilot.press("0")
        await pilot.pause()
        await pilot.press("escape")  # cancelling the memo resolves nothing
        await pilot.pause()
        assert app.screen is screen and len(resolutions(app.project, PAIR)) == 1

    run(demo_copy, scenario)


def test_enter_shows_the_passage_in_its_transcript(demo_copy: Path) -> None:
    async def scenario(app: CoderApp, pilot: Pilot) -> None:
        screen = await open_review(app, pilot)
        await pilot.press("down", "down", "down", "down")
        target = screen.current
        assert target is not None and target.source == "S3-02"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        view = app.screen.query_one(TranscriptView)
        assert view.source_id == target.source_id
        assert view.selection == (target.start, target.end)

    run(demo_copy, scenario)


def test_without_coders_the_two_busiest_are_compared(demo_copy: Path) -> None:
    async def scenario(app: CoderApp, pilot: Pilot) -> None:
        screen = await open_review(app, pilot, None)
        assert screen.coders == PAIR and len(screen.shown) == 7
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)

    run(demo_copy, scenario)


# -- the command ----------------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch):
    import coder.cli

    return coder.cli.main


def test_review_command_json(cli, demo, capsys):
    path = str(demo.path)
    assert cli(["review", path, "--coders", "R1,R2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {
        (r["source"], r["start"], r["end"], frozenset(r["A"]), frozenset(r["B"])) for r in out
    } == planted()
    assert not any(r["resolved"] for r in out)

    resolve(demo, disagreements(demo, PAIR)[1], "b", "R2 is closer")
    assert cli(["review", path, "--coders", "R1,R2", "--report", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["unit"] == "S2-01 [2966,3020)" and row["decision"] == "accept R2"
    assert row["memo"] == "R2 is closer" and row["consensus"] == row["B"]
    assert cli(["review", path, "--coders", "R1,R2"]) == 0
    text = capsys.readouterr().out
    assert "7 disagreements of R1 and R2, 1 resolved" in text and "✓" in text
    assert cli(["review", path, "--coders", "R1"]) == 1
    assert "two coder names" in capsys.readouterr().err


def test_a_resolution_goes_stale_when_a_coder_changes_their_codes_after_it(demo: Project) -> None:
    d = next(x for x in disagreements(demo, PAIR) if x.a and x.b)  # both coded here, differently
    resolve(demo, d, "a", "R1's reading fits the definition")
    again = next(x for x in disagreements(demo, PAIR) if x.key == d.key)
    assert again.resolved and not again.stale
    # R1 adds a code at the span afterwards: the consensus no longer follows from "accept R1".
    used = {c.label for c in d.a} | {c.label for c in d.b}
    extra = next(c.label for c in demo.codes() if c.level == "open" and c.label not in used)
    r1 = Project.open(demo.path, coder="R1")
    r1.code_span(d.source_id, d.start, d.end, extra)
    later = next(x for x in disagreements(demo, PAIR) if x.key == d.key)
    assert later.stale and not later.resolved and later.resolution is not None
    assert later.to_json()["stale"] is True and later.to_json()["resolved"] is False
    resolve(demo, later, "a", "looked again: R1's new code belongs here too")
    assert next(x for x in disagreements(demo, PAIR) if x.key == d.key).resolved
    r1.close()


@pytest.mark.parametrize("width", [80, 100, 120, 200])
def test_the_table_fits_the_terminal_with_every_heading_whole(demo_copy: Path, width: int) -> None:
    """At 80 columns "decision" was cut to "decisio": the columns are laid out for the width,
    headings whole, the passage column left out when there is no room (the detail shows it)."""
    import asyncio

    from coder.tui.app import make_app

    async def main() -> None:
        app = make_app(demo_copy, nlp=False)
        async with app.run_test(size=(width, 30)) as pilot:
            screen = await open_review(app, pilot)
            table = screen.table
            cols = list(table.columns.values())
            used = sum(c.get_render_width(table) for c in cols)
            assert used <= table.scrollable_content_region.width, (used, width)
            for col in cols:
                assert col.content_width >= len(str(col.label)), (width, str(col.label))
            labels = [str(c.label) for c in cols]
            assert labels[:4] == ["unit", "A · R1", "B · R2", "decision"]
            assert ("passage" in labels) == (width >= 94)
        app.project.close()

    asyncio.run(main())
