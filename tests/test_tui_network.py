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
