"""The colours of codes and coders in the transcript, the trees and the detail pane."""

from __future__ import annotations

from coder.model import Code

#: Colours for codes that have none of their own (and no coloured category above them).
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
#: Colours of the coders when the transcript shows everyone's codings coloured by coder.
CODER_COLOURS = (
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42d4f4",
    "#f032e6",
    "#bfef45",
)


def code_colours(codes: list[Code]) -> dict[int, str]:
    """A code's colour, or its primary category's, or one from the palette."""
    by_id = {c.id: c for c in codes}
    out: dict[int, str] = {}

    def colour(c: Code, depth: int = 0) -> str:
        if c.colour:
            return c.colour
        if c.parents and c.parents[0] in by_id and depth < 10:
            return colour(by_id[c.parents[0]], depth + 1)
        return PALETTE[c.id % len(PALETTE)]

    for c in codes:
        out[c.id] = colour(c)
    return out


def coder_colour(coder: str, coders: list[str]) -> str:
    """The colour of ``coder`` among ``coders`` (in name order)."""
    return CODER_COLOURS[coders.index(coder) % len(CODER_COLOURS)]
