"""Paper tables: built from the analyses, written in each format and read back."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from coder.analysis.agreement import agreement, reliability_rows
from coder.analysis.frequencies import frequencies
from coder.analysis.names import RELIABILITY_HEADERS
from coder.errors import InvalidInput
from coder.exchange.papers import TABLE_NAMES, export_figures, export_tables, latex_escape
from coder.exchange.tables import Options, build_tables, representative

HELD_OUT = ["S2-03", "S4-02"]
PARTICIPANT_HEADERS = ["编号", "类别", "职务", "单位", "性别", "访谈时长", "字数"]
FREQUENCY_HEADERS = ["编码", "名称", "参考点数", "来源数", "所属范畴"]


@pytest.fixture(scope="module")
def outputs(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo exported once to every format (the demo is only read)."""
    from coder.project import Project

    out = tmp_path_factory.mktemp("papers")
    project = Project.open(demo_file)
    try:
        for suffix in ("md", "tex", "docx", "xlsx", "csv"):
            assert export_tables(project, out / f"t.{suffix}", held_out=HELD_OUT) == []
    finally:
        project.close()
    return {p.suffix or p.name: p for p in out.iterdir()} | {"dir": out}


def a25_frequency(project) -> tuple[int, int]:
    f = next(f for f in frequencies(project) if f.label == "a25")
    return f.codings, f.sources


# -- the tables ----------------------------------------------------------------------------------


def test_tables_follow_method_headers_and_analyses(demo) -> None:
    tables = {t.name: t for t in build_tables(demo, None, Options(held_out=HELD_OUT))}
    assert list(tables) == list(TABLE_NAMES)
    assert list(tables["participants"].headers_zh) == PARTICIPANT_HEADERS
    assert tables["open_coding"].headers_zh == ("原始语句（受访者编号）", "初始概念", "初始范畴")
    assert tables["axial_coding"].headers_zh[:3] == ("主范畴", "对应范畴", "范畴内涵")
    assert tables["relations"].headers_zh == ("典型关系结构", "关系内涵", "代表性语句", "资料支撑")
    assert tables["reliability"].headers_zh == RELIABILITY_HEADERS
    assert list(tables["frequencies"].headers_zh) == FREQUENCY_HEADERS

    s1 = next(s for s in demo.sources() if s.name == "S1-01")
    assert tables["participants"].rows[0] == (
        "S1-01",
        "区职能部门",
        "科长",
        "Y区社会建设办公室",
        "男",
        65,
        s1.chars,
    )
    a25 = next(r for r in tables["frequencies"].rows if r[0] == "a25")
    assert (a25[2], a25[3]) == a25_frequency(demo)
    assert a25[4] == "A8 条块协同"
    expected = reliability_rows(agreement(demo, ["R1", "R2"]), summary=True)
    assert tables["reliability"].rows == expected
    assert tables["saturation"].rows == [("S2-03", "无", "无"), ("S4-02", "无", "无")]
    a1 = tables["axial_coding"].rows[0]
    assert a1[0] == "A1 基层治理困境" and a1[1].startswith("a01 职能与资源不匹配、a02 条块分割")
    assert a1[3] == "因果条件"
    assert ("A1 → A3", "困境倒逼会商平台建立", "", "共现话轮 2；证据编码 0；备忘录 0") in tables[
        "relations"
    ].rows
    assert ("A5 → A10", "统合策略带来提速、满意、减负、长效", "", "仅为断言，尚无资料支撑") in (
        tables["relations"].rows
    )


def test_open_coding_rule_and_flagged_quotes(demo) -> None:
    table = build_tables(demo, "open_coding", Options())[0]
    concepts = [r[1] for r in table.rows]
    assert len(concepts) == len(set(concepts))  # one quote per concept by default
    segs = [s for s in demo.segments(code="a25") if s.coder == "R1"]
    longest = max((s for s in segs if len(s.text) <= 120), key=lambda s: len(s.text))
    row = next(r for r in table.rows if r[1] == "a25 条块联动")
    assert row == (f"{longest.text}（{longest.source}）", "a25 条块联动", "A8 条块协同")

    flagged = min(segs, key=lambda s: len(s.text))
    demo.set_coding_memo(flagged.id, "代表性语句", force=True)
    chosen = representative(demo.segments(code="a25"), "R1", 2)
    assert [s.id for s in chosen] == [flagged.id, longest.id]
    table = build_tables(demo, "open_coding", Options(examples=2))[0]
    assert [r[0] for r in table.rows if r[1] == "a25 条块联动"][0].startswith(flagged.text)


def test_english_headers_and_warnings(demo, tmp_path: Path) -> None:
    warnings = export_tables(demo, tmp_path / "t.md", lang="en", tables=["saturation"])
    text = (tmp_path / "t.md").read_text(encoding="utf-8")
    assert text.startswith("Table 1 Theoretical saturation test\n")
    assert "| Held-out interview | New concepts | New categories |" in text
    assert warnings and "no held-out interviews" in warnings[0]
    with pytest.raises(InvalidInput):
        export_tables(demo, tmp_path / "t.pdf")
    with pytest.raises(InvalidInput):
        export_tables(demo, tmp_path / "t.md", tables="nonsense")


# -- Markdown and CSV ----------------------------------------------------------------------------


def test_markdown_structure(outputs: dict[str, Path]) -> None:
    text = outputs[".md"].read_text(encoding="utf-8")
    blocks = text.strip().split("\n\n")
    assert len(blocks) == 2 * len(TABLE_NAMES)
    for n, (cap, table) in enumerate(zip(blocks[::2], blocks[1::2], strict=True), 1):
        assert cap.startswith(f"表{n} ")
        lines = table.splitlines()
        cols = lines[0].count(" | ") + 1
        assert lines[1] == "| " + " | ".join(["---"] * cols) + " |"
        assert all(line.startswith("| ") and line.endswith(" |") for line in lines)
    assert f"| {' | '.join(PARTICIPANT_HEADERS)} |" in text


def test_csv_has_bom_one_file_per_table(outputs: dict[str, Path], demo, tmp_path: Path) -> None:
    files = sorted(outputs["dir"].glob("t-*.csv"))
    assert {f.stem.removeprefix("t-") for f in files} == set(TABLE_NAMES)
    for f in files:
        assert f.read_bytes().startswith(b"\xef\xbb\xbf")
    with (outputs["dir"] / "t-frequencies.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == FREQUENCY_HEADERS
    out = tmp_path / "out"
    out.mkdir()
    export_tables(demo, out / "one.csv", tables="编码频次")
    assert [p.name for p in out.iterdir()] == ["one.csv"]


# -- DOCX ----------------------------------------------------------------------------------------


def _border(el, edge: str) -> str | None:
    found = el.find(qn(f"w:{edge}"))
    return None if found is None else found.get(qn("w:val"))


def test_docx_three_line_tables(outputs: dict[str, Path], demo) -> None:
    document = docx.Document(str(outputs[".docx"]))
    assert len(document.tables) == len(TABLE_NAMES)
    body = list(document.element.body)
    for n, table in enumerate(document.tables, 1):
        before = body[body.index(table._tbl) - 1]
        assert before.tag == qn("w:p") and "".join(before.itertext()).startswith(f"表{n} ")
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert _border(borders, "top") == "single" and _border(borders, "bottom") == "single"
        for edge in ("left", "right", "insideV", "insideH"):
            assert _border(borders, edge) == "nil"
        for row_i, row in enumerate(table.rows):
            for cell in row.cells:
                tc_borders = cell._tc.tcPr.find(qn("w:tcBorders"))
                if row_i == 0:
                    assert _border(tc_borders, "bottom") == "single"
                    assert all(_border(tc_borders, e) is None for e in ("left", "right", "top"))
                else:
                    assert tc_borders is None
        header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None
        runs = [r for c in table.rows[0].cells for p in c.paragraphs for r in p.runs]
        assert all(r._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体" for r in runs)
        assert all(r.font.name == "Times New Roman" for r in runs)
    participants, freq = document.tables[0], document.tables[5]
    assert [c.text for c in participants.rows[0].cells] == PARTICIPANT_HEADERS
    assert [c.text for c in freq.rows[0].cells] == FREQUENCY_HEADERS
    a25 = next(r for r in freq.rows if r.cells[0].text == "a25")
    assert (int(a25.cells[2].text), int(a25.cells[3].text)) == a25_frequency(demo)


# -- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_sheets(outputs: dict[str, Path], demo) -> None:
    book = openpyxl.load_workbook(outputs[".xlsx"])
    assert book.sheetnames[0] == "表1 访谈对象基本信息"
    assert len(book.sheetnames) == len(TABLE_NAMES)
    assert all(len(n) <= 31 for n in book.sheetnames)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(c.font.bold for c in sheet[1])
    sheet = book["表6 编码频次"]
    assert [c.value for c in sheet[1]] == FREQUENCY_HEADERS
    a25 = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "a25")
    assert (a25[2], a25[3]) == a25_frequency(demo)
    units = book["表1 访谈对象基本信息"].column_dimensions["D"].width
    assert units >= 2 * len("Z镇C居民区(老旧小区)") - 4  # CJK counted double


# -- LaTeX ---------------------------------------------------------------------------------------


def test_latex_structure(outputs: dict[str, Path]) -> None:
    text = outputs[".tex"].read_text(encoding="utf-8")
    assert r"\usepackage{ctex}" in text and r"\usepackage{booktabs}" in text
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert text.count(rule) >= len(TABLE_NAMES)
    assert r"\begin{longtable}" in text  # 编码频次 runs over a page
    assert latex_escape("50% & a_1 #2 {x}") == r"50\% \& a\_1 \#2 \{x\}"


def test_latex_compiles(outputs: dict[str, Path], tmp_path: Path) -> None:
    if shutil.which("xelatex") is None:
        pytest.skip("xelatex is not installed: the .tex file cannot be compiled here")
    shutil.copy(outputs[".tex"], tmp_path / "t.tex")
    done = subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "t.pdf").exists()


# -- figures -------------------------------------------------------------------------------------


def test_figures_svg_and_png(demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coder.graph import export

    warnings = export_figures(demo, tmp_path / "fig.svg", held_out=HELD_OUT)
    svg = (tmp_path / "fig-saturation.svg").read_text(encoding="utf-8")
    assert "S4-02 *" in svg  # held-out interviews come last and are marked
    assert "a25 条块联动" in (tmp_path / "fig-frequencies.svg").read_text(encoding="utf-8")
    assert (export.cjk_font() is None) == bool(warnings)

    monkeypatch.setattr(export, "cjk_font", lambda: None)
    warnings = export_figures(demo, tmp_path / "fig.png", figures=["frequencies"])
    assert (tmp_path / "fig-frequencies.png").read_bytes().startswith(b"\x89PNG")
    assert not (tmp_path / "fig-saturation.png").exists()
    assert "no font with Chinese characters" in warnings[0]


def test_export_command_by_suffix(demo_file: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import docx as _docx

    from coder.cli import main

    out = tmp_path / "tables.docx"
    code = main(
        ["export", str(demo_file), "-o", str(out), "--coders", "R1,R2", "--held-out", "S2-03,S4-02"]
    )
    assert code == 0 and out.exists()
    heads = [t.rows[0].cells[0].text for t in _docx.Document(str(out)).tables]
    assert "编号" in heads and "编码者对" in heads
    assert (
        main(
            [
                "export",
                str(demo_file),
                "-o",
                str(tmp_path / "t.md"),
                "--tables",
                "frequencies",
                "--lang",
                "en",
            ]
        )
        == 0
    )
    text = (tmp_path / "t.md").read_text(encoding="utf-8")
    assert (
        text.startswith("Table 1 Code frequencies")
        and "| Code | Name | References | Sources | Category |" in text
    )
    assert main(["export", str(demo_file), "-o", str(tmp_path / "t.rtf")]) == 1


def test_codebook_document_in_hierarchy_order(demo) -> None:  # type: ignore[no-untyped-def]
    from coder.analysis.frequencies import frequencies
    from coder.exchange.tables import Options, codebook

    table = codebook(demo, Options(coders=["R1"]))
    labels = [r[0] for r in table.rows]
    assert labels[:3] == ["AA", "A1", "a01"] and labels.index("A2") > labels.index("a04")
    row = dict(zip(table.headers_zh, table.rows[labels.index("a25")], strict=True))
    freq = {f.label: f for f in frequencies(demo)}
    assert row["名称"] == "条块联动" and row["所属范畴"] == "A8 条块协同"
    assert row["参考点数"] == freq["a25"].codings and row["来源数"] == freq["a25"].sources
    assert row["示例（受访者编号）"].endswith("）") and "（S" in row["示例（受访者编号）"]
    a8 = dict(zip(table.headers_zh, table.rows[labels.index("A8")], strict=True))
    assert (a8["范式要素"], a8["统/合"]) == ("行动/互动策略", "合")


# -- machine assistance --------------------------------------------------------------------------


def _machine_touched(project) -> None:  # type: ignore[no-untyped-def]
    """One accepted suggestion, a machine coder's run (with a code only it applied), a check
    and an evaluation, all through the facade."""
    only_machine = project.add_code("机器才有")
    seg = project.segments(coder="R1")[0]
    src = project.sources()[0]
    project.accept_suggestion(src.id, 0, 3, seg.code_id, model="lr-a", score=0.8, coder="R1")
    made = project.apply_model(
        [
            (seg.source_id, only_machine.id, seg.start, seg.end, 0.9),
            (seg.source_id, seg.code_id, seg.start, seg.end, 0.7),
        ],
        model="lr-b",
    )
    project.check_coding(made[0], "confirmed")
    project.record_evaluation(
        {"macro": {"precision": 0.81, "recall": 0.72, "f1": 0.76, "kappa": 0.66}},
        model="lr-c",
        unit="sentence",
    )


def test_machine_codings_stay_out_of_the_tables_and_their_notes_say_so(demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plain = {t.name: t for t in build_tables(demo, None, Options(held_out=HELD_OUT))}
    assert all(not t.notes_zh for t in plain.values())  # the machine did nothing: no note
    _machine_touched(demo)
    tables = {t.name: t for t in build_tables(demo, None, Options(held_out=HELD_OUT))}
    # The code only the machine applied gets no quote, as in the codebook document.
    assert not [r for r in tables["open_coding"].rows if "机器才有" in str(r[1])]
    (book,) = build_tables(demo, "codebook", Options())
    row = next(r for r in book.rows if r[1] == "机器才有")
    assert (row[6], row[7]) == ("", 0)
    notes = " ".join(tables["frequencies"].notes_zh)
    assert "人工编码中有 1 条是研究者确认接受的机器建议（模型 lr-a 1；编码者 R1 1）" in notes
    assert "机器编码者 model:lr-b 的 2 条编码未计入" in notes
    assert "随机抽检 1 条，精确率 1.00" in notes
    assert "模型 lr-c" in notes and "F1 0.76" in notes
    assert "lr-b" in " ".join(tables["open_coding"].notes_en)
    assert not tables["participants"].notes_zh  # not built from codings
    export_tables(demo, tmp_path / "t.md", held_out=HELD_OUT)
    md = (tmp_path / "t.md").read_text(encoding="utf-8")
    assert "注：人工编码中有 1 条" in md
    export_tables(demo, tmp_path / "t.md", held_out=HELD_OUT, lang="en")
    assert "Note: 1 of the human codings are machine suggestions" in (tmp_path / "t.md").read_text(
        encoding="utf-8"
    )
    export_tables(demo, tmp_path / "t.docx", held_out=HELD_OUT)
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "t.docx")).paragraphs]
    assert any(p.startswith("注：人工编码中有 1 条") for p in paragraphs)
    export_tables(demo, tmp_path / "t.xlsx", held_out=HELD_OUT, tables="frequencies")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[0]
    assert str(sheet.cell(sheet.max_row, 1).value).startswith("注：")
    export_tables(demo, tmp_path / "t.tex", held_out=HELD_OUT)
    assert r"{\footnotesize 注：人工编码中有" in (tmp_path / "t.tex").read_text(encoding="utf-8")


def test_reliability_table_compares_human_coders_not_a_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from coder.model import SourceDraft
    from coder.project import Project

    p = Project.create(tmp_path / "r.coder", coder="R1")
    p.add_source(SourceDraft(name="S1", text="居委会跑断腿，街道说了算。"))
    a = p.add_code("负担")
    p.code_span("S1", 0, 6, a.id)
    p.apply_model([(p.source_id("S1"), a.id, 0, 6, 0.9)], model="lr-x")  # the second coder made
    p.code_span("S1", 0, 6, a.id, coder="R2")
    (row,) = build_tables(p, "reliability", Options()).pop().rows
    assert row[0] == "R1–R2"
    p.close()
