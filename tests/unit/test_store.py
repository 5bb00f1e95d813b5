"""The store: migrations, the schema they build, the project-file checks, and the journal."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coder.project import Project
from coder.store import engine as store_engine
from coder.store.schema import metadata

DATA = Path(__file__).parent.parent / "data"


def test_schema_head_is_alembics_head() -> None:
    assert store_engine.SCHEMA_HEAD == store_engine.alembic_head()


def test_migrations_build_exactly_the_declared_schema(tmp_path: Path) -> None:
    engine = store_engine.sqlite_engine(tmp_path / "m.db")
    store_engine.migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_project_made_by_the_first_schema_opens(tmp_path: Path) -> None:
    """tests/data/v1.coder was written by schema revision 0001 and is never regenerated."""
    path = tmp_path / "v1.coder"
    shutil.copy(DATA / "v1.coder", path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    p = Project.open(path, coder="R1")  # who wrote its history: undo is one's own
    assert p.title == "made by schema 0001"
    seg = p.segments()[0]
    assert (seg.text, seg.code, seg.coder, seg.memo) == ("条块联动", "条块联动", "R1", "in vivo")
    assert p.code("A1").axis == "合"
    p.code_span("S1", 8, 11, "a01")  # and it can be written to
    p.undo()
    assert len(p.segments()) == 1
    p.undo()  # undo reaches back into history written by the old schema: the memo
    assert p.memos() == []
    p.undo()  # and the coding
    assert p.segments() == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            store_engine.SCHEMA_HEAD,
        )


def test_project_file_settings(project: Project, project_path: Path) -> None:
    with sqlite3.connect(project_path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == store_engine.APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with project._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_failed_change_leaves_nothing(location) -> None:
    from tests.conftest import snapshot

    project = Project.create(location)
    project.add_code("A", "axial")
    before = snapshot(location)
    events = len(project.log())
    try:
        with project.change("test", "half") as ch:
            from coder.store.schema import codes

            ch.update(codes, {"id": 1}, {"name": "changed"})
            raise RuntimeError("crash in the middle")
    except RuntimeError:
        pass
    assert snapshot(location) == before
    assert len(project.log()) == events
    project.close()


def test_server_writer_blocked_by_a_row_lock_says_busy(pg_url, monkeypatch) -> None:
    import pytest

    from coder.errors import Busy

    monkeypatch.setattr(store_engine, "LOCK_TIMEOUT_MS", 300)
    url = pg_url()
    mine = Project.create(url)
    mine.add_code("A", "axial")
    theirs = Project.open(url)
    with theirs._engine.connect() as holder, holder.begin():
        holder.exec_driver_sql("SELECT * FROM codes WHERE id = 1 FOR UPDATE")
        with pytest.raises(Busy, match="busy"):
            mine.update_code("A1", definition="x")
    assert mine.update_code("A1", definition="x").definition == "x"
    mine.close()
    theirs.close()


def test_busy_project_says_so(project: Project, project_path: Path, monkeypatch) -> None:
    import pytest

    from coder.errors import Busy

    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(project_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        other = Project.open(project_path)
        other._engine.dispose()
        other._engine = store_engine.sqlite_engine(project_path)
        with pytest.raises(Busy, match="busy"):
            other.add_code("x")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert other.add_code("x").label == "a01"


def test_migrations_build_exactly_the_declared_schema_on_a_server(pg_url) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(pg_url())
    store_engine.create_server_database(url.set(drivername="postgresql+psycopg"))
    engine = store_engine.server_engine(url.set(drivername="postgresql+psycopg"))
    store_engine.migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_memos_of_an_old_project_gain_an_optional_passage(tmp_path: Path) -> None:
    """Migration 0004 on a file of schema 0001: old memos keep no passage; new ones may have
    one, and the database refuses a passage on anything but a source."""
    path = tmp_path / "v1.coder"
    shutil.copy(DATA / "v1.coder", path)
    p = Project.open(path, coder="R1")
    assert [(m.start, m.end) for m in p.memos()] == [(None, None)] * len(p.memos())
    src = p.sources()[0]
    m = p.add_memo("这一段", target="source", target_id=src.id, span=(0, 2))
    assert (p.memos(target="source")[-1].start, m.end) == (0, 2)
    p.undo()
    assert all(x.start is None for x in p.memos())
    p.close()
    with sqlite3.connect(path) as conn:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO memos (guid, type, target_type, target_id, title, text, coder_id, "
                "created, modified, start, \"end\") VALUES ('g', 'theoretical', 'code', 1, '', "
                "'', 1, 0, 0, 0, 2)"
            )


def test_an_old_project_gains_checks_and_evaluations(tmp_path: Path) -> None:
    """Migration 0009 on a file of schema 0001: a verdict on a machine coding and an evaluation
    can be recorded, and undone."""
    path = tmp_path / "v1.coder"
    shutil.copy(DATA / "v1.coder", path)
    p = Project.open(path, coder="R1")
    assert p.checks() == [] and p.latest_evaluation() is None
    (made,) = p.apply_model([(p.source_id("S1"), p.code_id("a01"), 0, 4, 0.9)], model="lr-old")
    p.check_coding(made, "refuted")
    assert [(c["machine"], c["verdict"]) for c in p.checks()] == [("model:lr-old", "refuted")]
    p.record_evaluation({"macro": {"f1": 0.5}}, model="lr-old", unit="sentence")
    assert p.latest_evaluation()["figures"] == {"macro": {"f1": 0.5}}
    p.undo()
    p.undo()
    assert p.checks() == [] and p.latest_evaluation() is None
    p.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            store_engine.SCHEMA_HEAD,
        )


def test_an_old_project_lists_its_sources_from_the_index(tmp_path: Path) -> None:
    """Migration 0010 on a file of schema 0001: the sources pane's list (names in import order,
    with their cases) is read from a covering index, without the table and without a sort, and
    is the same list as before."""
    path = tmp_path / "v1.coder"
    shutil.copy(DATA / "v1.coder", path)
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT id, name FROM sources ORDER BY position").fetchall()
    p = Project.open(path, coder="R1")
    assert [(r.id, r.name) for r in p.source_rows()] == before
    assert [(r.id, r.name) for r in p.source_page(0, 10)] == before
    p.close()
    with sqlite3.connect(path) as conn:
        indexes = {r[1]: r for r in conn.execute("PRAGMA index_list(sources)")}
        assert "ix_sources_list" in indexes
        columns = [r[2] for r in conn.execute("PRAGMA index_info(ix_sources_list)")]
        assert columns == ["position", "id", "name", "case_id"]
        plan = " ".join(
            str(r[3])
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT sources.id, sources.name, cases.name FROM sources "
                "LEFT OUTER JOIN cases ON cases.id = sources.case_id ORDER BY sources.position"
            )
        )
        assert "COVERING INDEX ix_sources_list" in plan and "TEMP B-TREE" not in plan, plan


def test_an_old_project_counts_codes_from_the_index(tmp_path: Path) -> None:
    """Migration 0011 on a file of schema 0001: the counts per code that leave machine coders out
    (``human_only``) read the codings index alone, since it now holds the coder, and they are
    the counts a plain GROUP BY gives on a project without machine coders."""
    path = tmp_path / "v1.coder"
    shutil.copy(DATA / "v1.coder", path)
    with sqlite3.connect(path) as conn:
        plain = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                "SELECT code_id, count(*), count(DISTINCT source_id) FROM codings GROUP BY code_id"
            )
        }
    assert plain
    p = Project.open(path, coder="R1")
    assert p.code_counts() == plain
    p.close()
    with sqlite3.connect(path) as conn:
        columns = [r[2] for r in conn.execute("PRAGMA index_info(ix_codings_code_source)")]
        assert columns == ["code_id", "source_id", "coder_id"]
        plan = " ".join(
            str(r[3])
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT code_id, count(*), count(DISTINCT source_id) "
                "FROM codings WHERE coder_id NOT IN (SELECT id FROM coders WHERE name LIKE "
                "'model:%') GROUP BY code_id"
            )
        )
        assert "COVERING INDEX ix_codings_code_source" in plan, plan
