"""Chinese names found by pinyin: 条块联动 by ``tkld`` (initials), ``tiaokuai`` (full syllables),
or a mix (``tiaokld``, a last syllable half typed: ``tiaoku``).

Readings come from pypinyin with every reading of a character (a heteronym such as 长 matches
``chang`` and ``zhang``), without tones; ü is typed ``v`` as on a pinyin keyboard. pypinyin knows
Traditional characters too, so 條塊聯動 is found the same way. Letters and digits in a name match
themselves; punctuation and spaces in a name are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

_NEEDLE = re.compile(r"[a-z0-9]+")


def _is_han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH"))


@lru_cache(maxsize=8192)
def readings(text: str) -> tuple[tuple[str, ...], ...]:
    """Each character's readings: a Chinese character's pinyin syllables (all of them), a letter
    or digit itself, and nothing (an empty tuple) for punctuation and spaces."""
    # Imported on first use: pypinyin loads its dictionaries at import (0.3 s), which the
    # workbench must not pay before it opens.
    from pypinyin import Style, pinyin

    out: list[tuple[str, ...]] = []
    for ch in text:
        if _is_han(ch):
            found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
            syllables = tuple(dict.fromkeys(s.lower() for s in (found[0] if found else []) if s))
            out.append(syllables or (ch,))
        elif ch.isalnum():
            out.append((ch.lower(),))
        else:
            out.append(())
    return tuple(out)


def normalise_needle(needle: str) -> str | None:
    """What was typed as pinyin (lower case, without spaces or apostrophes); None when it is not
    pinyin (Chinese characters, say: those are matched as they are)."""
    n = re.sub(r"[\s'’]+", "", needle.lower()).replace("ü", "v")
    return n if n and _NEEDLE.fullmatch(n) else None


def pinyin_match(needle: str, text: str) -> int | None:
    """Where in ``text`` the pinyin ``needle`` begins to match (the character's index), or None.
    Each character is typed as its whole syllable or its first letter; the typing may stop
    inside the last syllable."""
    n = normalise_needle(needle)
    if n is None:
        return None
    chars = readings(text)

    @cache
    def consumes(i: int, j: int) -> bool:
        if j == len(n):
            return True
        if i == len(chars):
            return False
        if not chars[i]:
            return consumes(i + 1, j)  # punctuation in the name
        rest = n[j:]
        for r in chars[i]:
            if rest.startswith(r) and consumes(i + 1, j + len(r)):
                return True
            if len(r) > 1 and rest[0] == r[0] and consumes(i + 1, j + 1):
                return True
            if r.startswith(rest):
                return True  # the last syllable, half typed
        return False

    for start, options in enumerate(chars):
        if options and consumes(start, 0):
            return start
    return None
