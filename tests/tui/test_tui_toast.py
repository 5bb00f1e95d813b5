"""Toasts keep every wide character, wherever the toast lies over the panes below it.

Textual's compositor cut every line at the edges of all widgets on it, the toast's line too, and
a double-width character cut in two became two spaces (Textualize/textual#6357): creating
上报无回应导致信任流失 showed "上报无  应导致信任流失". coder.tui.compositor cuts a line only where
another widget's part of it begins."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from coder.tui import compositor
from coder.tui.app import make_app
from tests.conftest import settle

MESSAGES = (
    "new code a26 上报无回应导致信任流失, coded",
    "new in-vivo code a27 看得见的管不着，管得着的看不见, coded",
    "coded 12 chars as a08 条块联动（現場協調）",
)


def _toast_text(app) -> str:  # type: ignore[no-untyped-def]
    """What the screen shows inside the toast, as composed for the terminal."""
    toast = app.screen.query(Toast).last()
    box = toast.content_region
    strips = app.screen._compositor.render_strips()
    return "".join(
        strips[y].crop(box.x, box.x + box.width).text for y in range(box.y, box.y + box.height)
    )


@pytest.mark.parametrize("width", [80, 100, 120, 160, 200])
async def test_toasts_keep_wide_characters_over_the_panes(demo_copy: Path, width: int) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(width, 45), notifications=True) as pilot:
        await settle(app, pilot)
        for message in MESSAGES:
            for shift in range(3):  # the toast's text starts one cell further each time
                text = " " * shift + message
                app.clear_notifications()
                app.notify(text, timeout=30)
                for _ in range(20):
                    await pilot.pause()
                    if [t for t in app.screen.query(Toast) if t._notification.message == text]:
                        break
                shown = "".join(_toast_text(app).split())
                assert shown == "".join(text.split()), (width, shift)


def test_the_compositor_fix_is_for_the_pinned_textual() -> None:
    """A new Textual must be checked for textual#6357 before the fix is moved to it."""
    assert compositor.install()


@pytest.mark.parametrize("width", [100, 120, 160])
async def test_a_pane_repainting_under_a_toast_keeps_its_wide_characters(
    demo_copy: Path, width: int
) -> None:
    """What a terminal shows (pyte emulates one) after the screen is drawn and then a pane
    under the toast repaints alone: a half-written wide character would be erased."""
    import pyte

    from coder.tui.widgets.transcript import TranscriptView

    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(width, 45), notifications=True) as pilot:
        await settle(app, pilot)
        screen = app.screen
        comp = screen._compositor
        console = app.console
        for message in MESSAGES:
            for shift in range(3):
                text = " " * shift + message
                app.clear_notifications()
                app.notify(text, timeout=30)
                for _ in range(20):
                    await pilot.pause()
                    if [t for t in screen.query(Toast) if t._notification.message == text]:
                        break
                term = pyte.Screen(width, 45)
                stream = pyte.Stream(term)
                stream.feed(comp.render_update(full=True).render_segments(console))
                box = screen.query(Toast).last().content_region
                for pane in (screen.query_one(TranscriptView), screen.query_one("#right")):
                    comp._dirty_regions.add(pane.region)
                    update = comp.render_partial_update()
                    assert update is not None
                    stream.feed(update.render_segments(console))
                    shown = "".join(
                        "".join(term.buffer[y][x].data for x in range(box.x, box.right))
                        for y in range(box.y, box.bottom)
                    )
                    assert "".join(shown.split()) == "".join(text.split()), (width, shift, pane)
