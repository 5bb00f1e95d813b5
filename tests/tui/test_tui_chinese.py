"""The workbench in Simplified and Traditional Chinese: the main screen, the help, the codebook and
every tab of the statistics show no English interface text — only the project's own words (code
names, transcripts, the title), key names and the program's name — and match their text snapshots.

Each language runs in a process of its own: the key descriptions are translated when the TUI's
modules are imported. ``CODER_UPDATE_SNAPSHOTS=1`` rewrites the snapshots after a deliberate change.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coder.project import Project

ROOT = Path(__file__).resolve().parents[2]
# not in __snapshots__/: syrupy would take these text files for unused snapshots of its own
SNAPSHOTS = Path(__file__).parent / "chinese_screens"

#: What both screen scripts begin with: the language set before the TUI is imported (argv: the
#: project, the language), and the screen's text as a terminal shows it.
PRELUDE = r"""
import asyncio, io, json, sys
from coder import i18n
i18n.activate(sys.argv[2])
from rich.console import Console
from coder.tui.app import make_app


def text_of(app):
    w, h = app.size
    console = Console(width=w, height=h, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text()
"""

SCREENS = (
    PRELUDE
    + r"""
from coder.tui.screens.help import binding_rows


async def go():
    app = make_app(sys.argv[1], coder="tester", nlp=False)
    out = {}
    async with app.run_test(size=(120, 40)) as pilot:
        async def settle():
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause(0.3)
        await settle()
        out["main"] = text_of(app)
        # every key of the main screen, also those the help must scroll to
        out["keys"] = "\n".join(desc for _keys, desc, _where in binding_rows(app.screen))
        await pilot.press("question_mark")
        await settle()
        out["help"] = text_of(app)
        await pilot.press("escape")
        await pilot.press("f2")
        await settle()
        out["codebook"] = text_of(app)
        await pilot.press("escape")
        await pilot.press("f6")
        await settle()
        out["statistics"] = text_of(app)
        for pane in [p.id for p in app.screen.query("TabPane")][1:]:
            app.screen.query_one("TabbedContent").active = pane
            await settle()
            out[f"statistics-{pane}"] = text_of(app)
    app.project.close()
    print(json.dumps(out, ensure_ascii=False))


asyncio.run(go())
"""
)

MORE = (
    PRELUDE
    + r"""


async def go():
    app = make_app(sys.argv[1], coder="tester", nlp=False)
    out = {}
    said = []  # the toasts, as they were asked for (the render shows them only a while)
    notify = app.notify

    def record(message, *args, **kwargs):
        said.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = record
    async with app.run_test(size=(120, 40)) as pilot:
        async def settle(t=0.3, wait=True):
            await pilot.pause()
            if not wait:
                await pilot.pause(t)
                return
            try:
                await asyncio.wait_for(app.workers.wait_for_complete(
                    [x for x in app.workers if x.group not in ('memo', 'resolve', 'query-dialog')]), 10)
            except (asyncio.TimeoutError, Exception):
                pass  # a worker waits on the dialog shown, or was cancelled
            await pilot.pause()
            await pilot.pause(t)

        async def press(*keys):
            for k in keys:
                await pilot.press(k)
            await settle()

        async def shot(name, *keys, t=0.3, wait=True):
            app.clear_notifications()  # a toast shows in the shot of the key that made it
            for k in keys:
                await pilot.press(k)
            await settle(t, wait)
            out[name] = text_of(app)

        await settle()
        await shot("compare", "f3")
        await shot("compare-picker", "b")
        await shot("compare-two", "down", "enter")
        await shot("compare-filter", "f")  # the coder filter, and a toast naming it
        await shot("memo", "m", wait=False)
        await shot("memo-confirm", "x", "escape", wait=False)
        await press("y", "escape", "escape")
        await shot("network", "f4")
        await press("escape")
        await shot("review", "f7")
        await press("f", "f")  # toasts: the resolved hidden, shown again
        await shot("review-coders", "c")
        await shot("resolution", "escape", "1", wait=False)
        await press("escape", "escape")
        await shot("query-empty", "f8")
        label = app.project.codes()[0].label
        await shot("query", *label, "enter")
        await shot("query-save", "ctrl+s", wait=False)
        await shot("query-saved", "escape", "ctrl+l")
        await shot("query-code-all", "ctrl+g", wait=False)
        await press("escape", "escape")
        await pilot.press("E")
        await settle()
        app.screen.query_one("#export-path").value = "demo.docx"  # not the test's folder
        await shot("export")
        await shot("search", "escape", "slash")
        app.screen.query_one("#search-input").value = "会商"
        await shot("search-hits", "enter")
        await shot("check", "escape", "K")
        await shot("discover", "escape", "D", t=0.5)
        await pilot.press("escape")
    out["toasts"] = "\n".join(said)
    app.project.close()
    print(json.dumps(out, ensure_ascii=False))


asyncio.run(go())
"""
)

#: Not interface text: key names (never translated), the program's name, and two proper names
#: that stay in Latin letters in Chinese writing (Guest et al.'s stopping rule, Jaccard's index).
ALLOWED = {
    *"tab shift ctrl super alt esc enter del home end pgup pgdn space".split(),
    "coder",
    "Guest",
    "Jaccard",
}
WORD = re.compile(r"[A-Za-z][A-Za-z']+")


def project_words(path: Path) -> set[str]:
    """Every Latin word the project itself holds: titles, coders, codes, sources and their texts."""
    project = Project.open(path, coder="tester")
    try:
        text = [project.title, "tester"]
        text += [
            f"{c.label} {c.name} {c.name_en} {c.definition} {c.example}" for c in project.codes()
        ]
        for source in project.sources():
            text += [source.name, project.source_text(source.id)]
    finally:
        project.close()
    return set(WORD.findall(" ".join(text)))


def steady(text: str) -> str:
    """The screen's text without the tabs' underline, which slides when a tab is chosen."""
    return "".join(
        line for line in text.splitlines(keepends=True) if set(line.strip()) - set("━╸╺")
    )


def screens(demo: Path, lang: str, script: str = SCREENS) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", script, str(demo), lang],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_the_chinese_workbench_shows_no_english(demo_copy: Path, lang: str) -> None:
    shown = screens(demo_copy, lang)
    assert {"main", "keys", "help", "codebook", "statistics"} <= set(shown)
    assert len([k for k in shown if k.startswith("statistics-")]) == 3  # the other three tabs
    ours = project_words(demo_copy) | ALLOWED
    english = {screen: sorted(set(WORD.findall(text)) - ours) for screen, text in shown.items()}
    english = {screen: words for screen, words in english.items() if words}
    assert not english, f"{lang}: English interface text on {english}"
    # the screens are the program's, not empty: the method's terms are there
    terms = {
        "zh-Hans": ("编码本", "理论饱和度", "范式模型"),
        "zh-Hant": ("編碼簿", "理論飽和度", "典範模型"),
    }
    joined = "\n".join(shown.values())
    assert all(term in joined for term in terms[lang]), terms[lang]
    assert_snapshots(shown, lang)


def assert_snapshots(shown: dict[str, str], lang: str) -> None:
    changed = []
    for screen, text in shown.items():
        text = steady(text)
        stored = SNAPSHOTS / f"{lang}-{screen}.txt"
        if os.environ.get("CODER_UPDATE_SNAPSHOTS"):
            SNAPSHOTS.mkdir(parents=True, exist_ok=True)
            stored.write_text(text, encoding="utf-8")
        elif not stored.exists() or stored.read_text(encoding="utf-8") != text:
            changed.append(stored.name)
    assert not changed, f"differs from its snapshot (CODER_UPDATE_SNAPSHOTS=1 rewrites): {changed}"


def test_the_check_finds_english_where_it_is(demo_copy: Path) -> None:
    """The same check on the English interface finds the interface's words (it can fail)."""
    shown = screens(demo_copy, "en")
    ours = project_words(demo_copy) | ALLOWED
    found = set().union(*(set(WORD.findall(t)) - ours for t in shown.values()))
    assert {"Statistics", "Saturation", "Codebook", "filter"} <= found


#: Not interface text on the other screens either: the query grammar's keywords and the where
#: line's example attributes, the regular-expression prefix of the search, file suffixes and
#: format names, a command named in a hint, the consensus coder's name (the project's data).
MORE_ALLOWED = {
    *"AND OR NOT NEAR IN role date re".split(),
    *"docx xlsx md tex csv svg png qdpx qdc REFI QDA yaml txt MAXQDA demo".split(),
    "suggest",
    "apply",
    "consensus",
}


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_the_other_screens_and_dialogs_show_no_english(demo_copy: Path, lang: str) -> None:
    """Comparison (F3) and its code picker, the memo editor and its question, the network (F4),
    the disagreement review (F7) with its chooser and resolution memo, the query (F8) with its
    prompts, the export and search dialogs, the check (K) and discovery (D) screens."""
    shown = screens(demo_copy, lang, MORE)
    assert {"compare", "network", "review", "query", "export", "search-hits", "check"} <= set(shown)
    ours = project_words(demo_copy) | ALLOWED | MORE_ALLOWED
    english = {screen: sorted(set(WORD.findall(text)) - ours) for screen, text in shown.items()}
    english = {screen: words for screen, words in english.items() if words}
    assert not english, f"{lang}: English interface text on {english}"
    terms = {
        "zh-Hans": ("持续比较", "概念网络", "分歧讨论", "编码查询", "导出到", "初始概念"),
        "zh-Hant": ("持續比較", "概念網絡", "分歧討論", "編碼查詢", "匯出至", "初始概念"),
    }
    joined = "\n".join(shown.values())
    assert all(term in joined for term in terms[lang]), terms[lang]
    assert_snapshots(shown, lang)


def test_the_other_screens_check_finds_english(demo_copy: Path) -> None:
    """In English the same check finds those screens' words (it can fail)."""
    shown = screens(demo_copy, "en", MORE)
    ours = project_words(demo_copy) | ALLOWED | MORE_ALLOWED
    found = set().union(*(set(WORD.findall(t)) - ours for t in shown.values()))
    assert {"Constant", "comparison", "Ties", "Evidence", "Disagreement", "Export"} <= found
