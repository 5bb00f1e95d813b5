"""Matrix coding queries: rows of queries against columns of queries or of a case attribute.

What NVivo calls a matrix coding query and MAXQDA a code-relations or crosstab query. Each row is
a query (:mod:`coder.text.query_grammar`); the columns are either

- more queries: the cell holds what both find, the query ``(row) AND (column)`` at the chosen
  unit — at the segment unit the text coded by both, at the sentence, turn or source unit the units
  where both occur; or
- the values of ``by`` (``case``, ``source`` or an attribute such as ``role``): the cell holds the
  row's hits in the sources whose value that is (the source's own attribute, else its case's;
  sources without it form a ``(missing)`` column, as in :mod:`coder.analysis.matrix`).

Every cell keeps its passages, so a table cell can be opened to the text behind it; its counts are
the passages and the distinct sources among them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coder.analysis.matrix import columns_by
from coder.analysis.query import Hit, run_query
from coder.errors import InvalidInput
from coder.i18n import _, unit_word
from coder.text.query_grammar import parse, show

if TYPE_CHECKING:
    from coder.project import Project


@dataclass(frozen=True, slots=True)
class Cell:
    hits: tuple[Hit, ...]

    @property
    def passages(self) -> int:
        return len(self.hits)

    @property
    def sources(self) -> int:
        return len({h.source_id for h in self.hits})


@dataclass(frozen=True)
class QueryMatrix:
    unit: str
    rows: tuple[str, ...]
    """The row queries as they were read (fully parenthesised)."""
    columns: tuple[str, ...]
    """The column queries as read, or the values of ``by``."""
    by: str | None
    """None when the columns are queries."""
    cells: tuple[tuple[Cell, ...], ...]
    """``cells[row][column]``."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "by": self.by,
            "rows": list(self.rows),
            "columns": list(self.columns),
            "cells": [
                [
                    {
                        "row": r,
                        "column": c,
                        "passages": cell.passages,
                        "sources": cell.sources,
                        "hits": [h.as_dict() for h in cell.hits],
                    }
                    for c, cell in zip(self.columns, line, strict=True)
                ]
                for r, line in zip(self.rows, self.cells, strict=True)
            ],
        }


#: What separates the queries of a row or column list: ``;`` (commas occur in queries, in search
#: terms and code names; the grammar has no ``;`` outside braces and quotes).
SEPARATOR = ";"
_QUOTE_MARKS = '"“”'
"""A search term opens and closes with any of these (as in the grammar)."""


def split_queries(lists: Sequence[str]) -> list[str]:
    """The queries in ``--rows``/``--columns`` texts (each may hold several, split at ``;``
    outside braces and quotes; empty pieces are dropped): ``'a25 AND a08; {a; b}'`` is two."""
    out: list[str] = []
    for text in lists:
        piece: list[str] = []
        closing = ""
        for ch in text:
            if closing:
                if ch in closing:
                    closing = ""
            elif ch == "{":
                closing = "}"
            elif ch in _QUOTE_MARKS:
                closing = _QUOTE_MARKS
            elif ch == SEPARATOR:
                out.append("".join(piece).strip())
                piece = []
                continue
            piece.append(ch)
        out.append("".join(piece).strip())
    return [q for q in out if q]


def query_matrix(
    project: Project,
    rows: Sequence[str],
    columns: Sequence[str] = (),
    *,
    by: str | None = None,
    where: Sequence[str] = (),
    coder: str | None = None,
    unit: str = "segment",
) -> QueryMatrix:
    """Rows of queries against column queries or the values of ``by`` (exactly one of the two)."""
    if not rows:
        raise InvalidInput(_("a matrix query needs at least one row query; nothing was run"))
    if bool(columns) == (by is not None):
        raise InvalidInput(
            _(
                "a matrix query takes either column queries or --by ATTRIBUTE, not both and not neither; nothing was run"
            )
        )
    read_rows = tuple(show(parse(r)) for r in rows)
    if columns:
        read_cols = tuple(show(parse(c)) for c in columns)
        cells = tuple(
            tuple(
                Cell(
                    run_query(project, f"({r}) AND ({c})", where=where, coder=coder, unit=unit).hits
                )
                for c in read_cols
            )
            for r in read_rows
        )
        return QueryMatrix(unit, read_rows, read_cols, None, cells)
    assert by is not None
    column_of, values = columns_by(project, by, nothing="run")
    results = [run_query(project, r, where=where, coder=coder, unit=unit) for r in read_rows]
    cells = tuple(
        tuple(Cell(tuple(h for h in res.hits if column_of.get(h.source_id) == v)) for v in values)
        for res in results
    )
    return QueryMatrix(unit, read_rows, tuple(values), by, cells)


def matrix_table(m: QueryMatrix) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows for a printed table: each cell as ``passages (sources)``."""
    headers = [_("query"), *m.columns]
    lines = [
        [r, *(f"{c.passages} ({c.sources})" for c in line)]
        for r, line in zip(m.rows, m.cells, strict=True)
    ]
    return headers, lines


def matrix_lines(
    m: QueryMatrix, *, passages: bool = False, shown: int = 60
) -> tuple[list[str], list[list[Any]], list[str]]:
    """What ``coder stats matrix --rows`` prints: the title line first, the table (headers and
    rows, as :func:`matrix_table`), then with ``passages`` each cell's passages (their text cut to
    ``shown`` terminal cells)."""
    from rich.cells import cell_len

    if m.by is None:
        title = _(
            "passages per row and column query (unit: {unit}); each cell: passages that "
            "row AND column find (sources)"
        ).format(unit=unit_word(m.unit))
    else:
        title = _(
            "passages of each row query per {by} (unit: {unit}); each cell: passages (sources)"
        ).format(by=m.by, unit=unit_word(m.unit))
    headers, rows = matrix_table(m)
    lines = [title]
    if passages:
        for r, line in zip(m.rows, m.cells, strict=True):
            for c, cell in zip(m.columns, line, strict=True):
                if not cell.hits:
                    continue
                lines.append("")
                n, k = cell.passages, cell.sources
                said = (
                    _("{r} × {c}: {n} passage in {k} source")
                    if (n, k) == (1, 1)
                    else _("{r} × {c}: {n} passage in {k} sources")
                    if n == 1
                    else _("{r} × {c}: {n} passages in {k} source")
                    if k == 1
                    else _("{r} × {c}: {n} passages in {k} sources")
                )
                lines.append(said.format(r=r, c=c, n=n, k=k))
                for h in cell.hits:
                    flat = " ".join(h.text.split())
                    if cell_len(flat) > shown:
                        while cell_len(flat) > shown - 1:
                            flat = flat[:-1]
                        flat += "…"
                    codes = " ".join(h.codes)
                    lines.append(f"  {h.source} {h.start}–{h.end} {codes}  {flat}")
    return headers, rows, lines
