"""Sentence boundaries without word segmentation (coder.text.sentences) equal those of spaCy's
sentencizer over jieba's tokens, the path coder used before: on the demo corpus, on hand-made
edge cases, and on random text."""

from __future__ import annotations

import bisect

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coder.text import nlp
from coder.text.sentences import SENTENCE_END, attach_closers, sentence_spans


def spacy_over_jieba(text: str, blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The reference: the old implementation, kept here verbatim in substance."""
    from spacy.tokens import Doc

    words = nlp.tokenize(text, "zh", set())
    starts = [s for s, _ in words]
    pipe = nlp.pipeline("zh")
    sentencizer = pipe.get_pipe("sentencizer")
    assert list(sentencizer.punct_chars) == SENTENCE_END or set(sentencizer.punct_chars) == set(
        SENTENCE_END
    )
    out: list[tuple[int, int]] = []
    for b_start, b_end in blocks:
        lo = bisect.bisect_left(starts, b_start)
        hi = bisect.bisect_left(starts, b_end)
        inside = [(s, min(e, b_end)) for s, e in words[lo:hi]]
        if not inside:
            continue
        doc = Doc(pipe.vocab, words=[text[s:e] for s, e in inside], spaces=[False] * len(inside))
        for sent in sentencizer(doc).sents:
            out.append((inside[sent.start][0], inside[sent.end - 1][1]))
    return attach_closers(text, out)


def lines(text: str) -> list[tuple[int, int]]:
    return nlp.blocks_of(text, [])


def test_the_demo_corpus_gives_the_same_sentences(demo) -> None:
    p = demo
    total = 0
    for src in p.sources():
        text = p.source_text(src.id)
        blocks = nlp.blocks_of(text, p.turns(src.id))
        expected = spacy_over_jieba(text, blocks)
        assert sentence_spans(text, blocks) == expected, src.name
        total += len(expected)
    assert total > 1000


@pytest.mark.parametrize(
    "text",
    [
        "受访者：好的。“就这样！”他说。[笑]然后呢？",
        "问：这个……嗯……那个。答：对！！！是的？？",
        "他说了 12345热线。-- 然后 3.5%的人；#标签 也是。",
        "结束。...后面。_x 还有。%。&&&。",
        "Note: this is English. And more! ok?",
        "  前面有空格。  后面也有空格。  ",
        "没有句号的一行",
        "。。。",
        "（括号里的话。）外面的话。【注：测试。】",
        "A3区。B-2号楼！c.d.e。",
    ],
)
def test_edge_cases_match_the_old_path(text: str) -> None:
    assert sentence_spans(text, lines(text)) == spacy_over_jieba(text, lines(text))


def test_blocks_bound_sentences_even_mid_word() -> None:
    text = "访谈者：你好。受访者：条块联动很好。就这样"
    blocks = [(4, 7), (11, len(text))]
    assert sentence_spans(text, blocks) == spacy_over_jieba(text, blocks)
    text = "abc条块联动，很好。"  # a block starting inside a run: that token is not the block's
    assert sentence_spans(text, [(2, len(text))]) == spacy_over_jieba(text, [(2, len(text))])


ALPHABET = "条块联动会商日我们。！？；…!?;．，、“”「」（）()【】[]《》 \nab3.-#&_%+：:"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_text_matches_the_old_path(text: str) -> None:
    assert sentence_spans(text, lines(text)) == spacy_over_jieba(text, lines(text))
