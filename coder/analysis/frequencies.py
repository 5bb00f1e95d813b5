"""Code frequencies rolled up the code hierarchy: codings and sources per code.

A category counts its own codings and those of every code below it (its concepts, and the
concepts of its sub-categories). A coding is identified by its span — source, start, end and
coder — so the same span coded by two concepts of one category counts once for the category, while
the same span coded by two coders counts once per coder (each coder's coding is a reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from coder.analysis.data import CODE, CODER, END, SOURCE, START, Hierarchy, distinct_rows, load_rows

if TYPE_CHECKING:
    from coder.project import Project


@dataclass(frozen=True, slots=True)
class Frequency:
    """One code's counts: ``codings``/``sources`` rolled up, ``direct_*`` as coded."""

    code_id: int
    label: str
    code: str
    """The code's name."""
    level: str
    codings: int
    sources: int
    direct_codings: int
    direct_sources: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "level": self.level,
            "codings": self.codings,
            "sources": self.sources,
            "direct_codings": self.direct_codings,
            "direct_sources": self.direct_sources,
            "id": self.code_id,
        }


def code_index(rows: np.ndarray, hierarchy: Hierarchy) -> np.ndarray:
    """Each coding's code as its position in ``hierarchy.codes``."""
    ids = np.array([c.id for c in hierarchy.codes], dtype=np.int64)
    order = np.argsort(ids)
    return order[np.searchsorted(ids[order], rows[:, CODE])]


def rolled(rows: np.ndarray, hierarchy: Hierarchy) -> tuple[np.ndarray, np.ndarray]:
    """``(code, coding)``: every coding placed under its code and under every code above it, then
    made unique by code and span, so a span counts once per code it rolls up into. ``code`` is a
    position in ``hierarchy.codes``, ``coding`` a row of ``rows``."""
    position = {c.id: i for i, c in enumerate(hierarchy.codes)}
    ups = [
        [i] + sorted(position[a] for a in hierarchy.ancestors[c.id])
        for i, c in enumerate(hierarchy.codes)
    ]
    lengths = np.array([len(u) for u in ups], dtype=np.int64)
    flat = np.array([x for u in ups for x in u], dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    own = code_index(rows, hierarchy)
    n = lengths[own]
    coding = np.repeat(np.arange(len(rows)), n)
    offset = np.arange(len(coding)) - np.repeat(np.cumsum(n) - n, n)
    code = flat[starts[own][coding] + offset]
    r = rows[coding]
    keep = distinct_rows(code, r[:, SOURCE], r[:, START], r[:, END], r[:, CODER])
    return code[keep], coding[keep]


def rolled_counts(rows: np.ndarray, hierarchy: Hierarchy) -> tuple[np.ndarray, np.ndarray]:
    """Codings and sources per code (by position in ``hierarchy.codes``), rolled up."""
    n = len(hierarchy.codes)
    code, coding = rolled(rows, hierarchy)
    in_sources = distinct_rows(code, rows[coding, SOURCE])
    return np.bincount(code, minlength=n), np.bincount(code[in_sources], minlength=n)


def frequencies(
    project: Project,
    *,
    coder: str | None = None,
    sources: str | Sequence[str] | None = None,
    rows: np.ndarray | None = None,
) -> list[Frequency]:
    """Codings and sources per code, in the codebook's order, rolled up the hierarchy.

    ``coder`` keeps one coder's codings; ``sources`` (names) restricts the count to those sources.
    ``rows`` are the codings as :func:`load_rows` read them with the same filters, when the
    caller has them already (the network reads them once for the counts and the pairs).
    """
    hierarchy = Hierarchy.of(project)
    if rows is None:
        rows = load_rows(project, coder=coder, sources=sources)
    n = len(hierarchy.codes)
    codings, in_sources = rolled_counts(rows, hierarchy)
    own = code_index(rows, hierarchy)
    direct = np.bincount(own, minlength=n)
    direct_sources = np.bincount(own[distinct_rows(own, rows[:, SOURCE])], minlength=n)
    return [
        Frequency(
            c.id,
            c.label,
            c.name,
            c.level,
            int(codings[i]),
            int(in_sources[i]),
            int(direct[i]),
            int(direct_sources[i]),
        )
        for i, c in enumerate(hierarchy.codes)
    ]
