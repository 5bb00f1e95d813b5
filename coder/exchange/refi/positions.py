"""Text positions of other programs, and the way from them to offsets in a normalised text.

A REFI-QDA selection names ``startPosition`` and ``endPosition`` in the producer's plain-text file.
The spec says code points, but producers count differently (see ``shared/refi-qda/NOTES.md`` §5):

* NVivo counts UTF-16 code units (a character outside the Basic Multilingual Plane, such as most
  emoji, counts twice), after the UTF-8 BOM, with CRLF as two units.
* ATLAS.ti and QualCoder count a line break as one character even where the file has CRLF.
* Everyone else (MAXQDA, this program, unknown producers) counts code points of the file as
  written, so CRLF is two.

A project's text is normalised once (BOM removed, CRLF and CR to LF, Unicode NFC; see
``coder.text.normalise``), so a producer's position is translated in two steps: to an index into
the decoded file, then to an offset into the normalised text. :class:`TextMap` does both with
binary search over the few places where the two differ (line ends, characters outside the BMP,
recomposed accents), so a text without such places costs nothing.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from coder.text.normalise import normalise


@dataclass(frozen=True, slots=True)
class PositionModel:
    """How a producer counts positions in its plain-text files."""

    producer: str
    utf16: bool = False
    """Count UTF-16 code units (a character outside the BMP counts 2) instead of code points."""
    crlf: int = 2
    """What a CRLF pair counts: 2 (both characters) or 1 (one line break)."""
    bom: int = 0
    """What a leading byte-order mark counts (0: positions start after it)."""

    def describe(self) -> str:
        unit = "UTF-16 code units" if self.utf16 else "code points"
        return f"{unit} after any BOM, CRLF counted as {self.crlf} ({self.producer})"


CODE_POINTS = PositionModel("the REFI-QDA standard")

_PRODUCERS = (
    ("nvivo", PositionModel("NVivo", utf16=True, crlf=2)),
    ("atlas.ti", PositionModel("ATLAS.ti", crlf=1)),
    ("atlasti", PositionModel("ATLAS.ti", crlf=1)),
    ("qualcoder", PositionModel("QualCoder", crlf=1)),
    ("maxqda", PositionModel("MAXQDA", crlf=2)),
    ("coder", PositionModel("coder", crlf=2)),
)


def model_for(origin: str) -> PositionModel:
    """The position model of the program named in ``Project/@origin``."""
    low = (origin or "").lower()
    for key, model in _PRODUCERS:
        if key in low:
            return model
    return CODE_POINTS


# Characters where a producer's count and the normalised text can differ: a BOM, CR (alone or
# before LF) and characters outside the BMP.
_SPECIAL = re.compile("\ufeff|\r\n?|[\U00010000-\U0010ffff]")
# Hangul medial and final jamo compose with the syllable before them under NFC.
_JAMO_VT = re.compile("[\u1160-\u11ff]")


class TextMap:
    """A producer's plain text, normalised, with its positions translated to offsets.

    ``text`` is exactly ``normalise(raw)``. :meth:`offset` turns a producer position into an
    offset of ``text``; :meth:`position` goes back. ``exact`` is False when NFC composed
    characters across boundaries that this map cannot follow (decomposed Hangul, for example);
    offsets are then approximate near those characters.
    """

    def __init__(self, raw: str, model: PositionModel) -> None:
        self.model = model
        self.text = normalise(raw)
        weights: dict[int, list[int]] = {}  # raw index -> [units, normalised characters]
        for m in _SPECIAL.finditer(raw):
            i, s = m.start(), m.group()
            if s == "\ufeff":
                if i == 0:
                    weights[i] = [model.bom, 0]
            elif s == "\r\n":
                # The CR stands for the line break (one unit, the LF of the text); the LF after
                # it counts as the producer counts it and is gone from the text.
                weights[i + 1] = [model.crlf - 1, 0]
            elif s != "\r" and model.utf16:
                weights[i] = [2, 1]
        intermediate = raw[1:] if raw.startswith("\ufeff") else raw
        intermediate = intermediate.replace("\r\n", "\n").replace("\r", "\n")
        if not unicodedata.is_normalized("NFC", intermediate):
            self._recompose(raw, weights)
        self._index = sorted(weights)
        self._units: list[int] = []  # units before each special character
        self._units_after: list[int] = []
        self._unit_shift = [0]  # sum of (units - 1) over the specials before index k
        self._norm_shift = [0]
        for k, i in enumerate(self._index):
            u, n = weights[i]
            before = i + self._unit_shift[k]
            self._units.append(before)
            self._units_after.append(before + u)
            self._unit_shift.append(self._unit_shift[k] + u - 1)
            self._norm_shift.append(self._norm_shift[k] + n - 1)
        self.raw_length = len(raw)
        self.units = len(raw) + self._unit_shift[-1]
        self.exact = len(raw) + self._norm_shift[-1] == len(self.text)
        self.identity = not self._index
        """Positions are offsets already (code points of a normalised text)."""

    @staticmethod
    def _recompose(raw: str, weights: dict[int, list[int]]) -> None:
        """Record where NFC changes the length of a character cluster (a starter and the
        combining marks after it)."""
        n = len(raw)
        i = 0
        while i < n:
            j = i + 1
            while j < n and (unicodedata.combining(raw[j]) or _JAMO_VT.match(raw[j])):
                j += 1
            cluster = raw[i:j]
            if cluster not in ("\ufeff", "\r") and not unicodedata.is_normalized("NFC", cluster):
                composed = len(unicodedata.normalize("NFC", cluster))
                if composed != j - i:
                    weights.setdefault(i, [1, 1])[1] = composed
                    for k in range(i + 1, j):
                        weights.setdefault(k, [1, 1])[1] = 0
            i = j

    def _raw_index(self, pos: int, *, end: bool) -> int:
        """The index into the raw text where the producer's position ``pos`` falls. Inside a
        character that counts as two units, a start rounds down and an end rounds up."""
        if end:
            k = bisect_left(self._units, pos)
            i = pos - self._unit_shift[k]
            if k > 0:
                i = max(i, self._index[k - 1] + 1)
            return i
        k = bisect_right(self._units_after, pos)
        i = pos - self._unit_shift[k]
        if k < len(self._index):
            i = min(i, self._index[k])
        return i

    def offset(self, pos: int, *, end: bool = False) -> int | None:
        """The offset into ``text`` of the producer's position ``pos`` (None: outside the text)."""
        if pos < 0 or pos > self.units:
            return None
        if self.identity:
            return pos
        i = self._raw_index(pos, end=end)
        k = bisect_left(self._index, i)
        return min(i + self._norm_shift[k], len(self.text))

    def position(self, offset: int) -> int:
        """The producer's position of an offset into ``text`` (the inverse of :meth:`offset`)."""
        if self.identity:
            return offset
        # The last raw index whose offset in the text is ``offset``: past whatever the text
        # dropped there (a BOM, the LF of a CRLF, combining marks that NFC composed).
        lo, hi = 0, self.raw_length
        while lo < hi:
            mid = (lo + hi + 1) // 2
            k = bisect_left(self._index, mid)
            if mid + self._norm_shift[k] <= offset:
                lo = mid
            else:
                hi = mid - 1
        k = bisect_left(self._index, lo)
        return lo + self._unit_shift[k]
