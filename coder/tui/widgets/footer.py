"""The footer: the screen's keys in their order, as many as fit, then "…".

Textual's own footer lays every shown key out in a row that scrolls sideways, so on any screen
with more keys than columns the row is cut mid-word ("O Whose codi") and the command-palette
key docked at the right edge draws over what is left ("palettee"). This one measures each key
as Textual draws it (the key padded by a cell each side, then the description and a cell;
compact: key, a space, the description and a margin) and stops before the first that does not
fit, leaving a "…" so it is plain that there are more (F1 lists every key, ctrl+p finds them).
It lays itself out again when the terminal is resized.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

MORE = "…"


def key_width(key_display: str, description: str, *, compact: bool) -> int:
    """Cells Textual's FooterKey takes for a key and its description."""
    if compact:
        return cell_len(key_display) + (1 + cell_len(description) if description else 0) + 1
    return cell_len(key_display) + 2 + (cell_len(description) + 1 if description else 0)


class FittingFooter(Footer):
    """A footer that never cuts a key: those that do not fit are left out, marked by "…"."""

    DEFAULT_CSS = """
    FittingFooter FooterLabel.-more { margin: 0 0 0 1; }
    """

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(compact=compact, id=id)
        self._laid_out_for = 0
        self._composed: tuple | None = None

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        yield from self._fitting()

    def _plan(self) -> tuple:
        """What the footer shows, as plain values: the keys that fit (key, how it is shown, its
        description, action, whether enabled, tooltip), whether "…" follows, the palette key, and
        the width it was fitted to. Equal plans draw the same footer."""
        active = self.screen.active_bindings
        firsts: dict[str, tuple] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in firsts:
                firsts[binding.action] = (binding, enabled, tooltip)
        full = width = self._width()
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _n, binding, enabled, _t = found
                display = self.app.get_key_display(binding)
                palette = (
                    binding.key,
                    display,
                    binding.description,
                    binding.action,
                    enabled,
                    binding.tooltip or binding.description,
                )
                # Docked right, with a border cell on its left.
                width -= key_width(display, binding.description, compact=False) + 1
        budget = width - (cell_len(MORE) + 1)  # room for the "…" should it be needed
        used = 0
        keys = list(firsts.values())
        shown = []
        more = False
        for i, (binding, enabled, tooltip) in enumerate(keys):
            display = self.app.get_key_display(binding)
            cells = key_width(display, binding.description, compact=self.compact)
            last = i == len(keys) - 1
            if used + cells > (width if last else budget):
                more = True
                break
            used += cells
            shown.append(
                (binding.key, display, binding.description, binding.action, enabled, tooltip)
            )
        return (tuple(shown), more, palette, full, self.compact)

    def _fitting(self) -> Iterator[Widget]:
        plan = self._plan()
        self._composed = plan
        shown, more, palette, width, _compact = plan
        self._laid_out_for = width
        for key, display, description, action, enabled, tooltip in shown:
            yield FooterKey(
                key, display, description, action, disabled=not enabled, tooltip=tooltip
            ).data_bind(compact=Footer.compact)
        if more:
            yield FooterLabel(MORE, classes="-more")
        if palette is not None:
            key, display, description, action, enabled, tooltip = palette
            yield FooterKey(
                key,
                display,
                description,
                action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=tooltip,
            )

    async def recompose(self) -> None:
        """Compose again only if the footer would change: Textual recomposes it on every change
        of the bindings (each focus change), which cost about 20 ms a time, five times while
        the workbench opens."""
        if self._bindings_ready and self.is_attached and self._plan() == self._composed:
            return
        await super().recompose()

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._laid_out_for:
            self.call_after_refresh(self.recompose)
