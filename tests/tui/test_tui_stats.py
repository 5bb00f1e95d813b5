"""The statistics screen shows the analysis figures of the project."""

from __future__ import annotations

from pathlib import Path

from coder.analysis.frequencies import frequencies
from coder.analysis.saturation import saturation
from coder.tui.app import make_app
from coder.tui.screens.stats import StatsScreen, bar
from tests.conftest import settle


def test_bar_lengths() -> None:
    assert bar(10, 10, 4) == "████"
    assert bar(5, 10, 4) == "██"
    assert bar(1, 8, 1) == "▏"
    assert bar(0, 0) == ""


async def test_statistics_screen(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
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


async def test_bars_fit_their_column_at_every_width(demo_copy: Path) -> None:
    """At 80 columns the frequency and saturation bars ran past their column and ended in "…":
    each bar is now as long as the column allows, the longest filling it."""
    from rich.console import Console

    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        for width in (78, 120, 200):
            for table in (
                screen._frequencies(screen.data["freq"]),
                screen._saturation(screen.data["sat"]),
            ):
                console = Console(width=width, record=True, color_system=None)
                console.print(table)
                lines = console.export_text().splitlines()
                barred = [ln for ln in lines if "█" in ln]
                assert barred, width
                for ln in barred:
                    assert "█…" not in ln and "▉…" not in ln, (width, ln)
                    assert len(ln.rstrip()) <= width
                longest = max(ln.count("█") for ln in barred)
                assert longest >= 8, (width, longest)


async def test_every_tab_title_is_whole_at_80_columns(demo_copy: Path) -> None:
    """Tried in tmux at 80×24: the four titles with their Chinese terms need 83 columns, and the
    last was cut at the edge ("Co-occurrence" without 共现). Narrower than that, the titles go
    without the terms, each whole on the screen; wider, they keep them."""
    from textual.widgets import Tab

    for size, whole in (((80, 24), False), ((120, 40), True)):
        app = make_app(demo_copy, nlp=False)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await pilot.press("f6")
            await settle(app, pilot)
            tabs = [t for t in app.screen.query(Tab) if t.id and "tab-" in t.id]
            assert len(tabs) == 4
            for tab in tabs:
                assert tab.region.right <= size[0], (tab.label_text, tab.region)
                assert tab.region.width >= len(tab.label_text) + 2, tab.label_text
            labels = [t.label_text for t in tabs]
            short = ["Frequencies", "Saturation", "Paradigm", "Co-occurrence"]
            assert (labels == short) is not whole, labels
            assert ("Co-occurrence 共现" in labels) is whole, labels
