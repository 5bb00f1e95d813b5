"""Codebooks as CSV for Taguette: loading Taguette's own export, and ``codebook save`` whose CSV
Taguette's importer takes and coder reads back unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from coder.cli import main
from coder.errors import InvalidInput
from coder.exchange.codebook_table import read_csv, split_tag, write_csv
from coder.exchange.codebook_yaml import load_codebook_file
from coder.project import Project
from tests.conftest import CODEBOOK

#: Written by Taguette 1.5.2's own exporter (taguette.export.codebook_csv, as its web handler
#: sends it: UTF-8 without BOM, CRLF, minimal quoting) from a project with highlights; see
#: bench/interop/taguette_check.py, which made it.
TAGUETTE_CSV = Path(__file__).parent.parent / "data" / "taguette_codebook.csv"


def _codes(project: Project) -> dict[str, object]:
    return {c.name: c for c in project.codes()}


def test_taguette_export_loads_with_its_hierarchy(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = TAGUETTE_CSV.read_bytes()
    assert raw.startswith(b"tag,description,number of highlights,number of documents\r\n")
    project.close()
    assert main(["codebook", str(project.path), "load", str(TAGUETTE_CSV)]) == 0
    assert "9 codes added" in capsys.readouterr().out  # 6 tags, 3 parents that are only prefixes
    with Project.open(project.path) as p:
        codes = _codes(p)
        by_id = {c.id: c for c in codes.values()}

        def parent(name: str) -> str | None:
            c = codes[name]
            return by_id[c.parents[0]].name if c.parents else None

        assert parent("条块分割") == "基层治理困境" and parent("基层治理困境") is None
        assert parent("书记抓总") == "党建引领" and parent("党建引领") == "统筹"
        assert parent("interesting") is None
        # Parents are categories, leaves open codes (Taguette has no levels).
        assert {n for n, c in codes.items() if c.level == "axial"} == {
            "基层治理困境",
            "统筹",
            "党建引领",
        }
        assert codes["interesting"].level == "open"
        # Descriptions, with the quoted comma, quotes and line break, are the definitions.
        assert codes["条块分割"].definition == "条与块各管一段，\n职责交叉"
        assert codes["权责不对等"].definition == '街镇"小马拉大车"：责大权小'
        assert codes["联席会议"].definition == "定期会商, 联合行动"
        assert codes["资源下沉不足"].definition == ""


def test_saved_csv_is_in_taguettes_shape(project: Project, tmp_path: Path) -> None:
    load_codebook_file(project, CODEBOOK)
    out = tmp_path / "book.csv"
    notes = write_csv(project, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbftag,description,label,level,parents,")
    assert b"\r\n" in raw and raw.count(b"\r\n") == raw.count(b"\n") - _inner_newlines(raw)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 45
    by_label = {r["label"]: r for r in rows}
    # Paths by hand from codebooks/tonghe.yaml: a25 条块联动 sits in A8 in AA.
    a25 = project.code("a25")
    a8 = project.code("A8")
    assert by_label["a25"]["tag"] == f"统合型协同治理.{a8.name}.条块联动"
    assert by_label["a25"]["description"] == a25.definition
    assert by_label["AA"]["tag"] == "统合型协同治理" and by_label["AA"]["core"] == "yes"
    assert by_label["A8"]["paradigm_role"] == a8.paradigm_role
    # Taguette's importer refuses a file with both a 'tag' and a 'name' (or 'path') column.
    assert not {"name", "path"} & set(rows[0])
    assert any("19 relations" in n for n in notes)


def _inner_newlines(raw: bytes) -> int:
    """Line breaks inside quoted cells (CSV keeps them as they are)."""
    return sum(
        cell.count("\n") for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) for cell in row
    )


def test_csv_round_trip_is_unchanged(project: Project, tmp_path: Path) -> None:
    load_codebook_file(project, CODEBOOK)
    # Names a tag path cannot hold as they are, and a code in two categories.
    cat = project.add_code("收入3.5万元以上", "axial", parent="AA", label="A11")
    project.add_code(r"反斜杠\与.点", "open", parent=cat.id, label="a35", colour="#123456")
    project.add_code("双重归属", "open", parent="A1", label="a36")
    project.attach_code("a36", "A11")
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    write_csv(project, first)
    other = Project.create(tmp_path / "other.coder", title="other")
    stats = other.import_codebook(read_csv(first))
    assert stats["added"] == len(project.codes())
    write_csv(other, second)
    assert second.read_bytes() == first.read_bytes()

    def fields(p: Project) -> dict[str, tuple]:
        labels = {c.id: c.label for c in p.codes()}
        return {
            c.label: (
                c.name,
                c.level,
                tuple(labels[i] for i in c.parents),
                c.is_core,
                c.paradigm_role,
                c.axis,
                c.colour,
                c.definition,
                c.inclusion,
                c.exclusion,
                c.example,
                c.in_vivo,
                c.name_en,
                c.properties,
            )
            for c in p.codes()
        }

    assert fields(other) == fields(project)
    assert other.code("a35").name == r"反斜杠\与.点"
    assert r"反斜杠\\与\.点" in first.read_text(encoding="utf-8-sig")
    other.close()


def test_tag_escapes() -> None:
    assert split_tag(r"甲.3\.5 元.a\\b", "t") == ("甲", "3.5 元", r"a\b")
    with pytest.raises(InvalidInput, match="empty part"):
        split_tag("甲..乙", "t")


@pytest.mark.parametrize(
    "text, message",
    [
        ("tag,description\n甲.其他,a\n乙.其他,b\n", "both make a code named '其他'"),
        ("tag,description\n甲.,a\n", "empty part"),
        ("tag,description\n甲,a\n甲,b\n", "listed twice"),
        ("tag,description,definition\n甲,a,b\n", "two columns mean"),
        ("description\nx\n", "'tag'"),
    ],
)
def test_bad_taguette_tables_change_nothing(
    text: str, message: str, project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=message):
        read_csv(path)
    assert project.codes() == []


def test_codebook_save_by_suffix(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load_codebook_file(project, CODEBOOK)
    project.close()
    for name in ("b.csv", "b.yaml", "b.qdc"):
        assert main(["codebook", str(project.path), "save", str(tmp_path / name)]) == 0
    assert (tmp_path / "b.yaml").read_text(encoding="utf-8").startswith("format: coder-codebook/1")
    assert b"<CodeBook" in (tmp_path / "b.qdc").read_bytes()
    capsys.readouterr()
    assert main(["codebook", str(project.path), "save", str(tmp_path / "b.txt")]) == 1
    assert "saves as .csv, .yaml or .qdc" in capsys.readouterr().err
    assert not (tmp_path / "b.txt").exists()


def test_path_column_as_taguette_reads_it(tmp_path: Path) -> None:
    # Taguette's importer takes the path from a 'tag', 'name' or 'path' column; 'name' is
    # coder's plain name, so 'path' is read as the tag path.
    path = tmp_path / "p.csv"
    path.write_text("path,description\n访谈.条块分割,x\n", encoding="utf-8")
    codes = {c["name"]: c for c in read_csv(path)["codes"]}
    assert codes["条块分割"]["parents"] == ["访谈"] and codes["访谈"]["level"] == "axial"
