"""Spreadsheets as corpora: message boards, wide surveys, GBK CSV from Excel, messy rows."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

from coder.cli import main
from coder.errors import InvalidInput
from coder.project import Project
from coder.text.search import search
from coder.text.sheets import import_sheet

DATA = Path(__file__).parent.parent / "data"

BOARD = [
    ["留言编号", "留言主题", "留言详情", "留言时间", "一级标签", "点赞数"],
    [
        "2019-0001",
        "A3区噪音扰民",
        "\n\t\t楼下烧烤店每晚营业到凌晨两点，噪音很大，希望有关部门管一管。\n",
        dt.datetime(2019, 3, 5, 22, 10),
        "环境保护",
        12,
    ],
    [
        "2019-0002",
        "停车难",
        "小区车位严重不足，业主只能停在路边。",
        dt.datetime(2019, 3, 6),
        "城乡建设",
        3,
    ],
    [None, None, None, None, None, None],
    [
        "2019-0003",
        "路灯不亮",
        "  路灯坏了三个月没人修。  ",
        dt.datetime(2019, 4, 1, 8, 0),
        "城乡建设",
        0,
    ],
    ["2019-0004", "咨询", "无", dt.datetime(2019, 4, 2), "", 1],
    ["2019-0003", "路灯", "又坏了。", dt.datetime(2019, 4, 3), "城乡建设", 2],
]


def board_xlsx(path: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "留言"
    ws.append(["某市留言板 2019 年留言汇总"])  # a title row above the header
    ws.append([])
    for row in BOARD:
        ws.append(row)
    book.save(path)
    return path


def test_message_board_rows_become_sources_with_sections_types_and_codes(
    project: Project, tmp_path: Path
) -> None:
    project.add_code("城乡建设")  # an existing code the column's value is matched to
    report = import_sheet(
        project,
        board_xlsx(tmp_path / "board.xlsx"),
        text=["留言主题", "留言详情"],
        id="留言编号",
        code_column="一级标签",
    )
    assert (report.sources, report.padding, report.empty) == (5, 1, 2)
    assert report.duplicate_ids == ["2019-0003"]
    assert report.attributes == {"留言时间": "date", "点赞数": "number"}
    names = [s.name for s in project.sources()]
    assert names == ["2019-0001", "2019-0002", "2019-0003", "2019-0004", "2019-0003 (row 9)"]
    text = project.source_text("2019-0001")
    assert (
        text
        == "留言主题：A3区噪音扰民\n留言详情：楼下烧烤店每晚营业到凌晨两点，噪音很大，希望有关部门管一管。\n"
    )
    turns = project.turns("2019-0001")
    assert [(t.speaker, text[t.start : t.end]) for t in turns] == [
        ("留言主题", "A3区噪音扰民"),
        ("留言详情", "楼下烧烤店每晚营业到凌晨两点，噪音很大，希望有关部门管一管。"),
    ]
    assert project.source("2019-0003").attributes == {
        "留言时间": "2019-04-01 08:00:00",
        "点赞数": "0",
    }
    assert project.source("2019-0002").attributes["留言时间"] == "2019-03-06"
    assert project.attribute_types() == {"留言时间": "date", "点赞数": "number"}
    # Codes: 环境保护 new under a category named after the column, 城乡建设 matched by name.
    assert report.codes_created == ["环境保护"] and report.codes_matched == ["城乡建设"]
    by_name = {c.name: c for c in project.codes()}
    assert by_name["一级标签"].level == "axial"
    assert by_name["环境保护"].parents == (by_name["一级标签"].id,)
    segments = project.segments()
    assert sorted((s.source, s.code) for s in segments) == [
        ("2019-0001", "环境保护"),
        ("2019-0002", "城乡建设"),
        ("2019-0003", "城乡建设"),
        ("2019-0003 (row 9)", "城乡建设"),
    ]
    assert all(s.coder == "tester" for s in segments)
    # One undo removes all of it; the existing code stays.
    project.undo()
    assert project.sources() == [] and [c.name for c in project.codes()] == ["城乡建设"]


def test_filter_sources_by_typed_attributes(project: Project, tmp_path: Path, capsys) -> None:
    import_sheet(project, board_xlsx(tmp_path / "b.xlsx"), text=["留言详情"], id="留言编号")
    assert sorted(project.source_ids_where(["点赞数>=3"])) == [1, 2]  # 12 and 3, not "2" > "12"
    assert sorted(project.source_ids_where(["留言时间<=2019-03-06"])) == [1, 2]
    assert sorted(project.source_ids_where(["留言时间>=2019-04-01", "点赞数<=1"])) == [3, 4]
    assert sorted(project.source_ids_where(["一级标签=城乡建设"])) == [2, 3, 5]
    main(["sources", str(project.path), "--where", "留言时间=2019-04-01", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in out] == ["2019-0003"]
    assert set(out[0]) == {
        "id", "name", "chars", "turns", "attributes", "case", "encoding", "format",
        "original_name", "sha256",
    }  # fmt: skip
    with pytest.raises(InvalidInput, match="no source has an attribute"):
        project.source_ids_where(["区县=A3区"])


SURVEY_HEADER = [
    "编号",
    "性别",
    "年龄",
    "Q1 您觉得社区最大的问题",
    "Q2 您参加过哪些活动",
    "Q3 对居委会的评价",
    "Q4 您的建议",
    "Q5 其他意见",
]
SURVEY = [
    ["R001", "女", "45", "停车难，晚上回来没有车位", "义务巡逻", "还可以", "多建停车场", "无"],
    ["R002", "男", "62", "老人没人照顾", "", "很好，书记经常来看我们", "建养老食堂", "没有"],
    ["R003", "女", "33", "无", "无", "一般", "无", "无"],
]


def survey_ods(path: Path) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="问卷")
    for row in [SURVEY_HEADER, *SURVEY]:
        tr = TableRow()
        for value in row:
            if value.isdigit():
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def test_wide_survey_each_respondent_a_case_each_question_a_turn(
    project: Project, tmp_path: Path
) -> None:
    report = import_sheet(
        project,
        survey_ods(tmp_path / "survey.ods"),
        text=SURVEY_HEADER[3:],
        id="编号",
        each="respondent",
    )
    assert (report.sources, report.cases) == (3, 3)
    assert report.turns == 5 + 4 + 5  # R002 left Q2 empty
    assert report.attributes == {"性别": "text", "年龄": "number"}
    r1 = project.source("R001")
    assert r1.case == "R001" and r1.turns == 5
    text = project.source_text("R001")
    turns = project.turns("R001")
    assert [t.speaker for t in turns] == SURVEY_HEADER[3:]
    assert text[turns[4].start : turns[4].end] == "无"
    cases = {c.name: c.attributes for c in project.cases()}
    assert cases["R002"] == {"性别": "男", "年龄": "62"}
    # Repeated short answers are sources all the same, and a 1-character search finds them.
    hits = search(project, "无")
    assert sorted({h.source for h in hits}) == ["R001", "R003"]
    assert len([h for h in hits if h.source == "R003"]) == 4  # Q1, Q2, Q4, Q5


def test_gbk_csv_from_excel_with_repeated_short_answers(project: Project, tmp_path: Path) -> None:
    rows = [
        "序号,回答,街道",
        "1,没有,东城",
        "2,没有,西城",
        "3,无,东城",
        "4,希望多修几条路，出行方便一些,东城",
        "",
    ]
    path = tmp_path / "answers.csv"
    path.write_bytes("\r\n".join(rows).encode("gbk"))
    report = import_sheet(project, path)
    assert report.encoding in ("gb18030", "gbk")
    assert report.chosen == ["id 序号", "text 回答"]
    assert [s.name for s in project.sources()] == ["1", "2", "3", "4"]
    assert project.source_text("2") == "回答：没有\n"
    assert project.source("3").attributes == {"街道": "东城"}
    with pytest.raises(InvalidInput, match="the same file was imported before"):
        import_sheet(project, path)
    assert len(project.sources()) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'id,text\n1,"unterminated\n2,ok\n', "not a well-formed table|row 2 has"),
        (b"id,text\n1,ok\n2,ok,extra,cells\n", "row 3 has 4 cells but the header has 2"),
        (b"PK\x03\x04 not really a zip", "not a readable workbook"),
        (b"   \n", "the file is empty"),
        (b"id,id\n1,2\n", "two columns are named 'id'"),
    ],
)
def test_broken_sheets_are_refused_and_nothing_is_imported(
    project: Project, tmp_path: Path, content: bytes, message: str, capsys
) -> None:
    suffix = ".xlsx" if content.startswith(b"PK") else ".csv"
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(content)
    assert main(["import", str(project.path), str(path)]) != 0
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "nothing was imported" in err
    import re

    assert re.search(message, err)
    assert project.sources() == [] and project.log() == []


def test_cli_import_reports_inference_and_skips(project: Project, tmp_path: Path, capsys) -> None:
    path = board_xlsx(tmp_path / "board.xlsx")
    assert main(["import", str(project.path), str(path), "--code-column", "一级标签"]) == 0
    out, err = capsys.readouterr()
    assert "columns inferred: id 留言编号; text 留言详情" in out
    assert "skipped 1 rows above the header, 2 empty rows" in out
    assert "1 rows repeat an id (2019-0003)" in err
    assert main(["import", str(project.path), str(path), "--text", "没有这列"]) != 0
    assert "no column '没有这列'" in capsys.readouterr().err


def test_a_crash_in_the_middle_leaves_nothing(
    project: Project, tmp_path: Path, monkeypatch
) -> None:
    from coder.text import index

    def boom(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(index, "add", boom)
    with pytest.raises(RuntimeError):
        import_sheet(project, board_xlsx(tmp_path / "b.xlsx"), code_column="一级标签")
    assert project.sources() == [] and project.codes() == [] and project.log() == []


def test_attributes_have_a_type_after_migrating_an_old_project(tmp_path: Path) -> None:
    path = tmp_path / "v1.coder"
    shutil.copy(DATA / "v1.coder", path)
    p = Project.open(path, coder="R1")
    with sqlite3.connect(path) as conn:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(source_attributes)")]
        assert "type" in cols
        kinds = {r[0] for r in conn.execute("SELECT type FROM source_attributes")}
        assert kinds <= {"text"}
    import_sheet(p, board_xlsx(tmp_path / "b.xlsx"), text=["留言详情"], id="留言编号")
    assert p.attribute_types()["留言时间"] == "date"
    p.close()


def test_search_index_on_both_backends(location, tmp_path: Path) -> None:
    project = Project.create(location, title="sheets")
    try:
        import_sheet(project, board_xlsx(tmp_path / "b.xlsx"), text=["留言主题", "留言详情"])
        # 1- and 2-character queries, a Latin letter in any case, and a phrase across a comma.
        for query, expected in [
            ("灯", 3),
            ("路灯", 3),
            ("a3", 1),
            ("两点，噪", 1),
            ("无", 1),
            ("垃圾", 0),
        ]:
            hits = search(project, query)
            assert len(hits) == expected, query
        # The index narrows; the text decides: same hits as a regex scan.
        assert [(h.source, h.start) for h in search(project, "车位")] == [
            (h.source, h.start) for h in search(project, "车位", regex=True)
        ]
    finally:
        project.close()


def test_projects_without_the_index_build_it_on_first_search(project: Project) -> None:
    from coder.model import SourceDraft

    project.add_source(
        SourceDraft(name="访谈1", text="访谈者：村委会怎么说？\n受访者：村委会不管。\n")
    )
    with project.read() as conn:
        from coder.text import index

        assert not index.exists(conn)
    assert len(search(project, "村委")) == 2
    with project.read() as conn:
        assert index.missing(conn) == []


def _districts(project: Project, tmp_path: Path) -> None:
    lines = ["编号,区县,留言"]
    # 60 from A3区, 30 from B1区, 10 from C2区; short answers repeat.
    for i in range(100):
        district = "A3区" if i < 60 else "B1区" if i < 90 else "C2区"
        lines.append(f"{i + 1:03d},{district},{'没有' if i % 7 == 0 else f'第{i}条留言：路灯不亮'}")
    path = tmp_path / "d.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    import_sheet(project, path, text=["留言"], id="编号")


def test_stratified_sample_into_a_named_set(project: Project, tmp_path: Path, capsys) -> None:
    from coder.facade.sets import allocate

    _districts(project, tmp_path)
    assert allocate({"A": 60, "B": 30, "C": 10}, 10) == {"A": 6, "B": 3, "C": 1}
    assert allocate({"A": 2, "B": 1}, 2) == {"A": 1, "B": 1}  # largest remainders: 1.33, 0.67
    s = project.sample(10, by="区县", seed=7, name="第一轮")
    district = {x.id: x.attributes["区县"] for x in project.sources()}
    counts = {d: sum(1 for i in s.sources if district[i] == d) for d in ("A3区", "B1区", "C2区")}
    assert counts == {"A3区": 6, "B1区": 3, "C2区": 1}
    assert list(s.sources) == sorted(s.sources)  # in import order
    # The same seed gives the same sample; the set is kept and listed.
    again = project.sample(10, by="区县", seed=7, name="again")
    assert again.sources == s.sources
    assert [x.name for x in project.sets()] == ["again", "第一轮"]
    assert project.next_uncoded("第一轮") == s.sources[0]
    project.code_span(s.sources[0], 0, 2, project.add_code("路灯").id)
    assert project.next_uncoded("第一轮") == s.sources[1]
    with pytest.raises(InvalidInput, match="exists already"):
        project.sample(5, name="第一轮")
    main(["sample", str(project.path), "5", "--seed", "3", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["name"] == "sample 5" and len(out["sources"]) == 5 and out["seed"] == 3
    main(["sets", str(project.path), "--json"])
    assert [x["name"] for x in json.loads(capsys.readouterr().out)] == [
        "again",
        "sample 5",
        "第一轮",
    ]
    project.undo()  # the sample is one change
    assert [x.name for x in project.sets()] == ["again", "第一轮"]


def test_source_sets_as_refi_sets(project: Project, tmp_path: Path) -> None:
    from lxml import etree

    from coder.exchange.refi.sets import write_source_sets
    from coder.exchange.refi.xmlsafe import XmlWriter

    _districts(project, tmp_path)
    s = project.sample(4, seed=1, name="pilot")
    parts: list[bytes] = []
    out = XmlWriter(parts.append)
    out.raw("<Sets>")
    assert write_source_sets(out, project) == 1
    out.end("Sets")
    out.flush()
    root = etree.fromstring(b"".join(parts))
    (element,) = root.findall("Set")
    assert element.get("name") == "pilot" and element.get("guid") == s.guid
    guids = {x.id: x.guid for x in project.sources()}
    assert [m.get("targetGUID") for m in element.findall("MemberSource")] == [
        guids[i] for i in s.sources
    ]


def test_a_project_export_carries_its_source_sets(project: Project, tmp_path: Path) -> None:
    import zipfile

    from lxml import etree

    from coder.exchange.refi import export_qdpx

    _districts(project, tmp_path)
    s = project.sample(4, seed=1, name="pilot")
    out = tmp_path / "p.qdpx"
    export_qdpx(project, out)
    with zipfile.ZipFile(out) as z:
        root = etree.fromstring(z.read("project.qde"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    (element,) = [e for e in root.findall("q:Sets/q:Set", ns) if e.get("name") == "pilot"]
    members = [m.get("targetGUID") for m in element.findall("q:MemberSource", ns)]
    guids = {x.id: x.guid for x in project.sources()}
    assert members == [guids[i] for i in s.sources]
    xsd = Path(__file__).resolve().parents[3] / "shared" / "refi-qda" / "Project.xsd"
    if xsd.exists():  # the schema lives beside the checkout (see docs/refi-qda.md)
        assert etree.XMLSchema(etree.parse(str(xsd))).validate(root)
