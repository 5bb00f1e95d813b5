"""The other candidate: spaCy's ``textcat_multilabel`` on a blank zh pipeline, no vectors.

Measured beside :class:`coder.assist.model.Suggester` in ``bench/assist.py`` and not used by
``coder suggest`` (see :mod:`coder.assist.model` for why). A unit's Doc is its jieba words followed
by its characters, so the bag-of-n-grams architecture (``spacy.TextCatBOW.v3``, n-grams up to 2)
sees words, word pairs, characters and character pairs: the same evidence as the linear model
without the latent space.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import numpy as np

EPOCHS = 15


def _tokens(features: list[str]) -> list[str]:
    words = [f[2:] for f in features if f.startswith("w:")]
    chars = [f for f in features if len(f) == 1]
    return (words + chars) or [" "]


class SpacyTextcat:
    """Fit on units' features with per-code labels (+1, -1, 0 unknown); score like the
    linear model."""

    def __init__(self, codes: Sequence[int], seed: int = 0) -> None:
        import spacy

        self.codes = list(codes)
        self.seed = seed
        self.nlp = spacy.blank("zh")
        self.textcat: Any = self.nlp.add_pipe(
            "textcat_multilabel",
            config={
                "model": {
                    "@architectures": "spacy.TextCatBOW.v3",
                    "exclusive_classes": False,
                    "ngram_size": 2,
                    "no_output_layer": False,
                    "length": 262144,
                }
            },
        )
        for c in self.codes:
            self.textcat.add_label(str(c))  # type: ignore[attr-defined]

    def _doc(self, features: list[str]):
        from spacy.tokens import Doc

        words = _tokens(features)
        return Doc(self.nlp.vocab, words=words, spaces=[False] * len(words))

    def fit(self, features: Sequence[list[str]], labels: np.ndarray) -> SpacyTextcat:
        from spacy.training import Example
        from spacy.util import fix_random_seed, minibatch

        fix_random_seed(self.seed)
        examples = []
        for feats, row in zip(features, labels, strict=True):
            cats = {str(c): float(v > 0) for c, v in zip(self.codes, row, strict=True) if v != 0}
            examples.append(Example.from_dict(self._doc(feats), {"cats": cats}))
        self.nlp.initialize(lambda: examples)
        rng = random.Random(self.seed)
        for _ in range(EPOCHS):
            rng.shuffle(examples)
            for batch in minibatch(examples, size=16):
                self.nlp.update(batch, drop=0.0)
        return self

    def scores(self, features: Sequence[list[str]]) -> np.ndarray:
        docs = [self._doc(f) for f in features]
        out = np.zeros((len(docs), len(self.codes)), dtype=np.float32)
        for i, doc in enumerate(self.textcat.pipe(docs, batch_size=512)):
            out[i] = [doc.cats[str(c)] for c in self.codes]
        return out
