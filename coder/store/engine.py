"""Database engines for projects, and the schema migrations that keep them current.

A project is either one SQLite file (WAL, foreign keys on, a bounded busy wait), the embedded
default, or one database on a PostgreSQL server (psycopg 3), for teams coding at the same time.
A file carries an ``application_id`` so that the program can tell its own projects from other
SQLite files; a server database is recognised by its schema version table and settings.

Where the two backends need different SQL, the switch is here or in ``coder.store.journal`` and
is covered by the suites that run on both (``tests/unit/test_facade.py``, ``tests/unit/test_store.py``,
``tests/server/test_server.py``).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError

from coder.errors import ProjectError
from coder.i18n import _

# What a location is, without SQLAlchemy (the served login screen needs it before the store);
# re-exported here, where the rest of the code has always found it.
from coder.store.locations import SECRET_PARAMS as SECRET_PARAMS
from coder.store.locations import SERVER_SCHEMES as SERVER_SCHEMES
from coder.store.locations import describe
from coder.store.locations import is_server as is_server

#: ``PRAGMA application_id`` of a coder project: the bytes "QDAc".
APPLICATION_ID = 0x51444163
#: The newest migration. A test checks that it is Alembic's head.
SCHEMA_HEAD = "0011"
#: How long a writer waits for another process's write to finish before the project is "busy".
BUSY_TIMEOUT_MS = 5000

#: Bytes of the project file that SQLite reads through a memory map.
MMAP_BYTES = 256 * 1024 * 1024

_MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_engine(path: Path) -> Engine:
    """An engine for the SQLite project file at ``path`` with the program's connection settings."""
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's begin() decide when a transaction starts (see _begin below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Transcripts are long texts stored in overflow pages: reading them through a memory map
        # and a 64 MB page cache halves the time to fetch coded passages (measured in bench/).
        cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        # Writers take the write lock at once, so two writers queue instead of deadlocking on
        # a lock upgrade; readers never block anyone in WAL mode.
        mode = "IMMEDIATE" if conn.get_execution_options().get("coder_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


#: pg_advisory_xact_lock key of codebook edits (any fixed number; "QDAC" in ASCII).
CODEBOOK_LOCK = 0x51444143
#: The channel on which a server announces each new event (LISTEN coder_changes).
NOTIFY_CHANNEL = "coder_changes"

#: A pooled server connection idle longer than this is pinged before it is used again.
IDLE_PING_S = 20.0
#: How long a server writer waits for a row another coder has locked before "busy".
LOCK_TIMEOUT_MS = 5000


def server_url(location: str) -> URL:
    """The SQLAlchemy URL (psycopg 3 driver) for a ``postgresql://`` location."""
    netloc = location.partition("://")[2].partition("/")[0]
    if netloc.count("@") > 1:
        raise ProjectError(
            _(
                "{describe}: the password in the URL holds an '@'; write it as %40, or better keep it in ~/.pgpass or PGPASSWORD; nothing was changed"
            ).format(describe=describe(location))
        )
    try:
        url = make_url(location)
    except ArgumentError as exc:
        raise ProjectError(
            _("{describe}: not a valid server URL; nothing was changed").format(
                describe=describe(location)
            )
        ) from exc
    if not url.database:
        raise ProjectError(
            _(
                "{describe}: the URL names no database (postgresql://USER@HOST/DATABASE); nothing was changed"
            ).format(describe=describe(location))
        )
    return url.set(drivername="postgresql+psycopg")


def server_engine(url: URL) -> Engine:
    """An engine for a project database on a PostgreSQL server."""
    engine = create_engine(
        url,
        # No pre-ping before every use (a round trip each time, which a distant server makes
        # slow): only a connection idle for a while is pinged (see _checkout below), and TCP
        # keepalives keep idle connections open through firewalls.
        connect_args={
            "connect_timeout": 10,
            "application_name": "coder",
            "keepalives": 1,
            "keepalives_idle": 60,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        },
    )

    @event.listens_for(engine.pool, "checkin")
    def _checkin(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _checkout(dbapi_connection, record, _proxy) -> None:
        # A connection that sat idle (the workbench between two codings, a server restarted
        # meanwhile) is tried first; a dead one is replaced before anyone's change uses it.
        idle = time.monotonic() - record.info.get("idle_since", time.monotonic())
        if idle < IDLE_PING_S:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as exc:
            raise DisconnectionError("the server connection went away") from exc

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record: object) -> None:
        with dbapi_connection.cursor() as cursor:
            # A writer blocked by a colleague's row lock gives up after a bounded wait ("busy")
            # instead of hanging the TUI.
            cursor.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
        dbapi_connection.commit()

    return engine


def create_server_database(url: URL) -> bool:
    """Create the database ``url`` names if it does not exist; True if it was created here.

    Needs the CREATEDB privilege; without it the administrator creates the database first.
    """
    from sqlalchemy.exc import OperationalError, ProgrammingError

    probe = create_engine(url, connect_args={"connect_timeout": 10})
    try:
        with probe.connect():
            return False
    except OperationalError as exc:
        if "does not exist" not in str(exc.orig):
            raise ProjectError(
                _("{describe}: cannot connect ({server_reason}); nothing was created").format(
                    describe=describe(url.render_as_string(hide_password=False)),
                    server_reason=server_reason(exc),
                )
            ) from exc
    finally:
        probe.dispose()
    admin = create_engine(
        url.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 10},
    )
    try:
        with admin.connect() as conn:
            name = url.database.replace('"', '""')  # type: ignore[union-attr]
            conn.exec_driver_sql(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    except (OperationalError, ProgrammingError) as exc:
        raise ProjectError(
            _(
                "{describe}: the database does not exist and cannot be created ({server_reason}); ask the server's administrator to create it; nothing was created"
            ).format(
                describe=describe(url.render_as_string(hide_password=False)),
                server_reason=server_reason(exc),
            )
        ) from exc
    finally:
        admin.dispose()
    return True


def drop_server_database(url: URL) -> None:
    """Remove a database this program created a moment ago (a create that failed)."""
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            name = url.database.replace('"', '""')  # type: ignore[union-attr]
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    except Exception:  # best effort: the create already failed and says so
        pass
    finally:
        admin.dispose()


def server_reason(exc: Exception) -> str:
    """The server's one-line reason for ``exc`` (psycopg's message), without any password."""
    orig = getattr(exc, "orig", exc)
    lines = [ln.strip() for ln in str(orig).splitlines() if ln.strip()]
    # psycopg puts the useful part last ("FATAL:  database ... does not exist").
    reason = lines[-1] if lines else type(orig).__name__
    return reason.replace("FATAL:  ", "").replace("ERROR:  ", "")


@contextmanager
def new_project_file(path: Path, doing: str) -> Iterator[Engine]:
    """An engine on a new project file built beside ``path`` (``.NAME.PID.doing``) and moved
    into place when the block completes, so an interrupted create or copy leaves no half-made
    project behind; on any error the temporary file goes."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{doing}")
    sidecars = (Path(f"{tmp}-wal"), Path(f"{tmp}-shm"))
    engine = sqlite_engine(tmp)
    try:
        set_application_id(engine)
        yield engine
        checkpoint(engine)
        engine.dispose()
        os.replace(tmp, path)
    except BaseException:
        engine.dispose()
        for leftover in (tmp, *sidecars):
            leftover.unlink(missing_ok=True)
        raise
    for leftover in sidecars:
        leftover.unlink(missing_ok=True)


@contextmanager
def new_server_database(location: str, nothing: str) -> Iterator[tuple[Engine, list[str]]]:
    """An engine on the database ``location`` names, made here if it does not exist, with the
    tables it holds already. If the block fails, a database made here is dropped again (and the
    engine closed); on success the caller owns the engine. ``nothing``: the end of messages,
    e.g. "nothing was created"."""
    url = server_url(location)
    created = create_server_database(url)
    engine = server_engine(url)
    try:
        try:
            tables = table_names(engine)
        except OperationalError as exc:
            raise ProjectError(
                _("{describe}: cannot connect ({server_reason}); {nothing}").format(
                    describe=describe(location), server_reason=server_reason(exc), nothing=nothing
                )
            ) from exc
        yield engine, tables
    except BaseException:
        engine.dispose()
        if created:
            drop_server_database(url)
        raise


def check_project_file(path: Path) -> None:
    """Raise ProjectError unless ``path`` is an existing coder project file."""
    if not path.exists():
        raise ProjectError(_("{path}: no such project file; nothing was changed").format(path=path))
    if path.is_dir():
        raise ProjectError(
            _("{path}: is a folder, not a project file; nothing was changed").format(path=path)
        )
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise ProjectError(
            _("{path}: not a coder project file; nothing was changed").format(path=path)
        )
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise ProjectError(
            _(
                "{path}: an SQLite database but not a coder project file; nothing was changed"
            ).format(path=path)
        )


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the project, or None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def table_names(engine: Engine) -> list[str]:
    """The tables in the database (to refuse creating a project in a database in use)."""
    with engine.connect() as conn:
        return inspect(conn).get_table_names()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (Alembic), in one transaction."""
    with engine.connect().execution_options(coder_write=True) as conn, conn.begin():
        migrate_on(conn, revision)


def migrate_on(conn: Connection, revision: str = "head") -> None:
    """Run the migrations on ``conn`` inside the caller's transaction."""
    from alembic import command
    from alembic.config import Config

    if conn.dialect.name == "postgresql":
        # Two programs opening an old project at once: the second waits, then finds it current.
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(5144416300)")
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


def set_application_id(engine: Engine) -> None:
    """Mark the file as a coder project."""
    _pragma(engine, f"PRAGMA application_id={APPLICATION_ID}")


def checkpoint(engine: Engine) -> None:
    """Fold the write-ahead log into the main file (used before the file is moved or copied)."""
    _pragma(engine, "PRAGMA wal_checkpoint(TRUNCATE)")


def _pragma(engine: Engine, statement: str) -> None:
    # Outside any transaction: SQLAlchemy would otherwise roll the pragma back with its implicit
    # transaction.
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute(statement)  # type: ignore[union-attr]
    finally:
        raw.close()


def alembic_head() -> str:
    """Alembic's idea of the newest migration (used by tests against SCHEMA_HEAD)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head
