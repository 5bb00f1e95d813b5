"""A character index for full-text search: finds the sources that can hold a query, so that
search reads those instead of every text.

Chinese users type one- and two-character queries (村委, 补贴, 无), which word indexes and
SQLite's ``trigram`` tokenizer cannot answer. Here each character of a text is a token:

* in a project file, an FTS5 table over the text with a space after each character, under the
  ``ascii`` tokenizer (every character but ASCII punctuation and spaces is a token; it builds a
  quarter to a half faster than ``unicode61`` on the sheet bench, and CJK needs no folding); a
  query becomes the phrase of its characters, so one character is a unigram lookup, two a
  positional bigram, longer ones a phrase of adjacent characters;
* on a PostgreSQL server (no extension needed, pg_trgm is not assumed), a ``tsvector`` of each
  source's distinct characters, built with ``array_to_tsvector`` (no parser, no locale), under a
  GIN index; a query asks for all its characters (``'村' & '委'``).

The index only narrows the candidates: :mod:`coder.text.search` still matches the query in
each candidate's text, so a hit is exactly what a scan finds (case-insensitive, punctuation
included). Sources' texts never change once imported and their ids are never handed out twice,
so an entry never goes stale: entries of removed sources are simply not joined. The index is not
part of the journal: it is built in the import's transaction, and lazily for sources that lack
it (a project made before it, or copied from another backend).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

if TYPE_CHECKING:
    import numpy as np

#: Tables of the index (outside the journalled schema).
SQLITE_FTS = "search_fts"
SQLITE_DOCS = "search_docs"
SERVER_TABLE = "search_chars"


def tokens(value: str) -> list[str]:
    """The characters that the index keeps (letters and digits), lower-cased."""
    return [c for c in value.lower() if c.isalnum()]


_SEP = "\uffff"  # a Unicode noncharacter: never in a text
#: Texts spaced at once: big enough that numpy's work per call does not show, small enough that
#: the arrays stay in the cache (a whole 30 M-character sheet at once is several times slower).
_SPACED_BATCH = 2000
#: FTS5's buffer of pending terms (its ``hashsize``, 1 MB by default) before it writes a segment:
#: a 100,000-row sheet otherwise writes and merges hundreds of them (the index builds in half
#: the time with 32 MB; more gains nothing).
_HASH_BYTES = 32 * 1024 * 1024


def _fold_table() -> np.ndarray:
    """Code point -> folded code point (coder.text.variants) as a numpy lookup table."""
    global _FOLD
    if _FOLD is None:
        import numpy as np

        from coder.text.variants import _load

        pairs = _load()
        table = np.arange(max(pairs, default=0) + 1, dtype=np.uint32)
        table[np.fromiter(pairs.keys(), dtype=np.int64, count=len(pairs))] = np.fromiter(
            pairs.values(), dtype=np.uint32, count=len(pairs)
        )
        _FOLD = table
    return _FOLD


_FOLD: np.ndarray | None = None


def spaced(texts: list[str], *, folded: bool = False) -> list[str]:
    """Each text with a space after every character, so that each character is a token of its
    own for FTS5's ``ascii`` tokenizer; with ``folded``, also folded as
    :func:`coder.text.variants.fold` folds it (one character for one). Done for many texts at
    once with numpy over UTF-32 code units: a Python join per text, or ``str.translate`` per
    text, costs more than the index itself."""
    import numpy as np

    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1:
        joined = _SEP.join(t.replace(_SEP, " ") for t in texts)
    units = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    if folded:
        table = _fold_table()
        inside = units < table.size
        units = np.where(inside, table[np.where(inside, units, 0)], units)
    out = np.full(units.size * 2, 32, dtype=np.uint32)
    out[0::2] = units
    return [p.strip(" ") for p in out.tobytes().decode("utf-32-le").split(_SEP)]


def _ascii_tokens(query: str) -> list[str] | None:
    """The query's tokens for FTS5's ``ascii`` tokenizer over spaced text: every character but
    ASCII punctuation and spaces, ASCII letters folded. None when the query has a non-ASCII cased
    letter (the tokenizer does not fold É to é, a case-insensitive search must then scan)."""
    out = []
    for c in query:
        if c.isascii():
            if c.isalnum():
                out.append(c.lower())
        elif c.lower() != c.upper():
            return None
        elif not c.isspace():
            out.append(c)
    return out or None


def ensure_tables(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {SERVER_TABLE} "
            "(source_id INTEGER PRIMARY KEY, chars tsvector NOT NULL)"
        )
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_{SERVER_TABLE} ON {SERVER_TABLE} USING gin (chars)"
        )
        return
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_FTS} USING fts5("
        "body, content='', columnsize=0, detail=full, "
        "tokenize='ascii')"
    )
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {SQLITE_DOCS} (source_id INTEGER PRIMARY KEY)"
    )


def add(conn: Connection, rows: Iterable[tuple[int, str]]) -> int:
    """Index ``(source_id, text)`` rows in the caller's transaction; returns how many. Texts
    are indexed in their folded form (coder.text.variants: Traditional characters as
    Simplified, one for one), so that 台湾 finds the sources that wrote 台灣."""
    from coder.text.variants import fold

    ensure_tables(conn)
    done = 0
    if conn.dialect.name == "postgresql":
        batch: list[dict[str, object]] = []
        stmt = text(
            f"INSERT INTO {SERVER_TABLE} (source_id, chars) "
            "VALUES (:id, array_to_tsvector(CAST(:chars AS text[]))) ON CONFLICT DO NOTHING"
        )
        for sid, body in rows:
            batch.append({"id": sid, "chars": sorted(set(tokens(fold(body))))})
            done += 1
            if len(batch) >= 500:
                conn.execute(stmt, batch)
                batch = []
        if batch:
            conn.execute(stmt, batch)
        return done
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            f"INSERT INTO {SQLITE_FTS} ({SQLITE_FTS}, rank) VALUES ('hashsize', {_HASH_BYTES})"
        )
        ids: list[int] = []
        bodies: list[str] = []
        sql = f"INSERT INTO {SQLITE_FTS} (rowid, body) VALUES (?, ?)"

        def flush() -> None:
            cursor.executemany(
                sql, zip(ids[-len(bodies) :], spaced(bodies, folded=True), strict=True)
            )
            bodies.clear()

        for sid, body in rows:
            ids.append(sid)
            bodies.append(body)
            if len(bodies) >= _SPACED_BATCH:
                flush()
        if bodies:
            flush()
        cursor.executemany(
            f"INSERT OR IGNORE INTO {SQLITE_DOCS} (source_id) VALUES (?)", ((i,) for i in ids)
        )
        done = len(ids)
    finally:
        cursor.close()
    return done


def missing(conn: Connection) -> list[int]:
    """Sources not in the index yet."""
    table = SERVER_TABLE if conn.dialect.name == "postgresql" else SQLITE_DOCS
    return [
        int(r[0])
        for r in conn.exec_driver_sql(
            f"SELECT s.id FROM sources s LEFT JOIN {table} d ON d.source_id = s.id "
            "WHERE d.source_id IS NULL"
        )
    ]


def exists(conn: Connection) -> bool:
    if conn.dialect.name == "postgresql":
        return bool(conn.exec_driver_sql(f"SELECT to_regclass('{SERVER_TABLE}')").scalar())
    return bool(
        conn.exec_driver_sql(f"SELECT 1 FROM sqlite_master WHERE name = '{SQLITE_DOCS}'").first()
    )


def candidates(conn: Connection, query: str) -> Sequence[int] | None:
    """Ids of the sources that may contain ``query`` (a plain, case-insensitive string), or
    None when the index cannot narrow it (no letters or digits in the query)."""
    from coder.text.variants import fold

    query = fold(query)
    chars = tokens(query)
    if not chars:
        return None
    if conn.dialect.name == "postgresql":
        wanted = " & ".join(f"'{c}'" for c in sorted(set(chars)) if c not in "'\\")
        return [
            int(r[0])
            for r in conn.execute(
                text(f"SELECT source_id FROM {SERVER_TABLE} WHERE chars @@ CAST(:q AS tsquery)"),
                {"q": wanted},
            )
        ]
    words = _ascii_tokens(query)
    if not words:
        return None
    phrase = '"' + " ".join(words).replace('"', '""') + '"'
    return [
        int(r[0])
        for r in conn.exec_driver_sql(
            f"SELECT rowid FROM {SQLITE_FTS} WHERE {SQLITE_FTS} MATCH ?", (phrase,)
        )
    ]
