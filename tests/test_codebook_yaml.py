"""The YAML codebook: the 统合型 demo codebook, loading rules, and a lossless round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coder.errors import InvalidInput
from coder.exchange.codebook_yaml import dump_codebook, load_codebook_file, parse_codebook
from coder.project import Project
from tests.conftest import CODEBOOK


def test_tonghe_codebook_follows_the_design(project: Project) -> None:
    load_codebook_file(project, CODEBOOK)
    codes = {c.label: c for c in project.codes()}
    assert len(codes) == 45
    core = codes["AA"]
    assert core.level == "selective" and core.is_core and core.name == "统合型协同治理"
    roles = {f"A{i}": codes[f"A{i}"].paradigm_role for i in range(1, 11)}
    assert roles == {
        "A1": "causal",
        "A2": "context",
        "A3": "phenomenon",
        "A4": "intervening",
        "A5": "strategy",
        "A6": "strategy",
        "A7": "strategy",
        "A8": "strategy",
        "A9": "strategy",
        "A10": "consequence",
    }
    axes = {label: codes[label].axis for label in roles}
    assert [k for k, v in axes.items() if v == "统"] == ["A5", "A6", "A7"]
    assert [k for k, v in axes.items() if v == "合"] == ["A3", "A8", "A9"]
    assert all(codes[f"a{i:02d}"].definition for i in range(1, 35))
    assert codes["a25"].name == "条块联动" and codes["a25"].parents == (codes["A8"].id,)
    assert {label for label, c in codes.items() if c.in_vivo} >= {"a03", "a10", "a25"}
    storyline = project.memos(type="storyline")
    assert storyline and storyline[0].target_id == core.id


def test_round_trip_is_lossless(project: Project, tmp_path: Path) -> None:
    load_codebook_file(project, CODEBOOK)
    text = dump_codebook(project)
    other = Project.create(tmp_path / "other.coder", title=project.title)
    other.import_codebook(parse_codebook(text))
    assert dump_codebook(other) == text
    original = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    again = yaml.safe_load(text)
    assert len(again["codes"]) == len(original["codes"]) and len(again["relations"]) == len(
        original["relations"]
    )


def test_loading_merges_by_name(project: Project) -> None:
    load_codebook_file(project, CODEBOOK)
    project.update_code("a01", definition="我的定义")
    stats = load_codebook_file(project, CODEBOOK)
    assert stats["added"] == 0 and stats["updated"] == 1 and stats["relations"] == 0
    assert project.code("a01").definition != "我的定义"
    project.undo()
    assert project.code("a01").definition == "我的定义"


@pytest.mark.parametrize(
    "doc, message",
    [
        ({"codes": [{"name": "x", "colour_name": "red"}]}, "unknown key 'colour_name'"),
        (
            {
                "codes": [
                    {"label": "A1", "name": "a", "level": "axial", "parents": ["A2"]},
                    {"label": "A2", "name": "b", "level": "axial", "parents": ["A1"]},
                ]
            },
            "cycle",
        ),
        ({"codes": [{"label": "a1", "name": "a", "parents": ["Z9"]}]}, "not a label"),
        ({"codes": [{"name": "a", "level": "core"}]}, "level 'core'"),
        ({"codes": [{"name": "a", "level": "axial", "axis": "tong"}]}, "axis"),
        (
            {
                "codes": [{"label": "A", "name": "a"}],
                "relations": [{"from": "A", "to": "B", "type": "causes"}],
            },
            "not a label",
        ),
        ({"title": "t", "extra": 1}, "unknown key 'extra'"),
    ],
)
def test_bad_codebooks_change_nothing(doc: dict, message: str, project: Project) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_codebook(yaml.safe_dump(doc, allow_unicode=True))
    assert project.codes() == []


def test_python_tags_are_refused(tmp_path: Path, project: Project) -> None:
    marker = tmp_path / "pwned"
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"codes: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(InvalidInput, match="not valid YAML"):
        load_codebook_file(project, bad)
    assert not marker.exists()
