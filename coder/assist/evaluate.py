"""The model measured as a second coder: per-code precision, recall, F1 and Cohen's κ against the
human coder on held-out sources, beside the κ between two human coders (the human ceiling), with a
learning curve and a paragraph for the methods section.

A unit is "coded c" by the model when its score for c reaches c's threshold, the one the margin
uses (chosen on cross-validated scores of the training units only); the reference is the human
coder's codings of the held-out sources' coded units (those the coder coded with any code).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from coder.analysis.data import source_ids as named_sources
from coder.assist import service
from coder.assist.model import Suggester
from coder.errors import InvalidInput
from coder.i18n import _

if TYPE_CHECKING:
    from coder.project import Project


@dataclass
class CodeFigures:
    label: str
    name: str
    support: int
    precision: float
    recall: float
    f1: float
    kappa: float
    human_kappa: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass
class Evaluation:
    model: str
    unit: str
    coder: str
    train_sources: int
    test_sources: list[str]
    train_units: int
    test_units: int
    codes: list[CodeFigures]
    curve: list[dict[str, float]] = field(default_factory=list)
    human_pair: list[str] | None = None

    def macro(self, attr: str) -> float:
        vals = [getattr(c, attr) for c in self.codes if c.support and getattr(c, attr) is not None]
        return float(np.mean(vals)) if vals else 0.0

    def methods(self) -> str:
        ceiling = (
            f" The two human coders ({', '.join(self.human_pair)}) reached a mean κ of "
            f"{self.macro('human_kappa'):.2f} on the same units."
            if self.human_pair
            else ""
        )
        return (
            f"Code suggestions came from a model trained only on this project's codings, offline: "
            f"one logistic regression per code over TF-IDF features of jieba words and character "
            f"unigrams and bigrams, plus 100 latent dimensions from a truncated SVD of all the "
            f"project's {self.unit}s (model {self.model}). A code was suggested from a threshold "
            f"of its own, the score with the best F1 (at a precision of at least half) in a "
            f"three-fold cross-validation on the training units, and only for codes with three "
            f"or more coded units. Trained on {self.train_units} "
            f"{self.unit}s coded by {self.coder} in {self.train_sources} sources and tested on "
            f"{self.test_units} coded {self.unit}s of {len(self.test_sources)} held-out sources, "
            f"it reached a mean precision of {self.macro('precision'):.2f}, recall of "
            f"{self.macro('recall'):.2f}, F1 of {self.macro('f1'):.2f} and Cohen's κ of "
            f"{self.macro('kappa'):.2f} with the human coder over {len(self.codes)} codes."
            f"{ceiling} Suggestions were codings only where a researcher accepted them."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "unit": self.unit,
            "coder": self.coder,
            "train_sources": self.train_sources,
            "test_sources": self.test_sources,
            "train_units": self.train_units,
            "test_units": self.test_units,
            "codes": [c.as_dict() for c in self.codes],
            "macro": {a: round(self.macro(a), 4) for a in ("precision", "recall", "f1", "kappa")},
            "human_pair": self.human_pair,
            "learning_curve": self.curve,
            "methods": self.methods(),
        }

    def lines(self) -> list[str]:
        out = [
            f"model {self.model}, {self.unit} unit, coder {self.coder}: trained on "
            f"{self.train_units} units, tested on {self.test_units} units of "
            f"{', '.join(self.test_sources)}",
            f"{'code':<8} {'n':>4} {'P':>5} {'R':>5} {'F1':>5} {'κ':>5} {'κ human':>8}",
        ]
        for c in self.codes:
            hk = "" if c.human_kappa is None else f"{c.human_kappa:.2f}"
            out.append(
                f"{c.label:<8} {c.support:>4} {c.precision:>5.2f} {c.recall:>5.2f} "
                f"{c.f1:>5.2f} {c.kappa:>5.2f} {hk:>8}"
            )
        out.append("learning curve (coded units → mean F1, mean κ):")
        out += [f"  {p['units']:>5} → {p['f1']:.2f}, {p['kappa']:.2f}" for p in self.curve]
        out += ["", self.methods()]
        return out


def figures(truth: np.ndarray, pred: np.ndarray) -> tuple[float, float, float, float]:
    """Precision, recall, F1 and Cohen's κ of binary predictions (scikit-learn's definitions;
    0 where undefined)."""
    from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

    p, r, f, _x = precision_recall_fscore_support(truth, pred, average="binary", zero_division=0.0)
    if len(set(truth.tolist()) | set(pred.tolist())) < 2:
        kappa = 1.0 if np.array_equal(truth, pred) else 0.0
    else:
        kappa = float(cohen_kappa_score(truth, pred))
    return float(p), float(r), float(f), kappa


def evaluate(
    project: Project,
    *,
    unit: str = "sentence",
    coder: str | None = None,
    held_out: str | None = None,
    seed: int = 0,
) -> Evaluation:
    units = service.project_units(project, unit)
    coder_ids = service.training_coders(project, coder)
    everything, coded = service.training_set(project, units, coder_ids)
    coded_sources = sorted({int(s) for s in units.source_ids[coded]})
    if len(coded_sources) < 2:
        raise InvalidInput(
            _(
                "evaluation holds out coded sources and trains on the rest: code at least two sources first; nothing was changed"
            )
        )
    test = named_sources(project, held_out)
    if test is None:
        rng = np.random.default_rng(seed)
        n = max(1, round(len(coded_sources) / 4))
        test = sorted(rng.choice(coded_sources, n, replace=False).tolist())
    in_test = np.isin(units.source_ids, test)
    train_units = units.take(np.flatnonzero(~in_test))
    test_units = units.take(np.flatnonzero(in_test))
    training, _x = service.training_set(project, train_units, coder_ids)
    truth_set, test_coded = service.training_set(project, test_units, coder_ids)
    if not len(training.units):
        raise InvalidInput(_("nothing is coded outside the held-out sources; nothing was changed"))
    if not len(truth_set.units):
        raise InvalidInput(_("nothing is coded in the held-out sources; nothing was changed"))
    space = service.Space.fit(units.features)
    model = Suggester.train(training, space)
    scores = model.scores(truth_set.units.features)
    names = {c.id: c for c in project.codes()}
    results = []
    human = _human_pair(project, coder, test_units, truth_set.codes)
    for k, cid in enumerate(truth_set.codes):
        truth = truth_set.labels[:, k] > 0
        if cid in model.codes:
            k_model = model.codes.index(cid)
            pred = scores[:, k_model] >= model.thresholds[k_model]
        else:
            pred = np.zeros(len(truth), dtype=bool)
        p, r, f, kappa = figures(truth.astype(int), pred.astype(int))
        code = names[cid]
        hk = human[1].get(cid) if human else None
        results.append(CodeFigures(code.label, code.name, int(truth.sum()), p, r, f, kappa, hk))
    curve = _curve(training, space, truth_set, seed)
    label = coder or "every human coder"
    return Evaluation(
        model.version,
        unit,
        label,
        len({int(s) for s in training.units.source_ids}),
        [units.names[s] for s in test],
        len(training.units),
        len(truth_set.units),
        results,
        curve,
        human[0] if human else None,
    )


def _curve(training: Any, space: Any, truth_set: Any, seed: int) -> list[dict[str, float]]:
    """Mean F1 and κ against the number of coded units (random subsets of the training set)."""
    n = len(training.units)
    sizes = sorted({s for s in (25, 50, 100, 200, 500, 1000, 2000) if s < n} | {n})
    rng = np.random.default_rng(seed)
    out = []
    for size in sizes:
        rows = np.sort(rng.permutation(n)[:size])
        sub = service.Training(
            training.units.take(rows), training.codes, training.labels[rows], training.weights[rows]
        )
        model = Suggester.train(sub, space)
        scores = model.scores(truth_set.units.features)
        fs, ks = [], []
        for k, cid in enumerate(truth_set.codes):
            truth = (truth_set.labels[:, k] > 0).astype(int)
            if not truth.sum():
                continue
            at = model.codes.index(cid) if cid in model.codes else -1
            pred = (
                (scores[:, at] >= model.thresholds[at]).astype(int)
                if at >= 0
                else np.zeros(len(truth), dtype=int)
            )
            _x, _x, f, kappa = figures(truth, pred)
            fs.append(f)
            ks.append(kappa)
        out.append(
            {
                "units": int(size),
                "f1": round(float(np.mean(fs or [0])), 4),
                "kappa": round(float(np.mean(ks or [0])), 4),
            }
        )
    return out


def _human_pair(
    project: Project, coder: str | None, test_units: Any, code_ids: list[int]
) -> tuple[list[str], dict[int, float]] | None:
    """Per-code κ between the coder and another human coder on the held-out units both coded."""
    humans = [c for c in project.coders() if not service.is_machine(c)]
    first = coder or (humans[0] if humans else None)
    others = [c for c in humans if c != first]
    if first is None or not others:
        return None
    ids = service.training_coders(project, first), service.training_coders(project, others[0])
    a, a_coded = service.training_set(project, test_units, ids[0])
    b, b_coded = service.training_set(project, test_units, ids[1])
    both = np.flatnonzero(a_coded & b_coded)
    if not len(both):
        return None

    def column(ts: Any, coded: np.ndarray, cid: int) -> np.ndarray:
        full = np.zeros(len(test_units), dtype=int)
        if cid in ts.codes:
            where = test_units.index()
            rows = [where[k] for k in ts.units.index()]
            full[rows] = (ts.labels[:, ts.codes.index(cid)] > 0).astype(int)
        return full[both]

    out = {}
    for cid in code_ids:
        out[cid] = figures(column(a, a_coded, cid), column(b, b_coded, cid))[3]
    return [first, others[0]], out
