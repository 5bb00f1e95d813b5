"""The interface language: English, Simplified Chinese (mainland usage) or Traditional Chinese
(written for Taiwan readers), through gettext catalogs in ``coder/locale/``.

Chosen, first that applies: the global ``--ui-lang`` option, ``$CODER_LANG``, the user's preference
(``coder/settings.json`` in the configuration folder, outside every project and its undo history),
the system locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English. A message the catalog
lacks is shown in English. Machine-readable output (``--json``) never goes through here.

Catalogs: ``coder/locale/LANG/LC_MESSAGES/coder.po`` (sources, edited by hand) and the compiled
``coder.mo`` beside them, committed so that a fresh clone works without a build step;
``tests/unit/test_i18n.py`` fails when a ``.mo`` is older than its ``.po`` or a message lacks a
translation. Re-extract and compile with ``python -m coder.i18n`` (Babel).
"""

from __future__ import annotations

import contextlib
import gettext
import os
from collections.abc import Iterator
from pathlib import Path

LANGUAGES = ("en", "zh-Hans", "zh-Hant")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "coder"
#: gettext's folder name of each language.
FOLDERS = {"zh-Hans": "zh_Hans", "zh-Hant": "zh_Hant"}

_translation: gettext.NullTranslations = gettext.NullTranslations()
_lang = "en"


def normalise(value: str | None) -> str | None:
    """A language tag or locale name as one of LANGUAGES (None: not one of ours)."""
    if not value:
        return None
    v = value.strip().split(".")[0].split("@")[0].replace("_", "-").lower()
    if v in ("en", "c", "posix") or v.startswith("en-"):
        return "en"
    if v in ("zh-hant", "zh-tw", "zh-hk", "zh-mo") or v.startswith("zh-hant"):
        return "zh-Hant"
    if v in ("zh", "zh-hans", "zh-cn", "zh-sg") or v.startswith("zh-hans"):
        return "zh-Hans"
    return None


def choose(option: str | None = None) -> str:
    """The interface language by the order above."""
    from coder.errors import InvalidInput

    if option:
        lang = normalise(option)
        if lang is None:
            raise InvalidInput(
                f"--ui-lang {option}: not one of {', '.join(LANGUAGES)}; nothing was done"
            )
        return lang
    lang = normalise(os.environ.get("CODER_LANG"))
    if lang:
        return lang
    from coder.prefs import load_ui_lang

    lang = normalise(load_ui_lang())
    if lang:
        return lang
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return normalise(value) or "en"
    return "en"


def activate(lang: str | None = None) -> str:
    """Use ``lang`` (checked; default: :func:`choose`) from now on; returns it."""
    global _translation, _lang
    _lang = choose(lang)
    if _lang == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(
            DOMAIN, LOCALE_DIR, languages=[FOLDERS[_lang]], fallback=True
        )
    return _lang


@contextlib.contextmanager
def english() -> Iterator[None]:
    """Messages made inside are English, whatever the interface language: for the texts a report
    keeps for ``--json`` (an error's reason in a merge or REFI-QDA report), which must not change
    with the language."""
    global _translation
    saved = _translation
    _translation = gettext.NullTranslations()
    try:
        yield
    finally:
        _translation = saved


def current() -> str:
    return _lang


def _(message: str) -> str:
    """``message`` in the interface language (English when the catalog lacks it)."""
    return _translation.gettext(message) if message else message


def pgettext(context: str, message: str) -> str:
    """``message`` in the interface language, where ``context`` tells it apart from the same
    English elsewhere (the CLI's column "name" of a code, the login's "name" of a person)."""
    return _translation.pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


# The program's fixed vocabulary (option values kept in the data and the JSON) as people read it.


def slot_word(slot: str) -> str:
    """A slot of the paradigm model (the codes around a category) in the interface language."""
    said = {
        "causal": pgettext("slot", "causal"),
        "context": pgettext("slot", "context"),
        "intervening": pgettext("slot", "intervening"),
        "strategies": pgettext("slot", "strategies"),
        "consequences": pgettext("slot", "consequences"),
        "phenomena": pgettext("slot", "phenomena"),
        "other": pgettext("slot", "other"),
    }
    return said.get(slot, slot)


def unit_word(unit: str) -> str:
    """A unit of analysis (an option's value) as a person reads it in the interface language."""
    said = {
        "char": pgettext("unit", "char"),
        "segment": pgettext("unit", "segment"),
        "sentence": pgettext("unit", "sentence"),
        "turn": pgettext("unit", "turn"),
        "source": pgettext("unit", "source"),
        "match": pgettext("unit", "match"),
    }
    return said.get(unit, unit)


def units_word(unit: str) -> str:
    """The unit's plural in running text ("45 segments"; "characters" for char)."""
    said = {
        "char": pgettext("units", "characters"),
        "segment": pgettext("units", "segments"),
        "sentence": pgettext("units", "sentences"),
        "turn": pgettext("units", "turns"),
        "source": pgettext("units", "sources"),
    }
    return said.get(unit, f"{unit}s")


def level_word(level: str) -> str:
    """A code's level (open, axial, selective) in the interface language."""
    said = {
        "open": pgettext("level", "open"),
        "axial": pgettext("level", "axial"),
        "selective": pgettext("level", "selective"),
    }
    return said.get(level, level)


def role_word(role: str) -> str:
    """A category's paradigm role in the interface language."""
    said = {
        "causal": pgettext("paradigm", "causal"),
        "phenomenon": pgettext("paradigm", "phenomenon"),
        "context": pgettext("paradigm", "context"),
        "intervening": pgettext("paradigm", "intervening"),
        "strategy": pgettext("paradigm", "strategy"),
        "consequence": pgettext("paradigm", "consequence"),
    }
    return said.get(role, role)


def build() -> None:  # pragma: no cover - a maintainer's tool
    """Extract the messages of the whole package (TUI, CLI, domain) into coder.pot, update each .po, compile each .mo (Babel)."""
    import subprocess
    import sys

    pot = LOCALE_DIR / "coder.pot"
    run = [sys.executable, "-m", "babel.messages.frontend"]
    subprocess.run(
        [
            *run,
            "extract",
            "--no-location",
            "--sort-output",
            "-k",
            "_",
            "-k",
            "pgettext:1c,2",
            "-o",
            str(pot),
            str(Path(__file__).parent),
        ],
        check=True,
    )
    _add_field_headings(pot)
    for lang in FOLDERS.values():
        po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        verb = "update" if po.exists() else "init"
        subprocess.run(
            [
                *run,
                verb,
                "-D",
                DOMAIN,
                "-i",
                str(pot),
                "-d",
                str(LOCALE_DIR),
                "-l",
                lang,
                *(["--no-fuzzy-matching"] if verb == "update" else []),
            ],
            check=True,
        )
    subprocess.run([*run, "compile", "-D", DOMAIN, "-d", str(LOCALE_DIR)], check=True)


def _add_field_headings(pot: Path) -> None:  # pragma: no cover - part of build()
    """The code fields' headings (coder.model.CODE_FIELDS) are translated where the TUI shows
    them, ``_(field.heading)``, which no extractor can read: add them to the template."""
    from babel.messages.pofile import read_po, write_po

    from coder.model import CODE_FIELDS

    with pot.open("rb") as f:
        catalog = read_po(f)
    for field in CODE_FIELDS:
        if field.heading not in catalog:
            catalog.add(field.heading)
    with pot.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, sort_output=True)


if __name__ == "__main__":  # pragma: no cover
    build()
