"""The statistics of inter-coder agreement, on integer-coded values: percent agreement, Holsti's K
and the composite R, Cohen's κ and Krippendorff's α (nominal), the last on sparse counts where the
``krippendorff`` package's dense matrices would be too big.

Values are integers ≥ 0 and a negative value is missing; weights count a unit that many times.
:mod:`coder.analysis.agreement` defines the figures and applies them to codings.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

#: Largest ``units × values²`` for which α is left to the ``krippendorff`` package, whose
#: coincidence matrix is dense per unit; beyond it the same formula runs on sparse counts.
_PACKAGE_BUDGET = 2_000_000


def holsti_k(m: float, n1: float, n2: float) -> float | None:
    """Holsti's mutual agreement ``2M / (N1 + N2)`` (None when neither coder decided anything)."""
    return 2 * m / (n1 + n2) if n1 + n2 else None


def composite_r(k: float | None, n: int) -> float | None:
    """The composite reliability of ``n`` coders with (mean) mutual agreement ``k``."""
    if k is None:
        return None
    return n * k / (1 + (n - 1) * k)


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
