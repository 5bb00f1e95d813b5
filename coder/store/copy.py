"""Copy a whole project between backends: a file to a server, a server to a file, or either to
its own kind. Every table is copied row for row with its ids, the history included, so the copy
undoes and redoes exactly like the original and a round trip gives identical tables.

The target is built completely in one transaction (a server) or under a temporary name that is
renamed when complete (a file): an interrupted copy leaves no half-made project.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, func, insert, select, text

from coder.errors import ProjectError
from coder.i18n import _
from coder.store import engine as store_engine
from coder.store.journal import bulk_insert
from coder.store.schema import id_sequences, members, metadata

#: Rows read and written per batch (sources carry whole transcripts, so not too many).
BATCH = 2000


@dataclass
class CopyReport:
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    owner_added: str = ""
    """The login made an owner of the copy on a server (the file's members were coder names)."""

    def summary(self) -> str:
        r = self.rows
        extra = (
            f"; {self.owner_added} is an owner of the copy, to put the server's logins in the "
            "file's members' place (coder member)"
            if self.owner_added
            else ""
        )
        return (
            f"copied {r.get('sources', 0)} sources, {r.get('codes', 0)} codes, "
            f"{r.get('codings', 0)} codings, {r.get('memos', 0)} memos and "
            f"{r.get('events', 0)} events of history to {self.target}{extra}"
        )


def copy_tables(src: Connection, dst: Connection, progress: Callable[[str], None] | None) -> dict:
    """Copy every table of the schema from ``src`` to the freshly migrated schema on ``dst``."""
    counts: dict[str, int] = {}
    dst.execute(delete(id_sequences))  # the migration seeded it; the source's own comes next
    for table in metadata.sorted_tables:
        if progress:
            progress(table.name)
        cols = [c.name for c in table.columns]
        order = [table.c[c.name] for c in table.primary_key.columns]
        result = src.execution_options(stream_results=True, yield_per=BATCH).execute(
            select(table).order_by(*order)
        )
        n = 0
        for batch in result.partitions(BATCH):
            bulk_insert(dst, table, cols, [tuple(r) for r in batch])
            n += len(batch)
        counts[table.name] = n
    id_tables = [
        t for t in metadata.sorted_tables if [c.name for c in t.primary_key.columns] == ["id"]
    ]
    if src.dialect.name == "postgresql":
        # A server hands out ids from sequences: the file's next ids continue from there, so an
        # undone change copied along can still be redone.
        tracked = set(dst.execute(select(id_sequences.c.name)).scalars())
        for table in id_tables:
            if table.name not in tracked:
                continue
            last, called = src.execute(
                text(f"SELECT last_value, is_called FROM {_sequence(src, table.name)}")
            ).one()
            top = dst.execute(select(func.max(table.c.id))).scalar() or 0
            nxt = max(int(last) + (1 if called else 0), top + 1)
            dst.execute(delete(id_sequences).where(id_sequences.c.name == table.name))
            dst.execute(insert(id_sequences).values(name=table.name, next=nxt))
    if dst.dialect.name == "postgresql":
        # Rows came with their ids: move each sequence past them (and past the ids of undone
        # changes, which the file kept reserved) so new rows get fresh ids.
        kept = dict(dst.execute(select(id_sequences.c.name, id_sequences.c.next)).all())
        for table in id_tables:
            top = dst.execute(select(func.max(table.c.id))).scalar() or 0
            last = max(top, kept.get(table.name, 1) - 1)
            dst.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v, :called)"),
                {"t": table.name, "v": max(last, 1), "called": last >= 1},
            )
    return counts


def _sequence(conn: Connection, table: str) -> str:
    name = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar()
    return str(name)


@contextmanager
def _snapshot(src: Engine) -> Iterator[Connection]:
    """A connection that reads the source as of one moment, while colleagues go on writing."""
    if src.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        with src.connect().execution_options(**options) as conn, conn.begin():
            yield conn
    else:
        with src.connect() as conn, conn.begin():  # one read transaction in WAL: one snapshot
            yield conn


def _keep_a_way_in(dst: Connection) -> str:
    """On a server, members are logins. A file's members are coder names, so the login that
    copies the project becomes an owner if it is not one already (else nobody could add the
    right members); returns its name if so."""
    current = dict(dst.execute(select(members.c.name, members.c.role)).all())
    if not current:
        return ""
    login = str(dst.exec_driver_sql("SELECT session_user").scalar_one())
    if current.get(login) == "owner":
        return ""
    dst.execute(delete(members).where(members.c.name == login))
    dst.execute(insert(members).values(name=login, role="owner", added=time.time()))
    return login


def copy_project(
    src: Engine,
    dst: str | Path,
    progress: Callable[[str], None] | None = None,
) -> CopyReport:
    """Copy the project behind ``src`` (at the newest schema) to ``dst``, a new file or an
    empty (or not yet existing) server database."""
    if store_engine.is_server(dst):
        return _to_server(src, str(dst), progress)
    return _to_file(src, Path(dst), progress)


def _to_file(src: Engine, path: Path, progress: Callable[[str], None] | None) -> CopyReport:
    if path.exists():
        raise ProjectError(_("{path}: already exists; nothing was copied").format(path=path))
    if not path.parent.exists():
        raise ProjectError(
            _("{parent}: no such folder; nothing was copied").format(parent=path.parent)
        )
    report = CopyReport(str(path))
    with store_engine.new_project_file(path, "copying") as engine:
        with _snapshot(src) as s, engine.connect().execution_options(coder_write=True) as d:
            with d.begin():
                store_engine.migrate_on(d)
                report.rows = copy_tables(s, d, progress)
    return report


def _to_server(src: Engine, location: str, progress: Callable[[str], None] | None) -> CopyReport:
    where = store_engine.describe(location)
    report = CopyReport(where)
    with store_engine.new_server_database(location, _("nothing was copied")) as (engine, tables):
        if tables:
            raise ProjectError(
                _(
                    "{where}: the database is not empty ({n_tables} tables); copy into a new or empty database; nothing was copied"
                ).format(where=where, n_tables=len(tables))
            )
        with _snapshot(src) as s, engine.connect() as d, d.begin():
            store_engine.migrate_on(d)
            report.rows = copy_tables(s, d, progress)
            report.owner_added = _keep_a_way_in(d)
    engine.dispose()
    return report
