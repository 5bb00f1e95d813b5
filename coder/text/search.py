"""Keyword in context over all sources: plain text or a regular expression, Chinese without spaces."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from coder.errors import InvalidInput
from coder.store.schema import sources


@dataclass(frozen=True, slots=True)
class Hit:
    source: str
    source_id: int
    start: int
    end: int
    left: str
    match: str
    right: str


def compile_query(query: str, *, regex: bool = False, ignore_case: bool = True) -> re.Pattern[str]:
    if not query:
        raise InvalidInput("an empty search finds everything; give a word or a pattern")
    flags = re.IGNORECASE if ignore_case else 0
    try:
        return re.compile(query if regex else re.escape(query), flags)
    except re.error as exc:
        raise InvalidInput(f"{query!r} is not a valid regular expression ({exc})") from None


def search(
    project: Any, query: str, *, regex: bool = False, context: int = 20, limit: int | None = None
) -> list[Hit]:
    """Every match in every source, in import order, with ``context`` characters either side
    (line breaks shown as spaces)."""
    pattern = compile_query(query, regex=regex)
    hits: list[Hit] = []
    with project._read() as conn:
        rows = conn.execute(
            select(sources.c.id, sources.c.name, sources.c.text).order_by(sources.c.position)
        )
        for sid, name, text in rows:
            for m in pattern.finditer(text):
                if m.end() == m.start():
                    continue
                left = text[max(0, m.start() - context) : m.start()].replace("\n", " ")
                right = text[m.end() : m.end() + context].replace("\n", " ")
                hits.append(Hit(name, sid, m.start(), m.end(), left, m.group(0), right))
                if limit is not None and len(hits) >= limit:
                    return hits
    return hits
