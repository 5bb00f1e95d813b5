"""Words the workbench shows: counts with their plural, and places named as a user knows them
(the help's "in" column, the command palette), never class names."""

from __future__ import annotations

import re

#: Where a key works, in the words of the screens' titles.
PLACES = {
    "CoderApp": "everywhere",
    "MainScreen": "main screen",
    "TranscriptView": "transcript",
    "CodeTree": "code tree",
    "Tree": "code tree",
    "CodebookScreen": "codebook (F2)",
    "CompareScreen": "comparison (F3)",
    "NetworkScreen": "network (F4)",
    "StatsScreen": "statistics (F6)",
    "ReviewScreen": "disagreements (F7)",
    "QueryScreen": "query (F8)",
    "HelpScreen": "help",
    "Input": "text box",
    "TextArea": "text box",
    "OptionList": "list",
    "DataTable": "table",
}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 coding``, ``2 codings``; ``many`` for an irregular plural."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def place(node: object) -> str:
    """A widget's or screen's name for people: ``TranscriptView`` → ``transcript``."""
    name = type(node).__name__
    if name in PLACES:
        return PLACES[name]
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Screen")).lower()
