"""Agreement benchmarks: three coders over the synthetic project (1,000 sources of 15,000
characters, 200,000 codings by R1, R2 and R3).

Sentence boundaries come from the punctuation rule of coder.text.sentences (no word
segmentation) and are stored with each source when it is imported (migration 0008). Two figures
beside a bare regular-expression pass over the same texts for the sentence marks (the least any
splitter does): reading the stored boundaries, and computing them on first use in a copy of the
project as it was before 0008 (boundaries not stored; computed and stored then). The agreement
figure at the sentence unit starts from boundaries already read.
"""

from __future__ import annotations

import re
import sqlite3
import time

from bench.common import Context, Result, best_of
from coder.analysis.agreement import agreement
from coder.analysis.data import unit_spans
from coder.project import Project

CODERS = ["R1", "R2", "R3"]
# The absolute target (6 s, ten times faster than jieba + spaCy) over the anchor's value when
# calibrated, 0.105 s (see store.py).
RATIO_SENTENCES = 55.0


def run(ctx: Context) -> list[Result]:
    p = Project.open(ctx.synthetic())
    ids = [s.id for s in p.sources()]
    texts = [p.source_text(i) for i in ids]
    marks = re.compile("[。！？；…!?;．]")
    t = time.perf_counter()
    for text in texts:
        sum(1 for _ in marks.finditer(text))
    anchor = time.perf_counter() - t
    t = time.perf_counter()
    spans = unit_spans(p, "sentence", ids)
    read = time.perf_counter() - t
    sentences = sum(len(v) for v in spans.values())
    # The same project from before 0008: no boundaries stored, so the first reader computes them.
    old = ctx.copy("agreement-before-0008.coder")
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE sources SET sentences = NULL, sentence_rules = NULL")
    q = Project.open(old)
    t = time.perf_counter()
    first = unit_spans(q, "sentence", ids)
    segmentation = time.perf_counter() - t
    assert first == spans
    q.close()

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
            f"agreement: sentence boundaries of {len(ids):,} sources (15 M characters), stored: "
            "read",
            read,
            anchor="a bare regex pass for the sentence marks",
            anchor_value=anchor,
        ),
        Result(
            f"agreement: sentence boundaries of {len(ids):,} sources (15 M characters), computed "
            "and stored on first use (a project from before 0008)",
            segmentation,
            target=6.0,
            anchor="a bare regex pass for the sentence marks",
            anchor_value=anchor,
            ratio_target=RATIO_SENTENCES,
        ),
        Result("agreement: 3 coders, turn unit, best of 3", at("turn")),
        Result("agreement: 3 coders, char unit (15 M characters), best of 3", at("char")),
        Result("agreement: 3 coders, segment unit, best of 3", at("segment")),
    ]
    p.close()
    return results
