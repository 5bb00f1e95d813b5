"""Merging a colleague's copy: both coders' codings kept apart, new codes with their parents,
memos, conflicts reported and not overwritten, one undoable step, idempotent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coder.errors import InvalidInput
from coder.exchange.merge import merge_project
from coder.model import SourceDraft, Turn
from coder.project import Project
from tests.conftest import snapshot

TEXT1 = "访谈者：会商日怎么开？\n受访者：条上的专业力量和块上的属地力量拧成一股绳。"
TEXT2 = "访谈者：效果如何？\n受访者：问题清单当场分工，办结率上来了。"
TEXT3 = "访谈者：难在哪里？\n受访者：看得见的管不着，管得着的看不见。"


def _draft(name: str, text: str, case: str) -> SourceDraft:
    first = text.index("\n")
    return SourceDraft(
        name=name,
        text=text,
        turns=[Turn(0, 4, first, "访谈者", ""), Turn(1, first + 5, len(text), "受访者", "")],
        attributes={"职务": "科长"},
        case=case,
        case_attributes={"性别": "男"},
    )


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    """The lead's project and a colleague's copy of it, made before anyone coded."""
    ours = tmp_path / "ours.coder"
    p = Project.create(ours, title="team")
    p.add_sources([_draft("S1", TEXT1, "P1"), _draft("S2", TEXT2, "P2")])
    p.add_code("基层困境", "axial", definition="基层面对的治理难题")
    p.add_code("条块联动", "open", parent="A1", definition="条与块的协作")
    p.close()
    theirs = tmp_path / "theirs.coder"
    shutil.copy(ours, theirs)
    return ours, theirs


def _code_ours(path: Path) -> None:
    with Project.open(path, coder="R1") as p:
        p.code_span("S1", 16, 22, "a01")
        p.code_span("S2", 14, 20, "a01")


def _code_theirs(path: Path) -> None:
    """R2 codes the same span as R1 (kept apart), two more, a new code under A1 and memos."""
    with Project.open(path, coder="R2") as p:
        p.code_span("S1", 16, 22, "a01")
        p.code_span("S1", 23, 31, "a01", memo="属地")
        new = p.add_code("问题清单", "open", parent="A1")
        coding = p.code_span("S2", 14, 18, new.id)
        p.add_memo("清单化是会商的抓手", type="code", target="code", target_id=new.id, title="清单")
        p.add_memo("典型表述", type="comparison", target="coding", target_id=coding.id)


def test_two_coders_copies_merge_into_one_and_undo_restores(copies):
    ours, theirs = copies
    _code_ours(ours)
    _code_theirs(theirs)
    p = Project.open(ours, coder="lead")
    before = snapshot(ours)
    report = merge_project(p, theirs)
    added = report.totals()["added"]
    assert added == {"code": 1, "parent": 1, "coding": 3, "memo": 2}
    assert not report.conflicts
    assert [(s.source, s.start, s.end, s.label) for s in p.segments(coder="R1")] == [
        ("S1", 16, 22, "a01"),
        ("S2", 14, 20, "a01"),
    ]
    r2 = p.segments(coder="R2")
    assert [(s.source, s.start, s.end, s.label, s.memo) for s in r2] == [
        ("S1", 16, 22, "a01", ""),
        ("S1", 23, 31, "a01", "属地"),
        ("S2", 14, 18, "a02", ""),
    ]
    new = p.code("问题清单")
    assert new.parents == (p.code_id("A1"),)
    assert [m.title for m in p.memos(target="code", target_id=new.id)] == ["清单"]
    assert [m.text for m in p.memos(target="coding", target_id=r2[2].id)] == ["典型表述"]
    assert p.log()[-1].action == "merge"
    after = snapshot(ours)

    p.undo()
    assert snapshot(ours) == before
    p.redo()
    assert snapshot(ours) == after

    again = merge_project(p, theirs)
    assert again.event_id is None and "added" not in again.totals()
    assert snapshot(ours) == after
    assert ("coding", "skipped", "R2's", "already here", 3) in {
        (i.kind, i.action, i.what, i.reason, i.count) for i in again.items
    }
    p.close()


def test_conflicting_definition_is_reported_not_overwritten(copies):
    ours, theirs = copies
    with Project.open(theirs, coder="R2") as q:
        q.update_code("a01", definition="另一种理解", inclusion="部门联合处置")
    with Project.open(ours, coder="lead") as p:
        report = merge_project(p, theirs)
        code = p.code("a01")
        assert code.definition == "条与块的协作"
        assert code.inclusion == "部门联合处置"  # empty here: filled, and said so
        conflicts = [(i.kind, i.what) for i in report.conflicts]
        assert conflicts == [("code", "a01 条块联动: definition")]
        assert "另一种理解" in report.conflicts[0].reason
        assert ("code", "filled", "a01 条块联动: inclusion") in {
            (i.kind, i.action, i.what) for i in report.items
        }


def test_sources_by_name_and_text_and_codes_by_name(copies, tmp_path):
    """A project made separately: its S1 has another text (a conflict: its codings are skipped),
    its S3 is new (added with turns and case), its code 条块联动 has another guid (matched by level
    and name), and its new code takes a label that is taken here."""
    ours, _ = copies
    with Project.open(ours, coder="lead") as p:
        p.add_code("资源清单", "open")  # a02 here
    other = tmp_path / "other.coder"
    with Project.create(other, title="elsewhere", coder="R3") as q:
        q.add_sources([_draft("S1", TEXT2, "P1"), _draft("S3", TEXT3, "P9")])
        q.add_code("条块联动", "open", definition="条与块的协作")
        q.add_code("属地力量", "open")  # a02 there too
        q.code_span("S1", 14, 20, "a01")
        q.code_span("S3", 16, 22, "a01")
        q.code_span("S3", 23, 27, "a02")
    with Project.open(ours, coder="lead") as p:
        before = snapshot(ours)
        report = merge_project(p, other)
        items = {(i.kind, i.action, i.what): i for i in report.items}
        assert "different text" in items[("source", "conflict", "S1")].reason
        assert items[("coding", "skipped", "R3 in S1")].count == 1
        assert ("source", "added", "S3") in items
        assert items[("code", "added", "a03 属地力量 (open)")].reason == (
            "label a02 is taken here: now a03"
        )
        assert items[("case", "added", "P9")]
        assert [(s.source, s.label) for s in p.segments(coder="R3")] == [
            ("S3", "a01"),
            ("S3", "a03"),
        ]
        assert [t.speaker for t in p.turns("S3")] == ["访谈者", "受访者"]
        assert p.source("S3").case == "P9" and p.source("S3").attributes == {"职务": "科长"}
        assert p.source_text("S1") == TEXT1
        assert len(p.codes()) == 4
        p.undo()
        assert snapshot(ours) == before


def test_merge_refuses_the_project_itself(copies):
    ours, _ = copies
    with Project.open(ours) as p:
        with pytest.raises(InvalidInput, match="into itself"):
            merge_project(p, ours)


def test_merge_command(copies, monkeypatch, capsys):
    import coder.cli

    ours, theirs = copies
    _code_theirs(theirs)
    before = snapshot(ours)
    assert coder.cli.main(["merge", str(ours), str(theirs), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["totals"]["added"]["coding"] == 3 and out["event"] and out["conflicts"] == 0
    assert {"kind", "action", "what", "reason", "count"} <= set(out["items"][0])
    assert coder.cli.main(["undo", str(ours)]) == 0
    assert snapshot(ours) == before
    capsys.readouterr()
    assert coder.cli.main(["merge", str(ours), str(theirs)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("merge theirs.coder: ") and "coder undo" in text
