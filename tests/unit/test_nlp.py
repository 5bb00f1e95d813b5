"""Word, sentence and turn boundaries; readers for docx, srt, vtt and pdf; search; word frequency;
autocoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coder.errors import InvalidInput
from coder.project import Project
from coder.text import autocode, frequency, nlp
from coder.text.readers import read_file
from coder.text.search import search
from tests.conftest import snapshot

# -- words and sentences on the demo corpus ---------------------------------------------------


def test_codebook_terms_are_single_tokens(demo: Project) -> None:
    """Every code name (without punctuation) and dictionary term is one jieba token, in the
    middle of a sentence as well as alone."""
    words = set(demo.user_words())
    names = [c.name for c in demo.codes() if nlp.dictionary_terms([c.name]) == {c.name}]
    assert "条块联动" in names and "基层会商日" in demo.dictionary()
    for term in names + demo.dictionary():
        text = f"我们说{term}很重要"
        spans = nlp.tokenize(text, "zh", words)
        assert (3, 3 + len(term)) in spans, (term, [text[s:e] for s, e in spans])


def test_demo_sentences_stay_in_turns_and_end_on_punctuation(demo: Project) -> None:
    enders = tuple(nlp.SENTENCE_END)
    closers = tuple("”’」』）)】》\"'")
    for src in demo.sources():
        text = demo.source_text(src.id)
        a = demo.analysis(src.id)
        turns = [(t.start, t.end) for t in demo.turns(src.id)]
        assert len(a.sentences) >= len(turns) // 2
        for s, e in a.sentences:
            assert any(ts <= s and e <= te for ts, te in turns), (src.name, text[s:e])
            inner = text[s:e].rstrip("".join(closers))
            # A sentence ends on an end mark, or at the end of its turn.
            at_turn_end = any(e == te for _, te in turns)
            assert inner.endswith(enders) or at_turn_end, (src.name, text[s:e])
            # and there is no end mark inside it, except right before a closing quote or
            # another mark (as in ？！ or ……).
            for i, ch in enumerate(inner[:-1]):
                if ch in "。！？；":
                    assert inner[i + 1] in "。！？；…" + "".join(closers), (src.name, text[s:e])


def test_marker_goes_with_the_next_sentence() -> None:
    text = "您别介意。[笑] 我是2017年来的。他说：“好。”然后走了"
    a = nlp.analyse(text, [], "zh")
    got = [text[s:e] for s, e in a.sentences]
    assert got == ["您别介意。", "[笑] 我是2017年来的。", "他说：“好。”", "然后走了"]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_snapping_never_cuts_a_word(data: st.DataObject) -> None:
    text = "街道要管的事越来越多，人、财、物却都在区里，我们是“小马拉大车”。基层会商日把条块联动起来了。"
    a = nlp.analyse(text, [], "zh", {"基层会商日", "条块联动", "小马拉大车"})
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    s, e = a.snap(start, end)
    assert s <= start and end <= e
    cuts = {b for w in a.words for b in w}
    assert s in cuts and e in cuts


def test_english_text_uses_english_tokens_and_sentences() -> None:
    text = "We met every month. The district head came! Did it help?"
    assert nlp.detect_language(text) == "en"
    a = nlp.analyse(text, [], "en")
    assert [text[s:e] for s, e in a.sentences] == [
        "We met every month.",
        "The district head came!",
        "Did it help?",
    ]
    assert text[slice(*a.words[1])] == "met"


# -- readers ------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("访谈者：请介绍一下会商日。")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "编号"
    table.rows[0].cells[1].text = "S1-01"
    d.add_paragraph("受访者：每月固定一天。")
    path = tmp_path / "S7-01.docx"
    d.save(path)
    draft = read_file(path)
    assert draft.text == "访谈者：请介绍一下会商日。\n编号\tS1-01\n受访者：每月固定一天。\n"
    assert [(t.speaker, draft.text[t.start : t.end]) for t in draft.turns] == [
        ("访谈者", "请介绍一下会商日。\n编号\tS1-01"),
        ("受访者", "每月固定一天。"),
    ]
    assert draft.format == "docx" and draft.language == "zh"


def test_a_docx_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("这不是Word文件", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not a zip"):
        read_file(path)


def test_srt_cues_become_turns_with_times(tmp_path: Path) -> None:
    path = tmp_path / "S7-02.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:04,000\n访谈者：会商日怎么开？\n\n"
        "2\n00:01:05,500 --> 00:01:09,000\n受访者：每月一次，\n部门都来。\n\n",
        encoding="utf-8",
    )
    draft = read_file(path)
    assert draft.text == "访谈者：会商日怎么开？\n受访者：每月一次， 部门都来。\n"
    assert [(t.speaker, t.timestamp, draft.text[t.start : t.end]) for t in draft.turns] == [
        ("访谈者", "00:00:01", "会商日怎么开？"),
        ("受访者", "00:01:05", "每月一次， 部门都来。"),
    ]


def test_vtt_voices_become_speakers(tmp_path: Path) -> None:
    path = tmp_path / "S7-03.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v 受访者>条块联动很重要。\n\n"
        "00:00:04.000 --> 00:00:05.000\n没有说话人的一句。\n",
        encoding="utf-8",
    )
    draft = read_file(path)
    assert draft.text == "受访者：条块联动很重要。\n没有说话人的一句。\n"
    first, second = draft.turns
    assert (first.speaker, draft.text[first.start : first.end]) == ("受访者", "条块联动很重要。")
    assert (second.speaker, second.timestamp, draft.text[second.start : second.end]) == (
        "",
        "00:00:04",
        "没有说话人的一句。",
    )


def test_malformed_subtitles_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.srt"
    path.write_text("this is not a subtitle file\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not a valid srt"):
        read_file(path)


def _pdf_with_text(path: Path, text: str) -> None:
    """A one-page PDF with a text layer (Helvetica, ASCII), written by hand."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))


def test_pdf_text_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    _pdf_with_text(path, "Q: How often do you meet?")
    draft = read_file(path)
    assert "How often do you meet?" in draft.text
    assert draft.turns and draft.turns[0].speaker == "Q"
    assert any("layout" in w for w in draft.warnings)


# -- search, frequency, autocode ------------------------------------------------------------------


def test_search_finds_chinese_without_spaces(demo: Project) -> None:
    hits = search(demo, "条块联动", context=5)
    assert {h.source for h in hits} == {"S2-01", "S3-01"}
    for h in hits:
        assert demo.source_text(h.source)[h.start : h.end] == "条块联动" == h.match
        assert len(h.left) == 5
    assert len(search(demo, r"会商日[^，。]{0,4}制度", regex=True)) >= 1
    with pytest.raises(InvalidInput, match="regular expression"):
        search(demo, "([", regex=True)


def test_word_frequency_counts_what_was_said(demo: Project) -> None:
    overall = dict(frequency.word_frequencies(demo, top=50)["overall"])
    assert "会商日" in overall
    assert "受访者" not in overall and "访谈者" not in overall  # labels are not speech
    assert not ({"的", "我们", "就是"} & set(overall))
    # Hand count: the word as jieba splits it, in the turns of one transcript.
    src = "S2-01"
    words = frequency.spoken_words(demo, src)
    by_source = dict(frequency.word_frequencies(demo, by="source", top=500)[src])
    assert by_source["会商日"] == words.count("会商日")
    demo.set_stopwords(demo.stopwords() + ["会商日"])
    assert "会商日" not in dict(frequency.word_frequencies(demo, top=50)["overall"])


def test_keywords_offer_candidate_in_vivo_codes(demo: Project) -> None:
    rows = frequency.keywords(demo, source="S2-01", top=10)
    assert len(rows) == 10
    assert all(not frequency._SINGLE_HAN.match(w) for w, _, _ in rows)
    assert any(not is_code for _, _, is_code in rows)


def test_term_matching_respects_word_boundaries(demo: Project) -> None:
    whole = autocode.plan(demo, "a08", terms=["会商"])
    loose = autocode.plan(demo, "a08", terms=["会商"], substring=True)
    whole_spans = {(p.source, p.start) for p in whole}
    loose_spans = {(p.source, p.start) for p in loose}
    assert whole_spans < loose_spans
    inside = [p for p in loose if (p.source, p.start) not in whole_spans]
    for p in inside:  # 会商 inside 会商日 or 基层会商日: only substring matching finds it
        text = demo.source_text(p.source)
        assert (
            text[p.start : p.start + 3] == "会商日"
            or text[p.start - 2 : p.start + 3] == "基层会商日"
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"terms": ["小马拉大车"], "unit": "sentence"},
        {"regex": r"12345热线", "unit": "match"},
        {"speaker": "访谈者", "unit": "turn"},
        {"terms": ["条块联动"], "unit": "turn"},
    ],
    ids=["term-sentence", "regex", "speaker", "term-turn"],
)
def test_dry_run_equals_real_run_and_undo_removes_it(kwargs: dict, demo: Project) -> None:
    before = snapshot(demo.path)
    planned = autocode.plan(demo, "a08", **kwargs)
    assert planned and snapshot(demo.path) == before  # planning changes nothing
    ids = autocode.run(demo, "a08", planned)
    got = demo.segments(ids=ids)
    assert [(s.source, s.start, s.end, s.text) for s in got] == [
        (p.source, p.start, p.end, p.text) for p in planned
    ]
    assert demo.log()[-1].action == "autocode"
    assert autocode.plan(demo, "a08", **kwargs) == []  # a second run would add nothing
    demo.undo()
    assert snapshot(demo.path) == before


def test_autocode_units_widen_to_sentence_and_turn(demo: Project) -> None:
    match = autocode.plan(demo, "a08", terms=["小马拉大车"])
    sentence = autocode.plan(demo, "a08", terms=["小马拉大车"], unit="sentence")
    turn = autocode.plan(demo, "a08", terms=["小马拉大车"], unit="turn")
    m, s, t = match[0], sentence[0], turn[0]
    assert t.start <= s.start <= m.start and m.end <= s.end <= t.end
    assert s.text.endswith(("。", "！", "？", "；", "”")) and "小马拉大车" in s.text
    assert (t.start, t.end) in {(x.start, x.end) for x in demo.turns(t.source)}


# -- the commands ---------------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    from coder.cli import main

    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_folder_import_is_one_undoable_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from tests.conftest import CORPUS

    folder = tmp_path / "in" / "nested"
    folder.mkdir(parents=True)
    for name in ("S2-03.txt", "S4-02.txt", "S1-03.txt"):
        shutil.copy(CORPUS / name, folder / name)
    (folder / "broken.srt").write_text("not subtitles", encoding="utf-8")
    path = tmp_path / "p.coder"
    _run(capsys, "new", path)
    code, out, err = _run(capsys, "import", path, tmp_path / "in")
    assert code == 1 and "broken.srt" in err and "3 imported and kept" in err
    assert out.count("imported ") == 3
    p = Project.open(path)
    assert [e.summary for e in p.log()] == ["import 3 sources"]
    p.undo()
    assert p.sources() == []


def test_search_autocode_words_commands(demo: Project, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    path = demo.path
    code, out, _ = _run(capsys, "search", path, "条块联动", "--json")
    hits = json.loads(out)
    assert code == 0 and {h["source"] for h in hits} == {"S2-01", "S3-01"}
    assert set(hits[0]) >= {"source", "start", "end", "left", "match", "right"}
    before = len(demo.log())
    code, out, _ = _run(
        capsys, "autocode", path, "--code", "a08", "--term", "基层会商日", "--dry-run", "--json"
    )
    dry = json.loads(out)
    assert code == 0 and dry and len(demo.log()) == before
    code, out, _ = _run(capsys, "autocode", path, "--code", "a08", "--term", "基层会商日", "--json")
    assert json.loads(out) == dry and len(demo.log()) == before + 1
    code, out, _ = _run(capsys, "words", path, "--top", "5", "--json")
    assert code == 0 and len(json.loads(out)["overall"]) == 5
    code, out, _ = _run(capsys, "keywords", path, "--source", "S1-02", "--top", "5", "--json")
    assert code == 0 and len(json.loads(out)) == 5
    code, out, _ = _run(capsys, "dictionary", path, "add", "会商纪要")
    assert code == 0 and "会商纪要" in out.split()
    code, _, err = _run(capsys, "autocode", path, "--code", "a08", "--regex", "([")
    assert code == 1 and "regular expression" in err and len(err.strip().splitlines()) == 1


def test_speaker_labels_are_configurable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.coder"
    src = tmp_path / "S8-01.txt"
    src.write_text("主任：会商日每月一次。\n书记：我同意。\n", encoding="utf-8")
    _run(capsys, "new", path)
    code, out, _ = _run(capsys, "dictionary", path, "speakers", "主任", "书记")
    assert code == 0 and "主任" in out.split()
    _run(capsys, "import", path, src)
    p = Project.open(path)
    assert [(t.speaker, p.source_text("S8-01")[t.start : t.end]) for t in p.turns("S8-01")] == [
        ("主任", "会商日每月一次。"),
        ("书记", "我同意。"),
    ]
