"""Decoding, normalisation and transcript structure."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from coder.errors import InvalidInput
from coder.text.normalise import decode, normalise
from coder.text.readers import read_file
from coder.text.structure import find_turns, structure

PASSAGE = "访谈者：会商日是怎么开起来的？\n受访者：嗯，街道要管的事越来越多，人、财、物却都在区里，我们是“小马拉大车”。[笑]\n"


@pytest.mark.parametrize(
    "encoded",
    [
        PASSAGE.encode("utf-8"),
        codecs.BOM_UTF8 + PASSAGE.encode("utf-8"),
        PASSAGE.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + PASSAGE.encode("utf-16-be"),
        PASSAGE.encode("gb18030"),
        PASSAGE.encode("gbk"),
        PASSAGE.replace("\n", "\r\n").encode("utf-8"),
        PASSAGE.replace("\n", "\r\n").encode("gb18030"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "gb18030",
        "gbk",
        "crlf",
        "crlf-gb18030",
    ],
)
def test_every_encoding_gives_the_same_normalised_text(encoded: bytes) -> None:
    text, _ = decode(encoded)
    assert normalise(text) == PASSAGE


def test_big5_gives_traditional_text_unconverted() -> None:
    traditional = "受訪者：街道要管的事越來越多，人、財、物卻都在區裡。會商日每月開一次。"
    text, enc = decode(traditional.encode("big5"))
    assert text == traditional and enc == "big5"


def test_encoding_override_and_errors() -> None:
    data = PASSAGE.encode("gb18030")
    assert decode(data, "gb18030")[1] == "gb18030"
    with pytest.raises(InvalidInput, match="not valid utf-8"):
        decode(data, "utf-8")
    with pytest.raises(InvalidInput, match="unknown encoding"):
        decode(data, "klingon")
    with pytest.raises(InvalidInput, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_normalise_keeps_what_was_said() -> None:
    decomposed = unicodedata.normalize("NFD", "é") + "：，。“”……[听不清]"
    out = normalise("\ufeff" + decomposed + "\r\nA\rB")
    assert out == "é：，。“”……[听不清]\nA\nB"


def test_front_matter_becomes_attributes_and_case() -> None:
    s = structure(
        "---\nid: S2-01\nrole: 副主任\ngender: 男\ndate: 2024-05-16\n---\n受访者：好的。\n"
    )
    assert s.case == "S2-01"
    assert s.attributes["date"] == "2024-05-16" and s.attributes["role"] == "副主任"
    assert s.case_attributes == {"role": "副主任", "gender": "男"}
    assert s.body == "受访者：好的。\n"


def test_bad_front_matter_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not valid YAML"):
        structure("---\nid: [unclosed\n---\ntext\n", name="x.txt")
    with pytest.raises(InvalidInput):
        structure("---\n!!python/object/apply:os.system ['true']\n---\ntext\n", name="x.txt")


def test_turns_cover_speech_not_labels() -> None:
    body = (
        "[00:01:02] 访谈者：请讲。\n受访者: 好。\n第二段。\n(01:02) Q：why\nS1-01：我说\n普通一行"
    )
    turns = find_turns(body)
    assert [(t.speaker, t.timestamp) for t in turns] == [
        ("访谈者", "00:01:02"),
        ("受访者", ""),
        ("Q", "01:02"),
        ("S1-01", ""),
    ]
    assert [body[t.start : t.end] for t in turns] == [
        "请讲。",
        "好。\n第二段。",
        "why",
        "我说\n普通一行",
    ]


def test_reader_records_provenance(tmp_path: Path) -> None:
    path = tmp_path / "S9-01.txt"
    path.write_bytes(("---\nid: S9-01\n---\n" + PASSAGE).encode("gb18030"))
    draft = read_file(path)
    assert draft.name == "S9-01" and draft.encoding == "gb18030" and draft.text == PASSAGE
    assert len(draft.turns) == 2 and len(draft.sha256) == 64 and draft.language == "zh"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    with pytest.raises(InvalidInput, match="empty"):
        read_file(empty)
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"PK")
    with pytest.raises(InvalidInput, match="not a Word .docx file"):
        read_file(docx)


def test_damaged_utf8_and_oversized_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="damaged byte"):
        decode("访谈者：会商日".encode()[:-1] + "受访者：好".encode())
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # a sparse 100 MB file: refused from its size, without reading it
        fh.truncate(100 * 1024 * 1024)
    with pytest.raises(InvalidInput, match="over the 50 MB limit"):
        read_file(big)
