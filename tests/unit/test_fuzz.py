"""Hostile and broken inputs: every reader either reads a file or refuses it with a clear
InvalidInput message; nothing else escapes, and nothing is imported half-way."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coder.errors import InvalidInput
from coder.exchange.codebook_yaml import parse_codebook
from coder.project import Project
from coder.text.readers import read_file
from tests.conftest import snapshot

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Bytes that look a little like the real thing, so the fuzzer gets past the first checks.
_TEXTY = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(
        st.sampled_from(
            [
                "---\n",
                "id: S1\n",
                "访谈者：",
                "受访者：",
                "[00:01:02] ",
                "\r\n",
                "\x00",
                "\xff",
                "：",
                "会商日",
                "[笑]",
                "!!python/object:os.system\n",
                "&a;",
                "\n",
            ]
        ),
        max_size=40,
    ).map(lambda parts: "".join(parts).encode("utf-8", "surrogateescape")),
)


def _read(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        draft = read_file(path)
    except InvalidInput as exc:
        message = str(exc)
        assert "\n" not in message and message
        return
    # Whatever was read is normalised text with turns inside it.
    assert "\r" not in draft.text and draft.text.strip()
    for t in draft.turns:
        assert 0 <= t.start <= t.end <= len(draft.text)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".srt", ".vtt"])
@FUZZ
@given(data=_TEXTY)
def test_text_readers_never_crash(tmp_path: Path, suffix: str, data: bytes) -> None:
    _read(tmp_path, "f" + suffix, data)


@FUZZ
@given(data=st.binary(max_size=600))
def test_docx_and_pdf_readers_never_crash_on_junk(tmp_path: Path, data: bytes) -> None:
    _read(tmp_path, "f.docx", data)
    _read(tmp_path, "f.pdf", b"%PDF-1.4\n" + data)


@FUZZ
@given(
    entries=st.lists(
        st.tuples(
            st.sampled_from(["word/document.xml", "[Content_Types].xml", "_rels/.rels", "x"]),
            st.binary(max_size=200),
        ),
        max_size=4,
    )
)
def test_docx_reader_never_crashes_on_broken_zips(
    tmp_path: Path, entries: list[tuple[str, bytes]]
) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in entries:
            z.writestr(name, content)
    _read(tmp_path, "f.docx", buf.getvalue())


@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.lists(
            st.sampled_from(
                [
                    "codes:\n",
                    "- name: x\n",
                    "  level: axial\n",
                    "  parents: [A1]\n",
                    "  label: A1\n",
                    "relations:\n",
                    "- {from: A1, to: A1, type: causes}\n",
                    "!!python/object/apply:os.system ['true']\n",
                    "&a [*a]\n",
                    "terms: 1\n",
                ]
            ),
            max_size=12,
        ).map("".join),
    )
)
def test_codebook_yaml_never_crashes(text: str) -> None:
    try:
        parse_codebook(text)
    except InvalidInput as exc:
        assert "\n" not in str(exc)


def test_hostile_text_inputs_are_refused_and_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.coder"
    Project.create(path).close()
    before = snapshot(path)
    cases = {
        "nul.txt": b"\x00\x01\x02binary\x00" * 50,
        "bad-utf8.txt": "访谈者：会商日".encode()[:-1] + b"\xc3\x28 more",
        "empty.txt": b"",
        "fm.txt": b"---\n!!python/object/apply:os.system ['touch pwned']\n---\ntext\n",
        "nested.docx": _deep_docx(),
        "bomb.docx": _bomb_docx(),
    }
    from coder.cli import main

    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        assert main(["import", str(path), str(tmp_path / name)]) == 1, name
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    assert snapshot(path) == before


def _deep_docx() -> bytes:
    """A .docx whose document.xml nests elements 100,000 deep."""
    depth = 100_000
    body = "<w:p>" * depth + "</w:p>" * depth
    xml = (
        '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def _bomb_docx() -> bytes:
    """A .docx whose document.xml unpacks to 300 MB of zeros (about 300 KB packed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b"0" * (1024 * 1024)
            for _ in range(300):
                fh.write(block)
    return buf.getvalue()


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.lists(
                st.sampled_from(
                    [
                        "name",
                        "label",
                        "level",
                        "parents",
                        "A1",
                        "a01",
                        "axial",
                        "open",
                        "统",
                        "",
                        "x;y",
                        "名称",
                        "编号",
                    ]
                ),
                max_size=5,
            ),
            max_size=6,
        ).map(lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8")),
    )
)
def test_codebook_csv_and_xlsx_never_crash(tmp_path: Path, data: bytes) -> None:
    from coder.exchange.codebook_table import read_csv, read_xlsx

    for name, reader in (("b.csv", read_csv), ("b.xlsx", read_xlsx)):
        path = tmp_path / name
        path.write_bytes(data)
        try:
            reader(path)
        except InvalidInput as exc:
            assert "\n" not in str(exc)


_XMLISH = st.lists(
    st.sampled_from(
        [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0">',
            "<Codes>",
            '<Code guid="00000000-0000-0000-0000-000000000001" name="x" isCodable="true">',
            "</Code>",
            "</Codes>",
            "</CodeBook>",
            '<Project xmlns="urn:QDA-XML:project:1.0" name="p">',
            "<Sources>",
            "</Sources>",
            "</Project>",
            '<TextSource guid="00000000-0000-0000-0000-000000000002" name="s" plainTextPath="internal://a.txt">',
            "</TextSource>",
            '<PlainTextSelection guid="00000000-0000-0000-0000-000000000003" startPosition="5" endPosition="1"/>',
            "<!DOCTYPE x [<!ENTITY a 'b'>]>",
            "&a;",
            "\x00",
            "中文",
            "<",
            ">",
        ]
    ),
    max_size=14,
).map(lambda parts: "".join(parts).encode("utf-8"))


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), _XMLISH))
def test_refi_codebook_import_never_crashes(tmp_path: Path, data: bytes) -> None:
    from coder.exchange.refi import import_qdc

    path = tmp_path / "p.coder"
    if not path.exists():
        Project.create(path).close()
    qdc = tmp_path / "f.qdc"
    qdc.write_bytes(data)
    with Project.open(path) as p:
        try:
            import_qdc(p, qdc)
        except InvalidInput as exc:
            assert "\n" not in str(exc)


@FUZZ
@given(
    qde=st.one_of(st.binary(max_size=300), _XMLISH),
    extra=st.lists(
        st.tuples(
            st.sampled_from(["sources/a.txt", "Sources/a.txt", "../x.txt", "/abs.txt", "b.qde"]),
            st.binary(max_size=50),
        ),
        max_size=3,
    ),
)
def test_refi_project_import_never_crashes(
    tmp_path: Path, qde: bytes, extra: list[tuple[str, bytes]]
) -> None:
    from coder.exchange.refi import import_qdpx

    path = tmp_path / "p.coder"
    if not path.exists():
        Project.create(path).close()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("project.qde", qde)
        for name, content in extra:
            z.writestr(name, content)
    qdpx = tmp_path / "f.qdpx"
    qdpx.write_bytes(buf.getvalue())
    before = snapshot(path)
    with Project.open(path) as p:
        try:
            import_qdpx(p, qdpx)
        except InvalidInput as exc:
            assert "\n" not in str(exc)
            assert snapshot(path) == before  # refused: nothing imported half-way
