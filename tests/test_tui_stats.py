"""The statistics screen shows the analysis figures of the project."""

from __future__ import annotations

import shutil
from pathlib import Path

from coder.analysis.frequencies import frequencies
from coder.analysis.saturation import saturation
from coder.tui.app import make_app
from coder.tui.screens.stats import StatsScreen, bar


def test_bar_lengths() -> None:
    assert bar(10, 10, 4) == "████"
    assert bar(5, 10, 4) == "██"
    assert bar(1, 8, 1) == "▏"
    assert bar(0, 0) == ""


async def test_statistics_screen(demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "demo.coder"
    shutil.copy(demo_file, path)
    app = make_app(path, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("f6")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        assert [f.codings for f in screen.data["freq"]] == [
            f.codings for f in frequencies(app.project)
        ]
        curve = [(s.source, s.new_codes) for s in screen.data["sat"].curve]
        assert curve == [(s.source, s.new_codes) for s in saturation(app.project).curve]
        # the rendered paradigm pane names A3's causal condition A1
        text = str(screen._paradigm(screen.data["paradigm"], screen.data["selective"]))
        assert "会商共议平台" in text and "Causal conditions 因果条件: A1" in text
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.unit == "segment"
