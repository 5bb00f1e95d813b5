"""Wide characters under overlays: a fix of Textual's compositor (Textualize/textual#6357).

Textual composes each line of the screen in "chops" cut at the edges of every widget on that
line, and cuts each widget's line at all of them, its own or not. A toast (or a dialog, a
tooltip) lying over the border between two panes is cut there too, and a double-width character
cut in two becomes two spaces: 上报无回应 showed as 上报无  应. Here a widget's line is cut only
where its claim on the line changes (where a widget in front of it begins or ends); the chops it
spans whole hold empty strips, and a partial update learns where each chop really ends.

A partial update (a pane below the toast repainting) cropped the toast's chop at the pane's edge
in the same way, and a terminal that gets half a wide character erases all of it: the crop here
takes a wide character at the edge whole (it is the toast's own, so drawing it is right).

Textual is pinned exactly (see pyproject.toml), so the two methods replaced here are the ones
this was written against; ``install`` leaves any other version alone rather than guess, and
the tests (tests/tui/test_tui_toast.py) say so.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence

import textual
from rich.cells import cell_len
from rich.control import Control
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

FOR_TEXTUAL = "8.2.8"
_EMPTY = Strip([], 0)


def _renders(
    self: Compositor,
    crop: Region,
    dirty: Sequence[Region],
    wanted: Callable[[Region], bool],
) -> Iterator[tuple[Region, Region, list[Strip]]]:
    """Textual's ``_get_renders`` for a partial update, rendering only the widgets that overlap
    a dirty region: Textual renders every widget inside the dirty regions' bounding box, so a
    key that repaints the transcript, the status line and the detail pane redrew the header,
    the footer and every pane between them (their chops are outside the update anyway).

    ``wanted(shown)`` says whether anything of the widget's visible region would still be
    drawn: a container wholly behind its panes (painted front to back, every chop taken) is
    not rendered at all."""
    for widget, (region, clip) in self.visible_widgets.items():
        shown = region.intersection(clip)  # clip is the container's, not the widget's own
        if not crop.overlaps(shown) or not any(shown.overlaps(d) for d in dirty):
            continue
        if not wanted(shown):
            continue
        if clip.contains_region(region):
            yield region, clip, widget.render_lines(Region(0, 0, region.width, region.height))
        else:
            x, y, width, height = shown
            if width and height:
                lines = widget.render_lines(Region(x - region.x, y - region.y, width, height))
                yield region, clip, lines


def _render_chops(
    self: Compositor,
    crop: Region,
    is_rendered_line: Callable[[int], bool],
    dirty: Sequence[Region] | None = None,
    spans: Mapping[int, list[tuple[int, int]]] | None = None,
) -> Sequence[Mapping[int, Strip]]:
    """The chops of the lines ``is_rendered_line`` names; for a partial update (``dirty`` and
    its ``spans`` by line, x1 to x2) only the widgets that would draw a chop the update
    shows are rendered."""
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]

    def spanned(y: int, first_cut: int, last_cut: int) -> list[int]:
        """The cuts of line ``y`` from ``first_cut`` to ``last_cut`` (a line's cuts are sorted)."""
        line_cuts = cuts[y]
        return line_cuts[bisect_left(line_cuts, first_cut) : bisect_right(line_cuts, last_cut)]

    def wanted(shown: Region) -> bool:
        """Whether a chop the update shows is still free in ``shown`` (the test
        ``_WholeCharsUpdate.render_segments`` makes to draw a chop)."""
        if spans is None:
            return True
        first_cut, last_cut = shown.column_span
        for y in shown.line_range:
            line_spans = spans.get(y)
            if not line_spans:
                continue
            line = chops[y]
            final_cuts = spanned(y, first_cut, last_cut)
            for x, end in zip(final_cuts, final_cuts[1:], strict=False):
                if line.get(x) is None and any(x <= x2 and end > x1 for x1, x2 in line_spans):
                    return True
        return False

    renders = self._get_renders(crop) if dirty is None else _renders(self, crop, dirty, wanted)
    for region, clip, strips in renders:
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            final_cuts = spanned(y, first_cut, last_cut)
            if len(final_cuts) < 2:
                continue
            # Painting front to back: a chop someone in front has drawn is theirs. Cut this
            # widget's line only where that changes, so runs of free chops get it whole.
            taken = [line.get(cut) is not None for cut in final_cuts[:-1]]
            if all(taken):
                continue  # wholly behind widgets drawn already (a pane's container): no cutting
            keep = [final_cuts[0]]
            keep += [final_cuts[i] for i in range(1, len(taken)) if taken[i] != taken[i - 1]]
            keep.append(final_cuts[-1])
            pieces = strip.divide([cut - render_x for cut in keep[1:]])
            for start, end, piece in zip(keep, keep[1:], pieces, strict=False):
                if line.get(start) is not None:
                    continue
                line[start] = piece
                for cut in final_cuts:
                    if start < cut < end:
                        line[cut] = _EMPTY
    return chops  # type: ignore[return-value]


def _crop_whole(strip: Strip, width: int) -> Strip:
    """The first ``width`` cells of ``strip``, one more if a wide character straddles the edge."""
    pos = 0
    for segment in strip:
        length = cell_len(segment.text)
        if pos + length > width:
            for ch in segment.text:
                w = cell_len(ch)
                if pos < width < pos + w:
                    return strip.crop(0, pos + w)
                pos += w
                if pos >= width:
                    break
            break
        pos += length
    return strip.crop(0, width)


class _WholeCharsUpdate(ChopsUpdate):
    """Textual's partial update, cropping chops at the dirty region's edge by whole characters."""

    def render_segments(self, console) -> str:
        sequences: list[str] = []
        append = sequences.append
        move_to = Control.move_to
        last_y = self.spans[-1][0]
        for y, x1, x2 in self.spans:
            for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items(), strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                if not (x2 > x >= x1 and end <= x2):
                    strip = _crop_whole(strip, min(end, x2) - x)
                append(move_to(x, y).segment.text)
                append(strip.render(console))
            if y != last_y:
                append("\n")
        return "".join(sequences)


def _render_partial_update(self: Compositor) -> ChopsUpdate | None:
    screen_region = self.size.region
    update_regions = self._dirty_regions.copy()
    self._dirty_regions.clear()
    if not update_regions:
        return None
    crop = Region.from_union(update_regions).intersection(screen_region)
    spans = list(self._regions_to_spans(update_regions))
    by_line: dict[int, list[tuple[int, int]]] = {}
    for y, x1, x2 in spans:
        by_line.setdefault(y, []).append((x1, x2))
    chops = _render_chops(self, crop, by_line.__contains__, list(update_regions), by_line)
    # A chop may now run past the next cut (its neighbours hold empty strips): its end is
    # where its strip ends, or a partial update would crop it at the old cut. Only the lines
    # the update shows are read.
    chop_ends = [
        [
            end if strip is None else x + strip.cell_length
            for end, (x, strip) in zip(cut_set[1:], line.items(), strict=False)
        ]
        if y in by_line
        else []
        for y, (cut_set, line) in enumerate(zip(self.cuts, chops, strict=False))
    ]
    return _WholeCharsUpdate(chops, spans, chop_ends)


def install() -> bool:
    """Use the fixed methods (only on the Textual version they were written for); whether
    they are in use."""
    if textual.__version__ != FOR_TEXTUAL:
        return False
    Compositor._render_chops = _render_chops  # type: ignore[method-assign]
    Compositor.render_partial_update = _render_partial_update  # type: ignore[method-assign]
    return True
