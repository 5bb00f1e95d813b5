"""The base of the workbench's full screens: the app and the project they work on, the one way
they run work and write (coder.tui.workers), and their refresh when the project changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.screen import Screen

from coder.i18n import _
from coder.tui.screens.dialogs import MemoEditor
from coder.tui.workers import ProjectChanged, WorkHost

if TYPE_CHECKING:
    from coder.project import Project
    from coder.tui.app import CoderApp


class CoderScreen(WorkHost, Screen[None]):
    """A full screen of the workbench (main, codebook, comparison, network, statistics,
    disagreements)."""

    @property
    def coder_app(self) -> CoderApp:
        return self.app  # type: ignore[return-value]

    @property
    def project(self) -> Project:
        return self.coder_app.project

    def _on_mount(self, event: events.Mount) -> None:
        # A private handler, so that it runs besides each screen's own on_mount (Textual calls
        # the handler of every class in the MRO).
        self.coder_app.project_changed.subscribe(self, self._project_changed)

    def reload(self) -> None:
        """Show the project's data again; screens that show project data override it."""

    def _project_changed(self, change: ProjectChanged) -> None:
        """Refresh on a change that another screen, the shell or a colleague made."""
        if change.shown_by is self:
            return
        try:
            self.reload()
        except Exception as error:  # noqa: BLE001 -- a server out of reach: say so, keep the screen
            self.report(error)

    async def edit_memo(
        self, title: str, stored: str, save: Callable[[str], Any], *, empty_ok: bool = True
    ) -> bool:
        """The memo editor until the memo is saved or given up (call from a ``@work`` flow).
        A refused save (Forbidden, Busy, a lost server) says why and opens the editor again on
        the typed text, so nothing typed is lost."""
        draft: str | None = None
        while True:
            typed = await self.app.push_screen_wait(MemoEditor(title, stored, draft=draft))
            if typed is None:
                return False
            if not empty_ok and not typed.strip():
                self.notify(_("an empty memo is not saved"), severity="warning")
                return False
            if self.write(save, typed)[0]:
                return True
            draft = typed
