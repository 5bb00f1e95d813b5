"""Agreement benchmarks: three coders over the synthetic project (1,000 sources of 15,000
characters, 200,000 codings by R1, R2 and R3).

Sentence boundaries come from jieba and spaCy, about 50 ms per source: their first computation is
a figure of its own, and the agreement figure at the sentence unit starts from boundaries already
computed (as a session that has read the sources has them).
"""

from __future__ import annotations

import time

from bench.common import Context, Result, best_of
from coder.analysis.agreement import agreement
from coder.analysis.data import unit_spans
from coder.project import Project

CODERS = ["R1", "R2", "R3"]


def run(ctx: Context) -> list[Result]:
    p = Project.open(ctx.synthetic())
    ids = [s.id for s in p.sources()]
    t = time.perf_counter()
    spans = unit_spans(p, "sentence", ids)
    segmentation = time.perf_counter() - t
    sentences = sum(len(v) for v in spans.values())

    def at(unit: str) -> float:
        cached = spans if unit == "sentence" else None
        return best_of(lambda: agreement(p, CODERS, unit=unit, boundaries=cached), repeat=3)

    results = [
        Result(
            f"agreement: 3 coders, sentence unit ({sentences:,} sentences), boundaries cached, "
            "best of 3",
            at("sentence"),
            target=3.0,
        ),
        Result(
            f"  sentence boundaries of {len(ids):,} sources, computed once (jieba + spaCy)",
            segmentation,
        ),
        Result("agreement: 3 coders, turn unit, best of 3", at("turn")),
        Result("agreement: 3 coders, char unit (15 M characters), best of 3", at("char")),
        Result("agreement: 3 coders, segment unit, best of 3", at("segment")),
    ]
    p.close()
    return results
