"""The recording behind a transcript: linking it, playing from a turn's time, and REFI export."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from coder.cli import main
from coder.model import SourceDraft
from coder.project import Project
from coder.text.readers import read_file
from tests.unit.test_cli import Run

SRT = """1
00:00:01,000 --> 00:00:04,000
说话人1：您好，我们开始吧。

2
00:01:04,500 --> 00:01:09,000
说话人2：好的，我先说说背景。

3
01:02:03,250 --> 01:02:08,000
说话人1：谢谢。
"""


@pytest.fixture(name="cli")
def _cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def run(*args: object) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in args])
        return Run(code, *capsys.readouterr())

    return run


@pytest.fixture
def recorded(project: Project, project_path: Path, tmp_path: Path) -> tuple[Path, Path]:
    srt = tmp_path / "meeting.srt"
    srt.write_text(SRT, encoding="utf-8")
    project.add_source(read_file(srt))
    audio = tmp_path / "meeting.m4a"
    audio.write_bytes(b"\x00\x00\x00\x18ftypM4A ")
    project.close()
    return project_path, audio


def test_link_show_and_a_moved_file(cli, recorded, tmp_path: Path) -> None:
    path, audio = recorded
    assert cli("media", path, "meeting").out == "meeting: no recording linked\n"
    r = cli("media", path, "meeting", tmp_path / "nope.mp3")
    assert r.code == 1 and "no such file; nothing was changed" in r.err
    assert cli("media", path, "meeting", audio).code == 0
    assert cli("media", path, "meeting").out == f"meeting: {audio}\n"
    assert "set media" in cli("log", path).out  # one undoable change
    audio.rename(tmp_path / "moved.m4a")
    assert "not there" in cli("media", path, "meeting").out
    r = cli("play", path, "meeting", "--at", "3")
    assert r.code == 1 and "is not there (moved?)" in r.err and "Traceback" not in r.err


def test_play_from_the_turn_at_an_offset(cli, recorded, monkeypatch) -> None:
    path, audio = recorded
    cli("media", path, "meeting", audio)
    with Project.open(path) as p:
        text = p.source_text("meeting")
    at = text.index("背景")  # inside the second cue, which starts at 00:01:04
    monkeypatch.setattr(
        "coder.media.shutil.which", lambda n: f"/usr/bin/{n}" if n == "ffplay" else None
    )
    r = cli("play", path, "meeting", "--at", at, "--print")
    assert r.out == f"ffplay -hide_banner -ss 64 {audio}\n"
    started = []
    monkeypatch.setattr("coder.media.subprocess.Popen", lambda cmd, **kw: started.append(cmd))
    monkeypatch.setattr("coder.media.shutil.which", lambda n: f"/usr/bin/{n}")
    r = cli("play", path, "meeting", "--at", text.index("谢谢"))
    assert r.code == 0 and started == [["mpv", "--start=3723", "--force-window=yes", str(audio)]]
    monkeypatch.setattr("coder.media.shutil.which", lambda n: None)
    r = cli("play", path, "meeting")
    assert r.code == 1 and "no media player found: install mpv or ffplay" in r.err


def test_a_source_without_times_says_so(cli, project, project_path, tmp_path) -> None:
    project.add_source(SourceDraft(name="S", text="访谈者：你好。\n受访者：好。\n"))
    audio = tmp_path / "s.mp3"
    audio.write_bytes(b"ID3")
    project.close()
    cli("media", project_path, "S", audio)
    r = cli("play", project_path, "S", "--at", 5, "--print")
    assert r.code == 0 and "no times in its turns; playing from the start" in r.err


def test_front_matter_media_is_found_beside_the_transcript(tmp_path: Path) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "S1.txt").write_text("---\nid: S1\nmedia: S1.mp3\n---\n受访者：好。\n", "utf-8")
    draft = read_file(folder / "S1.txt")
    assert draft.attributes["media"] == str((folder / "S1.mp3").resolve())


def test_refi_export_carries_the_media_path_on_the_text_source(cli, recorded) -> None:
    from lxml import etree

    from coder.exchange.refi import export_qdpx

    path, audio = recorded
    cli("media", path, "meeting", audio)
    out = path.parent / "out.qdpx"
    with Project.open(path) as p:
        export_qdpx(p, out)
    root = etree.fromstring(zipfile.ZipFile(out).read("project.qde"))
    ns = {"q": root.nsmap[None]}
    assert not root.findall(".//q:AudioSource", ns) and not root.findall(".//q:VideoSource", ns)
    [source] = root.findall(".//q:TextSource", ns)
    [var] = [v for v in root.findall(".//q:Variable", ns) if v.get("name") == "media"]
    values = [
        v.findtext("q:TextValue", namespaces=ns)
        for v in source.findall("q:VariableValue", ns)
        if v.find("q:VariableRef", ns).get("targetGUID") == var.get("guid")
    ]
    assert values == [str(audio)]
