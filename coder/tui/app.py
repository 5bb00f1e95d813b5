"""The Textual application: one factory for the CLI and the tests (``make_app``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import get_current_worker

from coder.i18n import _, pgettext
from coder.tui.workers import ProjectChanged, WorkHost

if TYPE_CHECKING:  # the served login screen is drawn before the store is imported
    from coder.project import Project


class CoderApp(WorkHost, App[None]):
    """The coding workbench. Every change goes through the Project facade at once: there is no
    save step, and nothing is lost if the terminal dies. A change is announced to every screen
    with :class:`ProjectChanged` on the ``project_changed`` signal."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "coder"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark", "help", _("Help"), id="app.help"),
        Binding("q", "quit", _("Quit"), id="app.quit"),
        Binding("ctrl+z", "undo", _("Undo"), id="app.undo"),
        Binding("ctrl+y", "redo", _("Redo"), id="app.redo"),
        Binding("f5,ctrl+r", "refresh_project", _("Refresh"), id="app.refresh"),
        # Textual's own palette binding, with its footer word translated (same key, same place)
        Binding(
            "ctrl+p",
            "command_palette",
            _("palette"),
            show=False,
            priority=True,
            tooltip="Open the command palette",
            id="app.palette",
        ),
    ]

    def __init__(
        self, project: Project | None, *, nlp: bool = True, check: int | None = None
    ) -> None:
        from coder.tui import compositor

        compositor.install()  # wide characters under toasts and dialogs (textual#6357)
        super().__init__()
        self.nlp_enabled = nlp
        self.start_check = check
        """Open on the check of this many machine codings (coder open --check N)."""
        self.project_changed: Signal[ProjectChanged] = Signal(self, "project_changed")
        """Published after every change of the project; the screens subscribe (CoderScreen)."""
        if project is not None:
            self.attach(project)

    def attach(self, project: Project) -> None:
        """Work on ``project`` (at once, or after the login screen of ``coder serve``)."""
        self.project = project
        where = " · " + _("server") if project.on_server else ""
        role = project.role()
        if role != "owner":  # a reader or coder sees what they may do
            roles = {"coder": pgettext("role", "coder"), "reader": pgettext("role", "reader")}
            where += " · " + (roles.get(role, role) if role else _("not a member"))
        self.sub_title = f"{project.title} · {project.coder}{where}"
        self._token = project.change_token()

    def on_mount(self) -> None:
        self.start_workbench()

    def start_workbench(self) -> None:
        from coder.tui.screens.main import MainScreen

        self.push_screen(MainScreen())
        if self.start_check is not None:
            from coder.tui.screens.assist import CheckScreen

            self.push_screen(CheckScreen(self.start_check))
        if self.project.on_server:
            self.in_thread(self._watch_colleagues, group="watch", description="colleagues' changes")

    def _watch_colleagues(self) -> None:
        """On a team server, colleagues' changes show up as they are made (LISTEN/NOTIFY)."""
        worker = get_current_worker()
        for _change in self.project.changes(lambda: worker.is_cancelled):
            if worker.is_cancelled:
                break
            self.call_from_thread(self._colleague_changed)

    def _colleague_changed(self) -> None:
        from coder.errors import CoderError

        try:
            if self.project.change_token() == self._token:
                return  # our own change, shown already
            newest = self.project.log(limit=1)
        except CoderError:
            return  # the next refresh tells
        self.data_changed()
        if newest and newest[0].coder != self.project.coder:
            self.notify(f"{newest[0].coder}: {newest[0].summary}", timeout=3)

    # -- history, refresh ------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, which: str) -> None:
        # Through write: a refusal (nothing to undo, a lost server) in one line, and every
        # screen refreshes after it (ProjectChanged).
        ok, event = self.write(self.project.undo if which == "undo" else self.project.redo)
        if ok and event is not None:
            said = _("undo: {summary}") if which == "undo" else _("redo: {summary}")
            self.notify(said.format(summary=event.summary))

    @property
    def change_token(self) -> tuple[int, float]:
        """The project's change token as of the last change this app has shown."""
        return self._token

    def announce_change(self, *, shown_by: Screen | None = None) -> None:
        """The project changed: every screen but ``shown_by`` (which made the change and shows
        it already) refreshes what it shows."""
        try:
            self._token = self.project.change_token()
        except Exception as error:  # noqa: BLE001 -- a server out of reach: say so, keep the screens
            self.report(error)
            return
        self.project_changed.publish(ProjectChanged(self._token, shown_by))

    def data_changed(self) -> None:
        """The project changed outside any screen (undo, redo, the shell, a colleague): every
        screen refreshes."""
        self.announce_change()

    def action_refresh_project(self) -> None:
        self.data_changed()
        self.notify(_("reloaded from the project"))

    def on_app_focus(self) -> None:
        # Changes made meanwhile from the shell (coder code …) show up when the app regains focus.
        from coder.errors import CoderError

        if getattr(self, "project", None) is None:
            return  # coder serve's login screen: no project yet
        try:
            if self.project.change_token() != self._token:
                self.data_changed()
        except CoderError as exc:
            self.notify(str(exc), severity="error")

    def show_passage(self, source_id: int, start: int, end: int) -> None:
        """Go back to the main screen and show a passage there, selected (the jump to context
        of the comparison, network and review screens)."""
        from coder.tui.screens.main import MainScreen

        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            self.notify(_("no transcript to show the passage in"), severity="warning")
            return
        while self.screen is not main and len(self.screen_stack) > 1:
            self.pop_screen()
        main.jump_to(source_id, start, end)

    def action_help(self) -> None:
        from coder.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # -- the command palette lists every action of the screen in use ---------------------------------

    #: Every screen and statistics tab, for the palette: (title, main screen action, tab).
    PLACES = (
        (_("Main screen 主界面: transcript and codes"), None, None),
        (_("Codebook 编码本 (F2)"), "codebook", None),
        (_("Comparison 比较 (F3): codings of a code side by side"), "compare", None),
        (_("Network 关系网络 (F4)"), "network", None),
        (_("Statistics 统计 (F6): Frequencies 编码频次"), "stats", "freq"),
        (_("Statistics 统计 (F6): Saturation 理论饱和度"), "stats", "sat"),
        (_("Statistics 统计 (F6): Paradigm 范式模型"), "stats", "paradigm"),
        (_("Statistics 统计 (F6): Co-occurrence 共现"), "stats", "cooc"),
        (_("Disagreements 分歧 (F7): review between coders"), "review", None),
        (_("Query 查询 (F8): coding queries, their hits, code or save them"), "query", None),
        (_("Check 抽检 (K): machine codings, confirm or refute, precision"), "check_machine", None),
        (_("Discovery 概念发现 (D): candidate concepts become open codes"), "discover", None),
    )

    def go_to(self, action: str | None, tab: str | None = None) -> None:
        """Open a screen (or a statistics tab) from anywhere: back to the main screen, then on."""
        from coder.tui.screens.main import MainScreen
        from coder.tui.screens.stats import StatsScreen

        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            return
        while self.screen is not main and len(self.screen_stack) > 1:
            self.pop_screen()
        if action == "stats":
            self.push_screen(StatsScreen(tab=tab))
        elif action is not None:
            self.call_later(self.run_action, action, main)

    def set_ui_lang(self, lang: str) -> None:
        """Keep ``lang`` as this user's interface language (outside every project and its undo
        history); the key names are read at start, so it shows from the next start."""
        from coder.errors import CoderError
        from coder.prefs import save_ui_lang

        try:
            save_ui_lang(lang)
        except CoderError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(_("interface language {lang}: from the next start").format(lang=lang))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from coder.tui.words import place

        yield from super().get_system_commands(screen)
        for title, action, tab in self.PLACES:

            def go(action=action, tab=tab) -> None:
                self.call_later(self.go_to, action, tab)

            yield SystemCommand(title, _("go to this screen"), go)
        for lang, name in (("en", "English"), ("zh-Hans", "简体中文"), ("zh-Hant", "繁體中文")):

            def choose(lang=lang) -> None:
                self.call_later(self.set_ui_lang, lang)

            yield SystemCommand(
                f"{_('Interface language')}: {name}", _("kept for you; from the next start"), choose
            )
        seen = set()
        for active in screen.active_bindings.values():
            b = active.binding
            if not b.description or b.action in seen:
                continue
            seen.add(b.action)
            node = active.node

            def run(node=node, action=b.action) -> None:
                self.call_later(self.run_action, action, node)

            yield SystemCommand(_(b.description), f"{self.get_key_display(b)} · {place(node)}", run)


def make_app(
    path: str | Path, *, coder: str | None = None, nlp: bool = True, check: int | None = None
) -> CoderApp:
    """The app for a project, a file or a server URL (the CLI and the tests build it here);
    ``check``: open on the check of that many machine codings."""
    from coder.project import Project

    return CoderApp(Project.open(path, coder=coder), nlp=nlp, check=check)
