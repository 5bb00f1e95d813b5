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
from typing import Any

from coder import errors

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
    """The interface language by the order above; an ``option`` that names none of ours is an
    error, said in the language chosen without it."""
    if option:
        lang = normalise(option)
        if lang is None:
            raise _unknown(option)
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


def _unknown(option: str) -> Exception:
    """The error for ``--ui-lang OPTION`` that is not one of ours: the language the user would
    otherwise have becomes the interface language, and the message is said in it."""
    from coder.errors import InvalidInput

    activate(None)
    return InvalidInput(
        _("--ui-lang {option}: not one of {languages}; nothing was done").format(
            option=option, languages=", ".join(LANGUAGES)
        )
    )


def activate(lang: str | None = None) -> str:
    """Use ``lang`` (checked; default: :func:`choose`) from now on; returns it."""
    global _translation, _lang
    chosen = choose(lang)
    if chosen == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(
            DOMAIN, LOCALE_DIR, languages=[FOLDERS[chosen]], fallback=True
        )
    _lang = chosen
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


def N_(message: str) -> str:
    """``message`` as it is: marks it for the catalogs where it is translated later (argparse's
    own words, looked up when argparse says them)."""
    return message


errors.translate = _  # the layers below this one say their messages through it: errors.localised


def pgettext(context: str, message: str) -> str:
    """``message`` in the interface language, where ``context`` tells it apart from the same
    English elsewhere (the CLI's column "name" of a code, the login's "name" of a person)."""
    return _translation.pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


class Msg:
    """A message kept with its fields, to be said later: in English where it is kept for
    ``--json`` or the log (:meth:`english`), in the interface language where a person reads it
    (:meth:`said`). A field may be a :class:`Msg` (or a :class:`Word`) itself. The catalogs
    find the template by this class's name."""

    __slots__ = ("template", "fields")

    def __init__(self, template: str, /, **fields: Any) -> None:
        self.template = template
        self.fields = fields

    def english(self) -> str:
        with english():
            return self.said()

    def said(self) -> str:
        return _(self.template).format(
            **{k: v.said() if isinstance(v, Msg) else v for k, v in self.fields.items()}
        )

    def __str__(self) -> str:
        return self.english()

    def __repr__(self) -> str:
        return f"Msg({self.english()!r})"


class Word(Msg):
    """One word of the fixed vocabulary in a :class:`Msg`: ``pgettext(context, word)``."""

    __slots__ = ("context",)

    def __init__(self, context: str, word: str) -> None:
        super().__init__(word)
        self.context = context

    def said(self) -> str:
        return pgettext(self.context, self.template)


def in_english(text: str | Msg) -> str:
    """``text`` as it is kept (English); a plain string as it is."""
    return text.english() if isinstance(text, Msg) else text


def said(text: str | Msg) -> str:
    """``text`` as a person reads it in the interface language; a plain string as it is."""
    return text.said() if isinstance(text, Msg) else text


# The program's fixed vocabulary (option values kept in the data and the JSON) as people read it:
# one definition for the command line and the workbench. The workbench's English shows the
# Chinese method term beside the word (``term=True``: "causal 因果条件"); in Chinese the
# translation is the term itself.

#: The paradigm model's slots (the codes around a category): the English title the workbench
#: shows, and the Chinese method term.
SLOT_TITLES = {
    "causal": ("Causal conditions", "因果条件"),
    "context": ("Context", "脉络"),
    "intervening": ("Intervening conditions", "中介条件"),
    "strategies": ("Strategies", "行动/互动策略"),
    "consequences": ("Consequences", "结果"),
    "phenomena": ("Phenomena", "现象"),
    "other": ("Other", "其他"),
}
#: The Chinese method term of each paradigm role (Strauss & Corbin) and level of coding.
ROLE_TERMS = {
    "causal": "因果条件",
    "phenomenon": "现象",
    "context": "脉络",
    "intervening": "中介条件",
    "strategy": "行动/互动策略",
    "consequence": "结果",
}
LEVEL_TERMS = {"open": "初始概念", "axial": "范畴", "selective": "核心范畴"}


def _beside(english: str, said: str, term: str | None) -> str:
    """``said`` (the word in the interface language); with the Chinese ``term`` beside it when
    it is still the English word."""
    return f"{said} {term}" if term and said == english else said


def slot_word(slot: str, *, term: bool = False) -> str:
    """A slot of the paradigm model (the codes around a category) in the interface language;
    ``term``: as the workbench titles it ("Causal conditions 因果条件" in English)."""
    said = {
        "causal": pgettext("slot", "causal"),
        "context": pgettext("slot", "context"),
        "intervening": pgettext("slot", "intervening"),
        "strategies": pgettext("slot", "strategies"),
        "consequences": pgettext("slot", "consequences"),
        "phenomena": pgettext("slot", "phenomena"),
        "other": pgettext("slot", "other"),
    }
    word = said.get(slot, slot)
    if term and slot in SLOT_TITLES and word == slot:
        title, zh = SLOT_TITLES[slot]
        return f"{title} {zh}"
    return word


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


def level_word(level: str, *, term: bool = False) -> str:
    """A code's level (open, axial, selective) in the interface language; ``term``: with the
    Chinese method term beside it in English ("open 初始概念")."""
    said = {
        "open": pgettext("level", "open"),
        "axial": pgettext("level", "axial"),
        "selective": pgettext("level", "selective"),
    }
    word = said.get(level, level)
    return _beside(level, word, LEVEL_TERMS.get(level)) if term else word


def role_word(role: str, *, term: bool = False) -> str:
    """A category's paradigm role in the interface language; ``term``: with the Chinese method
    term beside it in English ("causal 因果条件")."""
    said = {
        "causal": pgettext("paradigm", "causal"),
        "phenomenon": pgettext("paradigm", "phenomenon"),
        "context": pgettext("paradigm", "context"),
        "intervening": pgettext("paradigm", "intervening"),
        "strategy": pgettext("paradigm", "strategy"),
        "consequence": pgettext("paradigm", "consequence"),
    }
    word = said.get(role, role)
    return _beside(role, word, ROLE_TERMS.get(role)) if term else word


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
            "-k",
            "N_",
            "-k",
            "localised",
            "-k",
            "Msg",
            "-o",
            str(pot),
            str(Path(__file__).parent),
        ],
        check=True,
    )
    _add_field_headings(pot)
    # the command line's help texts, from its parser (a layer above this one: in a process of
    # its own, as the extractor is)
    subprocess.run([sys.executable, "-m", "coder.cli.base", str(pot)], check=True)
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
