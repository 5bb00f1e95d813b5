"""Analysis benchmarks on the synthetic project (200,000 codings in 1,000 sources): co-occurrence by
turn and by overlapping segment against a brute-force count, the saturation curve, and the rolled-up
frequency table.

The brute force compares every coding of a source with every other; it is run on the first
``SUBSET`` sources and its time extrapolated to all of them (the synthetic sources are alike in
size and density), after checking that it finds exactly the sweep's counts there. Sentences are
not measured: they need jieba over 15 M characters, which is the text benchmark's subject.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter

import numpy as np

from bench.common import Context, Result, alternate, best_of
from coder.analysis.cooccurrence import brute_force, cooccurrence, count
from coder.analysis.data import CODE, END, SOURCE, START, load_rows, unit_arrays, unit_spans
from coder.analysis.frequencies import frequencies
from coder.analysis.saturation import saturation
from coder.project import Project

SUBSET = 100
#: Anchors, each run alternately with its figure (median of 3): the same codings read with bare
#: sqlite3 into a numpy array (and, by turn, the stored turns) for co-occurrence, and for the
#: saturation curve the same read in source order with numpy finding each code's first source.
#: Ratio targets are the absolute targets (2 s, 1 s) over the anchors' typical values measured
#: on this machine on 2026-12-03 (below).
READ_ANCHOR_S = {"turn": 0.375, "segment": 0.42}
SATURATION_ANCHOR_S = 0.326
RATIO_COOCCURRENCE = {u: round(2.0 / v, 1) for u, v in READ_ANCHOR_S.items()}
RATIO_SATURATION = round(1.0 / SATURATION_ANCHOR_S, 1)


def _raw_read(path: str, unit: str) -> object:
    """The read half of co-occurrence with bare sqlite3 and numpy: the codings' source, start,
    end and code (and by turn the stored turns)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = np.array(
            con.execute("SELECT source_id, start, end, code_id FROM codings").fetchall(),
            dtype=np.int64,
        )
        if unit == "turn":
            con.execute(
                "SELECT source_id, start, end FROM turns ORDER BY source_id, idx"
            ).fetchall()
        return rows
    finally:
        con.close()


def _raw_saturation(path: str) -> object:
    """New codes per source in import order with bare sqlite3 and numpy."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        order = dict(con.execute("SELECT id, position FROM sources").fetchall())
        rows = np.array(con.execute("SELECT source_id, code_id FROM codings").fetchall())
    finally:
        con.close()
    position = np.array([order[s] for s in rows[:, 0].tolist()])
    rows = rows[np.argsort(position, kind="stable")]
    position = np.sort(position, kind="stable")
    _, first = np.unique(rows[:, 1], return_index=True)
    return np.bincount(position[first], minlength=len(order))


def run(ctx: Context) -> list[Result]:
    path = ctx.synthetic()
    p = Project.open(path)
    try:
        return _run(p, str(path))
    finally:
        p.close()


def _run(p: Project, path: str) -> list[Result]:
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

        end_to_end, read_anchor = alternate(
            lambda unit=unit: cooccurrence(p, unit), lambda unit=unit: _raw_read(path, unit), 3
        )
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
                f"analysis: co-occurrence by {unit}, 200k codings (read + count), median of 3",
                end_to_end,
                target=2.0,
                anchor="bare sqlite3 + numpy reading the same codings"
                + (" and turns" if unit == "turn" else ""),
                anchor_value=read_anchor,
                ratio_target=RATIO_COOCCURRENCE[unit],
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
    curve, curve_anchor = alternate(lambda: saturation(p), lambda: _raw_saturation(path), 3)
    results += [
        Result(
            "analysis: co-occurrence by source, 200k codings, best of 3",
            best_of(lambda: cooccurrence(p, "source"), repeat=3),
        ),
        Result(
            "analysis: saturation curve over 1,000 sources, median of 3",
            curve,
            target=1.0,
            anchor="bare sqlite3 + numpy first source of each code",
            anchor_value=curve_anchor,
            ratio_target=RATIO_SATURATION,
        ),
        Result(
            "analysis: rolled-up frequencies of 300 codes, 200k codings, best of 3",
            best_of(lambda: frequencies(p), repeat=3),
        ),
    ]
    return results
