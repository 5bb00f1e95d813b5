"""The units a model codes and what it sees in them: jieba words and character n-grams.

A unit is a sentence, a speaker's turn (a paragraph where a source has no turns) or a whole
source, as in :mod:`coder.analysis.data`. Word segmentation is the slow step (jieba on every
character), so it is cached per source — keyed by the source's guid, its text's digest and the
user dictionary — and never redone while the source and the dictionary stay the same; the
sentence unit reuses the words of the project's own text analysis.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select

from coder.analysis.data import unit_spans
from coder.errors import InvalidInput
from coder.i18n import _
from coder.store.schema import sources as sources_table
from coder.text import nlp

if TYPE_CHECKING:
    from coder.project import Project


UNITS = ("sentence", "turn", "source")
#: Bumped whenever the features change: a model's version names it.
FEATURES_VERSION = "w1c12b"
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")


def check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise InvalidInput(
            _("unit {unit!r} is not one of {UNITS} for suggestions; nothing was changed").format(
                unit=unit, UNITS=", ".join(UNITS)
            )
        )
    return unit


@dataclass
class UnitTable:
    """The units of some sources, in source order then position, with their features."""

    source_ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    texts: list[str]
    features: list[list[str]]
    names: dict[int, str] = field(default_factory=dict)
    """Source id → name."""

    def __len__(self) -> int:
        return len(self.texts)

    def index(self) -> dict[tuple[int, int, int], int]:
        """(source, start, end) → row."""
        return {
            (int(s), int(a), int(b)): i
            for i, (s, a, b) in enumerate(zip(self.source_ids, self.starts, self.ends, strict=True))
        }

    def take(self, rows: Sequence[int] | np.ndarray) -> UnitTable:
        rows = np.asarray(rows, dtype=np.int64)
        return UnitTable(
            self.source_ids[rows],
            self.starts[rows],
            self.ends[rows],
            [self.texts[i] for i in rows],
            [self.features[i] for i in rows],
            self.names,
        )


class _WordCache:
    """Word spans per source text and dictionary (least recently used go first)."""

    def __init__(self, size: int = 200_000) -> None:
        self._items: OrderedDict[tuple[str, str, frozenset[str]], list[tuple[int, int]]] = (
            OrderedDict()
        )
        self._size = size
        self._lock = threading.Lock()
        self.misses = 0

    def get(self, key: tuple[str, str, frozenset[str]]) -> list[tuple[int, int]] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str, frozenset[str]], words: list[tuple[int, int]]) -> None:
        with self._lock:
            self.misses += 1
            self._items[key] = words
            while len(self._items) > self._size:
                self._items.popitem(last=False)


WORDS = _WordCache()


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def source_words(
    guid: str, text: str, language: str, user_words: frozenset[str]
) -> list[tuple[int, int]]:
    """jieba's word spans of a source text, segmented once and then cached."""
    key = (guid, digest(text), user_words)
    found = WORDS.get(key)
    if found is None:
        found = nlp.tokenize(text, language or nlp.detect_language(text), set(user_words))
        WORDS.put(key, found)
    return found


def unit_features(text: str, words: Iterable[str]) -> list[str]:
    """What the model sees in a unit: its words (``w:`` and the word) and its characters and
    character pairs (as they are), leaving out spaces and punctuation."""
    out = ["w:" + w for w in words if _WORDLIKE.search(w)]
    chars = "".join(_WORDLIKE.findall(text))
    out += chars
    out += [chars[i : i + 2] for i in range(len(chars) - 1)]
    return out


def term(feature: str) -> str:
    """The text of a feature, as ``because`` shows it."""
    return feature[2:] if feature.startswith("w:") else feature


def load_units(project: Project, unit: str, source_ids: Iterable[int] | None = None) -> UnitTable:
    """The units of the given sources (all when ``None``) with their features."""
    check_unit(unit)
    query = select(
        sources_table.c.id,
        sources_table.c.guid,
        sources_table.c.name,
        sources_table.c.text,
        sources_table.c.language,
    ).order_by(sources_table.c.position)
    wanted = None if source_ids is None else set(source_ids)
    if wanted is not None:
        query = query.where(sources_table.c.id.in_(sorted(wanted)))
    with project.read() as conn:
        rows = conn.execute(query).all()
    user_words = project.user_words()
    spans: dict[int, list[tuple[int, int]]] = {}
    if unit == "turn":
        spans = unit_spans(project, "turn", [r.id for r in rows])
    sids: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    texts: list[str] = []
    feats: list[list[str]] = []
    for r in rows:
        if unit == "sentence":
            analysis = project.analysis(r.id)
            words, units = analysis.words, [(s, e) for s, e in analysis.sentences if e > s]
        else:
            words = source_words(r.guid, r.text, r.language, user_words)
            units = spans.get(r.id, []) if unit == "turn" else [(0, len(r.text))]
        word_starts = [s for s, _x in words]
        import bisect

        for s, e in units:
            chunk = r.text[s:e]
            if not chunk.strip():
                continue
            lo = bisect.bisect_left(word_starts, s)
            hi = bisect.bisect_left(word_starts, e)
            inside = [r.text[a:b] for a, b in words[lo:hi]]
            sids.append(r.id)
            starts.append(s)
            ends.append(e)
            texts.append(chunk)
            feats.append(unit_features(chunk, inside))
    return UnitTable(
        np.array(sids, dtype=np.int64),
        np.array(starts, dtype=np.int64),
        np.array(ends, dtype=np.int64),
        texts,
        feats,
        {r.id: r.name for r in rows},
    )
