"""Keyword in context over all sources: plain text or a regular expression, Chinese without spaces.

Traditional and Simplified characters match each other (台湾 finds 台灣 and the reverse): the query
and the text are compared in their folded forms (``coder.text.variants``), which have the text's
length, so hits are reported at the original text's offsets and with its characters.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from coder.errors import InvalidInput
from coder.i18n import _
from coder.store.schema import sources
from coder.text import index
from coder.text.variants import fold

if TYPE_CHECKING:
    from coder.project import Project


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
        raise InvalidInput(_("an empty search finds everything; give a word or a pattern"))
    flags = re.IGNORECASE if ignore_case else 0
    try:
        return re.compile(query if regex else re.escape(query), flags)
    except re.error as exc:
        raise InvalidInput(
            _("{query!r} is not a valid regular expression ({exc})").format(query=query, exc=exc)
        ) from None


def search(
    project: Project,
    query: str,
    *,
    regex: bool = False,
    context: int = 20,
    limit: int | None = None,
) -> list[Hit]:
    """Every match in every source, in import order, with ``context`` characters either side
    (line breaks shown as spaces)."""
    pattern = compile_query(fold(query), regex=regex)
    hits: list[Hit] = []
    wanted = None if regex else _candidates(project, query)
    with project.read() as conn:
        if wanted is None:
            rows: Iterable[Any] = conn.execute(
                select(sources.c.id, sources.c.name, sources.c.text).order_by(sources.c.position)
            )
        else:
            rows = _rows(conn, wanted)
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


#: Each open project's change token when its index was last found complete.
_COMPLETE: weakref.WeakKeyDictionary[Any, tuple[int, float]] = weakref.WeakKeyDictionary()


def _candidates(project: Project, query: str) -> list[int] | None:
    """Sources the character index says may hold ``query``; None: read them all (no index can
    narrow the query, or the index cannot be built here, e.g. a reader on a server)."""
    try:
        token = project.change_token()
        with project.read() as conn:
            # Whether every source is indexed is asked again only once the project has changed
            # (a new event, an undo or a redo): the check reads all source ids.
            ready = _COMPLETE.get(project) == token or (
                index.exists(conn) and not index.missing(conn)
            )
            if ready:
                _COMPLETE[project] = token
                found = index.candidates(conn, query)
                return None if found is None else list(found)
        build_index(project)
        _COMPLETE[project] = token
        with project.read() as conn:
            found = index.candidates(conn, query)
            return None if found is None else list(found)
    except SQLAlchemyError:
        return None


def build_index(project: Project) -> int:
    """Index the sources that are not in the search index yet (a project from before it);
    returns how many were added."""
    engine = project._engine
    with engine.connect().execution_options(coder_write=True) as conn, conn.begin():
        index.ensure_tables(conn)
        todo = index.missing(conn)
        for i in range(0, len(todo), 500):
            chunk = todo[i : i + 500]
            index.add(
                conn,
                conn.execute(select(sources.c.id, sources.c.text).where(sources.c.id.in_(chunk))),
            )
        return len(todo)


def _rows(conn: Any, ids: list[int]) -> list[tuple[int, str, str]]:
    """The candidates' names and texts, in import order."""
    out = []
    ids = sorted(set(ids))
    for i in range(0, len(ids), 500):
        out += conn.execute(
            select(sources.c.id, sources.c.name, sources.c.text, sources.c.position).where(
                sources.c.id.in_(ids[i : i + 500])
            )
        ).all()
    out.sort(key=lambda r: r[3])
    return [(r[0], r[1], r[2]) for r in out]
