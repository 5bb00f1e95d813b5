"""Co-occurrence of code pairs by unit: overlapping segments, sentence, turn or source.

How a pair is counted (the codes are the codes as coded; no roll-up):

* ``sentence``, ``turn``, ``source``: a unit *has* a code when any coding of that code overlaps
  it (a coding that spans two turns is in both). A pair counts once per unit that has both codes,
  however many codings of them the unit holds and whichever coders made them: with several coders,
  a unit has a code if any of them coded it there. Jaccard is ``units with both / units with
  either``. A source without speaker turns uses its paragraphs as turns.
* ``segment``: codings are first made unique by span and code (two coders coding the same span
  with the same code make one segment). A pair counts once per pair of overlapping segments with
  different codes (so one long segment overlapping two segments of another code counts twice).
  Its Jaccard is ``segments of either code that overlap a segment of the other / segments of
  either code``: 1 when every segment of both codes meets the other code.

The counting sorts and searches; it never compares every coding with every other. All sources are
laid on one number line (a source's offsets shifted by its id times a stride longer than any
source), and the work is done on numpy arrays:

* units: each coding finds the units it overlaps by binary search in the sorted unit spans; the
  (unit, code) placements are made unique and sorted, and each unit's pairs are taken from its
  run of codes;
* segments: sorted by start, the segments that overlap segment *i* and come after it are exactly
  the next ones up to the first that starts at or after *i*'s end — one binary search each.

So the cost is O(n log n) in the codings plus the number of pairs found. Pairs are generated in
slices of :data:`CHUNK`, which bounds memory when a unit (a whole source) holds many codes.
:func:`brute_force` is the quadratic reference that the tests and the benchmark compare against.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from coder.analysis.data import (
    CODE,
    END,
    SOURCE,
    START,
    Hierarchy,
    check_unit,
    distinct,
    distinct_rows,
    distinct_values,
    is_category,
    load_rows,
    unit_arrays,
)
from coder.analysis.frequencies import rolled

if TYPE_CHECKING:
    from coder.project import Project


#: A coding as :func:`tally` and :func:`brute_force` take it: start, end, code id.
Span = tuple[int, int, int]
#: An unordered pair of code ids, the smaller id first.
Pair = tuple[int, int]
#: Pairs generated per step: bounds the memory of a unit holding many codes (``source``).
CHUNK = 2_000_000
#: Pair counts are added up in a dense table while codes² stays below this (300 codes: 90,000).
DENSE_LIMIT = 4_000_000


@dataclass
class Tally:
    """Counts keyed by code ids: what :func:`brute_force` returns, and :meth:`Counts.tally`."""

    pairs: Counter[Pair] = field(default_factory=Counter)
    """Units having both codes (for segments: overlapping segment pairs)."""
    codes: Counter[int] = field(default_factory=Counter)
    """Units having the code (for segments: the code's segments)."""
    linked: Counter[Pair] = field(default_factory=Counter)
    """Segments only: segments of either code that overlap a segment of the other."""

    def jaccard(self, pair: Pair, unit: str) -> float:
        a, b = self.codes[pair[0]], self.codes[pair[1]]
        if unit == "segment":
            return self.linked[pair] / (a + b) if a + b else 0.0
        union = a + b - self.pairs[pair]
        return self.pairs[pair] / union if union else 0.0


@dataclass(frozen=True)
class Counts:
    """What :func:`count` finds, as arrays over the codes that occur (code ``ids[k]`` is index
    ``k``): left as arrays, since turning 200k codings' worth of pairs into Python objects would
    cost more than counting them."""

    unit: str
    ids: np.ndarray
    codes: np.ndarray
    """Per code index: units having it (for segments: its segments)."""
    pairs: np.ndarray
    """Pairs that co-occur, as ``a * len(ids) + b`` with code indices ``a < b``, ascending."""
    together: np.ndarray
    """Per pair: units having both (for segments: overlapping segment pairs)."""
    linked: np.ndarray
    """Per pair, segments only: segments of either code that overlap a segment of the other."""

    @property
    def jaccard(self) -> np.ndarray:
        """Per pair (see the module for the segments' version)."""
        a, b = self.codes[self.pairs // len(self.ids)], self.codes[self.pairs % len(self.ids)]
        if self.unit == "segment":
            return self.linked / (a + b)
        return self.together / (a + b - self.together)

    def tally(self) -> Tally:
        """The same counts keyed by code ids."""
        n = len(self.ids)
        keys = list(
            zip(self.ids[self.pairs // n].tolist(), self.ids[self.pairs % n].tolist(), strict=True)
        )
        return Tally(
            Counter(dict(zip(keys, self.together.tolist(), strict=True))),
            Counter(
                {i: c for i, c in zip(self.ids.tolist(), self.codes.tolist(), strict=True) if c}
            ),
            Counter({k: c for k, c in zip(keys, self.linked.tolist(), strict=True) if c}),
        )


def _pair(x: int, y: int) -> Pair:
    return (x, y) if x < y else (y, x)


def tally(
    spans: Sequence[Span], unit: str, units: Sequence[tuple[int, int]] | None = None
) -> Tally:
    """Count the pairs of one source's codings. ``units`` are the source's sentence or turn
    spans, sorted and non-overlapping (needed for ``sentence`` and ``turn``)."""
    arr = np.array(spans, dtype=np.int64).reshape(-1, 3)
    zero = np.zeros(len(arr), dtype=np.int64)
    unit_arr = None
    if units is not None:
        u = np.array(units, dtype=np.int64).reshape(-1, 2)
        unit_arr = (np.zeros(len(u), dtype=np.int64), u[:, 0], u[:, 1])
    return count(zero, arr[:, 0], arr[:, 1], arr[:, 2], unit, unit_arr).tally()


def count(
    source: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    code: np.ndarray,
    unit: str,
    units: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> Counts:
    """Count the pairs of many sources' codings at once (one array per column). ``units`` are the
    sentence or turn spans as (source, start, end) arrays, sorted by source and start, with
    non-empty, non-overlapping spans within a source."""
    if not len(code):
        empty = np.zeros(0, dtype=np.int64)
        return Counts(unit, empty, empty, empty, empty, empty)
    ids, code_ix = _renumber(code)
    # One number line for all sources: a source's positions start at its id × stride, so a
    # search or an overlap never runs from one source into the next.
    top = int(end.max())
    if units is not None and len(units[2]):
        top = max(top, int(units[2].max()))
    stride = top + 1
    if unit == "segment":
        return _segments(source * stride + start, source * stride + end, code_ix, ids)
    if unit == "source":
        holder, holds = source, code_ix
    else:
        if units is None:
            raise ValueError(f"unit {unit!r} needs the unit spans")
        u_source, u_start, u_end = units
        holder, holds = _place(
            source * stride + start,
            source * stride + end,
            code_ix,
            u_source * stride + u_start,
            u_source * stride + u_end,
        )
    return _per_unit(unit, holder, holds, ids)


def _renumber(code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct code ids in order, and every code as its index among them."""
    top = int(code.max())
    if 0 <= int(code.min()) and top <= 8 * len(code) + 4096:  # ids are dense: a table is quicker
        seen = np.zeros(top + 1, dtype=bool)
        seen[code] = True
        ids = np.flatnonzero(seen)
        return ids, (np.cumsum(seen) - 1)[code]
    ids, _ = distinct(code)
    return ids, np.searchsorted(ids, code)


def _place(
    c_start: np.ndarray,
    c_end: np.ndarray,
    code_ix: np.ndarray,
    u_start: np.ndarray,
    u_end: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(unit, code) for every unit each coding overlaps, by binary search in the sorted units."""
    first = np.searchsorted(u_end, c_start, side="right")  # first unit ending after the start
    stop = np.searchsorted(u_start, c_end, side="left")  # first unit starting at or after the end
    unit_ix, owner = _ranges(first, stop)
    return unit_ix, code_ix[owner]


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ``j`` in ``[lo[i], hi[i])`` with its ``i``: ``(j, i)``."""
    n = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(len(n)), n)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(n) - n, n)
    return lo[owner] + offset, owner


def _chunked_ranges(lo: np.ndarray, hi: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """:func:`_ranges` in slices of about :data:`CHUNK` pairs."""
    n = np.maximum(hi - lo, 0)
    ends = np.cumsum(n)
    i = 0
    while i < len(n):
        base = ends[i - 1] if i else 0
        k = max(int(np.searchsorted(ends, base + CHUNK, side="right")), i + 1)
        j, owner = _ranges(lo[i:k], hi[i:k])
        yield j, owner + i
        i = k


class _Sum:
    """Adds up counts of integer keys below ``size``, densely when that is small."""

    def __init__(self, size: int) -> None:
        self.dense = np.zeros(size, dtype=np.int64) if size <= DENSE_LIMIT else None
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, keys: np.ndarray) -> None:
        if self.dense is not None:
            self.dense += np.bincount(keys, minlength=len(self.dense))
        else:
            self.parts.append(distinct(keys))

    def items(self) -> tuple[np.ndarray, np.ndarray]:
        if self.dense is not None:
            keys = np.flatnonzero(self.dense)
            return keys, self.dense[keys]
        if not self.parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return distinct(
            np.concatenate([k for k, _ in self.parts]), np.concatenate([c for _, c in self.parts])
        )


def _per_unit(unit: str, holder: np.ndarray, holds: np.ndarray, ids: np.ndarray) -> Counts:
    """Pairs per unit from (unit, code) placements: each unit's codes once, each pair once."""
    n = len(ids)
    keys = distinct_values(holder * n + holds)  # sorted by unit, then code
    unit_of, code = keys // n, keys % n
    group_end = np.searchsorted(unit_of, unit_of, side="right")
    total = _Sum(n * n)
    # Within a unit the codes ascend, so each later code of the unit makes one pair with this one.
    for j, i in _chunked_ranges(np.arange(1, len(keys) + 1), group_end):
        total.add(code[i] * n + code[j])
    pairs, together = total.items()
    linked = np.zeros(len(pairs), dtype=np.int64)
    return Counts(unit, ids, np.bincount(code, minlength=n), pairs, together, linked)


def _segments(g_start: np.ndarray, g_end: np.ndarray, code: np.ndarray, ids: np.ndarray) -> Counts:
    """Overlapping pairs of distinct segments, by one sweep over the segments sorted by start."""
    n = len(ids)
    keep = distinct_rows(g_start, g_end, code)  # sorted by start; two coders' twins made one
    g_start, g_end, code = g_start[keep], g_end[keep], code[keep]
    # The segments that overlap segment i and start after it (in this order) are the next ones up
    # to the first that starts at or after i's end.
    reach = np.searchsorted(g_start, g_end, side="left")
    pairs = _Sum(n * n)
    met = np.zeros(0, dtype=np.int64)  # segment × other code it meets, for the segment Jaccard
    waiting: list[np.ndarray] = []
    for j, i in _chunked_ranges(np.arange(1, len(code) + 1), reach):
        differ = code[i] != code[j]
        i, j = i[differ], j[differ]
        a, b = code[i], code[j]
        pairs.add(np.minimum(a, b) * n + np.maximum(a, b))
        waiting += [i * n + b, j * n + a]
        if sum(len(w) for w in waiting) > CHUNK:  # keep memory bounded on huge overlaps
            met = distinct_values(np.concatenate([met, *waiting]))
            waiting = []
    keys, together = pairs.items()
    linked = np.zeros(len(keys), dtype=np.int64)
    met = distinct_values(np.concatenate([met, *waiting]))
    if len(met):
        own, other = code[met // n], met % n
        meets = _Sum(n * n)
        meets.add(np.minimum(own, other) * n + np.maximum(own, other))
        found, times = meets.items()
        linked[np.searchsorted(keys, found)] = times
    return Counts("segment", ids, np.bincount(code, minlength=n), keys, together, linked)


def brute_force(
    spans: Sequence[Span], unit: str, units: Sequence[tuple[int, int]] | None = None
) -> Tally:
    """The same counts by comparing every coding with every other (the reference definition)."""
    out = Tally()
    if unit == "segment":
        segments = sorted(set(spans))
        out.codes.update(code for _, _, code in segments)
        partners: dict[int, set[int]] = {}
        for i, j in combinations(range(len(segments)), 2):
            (s1, e1, c1), (s2, e2, c2) = segments[i], segments[j]
            if c1 != c2 and s1 < e2 and s2 < e1:
                out.pairs[_pair(c1, c2)] += 1
                partners.setdefault(i, set()).add(c2)
                partners.setdefault(j, set()).add(c1)
        for i, others in partners.items():
            out.linked.update(_pair(segments[i][2], other) for other in others)
        return out
    if unit == "source":
        inside = [{0} for _ in spans]
    else:
        assert units is not None
        inside = [{k for k, (us, ue) in enumerate(units) if us < e and s < ue} for s, e, _ in spans]
    present = {(k, c) for (_, _, c), ks in zip(spans, inside, strict=True) for k in ks}
    out.codes.update(code for _, code in present)
    together: set[tuple[int, Pair]] = set()
    for i, j in combinations(range(len(spans)), 2):
        if spans[i][2] != spans[j][2]:
            for k in inside[i] & inside[j]:
                together.add((k, _pair(spans[i][2], spans[j][2])))
    out.pairs.update(pair for _, pair in together)
    return out


@dataclass(frozen=True, slots=True)
class CoOccurrence:
    """One pair of codes: ``a`` before ``b`` in the codebook's order."""

    a: str
    """The first code's label."""
    b: str
    a_code: str
    """The first code's name."""
    b_code: str
    count: int
    a_units: int
    """Units having ``a`` (for segments: ``a``'s segments)."""
    b_units: int
    jaccard: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "count": self.count,
            "jaccard": round(self.jaccard, 6),
            "a_code": self.a_code,
            "b_code": self.b_code,
            "a_units": self.a_units,
            "b_units": self.b_units,
        }


def cooccurrence(
    project: Project,
    unit: str = "turn",
    *,
    coder: str | None = None,
    sources: str | Sequence[str] | None = None,
    rows: np.ndarray | None = None,
    units: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> list[CoOccurrence]:
    """Every pair of codes that co-occur in some unit, in the codebook's order of ``(a, b)``.

    ``coder`` keeps one coder's codings (default: everyone's); ``sources`` (names) restricts the
    count to those sources. ``rows`` (:func:`load_rows` with the same filters) and ``units``
    (:func:`unit_arrays` of their sources) may be passed in when already read.
    """
    check_unit(unit)
    if rows is None:
        rows = load_rows(project, coder=coder, sources=sources)
    if units is None and unit in ("sentence", "turn"):
        units = unit_arrays(project, unit, distinct_values(rows[:, SOURCE]).tolist())
    total = count(rows[:, SOURCE], rows[:, START], rows[:, END], rows[:, CODE], unit, units)
    return _rows(total, Hierarchy.of(project))


def rolled_cooccurrence(
    project: Project,
    unit: str = "turn",
    *,
    coder: str | None = None,
    sources: str | Sequence[str] | None = None,
    categories_only: bool = True,
    also: frozenset[int] = frozenset(),
    rows: np.ndarray | None = None,
    units: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> list[CoOccurrence]:
    """Pairs of *categories* (axial and selective codes) that co-occur, rolled up: a category's
    units are the units of its concepts (and of codes under them, and its own codings), each unit
    counted once however many of its concepts it holds. Pairs of a category and a category above
    it are left out (they share every unit of the lower one by construction).

    At the segment unit a category's segments are the distinct spans coded by it or by a code
    under it; two categories co-occur where such segments overlap. ``categories_only=False``
    gives the pairs of all codes so (a concept with a category it is not under, too); ``also``
    adds the codes with these ids to the categories (the ends of relations, say), which costs
    far less than all codes. ``rows`` and ``units`` as for :func:`cooccurrence`.
    """
    check_unit(unit)
    hierarchy = Hierarchy.of(project)
    if rows is None:
        rows = load_rows(project, coder=coder, sources=sources)
    position, coding = rolled(rows, hierarchy)
    category = np.array([is_category(c) or c.id in also for c in hierarchy.codes], dtype=bool)
    if not categories_only:
        category[:] = True
    keep = category[position] if len(position) else np.zeros(0, dtype=bool)
    ids = np.array([c.id for c in hierarchy.codes], dtype=np.int64)
    code = ids[position[keep]]
    picked = rows[coding[keep]]
    if units is None and unit in ("sentence", "turn"):
        units = unit_arrays(project, unit, distinct_values(picked[:, SOURCE]).tolist())
    total = count(picked[:, SOURCE], picked[:, START], picked[:, END], code, unit, units)
    by_label = {c.label: c.id for c in hierarchy.codes}
    up = hierarchy.ancestors
    return [
        r
        for r in _rows(total, hierarchy)
        if by_label[r.a] not in up[by_label[r.b]] and by_label[r.b] not in up[by_label[r.a]]
    ]


def _rows(total: Counts, hierarchy: Hierarchy) -> list[CoOccurrence]:
    rank = {c.id: i for i, c in enumerate(hierarchy.codes)}
    n = len(total.ids)
    first = total.ids[total.pairs // n].tolist()
    second = total.ids[total.pairs % n].tolist()
    codes = dict(zip(total.ids.tolist(), total.codes.tolist(), strict=True))
    rows = []
    for x, y, together, jaccard in zip(
        first, second, total.together.tolist(), total.jaccard.tolist(), strict=True
    ):
        a, b = (x, y) if rank[x] < rank[y] else (y, x)
        ca, cb = hierarchy.by_id[a], hierarchy.by_id[b]
        rows.append(
            (
                (rank[a], rank[b]),
                CoOccurrence(
                    ca.label, cb.label, ca.name, cb.name, together, codes[a], codes[b], jaccard
                ),
            )
        )
    rows.sort(key=lambda r: r[0])
    return [r for _, r in rows]
