"""A key repaints only the widgets it changes (issue 18, bench page-down ratio).

Textual's partial update rendered every widget inside the bounding box of the dirty regions: a
page down dirtied the transcript, the status line and the detail pane, so the header, the
footer, the tree and the source list were rendered again on every key. coder.tui.compositor
renders only the widgets that overlap a dirty region."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import Header

from coder.tui.app import make_app
from coder.tui.widgets.footer import FittingFooter
from coder.tui.widgets.transcript import TranscriptView
from tests.conftest import settle


async def test_page_down_does_not_render_header_or_footer(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.query_one(TranscriptView).focus()
        await settle(app, pilot)
        rendered: Counter[str] = Counter()
        original = Widget.render_lines

        def counting(self, crop):  # type: ignore[no-untyped-def]
            rendered[type(self).__name__] += 1
            return original(self, crop)

        monkeypatch.setattr(Widget, "render_lines", counting)
        for _ in range(3):
            await pilot.press("pagedown")
            await settle(app, pilot)
        assert rendered["TranscriptView"] >= 3
        assert rendered[Header.__name__] == 0
        assert rendered[FittingFooter.__name__] == 0
