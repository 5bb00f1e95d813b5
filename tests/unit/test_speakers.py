"""Speaker turns found without configuration: the conventions researchers use (Simplified and
Traditional labels, named speakers, A/B, timestamps, transcription services' exports), the
colons of ordinary sentences that must not become turns, and recomputing the turns of sources
already imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.cli import main
from coder.model import SourceDraft, Turn
from coder.project import Project
from coder.text.readers import read_file
from coder.text.speakers import DEFAULT_RULE, TurnRule
from coder.text.structure import structure
from tests.unit.test_cli import Run, json_doc


@pytest.fixture(name="cli")
def _cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def run(*args: object) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in args])
        return Run(code, *capsys.readouterr())

    return run


Part = str | tuple[str, str, str] | tuple[str, str, str, str]


def build(*parts: Part) -> tuple[str, list[Turn]]:
    """A transcript and the turns it must give, counted independently of the code under test.

    A string is a line outside every turn (the header block before the first turn); a tuple is
    ``(what precedes the words, speaker, words[, time])``. Each part ends with a newline."""
    body, turns, pos = [], [], 0
    for part in parts:
        if isinstance(part, str):
            line = part + "\n"
        else:
            prefix, speaker, said, *ts = part
            line = prefix + said + "\n"
            start = pos + len(prefix)
            turns.append(Turn(len(turns), start, start + len(said), speaker, ts[0] if ts else ""))
        body.append(line)
        pos += len(line)
    return "".join(body), turns


def found(body: str, rule: TurnRule = DEFAULT_RULE) -> list[Turn]:
    return structure(body, rule=rule).turns


# -- the conventions ---------------------------------------------------------------------------


def test_simplified_labels_with_colons_in_ordinary_sentences() -> None:
    body, turns = build(
        "社区治理访谈（第二次）",
        "时间：2019年5月16日下午",
        "地点：街道办三楼会议室",
        ("访谈者：", "访谈者", "您先说说会商日是怎么开起来的？"),
        (
            "受访者：",
            "受访者",
            "最早是2018年。书记说了一句话：事情不能再推。\n"
            "注意：这里说的“条”就是区里的职能部门。\n"
            "那时候我们的任务就是：把人叫齐。",
        ),
        ("访谈者：", "访谈者", "后来呢？"),
        ("受访者：", "受访者", "注意：后来每月一次。效果嘛：还行。"),
    )
    assert found(body) == turns


def test_traditional_labels() -> None:
    body, turns = build(
        "訪談紀錄",
        ("訪談者：", "訪談者", "請您先談談社區的情況。"),
        ("受訪者：", "受訪者", "我們這裡老人比較多，年輕人都到臺北工作了。"),
        ("採訪者: ", "採訪者", "那里長怎麼辦？"),
        ("被訪者：", "被訪者", "里長會找志工幫忙。"),
        ("問：", "問", "志工從哪裡來？"),
        ("答：", "答", "大多是退休的。"),
    )
    assert found(body) == turns


def test_named_speakers_and_roles_in_brackets() -> None:
    body, turns = build(
        ("王（社区书记）：", "王", "我们社区一共有三千多户。"),
        ("李老师：", "李老师", "那平时怎么联系居民呢？"),
        ("王：", "王", "主要靠网格员，还有微信群。"),
        ("居委会主任（张）：", "居委会主任", "我补充一句：楼长也很重要。"),
        ("李老师：", "李老师", "楼长是怎么选的？"),
        ("居委会主任：", "居委会主任", "自愿报名，居民推选。"),
        ("王：", "王", "对，选出来以后我们培训。"),
    )
    assert found(body) == turns


def test_a_and_b_both_open_turns() -> None:
    """Before: ``A`` was built in and ``B`` not, so every B line ran on inside an A turn."""
    body, turns = build(
        ("A: ", "A", "Could you describe a typical day at the centre?"),
        ("B: ", "B", "Well, I arrive around eight and check the list."),
        ("A: ", "A", "What list?"),
        ("B: ", "B", "Note: the list is the day's referrals."),
        ("A: ", "A", "I see."),
        ("B: ", "B", "Then we meet."),
    )
    assert found(body) == turns


def test_timestamps_before_labels_and_coded_participants() -> None:
    body, turns = build(
        ("[00:00:05] I: ", "I", "Thank you for coming.", "00:00:05"),
        ("[00:00:09] P1: ", "P1", "Happy to help.", "00:00:09"),
        ("(00:01:10) R2：", "R2", "我也来说两句。", "00:01:10"),
        ("00:01:30 P1: ", "P1", "Go ahead.", "00:01:30"),
        ("[00:01:41.250] R2：", "R2", "好。", "00:01:41.250"),
    )
    assert found(body) == turns


def test_ordinary_colons_are_not_speakers() -> None:
    """Once-only labels (a date, definitions), field words and reporting clauses, even when
    repeated, open no turn: ``注意：`` twice, ``时间：2019年``, a list of definitions, an English
    ``Note:``, ``他说：``."""
    notes = (
        "田野笔记\n"
        "时间：2019年\n"
        "注意：本笔记只记录观察。\n"
        "条块联动：指街道与区职能部门协同处置。\n"
        "会商日：每月一次的联席会议。\n"
        "属地管理：由所在街道负责。\n"
        "注意：以上定义来自访谈。\n"
        "Note: definitions are ours.\n"
        "Note: names are changed.\n"
        "他说：这事我们管不了。\n"
        "他说：你去找区里。\n"
        "http://example.org/a\n"
        "http://example.org/b\n"
    )
    assert found(notes) == []


def test_one_repeated_label_alone_is_not_a_dialogue() -> None:
    assert found("要点：一\n正文。\n要点：二\n正文。\n") == []
    assert found("第一组：甲\n第一组：乙\n") == []
    # ... but beside a known speaker it is one.
    body, turns = build(
        ("访谈者：", "访谈者", "您是？"),
        ("老周：", "老周", "我是楼长。"),
        ("老周：", "老周", "干了十年了。"),
    )
    assert found(body) == turns


# -- transcription services ----------------------------------------------------------------------


SERVICE_SIMPLIFIED = (
    "标题：社区访谈录音转写",
    "日期：2024-05-16",
    "关键词：会商日、条块联动、网格员",
    "摘要：受访者介绍了会商日的由来和运作方式。",
    "",
    ("说话人1 00:00:03\n", "说话人1", "您好，先请您介绍一下会商日。", "00:00:03"),
    (
        "说话人2 00:00:10\n",
        "说话人2",
        "好的。会商日是2018年开始的。\n当时的问题是：事情太多。",
        "00:00:10",
    ),
    ("发言人 2  01:02:03\n", "发言人 2", "后来每月一次。", "01:02:03"),
    ("说话人1 01:02:30\n", "说话人1", "谢谢。", "01:02:30"),
)

SERVICE_TRADITIONAL = (
    "標題：社區訪談",
    "日期：2024-05-16",
    "關鍵詞：里長、志工",
    "摘要：受訪者談到里長與志工的合作。",
    ("說話人1 00:00:02\n", "說話人1", "您好，請您先談談里長的工作。", "00:00:02"),
    ("發言人2 00:00:08\n", "發言人2", "里長主要是聯絡。\n注意：這裡的志工多半退休。", "00:00:08"),
    ("說話人1 00:01:15\n", "說話人1", "謝謝您。", "00:01:15"),
)


@pytest.mark.parametrize("parts", [SERVICE_SIMPLIFIED, SERVICE_TRADITIONAL], ids=["zhs", "zht"])
def test_service_header_lines_open_turns_and_the_header_block_stays_out(parts) -> None:
    body, turns = build(*parts)
    assert found(body) == turns
    assert body.startswith(("标题：", "標題：")) and turns[0].start > body.index("摘要")


def test_service_one_line_shape() -> None:
    body, turns = build(
        "通义听悟 转写",
        ("[00:01:02] 说话人1：", "说话人1", "那我们开始吧。", "00:01:02"),
        ("[00:01:09] 说话人2：", "说话人2", "好。", "00:01:09"),
        ("[00:01:15] 说话人1：", "说话人1", "第一个问题：您在社区多久了？", "00:01:15"),
        ("说话人2(00:01:20)：", "说话人2", "十年了。", "00:01:20"),
    )
    assert found(body) == turns


def _docx(path: Path, lines: list[str]) -> Path:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


@pytest.mark.parametrize("parts", [SERVICE_SIMPLIFIED, SERVICE_TRADITIONAL], ids=["zhs", "zht"])
def test_service_exports_as_docx(parts, tmp_path: Path) -> None:
    body, turns = build(*parts)
    draft = read_file(_docx(tmp_path / "export.docx", body.rstrip("\n").split("\n")))
    assert draft.text == body and draft.turns == turns


SRT = """1
00:00:01,000 --> 00:00:04,000
说话人1：您好，我们开始吧。

2
00:00:04,500 --> 00:00:09,000
说话人2：好的，我先说说背景。

3
00:00:09,500 --> 00:00:12,000
背景就是：人手不够。

4
00:00:12,500 --> 00:00:15,000
說話人1：謝謝。
"""


@pytest.mark.parametrize("suffix", [".srt", ".vtt"])
def test_subtitles_with_speakers_inside_cues(suffix: str, tmp_path: Path) -> None:
    text = SRT if suffix == ".srt" else "WEBVTT\n\n" + SRT.replace(",", ".")
    path = tmp_path / f"meeting{suffix}"
    path.write_text(text, encoding="utf-8")
    draft = read_file(path)
    body, turns = build(
        ("说话人1：", "说话人1", "您好，我们开始吧。", "00:00:01"),
        ("说话人2：", "说话人2", "好的，我先说说背景。", "00:00:04"),
        ("", "", "背景就是：人手不够。", "00:00:09"),
        ("說話人1：", "說話人1", "謝謝。", "00:00:12"),
    )
    assert draft.text == body and draft.turns == turns


# -- explicit labels, the import line, every way in ---------------------------------------------

QA = (
    ("A：", "A", "您在这个社区住了多久？"),
    ("B：", "B", "快二十年了。Q：问题是房子老了。"),
    ("A：", "A", "Q和A是什么？"),
    ("B：", "B", "没什么。"),
)


def test_explicit_speakers_are_exactly_those(tmp_path: Path) -> None:
    body, turns = build(*QA)
    body += "访谈者：这一行不算。\n"
    path = tmp_path / "qa.txt"
    path.write_text(body, encoding="utf-8")
    draft = read_file(path, rule=TurnRule.of(explicit=["A", "B"]))
    last = turns[-1]
    assert draft.turns == [*turns[:-1], Turn(last.idx, last.start, len(body) - 1, "B", "")]
    assert [t.speaker for t in read_file(path).turns] == ["A", "B", "A", "B", "访谈者"]


def test_import_reports_speakers_and_takes_explicit_labels(
    cli, project: Project, project_path: Path, tmp_path: Path
) -> None:
    project.close()
    path = tmp_path / "S1.txt"
    path.write_text(
        "访谈者：您好。\n王：你好。\n李：我也在。\n访谈者：开始吧。\n王：好。\n李：嗯。\n",
        encoding="utf-8",
    )
    r = cli("import", project_path, path)
    assert r.code == 0 and r.err == ""
    assert r.out.endswith("6 turns (3 speakers: 访谈者, 王, 李), utf-8\n")
    other = tmp_path / "S2.txt"
    other.write_text("王：一。\n李：二。\n王：三。\n李：四。\n", encoding="utf-8")
    r = cli("import", project_path, other, "--speakers", "王", "--json")
    assert json_doc(r)["speakers"] == {"S2": ["王"]}
    with Project.open(project_path) as p:
        assert [(t.speaker, t.start, t.end) for t in p.turns("S2")] == [
            ("王", 2, 9),
            ("王", 12, 19),
        ]


def test_scripted_sources_get_the_same_turns(project: Project) -> None:
    body, turns = build(*QA)
    project.add_source(SourceDraft(name="pasted", text=body))
    assert project.turns("pasted") == turns
    project.add_source(SourceDraft(name="given", text=body, turns=[]))
    assert project.turns("given") == []


def test_refi_sources_get_inferred_turns(project: Project, tmp_path: Path) -> None:
    from coder.exchange.refi import export_qdpx, import_qdpx

    body, turns = build(
        ("訪談者：", "訪談者", "請問您是？"),
        ("陳：", "陳", "我是里長。"),
        ("訪談者：", "訪談者", "做多久了？"),
        ("陳：", "陳", "八年。"),
    )
    project.add_source(SourceDraft(name="T1", text=body, turns=[]))  # no turns in the export
    export_qdpx(project, tmp_path / "t.qdpx")
    with Project.create(tmp_path / "other.coder") as other:
        import_qdpx(other, tmp_path / "t.qdpx")
        assert other.turns("T1") == turns


# -- recomputing the turns of sources already imported --------------------------------------------


def test_turns_command_recomputes_as_one_undoable_event(
    cli, project: Project, project_path: Path
) -> None:
    body, turns = build(*QA)
    # As an older version imported it: A built in, B not, so B lines ran on inside A turns.
    old = TurnRule.of(explicit=["A"]).find(body)
    assert len(old) == 2
    project.add_source(SourceDraft(name="S", text=body, turns=old))
    code = project.add_code("房子").id
    at = body.index("房子")
    project.add_codings([(project.source_id("S"), code, at, at + 2, "tester")])
    project.close()

    assert json_doc(cli("turns", project_path, "--json"))["sources"][0]["turns"] == 2
    r = cli("turns", project_path, "S", "--detect", "--dry-run")
    assert r.code == 0 and "nothing was changed" in r.out
    with Project.open(project_path) as p:
        assert p.turns("S") == old

    before_codings = json_doc(cli("codings", project_path, "--json"))
    doc = json_doc(cli("turns", project_path, "S", "--detect", "--json"))
    assert doc["sources"] == [{"name": "S", "turns_before": 2, "turns": 4, "speakers": ["A", "B"]}]
    with Project.open(project_path) as p:
        assert p.turns("S") == turns and p.source_text("S") == body
    assert json_doc(cli("codings", project_path, "--json")) == before_codings
    # Nothing left to change: no second event.
    assert "nothing was changed" in cli("turns", project_path, "--detect").out
    log = cli("log", project_path).out
    assert log.count("recompute the turns") == 1

    assert cli("undo", project_path).code == 0
    with Project.open(project_path) as p:
        assert p.turns("S") == old
    assert cli("redo", project_path).code == 0
    assert cli("turns", project_path, "--speakers", "B").code == 0
    with Project.open(project_path) as p:
        assert [t.speaker for t in p.turns("S")] == ["B", "B"]


def test_turns_command_refuses_both_modes(cli, project: Project, project_path: Path) -> None:
    project.close()
    r = cli("turns", project_path, "--detect", "--speakers", "A")
    assert r.code != 0 and "not both" in r.err and "Traceback" not in r.err


def test_dictionary_speakers_still_adds_labels(cli, project: Project, project_path: Path) -> None:
    project.close()
    assert "小组长" in cli("dictionary", project_path, "speakers", "小组长").out
    with Project.open(project_path) as p:
        # A project label is known: it opens a turn though it occurs once.
        p.add_source(SourceDraft(name="S", text="小组长：大家好。\n"))
        assert p.turns("S") == [Turn(0, 4, 8, "小组长", "")]


def test_import_json_lists_speakers(cli, project: Project, project_path: Path, tmp_path) -> None:
    project.close()
    path = tmp_path / "x.txt"
    path.write_text("访谈者：a\n受访者：b\n", encoding="utf-8")
    doc = json.loads(cli("import", project_path, path, "--json").out)
    assert doc["speakers"] == {"x": ["访谈者", "受访者"]}


# -- the unit of agreement ------------------------------------------------------------------------

AB_INTERVIEW = Path(__file__).parent.parent / "data" / "ab_interview.txt"
#: Codes and the words that call for them; the two coders apply them differently.
KEYWORDS = {
    "资源不足": ("人手", "经费", "钱"),
    "部门协调": ("部门", "协调", "条块"),
    "居民参与": ("居民", "志愿者"),
    "数字化": ("微信", "平台", "系统"),
    "考核压力": ("考核", "排名", "指标"),
}


def _two_coders(project: Project, rng) -> None:  # type: ignore[no-untyped-def]
    """R1 and R2 code words in the turns, each with their own misses, extra codings and
    confusions (spans widened by a few characters, never beyond the line)."""
    sid = project.source_id("ab_interview")
    text = project.source_text("ab_interview")
    ids = {name: project.add_code(name).id for name in KEYWORDS}
    rows = []
    for line_start, line in _lines(text):
        for name, words in KEYWORDS.items():
            hits = [line.find(w) for w in words if w in line]
            for who, keep, confuse in (("R1", 0.9, 0.05), ("R2", 0.8, 0.08)):
                code = name
                if rng.random() < confuse:
                    code = rng.choice(sorted(KEYWORDS))
                if hits and rng.random() < keep:
                    at = min(hits)
                elif not hits and rng.random() < 0.04:
                    at = rng.randrange(3, max(4, len(line) - 4))
                else:
                    continue
                start = line_start + max(3, at - rng.randrange(0, 4))
                end = min(line_start + len(line), line_start + at + 2 + rng.randrange(0, 6))
                rows.append((sid, ids[code], start, end, who))
    project.add_codings(rows)


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line:
            out.append((pos, line))
        pos += len(line) + 1
    return out


def test_kappa_at_the_turn_unit_is_kappa_over_the_lines(
    cli, project: Project, project_path: Path
) -> None:
    """A/B lines with no speaker configured: one line, one turn, so per-code Cohen's κ at the
    turn unit is scikit-learn's κ over the lines' presence/absence of the code."""
    import random

    from sklearn.metrics import cohen_kappa_score

    from coder.analysis.agreement import agreement

    project.close()
    r = cli("import", project_path, AB_INTERVIEW)
    assert r.code == 0 and "44 turns (2 speakers: A, B)" in r.out, r.out + r.err
    project = Project.open(project_path)
    try:
        _two_coders(project, random.Random(16))
        text = project.source_text("ab_interview")
        lines = _lines(text)
        assert len(lines) == 44
        assert [(t.start, t.end) for t in project.turns("ab_interview")] == [
            (pos + 3, pos + len(line)) for pos, line in lines
        ]
        result = agreement(project, ["R1", "R2"], unit="turn")
        assert result.units == 44
        got = {c.name: c.cohen_kappa for c in result.per_code}
        assert set(got) == set(KEYWORDS)
        for name in KEYWORDS:
            marks = {}
            for who in ("R1", "R2"):
                segs = [
                    g for g in project.segments(source="ab_interview", coder=who) if g.code == name
                ]
                marks[who] = [
                    int(any(g.start < pos + len(line) and pos < g.end for g in segs))
                    for pos, line in lines
                ]
            assert got[name] == pytest.approx(
                cohen_kappa_score(marks["R1"], marks["R2"]), abs=1e-9
            ), name
        doc = json_doc(
            cli("agreement", project_path, "--coders", "R1,R2", "--unit", "turn", "--json")
        )
        assert {c["name"]: c["cohen_kappa"] for c in doc["per_code"]} == pytest.approx(got)
        # With the turns as A alone found them (B lines inside A turns), κ differs.
        a_only = {
            project.source_id("ab_interview"): [
                (t.start, t.end) for t in TurnRule.of(explicit=["A"]).find(text)
            ]
        }
        old = agreement(project, ["R1", "R2"], unit="turn", boundaries=a_only)
        assert old.units == 22
        assert any(c.cohen_kappa != pytest.approx(got[c.name]) for c in old.per_code)
    finally:
        project.close()


def test_dictionary_speakers_remove_takes_labels_off(
    cli, project: Project, project_path: Path
) -> None:
    project.close()
    r = cli("dictionary", project_path, "speakers", "问", "老周", "--remove")
    assert r.code == 0 and r.out.splitlines()[-1] == "not speakers: 老周 问"
    assert "问" not in r.out.splitlines()[0].split()
    text = "问：您是？\n老周：我是楼长。\n答：嗯。\n老周：十年了。\n"
    with Project.open(project_path) as p:
        p.add_source(SourceDraft(name="S", text=text))
        assert [t.speaker for t in p.turns("S")] == ["答"]
    assert cli("undo", project_path).code == 0  # the source
    assert cli("undo", project_path).code == 0  # the labels, in one step
    with Project.open(project_path) as p:
        p.add_source(SourceDraft(name="S", text=text))
        assert [t.speaker for t in p.turns("S")] == ["问", "老周", "答", "老周"]


def test_headings_among_many_lines_are_not_a_dialogue() -> None:
    """A paper (not a transcript): ``Level 1:`` / ``Model 1:`` recur, alternate, and are a few
    lines among many, as in a MAXQDA sample project's conference papers."""
    paragraphs = [
        f"Paragraph {i} discusses the results of the study in some detail." for i in range(80)
    ]
    paragraphs[5] = "Level 1: students working alone."
    paragraphs[6] = "Model 1: a random intercept."
    paragraphs[20] = "Level 2: classrooms."
    paragraphs[21] = "Model 1: adds the classroom mean."
    paragraphs[30] = "Level 1: again, with the covariates."
    assert found("\n".join(paragraphs) + "\n") == []
    # The same labels as the turns of a short exchange are speakers.
    body, turns = build(("Level 1: ", "Level 1", "hello"), ("Model 1: ", "Model 1", "hi"))
    assert found(body + body) == [
        *turns,
        *(Turn(t.idx + 2, t.start + len(body), t.end + len(body), t.speaker, "") for t in turns),
    ]


def test_turns_command_keeps_subtitle_cues_and_their_times(
    cli, project: Project, project_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "meeting.srt"
    path.write_text(SRT, encoding="utf-8")
    project.add_source(read_file(path))
    before = project.turns("meeting")
    project.close()
    assert cli("turns", project_path, "meeting", "--speakers", "说话人2").code == 0
    with Project.open(project_path) as p:
        after = p.turns("meeting")
        text = p.source_text("meeting")
    assert [t.timestamp for t in after] == [t.timestamp for t in before]
    assert [(t.speaker, text[t.start : t.end]) for t in after] == [
        ("", "说话人1：您好，我们开始吧。"),
        ("说话人2", "好的，我先说说背景。"),
        ("", "背景就是：人手不够。"),
        ("", "說話人1：謝謝。"),
    ]
    assert cli("turns", project_path, "meeting", "--detect").code == 0
    with Project.open(project_path) as p:
        assert p.turns("meeting") == before


def test_named_header_lines_and_an_agenda() -> None:
    """飞书妙记 names the speakers in its header lines; one who speaks once still heads a turn.
    An agenda's items with times do not repeat, so they are no turns."""
    body, turns = build(
        "会议纪要 2024年5月16日",
        ("张三  00:00\n", "张三", "大家好，今天讨论会商日。", "00:00"),
        ("李四  00:05\n", "李四", "好的。", "00:05"),
        ("张三  00:09\n", "张三", "那我们开始吧。", "00:09"),
    )
    assert found(body) == turns
    assert found("会议议程\n签到 09:00\n开幕 09:30\n报告 10:00\n午餐 12:00\n") == []
