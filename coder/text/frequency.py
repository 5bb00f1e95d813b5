"""Word frequency per source, per case and overall, and keyword extraction (jieba's TF-IDF)
offered as candidate in-vivo codes.

Counting rule: a word counts when it holds a Chinese character or a letter, is not a stop word,
and is not a single Chinese character (those are almost all function words or fillers).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from coder.text import nlp

if TYPE_CHECKING:
    from coder.project import Project


#: The project's stop-word list starts as this (editable, kept in the project).
DEFAULT_STOPWORDS = frozenset(
    """
    的 了 是 在 和 就 都 而 及 与 着 或 一个 没有 我们 你们 他们 她们 它们 我 你 他 她 它 这 那 这个 那个
    这些 那些 这样 那样 这种 那种 这里 那里 这边 那边 就是 就是说 然后 其实 因为 所以 但是 可是 如果 还是
    已经 一直 比较 特别 可能 应该 什么 怎么 怎么样 为什么 还有 不是 也是 也 还 又 很 更 最 都是 有的 一些
    一下 一点 的话 时候 现在 以前 以后 后来 当时 知道 觉得 感觉 比如 比如说 对吧 是吧 好的 对对 对对对
    嗯 啊 呢 吧 吗 呀 哦 哈 嘛 哎 诶 那么 这么 反正 然后呢 所以说 包括 通过 进行 一样 方面 问题
    """.split()
)
_WORDLIKE = re.compile(r"[\u3400-\u9fffA-Za-z]")
_SINGLE_HAN = re.compile(r"^[\u3400-\u9fff]$")


def countable(word: str, stopwords: frozenset[str] | set[str]) -> bool:
    return bool(_WORDLIKE.search(word)) and not _SINGLE_HAN.match(word) and word not in stopwords


def spoken_words(project: Project, source: int | str) -> list[str]:
    """The words people said: inside turns (or paragraphs), so speaker labels and timestamps
    are not counted."""
    import bisect

    text = project.source_text(source)
    analysis = project.analysis(source)
    starts = [b[0] for b in analysis.blocks]
    out = []
    for s, e in analysis.words:
        i = bisect.bisect_right(starts, s) - 1
        if i >= 0 and analysis.blocks[i][0] <= s and e <= analysis.blocks[i][1]:
            out.append(text[s:e])
    return out


def source_words(project: Project, source: int | str, stopwords: set[str]) -> Counter[str]:
    return Counter(w for w in spoken_words(project, source) if countable(w, stopwords))


def word_frequencies(
    project: Project, *, by: str = "overall", top: int = 30
) -> dict[str, list[tuple[str, int]]]:
    """``{group: [(word, count), ...]}`` with groups 'overall', each source, or each case."""
    if by not in ("overall", "source", "case"):
        raise ValueError(by)
    stop = set(project.stopwords())
    groups: dict[str, Counter[str]] = {}
    for src in project.sources():
        counts = source_words(project, src.id, stop)
        key = (
            "overall"
            if by == "overall"
            else (src.name if by == "source" else (src.case or "(no case)"))
        )
        groups.setdefault(key, Counter()).update(counts)
    return {k: v.most_common(top) for k, v in groups.items()}


def keywords(
    project: Project, *, source: int | str | None = None, top: int = 20
) -> list[tuple[str, float, bool]]:
    """TF-IDF keywords (jieba's IDF table, the project's dictionary and stop words):
    ``(word, weight, already_a_code)``; the others are candidate in-vivo codes."""
    import jieba.analyse

    names = {c.name for c in project.codes()}
    srcs = [project.source(source)] if source is not None else project.sources()
    text = "\n".join(
        project.source_text(s.id)[b0:b1] for s in srcs for b0, b1 in project.analysis(s.id).blocks
    )
    tk = nlp.jieba_tokenizer(set(project.user_words()))
    tfidf = jieba.analyse.TFIDF()
    tfidf.tokenizer = tk
    tfidf.stop_words = set(tfidf.stop_words) | set(project.stopwords())
    with nlp._lock:
        tags = tfidf.extract_tags(text, topK=top * 3, withWeight=True)
    out = [
        (w, float(weight), w in names)
        for w, weight in tags
        if countable(w, set(project.stopwords()))
    ]
    return out[:top]
