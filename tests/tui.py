"""Helpers of the TUI tests: run a Pilot scenario on a project, wait for the loading workers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from coder.tui.app import CoderApp, make_app

SIZE = (120, 40)


def run(path: Path, scenario: Callable[[CoderApp, Pilot], Awaitable[None]]) -> None:
    """Run ``scenario`` against the app on ``path`` at 120×40, without jieba or spaCy."""

    async def main() -> None:
        app = make_app(path, nlp=False)
        try:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await scenario(app, pilot)
        finally:
            app.project.close()

    asyncio.run(main())


async def settle(app: CoderApp, pilot: Pilot) -> None:
    """Wait until the loading workers have finished and their results are on screen."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
