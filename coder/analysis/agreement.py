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

The statistics themselves live in :mod:`coder.analysis.coefficients` and the building of units and
values from codings in :mod:`coder.analysis.units`; this module joins them and holds the results.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from coder.analysis.coefficients import (
    _presence_kappa,
    _sorted_distinct,
    cohen_kappa,
    composite_r,
    holsti_k,
    krippendorff_alpha,
    percent_agreement,
)
from coder.analysis.names import AGREEMENT_UNITS as UNITS
from coder.analysis.units import (
    _char_units,
    _code_set,
    _exclusive_values,
    _load,
    _place,
    _scope,
    _segment_units,
    _set_values,
    _span_units,
)
from coder.errors import InvalidInput
from coder.i18n import _

if TYPE_CHECKING:
    from coder.project import Project


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
    suggested: tuple[int, ...] = ()
    """Per coder (in the order of ``coders``), their codings in the sources compared that were
    machine suggestions they accepted: a coder with any was using suggestions, which a reader
    of a reliability figure must know (a shared model raises agreement and narrows codes)."""

    def suggestions_in_use(self) -> dict[str, bool]:
        """Per coder: were machine suggestions in use (accepted suggested codings exist)?"""
        counts = self.suggested or (0,) * len(self.coders)
        return {c: n > 0 for c, n in zip(self.coders, counts, strict=True)}

    def suggestion_lines(self) -> list[str]:
        """What the report says about machine suggestions, per coder (nothing if none used)."""
        counts = self.suggested or (0,) * len(self.coders)
        if not any(counts):
            return [_("machine suggestions 机器建议: in use by no coder")]
        return [
            _("machine suggestions 机器建议: {coder} used them ({n} accepted codings)").format(
                coder=c, n=n
            )
            if n
            else _("machine suggestions 机器建议: {coder} did not use them").format(coder=c)
            for c, n in zip(self.coders, counts, strict=True)
        ]

    def to_json(self) -> dict[str, Any]:
        """The ``agreement --json`` document (shape fixed by docs/CLI.md, more keys added)."""
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
            "suggestions": {
                c: {"in_use": used, "accepted": n}
                for (c, used), n in zip(
                    self.suggestions_in_use().items(),
                    self.suggested or (0,) * len(self.coders),
                    strict=True,
                )
            },
        }


def reliability_rows(
    result: Agreement, *, summary: bool = False
) -> list[tuple[str, int | None, int | None, int | None, float | None, float | None, float | None]]:
    """Rows of the 编码信度 table (see :data:`coder.analysis.names.RELIABILITY_HEADERS`), one per coder pair. With
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


def agreement(
    project: Project,
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
        raise InvalidInput(
            _("unit {unit!r} is not one of {UNITS}; nothing was changed").format(
                unit=unit, UNITS=", ".join(UNITS)
            )
        )
    names = list(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if len(names) < 2:
        raise InvalidInput(_("agreement needs two or more different coders; nothing was changed"))
    code_set = _code_set(project, codes) if codes is not None else None
    scope = _scope(project, names, sources)
    rows = _load(project, scope)
    if code_set is not None:
        rows = rows[np.isin(rows[:, 1], list(code_set))]
        if not len(rows):
            raise InvalidInput(
                _(
                    "no coding of {names} uses {values} in the sources compared; nothing was changed"
                ).format(names=", ".join(names), values=", ".join(code_set.values()))
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
        suggested=_suggested(project, scope),
    )


def _suggested(project: Project, scope: Any) -> tuple[int, ...]:
    """Accepted suggestions of each coder of ``scope`` in its sources (provenance ``suggested``,
    migration 0007)."""
    from sqlalchemy import func, select

    from coder.store.schema import codings

    with project.read() as conn:
        found: dict[int, int] = dict(
            conn.execute(
                select(codings.c.coder_id, func.count())
                .where(
                    codings.c.origin == "suggested",
                    codings.c.coder_id.in_(scope.coder_ids),
                    codings.c.source_id.in_(scope.source_ids),
                )
                .group_by(codings.c.coder_id)
            ).all()
        )
    return tuple(int(found.get(c, 0)) for c in scope.coder_ids)


def _mean(xs: Sequence[float | None]) -> float | None:
    kept = [x for x in xs if x is not None]
    return sum(kept) / len(kept) if kept else None


def _per_code(
    project: Project,
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
                _mean([float(kappa[i]) for kappa, _x in per_pair]),
                _mean([float(po[i]) for _x, po in per_pair]),
                tuple(int(c[i]) for c in counts),
            )
        )
    return tuple(out)
