"""Store benchmarks: bulk load of the synthetic project, codings of one code, frequency table."""

from __future__ import annotations

import time

from bench.common import Context, Result, best_of
from coder.project import Project


def run(ctx: Context) -> list[Result]:
    path = ctx.synthetic()
    t = ctx.timings["synthetic"]
    p = Project.open(path)
    codes = [c for c in p.codes() if c.level == "open"]
    code = codes[len(codes) // 2]
    cold = time.perf_counter()
    n = len(p.segments(code=code.label))
    cold = time.perf_counter() - cold

    def frequency_table() -> list[tuple[str, str, int, int]]:
        counts = p.code_counts()
        return [(c.label, c.name, *counts.get(c.id, (0, 0))) for c in p.codes()]

    results = [
        Result(
            "store: bulk load, 1,000 sources + 300 codes + 200k codings", t["total"], target=3.0
        ),
        Result("  of which sources (15 M characters)", t["sources"]),
        Result("  of which codings (200,000)", t["codings"]),
        Result(
            f"store: all codings of one code with text ({n}), best of 5",
            best_of(lambda: p.segments(code=code.label)),
            target=0.020,
        ),
        Result("  the first such query after opening the project", cold),
        Result(
            "store: frequency table over all codes (300)", best_of(frequency_table), target=0.200
        ),
        Result("store: undo of the 200k-coding load", _undo_time(ctx)),
    ]
    p.close()
    return results


def _undo_time(ctx: Context) -> float:
    import time

    p = Project.open(ctx.copy("undo.coder"))
    t = time.perf_counter()
    p.undo()
    elapsed = time.perf_counter() - t
    p.close()
    return elapsed
