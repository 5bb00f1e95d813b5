"""MAXQDA's structured text (#TEXT, #CODE ... #ENDCODE#): import, export, and the round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coder.cli import main
from coder.errors import InvalidInput
from coder.exchange.codebook_yaml import load_codebook_file
from coder.exchange.maxqda import (
    export_structured,
    import_structured,
    is_structured,
    parse,
    write_document,
)
from coder.project import Project
from tests.conftest import CODEBOOK

#: As a MAXQDA user writes it by hand in Word and saves as text: CRLF, a BOM, Traditional and
#: Simplified Chinese, a subcode path, two codes on one passage, MAXQDA's line form, a document
#: without a name, and a name without a space after #TEXT.
STRUCTURED = (
    "\r\n"
    "#TEXT 訪談一 王科長\r\n"
    "訪談者：您好。\r\n"
    "受訪者：#CODE 基層治理困境\\條塊分割#上面千條線，下面一根針#ENDCODE#，我們很累。\r\n"
    "#CODE 统筹&&基層治理困境\\權責不對等#街道权小责大#ENDCODE#\r\n"
    "#TEXTS2-03\r\n"
    "居民：\r\n"
    "#CODE 统筹\\联席会议\r\n"
    "每月开一次会，\r\n"
    "大家坐下来谈。\r\n"
    "#ENDCODE\r\n"
    "后来就好了。\r\n"
    "#TEXT\r\n"
    "没有名字的文档\r\n"
)
#: The texts, by hand: markers and marker lines out, CRLF become LF.
TEXTS = {
    "訪談一 王科長": "訪談者：您好。\n受訪者：上面千條線，下面一根針，我們很累。\n街道权小责大",
    "S2-03": "居民：\n每月开一次会，\n大家坐下来谈。\n后来就好了。",
    "pre 3": "没有名字的文档",
}


def _write(tmp_path: Path, text: str, name: str = "pre.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def _codings(p: Project) -> set[tuple[str, str, str, tuple[str, ...]]]:
    """(source, passage, coder, code path) of every coding."""
    codes = {c.id: c for c in p.codes()}

    def path(cid: int) -> tuple[str, ...]:
        names, c = [], codes[cid]
        while True:
            names.append(c.name)
            if not c.parents:
                return tuple(reversed(names))
            c = codes[c.parents[0]]

    return {(s.source, s.text, s.coder, path(s.code_id)) for s in p.segments()}


def test_structured_text_imports_sources_codes_and_codings(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, STRUCTURED)
    assert is_structured(path)
    project.close()
    assert main(["import", str(project.path), str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 sources, 4 codings by tester, 5 codes added" in out
    with Project.open(project.path) as p:
        assert {s.name: p.source_text(s.name) for s in p.sources()} == TEXTS
        assert _codings(p) == {
            ("訪談一 王科長", "上面千條線，下面一根針", "tester", ("基層治理困境", "條塊分割")),
            ("訪談一 王科長", "街道权小责大", "tester", ("统筹",)),
            ("訪談一 王科長", "街道权小责大", "tester", ("基層治理困境", "權責不對等")),
            ("S2-03", "每月开一次会，\n大家坐下来谈。", "tester", ("统筹", "联席会议")),
        }
        levels = {c.name: c.level for c in p.codes()}
        assert levels["基層治理困境"] == levels["统筹"] == "axial"
        assert levels["條塊分割"] == levels["联席会议"] == "open"
        assert [e.action for e in p.log()] == ["import-maxqda"]  # one undoable event
        # Offsets index the normalised text, as every coding's do.
        seg = next(s for s in p.segments() if s.text == "街道权小责大")
        assert TEXTS["訪談一 王科長"][seg.start : seg.end] == "街道权小责大"
        p.undo()  # the whole file goes with one undo
        assert p.sources() == [] and p.codes() == [] and p.segments() == []


def test_codes_are_matched_by_path_then_by_name(project: Project, tmp_path: Path) -> None:
    load_codebook_file(project, CODEBOOK)
    before = len(project.codes())
    text = (
        "#TEXT 甲\n"
        "#CODE 统合型协同治理\\治理情境\\党建引领#党建引领是总抓手#ENDCODE#，"
        "#CODE 条块联动#拧成一股绳#ENDCODE#。\n"
    )
    result = import_structured(project, _write(tmp_path, text))
    assert result.codes_added == 0 and result.codes_matched == 2
    assert len(project.codes()) == before
    names = {s.code for s in project.segments()}
    assert names == {"党建引领", "条块联动"}


def test_a_plain_transcript_is_never_read_as_structured(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "S1-01.txt"
    path.write_text(
        "访谈者：你好。\n#TEXT 这一行在正文里\n受访者：#CODE 不是编码#好。\n", encoding="utf-8"
    )
    assert not is_structured(path)
    project.close()
    assert main(["import", str(project.path), str(path)]) == 0
    with Project.open(project.path) as p:
        assert [s.name for s in p.sources()] == ["S1-01"] and p.codes() == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("#TEXT a\n#CODE x#一#CODE y#二#ENDCODE##ENDCODE#\n", "line 2: #CODE inside a passage"),
        ("#TEXT a\n一#ENDCODE#\n", "line 2: #ENDCODE without a #CODE"),
        ("#TEXT a\n#CODE x#一\n#TEXT b\n二\n", "ends inside a #CODE passage"),
        ("#TEXT a\n#CODE x&&#一#ENDCODE#\n", "is empty"),
        ("#TEXT a\n#CODE x\\\\y#一#ENDCODE#\n", "is empty"),
        ("#TEXT a\n\n#TEXT b\n二\n", "has no text"),
        ("#TEXT a\n一\n#TEXT a\n二\n", "two sources with the same name"),
    ],
)
def test_malformed_files_import_nothing(
    text: str, message: str, project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, text)
    project.close()
    assert main(["import", str(project.path), str(path)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    with Project.open(project.path) as p:
        assert p.sources() == [] and p.codes() == [] and p.segments() == []


def _hand_built(path: Path) -> Project:
    """Five passages of one source, coded the ways the format can and cannot hold."""
    p = Project.create(path, title="hand")
    text = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
    from coder.model import SourceDraft

    p.add_sources([SourceDraft(name="S1", text=text, original_name="S1.txt", encoding="utf-8")])
    cat = p.add_code("困境", "axial")
    a = p.add_code("条块分割", "open", parent=cat.id)
    b = p.add_code("权责", "open", parent=cat.id)
    c = p.add_code("会商", "open")
    rows = [
        ("S1", a.id, 0, 4, "R1"),  # 甲乙丙丁 by two coders with the same code: written once
        ("S1", a.id, 0, 4, "R2"),
        ("S1", b.id, 0, 4, "R2"),  # another code on the same passage: the same #CODE
        ("S1", c.id, 2, 3, "R3"),  # nests inside 0-4: left out
        ("S1", c.id, 4, 6, "R1"),  # touches 0-4: written
        ("S1", a.id, 8, 12, "R1"),  # 8-12 and 10-14 cross: one is left out
        ("S1", b.id, 10, 14, "R2"),
    ]
    sid = p.source_id("S1")
    p.add_codings([(sid, cid, s, e, who) for _, cid, s, e, who in rows])
    p.set_coding_memo(next(s.id for s in p.segments() if s.start == 4), "相邻", force=True)
    return p


def test_export_writes_what_the_format_holds_and_reports_the_rest(tmp_path: Path) -> None:
    p = _hand_built(tmp_path / "hand.coder")
    out = tmp_path / "x.txt"
    report = export_structured(p, out)
    lines = report.lines()
    assert report.codings == 4 and report.passages == 3
    assert lines[1] == (
        "left out 3 codings: 1 repeat the same code on the same passage by another coder "
        "(the format names no coder); 2 overlap or nest in codings that were written "
        "(passages cannot cross or nest)"
    )
    assert "1 memos on codings" in lines[2]
    text = out.read_bytes().decode("utf-8-sig")
    assert text == (
        "#TEXT S1\n"
        "#CODE 困境\\权责&&困境\\条块分割#甲乙丙丁#ENDCODE#"  # paths in code point order
        "#CODE 会商#戊己#ENDCODE#"
        "庚辛#CODE 困境\\条块分割#壬癸子丑#ENDCODE#寅卯辰巳午未申酉\n"
    )
    # Back into a new project: the written codings, with their spans and codes, by the importer.
    q = Project.create(tmp_path / "back.coder", title="back")
    import_structured(q, out)
    assert q.source_text("S1") == p.source_text("S1")
    got = {(s.start, s.end, s.code, s.coder) for s in q.segments()}
    assert got == {
        (0, 4, "条块分割", "tester"),
        (0, 4, "权责", "tester"),
        (4, 6, "会商", "tester"),
        (8, 12, "条块分割", "tester"),
    }
    p.close()
    q.close()


def test_demo_round_trip(demo: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.txt"
    report = export_structured(demo, out)
    total = len(demo.segments())
    assert report.codings + sum(report.left_out.values()) == total
    again = tmp_path / "again.txt"
    assert main(["export", str(demo.path), "-o", str(again), "--format", "maxqda"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[1:] == report.lines()[1:] and printed[1].startswith("left out ")
    assert again.read_bytes() == out.read_bytes()
    back = tmp_path / "back.coder"
    assert main(["new", str(back)]) == 0
    assert main(["import", str(back), str(out)]) == 0
    with Project.open(back) as q:
        assert [s.name for s in q.sources()] == [s.name for s in demo.sources()]
        assert all(q.source_text(s.name) == demo.source_text(s.name) for s in demo.sources())
        written = {(s.source, s.start, s.end, s.code) for s in q.segments()}
        have = {(s.source, s.start, s.end, s.code) for s in demo.segments()}
        assert len(written) == report.codings and written <= have
        assert {s.coder for s in q.segments()} == {"tester"}


def test_sources_the_format_cannot_hold_are_left_out(project: Project, tmp_path: Path) -> None:
    from coder.model import SourceDraft

    project.add_sources(
        [
            SourceDraft(name="ok", text="普通文本", encoding="utf-8"),
            SourceDraft(name="bad", text="笔记\n#TEXT 在正文里", encoding="utf-8"),
        ]
    )
    report = export_structured(project, tmp_path / "x.txt")
    assert report.sources == 1 and report.sources_left_out == ["bad"]
    with pytest.raises(InvalidInput, match="no sources"):
        export_structured(Project.create(tmp_path / "e.coder", title="e"), tmp_path / "y.txt")


# -- properties ---------------------------------------------------------------------------------

_TOKENS = st.lists(
    st.sampled_from(
        [
            "#TEXT",
            "#TEXT 甲",
            "#CODE ",
            "#CODE 统筹",
            "#ENDCODE#",
            "#ENDCODE",
            "&&",
            "\\",
            "#",
            "\n",
            " ",
            "条块",
            "會商",
            "a",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TOKENS)
def test_parser_reads_or_refuses_anything(text: str) -> None:
    try:
        docs = parse(text, "f.txt")
    except InvalidInput as exc:
        assert "\n" not in str(exc) and "nothing was imported" in str(exc)
        return
    for doc in docs:
        for start, end, paths in doc.passages:
            assert 0 <= start <= end <= len(doc.text) and paths and all(all(p) for p in paths)


_PLAIN = st.text(
    alphabet=st.sampled_from("条块联动會商日上面千条线，。\n ab"), min_size=1, max_size=60
)


@settings(max_examples=200, deadline=None)
@given(text=_PLAIN, cuts=st.lists(st.integers(0, 60), max_size=8), data=st.data())
def test_written_passages_read_back_exactly(text: str, cuts: list[int], data) -> None:
    points = sorted({min(c, len(text)) for c in cuts})
    pairs = list(zip(points[::2], points[1::2], strict=False))
    codes = st.lists(
        st.sampled_from(["统筹", "困境\\条块分割", "a\\b\\c"]), min_size=1, unique=True
    )
    passages = [(a, b, sorted(data.draw(codes))) for a, b in pairs]
    [doc] = parse(write_document("S1", text, passages), "f.txt")
    assert doc.text == text
    got = [(a, b, sorted("\\".join(p) for p in paths)) for a, b, paths in doc.passages]
    assert got == sorted(passages)


def test_import_and_export_on_both_backends(location, tmp_path: Path) -> None:
    p = Project.create(location, title="backends")
    try:
        result = import_structured(p, _write(tmp_path, STRUCTURED))
        assert (result.codings, result.codes_added) == (4, 5)
        out = tmp_path / "back.txt"
        assert export_structured(p, out).codings == 4
        [doc] = [d for d in parse(out.read_bytes().decode("utf-8-sig"), "b") if d.name == "S2-03"]
        assert doc.text == TEXTS["S2-03"]
        p.undo()
        assert p.sources() == [] and p.codes() == []
    finally:
        p.close()
