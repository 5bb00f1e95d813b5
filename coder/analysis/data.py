"""What the analyses read from a project: codings, the code hierarchy, sources and units.

The analyses read the tables directly (through ``project.read()``) rather than through the
facade's display queries: they need the bare spans of every coding, not their text, and they are
run over hundreds of thousands of codings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from sqlalchemy import func, select

from coder.analysis.names import UNITS
from coder.errors import InvalidInput
from coder.i18n import _
from coder.model import Code, Source
from coder.store.schema import coders, codings, human_only, sources, turns

if TYPE_CHECKING:
    from coder.project import Project


#: Columns of :func:`load_rows`.
SOURCE, START, END, CODE, CODER = range(5)


@dataclass(frozen=True)
class Hierarchy:
    """The codebook as the analyses need it: codes by id, and every code's ancestors."""

    codes: list[Code]
    """In the codebook's order (core first, then by level and label)."""
    by_id: dict[int, Code]
    ancestors: dict[int, frozenset[int]]
    """Every code above a code, through all its parents (a code may sit in several categories)."""

    @classmethod
    def of(cls, project: Project) -> Hierarchy:
        codes = project.codes()
        by_id = {c.id: c for c in codes}
        memo: dict[int, frozenset[int]] = {}

        def up(cid: int, path: frozenset[int]) -> frozenset[int]:
            if cid not in memo:
                found: set[int] = set()
                for parent in by_id[cid].parents:
                    if parent in path:  # the facade refuses cycles; never loop on a bad file
                        continue
                    found.add(parent)
                    found |= up(parent, path | {parent})
                memo[cid] = frozenset(found)
            return memo[cid]

        return cls(codes, by_id, {c.id: up(c.id, frozenset({c.id})) for c in codes})

    def label(self, cid: int) -> str:
        return self.by_id[cid].label


def is_category(code: Code) -> bool:
    """Axial and selective codes are categories (范畴, 核心范畴); open codes are concepts."""
    return code.level != "open"


def split_list(value: str | Sequence[str] | None) -> list[str]:
    """``"S1,S2"`` or ``["S1", "S2"]`` as a list of non-empty names."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [s.strip() for s in items if s.strip()]


def source_ids(project: Project, names: str | Sequence[str] | None) -> list[int] | None:
    """Ids of the named sources (by name or id), or ``None`` for all; an unknown name is an error."""
    wanted = split_list(names)
    if not wanted:
        return None
    known = {s.name: s.id for s in project.sources()}
    out = []
    for name in wanted:
        if name in known:
            out.append(known[name])
        elif name.isdigit() and int(name) in known.values():
            out.append(int(name))
        else:
            raise InvalidInput(_("no source named {name!r}; nothing was changed").format(name=name))
    return out


def coder_id(project: Project, name: str | None) -> int | None:
    if name is None:
        return None
    with project.read() as conn:
        row = conn.execute(select(coders.c.id).where(coders.c.name == name)).first()
    if row is None:
        known = ", ".join(project.coders()) or "none yet"
        raise InvalidInput(
            _("no coder named {name!r} (coders: {known}); nothing was changed").format(
                name=name, known=known
            )
        )
    return int(row[0])


def load_rows(
    project: Project, *, coder: str | None = None, sources: str | Sequence[str] | None = None
) -> np.ndarray:
    """Every coding (of one coder, in some sources) as an ``(n, 5)`` integer array with the
    columns :data:`SOURCE`, :data:`START`, :data:`END`, :data:`CODE`, :data:`CODER`, ordered by
    source, start and end."""
    query = select(
        codings.c.source_id, codings.c.start, codings.c.end, codings.c.code_id, codings.c.coder_id
    ).order_by(codings.c.source_id, codings.c.start, codings.c.end)
    query = _scoped(project, query, coder, sources)
    with project.read() as conn:
        # Streamed straight into the array: numpy converting 200k row objects one by one (or a
        # dataclass per coding) costs ten times the query. The rows come from the driver's own
        # cursor (plain tuples of integers on SQLite and PostgreSQL alike): SQLAlchemy's Row
        # for each was a fifth of the read on the synthetic project.
        result = conn.execute(query)
        try:
            rows: Iterable[tuple[int, ...]] = cast("Iterable[tuple[int, ...]]", result.cursor)
            flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64)
        finally:
            result.close()
    return flat.reshape(-1, 5)


def coding_ids(
    project: Project, *, coder: str | None = None, sources: str | Sequence[str] | None = None
) -> set[int]:
    """Ids of the codings :func:`load_rows` reads with the same filters."""
    query = _scoped(project, select(codings.c.id), coder, sources)
    with project.read() as conn:
        return set(conn.execute(query).scalars())


def _scoped(project: Project, query: Any, coder: str | None, sources: Any) -> Any:
    cid = coder_id(project, coder)
    if cid is not None:
        query = query.where(codings.c.coder_id == cid)
    else:
        query = query.where(human_only(codings.c.coder_id))
    sids = source_ids(project, sources)
    if sids is not None:
        query = query.where(codings.c.source_id.in_(sids))
    return query


def unit_spans(
    project: Project, unit: str, source_ids: Iterable[int]
) -> dict[int, list[tuple[int, int]]]:
    """The sentence or turn spans of each source, sorted, non-overlapping and non-empty.

    A source without speaker turns falls back to its paragraphs (non-blank lines), as the text
    services do; sentences are those stored with each source (:meth:`Project.sentences_of`).
    """
    wanted = sorted(set(source_ids))
    if unit == "sentence":
        return {
            sid: [(s, e) for s, e in spans if e > s]
            for sid, spans in project.sentences_of(wanted).items()
        }
    if unit != "turn":
        raise InvalidInput(_("unit {unit!r} has no spans; nothing was changed").format(unit=unit))
    from coder.text.nlp import blocks_of

    out: dict[int, list[tuple[int, int]]] = {sid: [] for sid in wanted}
    with project.read() as conn:
        for sid, start, end in conn.execute(
            select(turns.c.source_id, turns.c.start, turns.c.end).order_by(
                turns.c.source_id, turns.c.idx
            )
        ):
            if sid in out and end > start:
                out[sid].append((start, end))
        for sid in [s for s, spans in out.items() if not spans]:
            text = conn.execute(select(sources.c.text).where(sources.c.id == sid)).scalar_one()
            out[sid] = blocks_of(text, [])
    return out


def check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise InvalidInput(
            _("unit {unit!r} is not one of {UNITS}; nothing was changed").format(
                unit=unit, UNITS=", ".join(UNITS)
            )
        )
    return unit


def unit_arrays(
    project: Project, unit: str, source_ids: Iterable[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`unit_spans` as three arrays (source, start, end), sorted by source and start."""
    spans = unit_spans(project, unit, source_ids)
    counts = [len(spans[sid]) for sid in sorted(spans)]
    flat = np.fromiter(
        chain.from_iterable(chain.from_iterable(spans[sid] for sid in sorted(spans))),
        dtype=np.int64,
    ).reshape(-1, 2)
    owner = np.repeat(np.array(sorted(spans), dtype=np.int64), counts)
    order = np.lexsort((flat[:, 0], owner))  # turns come by index: make sure of start order
    return owner[order], flat[order, 0], flat[order, 1]


def distinct(values: np.ndarray, counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values and how often each occurs (or the sum of ``counts`` over each).

    Sorting does this; ``np.unique`` takes ten times as long on large keys in numpy 2.x.
    """
    if not len(values):
        return values, values.copy()
    if counts is None:
        ordered = sorted_values(values)
        first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        return ordered[first].astype(np.int64), np.diff(np.r_[first, len(ordered)])
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[first], np.add.reduceat(counts[order], first)


def distinct_values(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values (:func:`distinct` without the counts)."""
    if not len(values):
        return values
    ordered = sorted_values(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]].astype(np.int64)


def sorted_values(values: np.ndarray) -> np.ndarray:
    """``values`` sorted, as 32-bit integers where they fit (which sorts in little more than half
    the time)."""
    if int(values.min()) >= 0 and int(values.max()) < 2**31:
        return np.sort(values.astype(np.int32))
    return np.sort(values)


def distinct_rows(*columns: np.ndarray) -> np.ndarray:
    """Indices of the distinct rows of equal-length integer columns, in the columns' sort order
    (the first column most significant)."""
    if not len(columns[0]):
        return np.zeros(0, dtype=np.int64)
    bits = [max(int(c.max()), 1).bit_length() for c in columns]
    if min(int(c.min()) for c in columns) >= 0 and sum(bits) <= 63:
        # The columns fit in one integer: one sort instead of a sort per column.
        key = np.zeros(len(columns[0]), dtype=np.int64)
        for col, width in zip(columns, bits, strict=True):
            key = (key << width) | col
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        return order[np.r_[True, ordered[1:] != ordered[:-1]]]
    order = np.lexsort(columns[::-1])
    keep = np.zeros(len(order), dtype=bool)
    keep[0] = True
    for col in columns:
        c = col[order]
        keep[1:] |= c[1:] != c[:-1]
    return order[keep]


def attribute_of(source: Source, cases: dict[str, dict[str, str]], name: str) -> str | None:
    """A source's attribute, else its case's (front matter puts person fields on the case)."""
    if name in source.attributes:
        return source.attributes[name]
    if source.case is not None:
        return cases.get(source.case, {}).get(name)
    return None


def known_attributes(project: Project) -> list[str]:
    """Attribute names of sources and cases (two DISTINCT queries, not every source read)."""
    from coder.store.schema import case_attributes, source_attributes

    with project.read() as conn:
        names = set(conn.execute(select(source_attributes.c.name).distinct()).scalars())
        names |= set(conn.execute(select(case_attributes.c.name).distinct()).scalars())
    return sorted(names)


def columns_of(
    project: Project, by: str, scope: set[int] | list[int] | None = None
) -> dict[int, str | None]:
    """Each source's column for a table by ``by``: its case, its name, or its attribute ``by``
    (the source's own, else its case's); None where it has none. One query, in import order,
    without building every :class:`Source` (a corpus may have 100,000)."""
    from sqlalchemy import and_

    from coder.store.schema import case_attributes, cases, source_attributes, sources

    if by == "case":
        value = cases.c.name
        joined = sources.outerjoin(cases, cases.c.id == sources.c.case_id)
        query = select(sources.c.id, value).select_from(joined)
    elif by == "source":
        query = select(sources.c.id, sources.c.name)
    else:
        sa_ = source_attributes.alias("sa")
        ca_ = case_attributes.alias("ca")
        joined = sources.outerjoin(
            sa_, and_(sa_.c.source_id == sources.c.id, sa_.c.name == by)
        ).outerjoin(ca_, and_(ca_.c.case_id == sources.c.case_id, ca_.c.name == by))
        query = select(sources.c.id, func.coalesce(sa_.c.value, ca_.c.value)).select_from(joined)
    wanted = None if scope is None else set(scope)
    with project.read() as conn:
        rows = conn.execute(query.order_by(sources.c.position)).all()
    return {sid: v for sid, v in rows if wanted is None or sid in wanted}
