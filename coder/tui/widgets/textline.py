"""A widget that shows one piece of rich text and repaints without a layout pass.

``Static.update`` asks for a new layout of the whole screen, which costs tens of milliseconds on
the main screen; the status line and the detail pane change on every key, inside a size fixed by
the stylesheet, so they only need a repaint.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class TextPane(Widget):
    """Rich text in a box whose size the stylesheet fixes."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text: Text | str = ""

    def show(self, text: Text | str) -> None:
        if str(text) == str(self._text) and (not isinstance(text, Text) or text == self._text):
            return
        self._text = text
        self.refresh()

    @property
    def shown(self) -> str:
        return str(self._text)

    def render(self) -> Text | str:
        return self._text
