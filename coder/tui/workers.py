"""How the workbench runs work and reports what went wrong, in one place.

- ``in_thread`` runs blocking work (analyses, whole-project reads, export, search) in an exclusive
  thread worker that never ends the app (``exit_on_error=False``); its result is handed to a
  callback on the UI thread.
- ``write`` calls the Project facade for a change; a refusal (Forbidden, Busy, a lost server, any
  CoderError) or an unexpected error is told in one line and the screen stays as it was. A change
  that went through is announced as :class:`ProjectChanged`.
- ``on_worker_state_changed`` is the one handler of failed workers (thread workers and the
  ``@work`` dialog flows alike): a CoderError's own message, else a one-line summary, with the
  traceback in the log only.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from coder.errors import CoderError
from coder.i18n import _

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

T = TypeVar("T")

#: Longest one-line summary of an unexpected error, in characters.
SUMMARY_LENGTH = 160


@dataclass
class ProjectChanged(Message):
    """The project changed: a write on a screen, a change from the shell, undo or redo, or a
    colleague's change on a team server. Every screen that shows project data refreshes on it."""

    token: tuple[int, float]
    """The project's change token after the change."""
    shown_by: Screen[Any] | None = None
    """The screen that made the change and shows it already (it does not refresh), or None."""


def one_line(error: BaseException) -> str:
    """What to tell the user about ``error``: a CoderError's own message (written for the user,
    one line), else the error's type and the first line of its text, cut to a readable length."""
    if isinstance(error, CoderError):
        return str(error)
    first = next((line.strip() for line in str(error).splitlines() if line.strip()), "")
    summary = f"{type(error).__name__}: {first}" if first else type(error).__name__
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[: SUMMARY_LENGTH - 1] + "…"
    return _("unexpected error, {summary} (details in the log)").format(summary=summary)


class WorkHost:
    """Mixed into the app, the full screens and the dialogs that run work (a Textual DOM node)."""

    if TYPE_CHECKING:
        app: App[Any]

        def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Worker[Any]: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        @property
        def log(self) -> Any: ...

    def in_thread(
        self,
        work: Callable[..., T],
        *args: Any,
        group: str,
        description: str,
        done: Callable[[T], object] | None = None,
    ) -> Worker[None]:
        """Run ``work(*args)`` in a thread: a newer run in the same ``group`` cancels this one,
        and ``done(result)`` runs on the UI thread unless it was cancelled meanwhile.
        ``description`` names the work in the message if it fails ("statistics")."""

        def run() -> None:
            result = work(*args)
            if done is not None and not get_current_worker().is_cancelled:
                self.app.call_from_thread(done, result)

        return self.run_worker(
            run,
            name=getattr(work, "__name__", group),
            group=group,
            description=description,
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def write(
        self, change: Callable[..., T], /, *args: Any, **kwargs: Any
    ) -> tuple[bool, T | None]:
        """Call the facade for a change: ``(True, its answer)``, and every other screen hears of
        it (:class:`ProjectChanged`); or ``(False, None)`` after the user is told in one line
        why nothing was changed (the facade writes each change as one transaction)."""
        try:
            answer = change(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 -- told to the user, the app runs on
            self.report(error)
            return False, None
        from coder.tui.app import CoderApp

        if isinstance(self.app, CoderApp):
            self.app.announce_change(shown_by=self if self is not self.app else None)  # type: ignore[arg-type]
        return True, answer

    def report(self, error: BaseException, what: str = "") -> None:
        """Tell the user what went wrong in one line (``what``: the work that failed), the
        traceback of an unexpected error in the log only."""
        if not isinstance(error, CoderError):
            self.log.error("".join(traceback.format_exception(error)))
        message = one_line(error)
        self.notify(f"{what}: {message}" if what else message, severity="error", timeout=8)

    def work_failed(self, worker: Worker[Any], message: str) -> None:
        """A worker of this node failed and the user has been told ``message``; a screen that
        waits for the result says so where it would have shown it (override)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        self.report(error, event.worker.description)
        self.work_failed(event.worker, one_line(error))
