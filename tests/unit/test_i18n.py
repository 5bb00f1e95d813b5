"""The interface language: catalogs complete for every message (TUI, CLI, domain errors) (extracted afresh, compared),
compiled catalogs up to date, English for a message a catalog lacks, the order of the choices,
`--json` unchanged by the language, and the 80-column main screen in Chinese."""

from __future__ import annotations

import gettext
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from coder import i18n
from coder.cli import main
from coder.model import CODE_FIELDS
from coder.prefs import save_ui_lang

ROOT = Path(__file__).resolve().parents[2]
TUI = ROOT / "coder" / "tui"
FIELD = re.compile(r"\{(\w*)(?:![rsa])?(?::[^{}]*)?\}")


def fields(message: str) -> set[str]:
    """The format fields of a message ({{ and }} are literal braces)."""
    return set(FIELD.findall(message.replace("{{", "").replace("}}", "")))


KEYWORDS = {"_": None, "pgettext": ((1, "c"), 2), "N_": None, "localised": None, "Msg": None}
PERCENT = re.compile(r"%(?:\(\w+\))?[srd%]")


def messages(folder: Path = ROOT / "coder") -> set[tuple[str | None, str]]:
    """Every (context, message) wrapped in _() or pgettext() in the package (the TUI, the CLI and
    the domain's errors), extracted by Babel now (not from coder.pot)."""
    found = {
        (m[4], m[2])
        for m in extract_from_dir(str(folder), keywords=KEYWORDS)
        if isinstance(m[2], str)
    }
    # the code fields' headings are shown as _(field.heading), which Babel cannot read, and the
    # command line's help texts are translated when help is printed (cli.base.HelpFormatter)
    return found | {(None, f.heading) for f in CODE_FIELDS} | help_texts()


def help_texts() -> set[tuple[str | None, str]]:
    """Every help text, description and section title of the whole parser."""
    from coder.cli.base import help_texts as texts
    from coder.cli.main import build_parser

    return {(None, text) for text in texts(build_parser())}


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant"])
def test_every_message_has_a_translation(lang: str) -> None:
    po = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "coder.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    translated = {(m.context, m.id): m.string for m in catalog if m.id and m.string and not m.fuzzy}
    wanted = messages()
    assert len(messages(TUI)) > 100 and len(wanted - messages(TUI)) > 400
    missing = sorted(wanted - set(translated), key=str)
    assert not missing, (
        f"{lang}: no translation for {missing} (python -m coder.i18n, then translate)"
    )
    differ = [m for m in wanted if fields(m[1]) != fields(translated[m])]
    assert not differ, f"{lang}: the {{fields}} differ from the English in {differ}"
    # argparse's words and the help fill in %(name)s and keep %% as they are
    percent = [
        m
        for m in wanted
        if "%" in m[1] and sorted(PERCENT.findall(m[1])) != sorted(PERCENT.findall(translated[m]))
    ]
    assert not percent, f"{lang}: the %-fields differ from the English in {percent}"
    assert len(help_texts()) > 140
    # the compiled catalog says the same as the .po (committed .mo files are not stale)
    with (po.with_suffix(".mo")).open("rb") as f:
        compiled = gettext.GNUTranslations(f)

    def said(ctx: str | None, message: str) -> str:
        return compiled.pgettext(ctx, message) if ctx else compiled.gettext(message)

    stale = [m for m in wanted if said(*m) != translated[m]]
    assert not stale, f"{lang}: coder.mo is older than coder.po for {stale[:5]}"


def test_traditional_is_not_only_converted_characters() -> None:
    """Taiwan usage where the words differ (逐字稿, 復原, 重新整理), not the mainland words."""
    i18n.activate("zh-Hant")
    try:
        assert i18n._("Undo") == "復原" and i18n._("Refresh") == "重新整理"
        assert i18n._("transcript") == "逐字稿" and i18n._("Help") == "說明"
        assert i18n._("Codebook") == "編碼簿"
    finally:
        i18n.activate("en")
    i18n.activate("zh-Hans")
    try:
        assert i18n._("Undo") == "撤销" and i18n._("Core category") == "核心范畴"
    finally:
        i18n.activate("en")


def test_a_missing_translation_falls_back_to_english() -> None:
    i18n.activate("zh-Hans")
    try:
        assert i18n._("a message no catalog has") == "a message no catalog has"
        assert i18n._("Quit") == "退出"
    finally:
        i18n.activate("en")
    assert i18n._("Quit") == "Quit"


def test_the_language_is_chosen_option_then_variable_then_preference_then_locale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("CODER_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert i18n.choose() == "en"
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    assert i18n.choose() == "zh-Hant"
    save_ui_lang("zh-Hans")  # conftest's XDG_CONFIG_HOME: the test's own folder
    assert i18n.choose() == "zh-Hans"
    monkeypatch.setenv("CODER_LANG", "en")
    assert i18n.choose() == "en"
    assert i18n.choose("zh-Hant") == "zh-Hant"
    from coder.errors import InvalidInput

    with pytest.raises(InvalidInput, match="--ui-lang fr"):
        i18n.choose("fr")


def test_json_output_is_byte_identical_across_interface_languages(demo_copy: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    commands = [
        ["codings", str(demo_copy), "--code", "a09", "--json"],
        ["codebook", str(demo_copy), "show", "--json"],
        ["sources", str(demo_copy), "--json"],
        ["stats", str(demo_copy), "frequencies", "--json"],
        ["log", str(demo_copy), "--json"],
    ]
    try:
        for command in commands:
            outputs = []
            for lang in ("en", "zh-Hans", "zh-Hant"):
                assert main(["--ui-lang", lang, *command]) == 0
                outputs.append(capsys.readouterr().out.encode())
            assert outputs[0] == outputs[1] == outputs[2], command
            json.loads(outputs[0])
    finally:
        i18n.activate("en")
        os.environ.pop("CODER_LANG", None)


LAYOUT = r"""
import asyncio, json, sys
from coder import i18n
i18n.activate(sys.argv[2])
from rich.cells import cell_len
from coder.tui.app import make_app
from textual.widgets import Footer, Static

async def go():
    app = make_app(sys.argv[1], coder="tester", nlp=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause(0.3)  # the footer's keys laid out (a loaded machine is slower)
        cut = []
        shown = [t for t in app.screen.query(".pane-title") if t.region.width > 0]
        for title in shown:  # at 80 columns the sources pane is folded away (ctrl+o shows it)
            text = str(title.render())
            if cell_len(text) > title.content_region.width:
                cut.append(text)
        footer = app.screen.query_one(Footer)
        keys = [(k.description, k.region.width, k.region.right) for k in footer.query("FooterKey")]
        app.save_screenshot(sys.argv[3])
        print(json.dumps({"cut": cut, "titles": [str(t.render()) for t in shown],
                          "footer": keys, "width": footer.region.width,
                          "visible": [d for d, w, r in keys if w > 0 and r <= 80]}))
asyncio.run(go())
"""


def layout(demo: Path, lang: str, shot: Path) -> dict:
    # A process of its own: the key names are read when the TUI's modules are imported.
    done = subprocess.run(
        [sys.executable, "-c", LAYOUT, str(demo), lang, str(shot)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_main_screen_holds_at_80_columns_in_chinese(demo_copy: Path, tmp_path: Path) -> None:
    english = layout(demo_copy, "en", tmp_path / "main-en.svg")
    for lang, title in (("zh-Hans", "编码"), ("zh-Hant", "編碼")):
        seen = layout(demo_copy, lang, tmp_path / f"main-{lang}.svg")
        assert not seen["cut"] and seen["titles"] == [title]
        footer = [d for d, w, _r in seen["footer"] if w > 0]
        assert footer and all(not d.isascii() for d in footer), footer  # no English key word
        # the footer shows what fits in 80 columns: Chinese words fit at least as many keys
        assert len(seen["visible"]) >= len(english["visible"]), (seen["visible"], english)


async def test_the_palette_keeps_the_interface_language_as_a_preference(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CODER_LANG", raising=False)
    from coder.prefs import load_ui_lang
    from coder.tui.app import make_app

    app = make_app(demo_copy, coder="tester", nlp=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Interface language: 繁體中文" in titles
        before = app.project.change_token()
        app.set_ui_lang("zh-Hant")
        await pilot.pause()
        assert load_ui_lang() == "zh-Hant" and i18n.choose() == "zh-Hant"
        assert app.project.change_token() == before  # not a change to the project: no undo step
