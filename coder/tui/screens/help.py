"""The help screen, built from the key bindings in force (never written twice)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from coder.i18n import _
from coder.tui.words import PLACES, place


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, where) for every binding in force on ``screen``, including those of
    the focused widget and its ancestors, grouped by where they come from."""
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for active in screen.active_bindings.values():
        b = active.binding
        if not b.description:
            continue
        where = place(active.node)
        description = _(b.description)  # Textual's own bindings: see words.textual_messages
        item = (description, where)
        display = screen.app.get_key_display(b)
        if item in seen:
            # Another key for the same action: show them together.
            for i, (keys, desc, w) in enumerate(rows):
                if (desc, w) == item and display not in keys.split(" / "):
                    rows[i] = (f"{keys} / {display}", desc, w)
            continue
        seen.add(item)
        rows.append((display, description, where))
    screens = {p for n, p in PLACES.items() if n.endswith("Screen")}
    rows.sort(
        key=lambda r: (2 if r[2] == PLACES["CoderApp"] else 0 if r[2] in screens else 1, r[2])
    )
    return rows


class HelpScreen(ModalScreen[None]):
    """Every key of the screen below, with what it does."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss(None)", _("Close help"), id="help.close"),
    ]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, pad_edge=False)
        table.add_column(_("keys"), style="bold cyan", no_wrap=True)
        table.add_column(_("does"))
        table.add_column(_("in"), style="dim", no_wrap=True)
        self.rows = binding_rows(self.below)
        for keys, desc, where in self.rows:
            table.add_row(keys, desc, where)
        with VerticalScroll(id="dialog", classes="wide tall"):
            yield Label(Text(_("Keys 快捷键   (esc closes)"), style="bold"), classes="dialog-title")
            yield Static(table)
