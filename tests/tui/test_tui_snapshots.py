"""Snapshots of the screens that had none: statistics (F6), network (F4), disagreements (F7),
query (F8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.tui.app import make_app


@pytest.mark.parametrize("key", ["f6", "f4", "f7"], ids=["statistics", "network", "review"])
@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_screen_snapshot(snap_compare, demo_copy: Path, key: str, size: tuple[int, int]) -> None:
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press(key)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(demo_copy, nlp=False), terminal_size=size, run_before=before)


def test_query_snapshot(snap_compare, demo_copy: Path) -> None:
    """The query screen at its smallest, with a query by turn run on the demo."""

    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("f8")
        await pilot.pause()
        app.screen.query_one("#query-unit").value = "turn"
        await pilot.press(*"a25", "space", *"OR", "space", *"a02", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(demo_copy, nlp=False), terminal_size=(80, 24), run_before=before)
