"""The command line in Chinese: ``--json`` byte-identical in every interface language, and no
English left in the human output of the main commands (names, data and the program's name aside).

The English output itself is kept byte for byte by ``bench/cli_record.py`` (run it before and
after a change and diff the two records)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from bench import cli_record
from coder import i18n

WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")
#: The fixed vocabulary is data in JSON but is translated for people: never an allowed word.
VOCABULARY = {"open", "axial", "selective", "causal", "phenomenon", "context", "intervening"}
VOCABULARY |= {"strategy", "consequence", "segment", "sentence", "turn", "source", "char"}


@pytest.fixture
def work(demo_file: Path, tmp_path: Path) -> Path:
    """A recorder's folder holding a copy of the demo."""
    folder = tmp_path / "record"
    folder.mkdir()
    shutil.copy(demo_file, folder / "demo.coder")
    return folder


def strings(data: Any) -> list[str]:
    """Every string value (not key) of a JSON document."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in strings(v)]
    return []


def english_left(text: str, data: list[Any], work: Path) -> list[str]:
    """The English words in ``text`` that are not names or data: not in the JSON's values, not
    the program's name, not an option (``--json``), a file's suffix or part of a path."""
    allowed = {w for d in data for s in strings(d) for w in WORD.findall(s)} - VOCABULARY
    allowed |= {"coder", "utf", "BOM"}  # the program; the encodings the sources table shows
    text = text.replace(str(work), "")
    text = re.sub(r"--[a-z][a-z-]*|\.[a-z]+\b|/\S*", "", text)
    return sorted({w for w in WORD.findall(text) if w not in allowed})


def test_json_output_is_byte_identical_across_interface_languages(work: Path) -> None:
    """sources, sets, codebook, codings, log, stats, agreement, review, query, search, turns,
    suggest, discover and import, with --json, in en, zh-Hans and zh-Hant."""
    invocations = [(" ".join(argv), argv) for argv in cli_record.JSON_INVOCATIONS]
    records = {lang: cli_record.record(work, lang, invocations) for lang in i18n.LANGUAGES}
    assert len(records["en"]) == len(cli_record.JSON_INVOCATIONS) >= 15
    for name, (rc, out, err) in records["en"].items():
        # the import of a file it cannot read says so on stderr (in the language) and exits 1
        assert (rc, bool(err.strip())) == ((1, True) if "build_fixtures" in name else (0, False))
        json.loads(out)  # one document
        for lang in ("zh-Hans", "zh-Hant"):
            assert records[lang][name][1].encode() == out.encode(), (lang, name)
            assert records[lang][name][0] == rc


def test_the_language_changes_the_human_output(work: Path) -> None:
    """The same command in the three languages: English headers, then Chinese ones; Taiwan's
    words in Traditional (資料, 專案 rather than 项目's converted characters)."""
    chosen = [("sources", ["sources", "{demo}"]), ("member", ["member", "{demo}", "list"])]
    said = {lang: cli_record.record(work, lang, chosen) for lang in i18n.LANGUAGES}
    en, hans, hant = (said[lang]["sources"][1] for lang in i18n.LANGUAGES)
    assert en.splitlines()[0].split()[:3] == ["id", "name", "chars"]
    assert hans.splitlines()[0].split()[:3] == ["编号", "名称", "字数"]
    assert hant.splitlines()[0].split()[:3] == ["編號", "名稱", "字數"]
    cells = [[line.split() for line in t.splitlines()[2:]] for t in (en, hans, hant)]
    assert cells[0] == cells[1] == cells[2] and len(cells[0]) == 13  # the data, realigned
    assert "个人项目" in said["zh-Hans"]["member"][1]
    assert "個人專案" in said["zh-Hant"]["member"][1]


MAIN = [
    # (name, human argv, the --json argv whose values are the data it may show)
    ("sources", ["sources", "{demo}"], ["sources", "{demo}", "--json"]),
    ("codes", ["codebook", "{demo}", "show"], ["codebook", "{demo}", "show", "--json"]),
    (
        "frequencies",
        ["stats", "{demo}", "frequencies"],
        ["stats", "{demo}", "frequencies", "--json"],
    ),
    ("query", ["query", "{demo}", "a09 OR a02"], ["query", "{demo}", "a09 OR a02", "--json"]),
]


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_no_english_is_left_in_the_main_commands(work: Path, lang: str) -> None:
    for name, human, machine in MAIN:
        done = cli_record.record(work, lang, [(name, human), (name + " json", machine)])
        rc, out, err = done[name]
        assert rc == 0 and CJK.search(out), (name, out[:300])
        data = [json.loads(done[name + " json"][1]), human[2:]]  # what it shows, what was asked
        assert not english_left(out + err, data, work), (name, english_left(out, data, work))


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_the_import_report_and_errors_are_in_chinese(work: Path, lang: str) -> None:
    corpus = cli_record.CORPUS
    cases = [
        ("import", ["import", "{new}", "{corpus}/S1-01.txt", "{corpus}/S1-02.txt"]),
        ("skipped", ["import", "{copy}", "{corpus}/S1-01.txt", "{corpus}/README.md"]),
        ("missing", ["import", "{new}", "{work}/no-such-file.txt"]),
        ("no project", ["sources", "{work}/missing.coder"]),
        ("unknown source", ["text", "{demo}", "S9-99"]),
        ("unknown code", ["codings", "{demo}", "--code", "zz99"]),
        ("bad offsets", ["code", "{copy}", "S1-01", "50", "5", "a09"]),
        ("bad query", ["query", "{demo}", "a09 AND ("]),
        ("nothing to undo", ["undo", "{copy}"]),
    ]
    done = cli_record.record(work, lang, cases)
    # the names and data these show; "tester" is the coder ($CODER_USER)
    names = ["S1-01", "S1-02", "README", "S9-99", "zz99", "a09 AND (", "tester", "访谈者", "受访者"]
    for name, (_rc, out, err) in done.items():
        said = out + err
        assert CJK.search(said), (name, said)
        left = english_left(said, names + ["S1-01.txt"], work)
        assert not left, (name, left, said)
    # what was imported, what was skipped and why, each in one line of its own
    rc, out, err = done["import"]
    assert rc == 0 and len(out.splitlines()) == 2 and not err
    rc, out, err = done["skipped"]
    assert rc == 1 and len(out.splitlines()) == 1 and "README" in out
    assert "S1-01" in err and len(err.splitlines()) == 2  # the file skipped, then the summary
    assert ("已跳过" if lang == "zh-Hans" else "已跳過") in err
    for name in ("missing", "no project", "unknown source", "bad offsets", "nothing to undo"):
        rc, out, err = done[name]
        assert rc == 1 and not out and len(err.splitlines()) == 1, (name, err)
        assert err.startswith("coder: ")
    assert corpus.is_dir()


def test_english_is_the_default_and_a_missing_word_falls_back(work: Path) -> None:
    """No language chosen (the tests' environment): English, as before the catalogs."""
    rc, out, err = cli_record.record(work, None, [("e", ["text", "{demo}", "S9-99"])])["e"]
    assert err == "coder: no source named 'S9-99'; nothing was changed\n"
    i18n.activate("zh-Hans")
    try:
        assert i18n._("a message no catalog has {x}").format(x=1) == "a message no catalog has 1"
        assert i18n.pgettext("column", "name") == "名称" and i18n._("name") == "姓名"
    finally:
        i18n.activate("en")


#: What help shows as it is: the program's names and the names of its parts (commands, option
#: values, metavariables, formats, the methods' authors), not words for a person to read.
HELP_NAMES = {
    "PostgreSQL",
    "textual",
    "serve",
    "docs",
    "md",
    "jieba",
    "NMF",
    "TF",
    "IDF",
    "REFI",
    "QDA",
    "MAXQDA",
    "TEXT",
    "CODE",
    "Holsti",
    "Cohen",
    "Krippendorff",
    "Taguette",
    "Wilson",
    "JSON",
    "mpv",
    "ffplay",
    "ffmpeg",
    "CODER_USER",
    "CODER_LANG",
    "en",
    "zh",
    "Hans",
    "Hant",
    "in",
    "vivo",
    "owner",
    "coder",
    "reader",
    "show",
    "add",
    "remove",
    "auto",
    "gb",
    "row",
    "respondent",
    "cooccurrence",
    "paradigm",
    "matrix",
    "saturation",
    "turn",
    "segment",
    "role",
    "date",
    "consensus",
    "model",
    "VERSION",
    "ID",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "FOLLOWED_BY",
    "IN",
    "maxqda",
    "postgresql",
    "USER",
    "HOST",
    "DB",
    "backups",
    "PROJECT",
    "speakers",
    "sample",
    "help",
    "frequencies",
    "selective",
    "project",
    "json",
    "kind",
    "n",
    "int",
    "float",
}


def help_english(text: str) -> list[str]:
    """English words left in help: the usage lines, options, metavariables, commands and
    {choices} aside."""
    from coder.cli.main import COMMAND_GROUP

    body = re.sub(r"(?m)^(用法：|\s{2,}\S*coder)[^\n]*(\n {6,}[^\n]*)*", "", text)
    body = re.sub(
        r"--?[a-z][a-z-]*|\{[^}]*\}|\b[A-Z][A-Z0-9_,.\[\]]*\b|\.[a-z]+\b|\S*/\S*", "", body
    )
    words = set(WORD.findall(body)) - HELP_NAMES - set(COMMAND_GROUP)
    return sorted(words)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_help_and_usage_errors_speak_the_language(
    work: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``coder --help``, a command's help and argparse's usage errors, in Chinese and within 80
    columns (argparse counts characters; a Chinese one takes two)."""
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "80")
    cases = [
        ("help", ["--help"]),
        ("import help", ["import", "--help"]),
        ("stats help", ["stats", "--help"]),
        ("suggest help", ["suggest", "--help"]),
        ("missing", ["sources"]),
        ("bad choice", ["stats", "{demo}", "nonsense"]),
        ("unknown option", ["sources", "{demo}", "--nonsense"]),
        ("bad number", ["sample", "{demo}", "many"]),
    ]
    done = cli_record.record(work, lang, cases)
    options, required = (
        ("选项", "缺少以下必需参数") if lang == "zh-Hans" else ("選項", "缺少下列必要引數")
    )
    for name in ("help", "import help", "stats help", "suggest help"):
        rc, out, err = done[name]
        assert rc == 0 and not err and out.startswith("用法：coder"), (name, out[:200])
        assert f"\n{options}:\n" in out and CJK.search(out.split("\n\n")[1]), name
        assert not help_english(out), (name, help_english(out))
        # (a long usage line of options is argparse's, in English as well)
        wide = [line for line in out.splitlines() if cell_len(line) > 80 and CJK.search(line)]
        assert not wide, (name, wide)
    project = "项目" if lang == "zh-Hans" else "專案"
    assert project in done["help"][1] and "COMMAND" in done["help"][1]
    rc, out, err = done["missing"]
    assert rc == 2 and not out and err.startswith("用法：coder sources")
    assert (
        err.splitlines()[-1]
        == f"coder sources：{'错误' if lang == 'zh-Hans' else '錯誤'}：{required}：project"
    )
    for name in ("bad choice", "unknown option", "bad number"):
        rc, out, err = done[name]
        last = err.splitlines()[-1]
        assert rc == 2 and CJK.search(last.partition("：")[2]), (name, err)
        assert not help_english(re.sub(r"'[^']*'|\S*-\S*", "", last.partition("：")[2])), last
    assert "'nonsense'" in done["bad choice"][2] and "--nonsense" in done["unknown option"][2]
    # English stays argparse's own
    rc, out, err = cli_record.record(work, "en", [("m", ["sources"])])["m"]
    assert (
        err.splitlines()[-1]
        == "coder sources: error: the following arguments are required: project"
    )


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({}, "coder: --ui-lang fr: not one of en, zh-Hans, zh-Hant; nothing was done\n"),
        (
            {"CODER_LANG": "zh-Hans"},
            "coder: --ui-lang fr：不是 en, zh-Hans, zh-Hant 之一；未执行任何操作\n",
        ),
        (
            {"CODER_LANG": "zh-Hant"},
            "coder: --ui-lang fr：不是 en, zh-Hans, zh-Hant 之一；未執行任何動作\n",
        ),
    ],
)
def test_an_unknown_ui_lang_is_said_in_the_language_chosen_without_it(
    work: Path, env: dict[str, str], said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--ui-lang fr``: one line, in the language the variable (or preference, locale) gives."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for argv in (["--ui-lang", "fr", "sources", "{demo}"], ["--ui-lang=fr", "--help"]):
        rc, out, err = cli_record.record(work, None, [("x", argv)])["x"]
        assert (rc, out, err) == (1, "", said)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_media_and_preference_errors_speak_the_language(
    work: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """coder.media and coder.prefs may not import coder.i18n (the layers): their messages go
    through coder.errors.localised, which the catalogs translate all the same."""
    from coder import prefs

    cases = [
        ("no file", ["media", "{copy}", "S1-01", "{work}/no-such.mp3"]),
        ("no recording", ["play", "{demo}", "S1-01"]),
    ]
    done = cli_record.record(work, lang, cases)
    for name, (rc, out, err) in done.items():
        assert rc == 1 and not out and err.startswith("coder: "), (name, err)
        assert CJK.search(err) and not english_left(
            err, ["S1-01", "PROJECT", "FILE", "media", "no-such"], work
        ), (name, err)
    assert "coder media PROJECT S1-01 FILE" in done["no recording"][2]
    # a settings file that cannot be read: said when the number keys are loaded
    bad = tmp = work / "config"
    monkeypatch.setattr(prefs, "keys_file", lambda: bad / "keys.json")
    tmp.mkdir()
    (bad / "keys.json").write_text("{not json", encoding="utf-8")
    i18n.activate(lang)
    try:
        with pytest.raises(i18n.errors.InvalidInput) as caught:
            prefs.load_slots("p", "c")
    finally:
        i18n.activate("en")
    assert ("数字键" if lang == "zh-Hans" else "數字鍵") in str(caught.value)
    with pytest.raises(i18n.errors.InvalidInput, match="not readable as the number-key"):
        prefs.load_slots("p", "c")


#: The REFI-QDA round trip and the merge: their reports list what was not kept and each item.
REPORTS = [
    ("export", ["export", "{demo}", "-o", "{work}/demo.qdpx"]),
    ("import", ["import", "{copy}", "{work}/demo.qdpx"]),
    ("import json", ["import", "{copy}", "{work}/demo.qdpx", "--json"]),
    ("merge", ["merge", "{copy}", "{demo}"]),
    ("merge json", ["merge", "{copy}", "{demo}", "--json"]),
]


def test_the_refi_and_merge_reports_keep_their_json_and_speak_the_language(work: Path) -> None:
    """The "not kept" lines and the merge's item lines are said in the language; their --json
    (which holds the same reasons, in English) is byte-identical in en, zh-Hans and zh-Hant."""
    said = {lang: cli_record.record(work, lang, REPORTS) for lang in i18n.LANGUAGES}
    for name in ("import json", "merge json"):
        out = said["en"][name][1]
        assert said["en"][name][0] == 0 and json.loads(out)
        assert said["zh-Hans"][name][1] == out == said["zh-Hant"][name][1], name
    (report,) = json.loads(said["en"]["import json"][1])  # one report per file
    assert any("GUID" in d["why"] for d in report["dropped"])  # English, as before
    merged = json.loads(said["en"]["merge json"][1])
    assert any(i["reason"] == "already here" for i in merged["items"])
    en_lines = said["en"]["import"][1] + said["en"]["merge"][1]
    assert (
        "— already here" in en_lines and "not kept: 2 notes — a memo with the same GUID" in en_lines
    )
    for lang in ("zh-Hans", "zh-Hant"):
        for name in ("import", "merge"):
            rc, out, err = said[lang][name]
            assert rc == 0 and CJK.search(out), (lang, name, out)
            lines = [line for line in out.splitlines()[1:] if " — " in line]
            assert len(lines) >= (3 if name == "import" else 3), (lang, name, out)
            # what a line names is data; why it was not kept, the action and the kind are not
            told = [line.split(" — ", 1)[1] for line in lines]
            told += [" ".join(line.split()[:2]) for line in lines if name == "merge"]
            left = {t: english_left(t, ["GUID", "XML", "REFI", "QDA"], work) for t in told}
            left = {t: words for t, words in left.items() if words}
            assert not left, (lang, name, left)
    assert "略過" in said["zh-Hant"]["merge"][1] and "跳过" in said["zh-Hans"]["merge"][1]


@pytest.mark.parametrize(
    ("lang", "notes"),
    [
        ("en", ["no set named 'nosuch'", "age>old: not a number; ignored"]),
        ("zh-Hans", ["没有名为 'nosuch' 的资料集", "age>old：不是数字；已忽略"]),
        ("zh-Hant", ["沒有名為 'nosuch' 的資料集", "age>old：不是數字；已忽略"]),
    ],
)
def test_the_source_filters_notes_speak_the_language(lang: str, notes: list[str]) -> None:
    from coder.facade.views import SourceFilter, SourceRow

    rows = [SourceRow(1, "S1", "", {"age": "40"}, "s1 40"), SourceRow(2, "S2", "", {}, "s2")]
    i18n.activate(lang)
    try:
        found = SourceFilter(rows, types={"age": "number"}, sets=dict, coded=set)
        assert found.apply("set:nosuch age>old") == rows
    finally:
        i18n.activate("en")
    assert found.notes == notes


def test_too_little_uncoded_text_names_its_unit_in_the_language(work: Path) -> None:
    """The unit in "too little uncoded text" was the English option value, pluralised by "s"."""
    argv = [("d", ["discover", "{new}", "--unit", "turn"])]
    said = {lang: cli_record.record(work, lang, argv)["d"] for lang in i18n.LANGUAGES}
    assert said["en"] == (
        1,
        "",
        "coder: too little uncoded text (0 turns with words) to find 8 candidates; "
        "nothing was changed\n",
    )
    assert "有词的发言段只有 0 个" in said["zh-Hans"][2]
    assert "有詞的發言段只有 0 個" in said["zh-Hant"][2]


def test_the_ui_lang_is_read_before_the_parser_is_built() -> None:
    """Every spelling argparse accepts, and never a value of another option or the command's."""
    from coder.cli.main import ui_lang_of

    assert ui_lang_of(["--ui-lang", "zh-Hant", "sources", "p"]) == "zh-Hant"
    assert ui_lang_of(["--ui-lang=zh-Hans", "--help"]) == "zh-Hans"
    assert ui_lang_of(["--ui", "en", "sources"]) == "en"  # argparse's abbreviation
    assert ui_lang_of(["--coder", "--ui-lang", "sources"]) is None  # a coder named --ui-lang
    assert ui_lang_of(["sources", "--ui-lang", "zh-Hans"]) is None  # after the command: not ours
    assert ui_lang_of(["-h"]) is None and ui_lang_of([]) is None
