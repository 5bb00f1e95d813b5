"""The network screen: a code's ties, their evidence, and the jump to the transcript."""

from __future__ import annotations

import shutil
from pathlib import Path

from coder.tui.app import make_app
from coder.tui.screens.main import MainScreen
from coder.tui.screens.network import NetworkScreen
from coder.tui.widgets.transcript import TranscriptView


async def test_ties_evidence_and_jump(demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "demo.coder"
    shutil.copy(demo_file, path)
    app = make_app(path, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        a25 = app.project.code_id("a25")
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NetworkScreen)
        screen.code_id = a25
        screen.reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        kinds = {(t["code"], t["kind"]) for t in screen.ties}
        assert ("A8", "hierarchy") in kinds and ("a02", "cooccurrence") in kinds
        weights = [t["weight"] for t in screen.ties]
        assert weights == sorted(weights, reverse=True)
        # highlight the a02 tie: its evidence is a25 and a02 segments that share a turn
        ties = screen.query_one("#net-ties")
        ties.highlighted = next(
            i
            for i, t in enumerate(screen.ties)
            if t["code"] == "a02" and t["kind"] == "cooccurrence"
        )
        await pilot.pause()
        labels = {s.label for s in screen.segments}
        assert labels == {"a25", "a02"}
        target = screen.segments[0]
        screen.query_one("#net-evidence").focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        view = app.screen.query_one(TranscriptView)
        assert view.source_id == target.source_id and view.selection == (target.start, target.end)


async def test_evidence_coded_by_two_coders_shows_once_naming_both(demo_copy: Path) -> None:
    from coder.graph.network import evidence

    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        # a07: R1 and R2 coded S2-01 165–208 alike (found by listing every coding)
        screen.code_id = app.project.code_id("a07")
        screen.reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        # the tie whose evidence has the most passages coded alike by both coders
        code = next(c for c in app.project.codes() if c.id == screen.code_id)
        best, twice = None, 0
        for i, tie in enumerate(screen.ties):
            segs = evidence(app.project, screen.graph, code.label, tie["code"], tie["kind"])
            keys = [(s.source_id, s.start, s.end, s.label) for s in segs]
            n = len(keys) - len(set(keys))
            if n > twice:
                best, twice, wanted = i, n, segs
        assert best is not None, "the demo has passages two coders coded alike"
        screen.query_one("#net-ties").highlighted = best
        await pilot.pause()
        keys = [(s.source_id, s.start, s.end, s.label) for s in screen.segments]
        assert (
            len(keys)
            == len(set(keys))
            == len({(s.source_id, s.start, s.end, s.label) for s in wanted})
        )
        listing = screen.query_one("#net-evidence")
        lines = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert any(line.endswith("R1, R2") or line.endswith("R2, R1") for line in lines)
        # the summary is two lines cut with an ellipsis, never wrapped mid-label
        summary = screen.query_one("#net-summary")._text
        assert summary.no_wrap and str(summary).count("\n") == 1
