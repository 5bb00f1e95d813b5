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
from threadpoolctl import threadpool_limits

from coder.assist.features import FEATURES_VERSION, UnitTable, term

LATENT_DIMS = 100
LATENT_SAMPLE = 20_000
C = 10.0
#: Weight of a rejected suggestion as a negative example (a person said so explicitly).
REJECTION_WEIGHT = 2.0
#: A code is suggested only once this many units carry it: fewer cannot be cross-validated.
MIN_CODED = 3
#: ... and only above the score where, across folds, at least this share of what it would have
#: suggested was right (the threshold itself is the one with the best F1 there).
MIN_PRECISION = 0.5
FOLDS = 3


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


#: Characters and words that say nothing as a reason (particles, pronouns, demonstratives,
#: connectives, measure words, common verbs and prepositions; Simplified and Traditional): kept as
#: features, never shown as ``because``. Negations (不, 没有) are left in: "not" can be the reason.
_FILLER = frozenset(
    "了的一是在和也就都而及与與着著或被把让讓给給对對从從这這那个個们們我你他她它"
    "吗嗎呢吧啊呀哦嗯有很还還又才要会會能说說来來去到得地之其以为為于於则則"
    "，。、；：？！…—“”‘’（）《》「」『』 "
) | frozenset(
    """这个 那个 这些 那些 这里 那里 这样 那样 我们 你们 他们 她们 它们 咱们 自己 就是 还是
    但是 因为 所以 然后 如果 已经 可以 什么 怎么 一个 一些 一下 一直 的话 时候 现在 這個 那個
    這些 這裡 那裡 這樣 那樣 我們 你們 他們 她們 它們 咱們 還是 因為 然後 已經 什麼 怎麼
    一個 的話 時候 現在""".split()
)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _fit(x, labels: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per column of ``labels`` (+1, -1, 0 unknown): (coef, intercept)."""
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((labels.shape[1], x.shape[1]), dtype=np.float32)
    intercept = np.full(labels.shape[1], -5.0, dtype=np.float32)
    for k in range(labels.shape[1]):
        known = np.flatnonzero(labels[:, k] != 0)
        y = labels[known, k] > 0
        if not y.any():
            continue  # never coded: the intercept keeps its score near 0
        if y.all():
            intercept[k] = 5.0  # always coded where known: nothing to tell it apart
            continue
        clf = LogisticRegression(C=C, max_iter=2000)
        clf.fit(x[known], y, sample_weight=weights[known, k])
        coef[k] = clf.coef_[0]
        intercept[k] = clf.intercept_[0]
    return coef, intercept


def _folds(labels: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """A fold for each unit, the units of each code spread over the folds in turn (rarest code
    first), so that a code coded three times is held out once in each fold."""
    positives = (labels > 0).sum(axis=0)
    rarest = np.where(labels > 0, positives, np.iinfo(np.int64).max).min(axis=1)
    order = np.random.default_rng(seed).permutation(len(labels))
    order = order[np.argsort(rarest[order], kind="stable")]
    fold = np.empty(len(labels), dtype=np.int64)
    fold[order] = np.arange(len(labels)) % folds
    return fold


def cut_point(scores: np.ndarray, truth: np.ndarray) -> tuple[float, float, float, float]:
    """The score from which to suggest a code, chosen on held-out scores: the cut with the best
    F1 among those where at least :data:`MIN_PRECISION` of the units above it carry the code.
    Returns (threshold, precision, recall, F1) there; the threshold is infinite (never suggest)
    where no cut reaches that precision."""
    if not truth.any():
        return float("inf"), 0.0, 0.0, 0.0
    order = np.argsort(-scores, kind="stable")
    hit = truth[order]
    tp = np.cumsum(hit)
    precision = tp / np.arange(1, len(hit) + 1)
    recall = tp / hit.sum()
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    # Only a cut just below a unit that carries the code (and below all its equals) counts.
    s = scores[order]
    last_of_equals = np.append(s[1:] != s[:-1], True)
    ok = hit & last_of_equals & (precision >= MIN_PRECISION)
    if not ok.any():
        return float("inf"), float(precision.max()), 0.0, 0.0
    i = int(np.flatnonzero(ok)[np.argmax(f1[ok])])
    return float(s[i]), float(precision[i]), float(recall[i]), float(f1[i])


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
        self.coded = np.zeros(0, dtype=np.int64)
        """Per code: how many training units carry it."""
        self.thresholds = np.zeros(0)
        """Per code: the score from which it is suggested (inf: not suggested yet), chosen on
        cross-validated scores (:func:`cut_point`)."""
        self.cv = np.zeros((0, 3))
        """Per code: cross-validated precision, recall and F1 at its threshold."""
        self._union: tuple[dict[str, int], object, object] | None = None

    @classmethod
    def train(cls, training: Training, space: Space, *, calibrate: bool = True) -> Suggester:
        """Fit one model per code; with ``calibrate``, also choose each code's threshold from
        :data:`FOLDS`-fold cross-validated scores (three more fits on two thirds of the units)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        model = cls(space, f"lr-{training.fingerprint()}")
        model.codes = list(training.codes)
        model.trained_units = len(training.units)
        n_codes = len(model.codes)
        model.coded = (training.labels > 0).sum(axis=0).astype(np.int64)
        model.thresholds = np.full(n_codes, np.inf)
        model.cv = np.zeros((n_codes, 3))
        if not len(training.units):
            return model
        vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32)
        vec.fit(training.units.features)
        model.vocabulary = dict(vec.vocabulary_)
        model.terms = [term(f) for f in vec.get_feature_names_out()]
        model.idf = vec.idf_.astype(np.float32)
        x = model._matrix(training.units.features)
        # One BLAS thread: L-BFGS on these small problems is many times slower when OpenBLAS
        # threads fight over two cores (1.35 s against 0.04 s for one code of the demo).
        with threadpool_limits(limits=1, user_api="blas"):
            model.coef, model.intercept = _fit(x, training.labels, training.weights)
            if calibrate:
                model._calibrate(x, training)
        return model

    def _calibrate(self, x, training: Training) -> None:
        labels = training.labels
        enough = np.flatnonzero(self.coded >= MIN_CODED)
        if not len(enough):
            return
        held = np.zeros((len(labels), len(enough)), dtype=np.float32)
        fold = _folds(labels[:, enough], FOLDS, seed=0)
        for f in range(FOLDS):
            fit, test = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
            coef, intercept = _fit(x[fit], labels[fit][:, enough], training.weights[fit][:, enough])
            held[test] = _sigmoid(np.asarray(x[test] @ coef.T) + intercept)
        for j, k in enumerate(enough):
            known = labels[:, k] != 0
            t, p, r, f1 = cut_point(held[known, j], labels[known, k] > 0)
            self.thresholds[k] = t
            self.cv[k] = (p, r, f1)

    def suggestable(self) -> np.ndarray:
        """Indices of the codes with a threshold (enough codings, precise enough held out)."""
        return np.flatnonzero(np.isfinite(self.thresholds))

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
        return _sigmoid(np.asarray(x @ self.coef.T) + self.intercept)

    def because(self, features: list[str], k: int, top: int = 3) -> list[str]:
        """The terms in a unit that speak most for code ``k`` (largest positive contributions)."""
        return self.because_many([features], [k], top)[0]

    def because_many(
        self, features: Sequence[list[str]], ks: Sequence[int], top: int = 3
    ) -> list[list[str]]:
        """:meth:`because` for many units at once (one TF-IDF matrix for all of them).

        The reasons are the unit's own words (jieba's), each weighed with the characters and
        pairs that spell it: many-character words first, then single-character words that
        carry meaning. Character pairs across a word boundary (里统 of 区里统筹) and function
        words (了, 一, 这个, 我们) weigh in the score but are not given as reasons; only where no word speaks
        for the code do the pairs and characters stand in."""
        if not len(features):
            return []
        x = _tfidf(features, self.vocabulary, self.idf)
        is_word = self._word_features()
        out: list[list[str]] = []
        for i, k in enumerate(ks):
            lo, hi = x.indptr[i], x.indptr[i + 1]
            idx = x.indices[lo:hi]
            contrib = x.data[lo:hi] * self.coef[k, idx]
            weight: dict[str, float] = {}
            words: set[str] = set()
            for j, c in zip(idx.tolist(), contrib.tolist(), strict=True):
                text = self.terms[j]
                weight[text] = weight.get(text, 0.0) + c
                if is_word[j]:
                    words.add(text)
            shown = [t for t in words if weight[t] > 0 and t not in _FILLER]
            if not shown:  # no word speaks for it: the pairs and characters that do
                shown = [t for t, w in weight.items() if w > 0 and t not in _FILLER]
            shown.sort(key=lambda t: (len(t) == 1, -weight[t]))
            terms: list[str] = []
            for t in shown:
                if len(terms) >= top:
                    break
                if not any(t in o or o in t for o in terms):  # 条块 and 条 say the same thing
                    terms.append(t)
            out.append(terms)
        return out

    def _word_features(self) -> np.ndarray:
        """Per vocabulary column: whether it is one of jieba's words (``w:``), not a character
        or a character pair."""
        cached = getattr(self, "_words", None)
        if cached is None or len(cached) != len(self.terms):
            cached = np.zeros(len(self.terms), dtype=bool)
            for feature, j in self.vocabulary.items():
                if feature.startswith("w:") and j < len(cached):
                    cached[j] = True
            self._words = cached
        return cached
