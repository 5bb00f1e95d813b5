"""Words, not jargon: places named as people know them, plurals, the log naming codes by label,
a checkbox that shows its state, and a palette that reaches every screen and tab by name."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TabbedContent

from coder.tui.app import make_app
from coder.tui.screens.codebook import CodebookScreen, Tick
from coder.tui.screens.help import HelpScreen
from coder.tui.screens.stats import StatsScreen
from coder.tui.words import place, plural
from tests.conftest import SIZE, settle


def test_plural_and_place_names() -> None:
    assert plural(1, "coding") == "1 coding" and plural(2, "coding") == "2 codings"
    assert plural(0, "hit") == "0 hits" and plural(1200, "char") == "1,200 chars"

    class SomeNewScreen:
        pass

    assert place(SomeNewScreen()) == "some new"


async def test_help_and_palette_name_places_not_classes(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        commands = list(app.get_system_commands(app.screen))
        helps = [c.help for c in commands]
        assert not any("Screen" in h or "CoderApp" in h or "View" in h for h in helps)
        assert any(h.endswith("· main screen") for h in helps)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        places = {where for _, _, where in app.screen.rows}
        assert {"main screen", "transcript", "everywhere"} <= places
        assert not any(w[0].isupper() for w in places)


async def test_the_palette_reaches_every_screen_and_statistics_tab(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        by_title = {c.title: c for c in app.get_system_commands(app.screen)}
        satur = [t for t in by_title if "satur" in t.lower()]
        assert len(satur) == 1
        by_title[satur[0]].callback()
        await settle(app, pilot)
        assert isinstance(app.screen, StatsScreen)
        assert app.screen.query_one(TabbedContent).active == "tab-sat"
        # from the statistics screen straight on to the codebook
        again = {c.title: c for c in app.get_system_commands(app.screen)}
        codebook = next(c for t, c in again.items() if "Codebook" in t)
        codebook.callback()
        await settle(app, pilot)
        assert isinstance(app.screen, CodebookScreen)
        for words in ("Network", "Comparison", "Disagreements", "Co-occurrence", "Paradigm"):
            assert any(words in t for t in by_title), words


async def test_the_log_names_the_code_a_memo_is_on(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        code = app.project.code("a25")
        app.project.add_memo("条块的边界", type="code", target="code", target_id=code.id)
        summary = app.project.log(limit=1)[0].summary
        assert f"on code a25 {code.name}" in summary and f"code {code.id}" not in summary


async def test_the_in_vivo_box_shows_its_mark_only_when_ticked(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await pilot.pause()
        box = app.screen.query_one("#cb-in_vivo", Tick)
        box.value = False
        off = str(box._button)
        box.value = True
        on = str(box._button)
        assert "X" in on and "X" not in off
