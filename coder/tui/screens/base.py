"""The base of the workbench's full screens: the app and the project they work on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from coder.project import Project
    from coder.tui.app import CoderApp


class CoderScreen(Screen[None]):
    """A full screen of the workbench (main, codebook, comparison, network, statistics,
    disagreements)."""

    @property
    def coder_app(self) -> CoderApp:
        return self.app  # type: ignore[return-value]

    @property
    def project(self) -> Project:
        return self.coder_app.project
