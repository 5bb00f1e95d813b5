"""The suggestion model: a linear model over jieba words, character n-grams and a latent space
learned from the project's own text.

Two candidates were built and measured on the THUCNews benchmark (``bench/assist.py``, 10,000
real news titles, 200 coded): spaCy's ``textcat_multilabel`` (a blank zh pipeline, bag-of-words
architecture, no vectors; :mod:`coder.assist.spacy_model`) and this scikit-learn model. This one
is kept: it is the more accurate of the two (63.7 % against 54.2 % top-1 with 200 coded titles,
against 57.8 % for the plain character baseline), it trains in under a second on 1,000 units where
spaCy needs many epochs, and its weights name the terms behind each suggestion directly
(``because``). The figures are in the README's "Machine assistance" section.

What it sees in a unit:

* TF-IDF of its words and characters (one and two), the vocabulary of the coded units;
* 100 latent dimensions (truncated SVD of the same TF-IDF over every unit of the project, coded
  or not, up to 20,000 of them): words that occur in the same kind of passage end up close, so a
  code learned from 50 passages reaches passages that share none of their words. This is what
  lifts it over a plain character model when few units are coded.

One logistic regression per code (one against the rest), so a unit may take several codes; a
rejected suggestion is a negative example for that code only. Nothing is stored: a model is
retrained from the codings (a second or so), so nothing from a project file is ever unpickled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
from scipy import sparse

from coder.assist.features import FEATURES_VERSION, UnitTable, term

LATENT_DIMS = 100
LATENT_SAMPLE = 20_000
C = 10.0
#: Weight of a rejected suggestion as a negative example (a person said so explicitly).
REJECTION_WEIGHT = 2.0


def _identity(x: list[str]) -> list[str]:
    return x


@dataclass
class Space:
    """The latent space of a project's units: TF-IDF and its truncated SVD."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    components: np.ndarray
    """(dims, vocabulary) rows."""

    @classmethod
    def fit(cls, features: Sequence[list[str]], seed: int = 0) -> Space:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        rows = list(features)
        if len(rows) > LATENT_SAMPLE:
            pick = np.random.default_rng(seed).choice(len(rows), LATENT_SAMPLE, replace=False)
            rows = [rows[i] for i in sorted(pick)]
        vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2, dtype=np.float32)
        try:
            x = vec.fit_transform(rows)
        except ValueError:  # too few units for a term to occur twice
            return cls({}, np.zeros(0), np.zeros((0, 0)))
        dims = min(LATENT_DIMS, x.shape[0] - 1, x.shape[1] - 1)
        if dims < 2:
            return cls({}, np.zeros(0), np.zeros((0, 0)))
        svd = TruncatedSVD(dims, random_state=seed, n_iter=4).fit(x)
        return cls(dict(vec.vocabulary_), vec.idf_.astype(np.float32), svd.components_)

    def transform(self, features: Sequence[list[str]]) -> np.ndarray:
        """Units in the latent space, unit length."""
        if not self.vocabulary:
            return np.zeros((len(features), 0), dtype=np.float32)
        return self.project(_counts(features, self.vocabulary))

    def project(self, counts) -> np.ndarray:
        """Term counts (over :attr:`vocabulary`) in the latent space, unit length."""
        if not self.vocabulary:
            return np.zeros((counts.shape[0], 0), dtype=np.float32)
        x = _weigh(counts, self.idf)
        z = np.asarray(x @ self.components.T.astype(np.float32))
        norm = np.linalg.norm(z, axis=1, keepdims=True)
        return z / np.maximum(norm, 1e-9)


def _counts(features: Sequence[list[str]], vocabulary: dict[str, int]):
    """Term counts over a fixed vocabulary (unknown terms dropped), as a CSR matrix: one
    dictionary lookup per feature, the rest in numpy."""
    lens = np.fromiter((len(f) for f in features), dtype=np.int64, count=len(features))
    ids = np.fromiter(
        map(vocabulary.get, chain.from_iterable(features), repeat(-1)),
        dtype=np.int64,
        count=int(lens.sum()),
    )
    rows = np.repeat(np.arange(len(features), dtype=np.int64), lens)
    keep = ids >= 0
    x = sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.float32), (rows[keep], ids[keep])),
        shape=(len(features), len(vocabulary)),
    )
    x.sum_duplicates()
    return x


def _weigh(x, idf: np.ndarray):
    """Sublinear TF-IDF of counts, rows L2-normalised (as scikit-learn's TfidfVectorizer)."""
    x = x.tocsr(copy=True).astype(np.float32)
    if x.nnz:
        x.data = (1.0 + np.log(x.data)) * idf[x.indices]
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        x = sparse.diags(1.0 / np.maximum(norms, 1e-9)).dot(x).tocsr()
    return x


def _tfidf(features: Sequence[list[str]], vocabulary: dict[str, int], idf: np.ndarray):
    """Sublinear TF-IDF rows, L2-normalised, over a fixed vocabulary (unknown terms dropped)."""
    return _weigh(_counts(features, vocabulary), idf)


@dataclass
class Training:
    """What a model learns from: units and, per code, +1 (coded), -1 (not), 0 (unknown)."""

    units: UnitTable
    codes: list[int]
    labels: np.ndarray
    """(units, codes) of +1, -1 or 0."""
    weights: np.ndarray
    """(units, codes) sample weights (rejections count more)."""

    def fingerprint(self) -> str:
        h = hashlib.blake2b(digest_size=6)
        h.update(FEATURES_VERSION.encode())
        h.update(np.asarray(self.codes, dtype=np.int64).tobytes())
        for arr in (self.units.source_ids, self.units.starts, self.units.ends, self.labels):
            h.update(np.ascontiguousarray(arr).tobytes())
        return h.hexdigest()


class Suggester:
    """A trained model: scores for every code on any units of the project."""

    def __init__(self, space: Space, version: str) -> None:
        self.space = space
        self.version = version
        self.codes: list[int] = []
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0)
        self.terms: list[str] = []
        self.coef = np.zeros((0, 0))
        """(codes, vocabulary + latent dims)."""
        self.intercept = np.zeros(0)
        self.trained_units = 0
        self._union: tuple[dict[str, int], object, object] | None = None

    @classmethod
    def train(cls, training: Training, space: Space) -> Suggester:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        model = cls(space, f"lr-{training.fingerprint()}")
        model.codes = list(training.codes)
        model.trained_units = len(training.units)
        if not len(training.units):
            return model
        vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32)
        vec.fit(training.units.features)
        model.vocabulary = dict(vec.vocabulary_)
        model.terms = [term(f) for f in vec.get_feature_names_out()]
        model.idf = vec.idf_.astype(np.float32)
        x = model._matrix(training.units.features)
        width = x.shape[1]
        coef = np.zeros((len(model.codes), width), dtype=np.float32)
        intercept = np.full(len(model.codes), -5.0, dtype=np.float32)
        for k in range(len(model.codes)):
            known = np.flatnonzero(training.labels[:, k] != 0)
            y = training.labels[known, k] > 0
            if not y.any():
                continue  # never coded: the intercept keeps its score near 0
            if y.all():
                intercept[k] = 5.0  # always coded where known: nothing to tell it apart
                continue
            clf = LogisticRegression(C=C, max_iter=2000)
            clf.fit(x[known], y, sample_weight=training.weights[known, k])
            coef[k] = clf.coef_[0]
            intercept[k] = clf.intercept_[0]
        model.coef, model.intercept = coef, intercept  # type: ignore[assignment]
        return model

    def _matrix(self, features: Sequence[list[str]]):
        """The model's inputs: its own TF-IDF beside the latent dimensions. Terms are counted
        once, over the union of the two vocabularies, and each part selected from that."""
        if self._union is None:
            union = dict(self.space.vocabulary)
            for f in self.vocabulary:
                union.setdefault(f, len(union))
            n = len(union)
            own = [(union[f], j) for f, j in self.vocabulary.items()]
            pick_own = sparse.csr_matrix(
                (np.ones(len(own), np.float32), ([a for a, _ in own], [b for _, b in own])),
                shape=(n, len(self.vocabulary)),
            )
            sv = len(self.space.vocabulary)
            pick_space = sparse.eye(n, sv, dtype=np.float32, format="csr")
            self._union = (union, pick_own, pick_space)
        union, pick_own, pick_space = self._union
        counts = _counts(features, union)
        x = _weigh(counts @ pick_own, self.idf)
        z = self.space.project(counts @ pick_space)
        return sparse.hstack([x, sparse.csr_matrix(z)], format="csr")

    def scores(self, features: Sequence[list[str]]) -> np.ndarray:
        """(units, codes): the probability each code applies."""
        if not len(features) or not self.codes:
            return np.zeros((len(features), len(self.codes)), dtype=np.float32)
        if not self.vocabulary:
            return np.tile(1 / (1 + np.exp(-self.intercept)), (len(features), 1))
        x = self._matrix(features)
        logits = np.asarray(x @ self.coef.T) + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def because(self, features: list[str], k: int, top: int = 3) -> list[str]:
        """The terms in a unit that speak most for code ``k`` (largest positive contributions)."""
        return self.because_many([features], [k], top)[0]

    def because_many(
        self, features: Sequence[list[str]], ks: Sequence[int], top: int = 3
    ) -> list[list[str]]:
        """:meth:`because` for many units at once (one TF-IDF matrix for all of them)."""
        if not len(features):
            return []
        x = _tfidf(features, self.vocabulary, self.idf)
        out: list[list[str]] = []
        for i, k in enumerate(ks):
            lo, hi = x.indptr[i], x.indptr[i + 1]
            idx = x.indices[lo:hi]
            contrib = x.data[lo:hi] * self.coef[k, idx]
            terms: list[str] = []
            for j in np.argsort(-contrib)[: 4 * top]:
                if contrib[j] <= 0 or len(terms) >= top:
                    break
                t = self.terms[int(idx[j])]
                if not any(t in o or o in t for o in terms):  # 条块 and 条 say the same thing
                    terms.append(t)
            out.append(terms)
        return out
