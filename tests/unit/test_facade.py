"""The Project facade: every command, its undo and redo, also across reopening the project.

Every test here runs twice, on a project file (SQLite) and on a PostgreSQL server database (the
``location`` fixture), so the two backends are held to one suite.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from coder import i18n
from coder.errors import InvalidInput, NotFound, NothingToUndo
from coder.model import SourceDraft, Turn
from coder.project import Project
from tests.conftest import snapshot

TEXT = "访谈者：会商日怎么开？\n受访者：条块联动很重要，看得见的管不着。"


@pytest.fixture
def project(location: Path | str):
    p = Project.create(location, title="test")
    yield p
    p.close()


def seeded(path: Path | str) -> Project:
    """A small project: one source, a category with two concepts, one coding."""
    p = Project.create(path, title="seed")
    p.add_source(
        SourceDraft(
            name="S1",
            text=TEXT,
            turns=[Turn(0, 4, 11, "访谈者", ""), Turn(1, 16, len(TEXT), "受访者", "")],
            attributes={"role": "科长"},
            case="S1",
            case_attributes={"gender": "男"},
        )
    )
    p.add_code("统合型协同治理", "selective", is_core=True)
    p.add_code("条块协同", "axial", parent="AA", paradigm_role="strategy", axis="合")
    p.add_code("基层治理困境", "axial", parent="AA", paradigm_role="causal")
    p.add_code("条块联动", parent="A1", in_vivo=True)
    p.add_code("权责不对等", parent="A2")
    p.code_span("S1", 16, 20, "a01")
    p.code_span("S1", 25, 32, "a02")
    p.add_memo("先看条块关系", type="methodological", title="计划")
    p.add_relation("A1", "A2", "covaries_with", evidence=[p.segments(code="a01")[0].id])
    return p


Operation = Callable[[Project], object]

OPERATIONS: dict[str, Operation] = {
    "add source": lambda p: p.add_source(
        SourceDraft(name="S2", text="受访者：第二份。", turns=[Turn(0, 4, 8, "受访者", "")])
    ),
    "set source attribute": lambda p: p.set_source_attribute("S1", "role", "副科长"),
    "add code": lambda p: p.add_code("新概念", parent="A1"),
    "rename code": lambda p: p.rename_code("a01", "条块拧成一股绳"),
    "edit code fields": lambda p: p.update_code(
        "A1", definition="条与块共同行动", colour="#2ca02c", axis="统"
    ),
    "move code": lambda p: p.move_code("a01", "A2"),
    "move code out": lambda p: p.move_code("a01", None),
    "attach to second category": lambda p: p.attach_code("a01", "A2"),
    "detach": lambda p: p.detach_code("a01", "A1"),
    "promote open to axial": lambda p: p.promote_code("a02"),
    "merge codes": lambda p: p.merge_codes("a02", "a01"),
    "split code": lambda p: p.split_code("a01", "条块联动（现场）", [p.segments(code="a01")[0].id]),
    "delete code with codings": lambda p: p.delete_code("a01"),
    "delete category with children": lambda p: p.delete_code("A1"),
    "set core": lambda p: (p.add_code("另一个核心", "selective"), p.set_core("AA2")),
    "code a span": lambda p: p.code_span("S1", 4, 10, "a02", memo="问句"),
    "in-vivo code and its coding at once": lambda p: p.code_new(
        "S1", 25, 32, "看得见的管不着", parent="A2", in_vivo=True
    ),
    "code with an existing name": lambda p: p.code_new("S1", 4, 10, "条块联动"),
    "new code on several passages at once": lambda p: p.code_new_many(
        "条块拧成一股绳", [("S1", 4, 10), ("S1", 25, 32)], in_vivo=True, memo="来自概念发现"
    ),
    "uncode": lambda p: p.uncode(p.segments(code="a01")[0].id),
    "resize coding": lambda p: p.resize_coding(p.segments(code="a01")[0].id, 16, 24),
    "coding memo": lambda p: p.set_coding_memo(p.segments(code="a01")[0].id, "典型表述"),
    "add memo": lambda p: p.add_memo(
        "条块与统筹的关系", type="theoretical", target="code", target_id=p.code_id("A1")
    ),
    "edit memo": lambda p: p.update_memo(p.memos()[0].id, text="改稿", type="theoretical"),
    "delete memo": lambda p: p.delete_memo(p.memos()[0].id),
    "add relation with evidence": lambda p: p.add_relation(
        "A2", "A1", "causes", description="困境倒逼协同", evidence=[s.id for s in p.segments()]
    ),
    "delete relation": lambda p: p.delete_relation(p.relations()[0].id),
    "add relation type": lambda p: p.add_relation_type("enables", label_zh="使能", family="custom"),
    "bulk codings": lambda p: p.add_codings(
        [(1, p.code_id("a01"), 0, 3, "R2"), (1, p.code_id("a02"), 5, 9, "R2")]
    ),
    "set setting": lambda p: p.set_setting("label_scheme", {"open": {"prefix": "c", "width": 3}}),
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_undo_redo_and_reopen(name: str, location: Path | str) -> None:
    path = location
    p = seeded(path)
    before = snapshot(path)
    OPERATIONS[name](p)
    after = snapshot(path)
    assert after != before, f"{name} changed nothing"
    # A multi-step operation (e.g. add then edit a memo) is undone one event at a time.
    steps = 0
    while snapshot(path) != before:
        p.undo()
        steps += 1
        assert steps <= 3
    for _ in range(steps):
        p.redo()
    assert snapshot(path) == after
    p.close()
    # Across a restart: the history is in the project.
    p = Project.open(path)
    for _ in range(steps):
        p.undo()
    assert snapshot(path) == before
    for _ in range(steps):
        p.redo()
    assert snapshot(path) == after
    p.close()


def test_a_new_code_on_several_passages_is_one_event(project_path: Path) -> None:
    p = seeded(project_path)
    events = len(p.log())
    codes_before = {c.id for c in p.codes()}
    # The a01 coding at 16–20 stays; 16–20 again is skipped, not an error, when other passages
    # are new; the memo lands on the new code.
    cid, made = p.code_new_many("条块联动", [("S1", 4, 10), ("S1", 16, 20)])
    assert cid == p.code_id("a01") and len(made) == 1  # the code of that name, 4–10 new
    cid, made = p.code_new_many(
        "看得见的管不着", [("S1", 0, 3), ("S1", 25, 32), ("S1", 0, 3)], memo="来自概念发现"
    )
    assert cid not in codes_before and len(made) == 2
    assert [(s.start, s.end) for s in p.segments(code=cid)] == [(0, 3), (25, 32)]
    assert [m.text for m in p.memos(target="code", target_id=cid)] == ["来自概念发现"]
    assert len(p.log()) == events + 2
    p.undo()  # one undo: the code, its codings and its memo
    assert cid not in {c.id for c in p.codes()}
    assert p.memos(target="code", target_id=cid) == []
    assert len(p.segments(code="a01")) == 2  # the first call is still there
    with pytest.raises(InvalidInput, match="already coded"):
        p.code_new_many("条块联动", [("S1", 4, 10)])
    with pytest.raises(InvalidInput, match="no passages"):
        p.code_new_many("空", [])
    i18n.activate("zh-Hans")  # both refusals are said in the interface language
    try:
        with pytest.raises(InvalidInput, match="已将每个段落都编码为 条块联动"):
            p.code_new_many("条块联动", [("S1", 4, 10)])
        with pytest.raises(InvalidInput, match="没有要编码为 '空' 的段落"):
            p.code_new_many("空", [])
    finally:
        i18n.activate("en")
    with pytest.raises(InvalidInput, match="run past"):
        p.code_new_many("越界", [("S1", 0, 99999)])
    assert "越界" not in {c.name for c in p.codes()}
    p.close()


def test_merge_keeps_lineage_and_undo_restores_both_codes(location: Path | str) -> None:
    p = seeded(location)
    p.code_span("S1", 16, 20, "a02")  # the same span as a01's coding: kept once after merge
    for r in p.relations():
        p.delete_relation(r.id)
    rel = p.add_relation("a02", "A2", "part_of", evidence=[s.id for s in p.segments(code="a02")])
    merged = p.merge_codes("a02", "a01")
    assert [c.label for c in p.codes() if c.level == "open"] == ["a01"]
    segs = p.segments(code="a01")
    assert [(s.start, s.end) for s in segs] == [(16, 20), (25, 32)]
    assert p.code("a01").parents == (p.code_id("A1"), p.code_id("A2"))
    moved = p.relations()[0]
    assert (moved.from_id, moved.to_id) == (merged.id, p.code_id("A2"))
    assert set(moved.evidence) == {s.id for s in segs}
    assert p.lineage()[-1] | {"time": 0} == {
        "kind": "merge",
        "from_label": "a02",
        "from_name": "权责不对等",
        "to_label": "a01",
        "to_name": "条块联动",
        "time": 0,
    }
    p.undo()
    assert {c.label for c in p.codes() if c.level == "open"} == {"a01", "a02"}
    assert len(p.segments(code="a02")) == 2
    assert p.relations()[0].id == rel.id and p.relations()[0].from_id == p.code_id("a02")
    assert p.lineage() == []


def test_promote_gives_a_new_label_and_records_it(location: Path | str) -> None:
    p = seeded(location)
    promoted = p.promote_code("a02")
    assert (promoted.level, promoted.label) == ("axial", "A3")
    # Its parent A2 is axial too, so it stays under it (a 4-tier grouping is allowed).
    assert promoted.parents == (p.code_id("A2"),)
    assert p.lineage()[0]["kind"] == "promote" and p.lineage()[0]["from_label"] == "a02"


def test_split_moves_exactly_the_chosen_codings(location: Path | str) -> None:
    p = seeded(location)
    p.code_span("S1", 4, 10, "a01")
    first = p.segments(code="a01")[0]
    new = p.split_code("a01", "会商提问", [first.id])
    assert new.parents == p.code("a01").parents
    assert [s.id for s in p.segments(code=new.label)] == [first.id]
    assert len(p.segments(code="a01")) == 1
    with pytest.raises(InvalidInput, match="not a coding of"):
        p.split_code("a01", "x", [999])


def test_labels_follow_the_prefix_scheme(project: Project) -> None:
    core = project.add_code("核心", "selective")
    cats = [project.add_code(f"范畴{i}", "axial") for i in range(11)]
    concepts = [project.add_code(f"概念{i}", parent=cats[0].label) for i in range(3)]
    assert core.label == "AA"
    assert [c.label for c in cats][:2] == ["A1", "A2"] and cats[-1].label == "A11"
    assert [c.label for c in concepts] == ["a01", "a02", "a03"]
    assert project.add_code("核心二", "selective").label == "AA2"


def test_codebook_rules(project: Project) -> None:
    project.add_code("范畴", "axial")
    project.add_code("概念", parent="A1")
    with pytest.raises(InvalidInput, match="already exists"):
        project.add_code("概念")
    assert project.add_code("概念", "axial").label == "A2"  # same name, other level: allowed
    with pytest.raises(InvalidInput, match="cannot contain"):
        project.move_code("A1", "a01")
    with pytest.raises(InvalidInput, match="paradigm role"):
        project.update_code("a01", paradigm_role="causal")
    with pytest.raises(InvalidInput, match="not one of"):
        project.update_code("A1", paradigm_role="cause")
    with pytest.raises(InvalidInput, match="统 or 合"):
        project.update_code("A1", axis="tong")
    with pytest.raises(InvalidInput, match="several codes"):
        project.code_id("概念")
    with pytest.raises(NotFound):
        project.code_id("nope")
    project.add_code("上位", "axial")
    project.move_code("A1", "A3")
    with pytest.raises(InvalidInput, match="cycle"):
        project.move_code("A3", "A1")


def test_coding_rules(location: Path | str) -> None:
    p = seeded(location)
    n = len(p.log())
    for start, end, msg in (
        (5, 5, "before the end"),
        (9, 4, "before the end"),
        (-1, 3, "negative"),
        (0, 999, "past the end"),
    ):
        with pytest.raises(InvalidInput, match=msg):
            p.code_span("S1", start, end, "a01")
    with pytest.raises(InvalidInput, match="already coded"):
        p.code_span("S1", 16, 20, "a01")
    p.code_span("S1", 16, 20, "a01", coder="R2")  # another coder may code the same span
    assert len(p.log()) == n + 1
    seg = p.codings_at("S1", 17)
    assert {s.coder for s in seg} == {"tester", "R2"}
    assert seg[0].text == TEXT[16:20] == "条块联动"


def test_undo_redo_stack(location: Path | str) -> None:
    p = seeded(location)
    a = p.code_span("S1", 4, 6, "a01")
    b = p.code_span("S1", 6, 8, "a01")
    p.undo()
    p.undo()
    assert not {a.id, b.id} & {s.id for s in p.segments()}
    p.redo()
    assert a.id in {s.id for s in p.segments()}
    p.code_span("S1", 8, 9, "a01")  # a new change: b can no longer be redone
    with pytest.raises(NothingToUndo):
        p.redo()
    states = [e.state for e in p.log()[-3:]]
    assert states == ["done", "discarded", "done"]


def test_log_names_coder_and_time(location: Path | str) -> None:
    p = seeded(location)
    p2 = Project.open(location, coder="R2")
    p2.code_span("S1", 0, 3, "a01")
    last = p.log()[-1]
    assert last.coder == "R2" and last.action == "code" and last.time > 0
    assert "a01" in last.summary


def test_create_refuses_existing_and_open_refuses_non_projects(tmp_path: Path) -> None:
    from coder.errors import ProjectError

    path = tmp_path / "p.coder"
    Project.create(path).close()
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(path)
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(ProjectError, match="not a coder project"):
        Project.open(other)
    import sqlite3

    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(ProjectError, match="not a coder project"):
        Project.open(plain)
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "missing.coder")
    assert not list(tmp_path.glob(".*creating*"))


def test_server_create_refuses_used_databases_and_open_refuses_empty_ones(pg_url) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from coder.errors import ProjectError

    url = pg_url()
    Project.create(url).close()
    with pytest.raises(ProjectError, match="already holds a coder project"):
        Project.create(url)
    other = pg_url()
    engine = create_engine(make_url(other).set(drivername="postgresql+psycopg"))
    with pytest.raises(ProjectError, match="no coder project"):
        Project.open(other)  # does not exist yet
    Project.create(other).close()
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
        conn.exec_driver_sql("CREATE TABLE notes (x int)")
    engine.dispose()
    with pytest.raises(ProjectError, match="no coder project"):
        Project.open(other)
    with pytest.raises(ProjectError, match="tables of something else"):
        Project.create(other)
    with pytest.raises(ProjectError, match="names no database"):
        Project.open("postgresql://someone@localhost")
