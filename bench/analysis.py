"""Analysis benchmarks on the synthetic project (200,000 codings in 1,000 sources): co-occurrence by
turn and by overlapping segment against a brute-force count, the saturation curve, and the rolled-up
frequency table.

The brute force compares every coding of a source with every other; it is run on the first
``SUBSET`` sources and its time extrapolated to all of them (the synthetic sources are alike in
size and density), after checking that it finds exactly the sweep's counts there. Sentences are
not measured: they need jieba over 15 M characters, which is the text benchmark's subject.
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np

from bench.common import Context, Result, best_of
from coder.analysis.cooccurrence import brute_force, cooccurrence, count
from coder.analysis.data import CODE, END, SOURCE, START, load_rows, unit_arrays, unit_spans
from coder.analysis.frequencies import frequencies
from coder.analysis.saturation import saturation
from coder.project import Project

SUBSET = 100


def run(ctx: Context) -> list[Result]:
    p = Project.open(ctx.synthetic())
    try:
        return _run(p)
    finally:
        p.close()


def _run(p: Project) -> list[Result]:
    rows = load_rows(p)
    ids = np.unique(rows[:, SOURCE]).tolist()
    subset_ids = ids[:SUBSET]
    scale = len(ids) / len(subset_ids)
    sub = rows[np.isin(rows[:, SOURCE], subset_ids)]
    spans = {
        sid: [tuple(r) for r in sub[sub[:, SOURCE] == sid][:, [START, END, CODE]].tolist()]
        for sid in subset_ids
    }
    turns = unit_arrays(p, "turn", ids)
    turn_spans = unit_spans(p, "turn", subset_ids)
    results: list[Result] = []
    for unit in ("turn", "segment"):
        units = turns if unit == "turn" else None

        def sweep(r: np.ndarray = rows, unit: str = unit, units: object = units) -> object:
            return count(r[:, SOURCE], r[:, START], r[:, END], r[:, CODE], unit, units)  # type: ignore[arg-type]

        end_to_end = best_of(lambda unit=unit: cooccurrence(p, unit), repeat=3)
        counting = best_of(sweep, repeat=3)
        t = time.perf_counter()
        slow: Counter[tuple[int, int]] = Counter()
        for sid, coded in spans.items():
            slow.update(brute_force(coded, unit, turn_spans[sid] if unit == "turn" else None).pairs)
        brute = (time.perf_counter() - t) * scale
        if sweep(sub).tally().pairs != slow:  # type: ignore[attr-defined]
            raise RuntimeError(f"co-occurrence by {unit}: the sweep and brute force disagree")
        results += [
            Result(
                f"analysis: co-occurrence by {unit}, 200k codings (read + count), best of 3",
                end_to_end,
                target=2.0,
            ),
            Result(f"  of which counting ({len(rows):,} codings)", counting),
            Result(
                f"  brute force by {unit}: {len(subset_ids)} of {len(ids):,} sources timed, ×{scale:.0f}",
                brute,
            ),
            Result(
                f"  brute force / sweep by {unit} (counting)",
                brute / counting,
                unit="x",
                target=20.0,
                higher_is_better=True,
            ),
        ]
    results += [
        Result(
            "analysis: co-occurrence by source, 200k codings, best of 3",
            best_of(lambda: cooccurrence(p, "source"), repeat=3),
        ),
        Result(
            "analysis: saturation curve over 1,000 sources, best of 3",
            best_of(lambda: saturation(p), repeat=3),
            target=1.0,
        ),
        Result(
            "analysis: rolled-up frequencies of 300 codes, 200k codings, best of 3",
            best_of(lambda: frequencies(p), repeat=3),
        ),
    ]
    return results
