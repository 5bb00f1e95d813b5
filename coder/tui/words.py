"""Words the workbench shows: counts with their plural, and places named as a user knows them
(the help's "in" column, the command palette), never class names."""

from __future__ import annotations

import re

from coder.i18n import SLOT_TITLES as I18N_SLOTS
from coder.i18n import _, level_word, role_word, slot_word, unit_word
from coder.model import LEVELS as MODEL_LEVELS
from coder.model import PARADIGM_ROLES

#: Where a key works, in the words of the screens' titles.
PLACES = {
    "CoderApp": _("everywhere"),
    "MainScreen": _("main screen"),
    "TranscriptView": _("transcript"),
    "CodeTree": _("code tree"),
    "Tree": _("code tree"),
    "CodebookScreen": _("codebook (F2)"),
    "CompareScreen": _("comparison (F3)"),
    "NetworkScreen": _("network (F4)"),
    "StatsScreen": _("statistics (F6)"),
    "ReviewScreen": _("disagreements (F7)"),
    "QueryScreen": _("query (F8)"),
    "CheckScreen": _("check of machine codings (K)"),
    "DiscoverScreen": _("discovery (D)"),
    "HelpScreen": _("help"),
    "Input": _("text box"),
    "TextArea": _("text box"),
    "OptionList": _("list"),
    "DataTable": _("table"),
}


#: The paradigm model's roles (Strauss & Corbin), the levels of coding, the paradigm's slots and
#: the co-occurrence units, for people: the English name with the Chinese method term beside it;
#: in Chinese, the term alone. The words are coder.i18n's, which the command line says too.
ROLES = {role: role_word(role, term=True) for role in PARADIGM_ROLES}
LEVELS = {level: level_word(level, term=True) for level in MODEL_LEVELS}
SLOT_TITLES = {slot: slot_word(slot, term=True) for slot in I18N_SLOTS}
UNIT_NAMES = {unit: unit_word(unit) for unit in ("turn", "segment", "source", "sentence")}


def count(n: int, one: str, many: str) -> str:
    """``n`` in a message that names it: ``count(n, _("{n} coding"), _("{n} codings"))``. Both
    forms are catalog messages (Chinese has no plural, so they translate alike)."""
    return (one if n == 1 else many).format(n=f"{n:,}")


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 coding``, ``2 codings``; ``many`` for an irregular plural."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def chars(n: int) -> str:
    """``1 char``, ``13 chars`` in the interface language (Chinese has no plural)."""
    return _("1 char") if n == 1 else _("{n} chars").format(n=f"{n:,}")


def place(node: object) -> str:
    """A widget's or screen's name for people: ``TranscriptView`` → ``transcript``."""
    name = type(node).__name__
    if name in PLACES:
        return PLACES[name]
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Screen")).lower()


def textual_messages() -> None:  # pragma: no cover - never called: marks messages for the catalogs
    """The descriptions of Textual's own key bindings that the help screen and the palette show
    (they pass every description through ``_``; ours are translated already, a translation of a
    translation finds nothing and stays as it is)."""
    for _message in (
        _("Focus Next"),
        _("Focus Previous"),
        _("Quit"),
        _("Page Up"),
        _("Page Down"),
        _("Page Left"),
        _("Page Right"),
        _("Scroll Up"),
        _("Scroll Down"),
        _("Scroll Left"),
        _("Scroll Right"),
        _("Scroll Home"),
        _("Scroll End"),
        _("Copy selected text"),
        _("Cut selected text"),
        _("Paste text from the clipboard"),
        _("Select all"),
        _("Select line start"),
        _("Select line end"),
        _("Move cursor left"),
        _("Move cursor left a word"),
        _("Cursor left"),
        _("Cursor right"),
        _("Cursor up"),
        _("Cursor down"),
        _("Cursor Up"),
        _("Cursor Down"),
        _("Cursor to parent"),
        _("Go to start"),
        _("Go to end"),
        _("Delete character left"),
        _("Delete character right"),
        _("Delete all to the right"),
        _("Submit"),
        _("Select"),
        _("Toggle"),
        _("Show menu"),
        _("First"),
        _("Last"),
        _("Top"),
        _("Bottom"),
        _("Home"),
        _("End"),
        _("Up"),
        _("Down"),
        _("Next page"),
        _("Previous page"),
        _("Page up"),
        _("Page down"),
        _("Exit the command palette"),
        _("Next command"),
        _("Previous command"),
        _("select word"),
    ):
        pass
