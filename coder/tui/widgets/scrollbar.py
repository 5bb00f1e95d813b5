"""A vertical scrollbar that draws its lines directly.

Textual's ``ScrollBar`` renders a Rich renderable, which goes through Textual's visual and style
layers on every scroll: about a millisecond and a half per page down of the transcript, more than
the transcript's own lines once they are drawn ahead. The bar's rows are one segment each, so
here they become strips at once: the same segments and styles (the click targets too), without
the layers between.
"""

from __future__ import annotations

from rich.color import Color
from rich.segment import Segment
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip


class PlainScrollBar(ScrollBar):
    """A ``ScrollBar`` whose vertical bar is drawn without Textual's visual layer (the same
    strips: ``tests/tui/test_tui_partial_update.py`` compares them)."""

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._rows: dict[Segment, Strip] = {}
        self._rows_key: tuple | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        renderable = self.render()
        styles = self.styles
        if (
            not self.vertical
            or type(renderable) is not ScrollBarRender
            or any(kind for kind, _colour in styles.border)
            or any(kind for kind, _colour in styles.outline)
            or any(styles.padding)
            or styles.tint.a
            or self.opacity != 1.0
            or styles.text_opacity != 1.0
        ):
            return super().render_lines(crop)
        width, height = self.size
        style = self.app.console.get_style(renderable.style)
        bar = renderable.render_bar(
            size=height,
            window_size=renderable.window_size,
            virtual_size=renderable.virtual_size,
            position=renderable.position,
            vertical=True,
            thickness=width,
            back_color=style.bgcolor or Color.parse("#555555"),
            bar_color=style.color or Color.parse("bright_magenta"),
        )
        base = self.rich_style
        _background_base, background = self.background_colors
        filters = self.get_line_filters()
        key = (width, base, background, tuple(filters))
        if key != self._rows_key:
            self._rows_key, self._rows = key, {}
        rows = self._rows
        strips = []
        for segment in bar.segments[crop.y : crop.bottom]:
            # A bar has a handful of different rows (track, thumb, the thumb's two ends).
            strip = rows.get(segment)
            if strip is None:
                seg_style = segment.style
                strip = Strip(
                    [Segment(segment.text, base + seg_style if seg_style else base)], width
                )
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                rows[segment] = strip
            strips.append(strip)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips
