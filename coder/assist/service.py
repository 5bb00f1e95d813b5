"""What the CLI and the workbench ask of machine assistance: a trained model, suggestions, the
queue of what to code next.

Call :func:`model_for` once (it trains, or returns the model already trained from the same
codings), then :func:`suggestions_for_source` for the margin of the source on screen (fast: the
source's words are cached and scoring is one matrix product), or :func:`suggest` across the
project. Suggestions are never codings until a person accepts one
(:meth:`coder.facade.suggestions.SuggestionOps.accept_suggestion`).

Length: the one place where the project's codings meet the model: which coders train it, the
training set with its rejections, the per-code thresholds, readiness (why nothing is suggested),
the interviewer-question filter, suggestions for a source or the project, and the queue. Each
step reads the cached unit table and the same training set; split apart they would pass those
around or recompute them, and the CLI and the TUI would have to know the order of the calls.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select

from coder.assist.features import UnitTable, check_unit, digest, load_units
from coder.assist.model import REJECTION_WEIGHT, Space, Suggester, Training
from coder.errors import InvalidInput
from coder.i18n import _
from coder.store.schema import MACHINE_PREFIX, coders, codes, codings, rejections

if TYPE_CHECKING:
    from coder.project import Project


#: The queue leaves out units with fewer word-like characters than this (fillers).
MIN_QUEUE_CHARS = 6
#: Weight of an uncoded unit in a coded source as a negative example of every code.
UNCODED_WEIGHT = 0.5
#: The queue ranks by uncertainty times (new words / most new words + FLOOR) ** POWER
#: (:func:`queue_order`; chosen on THUCNews seeds 100–111, never on the reported 0–4).
NOVELTY_POWER = 0.5
NOVELTY_FLOOR = 0.05


def is_machine(name: str) -> bool:
    """A machine coder: the codings of a model's confirmation run (``model:<version>``)."""
    return name.startswith(MACHINE_PREFIX)


@dataclass(frozen=True)
class Suggestion:
    source: str
    source_id: int
    start: int
    end: int
    text: str
    code: str
    label: str
    code_id: int
    score: float
    because: list[str]
    model: str

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["score"] = round(self.score, 4)
        return d


# -- training -------------------------------------------------------------------------------


def training_coders(project: Project, coder: str | None) -> list[int]:
    """Ids of the coders whose codings teach the model: ``coder``, else every human coder."""
    with project.read() as conn:
        known = dict(conn.execute(select(coders.c.name, coders.c.id)).all())
    if coder is not None:
        if coder not in known:
            have = ", ".join(sorted(known)) or "none yet"
            raise InvalidInput(
                _("no coder named {coder!r} (coders: {have}); nothing was changed").format(
                    coder=coder, have=have
                )
            )
        return [known[coder]]
    return [cid for name, cid in known.items() if not is_machine(name)]


def suggestion_coder(project: Project, coder: str | None, *, blind: bool = False) -> str | None:
    """Whose codings a model learns from. In blind coding (the workbench's "only mine" view,
    ``coder suggest --blind``) a coder checking reliability must not be steered by a colleague's
    codings, so only their own count: ``coder`` if given, else this session's coder. Otherwise
    ``coder``, where None means every human coder."""
    if blind:
        who = coder or project.coder
        if who not in project.coders():
            raise InvalidInput(
                _(
                    "blind coding: suggestions come only from {who}'s own codings, and {who} has coded nothing yet; nothing was changed"
                ).format(who=who)
            )
        return who
    return coder


def _rows(
    project: Project, table: Any, coder_ids: list[int], source_id: int | None = None
) -> list[tuple[int, int, int, int]]:
    query = select(table.c.source_id, table.c.start, table.c.end, table.c.code_id).where(
        table.c.coder_id.in_(coder_ids)
    )
    if source_id is not None:
        query = query.where(table.c.source_id == source_id)
    with project.read() as conn:
        live = set(conn.execute(select(codes.c.id)).scalars())
        return [tuple(r) for r in conn.execute(query) if r[3] in live]


def _overlaps(units: UnitTable, sid: int, start: int, end: int) -> np.ndarray:
    """Rows of the units of source ``sid`` that overlap ``[start, end)``."""
    lo = np.searchsorted(units.source_ids, sid, side="left")
    hi = np.searchsorted(units.source_ids, sid, side="right")
    s, e = units.starts[lo:hi], units.ends[lo:hi]
    first = np.searchsorted(e, start, side="right")
    last = np.searchsorted(s, end, side="left")
    return np.arange(lo + first, lo + max(last, first))


def training_set(
    project: Project, units: UnitTable, coder_ids: list[int]
) -> tuple[Training, np.ndarray]:
    """The training examples among ``units``, and a mask of the units coded (by those coders).

    A unit any of the coders coded is a positive example of each code applied in it and a
    negative one of every other code; a rejected suggestion is a negative example of its code.
    """
    coded = _rows(project, codings, coder_ids)
    rejected = _rows(project, rejections, coder_ids)
    code_ids = sorted({r[3] for r in coded})
    col = {c: k for k, c in enumerate(code_ids)}
    labels = np.zeros((len(units), len(code_ids)), dtype=np.int8)
    is_coded = np.zeros(len(units), dtype=bool)
    for sid, start, end, cid in coded:
        rows = _overlaps(units, sid, start, end)
        is_coded[rows] = True
        labels[rows, col[cid]] = 1
    labels[is_coded] = np.where(labels[is_coded] > 0, 1, -1)
    weights = np.ones(labels.shape, dtype=np.float32)
    # A source the coders have coded has been read: its uncoded units are weaker negative
    # examples of every code (so plain talk between coded passages is not suggested).
    read = np.isin(units.source_ids, [r[0] for r in coded]) & ~is_coded
    labels[read] = -1
    weights[read] = UNCODED_WEIGHT
    for sid, start, end, cid in rejected:
        if cid not in col:
            continue
        rows = _overlaps(units, sid, start, end)
        rows = rows[labels[rows, col[cid]] <= 0]
        labels[rows, col[cid]] = -1
        weights[rows, col[cid]] = REJECTION_WEIGHT
    keep = np.flatnonzero((labels != 0).any(axis=1))
    return Training(units.take(keep), code_ids, labels[keep], weights[keep]), is_coded


_spaces: OrderedDict[tuple[str, str, str], Space] = OrderedDict()
_models: OrderedDict[tuple[str, str, tuple[int, ...], str], Suggester] = OrderedDict()
_units: OrderedDict[tuple[str, str], tuple[str, UnitTable]] = OrderedDict()
_lock = threading.RLock()


def _remember(cache: OrderedDict, key: Any, value: Any, size: int = 8) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)


def _corpus_key(project: Project) -> str:
    """Changes whenever a source or the dictionary changes (then units are read again)."""
    from coder.store.schema import sources

    with project.read() as conn:
        rows = conn.execute(select(sources.c.guid, sources.c.sha256, sources.c.chars)).all()
    return digest(repr((sorted(map(tuple, rows)), sorted(project.user_words()))))


def project_units(project: Project, unit: str) -> UnitTable:
    """Every unit of the project, read once per state of its sources."""
    check_unit(unit)
    key = (str(project.location), unit)
    corpus = _corpus_key(project)
    with _lock:
        found = _units.get(key)
        if found is not None and found[0] == corpus:
            return found[1]
    table = load_units(project, unit)
    with _lock:
        _remember(_units, key, (corpus, table), size=4)
    return table


def model_for(project: Project, unit: str = "sentence", coder: str | None = None) -> Suggester:
    """The model trained from the current codings (retrained only when they changed)."""
    units = project_units(project, unit)
    coder_ids = training_coders(project, coder)
    training, _x = training_set(project, units, coder_ids)
    if not len(training.units):
        who = coder or "any human coder"
        raise InvalidInput(
            _(
                "{who} has coded nothing yet at the {unit} unit: a model learns from codings; nothing was changed"
            ).format(who=who, unit=unit)
        )
    where = str(project.location)
    corpus = _corpus_key(project)
    with _lock:
        space = _spaces.get((where, unit, corpus))
    if space is None:
        space = Space.fit(units.features)
        with _lock:
            _remember(_spaces, (where, unit, corpus), space, size=4)
    key = (where, unit, tuple(coder_ids), training.fingerprint() + corpus)
    with _lock:
        model = _models.get(key)
    if model is None:
        model = Suggester.train(training, space)
        with _lock:
            _remember(_models, key, model)
    return model


# -- suggestions ----------------------------------------------------------------------------


def _code_names(project: Project) -> dict[int, tuple[str, str]]:
    return {c.id: (c.name, c.label) for c in project.codes()}


def _suggestions(
    project: Project,
    model: Suggester,
    units: UnitTable,
    skip: np.ndarray,
    rejected: set[tuple[int, int, int, int]],
    *,
    codes_wanted: set[int] | None,
    min_score: float | None,
    per_unit: int,
    names: dict[int, tuple[str, str]] | None = None,
) -> list[Suggestion]:
    """The best ``per_unit`` codes of each unit not skipped, among those scoring at least their
    threshold: each code's own (:attr:`Suggester.thresholds`) when ``min_score`` is None, else
    ``min_score`` for every code."""
    names = names if names is not None else _code_names(project)
    rows = np.flatnonzero(~skip)
    if not len(rows) or not model.codes:
        return []
    scores = model.scores([units.features[i] for i in rows])
    allowed = np.array(
        [c in names and (codes_wanted is None or c in codes_wanted) for c in model.codes]
    )
    floor = thresholds(model, min_score)
    scores = np.where(allowed & (scores >= floor), scores, -1.0)
    best = np.argsort(-scores, axis=1)[:, :per_unit]
    wanted = [
        (r, int(k))
        for r in range(len(rows))
        for k in best[r]
        if scores[r, k] >= 0
        and (
            int(units.source_ids[rows[r]]),
            int(units.starts[rows[r]]),
            int(units.ends[rows[r]]),
            model.codes[k],
        )
        not in rejected
    ]
    terms = model.because_many(
        [units.features[rows[r]] for r, _x in wanted], [k for _x, k in wanted]
    )
    out = []
    for (r, k), because in zip(wanted, terms, strict=True):
        i = rows[r]
        sid, s, e = int(units.source_ids[i]), int(units.starts[i]), int(units.ends[i])
        cid = model.codes[k]
        name, label = names[cid]
        out.append(
            Suggestion(
                units.names.get(sid, str(sid)),
                sid,
                s,
                e,
                units.texts[i],
                name,
                label,
                cid,
                float(scores[r, k]),
                because,
                model.version,
            )
        )
    return out


def thresholds(model: Suggester, min_score: float | None = None) -> np.ndarray:
    """Per code, the score from which it is suggested: its own, chosen on cross-validated
    scores, or ``min_score`` for every code when given."""
    if min_score is None:
        return model.thresholds
    return np.full(len(model.codes), float(min_score))


@dataclass(frozen=True)
class Readiness:
    """Which codes a model can suggest, and if none, why not (for a one-line message)."""

    suggestable: int
    """Codes with a threshold."""
    coded: int
    """Codes with any coding."""
    enough: int
    """Codes coded at least :data:`MIN_CODED` times (some may still be too imprecise)."""
    most: int
    """The most units any code carries."""
    needed: int
    """:data:`MIN_CODED`."""

    @property
    def reason(self) -> str:
        """ "ok", "few" (no code coded often enough) or "imprecise" (none reliable yet)."""
        if self.suggestable:
            return "ok"
        return "few" if not self.enough else "imprecise"

    def message(self) -> str:
        """In English, for the CLI (the workbench says the same through its catalogs)."""
        if self.reason == "few":
            return (
                f"too few codings to suggest: code {self.needed - self.most} more passage(s) "
                f"with one code (each needs {self.needed}; the most coded has {self.most})"
            )
        if self.reason == "imprecise":
            return (
                f"no code is recognised reliably yet: held out, each of the {self.enough} codes "
                f"coded {self.needed}+ times was right less than half the time; code more passages"
            )
        return f"{self.suggestable} of {self.coded} codes can be suggested"


def readiness(model: Suggester, min_score: float | None = None) -> Readiness:
    from coder.assist.model import MIN_CODED

    coded = model.coded
    suggestable = (
        int(np.isfinite(model.thresholds).sum()) if min_score is None else int((coded > 0).sum())
    )
    return Readiness(
        suggestable,
        int((coded > 0).sum()),
        int((coded >= MIN_CODED).sum()),
        int(coded.max()) if len(coded) else 0,
        MIN_CODED,
    )


def asking(project: Project, units: UnitTable, coder_ids: list[int]) -> np.ndarray:
    """A mask of the units in an interviewer's turns (访谈者, Q, ...): questions are not what a
    researcher codes, so the margin and the queue leave them alone — unless the training coders
    have coded some, then they are units like any other."""
    from coder.store.schema import turns
    from coder.text.speakers import INTERVIEWER_LABELS

    mask = np.zeros(len(units), dtype=bool)
    if not len(units):
        return mask
    wanted = sorted({int(s) for s in np.unique(units.source_ids)})
    with project.read() as conn:
        rows = conn.execute(
            select(turns.c.source_id, turns.c.start, turns.c.end).where(
                turns.c.source_id.in_(wanted), turns.c.speaker.in_(sorted(INTERVIEWER_LABELS))
            )
        ).all()
    for sid, start, end in rows:
        mask[_overlaps(units, sid, start, end)] = True
    if mask.any() and _codes_questions(project, coder_ids):
        return np.zeros(len(units), dtype=bool)
    return mask


def _codes_questions(project: Project, coder_ids: list[int]) -> bool:
    """Whether any of these coders has coded a passage inside an interviewer's turn."""
    from coder.store.schema import turns
    from coder.text.speakers import INTERVIEWER_LABELS

    query = (
        select(codings.c.id)
        .join(
            turns,
            (turns.c.source_id == codings.c.source_id)
            & (codings.c.start >= turns.c.start)
            & (codings.c.end <= turns.c.end),
        )
        .where(turns.c.speaker.in_(sorted(INTERVIEWER_LABELS)), codings.c.coder_id.in_(coder_ids))
        .limit(1)
    )
    with project.read() as conn:
        return conn.execute(query).first() is not None


def _rejected(project: Project, coder_ids: list[int]) -> set[tuple[int, int, int, int]]:
    return {(s, a, b, c) for s, a, b, c in _rows(project, rejections, coder_ids)}


def suggest(
    project: Project,
    *,
    unit: str = "sentence",
    coder: str | None = None,
    code: str | None = None,
    source: str | None = None,
    limit: int | None = 20,
    min_score: float | None = None,
    per_unit: int = 1,
) -> list[Suggestion]:
    """The strongest suggestions for the units no training coder has coded, best first; each
    code from its own threshold unless ``min_score`` is given (:func:`thresholds`)."""
    model = model_for(project, unit, coder)
    units = project_units(project, unit)
    coder_ids = training_coders(project, coder)
    _x, is_coded = training_set(project, units, coder_ids)
    skip = is_coded | asking(project, units, coder_ids)
    if source is not None:
        skip |= units.source_ids != project.source_id(source)
    wanted = {project.code(code).id} if code is not None else None
    out = _suggestions(
        project,
        model,
        units,
        skip,
        _rejected(project, coder_ids),
        codes_wanted=wanted,
        min_score=min_score,
        per_unit=per_unit,
    )
    out.sort(key=lambda s: -s.score)
    return out if limit is None else out[:limit]


def suggestions_for_source(
    project: Project,
    source: int | str,
    model: Suggester,
    *,
    unit: str = "sentence",
    coder: str | None = None,
    min_score: float | None = None,
    names: dict[int, tuple[str, str]] | None = None,
    units: UnitTable | None = None,
) -> list[Suggestion]:
    """Margin suggestions for one source from an already trained model, in text order.

    Reads only that source (its words come from the cache), so it is fast enough to run after
    every coding; pass ``names`` (code id → (name, label)) to skip reading the codebook, and
    ``units`` (this function's :func:`source_units`) to skip reading the source again.
    """
    sid = project.source_id(source)
    if units is None:
        units = source_units(project, sid, unit)
    coder_ids = training_coders(project, coder)
    skip = np.zeros(len(units), dtype=bool)
    for s, a, b, _x in _rows(project, codings, coder_ids, sid) if len(units) else []:
        skip[_overlaps(units, s, a, b)] = True
    skip |= asking(project, units, coder_ids)
    rejected = set(_rows(project, rejections, coder_ids, sid))
    return _suggestions(
        project,
        model,
        units,
        skip,
        rejected,
        codes_wanted=None,
        min_score=min_score,
        per_unit=1,
        names=names,
    )


def source_units(project: Project, source: int | str, unit: str = "sentence") -> UnitTable:
    """The units of one source with their features (keep it while the source's text is the
    same: the margin after each coding then only scores them)."""
    return load_units(project, check_unit(unit), [project.source_id(source)])


def next_units(
    project: Project, n: int = 10, *, unit: str = "sentence", coder: str | None = None
) -> list[dict[str, Any]]:
    """The uncoded units the model is least sure about, weighted by the words they would show
    it for the first time (active learning, :func:`queue_order`), most useful first."""
    model = model_for(project, unit, coder)
    units = project_units(project, unit)
    coder_ids = training_coders(project, coder)
    _x, is_coded = training_set(project, units, coder_ids)
    # Fillers ("嗯……", "对。") leave every code improbable alike, which reads as most
    # uncertain; they teach nothing, so the queue starts at a few characters of text.
    short = np.array(
        [
            sum(not f.startswith("w:") and len(f) == 1 for f in fs) < MIN_QUEUE_CHARS
            for fs in units.features
        ],
        dtype=bool,
    )
    rows = np.flatnonzero(~is_coded & ~asking(project, units, coder_ids) & ~short)
    if not len(rows):
        return []
    scores = model.scores([units.features[i] for i in rows])
    order = rows[queue_order(scores, n, word_novelty(units, rows, np.flatnonzero(is_coded)))]
    unc = dict(zip(rows.tolist(), uncertainty(scores).tolist(), strict=True))
    names = _code_names(project)
    out = []
    for i in order:
        sc = model.scores([units.features[i]])[0]
        k = int(np.argmax(sc)) if len(sc) else -1
        out.append(
            {
                "source": units.names.get(int(units.source_ids[i])),
                "start": int(units.starts[i]),
                "end": int(units.ends[i]),
                "text": units.texts[i],
                "uncertainty": round(float(unc[int(i)]), 4),
                "best_guess": names[model.codes[k]][1] if k >= 0 else None,
                "score": round(float(sc[k]), 4) if k >= 0 else None,
            }
        )
    return out


def queue_order(scores: np.ndarray, n: int, novelty: np.ndarray | None = None) -> np.ndarray:
    """Rows of ``scores`` to code next: a stratified mix of the least certain, favouring units
    with words no coded unit has shown the model yet. Units are ranked by :func:`uncertainty`,
    times ``(novelty / its maximum + NOVELTY_FLOOR) ** NOVELTY_POWER`` where ``novelty`` is
    given (:func:`word_novelty`), and taken in turn from each code the model leans to (the top
    unit it would call a01, then the top one it would call a02, ...), so a batch never piles
    onto one confusable pair of codes.

    Measured on THUCNews (bench/assist.py) on development seeds 100–111, never on the 5 seeds
    reported (0–4): at 200 coded titles the least certain alone gave +1.9 points over random
    coding, weighted by new words (power ½) +3.3, power 1 +2.4, power 2 +2.7 (seeds 100–105),
    new words alone +0.8. Also tried there and no better than the least certain alone: entropy,
    a softmax at temperature 2, picks balanced towards the codes with fewest codings, a
    committee of three fold models (far worse), closeness to each code's own boundary (far
    worse), uncertainty of the neighbourhood in the latent space, a latent-space-only model, one
    random pick in five, a batch of 1; and in earlier sessions latent-space density, k-means,
    MMR diversity, BADGE and contrastive (CAL) picks."""
    if not len(scores):
        return np.zeros(0, dtype=np.int64)
    value = uncertainty(scores)
    if novelty is not None and len(novelty):
        top = max(float(np.max(novelty)), 1e-9)
        value = value * (np.asarray(novelty) / top + NOVELTY_FLOOR) ** NOVELTY_POWER
    ranked = np.argsort(-value, kind="stable")
    guess = scores[ranked].argmax(axis=1) if scores.shape[1] else np.zeros(len(ranked), int)
    # Each unit's rank within the units of its guessed code; then by that rank, then overall.
    within = np.zeros(len(ranked), dtype=np.int64)
    seen: dict[int, int] = {}
    for i, g in enumerate(guess.tolist()):
        within[i] = seen.get(g, 0)
        seen[g] = within[i] + 1
    return ranked[np.lexsort((np.arange(len(ranked)), within))][:n]


def word_novelty(
    units: UnitTable, rows: Sequence[int] | np.ndarray, coded: Sequence[int] | np.ndarray
) -> np.ndarray:
    """For each of ``rows`` (of ``units``): what coding it would show the model that no coded
    unit has shown it yet, as the sum, over its jieba words that no unit in ``coded`` holds,
    of how many units of the project hold each (words of one unit only left out: they teach
    nothing about another). The model's own vocabulary is that of the coded units, so a unit
    of common words it has never seen is scored only through the latent space."""
    matrix, df = _word_matrix(units)
    rows = np.asarray(rows, dtype=np.int64)
    coded = np.asarray(coded, dtype=np.int64)
    if not len(rows) or not matrix.shape[1]:
        return np.zeros(len(rows))
    seen = np.asarray(matrix[coded].sum(axis=0)).ravel() > 0 if len(coded) else 0
    weight = np.where((df >= 2) & ~seen, df, 0).astype(np.float64)
    return np.asarray(matrix[rows] @ weight).ravel()


_word_matrices: OrderedDict[int, tuple[UnitTable, Any, np.ndarray]] = OrderedDict()


def _word_matrix(units: UnitTable) -> tuple[Any, np.ndarray]:
    """Which unit holds which word (a 0/1 CSR matrix) and each word's document frequency, kept
    with the unit table (:func:`project_units` hands out the same table while the sources stay
    the same)."""
    from scipy import sparse

    with _lock:
        found = _word_matrices.get(id(units))
        if found is not None and found[0] is units:
            return found[1], found[2]
    vocabulary: dict[str, int] = {}
    cols: list[int] = []
    lens: list[int] = []
    for fs in units.features:
        words = {vocabulary.setdefault(f, len(vocabulary)) for f in fs if f.startswith("w:")}
        cols.extend(words)
        lens.append(len(words))
    ptr = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens, out=ptr[1:])
    matrix = sparse.csr_matrix(
        (np.ones(len(cols), dtype=np.float32), np.asarray(cols, dtype=np.int64), ptr),
        shape=(len(units), len(vocabulary)),
    )
    df = np.asarray(matrix.sum(axis=0)).ravel()
    with _lock:
        _remember(_word_matrices, id(units), (units, matrix, df), size=4)
    return matrix, df


def uncertainty(scores: np.ndarray) -> np.ndarray:
    """How unsure the model is about each unit: 1 minus the margin between its two likeliest
    codes. The per-code probabilities come from separate models, so they are first made
    comparable (a softmax over their log-odds) before the margin is taken."""
    if scores.shape[1] == 0:
        return np.ones(len(scores))
    if scores.shape[1] == 1:
        return 1.0 - np.abs(2 * scores[:, 0] - 1)
    clipped = np.clip(scores, 1e-9, 1 - 1e-9)
    logits = np.log(clipped) - np.log1p(-clipped)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    top = -np.partition(-p, 1, axis=1)[:, :2]
    return 1.0 - (top[:, 0] - top[:, 1])


def coded_units(project: Project, unit: str, coder: str | None) -> Sequence[int]:
    """Rows of :func:`project_units` a training coder has coded."""
    units = project_units(project, unit)
    _x, is_coded = training_set(project, units, training_coders(project, coder))
    return np.flatnonzero(is_coded).tolist()
