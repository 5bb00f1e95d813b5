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


# -- codebooks as tables ------------------------------------------------------------------------

TABLE = [
    ["编号", "名称", "层级", "上级", "定义", "范式要素", "统合", "本土概念"],
    ["AA", "统合型协同治理", "核心范畴", "", "核心", "", "", ""],
    ["A1", "条块协同", "范畴", "AA", "条与块共同行动", "strategy", "合", ""],
    ["a01", "条块联动", "初始概念", "A1", "拧成一股绳", "", "", "是"],
]


def test_csv_codebook_with_chinese_headers(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    from coder.cli import main

    path = tmp_path / "book.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(TABLE)
    project.close()
    assert main(["codebook", str(project.path), "load", str(path)]) == 0
    with Project.open(project.path) as p:
        codes = {c.label: c for c in p.codes()}
        assert codes["A1"].paradigm_role == "strategy" and codes["A1"].axis == "合"
        assert codes["a01"].in_vivo and codes["a01"].parents == (codes["A1"].id,)
        assert codes["AA"].level == "selective"


def test_xlsx_codebook(project: Project, tmp_path: Path) -> None:
    from openpyxl import Workbook

    from coder.exchange.codebook_table import read_xlsx

    book = Workbook()
    for row in TABLE:
        book.active.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    stats = project.import_codebook(read_xlsx(path))
    assert stats["added"] == 3 and project.code("条块联动").in_vivo


@pytest.mark.parametrize(
    "rows, message",
    [
        ([["name", "colour name"], ["x", "red"]], "unknown column"),
        ([["label", "level"], ["A1", "axial"]], "'name' column"),
        (
            [
                ["label", "name", "level", "parents"],
                ["A1", "a", "axial", "A2"],
                ["A2", "b", "axial", "A1"],
            ],
            "cycle",
        ),
        ([["label", "name", "level", "axis"], ["A1", "a", "axial", "tong"]], "axis"),
        ([], "empty"),
    ],
)
def test_bad_tables_change_nothing(rows: list, message: str, project: Project) -> None:
    from coder.exchange.codebook_table import rows_to_codebook

    with pytest.raises(InvalidInput, match=message):
        rows_to_codebook(rows, "t.csv")
    assert project.codes() == []
