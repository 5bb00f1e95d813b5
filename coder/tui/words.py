"""Words the workbench shows: counts with their plural, and places named as a user knows them
(the help's "in" column, the command palette), never class names."""

from __future__ import annotations

import re

from coder.i18n import _

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
