"""REFI-QDA exchange: real files from other programs, exports that validate, a lossless round
trip, lenient reading of odd files, and hostile archives refused.

Reference numbers come from the sample files themselves, counted here with lxml independently
of the importer, and from ``shared/refi-qda/samples/README.md``.
"""

from __future__ import annotations

import io
import json
import random
import re
import struct
import time
import unicodedata
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from coder.errors import InvalidInput
from coder.exchange.refi import export_qdc, export_qdpx, import_qdc, import_qdpx, xmlsafe
from coder.exchange.refi.convention import (
    NAMESPACE,
    code_description,
    derived_guid,
    parse_code_description,
    parse_colour,
)
from coder.exchange.refi.positions import CODE_POINTS, TextMap, model_for
from coder.model import SourceDraft
from coder.project import Project
from coder.store.schema import cases as cases_table
from tests.conftest import snapshot

REFI = Path(__file__).resolve().parents[3] / "shared" / "refi-qda"
SAMPLES = REFI / "samples"
requires_shared = pytest.mark.skipif(
    not (REFI / "Project.xsd").is_file() or not SAMPLES.is_dir(),
    reason=f"needs the REFI-QDA schemas and samples in {REFI}, which is absent",
)
"""The schemas and the sample files live in ../shared beside the repository, not in it."""
SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _guid(raw: str) -> str:
    return raw.strip().strip("{}").lower()


@pytest.fixture(scope="module")
def schemas() -> dict[str, etree.XMLSchema]:
    for name in ("Project.xsd", "Codebook.xsd"):
        if not (REFI / name).is_file():
            pytest.skip(f"needs {REFI / name}, which is absent")
    return {
        "project": etree.XMLSchema(etree.parse(str(REFI / "Project.xsd"))),
        "codebook": etree.XMLSchema(etree.parse(str(REFI / "Codebook.xsd"))),
    }


def _valid(schema: etree.XMLSchema, data: bytes) -> None:
    doc = etree.fromstring(data, SAFE)
    assert schema.validate(doc), schema.error_log.last_error


# -- the samples, counted independently ----------------------------------------------------------


def _expected(path: Path) -> dict:
    """Codes with depth, text sources whose file is present, and their selections and codings,
    counted from the XML with lxml."""
    if path.suffix == ".qdc":
        root = etree.fromstring(path.read_bytes(), SAFE)
        names: set[str] = set()
    else:
        z = zipfile.ZipFile(path)
        qde = next(n for n in z.namelist() if n.lower().endswith(".qde"))
        root = etree.fromstring(z.read(qde), SAFE)
        names = {n.lower().rsplit("/", 1)[-1] for n in z.namelist()}
    depth: dict[str, int] = {}

    def walk(el: etree._Element, d: int) -> None:
        for child in el:
            if _local(child.tag) == "Code":
                depth[_guid(child.get("guid"))] = d
                walk(child, d + 1)

    for codes_el in root.iter("{*}Codes"):
        walk(codes_el, 0)
    present, selections, codings = [], 0, 0
    for src in root.iter("{*}TextSource"):
        file = re.sub(r"^internal:/*", "", src.get("plainTextPath") or "").lower()
        if file.rsplit("/", 1)[-1] in names:
            present.append(src)
            sels = [s for s in src if _local(s.tag) == "PlainTextSelection"]
            selections += len(sels)
            codings += sum(1 for s in sels for c in s if _local(c.tag) == "Coding")
    missing = [s.get("plainTextPath") for s in root.iter("{*}TextSource") if s not in present]
    return {
        "depth": depth,
        "sources": len(present),
        "selections": selections,
        "codings": codings,
        "missing": missing,
    }


#: From samples/README.md: codes, levels of depth, text sources, selections, codings.
README = {
    "nvivo-win-12.6__oltas.qdpx": (60, 3, 1, 97, 97),
    "maxqda-24.7__2025-06-16_ICLS_Conf_Themes_ALL_just10.qdpx": (307, 2, 10, 0, 0),
    "qc-1.3.2__demo.qdpx": (262, 7, 2, 158, 205),
    "atlasti-8.4-spec-example__TestProject.qdpx": (14, 1, 0, 0, 0),
    "atlasti-win-23.4__codebook.qdc": (1, 1, 0, 0, 0),
}


def _import(path: Path, tmp_path: Path) -> tuple[Project, object]:
    project = Project.create(tmp_path / f"{path.stem}.coder")
    report = import_qdc(project, path) if path.suffix == ".qdc" else import_qdpx(project, path)
    return project, report


def _depths(project: Project) -> dict[str, int]:
    codes = {c.id: c for c in project.codes()}

    def depth(c) -> int:  # type: ignore[no-untyped-def]
        return 0 if not c.parents else 1 + depth(codes[c.parents[0]])

    return {c.guid: depth(c) for c in codes.values()}


@requires_shared
@pytest.mark.parametrize("name", sorted(README))
def test_every_sample_arrives_whole(name: str, tmp_path: Path) -> None:
    path = SAMPLES / name
    want = _expected(path)
    n_codes, levels, n_sources, n_sel, n_codings = README[name]
    assert len(want["depth"]) == n_codes and max(want["depth"].values()) + 1 == levels
    assert (want["sources"], want["selections"], want["codings"]) == (n_sources, n_sel, n_codings)

    project, report = _import(path, tmp_path)
    assert _depths(project) == want["depth"]  # every code, under the same GUID, at its depth
    assert len(project.sources()) == want["sources"]
    assert report.counts.get("selections", 0) == want["selections"]
    assert len(project.segments()) == want["codings"]
    assert json.loads(json.dumps(report.as_dict()))["file"] == name
    assert all(isinstance(line, str) and line for line in report.lines())
    undone = project.undo()
    assert undone.action in ("import-refi", "load-codebook")
    assert project.codes() == [] and project.sources() == []
    project.close()


def _boundaries_ok(text: str, start: int, end: int) -> bool:
    """Neither end of the passage cuts a word (checkable in alphabetic text)."""
    inside_start = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    inside_end = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not (inside_start or inside_end)


def _docx_paragraphs(data: bytes) -> set[str]:
    """The paragraphs (here: table cells) of a .docx, read from its XML with lxml."""
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"), SAFE)
    return {"".join(t.text or "" for t in p.iter("{*}t")).strip() for p in body.iter("{*}p")}


@requires_shared
def test_nvivo_selections_land_on_the_text_nvivo_meant(tmp_path: Path) -> None:
    path = SAMPLES / "nvivo-win-12.6__oltas.qdpx"
    project, report = _import(path, tmp_path)
    assert "UTF-16" in report.positions
    z = zipfile.ZipFile(path)
    # The file is a table of YouTube comments; NVivo coded whole comments, so every passage is
    # exactly one paragraph (cell) of the .docx.
    docx = _docx_paragraphs(z.read("Sources/56a79789-d535-4fb8-bedd-a915504c54ba.docx"))
    segments = project.segments()
    text = project.source_text(segments[0].source_id)
    assert sum(ord(ch) > 0xFFFF for ch in text) > 800  # the emoji that trip code-point readers
    for seg in segments:
        assert _boundaries_ok(text, seg.start, seg.end), seg.text[:40]
        assert seg.text.strip() in docx, seg.text[:40]
    # The test can tell: reading the same positions as code points misplaces many of them.
    raw = z.read("Sources/56a79789-d535-4fb8-bedd-a915504c54ba.txt").decode("utf-8")
    qde = z.read("project.qde").decode("utf-8")
    spans = [
        tuple(map(int, m)) for m in re.findall(r'startPosition="(\d+)" endPosition="(\d+)"', qde)
    ]
    naive = TextMap(raw, CODE_POINTS)
    wrong = sum(
        naive.text[naive.offset(a) : naive.offset(b, end=True)].strip() not in docx
        for a, b in spans
    )
    assert wrong > len(spans) // 2
    project.close()


@requires_shared
def test_qc_selections_are_the_lines_it_names(tmp_path: Path) -> None:
    path = SAMPLES / "qc-1.3.2__demo.qdpx"
    project, _ = _import(path, tmp_path)
    qde = zipfile.ZipFile(path).read("project.qde").decode("utf-8")
    named = {
        (int(s), int(e)): int(n)
        for n, s, e in re.findall(
            r'name="line:(\d+)" startPosition="(\d+)" endPosition="(\d+)"', qde
        )
    }
    source = project.source("board_2017")
    text = project.source_text(source.id)
    segments = project.segments(source=source.id)
    assert len(segments) == 205
    for seg in segments:
        line = named[(seg.start, seg.end)]  # qc counts lines from 0
        assert text[: seg.start].count("\n") == line
        assert (seg.start == 0 or text[seg.start - 1] == "\n") and seg.text.endswith("\n")
        assert _boundaries_ok(text, seg.start, seg.end)
    # qc names one code twice at the same level under different parents: both are kept.
    names = [c.name for c in project.codes()]
    assert "programming" in names and "programming (cs_as_programming)" in names
    project.close()


@requires_shared
def test_atlas_example_reports_its_missing_files_and_keeps_the_rest(tmp_path: Path) -> None:
    path = SAMPLES / "atlasti-8.4-spec-example__TestProject.qdpx"
    want = _expected(path)
    project, report = _import(path, tmp_path)
    text = "\n".join(report.lines())
    assert len(want["missing"]) == 6  # the example's Sources/ folder is empty
    root = etree.fromstring(zipfile.ZipFile(path).read("Project.qde"), SAFE)
    representations = [r.get("plainTextPath") for r in root.iter("{*}Representation")]
    for missing in want["missing"] + [r for r in representations if r]:
        assert f"{missing} is missing from the archive" in text
    assert "missing from the archive" in text
    for kind in ("PictureSource", "AudioSource", "VideoSource", "PDFSource"):
        assert kind in text
    assert "graph" in text and "code set" in text
    assert len(project.codes()) == 14
    memos = {m.title: m for m in project.memos()}
    assert set(memos) == {"Research Plan", "My favorite Coke ad"}
    assert "day to day log" in memos["Research Plan"].text
    coke = {c.name: c for c in project.codes()}["Coke"]
    assert coke.colour == "#966450" and coke.definition == "the breakfast of champions"
    project.close()


@requires_shared
def test_atlas_codebook_with_an_odd_schema_location(tmp_path: Path) -> None:
    project, report = _import(SAMPLES / "atlasti-win-23.4__codebook.qdc", tmp_path)
    (code,) = project.codes()
    assert (code.name, code.colour, code.definition) == ("code1", "#46aa00", "description")
    assert code.guid == "1ff58b12-6f6f-4b0c-8be5-bbdc91f55294"
    assert "code group 1" in "\n".join(report.lines())
    project.close()


@requires_shared
@pytest.mark.parametrize("name", sorted(n for n in README if n.endswith(".qdpx")))
def test_imported_samples_export_valid_files(name: str, tmp_path: Path, schemas) -> None:
    project, _ = _import(SAMPLES / name, tmp_path)
    export_qdpx(project, tmp_path / "out.qdpx")
    _valid(schemas["project"], zipfile.ZipFile(tmp_path / "out.qdpx").read("project.qde"))
    if project.codes():
        export_qdc(project, tmp_path / "out.qdc")
        _valid(schemas["codebook"], (tmp_path / "out.qdc").read_bytes())
    project.close()


# -- export and the round trip -------------------------------------------------------------------


def _enrich(p: Project) -> None:
    """Give the demo every kind of object the format has to carry."""
    seg, other = p.segments()[:2]
    p.set_coding_memo(seg.id, "典型表述\n第二行 & <标记>", force=True)
    p.add_memo("两段的比较", type="comparison", target="coding", target_id=seg.id, title="比较")
    src = p.sources()[0]
    p.add_memo("来源备忘", type="methodological", target="source", target_id=src.id, title="来源")
    p.add_memo("这一段的批注", target="source", target_id=src.id, span=(3, 9))  # untitled
    p.add_memo("同名", target="code", target_id=seg.code_id, title="来源")  # a title used twice
    case = p.cases()[0]
    p.add_memo("受访者的背景", target="case", target_id=case.id, title="个案")
    rel = p.relations()[0]
    p.add_memo("关系的说明", target="relation", target_id=rel.id, title="关系")
    p.add_evidence(rel.id, [seg.id, other.id])
    p.attach_code("a25", "A9")
    p.add_code(
        '带<特殊>&"字符"',
        "open",
        parent="A1",
        definition="第一行\n\n[GT] not a field\n第三行",
        inclusion="a\\b\nc",
        in_vivo=True,
        colour="#abcdef",
    )


def _content(p: Project) -> dict:
    """What must survive a round trip, keyed by GUIDs and names (not database ids)."""
    codes = p.codes()
    cg = {c.id: c.guid for c in codes}
    srcs = p.sources()
    sg = {s.id: s.guid for s in srcs}
    segs = p.segments()
    key = {s.id: (sg[s.source_id], s.start, s.end, cg[s.code_id], s.coder) for s in segs}
    with p.read() as conn:
        case_guid = dict(
            conn.execute(
                cases_table.select().with_only_columns(cases_table.c.id, cases_table.c.guid)
            ).all()
        )
    rels = p.relations()
    rk = {r.id: (cg[r.from_id], cg[r.to_id], r.type) for r in rels}
    targets = {"code": cg, "source": sg, "case": case_guid, "coding": key, "relation": rk}
    return {
        "codes": {
            c.guid: (
                c.label,
                c.name,
                c.level,
                c.colour,
                c.definition,
                c.inclusion,
                c.exclusion,
                c.example,
                c.name_en,
                c.in_vivo,
                c.paradigm_role,
                c.axis,
                c.is_core,
                c.properties,
                tuple(cg[x] for x in c.parents),
            )
            for c in codes
        },
        "sources": {s.guid: (s.name, p.source_text(s.id), s.case, s.attributes) for s in srcs},
        "cases": sorted((c.name, tuple(sorted(c.attributes.items()))) for c in p.cases()),
        "codings": sorted(key[s.id] + (s.memo,) for s in segs),
        "memos": sorted(
            (
                m.type,
                m.target_type,
                targets[m.target_type][m.target_id] if m.target_id else None,
                m.title,
                m.text,
                m.coder,
                m.start,
                m.end,
            )
            for m in p.memos()
        ),
        "relations": sorted(
            rk[r.id] + (r.description, tuple(sorted(key[e] for e in r.evidence))) for r in rels
        ),
    }


def _qde(path: Path) -> str:
    text = zipfile.ZipFile(path).read("project.qde").decode("utf-8")
    return re.sub(r"<Project [^>]*>", "<Project>", text, count=1)


def _without_source_users(qde: str) -> str:
    qde = re.sub(r'(<TextSource [^>]*) creatingUser="[^"]+"', r"\1", qde)
    return re.sub(r"<Users>.*?</Users>", "", qde, count=1)


def test_exports_of_everything_validate(demo: Project, tmp_path: Path, schemas) -> None:
    _enrich(demo)
    demo.add_code("bell", "open", definition="ring \x07 twice")
    export_qdpx(demo, tmp_path / "all.qdpx")
    _valid(schemas["project"], zipfile.ZipFile(tmp_path / "all.qdpx").read("project.qde"))
    export_qdc(demo, tmp_path / "all.qdc")
    _valid(schemas["codebook"], (tmp_path / "all.qdc").read_bytes())


def test_round_trip_keeps_everything(demo: Project, tmp_path: Path) -> None:
    _enrich(demo)
    first = tmp_path / "first.qdpx"
    report = export_qdpx(demo, first)
    assert report.counts["codings"] == len(demo.segments()) and report.counts["links"] >= 22
    other = Project.create(tmp_path / "other.coder", title="copy", coder="colleague")
    imported = import_qdpx(other, first)
    assert [e.action for e in other.log()] == ["import-refi"]  # one undoable event
    assert not [d for d in imported.dropped if "graph" not in d.what]
    assert _content(other) == _content(demo)
    second = tmp_path / "second.qdpx"
    export_qdpx(other, second)
    # Same GUIDs, same order, same text: only the project's own header differs, and who brought
    # the sources in (the colleague, in the copy), so the user list has the colleague too.
    a, b = _qde(first), _qde(second)
    (colleague,) = re.findall(r'<User guid="([^"]+)" name="colleague"/>', b)
    assert set(re.findall(r'<TextSource [^>]*creatingUser="([^"]+)"', b)) == {colleague}
    assert _without_source_users(b) == _without_source_users(a)
    za, zb = zipfile.ZipFile(first), zipfile.ZipFile(second)
    texts = sorted(n for n in za.namelist() if n.startswith("sources/"))
    assert texts == sorted(n for n in zb.namelist() if n.startswith("sources/"))
    assert all(za.read(n) == zb.read(n) for n in texts)
    other.close()


def test_importing_the_same_file_again_changes_nothing(demo: Project, tmp_path: Path) -> None:
    path = tmp_path / "demo.qdpx"
    export_qdpx(demo, path)
    before = snapshot(demo.path)
    report = import_qdpx(demo, path)
    assert report.event_id is None and "nothing new" in report.lines()[0]
    assert snapshot(demo.path) == before


def test_codebook_export_loads_back(demo: Project, tmp_path: Path) -> None:
    demo.attach_code("a25", "A9")
    path = tmp_path / "codebook.qdc"
    report = export_qdc(demo, path)
    assert any("relations" in d.what for d in report.dropped)  # a .qdc cannot hold them
    other = Project.create(tmp_path / "cb.coder")
    import_qdc(other, path)
    assert _content(other)["codes"] == _content(demo)["codes"]
    # Loading merges by name: a second load changes nothing, an edited field is taken.
    other.update_code("a01", definition="changed here")
    before = len(other.log())
    import_qdc(other, path)
    assert len(other.log()) == before + 1
    assert other.code("a01").definition == demo.code("a01").definition
    assert import_qdc(other, path).event_id is None
    other.close()


def test_characters_xml_cannot_hold_are_reported(project: Project, tmp_path: Path) -> None:
    project.add_code("bell", "open", definition="ring \x07 twice")
    report = export_qdc(project, tmp_path / "x.qdc")
    assert any("control character" in d.what for d in report.dropped)
    etree.fromstring((tmp_path / "x.qdc").read_bytes(), SAFE)  # well-formed (validity: above)


def test_codebook_merges_foreign_codes_by_name(project: Project, tmp_path: Path) -> None:
    project.add_code("Coke", "open", definition="mine")
    qdc = tmp_path / "x.qdc"
    qdc.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="D299EFAE-5779-46DC-9827-A3D1A5D544BC" name="Coke" isCodable="true" color="#F00">'
        "<Description>theirs</Description></Code></Codes></CodeBook>",
        encoding="utf-8",
    )
    report = import_qdc(project, qdc)
    (code,) = project.codes()
    assert (code.definition, code.colour) == ("theirs", "#ff0000")
    assert report.counts == {"codes_matched": 1, "codes_updated": 1}


# -- the convention and the position model ---------------------------------------------------------


def test_gt_fields_survive_a_description(demo: Project) -> None:
    by_id = {c.id: c for c in demo.codes()}
    for code in by_id.values():
        labels = [by_id[p].label for p in code.parents]
        definition, fields, problems = parse_code_description(code_description(code, labels))
        assert definition == code.definition and not problems
        assert fields["label"] == code.label and fields["level"] == code.level
        assert fields.get("paradigm_role") == code.paradigm_role and fields.get("axis") == code.axis
        assert fields.get("properties", []) == [dict(p) for p in code.properties]
    a8 = demo.code("A8")
    assert "[GT] label: A8; level: axial; paradigm_role: strategy; axis: 合" in code_description(
        a8, ["AA"]
    )


def test_derived_guids_are_uuid5() -> None:
    parts = ("coding", "src", "1", "2")
    assert derived_guid(*parts) == str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def test_colours_are_read_leniently() -> None:
    assert parse_colour("#ABC") == ("#aabbcc", True)
    assert parse_colour("#FF112233") == ("#112233", True)
    assert parse_colour("rgb(10, 20, 255)") == ("#0a14ff", True)
    assert parse_colour(None) == ("", True)
    assert parse_colour("red") == ("", False)


def test_positions_against_an_independent_utf16_count() -> None:
    rng = random.Random(20261127)
    model = model_for("NVivo for Windows 12.6")
    pieces = ["a", "b", "é", "中", "文", " ", "😀", "🎉", "\r\n", "\rx", "\n", "e\u0301"]
    for _ in range(20):
        parts = [rng.choice(pieces) for _ in range(300)]
        raw = "\ufeff" + "".join(parts)
        tm = TextMap(raw, model)
        # Reference: slice the UTF-16 encoding of the file after its BOM, then normalise.
        units = raw[1:].encode("utf-16-le")
        bounds = [0]
        for part in parts:
            bounds.append(bounds[-1] + len(part.encode("utf-16-le")) // 2)
        assert tm.units == bounds[-1]
        for _ in range(50):
            a, b = sorted(rng.sample(bounds, 2))
            want = units[2 * a : 2 * b].decode("utf-16-le")
            want = unicodedata.normalize("NFC", want.replace("\r\n", "\n").replace("\r", "\n"))
            assert tm.text[tm.offset(a) : tm.offset(b, end=True)] == want
            assert tm.position(tm.offset(a)) == a


def test_positions_of_producers_that_count_a_line_break_once() -> None:
    raw = "first line\r\nsecond 😀 line\r\nthird"
    norm = raw.replace("\r\n", "\n")
    for origin in ("ATLAS.ti 26", "QualCoder 3.6"):
        tm = TextMap(raw, model_for(origin))
        start = norm.index("line", 12)
        assert tm.text[tm.offset(start) : tm.offset(start + 4, end=True)] == "line"
    tm = TextMap(raw, model_for("MAXQDA 24"))  # code points of the file, CRLF as two
    start = raw.index("third")
    assert tm.text[tm.offset(start) :] == "third"


# -- lenient reading -------------------------------------------------------------------------------


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _utf16(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(word, i + 1)
    before = len(text[:i].encode("utf-16-le")) // 2
    return before, before + len(word.encode("utf-16-le")) // 2


def test_odd_files_from_other_programs_are_read(project: Project, tmp_path: Path) -> None:
    # NVivo: BOM, CRLF, emoji before the passage, UTF-16 positions, capital Sources/.
    nvivo_text = "😀 first line\r\n🎉🎉 the target word\r\nend"
    a, b = _utf16(nvivo_text, "target")
    # ATLAS.ti: a line break counts once.
    atlas_text = "alpha\r\nbeta gamma\r\n"
    c = atlas_text.replace("\r\n", "\n").index("gamma")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1:0" name="odd" origin="ATLAS.ti 26">
<Users><User guid="{{AAAAAAAA-0000-0000-0000-000000000001}}" name="Ann"/></Users>
<CodeBook><Codes>
  <Code guid="{{AAAAAAAA-0000-0000-0000-0000000000C1}}" name="Gamma" isCodable="true" color="rgb(1,2,3)"/>
  <Code guid="aaaaaaaa-0000-0000-0000-0000000000c2" name="Odd colour" isCodable="false" color="red"/>
  <Code guid="not-a-guid" name="No colour" isCodable="true"/>
</Codes></CodeBook>
<Sources>
  <TextSource guid="AAAAAAAA-0000-0000-0000-0000000000A1" name="atlas" plainTextPath="atlas.txt">
    <PlainTextSelection guid="AAAAAAAA-0000-0000-0000-0000000000B1" startPosition="{c}" endPosition="{c + 5}" creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
      <Coding guid="AAAAAAAA-0000-0000-0000-0000000000D1" creatingUser="AAAAAAAA-0000-0000-0000-000000000001"><CodeRef targetGUID="aaaaaaaa-0000-0000-0000-0000000000c1"/></Coding>
    </PlainTextSelection>
    <PlainTextSelection guid="AAAAAAAA-0000-0000-0000-0000000000B3" startPosition="0" endPosition="5">
      <Description>about alpha</Description>
    </PlainTextSelection>
    <PlainTextSelection guid="AAAAAAAA-0000-0000-0000-0000000000B2" startPosition="3" endPosition="3">
      <Coding guid="AAAAAAAA-0000-0000-0000-0000000000D2"><CodeRef targetGUID="not-a-guid"/></Coding>
    </PlainTextSelection>
  </TextSource>
  <TextSource guid="AAAAAAAA-0000-0000-0000-0000000000A2" name="inline">
    <PlainTextContent>inline text only</PlainTextContent>
    <Coding guid="AAAAAAAA-0000-0000-0000-0000000000D3"><CodeRef targetGUID="not-a-guid"/></Coding>
  </TextSource>
  <TextSource guid="AAAAAAAA-0000-0000-0000-0000000000A3" name="gone" plainTextPath="internal://gone.txt"/>
</Sources>
<Notes><Note guid="AAAAAAAA-0000-0000-0000-0000000000E1" name="on gamma"><PlainTextContent>memo text</PlainTextContent></Note></Notes>
<Links><Link guid="AAAAAAAA-0000-0000-0000-0000000000F1" name="Memo-Code Relation" direction="OneWay"
  originGUID="AAAAAAAA-0000-0000-0000-0000000000E1" targetGUID="AAAAAAAA-0000-0000-0000-0000000000C1"/></Links>
</Project>"""
    path = _zip(
        tmp_path / "odd.qdpx",
        {
            "Trial.qde": qde.encode("utf-8"),
            "Sources/": b"",
            "Sources/atlas.txt": b"\xef\xbb\xbf" + atlas_text.encode("utf-8"),
        },
    )
    report = import_qdpx(project, path)
    lines = "\n".join(report.lines())
    assert "gone.txt is missing" in lines and "zero-length" in lines and "'red'" in lines
    codes = {c.name: c for c in project.codes()}
    assert codes["Gamma"].colour == "#010203" and codes["Odd colour"].colour == ""
    assert codes["Gamma"].guid == "aaaaaaaa-0000-0000-0000-0000000000c1"
    (seg,) = project.segments(code="Gamma")
    assert seg.text == "gamma" and seg.coder == "Ann"
    (whole,) = project.segments(code="No colour")
    assert whole.text == "inline text only"
    assert project.source_text("atlas") == "alpha\nbeta gamma\n"
    memos = {m.title: m for m in project.memos()}
    assert memos["on gamma"].target_type == "code"  # attached by a link, as ATLAS.ti does
    assert memos["on gamma"].target_id == codes["Gamma"].id
    comment = memos["comment on 0–5"]  # a selection with a comment and no coding: a memo
    assert (comment.target_type, comment.text) == ("source", "about alpha")  # on that passage
    assert project.source_text("atlas")[comment.start : comment.end] == "alpha"

    nvivo = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="n" origin="NVivo for Windows 12.6">
<CodeBook><Codes><Code guid="bbbbbbbb-0000-0000-0000-0000000000c1" name="Target" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="bbbbbbbb-0000-0000-0000-0000000000a1" name="atlas" plainTextPath="internal://nv.txt">
<PlainTextSelection guid="bbbbbbbb-0000-0000-0000-0000000000b1" name="" startPosition="{a}" endPosition="{b}"><Description />
<Coding guid="bbbbbbbb-0000-0000-0000-0000000000d1"><CodeRef targetGUID="bbbbbbbb-0000-0000-0000-0000000000c1"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
    path = _zip(
        tmp_path / "nv.qdpx",
        {
            # A BOM before the XML declaration (an old QualCoder bug) is read too.
            "project.qde": b"\xef\xbb\xbf" + nvivo.encode(),
            "Sources/nv.txt": b"\xef\xbb\xbf" + nvivo_text.encode(),
        },
    )
    report = import_qdpx(project, path)
    (seg,) = project.segments(code="Target")
    assert seg.text == "target" and seg.source == "atlas (2)"  # another text, same name
    assert any("added as 'atlas (2)'" in n for n in report.notes)


# -- hostile files -------------------------------------------------------------------------------

_QDE = b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'
_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"><Description>&lol9;</Description></Project>"""
_XXE = b"""<?xml version="1.0"?>
<!-- a comment first -->
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&xxe;</Description></Project>"""


def _patch_sizes(path: Path, size: int) -> None:
    """Rewrite every entry's declared uncompressed size (local headers and central directory)."""
    data = bytearray(path.read_bytes())
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        for m in re.finditer(re.escape(sig), bytes(data)):
            struct.pack_into("<I", data, m.start() + offset, size)
    path.write_bytes(bytes(data))


def _hostile(tmp_path: Path) -> dict[str, Path]:
    files = {
        "billion laughs": _zip(tmp_path / "laughs.qdpx", {"project.qde": _LAUGHS}),
        "external entity": _zip(tmp_path / "xxe.qdpx", {"project.qde": _XXE}),
        "parent folder": _zip(tmp_path / "up.qdpx", {"project.qde": _QDE, "../evil.txt": b"x"}),
        "absolute path": _zip(tmp_path / "abs.qdpx", {"project.qde": _QDE, "/etc/evil": b"x"}),
        "zip bomb": _zip(
            tmp_path / "bomb.qdpx",
            {"project.qde": _QDE, "sources/bomb.txt": b"\0" * 50_000_000},
        ),
        "not a zip": tmp_path / "plain.qdpx",
    }
    files["not a zip"].write_bytes(b"PK but not really a zip")
    lying = _zip(tmp_path / "lying.qdpx", {"project.qde": _QDE + b" " * 20_000_000})
    _patch_sizes(lying, 1000)  # declares 1,000 bytes, expands to 20 MB
    files["lying sizes"] = lying
    huge = _zip(tmp_path / "huge.qdpx", {"project.qde": _QDE})
    _patch_sizes(huge, 0xFFFFFFF0)  # declares 4 GB
    files["huge sizes"] = huge
    return files


def test_hostile_archives_are_refused_and_change_nothing(project: Project, tmp_path: Path) -> None:
    before = snapshot(project.path)
    for what, path in _hostile(tmp_path).items():
        t = time.perf_counter()
        with pytest.raises(InvalidInput) as err:
            import_qdpx(project, path)
        assert time.perf_counter() - t < 5, what
        message = str(err.value)
        assert "\n" not in message and message.endswith("nothing was imported"), message
        assert path.name in message, message
    assert snapshot(project.path) == before


def test_hostile_codebooks_are_refused(project: Project, tmp_path: Path) -> None:
    before = snapshot(project.path)
    for i, xml in enumerate((_LAUGHS.replace(b"Project", b"CodeBook"), _XXE)):
        path = tmp_path / f"bad{i}.qdc"
        path.write_bytes(xml)
        with pytest.raises(InvalidInput, match="DOCTYPE"):
            import_qdc(project, path)
    assert snapshot(project.path) == before


def test_too_many_entries_are_refused(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xmlsafe, "MAX_ENTRIES", 3)
    path = _zip(
        tmp_path / "many.qdpx",
        {"project.qde": _QDE, **{f"sources/{i}.txt": b"x" for i in range(5)}},
    )
    with pytest.raises(InvalidInput, match="entries, over the limit"):
        import_qdpx(project, path)


def test_cli_exports_and_imports_by_suffix(demo_file: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json as _json

    from coder.cli import main

    out = tmp_path / "demo.qdpx"
    assert main(["export", str(demo_file), "-o", str(out)]) == 0
    assert main(["export", str(demo_file), "-o", str(tmp_path / "book.qdc")]) == 0
    fresh = tmp_path / "fresh.coder"
    assert main(["new", str(fresh)]) == 0
    capsys.readouterr()
    assert main(["import", str(fresh), str(out), "--json"]) == 0
    assert isinstance(_json.loads(capsys.readouterr().out), list)
    with Project.open(fresh) as p, Project.open(demo_file) as d:
        assert len(p.sources()) == len(d.sources()) and len(p.segments()) == len(d.segments())
    book = tmp_path / "book-only.coder"
    main(["new", str(book)])
    assert main(["codebook", str(book), "load", str(tmp_path / "book.qdc")]) == 0
    with Project.open(book) as p:
        assert len(p.codes()) == 46 and p.code("A8").axis == "合"
    assert main(["import", str(fresh), str(out), str(tmp_path / "x.txt")]) == 1


# -- what other programs read: one selection per coding, notes as files, annotations ----------

_TEAM_TEXT = "访谈员：您怎么看会商日？\n王书记：會商日讓條塊坐到一起，问题当场拍板。\n"


def _team_project(path: Path) -> Project:
    """Three coders: 甲 and 乙 code one passage with the same code, 乙 also with another code,
    and 丙 codes a sub-span with a memo; a relation, an annotation and memos besides."""
    p = Project.create(path, title="三人编码", coder="甲")
    src = p.add_source(SourceDraft(name="王书记访谈", text=_TEAM_TEXT))
    cat = p.add_code("协同机制", "axial", paradigm_role="strategy")
    a = p.add_code("条块协同", "open", parent=cat.label)
    b = p.add_code("当场拍板", "open", parent=cat.label)
    start = _TEAM_TEXT.index("會商日讓")
    end = _TEAM_TEXT.index("。\n", start) + 1
    sub = _TEAM_TEXT.index("條塊坐到一起")
    rows = [
        (src.id, a.id, start, end, "甲"),
        (src.id, a.id, start, end, "乙"),
        (src.id, b.id, start, end, "乙"),
        (src.id, a.id, sub, sub + 6, "丙"),
    ]
    ids = p.add_codings(rows)
    p.set_coding_memo(ids[3], "“坐到一起”即条块会商", force=True)  # 丙's coding
    p.add_relation(a.id, b.id, "causes", description="协同促成拍板", evidence=[ids[0]])
    p.add_memo("会商日的双重含义", target="source", target_id=src.id, span=(sub, sub + 6))
    p.add_memo("合并前再看", type="methodological", target="code", target_id=a.id)
    p.add_memo("整体印象", type="project", title="印象")
    return p


def _qde_root(path: Path) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(path).read("project.qde"), SAFE)


def test_every_coding_has_a_selection_of_its_own_with_its_coder(tmp_path: Path) -> None:
    p = _team_project(tmp_path / "team.coder")
    with Project.open(tmp_path / "team.coder", coder="乙") as colleague:
        colleague.add_source(SourceDraft(name="乙带来的访谈", text="居民：办事方便多了。\n"))
    out = tmp_path / "team.qdpx"
    report = export_qdpx(p, out)
    root = _qde_root(out)
    users = {_guid(u.get("guid")): u.get("name") for u in root.iter("{*}User")}
    codes = {_guid(c.get("guid")): c.get("name") for c in root.iter("{*}Code")}
    found = []
    for sel in root.iter("{*}PlainTextSelection"):
        if _local(sel.getparent().tag) == "Note":
            continue
        (coding,) = sel.findall("{*}Coding")  # exactly one coding per selection
        assert sel.get("creatingUser") == coding.get("creatingUser")
        memo = sel.findtext("{*}Description") or ""
        code = codes[_guid(coding.find("{*}CodeRef").get("targetGUID"))]
        span = (int(sel.get("startPosition")), int(sel.get("endPosition")))
        found.append((*span, code, users[_guid(sel.get("creatingUser"))], memo))
    start = _TEAM_TEXT.index("會商日讓")
    end = _TEAM_TEXT.index("。\n", start) + 1
    sub = _TEAM_TEXT.index("條塊坐到一起")
    assert sorted(found) == sorted(
        [
            (start, end, "条块协同", "甲", ""),
            (start, end, "条块协同", "乙", ""),
            (start, end, "当场拍板", "乙", ""),
            (sub, sub + 6, "条块协同", "丙", "“坐到一起”即条块会商"),
        ]
    )
    assert report.counts["selections"] == report.counts["codings"] == 4
    assert len({s.get("guid") for s in root.iter("{*}PlainTextSelection")}) == 5  # 4 + annotation
    # Sources name who brought them in.
    brought = {
        s.get("name"): users[_guid(s.get("creatingUser"))] for s in root.iter("{*}TextSource")
    }
    assert brought == {"王书记访谈": "甲", "乙带来的访谈": "乙"}
    src = next(s for s in root.iter("{*}TextSource") if s.get("name") == "王书记访谈")
    # Memos are text files (QualCoder reads notes only from there); the annotation is
    # QualCoder's shape: its text inline and its own selection, the source pointing at it.
    z = zipfile.ZipFile(out)
    names = [n.get("name") for n in root.iter("{*}Note")]
    assert len(set(names)) == 3 and all(names)  # every note named, no two alike
    notes = dict(zip(names, root.iter("{*}Note"), strict=True))
    for note in notes.values():
        inline = note.find("{*}PlainTextContent")
        assert (inline is None) != (note.get("plainTextPath") is None)  # one form, not both
        if inline is None:
            file = "sources/" + note.get("plainTextPath").removeprefix("internal://")
            assert z.read(file).decode("utf-8") in ("合并前再看", "整体印象")
    (ann,) = [n for n in notes.values() if n.find("{*}PlainTextSelection") is not None]
    span = ann.find("{*}PlainTextSelection")
    assert (int(span.get("startPosition")), int(span.get("endPosition"))) == (sub, sub + 6)
    assert ann.findtext("{*}PlainTextContent") == "会商日的双重含义"
    assert ann.get("guid") in {r.get("targetGUID") for r in src.iter("{*}NoteRef")}
    # Back into coder: the same codes, sources, codings, memos (with the span) and relations.
    other = Project.create(tmp_path / "back.coder", coder="导入者")
    back = import_qdpx(other, out)
    assert not [d for d in back.dropped if "graph" not in d.what]
    assert back.counts["memos_anchored"] == 1
    assert _content(other) == _content(p)
    (m,) = [m for m in other.memos() if m.start is not None]
    assert other.source_text("王书记访谈")[m.start : m.end] == "條塊坐到一起"
    other.close()
    p.close()


def test_the_team_export_validates_against_both_schemas(tmp_path: Path, schemas) -> None:
    p = _team_project(tmp_path / "team.coder")
    export_qdpx(p, tmp_path / "team.qdpx")
    _valid(schemas["project"], zipfile.ZipFile(tmp_path / "team.qdpx").read("project.qde"))
    export_qdc(p, tmp_path / "team.qdc")
    _valid(schemas["codebook"], (tmp_path / "team.qdc").read_bytes())
    p.close()


def _qualcoder_file(path: Path, *, second_source: bool) -> Path:
    """A project in the shape QualCoder 3.x writes (refi.py, ``create_annotation_note_xml``):
    annotations as Notes with inline text and a selection of their own, and a ``NoteRef`` in
    the source for the first annotation only; two coders' codings of one passage share a
    selection, as older coder exports and ATLAS.ti wrote them."""
    text = "第一行：居委会跑断腿。\n第二行：街道说了算。\n"
    s, e = text.index("跑断腿"), text.index("跑断腿") + 3
    extra = (
        '<TextSource guid="00000000-0000-4000-8000-0000000000a2" name="另一篇" '
        'plainTextPath="internal://b.txt"/>'
        if second_source
        else ""
    )
    qde = f"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="qc" origin="QualCoder 3.6">
<Users><User guid="00000000-0000-4000-8000-000000000001" name="colin"/>
<User guid="00000000-0000-4000-8000-000000000002" name="kai"/></Users>
<CodeBook><Codes><Code guid="00000000-0000-4000-8000-0000000000c1" name="负担" isCodable="true"/></Codes></CodeBook>
<Sources>
<TextSource guid="00000000-0000-4000-8000-0000000000a1" name="访谈一" plainTextPath="internal://a.txt"
 creatingUser="00000000-0000-4000-8000-000000000001" creationDateTime="2024-01-02T03:04:05Z">
<PlainTextSelection guid="00000000-0000-4000-8000-0000000000b1" startPosition="{s}" endPosition="{e}"
 creatingUser="00000000-0000-4000-8000-000000000001">
<Coding guid="00000000-0000-4000-8000-0000000000d1" creatingUser="00000000-0000-4000-8000-000000000001"><CodeRef targetGUID="00000000-0000-4000-8000-0000000000c1"/></Coding>
<Coding guid="00000000-0000-4000-8000-0000000000d2" creatingUser="00000000-0000-4000-8000-000000000002"><CodeRef targetGUID="00000000-0000-4000-8000-0000000000c1"/></Coding>
</PlainTextSelection>
<NoteRef targetGUID="00000000-0000-4000-8000-0000000000e1" />
</TextSource>{extra}
</Sources>
<Notes>
<Note guid="00000000-0000-4000-8000-0000000000e1" creatingUser="00000000-0000-4000-8000-000000000002" creationDateTime="2024-01-03T00:00:00Z" >
<PlainTextContent>跑断腿是反复出现的说法</PlainTextContent>
<PlainTextSelection guid="00000000-0000-4000-8000-0000000000f1" startPosition="{s}" endPosition="{e}" />
</Note>
<Note guid="00000000-0000-4000-8000-0000000000e2" creatingUser="00000000-0000-4000-8000-000000000001" creationDateTime="2024-01-03T00:00:00Z" >
<PlainTextContent>街道的权力</PlainTextContent>
<PlainTextSelection guid="00000000-0000-4000-8000-0000000000f2" startPosition="{text.index("街道")}" endPosition="{text.index("街道") + 2}" />
</Note>
<Note guid="00000000-0000-4000-8000-0000000000e3" name="研究日志" plainTextPath="internal://e3.txt"
 creatingUser="00000000-0000-4000-8000-000000000001" creationDateTime="2024-01-03T00:00:00Z"><Description /></Note>
</Notes>
</Project>"""
    entries = {
        "project.qde": qde.encode("utf-8"),
        "sources/a.txt": "\ufeff".encode() + text.encode("utf-8"),
        "sources/e3.txt": "日志正文".encode(),
    }
    if second_source:
        entries["sources/b.txt"] = "另一篇的正文".encode()
    return _zip(path, entries)


def test_qualcoder_annotations_keep_their_passage(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "qc.coder", coder="我")
    report = import_qdpx(p, _qualcoder_file(tmp_path / "qc.qdpx", second_source=False))
    text = p.source_text("访谈一")
    # Both codings of the shared selection, each with its own coder.
    assert sorted((s.text, s.coder) for s in p.segments()) == [
        ("跑断腿", "colin"),
        ("跑断腿", "kai"),
    ]
    memos = {m.text: m for m in p.memos()}
    ann = memos["跑断腿是反复出现的说法"]
    assert (ann.target_type, ann.coder, text[ann.start : ann.end]) == ("source", "kai", "跑断腿")
    # QualCoder points only at its first annotation; with one text source the other is placed.
    other = memos["街道的权力"]
    assert text[other.start : other.end] == "街道"
    assert memos["日志正文"].title == "研究日志" and memos["日志正文"].start is None
    assert report.counts["memos_anchored"] == 2
    # Out again in the same shape, and in once more with the same passages.
    export_qdpx(p, tmp_path / "again.qdpx")
    root = _qde_root(tmp_path / "again.qdpx")
    spans = sorted(
        (int(s.get("startPosition")), int(s.get("endPosition")))
        for n in root.iter("{*}Note")
        for s in n.findall("{*}PlainTextSelection")
    )
    assert spans == sorted([(ann.start, ann.end), (other.start, other.end)])
    copy = Project.create(tmp_path / "copy.coder")
    import_qdpx(copy, tmp_path / "again.qdpx")
    assert sorted((m.text, m.start, m.end) for m in copy.memos()) == sorted(
        (m.text, m.start, m.end) for m in p.memos()
    )
    copy.close()
    p.close()


def test_an_annotation_that_names_no_source_is_reported(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "qc2.coder")
    report = import_qdpx(p, _qualcoder_file(tmp_path / "qc2.qdpx", second_source=True))
    memos = {m.text: m for m in p.memos()}
    assert memos["跑断腿是反复出现的说法"].start is not None  # named by its source
    lost = memos["街道的权力"]  # no source points at it, and there are two
    assert (lost.target_type, lost.start) == ("project", None)
    assert any("passage of 1 annotation" in line for line in report.lines())
    p.close()


def test_a_memo_span_must_lie_on_a_source(project: Project) -> None:
    src = project.add_source(SourceDraft(name="s", text="短短的文本"))
    with pytest.raises(InvalidInput, match="not within"):
        project.add_memo("x", target="source", target_id=src.id, span=(3, 99))
    code = project.add_code("c", "open")
    with pytest.raises(InvalidInput, match="only a memo on a source"):
        project.add_memo("x", target="code", target_id=code.id, span=(0, 1))
    assert project.memos() == []
    m = project.add_memo("批注", target="source", target_id=src.id, span=(0, 2))
    assert (m.start, m.end) == (0, 2)


def test_machine_assistance_is_a_project_note_and_machine_codings_stay_out(
    demo: Project, tmp_path: Path, schemas
) -> None:
    """The export says what the machine did in a note on the whole project, leaves the machine
    coder's codings out, and still validates."""
    plain = tmp_path / "plain.qdpx"
    export_qdpx(demo, plain)
    assert "Machine assistance" not in _qde(plain)
    seg = demo.segments()[0]
    src = demo.sources()[0]
    demo.accept_suggestion(src.id, 0, 2, seg.code_id, model="lr-a", score=0.7)
    made = demo.apply_model([(seg.source_id, seg.code_id, seg.start, seg.end, 0.9)], model="lr-b")
    demo.check_coding(made[0], "refuted")
    demo.record_evaluation({"macro": {"f1": 0.5, "kappa": 0.4}}, model="lr-c", unit="turn")
    path = tmp_path / "m.qdpx"
    report = export_qdpx(demo, path)
    assert report.counts["codings"] == len(demo.segments()) - 1  # not the machine's one
    qde = zipfile.ZipFile(path).read("project.qde")
    _valid(schemas["project"], qde)
    root = etree.fromstring(qde, SAFE)
    (note,) = [
        n for n in root.iter("{*}Note") if n.get("name") == "Machine assistance 机器辅助编码"
    ]
    body = zipfile.ZipFile(path).read(f"sources/{note.get('guid')}.txt").decode("utf-8")
    assert (
        "1 of the human codings are machine suggestions a researcher accepted (model lr-a 1; coder tester 1)"
        in body
    )
    assert "machine coder model:lr-b" in body and "precision 0.00" in body
    assert "model lr-c, turn unit" in body and "F1 0.50" in body
    assert "人工编码中有 1 条" in body
    refs = [r.get("targetGUID") for r in root if _local(r.tag) == "NoteRef"]
    assert note.get("guid") in refs  # a note about the whole project
    assert "model:lr-b" not in {u.get("name") for u in root.iter("{*}User")}
