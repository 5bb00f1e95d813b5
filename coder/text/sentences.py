"""Sentence boundaries of Chinese text without word segmentation.

A sentencizer needs punctuation, not words. spaCy's sentencizer (what coder used, over jieba's
tokens) ends a sentence at a token in ``SENTENCE_END``, lets the following punctuation tokens
(a closing quote, a second ``！``) stay with it, and starts the next sentence at the first token
that is neither; sentences never cross a block (a speaker turn, or a line where there are no
turns), and whitespace is not a token. This module applies the same rule to characters, which
gives the same boundaries at a fraction of the cost (no jieba, no spaCy Doc):

* jieba yields every character outside its word alphabet (``[一-鿕a-zA-Z0-9+#&._%-]``) as a token
  of its own, so such characters are judged one by one: "punctuation" is a character whose
  Unicode category starts with P, as spaCy's ``is_punct`` says;
* inside a run of the word alphabet every jieba token holds a letter, digit, ideograph or ``+``
  (none of them punctuation) unless the run starts with one of ``#&._%-``; only then, and only
  right after a sentence end, does the run go to jieba to find where its leading punctuation
  tokens stop (rare: ``。--`` or ``！...``).

``tests/unit/test_sentences.py`` checks the result against the spaCy-over-jieba path on the demo and
on random text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

SENTENCE_END = ["。", "！", "？", "；", "…", "……", "!", "?", ";", "．"]
#: The version of the rules here (and of the blocks they run in, ``coder.text.nlp.blocks_of``):
#: each source stores its boundaries with the version that made them (``sources.sentence_rules``),
#: so raising it after any change to what a sentence is makes every source's be computed again.
RULES = 1
_END = frozenset(c for c in SENTENCE_END if len(c) == 1)
_END_RE = re.compile("[" + re.escape("".join(sorted(_END))) + "]")
#: jieba's word alphabet (``jieba.re_han_default``): runs of it are cut into words.
_RUN_RE = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")
_RUN_CHARS = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]")
#: Word-alphabet characters that are punctuation (category P): a jieba token of only these is
#: a punctuation token.
_RUN_PUNCT = frozenset("#&._%-")
#: Characters that close a sentence together with its end mark: they stay with the sentence.
CLOSERS = frozenset("”’」』）)】》\"'")
#: Characters that open what follows: left at a sentence's end, they move to the next sentence.
OPENERS = frozenset("“‘「『（(【《[")


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


def sentence_spans(
    text: str,
    blocks: Iterable[tuple[int, int]],
    words: Callable[[str], list[str]] | None = None,
) -> list[tuple[int, int]]:
    """The sentences of ``text`` inside each ``(start, end)`` block, closers attached.

    ``words`` cuts a run of the word alphabet into jieba's tokens; it is called only for a run
    that starts with punctuation right after a sentence end (default: jieba, loaded then)."""
    out: list[tuple[int, int]] = []
    for b_start, b_end in blocks:
        out.extend(_block(text, b_start, b_end, words))
    return attach_closers(text, out)


def _first_token(
    text: str, b_start: int, b_end: int, words: Callable[[str], list[str]] | None
) -> int:
    """Where the first token of the block starts. jieba cut the whole text, so where a block
    starts inside a run of the word alphabet (never at a speaker label or a line start), the
    token that holds the block's first character started before the block and is not its own."""
    i = b_start
    if i > 0 and _RUN_CHARS.match(text, i) and _RUN_CHARS.match(text, i - 1):
        run_start = i
        while run_start > 0 and _RUN_CHARS.match(text, run_start - 1):
            run_start -= 1
        m = _RUN_RE.match(text, run_start)
        run_end = m.end() if m else i
        pos = run_start
        for word in (words or _jieba_words)(text[run_start:run_end]):
            if pos >= b_start:
                break
            pos += len(word)
        i = pos
    while i < b_end and text[i].isspace():
        i += 1
    return i


def _tail() -> re.Pattern[str]:
    """A sentence mark followed by whitespace and punctuation that jieba yields one character at
    a time (category P outside the word alphabet): the end of a sentence, up to the next one."""
    global _TAIL
    if _TAIL is None:
        punct = "".join(
            re.escape(chr(c))
            for c in range(0x20000)  # no code point above plane 1 is punctuation
            if unicodedata.category(chr(c)).startswith("P") and not _RUN_CHARS.match(chr(c))
        )
        _TAIL = re.compile(_END_RE.pattern + r"[\s" + punct + "]*")
    return _TAIL


_TAIL: re.Pattern[str] | None = None


def _block(
    text: str, b_start: int, b_end: int, words: Callable[[str], list[str]] | None
) -> list[tuple[int, int]]:
    start = _first_token(text, b_start, b_end, words)
    if start >= b_end:
        return []
    tail = _tail()
    sentences: list[tuple[int, int]] = []
    pos = start
    while True:
        m = tail.search(text, pos, b_end)
        if m is None:
            break
        nxt = m.end()
        if nxt < b_end and text[nxt] in _RUN_PUNCT:
            nxt = _after_end(text, nxt, b_end, words)
        if nxt >= b_end:
            break
        sentences.append((start, _end_before(text, start, nxt)))
        start = pos = nxt
    sentences.append((start, _end_before(text, start, b_end)))
    return sentences


def _after_end(text: str, i: int, b_end: int, words: Callable[[str], list[str]] | None) -> int:
    """The start of the first token after ``i`` that is neither punctuation nor whitespace."""
    while i < b_end:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif _RUN_CHARS.match(ch):
            if ch not in _RUN_PUNCT:
                return i
            m = _RUN_RE.match(text, i)
            run_end = m.end() if m else i + 1
            # jieba cuts the whole run; a token clipped by the block's end still counts whole.
            for word in (words or _jieba_words)(text[i:run_end]):
                if not all(_is_punct(c) for c in word):
                    return i
                i += len(word)
                if i >= b_end:
                    return b_end
        elif _is_punct(ch):
            i += 1
        else:
            return i
    return b_end


def _end_before(text: str, start: int, nxt: int) -> int:
    """The end of the last token before ``nxt`` (trailing whitespace is no token)."""
    e = nxt
    while e > start and text[e - 1].isspace():
        e -= 1
    return e


def _jieba_words(run: str) -> list[str]:
    from coder.text.nlp import cut_run

    return cut_run(run)


def attach_closers(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where two sentences touch, a closing quote or bracket at the start of the second belongs
    to the first, and an opening one (as in a ``[笑]`` marker) at the end of the first belongs to
    the second."""
    spans = [list(x) for x in sentences]
    for a, b in zip(spans, spans[1:], strict=False):
        if a[1] != b[0]:
            continue
        k = b[0]
        while k < b[1] and text[k] in CLOSERS:
            k += 1
        while k > a[0] + 1 and text[k - 1] in OPENERS:
            k -= 1
        a[1] = b[0] = k
    return [(s, e) for s, e in spans if s < e]
