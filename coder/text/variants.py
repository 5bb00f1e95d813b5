"""Traditional and Simplified characters matched as one, character by character.

Search, autocode terms and the code picker compare text through :func:`fold`, which replaces each
Traditional character by its Simplified form from OpenCC's single-character table
(``TSCharacters.txt``, shipped by ``opencc-python-reimplemented``; 臺→台, 灣→湾, 後→后). One character
always becomes one character, so an offset into the folded text is the same offset into the
original, and the original is never converted: a hit found in ``fold(text)`` is reported at the
same ``[start, end)`` of ``text``. OpenCC's phrase tables (隨身碟→U盘) change lengths and vocabulary
and are never used. Where a character has several Simplified forms the first is taken (乾→干), so a
few distinct characters fold together; that only ever widens a match.

jieba's dictionary is Simplified, so Chinese text is segmented in its folded form and the word
boundaries carried back (see ``coder.text.nlp.tokenize``).
"""

from __future__ import annotations

import threading
from importlib import resources

_lock = threading.Lock()
_table: dict[int, int] | None = None


def _load() -> dict[int, int]:
    global _table
    with _lock:
        if _table is None:
            table: dict[int, int] = {}
            text = (
                resources.files("opencc")
                .joinpath("dictionary/TSCharacters.txt")
                .read_text(encoding="utf-8")
            )
            for line in text.splitlines():
                key, _, values = line.partition("\t")
                first = values.split(" ", 1)[0].strip()
                if len(key) == 1 and len(first) == 1 and key != first:
                    table[ord(key)] = ord(first)
            _table = table
        return _table


def fold(text: str) -> str:
    """``text`` with every Traditional character replaced by its Simplified form (same length)."""
    return text.translate(_load())


def folded_equal(a: str, b: str) -> bool:
    return fold(a) == fold(b)
