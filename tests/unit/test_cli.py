"""The ``coder`` command, driven the way researchers script it (see docs/CLI.md).

Most tests call ``coder.cli.main`` in-process and read stdout/stderr with ``capsys``; a few run
the real console script in a subprocess to prove the exit codes and that no traceback leaks.

The contract checked throughout: exit 0 on success; exit 1 on a user error, with ONE line on
stderr that says what was wrong and that nothing changed, and the project's content and history
untouched; exit 2 on bad usage; ``--json`` prints exactly one JSON document on stdout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from coder.cli import main
from coder.project import Project
from coder.store.engine import APPLICATION_ID
from coder.text.readers import read_file
from tests.conftest import CODEBOOK, CORPUS, ROOT, snapshot

S203 = CORPUS / "S2-03.txt"
#: Words with which an error message says what was kept.
SAYS_KEPT = re.compile(
    r"nothing was (changed|imported|written|created)|project is unchanged|file was skipped"
)
GB_TEXT = "访谈者：您好，请介绍一下您的工作。\n受访者：我在街道负责社区治理工作，已经五年了。\n"


# -- helpers -------------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``cli(*args)`` runs ``coder ARGS...`` in-process and returns its exit code and output."""

    def run(*args: Any) -> Run:
        capsys.readouterr()  # drop anything printed before
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def history(path: Path) -> list[tuple[Any, ...]]:
    """The event log (id, state, summary), read straight from the file."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id, state, summary FROM events ORDER BY id").fetchall()
    finally:
        conn.close()


def state(path: Path) -> Any:
    """What must not change: a project's content and history, or any other file's bytes."""
    if not path.exists():
        return "missing"
    if path.is_dir():
        return sorted(p.name for p in path.iterdir())
    data = path.read_bytes()
    if data[68:72] != APPLICATION_ID.to_bytes(4, "big"):
        return data
    return snapshot(path), history(path)


def one_line(err: str) -> str:
    """The single stderr line of a failed command (no traceback, no second line)."""
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    assert err.startswith("coder: ")
    return err.strip()


def refused(run: Any, path: Path, *args: Any, says: str) -> str:
    """Run a command that must fail as a user error: exit 1, one line on stderr that matches
    ``says`` and says nothing changed, no stdout, and ``path`` exactly as it was."""
    before = state(path)
    r = run(*args)
    assert r.code == 1, (r.out, r.err)
    line = one_line(r.err)
    assert re.search(says, line), line
    assert SAYS_KEPT.search(line), f"does not say what was kept: {line}"
    assert r.out == ""
    assert state(path) == before
    return line


def bad_usage(run: Any, path: Path, *args: Any) -> None:
    """Run a command line that argparse must reject: exit 2 and ``path`` exactly as it was."""
    before = state(path)
    with pytest.raises(SystemExit) as exc:
        run(*args)
    assert exc.value.code == 2
    assert state(path) == before


def json_doc(r: Run) -> Any:
    """The one JSON document a ``--json`` command printed (``json.loads`` refuses trailing data)."""
    assert r.code == 0, r.err
    assert r.err == ""
    return json.loads(r.out)


def has_keys(rows: list[dict[str, Any]], keys: str) -> None:
    for row in rows:
        missing = set(keys.split()) - set(row)
        assert not missing, f"missing keys {missing} in {row}"


@pytest.fixture
def seeded(project_path: Path) -> Path:
    """A project with S2-03 imported, two open codes (a01 会商日, a02 条块联动) and an axial A1."""
    with Project.create(project_path, title="seeded") as p:
        p.add_source(read_file(S203))
        p.add_code("会商日")
        p.add_code("条块联动")
        p.add_code("条块协同", "axial")
    return project_path


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    """A private copy of the demo project (13 sources, the tonghe codebook, R1's and R2's codings)."""
    path = tmp_path / "demo.coder"
    shutil.copy(demo_file, path)
    return path


def source_text(path: Path, ref: str = "S2-03") -> str:
    with Project.open(path) as p:
        return p.source_text(ref)


# -- new and demo --------------------------------------------------------------------------------


def test_new_creates_an_empty_project(cli, project_path: Path) -> None:
    r = cli("new", project_path, "--title", "我的研究", "--lang", "en")
    assert r.code == 0 and r.err == ""
    assert str(project_path) in r.out
    with Project.open(project_path) as p:
        assert p.title == "我的研究" and p.language == "en"
    assert json_doc(cli("sources", project_path, "--json")) == []
    assert json_doc(cli("codebook", project_path, "show", "--json")) == []
    assert json_doc(cli("log", project_path, "--json")) == []


def test_new_refuses_an_existing_file(cli, seeded: Path) -> None:
    refused(cli, seeded, "new", seeded, says="already exists")


def test_new_refuses_a_missing_folder(cli, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "p.coder"
    refused(cli, target, "new", target, says="no such folder")
    assert not target.parent.exists()


def test_new_label_scheme(cli, project_path: Path) -> None:
    assert cli("new", project_path, "--labels", "A/B/C").code == 0
    r = cli("codebook", project_path, "add", "会商日", "--json")
    assert json_doc(r)["label"] == "A1"


def test_demo_builds_then_reopens_without_rebuilding(cli, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "demo.coder"
    first = cli("demo", "--path", path, "--no-tui")
    assert first.code == 0 and first.err == ""
    assert first.out.startswith(f"Built the demo project: {path}")
    assert "13 sources" in first.out
    built = state(path)
    assert len(built[1]) >= 3  # codebook, transcripts, codings: a real history to undo

    again = cli("demo", "--path", path)
    assert again.code == 0 and again.err == ""
    assert again.out.startswith(f"Opened the existing demo project: {path}")
    assert state(path) == built  # opened, not rebuilt: no new events, same content


def test_demo_keeps_the_users_work(cli, demo_path: Path) -> None:
    coding = cli("code", demo_path, "S1-01", 0, 3, "a01").out.strip()
    r = cli("demo", "--path", demo_path)
    assert r.code == 0 and "Opened the existing" in r.out
    assert int(coding) in {c["id"] for c in json_doc(cli("codings", demo_path, "--json"))}


# -- import --------------------------------------------------------------------------------------


def test_import_a_corpus_transcript(cli, project, project_path: Path) -> None:
    project.close()
    r = cli("import", project_path, S203)
    assert r.code == 0 and r.err == ""
    assert re.fullmatch(
        r"imported S2-03: \d+ characters, 44 turns \(2 speakers: 访谈者, 受访者\), utf-8\n", r.out
    )

    [src] = json_doc(cli("sources", project_path, "--json"))
    assert src["name"] == "S2-03" and src["turns"] == 44
    assert src["attributes"]["role"] == "党委副书记"  # from the front matter
    text = cli("text", project_path, "S2-03").out
    assert len(text) == src["chars"]
    assert not text.startswith("---")  # the front matter is not part of the text
    assert "Z镇参加会商日" in text
    assert [e[2] for e in history(project_path)] == ["import S2-03"]


def test_import_markdown(cli, project, project_path: Path, tmp_path: Path) -> None:
    project.close()
    md = tmp_path / "notes.md"
    md.write_text("访谈者：您好。\n受访者：会商日很有用。\n", encoding="utf-8")
    assert cli("import", project_path, md).code == 0
    [src] = json_doc(cli("sources", project_path, "--json"))
    assert src["name"] == "notes" and src["format"] == "md" and src["turns"] == 2


def test_import_a_folder_with_two_txt_files(
    cli, project, project_path: Path, tmp_path: Path
) -> None:
    project.close()
    folder = tmp_path / "transcripts"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("受访者：第一个文件。\n", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("受访者：第二个文件。\n", encoding="utf-8")
    (folder / "table.csv").write_text("x,y\n", encoding="utf-8")  # not a transcript: ignored
    (folder / ".hidden.txt").write_text("受访者：隐藏。\n", encoding="utf-8")  # ignored
    r = cli("import", project_path, folder)
    assert r.code == 0 and r.err == ""
    assert r.out.count("imported ") == 2
    assert [s["name"] for s in json_doc(cli("sources", project_path, "--json"))] == ["a", "b"]


def test_import_gb18030_chinese(cli, project, project_path: Path, tmp_path: Path) -> None:
    project.close()
    gb = tmp_path / "gb.txt"
    gb.write_bytes(GB_TEXT.encode("gb18030"))
    r = cli("import", project_path, gb)
    assert r.code == 0, r.err
    assert r.out.strip().endswith("gb18030")
    [src] = json_doc(cli("sources", project_path, "--json"))
    assert src["encoding"] == "gb18030"
    assert cli("text", project_path, "gb").out == GB_TEXT


def test_import_with_an_explicit_encoding(cli, project, project_path: Path, tmp_path: Path) -> None:
    project.close()
    gb = tmp_path / "gb.txt"
    gb.write_bytes(GB_TEXT.encode("gb18030"))
    assert cli("import", project_path, gb, "--encoding", "gb18030").code == 0
    assert cli("text", project_path, "gb").out == GB_TEXT


def test_import_json_prints_one_document(cli, project, project_path: Path) -> None:
    project.close()
    doc = json_doc(cli("import", project_path, S203, "--json"))
    assert doc == {
        "imported": 1,
        "failed": 0,
        "sources": ["S2-03"],
        "speakers": {"S2-03": ["访谈者", "受访者"]},
    }


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (b"  \n\n\t\n", "empty"),
        (b"PK\x03\x04\x00\x00binary\x00\x01\x02\xff" * 20, "binary"),
        (b"\xff\xfe\x00\xd8 not utf-16", "byte-order mark"),
    ],
    ids=["empty", "blank", "binary-with-nuls", "broken-bom"],
)
def test_import_refuses_bad_files(
    cli, seeded: Path, tmp_path: Path, content: bytes, says: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    line = refused(cli, seeded, "import", seeded, bad, says=says)
    assert "bad.txt" in line


def test_import_refuses_python_tags_in_front_matter(cli, seeded: Path, tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    bad = tmp_path / "evil.txt"
    bad.write_text(
        f'---\nrole: !!python/object/apply:os.system ["touch {sentinel}"]\n---\n受访者：你好。\n',
        encoding="utf-8",
    )
    refused(cli, seeded, "import", seeded, bad, says="front matter")
    assert not sentinel.exists()


def test_import_refuses_missing_and_unsupported_files(cli, seeded: Path, tmp_path: Path) -> None:
    refused(cli, seeded, "import", seeded, tmp_path / "nosuch.txt", says="no such file")
    pdf = tmp_path / "interview.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    refused(cli, seeded, "import", seeded, pdf, says=r"not a readable PDF")
    odt = tmp_path / "interview.odt"
    odt.write_bytes(b"PK")
    refused(cli, seeded, "import", seeded, odt, says=r"\.odt files cannot be imported")
    refused(cli, seeded, "import", seeded, S203, "--encoding", "klingon", says="unknown encoding")


def test_import_refuses_a_folder_without_transcripts(cli, seeded: Path, tmp_path: Path) -> None:
    folder = tmp_path / "empty-folder"
    folder.mkdir()
    (folder / "data.csv").write_text("x\n", encoding="utf-8")
    refused(cli, seeded, "import", seeded, folder, says=r"no importable files")


def test_import_the_same_file_again_is_skipped(cli, seeded: Path) -> None:
    """S2-03 is in the project already: importing it again is refused and the first is kept."""
    line = refused(cli, seeded, "import", seeded, S203, says="exists already")
    assert "S2-03" in line
    assert [s["name"] for s in json_doc(cli("sources", seeded, "--json"))] == ["S2-03"]


def test_import_a_renamed_copy_is_skipped(cli, seeded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy-of-S2-03.txt"
    shutil.copy(S203, copy)
    refused(cli, seeded, "import", seeded, copy, says="imported before")


def test_import_the_same_file_twice_in_one_command(cli, project, project_path: Path) -> None:
    project.close()
    r = cli("import", project_path, S203, S203)
    assert r.code == 1
    assert r.out.count("imported S2-03") == 1  # the first is imported ...
    lines = r.err.splitlines()
    assert "Traceback" not in r.err and all(x.startswith("coder: ") for x in lines)
    assert re.search(r"S2-03.*skipped", lines[0])  # ... the second skipped, with a message
    assert lines[-1] == "coder: 1 of 2 files not imported; 1 imported and kept"
    assert [s["name"] for s in json_doc(cli("sources", project_path, "--json"))] == ["S2-03"]


def test_import_keeps_the_good_files_of_a_mixed_batch(
    cli, project, project_path: Path, tmp_path: Path
) -> None:
    project.close()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    r = cli("import", project_path, empty, S203, "--json")
    assert r.code == 1
    assert json.loads(r.out) == {
        "imported": 1,
        "failed": 1,
        "sources": ["S2-03"],
        "speakers": {"S2-03": ["访谈者", "受访者"]},
    }  # still one document
    assert "empty.txt" in r.err
    assert [s["name"] for s in json_doc(cli("sources", project_path, "--json"))] == ["S2-03"]


# -- sources and text ----------------------------------------------------------------------------


def test_sources_json_shape(cli, demo_path: Path) -> None:
    rows = json_doc(cli("sources", demo_path, "--json"))
    assert len(rows) == 13
    has_keys(rows, "id name chars turns attributes")
    for row in rows:
        assert isinstance(row["id"], int) and isinstance(row["name"], str)
        assert isinstance(row["chars"], int) and isinstance(row["turns"], int)
        assert isinstance(row["attributes"], dict)
    assert [r["name"] for r in rows] == sorted(p.stem for p in CORPUS.glob("*.txt"))


def test_sources_table(cli, seeded: Path) -> None:
    r = cli("sources", seeded)
    assert r.code == 0 and r.err == ""
    header, rule, row = r.out.splitlines()
    assert header.split()[:4] == ["id", "name", "chars", "turns"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert "S2-03" in row and "S2-03.txt" in row


def test_text_by_name_and_by_id(cli, seeded: Path) -> None:
    by_name = cli("text", seeded, "S2-03")
    by_id = cli("text", seeded, 1)
    assert by_name.code == by_id.code == 0
    assert by_name.out == by_id.out == source_text(seeded)


def test_text_of_an_unknown_source(cli, seeded: Path) -> None:
    refused(cli, seeded, "text", seeded, "S9-99", says="no source named 'S9-99'")
    refused(cli, seeded, "text", seeded, 42, says="no source named '42'")


# -- the codebook --------------------------------------------------------------------------------


def test_codebook_show_json_shape(cli, demo_path: Path) -> None:
    rows = json_doc(cli("codebook", demo_path, "show", "--json"))
    has_keys(rows, "id label name level parents paradigm_role axis codings sources")
    ids = {r["id"] for r in rows}
    for r in rows:
        assert r["level"] in ("open", "axial", "selective")
        assert r["axis"] in ("统", "合", None)
        assert set(r["parents"]) <= ids
    by_label = {r["label"]: r for r in rows}
    assert by_label["AA"]["level"] == "selective"
    a1 = by_label["A1"]
    assert a1["parents"] == [by_label["AA"]["id"]] and a1["paradigm_role"] == "causal"
    # the counts agree with the codings themselves
    segs = json_doc(cli("codings", demo_path, "--code", "a25", "--json"))
    assert by_label["a25"]["codings"] == len(segs)
    assert by_label["a25"]["sources"] == len({s["source"] for s in segs})


def test_codebook_show_tree(cli, demo_path: Path) -> None:
    r = cli("codebook", demo_path, "show")
    assert r.code == 0 and r.err == ""
    lines = r.out.splitlines()
    assert lines[0].split()[:5] == ["label", "name", "level", "codings", "sources"]
    assert lines[2].startswith("AA ")
    assert any(line.startswith("  A1 ") for line in lines)  # categories under the core
    assert any(line.startswith("    a01 ") for line in lines)  # concepts under categories


def test_codebook_add(cli, seeded: Path) -> None:
    r = cli("codebook", seeded, "add", "权责不对等")
    assert (r.code, r.out, r.err) == (0, "a03 权责不对等\n", "")
    doc = json_doc(cli("codebook", seeded, "add", "基层治理困境", "--level", "axial", "--json"))
    assert doc == {"id": doc["id"], "label": "A2", "name": "基层治理困境", "level": "axial"}
    doc = json_doc(cli("codebook", seeded, "add", "居民诉求积压", "--parent", "A2", "--json"))
    rows = {r["label"]: r for r in json_doc(cli("codebook", seeded, "show", "--json"))}
    assert rows[doc["label"]]["parents"] == [rows["A2"]["id"]]
    r = cli("codebook", seeded, "add", "看得见的管不着", "--label", "iv1")
    assert r.out == "iv1 看得见的管不着\n"


def test_codebook_add_the_same_name_at_another_level(cli, seeded: Path) -> None:
    assert cli("codebook", seeded, "add", "会商日", "--level", "axial").code == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["会商日"], r"open code named '会商日' already exists \(a01\)"),
        (["条块协同", "--level", "axial"], "already exists"),
        (["新概念", "--parent", "A9"], "no code 'A9'"),
        (["新概念", "--label", "a01"], "label 'a01' is already taken"),
        (["新概念", "--label", "two words"], "must be one word"),
        (["新范畴", "--level", "axial", "--parent", "a01"], "cannot contain"),
        (["  "], "needs a name"),
    ],
    ids=[
        "duplicate",
        "duplicate-axial",
        "unknown-parent",
        "taken-label",
        "bad-label",
        "level",
        "blank",
    ],
)
def test_codebook_add_refused(cli, seeded: Path, args: list[str], says: str) -> None:
    refused(cli, seeded, "codebook", seeded, "add", *args, says=says)


def test_codebook_load_the_demo_codebook(cli, project, project_path: Path) -> None:
    project.close()
    r = cli("codebook", project_path, "load", CODEBOOK)
    assert r.code == 0 and r.err == ""
    added = int(re.match(r"loaded tonghe\.yaml: (\d+) codes added", r.out).group(1))
    assert added > 30
    assert len(json_doc(cli("codebook", project_path, "show", "--json"))) == added
    # merging by name: loading it again adds nothing
    again = cli("codebook", project_path, "load", CODEBOOK)
    assert again.code == 0 and "0 codes added" in again.out


def test_codebook_load_a_small_file(cli, seeded: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text(
        "format: coder-codebook/1\n"
        "codes:\n"
        "  - {label: A5, name: 协同机制, level: axial}\n"
        "  - {label: a10, name: 联席会议, parents: [A5], definition: 定期会议}\n"
        "  - {name: 会商日, definition: 每月一次}\n",  # exists already: updated, not added
        encoding="utf-8",
    )
    r = cli("codebook", seeded, "load", book)
    assert r.code == 0, r.err
    assert r.out.startswith("loaded book.yaml: 2 codes added, 1 updated")
    rows = {r["label"]: r for r in json_doc(cli("codebook", seeded, "show", "--json"))}
    assert rows["a10"]["parents"] == [rows["A5"]["id"]]
    assert history(seeded)[-1][2].startswith("load codebook book.yaml")


BAD_CODEBOOKS = {
    "unknown-code-key": ("codes:\n  - {name: x, colour_hex: '#fff'}\n", "unknown key 'colour_hex'"),
    "unknown-top-key": (
        "format: coder-codebook/1\nauthor: me\ncodes: []\n",
        "unknown key 'author'",
    ),
    "cycle": (
        "codes:\n"
        "  - {label: A1, name: x, level: axial, parents: [A2]}\n"
        "  - {label: A2, name: y, level: axial, parents: [A1]}\n",
        "cycle",
    ),
    "self-parent": ("codes:\n  - {label: A1, name: x, level: axial, parents: [A1]}\n", "cycle"),
    "parent-not-in-file": (
        "codes:\n  - {label: a01, name: x, parents: [A9]}\n",
        "parent 'A9' is not a label in this file",
    ),
    "bad-level": ("codes:\n  - {name: x, level: theme}\n", "level 'theme'"),
    "not-yaml": ("codes: [unclosed\n", "not valid YAML"),
    "wrong-format": ("format: nvivo/12\ncodes: []\n", "format"),
    "not-a-mapping": ("- just\n- a list\n", "mapping"),
}


@pytest.mark.parametrize("case", sorted(BAD_CODEBOOKS))
def test_codebook_load_refuses_bad_files(cli, seeded: Path, tmp_path: Path, case: str) -> None:
    text, says = BAD_CODEBOOKS[case]
    book = tmp_path / "bad.yaml"
    book.write_text(text, encoding="utf-8")
    line = refused(cli, seeded, "codebook", seeded, "load", book, says=says)
    assert "bad.yaml" in line


def test_codebook_load_refuses_python_objects(cli, seeded: Path, tmp_path: Path) -> None:
    """The safe loader refuses the tag, and nothing is executed."""
    sentinel = tmp_path / "pwned"
    book = tmp_path / "evil.yaml"
    book.write_text(
        f'codes: !!python/object/apply:os.system ["touch {sentinel}"]\n', encoding="utf-8"
    )
    refused(cli, seeded, "codebook", seeded, "load", book, says="python/object")
    book.write_text('codes: !!python/object/apply:os.system ["echo hi"]\n', encoding="utf-8")
    refused(cli, seeded, "codebook", seeded, "load", book, says="not valid YAML")
    assert not sentinel.exists()


def test_codebook_load_refuses_missing_and_unsupported_files(
    cli, seeded: Path, tmp_path: Path
) -> None:
    refused(cli, seeded, "codebook", seeded, "load", tmp_path / "none.yaml", says="no such file")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("codes:\n  - {name: caf\xe9}\n".encode("latin-1"))
    refused(cli, seeded, "codebook", seeded, "load", latin, says="not UTF-8")
    odt = tmp_path / "book.odt"
    odt.write_text("name\nx\n", encoding="utf-8")
    refused(cli, seeded, "codebook", seeded, "load", odt, says=r"\.yaml, \.csv, \.xlsx or \.qdc")
    bad_csv = tmp_path / "book.csv"
    bad_csv.write_text("colour name\nred\n", encoding="utf-8")
    refused(cli, seeded, "codebook", seeded, "load", bad_csv, says="unknown column")


# -- code, uncode, codings -----------------------------------------------------------------------


def test_code_prints_the_coding_id(cli, seeded: Path) -> None:
    text = source_text(seeded)
    start = text.index("会商日")
    r = cli("code", seeded, "S2-03", start, start + 3, "a01", "--memo", "first mention")
    assert r.code == 0 and r.err == ""
    assert re.fullmatch(r"\d+\n", r.out)
    [seg] = json_doc(cli("codings", seeded, "--json"))
    assert seg["id"] == int(r.out)
    assert (seg["source"], seg["start"], seg["end"]) == ("S2-03", start, start + 3)
    assert (seg["code"], seg["label"]) == ("会商日", "a01")
    assert seg["text"] == "会商日" and seg["memo"] == "first mention"
    assert seg["coder"] == "tester"
    assert history(seeded)[-1][2] == f"code S2-03 {start}–{start + 3} as a01 会商日"


def test_code_by_code_name_source_id_and_coder(cli, seeded: Path) -> None:
    r = cli("code", seeded, 1, 10, 20, "条块联动", "--coder", "R2")
    assert r.code == 0, r.err
    [seg] = json_doc(cli("codings", seeded, "--json"))
    assert (seg["label"], seg["coder"], seg["source"]) == ("a02", "R2", "S2-03")
    # the whole text, end exclusive, is a valid span
    n = len(source_text(seeded))
    assert cli("code", seeded, "S2-03", 0, n, "a01").code == 0


@pytest.mark.parametrize(
    ("start", "end", "says"),
    [
        (20, 10, "start must come before the end"),
        (10, 10, "start must come before the end"),
        (-1, 5, "negative"),
        (0, 10**6, "past the end of the text"),
        (10**6, 10**6 + 1, "past the end of the text"),
    ],
    ids=["reversed", "equal", "negative", "past-end", "both-past-end"],
)
def test_code_refuses_bad_offsets(cli, seeded: Path, start: int, end: int, says: str) -> None:
    refused(cli, seeded, "code", seeded, "S2-03", start, end, "a01", says=says)


def test_code_past_the_end_by_one(cli, seeded: Path) -> None:
    n = len(source_text(seeded))
    refused(cli, seeded, "code", seeded, "S2-03", n - 3, n + 1, "a01", says=f"{n} characters")


def test_code_refuses_an_unknown_code(cli, seeded: Path) -> None:
    """A typo never makes a code: the codebook is unchanged (``refused`` compares it)."""
    refused(cli, seeded, "code", seeded, "S2-03", 0, 5, "a99", says="no code 'a99'")
    refused(cli, seeded, "code", seeded, "S2-03", 0, 5, "会商", says="no code '会商'")


def test_code_refuses_an_unknown_source(cli, seeded: Path) -> None:
    refused(cli, seeded, "code", seeded, "S2-3", 0, 5, "a01", says="no source named 'S2-3'")


def test_code_refuses_the_same_coding_twice(cli, seeded: Path) -> None:
    first = cli("code", seeded, "S2-03", 0, 5, "a01").out.strip()
    line = refused(cli, seeded, "code", seeded, "S2-03", 0, 5, "a01", says="already coded")
    assert f"coding {first}" in line
    # another coder may code the same span
    assert cli("code", seeded, "S2-03", 0, 5, "a01", "--coder", "R2").code == 0


def test_uncode_then_undo_restores_it(cli, seeded: Path) -> None:
    coding = cli("code", seeded, "S2-03", 30, 40, "a02").out.strip()
    coded = state(seeded)[0]
    r = cli("uncode", seeded, coding)
    assert (r.code, r.out) == (0, f"removed coding {coding}\n")
    assert json_doc(cli("codings", seeded, "--json")) == []
    r = cli("undo", seeded)
    assert r.code == 0 and r.out.startswith("undo: uncode a02")
    assert snapshot(seeded) == coded
    assert [c["id"] for c in json_doc(cli("codings", seeded, "--json"))] == [int(coding)]


def test_uncode_of_another_coders_coding_needs_force_and_says_whose(cli, seeded: Path) -> None:
    coding = cli("code", seeded, "S2-03", 30, 40, "a02", "--coder", "R2").out.strip()
    line = refused(cli, seeded, "uncode", seeded, coding, says="is R2's")
    assert "--force" in line and "a02" in line
    r = cli("uncode", seeded, coding, "--force")
    assert r.code == 0 and r.out.startswith(f"removed coding {coding} (R2's a02 ")
    assert json_doc(cli("codings", seeded, "--json")) == []


def test_uncode_refuses_an_unknown_coding(cli, seeded: Path) -> None:
    refused(cli, seeded, "uncode", seeded, 999, says="no coding 999")


def test_codings_filters(cli, demo_path: Path) -> None:
    everything = json_doc(cli("codings", demo_path, "--json"))
    has_keys(everything, "id source start end code label coder text memo")
    assert {s["coder"] for s in everything} == {"R1", "R2"}

    by_code = json_doc(cli("codings", demo_path, "--code", "a25", "--json"))
    assert by_code and {s["label"] for s in by_code} == {"a25"}
    assert by_code == [s for s in everything if s["label"] == "a25"]
    by_name = json_doc(cli("codings", demo_path, "--code", by_code[0]["code"], "--json"))
    assert by_name == by_code

    by_source = json_doc(cli("codings", demo_path, "--source", "S1-02", "--json"))
    assert by_source == [s for s in everything if s["source"] == "S1-02"]

    by_coder = json_doc(cli("codings", demo_path, "--coder", "R2", "--json"))
    assert by_coder == [s for s in everything if s["coder"] == "R2"]
    assert len(by_coder) == 43

    both = json_doc(
        cli("codings", demo_path, "--code", "a25", "--source", "S1-02", "--coder", "R1", "--json")
    )
    assert both == [s for s in by_code if s["source"] == "S1-02" and s["coder"] == "R1"] and both

    # the text of every segment is the slice of its source's text
    text = source_text(demo_path, "S1-02")
    for s in by_source:
        assert s["text"] == text[s["start"] : s["end"]]


def test_codings_table(cli, demo_path: Path) -> None:
    r = cli("codings", demo_path, "--code", "a25")
    assert r.code == 0 and r.err == ""
    lines = r.out.splitlines()
    assert lines[0].split() == ["id", "source", "span", "code", "coder", "text"]
    assert all("a25 " in line for line in lines[2:]) and len(lines) > 2


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--code", "a99", "no code 'a99'"),
        ("--source", "S9-99", "no source named 'S9-99'"),
        ("--coder", "nobody", "no coder named 'nobody'"),
    ],
)
def test_codings_refuses_unknown_filters(
    cli, demo_path: Path, option: str, value: str, says: str
) -> None:
    refused(cli, demo_path, "codings", demo_path, option, value, "--json", says=says)


# -- undo, redo and the log ----------------------------------------------------------------------


def test_undo_and_redo(cli, seeded: Path) -> None:
    before = snapshot(seeded)
    coding = cli("code", seeded, "S2-03", 0, 5, "a01").out.strip()
    after = snapshot(seeded)
    r = cli("undo", seeded)
    assert (r.code, r.err) == (0, "") and r.out == "undo: code S2-03 0–5 as a01 会商日\n"
    assert snapshot(seeded) == before
    r = cli("redo", seeded)
    assert (r.code, r.err) == (0, "") and r.out == "redo: code S2-03 0–5 as a01 会商日\n"
    assert snapshot(seeded) == after
    assert [c["id"] for c in json_doc(cli("codings", seeded, "--json"))] == [int(coding)]


def test_undo_with_an_empty_history(cli, project, project_path: Path) -> None:
    project.close()
    refused(cli, project_path, "undo", project_path, says="nothing to undo")
    refused(cli, project_path, "redo", project_path, says="nothing to redo")


def test_undo_everything_then_nothing_left(cli, seeded: Path) -> None:
    for _ in history(seeded):
        assert cli("undo", seeded).code == 0
    assert json_doc(cli("sources", seeded, "--json")) == []
    refused(cli, seeded, "undo", seeded, says="nothing to undo")


def test_redo_after_a_new_change_is_refused(cli, seeded: Path) -> None:
    cli("code", seeded, "S2-03", 0, 5, "a01")
    cli("undo", seeded)
    cli("code", seeded, "S2-03", 5, 9, "a02")
    refused(cli, seeded, "redo", seeded, says="nothing to redo")


def test_log_json_shape(cli, seeded: Path) -> None:
    cli("code", seeded, "S2-03", 0, 5, "a01")
    cli("undo", seeded)
    rows = json_doc(cli("log", seeded, "--json"))
    has_keys(rows, "id time coder action summary undone")
    assert [r["action"] for r in rows] == ["import", "add-code", "add-code", "add-code", "code"]
    assert [r["undone"] for r in rows] == [False] * 4 + [True]
    assert rows[-1]["summary"] == "code S2-03 0–5 as a01 会商日"
    assert rows[-1]["coder"] == "tester"
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", r["time"]) for r in rows)
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)


def test_log_table(cli, seeded: Path) -> None:
    cli("code", seeded, "S2-03", 0, 5, "a01")
    cli("undo", seeded)
    r = cli("log", seeded)
    assert r.code == 0 and r.err == ""
    lines = r.out.splitlines()
    assert lines[0].split() == ["id", "time", "coder", "action", "summary"]
    assert lines[-1].endswith("(undone)") and "import S2-03" in lines[2]


# -- export --------------------------------------------------------------------------------------


def test_export_yaml_round_trips(cli, demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    r = cli("export", demo_path, "-o", out)
    assert (r.code, r.err) == (0, "") and out.exists()
    fresh = tmp_path / "fresh.coder"
    assert cli("new", fresh).code == 0
    assert cli("codebook", fresh, "load", out).code == 0

    def tree(path: Path) -> list[tuple[Any, ...]]:
        rows = json_doc(cli("codebook", path, "show", "--json"))
        label = {r["id"]: r["label"] for r in rows}
        return sorted(
            (
                r["label"],
                r["name"],
                r["level"],
                tuple(label[p] for p in r["parents"]),
                r["paradigm_role"],
                r["axis"],
            )
            for r in rows
        )

    assert tree(fresh) == tree(demo_path)


def test_export_refuses_unsupported_formats_and_folders(
    cli, demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "x.rtf"
    refused(
        cli, demo_path, "export", demo_path, "-o", out, says=r"export to \.rtf is not available"
    )
    assert not out.exists()
    missing = tmp_path / "no" / "x.yaml"
    refused(cli, demo_path, "export", demo_path, "-o", missing, says="no such folder")
    assert not missing.parent.exists()


# -- files that are not projects -----------------------------------------------------------------


def _not_a_project(kind: str, tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / f"{kind}.coder"
    if kind == "text-file":
        path.write_text("访谈者：这不是一个项目文件。\n", encoding="utf-8")
        return path, "not a coder project file"
    if kind == "plain-sqlite":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (x)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
        conn.commit()
        conn.close()
        return path, "an SQLite database but not a coder project file"
    if kind == "folder":
        path.mkdir()
        return path, "is a folder"
    return path, "no such project file"  # missing


COMMANDS = {
    "sources": ["sources", "{p}", "--json"],
    "text": ["text", "{p}", "S2-03"],
    "import": ["import", "{p}", str(S203)],
    "codebook-show": ["codebook", "{p}", "show"],
    "codebook-load": ["codebook", "{p}", "load", str(CODEBOOK)],
    "codebook-add": ["codebook", "{p}", "add", "会商日"],
    "code": ["code", "{p}", "S2-03", "0", "5", "a01"],
    "uncode": ["uncode", "{p}", "1"],
    "codings": ["codings", "{p}", "--json"],
    "undo": ["undo", "{p}"],
    "redo": ["redo", "{p}"],
    "log": ["log", "{p}", "--json"],
    "export": ["export", "{p}", "-o", "{out}"],
}


@pytest.mark.parametrize("kind", ["text-file", "plain-sqlite", "missing", "folder"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_commands_refuse_a_path_that_is_not_a_project(
    cli, tmp_path: Path, kind: str, command: str
) -> None:
    path, says = _not_a_project(kind, tmp_path)
    out = tmp_path / "out.yaml"
    args = [a.format(p=path, out=out) for a in COMMANDS[command]]
    line = refused(cli, path, *args, says=says)
    assert str(path) in line
    assert not out.exists()
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-journal").exists()


def test_the_plain_sqlite_database_keeps_its_data(cli, tmp_path: Path) -> None:
    path, _ = _not_a_project("plain-sqlite", tmp_path)
    assert cli("code", path, "S2-03", 0, 5, "a01").code == 1
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT x FROM notes").fetchall() == [("keep me",)]
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        assert tables == [("notes",)]  # no schema was added to it
    finally:
        conn.close()


# -- bad usage -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate", "{p}"],
        ["sources"],
        ["text", "{p}"],
        ["code", "{p}", "S2-03"],
        ["code", "{p}", "S2-03", "zero", "5", "a01"],
        ["code", "{p}", "S2-03", "0", "5.5", "a01"],
        ["uncode", "{p}", "first"],
        ["codebook", "{p}"],
        ["codebook", "{p}", "delete", "a01"],
        ["codebook", "{p}", "add"],
        ["codebook", "{p}", "add", "x", "--level", "theme"],
        ["codings", "{p}", "--colour", "red"],
        ["export", "{p}"],
        ["import", "{p}"],
        ["new", "{p}", "--lang", "fr"],
    ],
    ids=lambda a: " ".join(a) or "nothing",
)
def test_bad_usage_exits_2(
    cli, seeded: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    bad_usage(cli, seeded, *[a.format(p=seeded) for a in args])
    err = capsys.readouterr().err
    assert "usage: coder" in err and "Traceback" not in err


# -- errors that are bugs ------------------------------------------------------------------------


def test_an_internal_error_is_one_line(cli, seeded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: Any) -> int:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr("coder.cli.sources.cmd_sources", broken)
    r = cli("sources", seeded)
    assert r.code == 1
    line = one_line(r.err)
    assert "internal error (RuntimeError: disk on fire second line)" in line
    assert "--debug" in line
    r = cli("sources", seeded, "--debug")
    assert r.code == 1 and "Traceback" in r.err


# -- the real console script ---------------------------------------------------------------------


def _coder_command() -> list[str]:
    script = ROOT / ".venv" / "bin" / "coder"
    return [str(script)] if script.exists() else [sys.executable, "-m", "coder.cli"]


def _run(*args: Any, command: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CODER_USER": "tester"}
    return subprocess.run(
        [*(command or _coder_command()), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        cwd=ROOT,
    )


def test_console_script_exit_codes_and_messages(tmp_path: Path) -> None:
    path = tmp_path / "p.coder"
    r = _run("new", path)
    assert (r.returncode, r.stderr) == (0, "")
    r = _run("import", path, S203)
    assert (r.returncode, r.stderr) == (0, "")
    r = _run("codebook", path, "add", "会商日")
    assert (r.returncode, r.stdout) == (0, "a01 会商日\n")
    r = _run("code", path, "S2-03", 0, 5, "a01")
    assert r.returncode == 0 and r.stdout.strip().isdigit()
    assert not Path(f"{path}-wal").exists()  # the command closed the file cleanly

    before = state(path)
    for args in (
        ("code", path, "S2-03", 9, 3, "a01"),
        ("code", path, "S2-03", 0, 5, "a99"),
        ("code", path, "S9", 0, 5, "a01"),
        ("codebook", path, "add", "会商日"),
    ):
        r = _run(*args)
        assert r.returncode == 1, args
        assert r.stdout == ""
        assert SAYS_KEPT.search(one_line(r.stderr))
    assert state(path) == before

    r = _run("sources", tmp_path / "missing.coder")
    assert r.returncode == 1 and "no such project file" in one_line(r.stderr)

    r = _run("frobnicate", path)
    assert r.returncode == 2 and "usage: coder" in r.stderr and "Traceback" not in r.stderr

    r = _run("log", path, "--json")
    assert r.returncode == 0 and r.stderr == ""
    assert [e["action"] for e in json.loads(r.stdout)] == ["import", "add-code", "code"]


def test_the_program_keeps_what_it_leaves_out_of_the_last_collection(tmp_path: Path) -> None:
    """`coder` ends with gc.freeze() (the interpreter's last collection was a quarter of a short
    command's time); main() alone does not, so a test process goes on collecting its garbage."""
    import gc
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "coder"]
    assert script.value == "coder.cli:run"
    path = tmp_path / "p.coder"
    assert _run("new", path).returncode == 0
    frozen = gc.get_freeze_count()
    assert main(["sources", str(path)]) == 0
    assert gc.get_freeze_count() == frozen
    probe = (
        "import gc, sys; from coder.cli import run; sys.argv[1:] = ['sources', sys.argv[1]]; "
        "code = run(); print(code, gc.get_freeze_count() > 0)"
    )
    r = _run(path, command=[sys.executable, "-c", probe])
    assert (r.returncode, r.stdout.split()[-2:]) == (0, ["0", "True"]), r.stderr
    assert not Path(f"{path}-wal").exists()  # closed before the freeze: no log left behind


def test_python_dash_m_works_too(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "coder.cli"]
    r = _run("undo", tmp_path / "none.coder", command=command)
    assert r.returncode == 1 and "no such project file" in one_line(r.stderr)
    r = _run(command=command)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_the_command_table_names_the_group_that_registers_each_command() -> None:
    """Running one command registers only its group (start-up); the table must say the truth."""
    import argparse
    import importlib

    from coder.cli.base import Add, common_options, debug_only_options

    cli_main = importlib.import_module("coder.cli.main")  # the module, not coder.cli.main()

    registered = {}
    for module in cli_main.groups():
        common = common_options()
        sub = argparse.ArgumentParser(parents=[common]).add_subparsers(dest="command")
        module.register(Add(sub, common, debug_only_options()))
        registered.update(dict.fromkeys(sub.choices, module.__name__.rsplit(".", 1)[1]))
    assert registered == cli_main.COMMAND_GROUP
    # the whole parser, for help and for a mistyped command, has every command
    full = cli_main.build_parser()
    choices = next(a for a in full._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert set(choices) == set(registered)
    assert (
        cli_main.command_of(["--coder", "ann", "--ui-lang", "zh-Hans", "sources", "p"]) == "sources"
    )
    assert cli_main.command_of(["--debug", "stats", "p", "frequencies"]) == "stats"
    assert cli_main.command_of(["--help", "sources"]) is None and cli_main.command_of([]) is None


def test_a_mistyped_command_still_lists_every_command(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exc:
        main(["sourcs", "p"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'sourcs'" in err and "suggest" in err and "export" in err
