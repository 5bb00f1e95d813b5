"""Confirmation across the corpus: the model codes every uncoded unit as its own coder
(``model:<version>``), and a random draw of those codings lets a person measure its precision.

:func:`check_sample` draws codings not yet checked, :meth:`Project.check_coding` records each
verdict (one undoable change), :func:`run_checks` asks a person about a draw one by one, and
:func:`check_report` gives the precision of each machine coder with its Wilson 95% interval.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select

from coder.analysis.data import split_list
from coder.assist import service
from coder.assist.provenance import CheckFigures, check_report, precision_interval
from coder.errors import InvalidInput
from coder.i18n import _
from coder.store.schema import coders, codes, codings, sources

if TYPE_CHECKING:
    from coder.project import Project

__all__ = [
    "CheckFigures",
    "apply_model",
    "check_report",
    "check_sample",
    "precision_interval",
    "run_checks",
]


def apply_model(
    project: Project,
    *,
    unit: str = "sentence",
    coder: str | None = None,
    codes: str | None = None,
    min_score: float | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Code every unit no training coder coded with each code scoring its threshold or more
    (each code's own, as the margin's, unless ``min_score`` is given: one undoable event);
    ``dry_run`` only counts."""
    wanted = {project.code(c).id for c in split_list(codes)} or None
    model = service.model_for(project, unit, coder)
    units = service.project_units(project, unit)
    _x, is_coded = service.training_set(project, units, service.training_coders(project, coder))
    rows = np.flatnonzero(~is_coded)
    scores = model.scores([units.features[i] for i in rows]) if len(rows) else np.zeros((0, 0))
    floor = service.thresholds(model, min_score)
    out = []
    for r, i in enumerate(rows):
        for k, cid in enumerate(model.codes):
            if scores[r, k] >= floor[k] and (wanted is None or cid in wanted):
                out.append(
                    (
                        int(units.source_ids[i]),
                        cid,
                        int(units.starts[i]),
                        int(units.ends[i]),
                        float(scores[r, k]),
                    )
                )
    made = len(out) if dry_run else len(project.apply_model(out, model=model.version))
    return {
        "model": model.version,
        "coder": f"{service.MACHINE_PREFIX}{model.version}",
        "codings": made,
        "dry_run": dry_run,
    }


def check_sample(project: Project, n: int, *, seed: int | None = None) -> list[dict[str, Any]]:
    """``n`` machine codings drawn at random among those this session's coder has not checked
    yet, for a person to confirm or refute."""
    if n < 1:
        raise InvalidInput(
            _(
                "--check needs a number of codings of 1 or more, not {n}; nothing was changed"
            ).format(n=n)
        )
    mine = {c["coding_id"] for c in project.checks() if c["coder"] == project.coder}
    query = (
        select(
            codings.c.id,
            sources.c.name,
            codings.c.start,
            codings.c.end,
            codes.c.label,
            codings.c.score,
            sources.c.text,
            coders.c.name,
        )
        .select_from(
            codings.join(coders, coders.c.id == codings.c.coder_id)
            .join(codes, codes.c.id == codings.c.code_id)
            .join(sources, sources.c.id == codings.c.source_id)
        )
        .where(coders.c.name.like(service.MACHINE_PREFIX + "%"))
        .order_by(codings.c.id)
    )
    with project.read() as conn:
        rows = [r for r in conn.execute(query).all() if r[0] not in mine]
    rng = np.random.default_rng(seed)
    pick = sorted(rng.choice(len(rows), min(n, len(rows)), replace=False).tolist()) if rows else []
    return [
        {
            "coding": r[0],
            "source": r[1],
            "start": r[2],
            "end": r[3],
            "label": r[4],
            "score": None if r[5] is None else round(r[5], 4),
            "text": r[6][r[2] : r[3]],
            "coder": r[7],
        }
        for r in (rows[i] for i in pick)
    ]


#: Answers :func:`run_checks` understands, and the verdict each records (None: skip; "quit").
ANSWERS = {
    "y": "confirmed",
    "yes": "confirmed",
    "c": "confirmed",
    "n": "refuted",
    "no": "refuted",
    "r": "refuted",
    "s": None,
    "": None,
    "q": "quit",
}


def run_checks(
    project: Project, rows: Iterable[dict[str, Any]], ask: Callable[[dict[str, Any]], str]
) -> dict[str, int]:
    """Ask about each drawn coding (``ask`` returns y/n/s/q) and record each verdict as its own
    undoable change; returns how many were confirmed, refuted and skipped."""
    done = {"confirmed": 0, "refuted": 0, "skipped": 0}
    for row in rows:
        answer = ask(row).strip().lower()
        while answer not in ANSWERS:
            answer = ask(row).strip().lower()
        verdict = ANSWERS[answer]
        if verdict == "quit":
            break
        if verdict is None:
            done["skipped"] += 1
            continue
        project.check_coding(row["coding"], verdict)
        done[verdict] += 1
    return done
