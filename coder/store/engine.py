"""Database engines for project files, and the schema migrations that keep them current.

A project is one SQLite file (WAL, foreign keys on, a bounded busy wait). The file carries an
``application_id`` so that the program can tell its own projects from other SQLite files.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text

from coder.errors import ProjectError

#: ``PRAGMA application_id`` of a coder project: the bytes "QDAc".
APPLICATION_ID = 0x51444163
#: The newest migration. A test checks that it is Alembic's head.
SCHEMA_HEAD = "0002"
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
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        # Writers take the write lock at once, so two writers queue instead of deadlocking on
        # a lock upgrade; readers never block anyone in WAL mode.
        mode = "IMMEDIATE" if conn.get_execution_options().get("coder_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def check_project_file(path: Path) -> None:
    """Raise ProjectError unless ``path`` is an existing coder project file."""
    if not path.exists():
        raise ProjectError(f"{path}: no such project file; nothing was changed")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file; nothing was changed")
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise ProjectError(f"{path}: not a coder project file; nothing was changed")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise ProjectError(
            f"{path}: an SQLite database but not a coder project file; nothing was changed"
        )


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the project, or None for an empty database."""
    with engine.connect() as conn:
        has_table = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).first()
        if not has_table:
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (Alembic), in one transaction."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.connect().execution_options(coder_write=True) as conn, conn.begin():
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
