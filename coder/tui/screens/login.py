"""The login screen of ``coder serve``: who works in this browser session.

textual-serve passes no identity from the browser, so each session says who it is. On a
PostgreSQL project: the server login and password, checked by connecting (the same roles as in the
terminal); the password is kept only in this process's connection and never written anywhere. On a
project file: the coder's name.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from coder.errors import CoderError
from coder.facade.locations import describe, is_server
from coder.i18n import _
from coder.tui import app as app_module
from coder.tui.app import CoderApp

if TYPE_CHECKING:
    from coder.project import Project


def server_location(location: str, login: str, password: str) -> str:
    """``location`` with the login and password in it (for the connection only)."""
    from sqlalchemy.engine import make_url

    url = make_url(location).set(username=login, password=password or None)
    return url.render_as_string(hide_password=False)


class LoginScreen(Screen["Project"]):
    """Ask who works; dismissed with the opened project."""

    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen > Vertical { width: 64; height: auto; border: round $accent; padding: 1 2; }
    LoginScreen Label { margin-top: 1; }
    LoginScreen #login-error { color: $error; margin-top: 1; }
    LoginScreen Button { margin-top: 1; }
    """
    BINDINGS = [Binding("ctrl+q", "app.quit", _("Quit"), id="login.quit")]

    def __init__(self, location: str) -> None:
        super().__init__()
        self.location = location
        self.on_server = is_server(location)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"coder · {describe(self.location)}", id="login-title")
            if self.on_server:
                yield Label(_("Server login 服务器登录名"))
                yield Input(id="login-name", placeholder=_("login"))
                yield Label(_("Password 密码"))
                yield Input(id="login-password", password=True, placeholder=_("password"))
            else:
                yield Label(_("Your coder name 编码者姓名"))
                yield Input(id="login-name", placeholder=_("name"))
            yield Button(_("Open 打开"), id="login-open", variant="primary")
            yield Static("", id="login-error")

    def on_mount(self) -> None:
        self.query_one("#login-name", Input).focus()
        # The store is imported while the name is typed, not before the first screen.
        self.run_worker(
            lambda: importlib.import_module("coder.project"),
            thread=True,
            exit_on_error=False,
            description="import the project's store",
        )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "login-name" and self.on_server:
            self.query_one("#login-password", Input).focus()
        else:
            self._open()

    @on(Button.Pressed, "#login-open")
    def _pressed(self) -> None:
        self._open()

    def _error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)

    def _open(self) -> None:
        name = self.query_one("#login-name", Input).value.strip()
        if not name:
            self._error(_("enter a name first") if not self.on_server else _("enter a login first"))
            return
        from coder.project import Project

        try:
            if self.on_server:
                password = self.query_one("#login-password", Input).value
                project = Project.open(server_location(self.location, name, password))
            else:
                project = Project.open(self.location, coder=name)
        except CoderError as exc:
            if self.on_server:
                self.query_one("#login-password", Input).value = ""
            self._error(str(exc))
            return
        self.dismiss(project)


class ServedApp(CoderApp):
    """The workbench of one browser session: the login screen first."""

    CSS_PATH = str(Path(app_module.__file__).parent / "styles" / "app.tcss")  # not beside login.py

    def __init__(self, location: str, *, nlp: bool = True) -> None:
        super().__init__(None, nlp=nlp)
        self.location = location
        self.project = None  # type: ignore[assignment]

    def start_workbench(self) -> None:
        if self.project is not None:
            super().start_workbench()
            return

        def opened(project: Project | None) -> None:
            if project is None:
                self.exit()
                return
            self.attach(project)
            super(ServedApp, self).start_workbench()

        self.push_screen(LoginScreen(self.location), opened)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.project is None and action not in ("quit", "help", "command_palette"):
            return False  # nothing to undo or refresh before the login
        return super().check_action(action, parameters)
