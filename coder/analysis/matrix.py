"""Code × case and code × attribute matrices (e.g. codes by 职务 group).

Counts are rolled up as in :mod:`coder.analysis.frequencies`, so a row's cells add up to the
code's frequency. Every source in scope is placed in exactly one column: its case, itself, or the
value of an attribute (the source's own, else its case's); sources without that attribute form a
column of their own, ``(missing)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from coder.analysis.data import (
    SOURCE,
    Hierarchy,
    columns_of,
    distinct_rows,
    known_attributes,
    load_rows,
    source_ids,
)
from coder.analysis.frequencies import rolled
from coder.errors import InvalidInput
from coder.i18n import _

if TYPE_CHECKING:
    from coder.project import Project


MISSING = "(missing)"
NO_CASE = "(no case)"


@dataclass(frozen=True, slots=True)
class MatrixRow:
    code_id: int
    label: str
    code: str
    level: str
    codings: tuple[int, ...]
    """Per column: codings (rolled up) in that column's sources."""
    sources: tuple[int, ...]
    """Per column: how many of that column's sources have the code."""

    @property
    def total(self) -> int:
        return sum(self.codings)

    @property
    def shares(self) -> tuple[float, ...]:
        """Per column: the share of the code's codings that come from that column."""
        total = self.total
        return tuple(n / total if total else 0.0 for n in self.codings)


@dataclass(frozen=True)
class Matrix:
    by: str
    """``case``, ``source`` or an attribute name."""
    columns: tuple[str, ...]
    column_sources: tuple[int, ...]
    """How many sources each column holds."""
    rows: tuple[MatrixRow, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "columns": [
                {"value": v, "sources": n}
                for v, n in zip(self.columns, self.column_sources, strict=True)
            ],
            "rows": [
                {
                    "code": r.code,
                    "label": r.label,
                    "level": r.level,
                    "codings": r.total,
                    "cells": [
                        {
                            "column": col,
                            "codings": n,
                            "sources": s,
                            "share": round(share, 6),
                            "source_share": round(s / size, 6) if size else 0.0,
                        }
                        for col, n, s, share, size in zip(
                            self.columns,
                            r.codings,
                            r.sources,
                            r.shares,
                            self.column_sources,
                            strict=True,
                        )
                    ],
                }
                for r in self.rows
            ],
        }


def columns_by(
    project: Project, by: str, scope: list[int] | None = None, *, nothing: str = "changed"
) -> tuple[dict[int, str], list[str]]:
    """Each source's column for ``by`` (``case``, ``source`` or an attribute) and the columns in
    order: first appearance (import order), or value for a number or date attribute, with a
    ``(missing)`` or ``(no case)`` column last. An unknown attribute is an InvalidInput saying
    ``nothing was {nothing}``."""
    if by not in ("case", "source"):
        names = known_attributes(project)
        if by not in names:
            known = ", ".join(["case", "source", *names])
            message = (
                _("no attribute named {by!r} (known: {known}); nothing was run")
                if nothing == "run"
                else _("no attribute named {by!r} (known: {known}); nothing was changed")
            )
            raise InvalidInput(message.format(by=by, known=known))
    empty = NO_CASE if by == "case" else MISSING
    column_of = {sid: v or empty for sid, v in columns_of(project, by, scope).items()}
    columns = list(dict.fromkeys(v for v in column_of.values() if v not in (MISSING, NO_CASE)))
    kind = project.attribute_types().get(by) if by not in ("case", "source") else None
    if kind == "number":  # typed attributes order as numbers and dates, not as text
        columns.sort(key=float)
    elif kind == "date":
        columns.sort()
    columns += [v for v in (MISSING, NO_CASE) if v in column_of.values()]
    return column_of, columns


def matrix(
    project: Project,
    by: str = "case",
    *,
    coder: str | None = None,
    sources: str | Sequence[str] | None = None,
) -> Matrix:
    """Codings and sources per code and column; columns in order of first appearance (import
    order), or of value for a number or date attribute, a ``(missing)`` or ``(no case)`` column
    last."""
    scope = source_ids(project, sources)
    column_of, columns = columns_by(project, by, scope)
    index = {v: i for i, v in enumerate(columns)}
    sizes = [0] * len(columns)
    for v in column_of.values():
        sizes[index[v]] += 1

    hierarchy = Hierarchy.of(project)
    rows = load_rows(project, coder=coder, sources=sources)
    code, coding = rolled(rows, hierarchy)
    known = sorted(column_of)
    column = np.array([index[column_of[sid]] for sid in known], dtype=np.int64)
    col = column[np.searchsorted(np.array(known, dtype=np.int64), rows[coding, SOURCE])]
    width = len(columns)
    counts = np.bincount(code * width + col, minlength=len(hierarchy.codes) * width)
    present = distinct_rows(code, rows[coding, SOURCE])
    seen = np.bincount(code[present] * width + col[present], minlength=len(hierarchy.codes) * width)
    return Matrix(
        by,
        tuple(columns),
        tuple(sizes),
        tuple(
            MatrixRow(
                c.id,
                c.label,
                c.name,
                c.level,
                tuple(counts[i * width : (i + 1) * width].tolist()),
                tuple(seen[i * width : (i + 1) * width].tolist()),
            )
            for i, c in enumerate(hierarchy.codes)
        ),
    )
