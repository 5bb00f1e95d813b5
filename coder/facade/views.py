"""Read-only queries that the workbench's screens show: how much of each source is coded, and the
memos on a source's codings. They read the store here, so that no screen needs its schema."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import func, select

from coder.i18n import _
from coder.store.core import ProjectCore
from coder.store.schema import cases, coders, codings, source_attributes, sources


@dataclass(slots=True)
class SourceRow:
    """What the sources pane shows and filters by: never the text."""

    id: int
    name: str
    case: str
    attributes: dict[str, str] = field(default_factory=dict)
    haystack: str = ""
    """Name, case and attribute values, lower-cased, for the pane's text filter."""


class ViewOps(ProjectCore):
    """Mixed into :class:`coder.project.Project`."""

    def coded_shares(self) -> dict[int, float]:
        """The share of each source's text that is coded by anyone, by source id (0.0 for a
        source without codings). Overlapping codings count their characters once."""
        with self.read() as conn:
            chars = dict(conn.execute(select(sources.c.id, sources.c.chars)).all())
            rows = conn.execute(
                select(codings.c.source_id, codings.c.start, codings.c.end).order_by(
                    codings.c.source_id, codings.c.start
                )
            )
            covered: dict[int, int] = {}
            reach: dict[int, int] = {}
            for sid, start, end in rows:
                # Sorted by start: a coding adds only what reaches past the furthest end so far.
                far = reach.get(sid, -1)
                if end > far:
                    covered[sid] = covered.get(sid, 0) + end - max(start, far)
                    reach[sid] = end
        return {sid: covered.get(sid, 0) / max(n, 1) for sid, n in chars.items()}

    def source_rows(self, attributes: Sequence[str] | None = None) -> list[SourceRow]:
        """Every source's id, name, case and attributes (only those named ``attributes`` if
        given) in import order, in two queries that read no source text (the sources pane of a
        100,000-source project opens on the names and roles, and reads the rest in a worker).

        The rows come straight from the driver's cursor: at 100,000 sources and 300,000
        attribute values SQLAlchemy's result rows cost seconds, the cursor a tenth of that."""
        return self._source_rows(attributes)

    def source_page(
        self, offset: int, limit: int, attributes: Sequence[str] | None = None
    ) -> list[SourceRow]:
        """``limit`` sources from the ``offset``-th in import order, as ``source_rows`` gives
        them: the sources pane reads the page it shows, not the whole list."""
        return self._source_rows(attributes, offset=offset, limit=limit)

    def source_count(self) -> int:
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(sources)).scalar_one())

    def source_index(self, source_id: int) -> int | None:
        """Where a source stands in import order (0 for the first), or None if there is none."""
        with self.read() as conn:
            position = conn.execute(
                select(sources.c.position).where(sources.c.id == source_id)
            ).scalar_one_or_none()
            if position is None:
                return None
            return int(
                conn.execute(
                    select(func.count()).select_from(sources).where(sources.c.position < position)
                ).scalar_one()
            )

    def _source_rows(
        self,
        attributes: Sequence[str] | None,
        *,
        offset: int | None = None,
        limit: int | None = None,
    ) -> list[SourceRow]:
        # The covering index ix_sources_list (migration 0010) answers this without the table.
        names = (
            select(sources.c.id, sources.c.name, cases.c.name)
            .select_from(sources.outerjoin(cases, cases.c.id == sources.c.case_id))
            .order_by(sources.c.position)
        )
        if limit is not None:
            names = names.limit(limit).offset(offset or 0)
        values: Any = select(
            source_attributes.c.source_id, source_attributes.c.name, source_attributes.c.value
        )
        if attributes is not None:
            values = values.where(source_attributes.c.name.in_(list(attributes)))
        with self.read() as conn:
            rows = [SourceRow(sid, name, case or "") for sid, name, case in _fetch(conn, names)]
            by_id = {r.id: r for r in rows}
            if limit is not None:  # a page: the attributes of its sources only
                if not rows or attributes is not None and not attributes:
                    values = None
                else:
                    values = values.where(source_attributes.c.source_id.in_(list(by_id)))
            for sid, key, value in _fetch(conn, values) if values is not None else ():
                row = by_id.get(sid)
                if row is not None:
                    row.attributes[key] = value
        for r in rows:
            r.haystack = "\n".join((r.name, r.case, *r.attributes.values())).lower()
        return rows

    def coded_source_ids(self, coder: str | None = None) -> set[int]:
        """Ids of the sources with at least one coding (by ``coder`` if named, else by anyone)."""
        query = select(codings.c.source_id).distinct()
        if coder is not None:
            query = query.join(coders, coders.c.id == codings.c.coder_id).where(
                coders.c.name == coder
            )
        with self.read() as conn:
            return set(conn.execute(query).scalars())

    def coding_memos(self, source_id: int) -> dict[int, str]:
        """The memos on a source's codings, by coding id (codings without a memo left out)."""
        with self.read() as conn:
            rows = conn.execute(
                select(codings.c.id, codings.c.memo).where(
                    codings.c.source_id == source_id, codings.c.memo != ""
                )
            ).all()
        return {cid: memo for cid, memo in rows}


def _fetch(conn, query) -> list[tuple]:
    """All rows of a query without parameters, from the DB-API cursor (SQLite or PostgreSQL)."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


class SourcePages(Sequence[SourceRow]):
    """The sources in import order as a sequence read a page at a time (``Project.source_page``):
    what the sources pane shows while the whole list (which its filter needs) is still being
    read, so that a 100,000-source project opens on the page on screen. A page once read is
    kept; iterating reads every page."""

    PAGE = 200

    def __init__(self, project: Any, attributes: Sequence[str] | None = None) -> None:
        self._project = project
        self._attributes = attributes
        self.total = project.source_count()
        self._pages: dict[int, list[SourceRow]] = {}

    def __len__(self) -> int:
        return self.total

    def _page(self, number: int) -> list[SourceRow]:
        page = self._pages.get(number)
        if page is None:
            page = self._project.source_page(number * self.PAGE, self.PAGE, self._attributes)
            self._pages[number] = page
        return page

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.total))]
        if index < 0:
            index += self.total
        if not 0 <= index < self.total:
            raise IndexError(index)
        page = self._page(index // self.PAGE)
        offset = index % self.PAGE
        if offset >= len(page):  # the project changed under the pages
            raise IndexError(index)
        return page[offset]

    def index_of(self, source_id: int) -> int | None:
        for number, page in self._pages.items():
            for i, row in enumerate(page):
                if row.id == source_id:
                    return number * self.PAGE + i
        return self._project.source_index(source_id)

    @property
    def loaded(self) -> list[SourceRow]:
        """The rows read so far."""
        return [r for _n, page in sorted(self._pages.items()) for r in page]


#: Words of the sources pane's filter that are not text to find.
CODED, UNCODED = "is:coded", "is:uncoded"
SET_WORD = "set:"


class SourceFilter:
    """The sources pane's filter: words separated by spaces, every one must hold.

    - ``ATTR=VALUE`` (also ``!=``, ``>=``, ``<=``, ``>``, ``<``) on an attribute the project has:
      numbers and dates compare as such (``留言时间>=2019-03-01 留言时间<2019-04-01`` is a range);
    - ``set:NAME``: the sources of a saved set, in the set's order;
    - ``is:coded`` / ``is:uncoded``: with or without codings;
    - anything else: part of the name, the case or an attribute value (case-insensitive).

    Each word's matches are kept, so typing one more character recomputes only the last word.
    """

    def __init__(
        self,
        rows: Sequence[SourceRow],
        *,
        types: dict[str, str],
        sets: Callable[[], dict[str, tuple[int, ...]]],
        coded: Callable[[], set[int]],
    ) -> None:
        self.rows = list(rows)
        self.types = types
        self._sets = sets
        self._coded = coded
        self._cache: dict[str, set[int] | None] = {}
        self._text: set[str] = set()
        """The cached words that were text to find (not conditions, sets or is:)."""
        self._rows_by_id: dict[int, SourceRow] | None = None
        self._columns: dict[str, list[tuple[int, str]]] = {}
        self.notes: list[str] = []

    def forget(self, *, coded_only: bool = False) -> None:
        """Drop remembered matches (after a coding changes what is coded, or after a change)."""
        if coded_only:
            for word in (CODED, UNCODED):
                self._cache.pop(word, None)
        else:
            self._cache.clear()

    def apply(self, text: str) -> list[SourceRow]:
        """The rows that meet every word, in import order (in a set's order if one is named)."""
        self.notes = []
        order: list[SourceRow] = self.rows
        keep: list[set[int]] = []
        for word in text.split():
            if word.lower().startswith(SET_WORD):
                members = self._sets().get(word[len(SET_WORD) :])
                if members is None:
                    self.notes.append(_("no set named {name!r}").format(name=word[len(SET_WORD) :]))
                    continue
                by_id = self._by_id()
                order = [by_id[i] for i in members if i in by_id]
                continue
            if word not in self._cache:
                self._cache[word] = self._match(word)
            found = self._cache[word]
            if found is not None and len(found) < len(self.rows):  # a word all rows meet: no test
                keep.append(found)
        if not keep:
            return list(order)
        keep.sort(key=len)
        first, rest = keep[0], keep[1:]
        if not rest:
            return [r for r in order if r.id in first]
        return [r for r in order if r.id in first and all(r.id in k for k in rest)]

    def _match(self, word: str) -> set[int] | None:
        low = word.lower()
        if low in (CODED, UNCODED):
            coded = self._coded()
            if low == CODED:
                return coded
            return {r.id for r in self.rows if r.id not in coded}
        condition = _condition(word, self.types)
        if condition is not None:
            name, test = condition
            if test is None:
                kind = self.types[name]
                self.notes.append(
                    (
                        _("{word}: not a number; ignored")
                        if kind == "number"
                        else _("{word}: not a date; ignored")
                        if kind == "date"
                        else _("{word}: not a {kind}; ignored")
                    ).format(word=word, kind=kind)
                )
                return None
            numeric = self.types[name] == "number" and word[len(name) :][:1] in "<>"
            column: list[tuple[int, Any]] = self._numbers(name) if numeric else self._column(name)
            return {i for i, value in column if test(value)}
        # Typed one character at a time: search only among what the word without it matched.
        narrower = self._cache.get(word[:-1]) if len(word) > 1 and word[:-1] in self._text else None
        if narrower is not None and len(narrower) < len(self.rows):
            by_id = self._by_id()
            found = {i for i in narrower if low in by_id[i].haystack}
        else:
            found = {r.id for r in self.rows if low in r.haystack}
        self._text.add(word)
        return found

    def prepare(self) -> None:
        """Build every attribute's column ahead of the first key that needs it (a worker's job:
        at 100,000 sources a column costs about as much as the key's whole budget)."""
        for name, kind in self.types.items():
            if kind == "number":
                self._numbers(name)
            else:
                self._column(name)

    def _column(self, name: str) -> list[tuple[int, str]]:
        """``(source id, value)`` of one attribute, for the sources that have it (kept)."""
        if name not in self._columns:
            self._columns[name] = [
                (r.id, r.attributes[name]) for r in self.rows if name in r.attributes
            ]
        return self._columns[name]

    def _numbers(self, name: str) -> list[tuple[int, float]]:
        """``(source id, number)`` of a number attribute (values that are no number left out)."""
        key = "#" + name
        if key not in self._columns:
            out = []
            for i, value in self._column(name):
                try:
                    out.append((i, float(value)))
                except ValueError:
                    continue
            self._columns[key] = out  # type: ignore[assignment]
        return self._columns[key]  # type: ignore[return-value]

    def _by_id(self) -> dict[int, SourceRow]:
        if self._rows_by_id is None:
            self._rows_by_id = {r.id: r for r in self.rows}
        return self._rows_by_id


def _condition(word: str, types: dict[str, str]) -> tuple[str, Callable[[Any], bool] | None] | None:
    """``(attribute, test)`` if ``word`` is a condition on an attribute the project has (the test
    None when the value cannot be compared), else None (the word is text to find)."""
    from coder.facade.sheets import _OPS

    for op in _OPS:
        name, sep, wanted = word.partition(op)
        if sep and name in types:
            return name, (_test(types[name], op, wanted) if wanted else None)
    return None


def _test(kind: str, op: str, wanted: str) -> Callable[[Any], bool] | None:
    """A test of one attribute value against ``wanted`` (the comparison of
    :func:`coder.facade.sheets.parse_where`, with the wanted value parsed once, not per row)."""
    from coder.text.sheets import as_date, as_number

    if kind == "number" and op not in ("=", "!="):
        # Compared with the attribute's values as numbers (SourceFilter._numbers).
        number = as_number(wanted)
        return None if number is None else partial(_MIRRORED[op], float(number))
    if kind == "date":
        day = as_date(wanted)
        if day is None:
            return None
        if op in ("=", "!="):
            same = op == "="
            return lambda v: (v == day or (len(day) == 10 and v[:10] == day)) == same
        # A bare day after <= or > stands for its last moment.
        bound = day + " 99" if len(day) == 10 and op in ("<=", ">") else day
        return partial(_MIRRORED[op], bound)  # C-level: a quarter of a lambda's time per row
    if kind == "number":  # stored in canonical text (coder.text.sheets.as_number)
        return partial(_MIRRORED[op], as_number(wanted) or wanted)
    return partial(_MIRRORED[op], wanted)


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
#: ``value OP bound`` as ``MIRRORED[OP](bound, value)``, for ``partial(…, bound)``.
_MIRRORED: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">=": operator.le,
    "<=": operator.ge,
    ">": operator.lt,
    "<": operator.gt,
}
