"""Keyword in context over all sources: plain text or a regular expression, Chinese without spaces.

Traditional and Simplified characters match each other (台湾 finds 台灣 and the reverse): the query
and the text are compared in their folded forms (``coder.text.variants``), which have the text's
length, so hits are reported at the original text's offsets and with its characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from coder.errors import InvalidInput
from coder.store.schema import sources
from coder.text.variants import fold


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
    pattern = compile_query(fold(query), regex=regex)
    hits: list[Hit] = []
    with project._read() as conn:
        rows = conn.execute(
            select(sources.c.id, sources.c.name, sources.c.text).order_by(sources.c.position)
        )
        for sid, name, text in rows:
            for m in pattern.finditer(fold(text)):
                start, end = m.span()
                if end == start:
                    continue
                left = text[max(0, start - context) : start].replace("\n", " ")
                right = text[end : end + context].replace("\n", " ")
                hits.append(Hit(name, sid, start, end, left, text[start:end], right))
                if limit is not None and len(hits) >= limit:
                    return hits
    return hits
