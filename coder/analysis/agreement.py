"""Inter-coder agreement (编码信度): percent, Holsti's K and R, Cohen's κ and Krippendorff's α.

**Units.** Agreement is measured at a stated unit:

* ``char``: every character of the sources compared (coded or not). Characters that no coding
  boundary separates behave alike, so they are counted as weighted stretches, not one by one.
* ``sentence`` and ``turn``: every sentence (jieba + spaCy, inside turns) or speaker turn of the
  sources compared (a source without turns uses its paragraphs), coded or not. A coding applies
  its code to every unit it overlaps by at least one character.
* ``segment``: the distinct coded spans ``(source, start, end)`` of the coders compared; a coding
  applies its code to its own span only. This is the unit of ``corpus/build_fixtures.py``.

**Scope.** Only sources that every coder compared has coded (at least one coding of any code) take
part: a source one coder never opened says nothing about agreement. A source filter narrows this;
naming a source that some coder has not coded is an error.

**Values.** Without ``codes``, a coder's value for a unit is the *set* of codes they applied there
(the empty set where none), so two coders agree on a unit when they applied exactly the same codes.
With ``codes`` (a set of mutually exclusive codes), the value is the one code of the set the coder
applied there, missing where none; a coder who applied two codes of the set to one unit is an error
that names the first such unit and how many more. Per-code figures always use presence/absence of
the code per unit.

**Figures.** For each pair of coders: M, N1 and N2 count *decisions*, a decision being a code
applied to a unit (weighted by its characters at the ``char`` unit): N1 and N2 are each coder's
decisions and M those both made. Holsti's mutual agreement is ``K = 2M/(N1+N2)`` and the pair's
reliability ``R = 2K/(1+K)``. Percent agreement and Cohen's κ compare the two coders' values over
the units both gave a value. For n coders, as Chinese content-analysis texts do, K is the mean of
the pairwise K (平均相互同意度) and the composite reliability is ``R = nK/(1+(n−1)K)``; percent and κ
are the means over pairs. Krippendorff's α (nominal) takes all coders at once and copes with
missing values; the ``krippendorff`` package computes it, or, where its dense per-unit matrices
would be too big (sets of codes over many units), the same formula on sparse counts. κ is 1 when both coders used one and the same value throughout (chance agreement
is then 1, and so is the agreement); α is ``None`` where it is undefined (no variation at all).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select

from coder.errors import InvalidInput, NotFound
from coder.store.schema import coders as coders_table
from coder.store.schema import codings, sources

UNITS = ("char", "sentence", "turn", "segment")
#: Column headers of the 编码信度 table that papers print.
RELIABILITY_HEADERS = ("编码者对", "M", "N1", "N2", "相互同意度 K", "信度 R", "κ")
#: Largest ``units × values²`` for which α is left to the ``krippendorff`` package, whose
#: coincidence matrix is dense per unit; beyond it the same formula runs on sparse counts.
_PACKAGE_BUDGET = 2_000_000


# -- the statistics ---------------------------------------------------------------------------


def holsti_k(m: float, n1: float, n2: float) -> float | None:
    """Holsti's mutual agreement ``2M / (N1 + N2)`` (None when neither coder decided anything)."""
    return 2 * m / (n1 + n2) if n1 + n2 else None


def composite_r(k: float | None, n: int) -> float | None:
    """The composite reliability of ``n`` coders with (mean) mutual agreement ``k``."""
    if k is None:
        return None
    return n * k / (1 + (n - 1) * k)


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _compact(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Non-negative integers renumbered ``0 … n−1`` in their order, and ``n``."""
    if not len(values):
        return values, 0
    top = int(values.max())
    if top <= 4 * len(values) + 1024:  # a table beats sorting
        seen = np.zeros(top + 1, dtype=bool)
        seen[values] = True
        return (np.cumsum(seen) - 1)[values], int(seen.sum())
    uniq, inverse = _distinct(values)
    return inverse, len(uniq)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values and, for each value, the index of its distinct value (as
    ``np.unique(..., return_inverse=True)``, whose hashing is slower on large int arrays)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if len(ordered) else ordered.astype(bool)
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _pair_arrays(
    a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray, weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    keep = (a >= 0) & (b >= 0)
    w = np.ones(len(a)) if weights is None else np.asarray(weights, dtype=float)
    return a[keep], b[keep], w[keep]


def percent_agreement(
    a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray, weights: np.ndarray | None = None
) -> float | None:
    """Share of the units both coders gave a value (values ≥ 0; negative means missing) on which
    the values are equal, each unit counted with its weight."""
    a, b, w = _pair_arrays(a, b, weights)
    total = w.sum()
    return float(w[a == b].sum() / total) if total else None


def cohen_kappa(
    a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray, weights: np.ndarray | None = None
) -> float | None:
    """Cohen's κ = (po − pe) / (1 − pe) of two coders' nominal values (integers ≥ 0; a negative
    value is missing and leaves the unit out), each unit counted with its weight."""
    a, b, w = _pair_arrays(a, b, weights)
    total = w.sum()
    if not total:
        return None
    po = w[a == b].sum() / total
    both, n = _compact(np.concatenate([a, b]))
    pa = np.bincount(both[: len(a)], weights=w, minlength=n) / total
    pb = np.bincount(both[len(a) :], weights=w, minlength=n) / total
    pe = float(pa @ pb)
    if pe >= 1.0:  # one and the same value throughout, for both: nothing left to chance
        return 1.0
    return float((po - pe) / (1 - pe))


def krippendorff_alpha(
    values: Sequence[Sequence[int]] | np.ndarray,
    weights: np.ndarray | None = None,
    *,
    method: str = "auto",
) -> float | None:
    """Krippendorff's α for nominal data: ``values`` is coders × units (integers ≥ 0; negative is
    missing), ``weights`` counts each unit that many times.

    ``method="package"`` computes it with the ``krippendorff`` package. Its coincidence matrix is
    dense per unit (units × values²), too big when values are sets of codes over hundreds of
    thousands of units, so ``"sparse"`` computes the same nominal α from counts,
    ``1 − (n − 1) Σ_u w_u (m_u² − Σ_v n_uv²)/(m_u − 1) / (n² − Σ_v n_v²)``, where ``Σ_v n_uv²``
    comes from the coder pairs that agree on the unit. ``"auto"`` takes the package wherever its
    work is small. None where α is undefined: no unit with two values, or one value throughout.
    """
    data = np.asarray(values, dtype=np.int64)
    if data.ndim != 2:
        raise ValueError("values must be coders × units")
    w = np.ones(data.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    pairable = (data >= 0).sum(axis=0) >= 2
    data, w = data[:, pairable], w[pairable]
    valid = data >= 0
    compact, domain = _compact(data[valid])
    if domain < 2:
        return None
    if method == "auto":
        integral = bool(np.all(w == np.round(w)))
        method = "package" if integral and w.sum() * domain**2 <= _PACKAGE_BUDGET else "sparse"
    if method == "package":
        table = np.full(data.shape, np.nan)
        table[valid] = compact
        if not np.all(w == 1):
            table = np.repeat(table, w.astype(np.int64), axis=1)
        import krippendorff

        result = float(krippendorff.alpha(reliability_data=table, level_of_measurement="nominal"))
        return None if np.isnan(result) else result
    if method != "sparse":
        raise ValueError(f"unknown method {method!r}")
    m = valid.sum(axis=0).astype(float)
    # Σ_v n_uv² counts ordered pairs of values in a unit that are equal: each value with
    # itself, and twice each agreeing pair of coders.
    same = m.copy()
    for i, j in itertools.combinations(range(data.shape[0]), 2):
        same += 2 * (valid[i] & (data[i] == data[j]))
    observed = float((w * (m * m - same) / (m - 1)).sum())
    n_v = np.bincount(compact, weights=np.broadcast_to(w, data.shape)[valid], minlength=domain)
    n = float(n_v.sum())
    expected = n * n - float((n_v**2).sum())
    return float(1 - (n - 1) * observed / expected) if expected > 0 else None


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairAgreement:
    """Two coders' agreement: the row of the 编码信度 table."""

    coders: tuple[str, str]
    m: int
    n1: int
    n2: int
    holsti_k: float | None
    composite_r: float | None
    """The pair's reliability 2K/(1+K)."""
    cohen_kappa: float | None
    percent: float | None
    units: int
    """Units both coders gave a value (characters at the char unit)."""


@dataclass(frozen=True)
class CodeAgreement:
    """Presence/absence of one code per unit, mean over coder pairs."""

    code: str
    name: str
    cohen_kappa: float | None
    percent: float | None
    coded: tuple[int, ...]
    """Units each coder applied the code to, in the order of the coders."""


@dataclass(frozen=True)
class Agreement:
    """Agreement among two or more coders at one unit: the figures over all pairs (means, and
    the composite R of all coders), each pair's row, and presence/absence per code."""

    unit: str
    coders: tuple[str, ...]
    sources: tuple[str, ...]
    codes: tuple[str, ...] | None
    """The mutually exclusive set (labels), or None when values are sets of codes."""
    units: int
    """Units compared (characters at the char unit)."""
    percent: float | None
    holsti_k: float | None
    composite_r: float | None
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    pairs: tuple[PairAgreement, ...]
    per_code: tuple[CodeAgreement, ...]
    unplaced: int
    """Codings that overlap no unit (a sentence or turn), so take no part."""

    def to_json(self) -> dict[str, Any]:
        """The ``agreement --json`` document (shape fixed by shared/CLI.md, more keys added)."""
        two = self.pairs[0] if len(self.coders) == 2 else None
        return {
            "unit": self.unit,
            "coders": list(self.coders),
            "percent": self.percent,
            "holsti_k": self.holsti_k,
            "composite_r": self.composite_r,
            "cohen_kappa": self.cohen_kappa,
            "krippendorff_alpha": self.krippendorff_alpha,
            "per_code": [
                {
                    "code": c.code,
                    "name": c.name,
                    "cohen_kappa": c.cohen_kappa,
                    "percent": c.percent,
                    "coded": list(c.coded),
                }
                for c in self.per_code
            ],
            "M": two.m if two else None,
            "N1": two.n1 if two else None,
            "N2": two.n2 if two else None,
            "pairs": [
                {
                    "coders": list(p.coders),
                    "M": p.m,
                    "N1": p.n1,
                    "N2": p.n2,
                    "holsti_k": p.holsti_k,
                    "composite_r": p.composite_r,
                    "cohen_kappa": p.cohen_kappa,
                    "percent": p.percent,
                    "units": p.units,
                }
                for p in self.pairs
            ],
            "sources": list(self.sources),
            "codes": list(self.codes) if self.codes is not None else None,
            "units": self.units,
            "unplaced": self.unplaced,
        }


def reliability_rows(
    result: Agreement, *, summary: bool = False
) -> list[tuple[str, int | None, int | None, int | None, float | None, float | None, float | None]]:
    """Rows of the 编码信度 table (see :data:`RELIABILITY_HEADERS`), one per coder pair. With
    ``summary`` and more than two coders, a last row gives the mean K, the composite R of all
    coders and the mean κ."""
    rows: list[
        tuple[str, int | None, int | None, int | None, float | None, float | None, float | None]
    ] = [
        (f"{p.coders[0]}–{p.coders[1]}", p.m, p.n1, p.n2, p.holsti_k, p.composite_r, p.cohen_kappa)
        for p in result.pairs
    ]
    if summary and len(result.coders) > 2:
        label = f"平均（{len(result.coders)} 人）"
        rows.append(
            (label, None, None, None, result.holsti_k, result.composite_r, result.cohen_kappa)
        )
    return rows


# -- from codings to units and values ---------------------------------------------------------


@dataclass
class _Units:
    """The units compared, in global character coordinates (sources laid end to end)."""

    start: np.ndarray
    end: np.ndarray
    weight: np.ndarray | None
    """Characters per unit at the char unit; None where every unit counts once."""


@dataclass
class _Scope:
    """The coders (in the order asked) and the sources every one of them coded."""

    coder_ids: list[int]
    source_ids: list[int]
    names: dict[int, str]
    base: dict[int, int]
    """Where each source starts in global coordinates (the sources laid end to end)."""
    total: int
    """Characters of all the sources compared."""

    def lookup(self, ids: np.ndarray, table: Mapping[int, int]) -> np.ndarray:
        """``table[id]`` for each id (ids are small integers)."""
        out = np.zeros(max(max(table), int(ids.max(initial=0))) + 1, dtype=np.int64)
        out[list(table)] = list(table.values())
        return out[ids]


def agreement(
    project: Any,
    coders: Sequence[str],
    *,
    unit: str = "segment",
    codes: Sequence[str] | None = None,
    sources: Sequence[int | str] | None = None,
    boundaries: Mapping[int, Sequence[tuple[int, int]]] | None = None,
) -> Agreement:
    """Agreement among ``coders`` at ``unit`` (see the module's docstring for the definitions).

    ``codes`` is a set of mutually exclusive codes (labels or names); ``sources`` narrows the
    sources compared; ``boundaries`` gives sentence or turn spans per source id that the caller
    has already computed (the default computes them, which for sentences runs jieba).
    """
    if unit not in UNITS:
        raise InvalidInput(f"unit {unit!r} is not one of {', '.join(UNITS)}; nothing was changed")
    names = list(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if len(names) < 2:
        raise InvalidInput("agreement needs two or more different coders; nothing was changed")
    code_set = _code_set(project, codes) if codes is not None else None
    scope = _scope(project, names, sources)
    rows = _load(project, scope)
    if code_set is not None:
        rows = rows[np.isin(rows[:, 1], list(code_set))]
        if not len(rows):
            raise InvalidInput(
                f"no coding of {', '.join(names)} uses {', '.join(code_set.values())} in the "
                "sources compared; nothing was changed"
            )
    gstart = scope.lookup(rows[:, 0], scope.base) + rows[:, 3]
    gend = gstart + (rows[:, 4] - rows[:, 3])
    if unit == "segment":
        units, placed = _segment_units(gstart, gend)
        row_of = np.arange(len(rows))
    else:
        if unit == "char":
            units = _char_units(scope, gstart, gend)
        else:
            spans = boundaries
            if spans is None:
                from coder.analysis.data import unit_spans

                spans = unit_spans(project, unit, scope.source_ids)
            units = _span_units(scope, spans)
        row_of, placed = _place(units, gstart, gend)
    coder_of = scope.lookup(rows[row_of, 2], {c: i for i, c in enumerate(scope.coder_ids)})
    used = np.zeros(int(rows[:, 1].max()) + 1, dtype=bool)
    used[rows[row_of, 1]] = True
    code_ids, code_of = np.flatnonzero(used), (np.cumsum(used) - 1)[rows[row_of, 1]]
    # No code at all when no coding meets a unit: one placeholder keeps the arithmetic whole.
    n_units, n_codes, k = len(units.start), max(len(code_ids), 1), len(names)
    # One key per decision (coder, unit, code), duplicates (overlapping codings) made one.
    keys = _sorted_distinct((coder_of * n_units + placed) * n_codes + code_of)
    dec_coder = keys // (n_units * n_codes)
    dec_unit = (keys // n_codes) % n_units
    dec_code = keys % n_codes
    if code_set is not None:
        labels = [code_set[int(c)] for c in code_ids]
        values = _exclusive_values(scope, units, names, labels, dec_coder, dec_unit, dec_code)
    else:
        values = _set_values(k, n_units, dec_coder, dec_unit, dec_code)
    weight = units.weight
    w = np.ones(n_units) if weight is None else weight.astype(float)
    pairs = []
    per_pair_code: list[tuple[np.ndarray, np.ndarray]] = []
    mine = [keys[dec_coder == c] % (n_units * n_codes) for c in range(k)]
    counts = [np.bincount(m % n_codes, weights=w[m // n_codes], minlength=n_codes) for m in mine]
    for i, j in itertools.combinations(range(k), 2):
        both = np.intersect1d(mine[i], mine[j], assume_unique=True)
        shared = np.bincount(both % n_codes, weights=w[both // n_codes], minlength=n_codes)
        m, n1, n2 = int(shared.sum()), int(counts[i].sum()), int(counts[j].sum())
        hk = holsti_k(m, n1, n2)
        compared = (values[i] >= 0) & (values[j] >= 0)
        pairs.append(
            PairAgreement(
                (names[i], names[j]),
                m,
                n1,
                n2,
                hk,
                composite_r(hk, 2),
                cohen_kappa(values[i], values[j], weight),
                percent_agreement(values[i], values[j], weight),
                int(w[compared].sum()),
            )
        )
        per_pair_code.append(_presence_kappa(counts[i], counts[j], shared, w.sum()))
    mean_k = _mean([p.holsti_k for p in pairs])
    return Agreement(
        unit=unit,
        coders=tuple(names),
        sources=tuple(scope.names[s] for s in scope.source_ids),
        codes=tuple(code_set.values()) if code_set is not None else None,
        units=int(w.sum()),
        percent=_mean([p.percent for p in pairs]),
        holsti_k=mean_k,
        composite_r=composite_r(mean_k, k),
        cohen_kappa=_mean([p.cohen_kappa for p in pairs]),
        krippendorff_alpha=krippendorff_alpha(values, weight),
        pairs=tuple(pairs),
        per_code=_per_code(project, code_ids, counts, per_pair_code),
        unplaced=len(rows) - int(np.count_nonzero(np.bincount(row_of, minlength=len(rows)))),
    )


def _mean(xs: Sequence[float | None]) -> float | None:
    kept = [x for x in xs if x is not None]
    return sum(kept) / len(kept) if kept else None


def _code_set(project: Any, refs: Sequence[str]) -> dict[int, str]:
    """The ``--codes`` set: code id → label, in the order given."""
    out: dict[int, str] = {}
    for ref in [r.strip() for r in refs if r.strip()]:
        code = project.code(ref)
        if code.id in out:
            raise InvalidInput(f"{code.label} is named twice in --codes; nothing was changed")
        out[code.id] = code.label
    if len(out) < 2:
        raise InvalidInput(
            "--codes needs two or more mutually exclusive codes; nothing was changed"
        )
    return out


def _scope(project: Any, names: list[str], wanted: Sequence[int | str] | None) -> _Scope:
    with project._read() as conn:
        known = dict(conn.execute(select(coders_table.c.name, coders_table.c.id)).all())
        missing = [n for n in names if n not in known]
        if missing:
            have = ", ".join(sorted(known)) or "none yet"
            raise NotFound(f"no coder named {missing[0]!r} (coders: {have}); nothing was changed")
        ids = sorted(known[n] for n in names)
        coded: dict[int, set[int]] = {}
        for sid, cid in conn.execute(
            select(codings.c.source_id, codings.c.coder_id)
            .where(codings.c.coder_id.in_(ids))
            .group_by(codings.c.source_id, codings.c.coder_id)
        ):
            coded.setdefault(sid, set()).add(cid)
        rows = conn.execute(
            select(sources.c.id, sources.c.name, sources.c.chars).order_by(sources.c.position)
        ).all()
    common = [r for r in rows if coded.get(r.id, set()) >= set(ids)]
    if wanted is not None:
        chosen = {project.source_id(ref) for ref in wanted}
        for r in rows:
            if r.id in chosen and coded.get(r.id, set()) < set(ids):
                absent = [n for n in names if known[n] not in coded.get(r.id, set())]
                raise InvalidInput(
                    f"{absent[0]} has not coded {r.name}; agreement compares sources every "
                    "coder coded; nothing was changed"
                )
        common = [r for r in common if r.id in chosen]
    if not common:
        raise InvalidInput(
            f"{', '.join(names)} have coded no source in common; nothing was changed"
        )
    base, pos = {}, 0
    for r in common:
        base[r.id] = pos
        pos += r.chars
    names_by_id = {r.id: r.name for r in rows}
    return _Scope([known[n] for n in names], [r.id for r in common], names_by_id, base, pos)


def _load(project: Any, scope: _Scope) -> np.ndarray:
    """The coders' codings in the sources compared: ``source, code, coder, start, end`` rows."""
    query = select(
        codings.c.source_id, codings.c.code_id, codings.c.coder_id, codings.c.start, codings.c.end
    ).where(codings.c.coder_id.in_(scope.coder_ids))
    with project._read() as conn:
        rows = conn.execute(query).all()
    # Flattened through an iterator: numpy's array() on result rows is ten times slower.
    data = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64).reshape(-1, 5)
    return data[np.isin(data[:, 0], scope.source_ids)]


def _segment_units(gstart: np.ndarray, gend: np.ndarray) -> tuple[_Units, np.ndarray]:
    """The distinct coded spans; each coding's unit is its own span."""
    span = int(gend.max()) + 1
    keys, placed = _distinct(gstart * span + gend)
    return _Units(keys // span, keys % span, None), placed


def _char_units(scope: _Scope, gstart: np.ndarray, gend: np.ndarray) -> _Units:
    """Every character, as the stretches between consecutive coding boundaries (and source
    boundaries), each weighted by its length."""
    edges = [*scope.base.values(), scope.total]
    points = _sorted_distinct(np.concatenate([np.array(edges, dtype=np.int64), gstart, gend]))
    return _Units(points[:-1], points[1:], np.diff(points))


def _span_units(scope: _Scope, spans: Mapping[int, Sequence[tuple[int, int]]]) -> _Units:
    parts = []
    for sid in scope.source_ids:
        if sid not in spans:
            raise ValueError(f"no unit boundaries given for source {scope.names[sid]}")
        arr = np.asarray(spans[sid], dtype=np.int64).reshape(-1, 2)
        parts.append(arr[arr[:, 1] > arr[:, 0]] + scope.base[sid])
    both = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)
    both = both[np.argsort(both[:, 0], kind="stable")]
    return _Units(both[:, 0], both[:, 1], None)


def _place(units: _Units, gstart: np.ndarray, gend: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each coding in every unit it overlaps: (coding row, unit) pairs."""
    first = np.searchsorted(units.end, gstart, side="right")
    last = np.searchsorted(units.start, gend, side="left") - 1
    count = np.maximum(last - first + 1, 0)
    row_of = np.repeat(np.arange(len(gstart)), count)
    step = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return row_of, first[row_of] + step


def _groups(dec_coder: np.ndarray, dec_unit: np.ndarray, n_units: int) -> tuple[np.ndarray, ...]:
    """Start and length of each (coder, unit) run in the sorted decisions."""
    group = dec_coder * n_units + dec_unit
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group
    lengths = np.diff(np.r_[starts, len(group)])
    return starts, lengths


def _set_values(
    k: int, n_units: int, dec_coder: np.ndarray, dec_unit: np.ndarray, dec_code: np.ndarray
) -> np.ndarray:
    """Coders × units: an id per distinct set of codes (0 for none).

    Sets are numbered exactly, as paths in a trie: the codes of each (coder, unit) are sorted, and
    the id after the p-th code is a fresh number per distinct (id before it, code) pair.
    """
    values = np.zeros((k, n_units), dtype=np.int64)
    if not len(dec_code):
        return values
    starts, lengths = _groups(dec_coder, dec_unit, n_units)
    node = np.zeros(len(starts), dtype=np.int64)
    width = int(dec_code.max()) + 1
    next_id = 1
    for p in range(int(lengths.max())):
        sel = np.flatnonzero(lengths > p)
        uniq, inverse = _distinct(node[sel] * width + dec_code[starts[sel] + p])
        node[sel] = next_id + inverse
        next_id += len(uniq)
    values[dec_coder[starts], dec_unit[starts]] = node
    return values


def _exclusive_values(
    scope: _Scope,
    units: _Units,
    names: list[str],
    labels: list[str],
    dec_coder: np.ndarray,
    dec_unit: np.ndarray,
    dec_code: np.ndarray,
) -> np.ndarray:
    """Coders × units: the one code of the set (its index), −1 where none; two is an error."""
    starts, lengths = _groups(dec_coder, dec_unit, len(units.start))
    clash = np.flatnonzero(lengths > 1)
    if len(clash):
        first = clash[0]
        at = starts[first]
        codes = ", ".join(labels[c] for c in dec_code[at : at + lengths[first]])
        more = f" and {len(clash) - 1} more" if len(clash) > 1 else ""
        raise InvalidInput(
            f"{names[dec_coder[at]]} applied more than one code of --codes ({codes}) to "
            f"{_describe(scope, units, int(dec_unit[at]))}{more}; each unit takes one code of a "
            "mutually exclusive set; nothing was changed"
        )
    values = np.full((len(names), len(units.start)), -1, dtype=np.int64)
    values[dec_coder, dec_unit] = dec_code
    return values


def _describe(scope: _Scope, units: _Units, u: int) -> str:
    """``S2-01 120–145``: a unit by source name and the offsets of its text."""
    bases = np.array([scope.base[s] for s in scope.source_ids])
    i = int(np.searchsorted(bases, units.start[u], side="right")) - 1
    sid = scope.source_ids[i]
    return f"{scope.names[sid]} {units.start[u] - bases[i]}–{units.end[u] - bases[i]}"


def _presence_kappa(
    ci: np.ndarray, cj: np.ndarray, shared: np.ndarray, total: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per code, κ and percent of presence/absence from the 2 × 2 table's margins: units each
    coder applied the code to (``ci``, ``cj``) and units both did (``shared``)."""
    bi, bj, both = ci / total, cj / total, shared / total
    po = 1 - bi - bj + 2 * both
    pe = bi * bj + (1 - bi) * (1 - bj)
    chance = pe < 1
    kappa = np.where(chance, (po - pe) / np.where(chance, 1 - pe, 1), 1.0)
    return kappa, po


def _per_code(
    project: Any,
    code_ids: np.ndarray,
    counts: list[np.ndarray],
    per_pair: list[tuple[np.ndarray, np.ndarray]],
) -> tuple[CodeAgreement, ...]:
    index = {int(c): i for i, c in enumerate(code_ids)}
    out = []
    for code in project.codes():  # the codebook's order
        i = index.get(code.id)
        if i is None:
            continue
        out.append(
            CodeAgreement(
                code.label,
                code.name,
                _mean([float(kappa[i]) for kappa, _ in per_pair]),
                _mean([float(po[i]) for _, po in per_pair]),
                tuple(int(c[i]) for c in counts),
            )
        )
    return tuple(out)
