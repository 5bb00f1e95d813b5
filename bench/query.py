"""Coding-query benchmark: a two-operand AND query over the synthetic project (1,000 sources,
200,000 codings), of two concepts and of two categories (their concepts' codings rolled in),
beside the anchor: the same codings read with the bare ``sqlite3`` module."""

from __future__ import annotations

import sqlite3

from bench.common import Context, Result, alternate

#: The absolute target (0.5 s) over the anchor's value on a quiet machine (see store.py).
RATIO_QUERY = 20.0
#: By turn the anchor also reads the stored turns of every source (the units the query maps
#: codings to). Its typical value, measured in `python -m bench` on this machine on 2026-12-03 07:31–07:42 UTC (loaded by other helpers' runs): TURN_ANCHOR_S; the ratio
#: target is the absolute target (1 s) over it.
TURN_ANCHOR_S = 0.166
RATIO_TURN = round(1.0 / TURN_ANCHOR_S, 1)


def _anchor(path: str, ids: list[int]) -> None:
    """The floor a query cannot go below: opening the file and reading its operands' codings."""
    con = sqlite3.connect(path)
    marks = ",".join("?" * len(ids))
    con.execute(
        f"SELECT code_id, source_id, start, end FROM codings WHERE code_id IN ({marks})", ids
    ).fetchall()
    con.close()


def _turn_anchor(path: str, ids: list[int]) -> None:
    """The by-turn floor: the operands' codings and every stored turn, with bare sqlite3."""
    con = sqlite3.connect(path)
    marks = ",".join("?" * len(ids))
    con.execute(
        f"SELECT code_id, source_id, start, end FROM codings WHERE code_id IN ({marks})", ids
    ).fetchall()
    con.execute("SELECT source_id, start, end FROM turns").fetchall()
    con.close()


def run(ctx: Context) -> list[Result]:
    from coder.analysis.data import Hierarchy
    from coder.analysis.query import code_sets, run_query
    from coder.project import Project
    from coder.text.query_grammar import parse

    path = ctx.synthetic()
    p = Project.open(path)
    out: list[Result] = []
    try:
        for query, what in (("a001 AND a002", "two concepts"), ("A1 AND A2", "two categories")):
            ids = sorted(set().union(*code_sets(parse(query), Hierarchy.of(p)).values()))
            hits = len(run_query(p, query).hits)
            value, anchor = alternate(
                lambda q=query: run_query(p, q), lambda i=ids: _anchor(str(path), i)
            )
            with sqlite3.connect(path) as con:
                marks = ",".join("?" * len(ids))
                n = con.execute(
                    f"SELECT count(*) FROM codings WHERE code_id IN ({marks})", ids
                ).fetchone()[0]
            out.append(
                Result(
                    f"query: {query} ({what}, {n:,} codings, {hits:,} hits), segment unit, median of 5",
                    value,
                    target=0.5,
                    anchor="bare sqlite3 opening the file and reading the same codings",
                    anchor_value=anchor,
                    ratio_target=RATIO_QUERY,
                )
            )
        ids = sorted(set().union(*code_sets(parse("A1 AND A2"), Hierarchy.of(p)).values()))
        value, anchor = alternate(
            lambda: run_query(p, "A1 AND A2", unit="turn"), lambda: _turn_anchor(str(path), ids)
        )
        out.append(
            Result(
                "query: A1 AND A2 by turn (units from the stored turns), median of 5",
                value,
                target=1.0,
                anchor="bare sqlite3 reading the same codings and the stored turns",
                anchor_value=anchor,
                ratio_target=RATIO_TURN,
            )
        )
    finally:
        p.close()
    return out
