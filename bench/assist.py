"""Machine assistance: suggestion accuracy on THUCNews titles, and the speed of training and
suggesting.

Accuracy: the 10,000 titles of ``../shared/data/thucnews`` are imported as sources (the 10
classes as codes), the labels hidden, and a researcher coding titles is simulated: chosen at
random, or by the active-learning queue (20 random, then in batches the unit of each code the
model leans to that is least certain, weighted by the words no coded title has shown the model
yet, :func:`coder.assist.service.queue_order` with :func:`~coder.assist.service.word_novelty`;
at most 5 a batch up to 200 and 25 after, the model retrained after each batch — the workbench
retrains after every coding, but a batch of 1 did no better for the least certain alone on the
development seeds). The weighting and its power (½) were chosen on seeds 100–111, never on the
5 seeds reported (0–4): there the least certain alone gave +1.9 points over random at 200 and
with the weighting +3.3; the other strategies tried are listed in
:func:`~coder.assist.service.queue_order`. Top-1 accuracy on the titles not coded, averaged over
5 seeds, beside the fixed baseline (character TF-IDF + logistic regression) and spaCy's
``textcat_multilabel`` on the same random draws. Skipped, with the reason printed, when the data
is absent.

Speed (synthetic text, always run): training on 1,000 coded units; suggestions for 100,000 units
of about 300 characters (where the time goes); margin suggestions for a 15,000-character source
from a trained model.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np

from bench.common import Context, Result

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "thucnews"
SEEDS = 5
CURVE = (50, 100, 200, 500)
START = 20
BATCH = 5


def _say(text: str) -> None:
    print(f"bench/assist: {text}", file=sys.stderr, flush=True)


def _thucnews(work: Path):  # type: ignore[no-untyped-def]
    """The titles as a project (each a source); returns the project, its units and the hidden
    classes (as indices into the units)."""
    from coder.assist.features import load_units
    from coder.model import SourceDraft
    from coder.project import Project
    from coder.text.normalise import normalise

    names = (DATA / "class.txt").read_text(encoding="utf-8").split()
    rows = []
    for line in (DATA / "titles.txt").read_text(encoding="utf-8").splitlines():
        title, _, cls = line.rpartition("\t")
        if title.strip():
            rows.append((normalise(title), int(cls)))
    path = work / "thucnews.coder"
    project = Project.create(path, coder="bench")
    for name in names:
        project.add_code(name)
    project.add_sources(
        [SourceDraft(name=f"T{i:05d}", text=t) for i, (t, _) in enumerate(rows)],
        summary="import THUCNews titles",
    )
    units = load_units(project, "source")
    y = np.array([c for _, c in rows])
    assert len(units) == len(y)
    return project, units, y, names


def _training(units, y, rows, n_classes):  # type: ignore[no-untyped-def]
    """What ``training_set`` makes of titles coded with one class each."""
    from coder.assist.model import Training

    labels = -np.ones((len(rows), n_classes), dtype=np.int8)
    labels[np.arange(len(rows)), y[rows]] = 1
    return Training(
        units.take(rows),
        list(range(n_classes)),
        labels,
        np.ones(labels.shape, dtype=np.float32),
    )


def _accuracy(scores: np.ndarray, y: np.ndarray, rest: np.ndarray) -> float:
    """Top-1 accuracy in percent."""
    return 100 * float((scores[rest].argmax(axis=1) == y[rest]).mean())


def _baseline(texts: list[str], y: np.ndarray, rows: np.ndarray, rest: np.ndarray) -> float:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    x = vec.fit_transform([texts[i] for i in rows])
    clf = LogisticRegression(C=10, max_iter=2000).fit(x, y[rows])
    pred = clf.predict(vec.transform([texts[i] for i in rest]))
    return 100 * float((pred == y[rest]).mean())


def _accuracy_rows(ctx: Context) -> list[Result]:
    from coder.assist.model import Space, Suggester
    from coder.assist.service import queue_order, word_novelty
    from coder.assist.spacy_model import SpacyTextcat

    work = ctx.out / "assist"
    work.mkdir(parents=True, exist_ok=True)
    for old in work.glob("thucnews.coder*"):
        old.unlink()
    t = time.perf_counter()
    project, units, y, names = _thucnews(work)
    k = len(names)
    _say(f"imported {len(y)} titles in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    space = Space.fit(units.features)
    _say(f"latent space of the corpus in {time.perf_counter() - t:.1f} s")
    everything = np.arange(len(y))
    figures: dict[str, list[float]] = {}

    def note(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    def model_scores(rows: np.ndarray) -> np.ndarray:
        model = Suggester.train(_training(units, y, rows, k), space, calibrate=False)
        return model.scores(units.features)

    for seed in range(SEEDS):
        order = np.random.default_rng(seed).permutation(len(y))
        for n in CURVE:
            rows, rest = order[:n], order[n:]
            note(f"random-{n}", _accuracy(model_scores(rows), y, rest))
            note(f"baseline-{n}", _baseline(units.texts, y, rows, rest))
        rows, rest = order[:200], order[200:]
        textcat = SpacyTextcat(list(range(k)), seed=seed)
        labels = _training(units, y, rows, k).labels
        textcat.fit([units.features[i] for i in rows], labels)
        note("spacy-200", _accuracy(textcat.scores(units.features), y, rest))
        # The queue: 20 random, then the least certain uncoded titles weighted by their new
        # words, BATCH at a time.
        coded = list(order[:START])
        while len(coded) < max(CURVE):
            scores = model_scores(np.array(coded))
            if len(coded) in CURVE:
                rest = np.setdiff1d(everything, coded)
                note(f"queue-{len(coded)}", _accuracy(scores, y, rest))
            pool = np.setdiff1d(everything, coded)
            # One batch: the top unit of each code the model leans to (at most BATCH, five
            # times that past 200), never past the next point of the curve.
            leaning = len(set(scores[pool].argmax(axis=1).tolist()))
            step = min(BATCH if len(coded) < 200 else 5 * BATCH, leaning)
            step = min(step, min(n for n in CURVE if n > len(coded)) - len(coded))
            novelty = word_novelty(units, pool, coded)
            coded += pool[queue_order(scores[pool], step, novelty)].tolist()
        rest = np.setdiff1d(everything, coded)
        note(f"queue-{len(coded)}", _accuracy(model_scores(np.array(coded)), y, rest))
        _say(
            f"seed {seed}: random-200 {figures['random-200'][-1]:.1f} %, queue-200 "
            f"{figures['queue-200'][-1]:.1f} %, baseline-200 {figures['baseline-200'][-1]:.1f} %, "
            f"spacy-200 {figures['spacy-200'][-1]:.1f} %"
        )
    project.close()
    mean = {name: float(np.mean(v)) for name, v in figures.items()}
    acc = "%"
    out = [
        Result(
            "assist: THUCNews top-1, 200 random (mean of 5 seeds)",
            mean["random-200"],
            acc,
            target=round(mean["baseline-200"] + 5, 2),
            higher_is_better=True,
            anchor="baseline char TF-IDF + LR",
            anchor_value=mean["baseline-200"],
        ),
        Result(
            "assist: THUCNews top-1, 200 by the queue",
            mean["queue-200"],
            acc,
            target=round(mean["random-200"] + 3, 2),
            higher_is_better=True,
            anchor="200 random",
            anchor_value=mean["random-200"],
        ),
        Result(
            "assist: THUCNews top-1, 200 random, spaCy textcat_multilabel",
            mean["spacy-200"],
            acc,
            anchor="the kept linear model",
            anchor_value=mean["random-200"],
        ),
    ]
    for n in CURVE:
        for kind in ("random", "queue", "baseline"):
            out.append(Result(f"assist: learning curve, {kind}-{n}", mean[f"{kind}-{n}"], acc))
    return out


# -- speed ------------------------------------------------------------------------------------


_WORDS = (
    "网格员 走访 社区 居民 反映 问题 街道 经费 预算 紧张 部门 协调 会商 条块 联动 属地 "
    "责任 考核 压力 群众 满意 服务 窗口 办事 流程 简化 数据 共享 平台 系统 上报 处置 "
    "矛盾 纠纷 调解 志愿者 物业 业主 委员会 党建 引领 治理 创新 基层 干部 工作 安排"
).split()


def _synthetic_text(rng: random.Random, chars: int) -> str:
    out: list[str] = []
    size = 0
    while size < chars:
        sentence = "".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 9))) + "。"
        out.append(sentence)
        size += len(sentence)
    return "".join(out)


def _speed_rows(ctx: Context) -> list[Result]:
    from coder.assist import service
    from coder.assist.features import UnitTable, unit_features
    from coder.assist.model import Space, Suggester, Training
    from coder.model import SourceDraft
    from coder.project import Project
    from coder.text import nlp

    rng = random.Random(7)
    work = ctx.out / "assist"
    work.mkdir(parents=True, exist_ok=True)

    # Training on 1,000 coded units (sentences of synthetic interviews; 8 codes by keyword).
    codes = _WORDS[:8]
    texts = [_synthetic_text(rng, 60) for _ in range(1000)]
    tk = nlp.jieba_tokenizer()
    feats = [unit_features(t, [w for w in tk.lcut(t) if w.strip()]) for t in texts]
    table = UnitTable(
        np.zeros(1000, dtype=np.int64),
        np.arange(1000),
        np.arange(1, 1001),
        texts,
        feats,
    )
    labels = np.array([[1 if c in t else -1 for c in codes] for t in texts], dtype=np.int8)
    training = Training(table, list(range(8)), labels, np.ones(labels.shape, dtype=np.float32))
    t = time.perf_counter()
    space = Space.fit(feats)
    model = Suggester.train(training, space)
    train_s = time.perf_counter() - t

    # Suggestions for 100,000 units of about 300 characters, 10,000 at a time: segmentation
    # (once; the service caches it per source), features, scoring, because terms.
    seg_s = feat_s = score_s = because_s = 0.0
    suggested = 0
    for _ in range(10):
        chunk = [_synthetic_text(rng, 300) for _ in range(10_000)]
        t = time.perf_counter()
        words = [[w for w in tk.lcut(x) if w.strip()] for x in chunk]
        seg_s += time.perf_counter() - t
        t = time.perf_counter()
        chunk_feats = [unit_features(x, w) for x, w in zip(chunk, words, strict=True)]
        feat_s += time.perf_counter() - t
        t = time.perf_counter()
        scores = model.scores(chunk_feats)
        score_s += time.perf_counter() - t
        t = time.perf_counter()
        best = scores.argmax(axis=1)
        strong = np.flatnonzero(scores.max(axis=1) >= 0.5)
        model.because_many([chunk_feats[i] for i in strong], best[strong].tolist())
        suggested += len(strong)
        because_s += time.perf_counter() - t
    total = feat_s + score_s + because_s
    _say(
        f"100,000 units: segmentation {seg_s:.1f} s (once), features {feat_s:.1f} s, scoring "
        f"{score_s:.1f} s, because for {suggested} suggestions {because_s:.1f} s"
    )

    # Margin suggestions for a 15,000-character source, after a coding, from the current model.
    path = work / "margin.coder"
    for old in work.glob("margin.coder*"):
        old.unlink()
    project = Project.create(path, coder="R1")
    for c in codes:
        project.add_code(c)
    lines = [_synthetic_text(rng, 40) for _ in range(375)]
    project.add_sources([SourceDraft(name=f"S{i}", text="\n".join(lines)) for i in range(2)])
    analysis = project.analysis("S0")
    text = project.source_text("S0")
    rows = [
        (1, 1 + codes.index(c), s, e, "R1")
        for s, e in analysis.sentences[:300]
        for c in codes[:2]
        if c in text[s:e]
    ]
    project.add_codings(rows)
    trained = service.model_for(project, "sentence")
    names = {c.id: (c.name, c.label) for c in project.codes()}
    service.suggestions_for_source(project, "S1", trained, names=names)  # words cached
    t = time.perf_counter()
    found = service.suggestions_for_source(project, "S1", trained, names=names)
    margin_s = time.perf_counter() - t
    project.close()
    _say(f"margin: {len(found)} suggestions for {len(text)} characters")
    return [
        Result("assist: train on 1,000 coded units", train_s, target=10.0),
        Result(
            "assist: suggestions for 100,000 units of ~300 chars, words cached", total, target=120.0
        ),
        Result("assist:   of which features", feat_s),
        Result("assist:   of which scoring", score_s),
        Result("assist:   of which because terms", because_s),
        Result("assist: first jieba segmentation of those units (then cached)", seg_s),
        Result("assist: margin suggestions, 15,000-char source", margin_s, target=0.1),
    ]


def run(ctx: Context) -> list[Result]:
    out: list[Result] = []
    if (DATA / "titles.txt").is_file() and (DATA / "class.txt").is_file():
        out += _accuracy_rows(ctx)
    else:
        print(
            f"bench/assist: skipping the THUCNews accuracy rows: {DATA} is absent",
            file=sys.stderr,
        )
    out += _speed_rows(ctx)
    return out
