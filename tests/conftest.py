"""Shared fixtures: fresh projects, the demo project, and a snapshot of a project's content."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from coder.project import Project

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


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every content table, read straight from the file with sqlite3."""
    conn = sqlite3.connect(path)
    try:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in CONTENT_TABLES
        }
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def _coder_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODER_USER", "tester")


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
def demo(demo_file: Path, tmp_path: Path):
    """A private copy of the demo project."""
    path = tmp_path / "demo.coder"
    shutil.copy(demo_file, path)
    p = Project.open(path)
    yield p
    p.close()
