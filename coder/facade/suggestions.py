"""Acting on the model's suggestions: accept (a coding of provenance ``suggested``), reject
(negative evidence the model trains on), apply (a model's codings as coder ``model:<version>``),
check (a person's verdict on a machine coding), and the record of each evaluation.

Each is one change with its history event, so ``undo`` takes it back like any coding.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from coder.errors import InvalidInput
from coder.i18n import _
from coder.model import Coding
from coder.store.core import FacadeCore
from coder.store.schema import (
    MACHINE_PREFIX,
    checks,
    coders,
    codes,
    codings,
    evaluations,
    rejections,
)

from .codebook import _resolve_code
from .codings import _check_span, coding_keys, coding_row


class SuggestionOps(FacadeCore):
    """Mixed into :class:`coder.project.Project`."""

    def accept_suggestion(
        self,
        source: int | str,
        start: int,
        end: int,
        code: int | str,
        *,
        model: str,
        score: float | None = None,
        coder: str | None = None,
    ) -> Coding:
        """Code ``[start, end)`` as the suggestion said: a coding by the person who accepted it,
        marked ``suggested`` with the model's version and score."""
        sid = self.source_id(source)
        with self.change("accept-suggestion", "accept suggestion") as ch:
            conn = ch.conn
            cid = _resolve_code(conn, code)
            coder_id = self.ensure_coder(conn, coder)
            src = _check_span(conn, sid, start, end)
            if (sid, cid, coder_id, start, end) in coding_keys(conn, [sid]):
                raise InvalidInput(
                    _(
                        "{start}–{end} is already coded with that code by this coder; nothing was changed"
                    ).format(start=start, end=end)
                )
            label = conn.execute(select(codes.c.label).where(codes.c.id == cid)).scalar_one()
            now = time.time()
            row = coding_row(
                sid, cid, coder_id, start, end, now, origin="suggested", model=model, score=score
            )
            ident = ch.insert(codings, row)
            ch.summary = f"accept suggestion {label} at {src} {start}–{end} ({model})"
        return Coding(ident, sid, cid, coder_id, start, end, "", now)

    def reject_suggestion(
        self,
        source: int | str,
        start: int,
        end: int,
        code: int | str,
        *,
        model: str = "",
        score: float | None = None,
        coder: str | None = None,
    ) -> int:
        """Say "not this code here": kept as negative evidence for training. Returns its id."""
        sid = self.source_id(source)
        with self.change("reject-suggestion", "reject suggestion") as ch:
            conn = ch.conn
            cid = _resolve_code(conn, code)
            coder_id = self.ensure_coder(conn, coder)
            src = _check_span(conn, sid, start, end)
            twin = conn.execute(
                select(rejections.c.id).where(
                    rejections.c.source_id == sid,
                    rejections.c.code_id == cid,
                    rejections.c.coder_id == coder_id,
                    rejections.c.start == start,
                    rejections.c.end == end,
                )
            ).first()
            if twin:
                raise InvalidInput(
                    _(
                        "that suggestion at {start}–{end} is already rejected; nothing was changed"
                    ).format(start=start, end=end)
                )
            label = conn.execute(select(codes.c.label).where(codes.c.id == cid)).scalar_one()
            ident = ch.insert(
                rejections,
                {
                    "source_id": sid,
                    "code_id": cid,
                    "coder_id": coder_id,
                    "start": start,
                    "end": end,
                    "model": model,
                    "score": score,
                    "created": time.time(),
                },
            )
            ch.summary = f"reject suggestion {label} at {src} {start}–{end}"
        return ident

    def rejections(self, coder: str | None = None) -> list[dict[str, object]]:
        """Rejected suggestions: source id, code id, coder, span, model, score."""
        query = select(
            rejections.c.id,
            rejections.c.source_id,
            rejections.c.code_id,
            coders.c.name,
            rejections.c.start,
            rejections.c.end,
            rejections.c.model,
            rejections.c.score,
        ).select_from(rejections.join(coders, coders.c.id == rejections.c.coder_id))
        if coder is not None:
            query = query.where(coders.c.name == coder)
        with self.read() as conn:
            keys = ("id", "source_id", "code_id", "coder", "start", "end", "model", "score")
            return [dict(zip(keys, r, strict=True)) for r in conn.execute(query)]

    def apply_model(
        self,
        rows: Sequence[tuple[int, int, int, int, float]],
        *,
        model: str,
    ) -> list[int]:
        """A model's codings for a whole corpus as coder ``model:<version>``, one event:
        ``(source_id, code_id, start, end, score)`` rows; twins of existing codings skipped."""
        machine = f"model:{model}"
        now = time.time()
        with self.change("apply-model", f"apply {model} to {len(rows)} units") as ch:
            conn = ch.conn
            coder_id = self.ensure_coder(conn, machine)
            seen = coding_keys(conn, {r[0] for r in rows})
            batch = []
            for sid, cid, start, end, score in rows:
                if (sid, cid, coder_id, start, end) in seen:
                    continue
                seen.add((sid, cid, coder_id, start, end))
                batch.append((sid, start, end, cid, coder_id, "", now, "applied", model, score))
            batch.sort()
            cols = [
                "source_id",
                "start",
                "end",
                "code_id",
                "coder_id",
                "memo",
                "created",
                "origin",
                "model",
                "score",
            ]
            ch.summary = f"apply {model} as {machine}: {len(batch)} codings"
            return ch.insert_values(codings, cols, batch)

    def check_coding(self, coding_id: int, verdict: str, *, coder: str | None = None) -> int:
        """A person's verdict on a machine coding drawn for a random check: ``confirmed`` (the
        code is right there) or ``refuted``. One change with its event; returns the check's id."""
        if verdict not in ("confirmed", "refuted"):
            raise InvalidInput(
                _("a check is confirmed or refuted, not {verdict!r}; nothing was changed").format(
                    verdict=verdict
                )
            )
        with self.change("check-coding", f"check machine coding {coding_id}") as ch:
            conn = ch.conn
            row = conn.execute(
                select(
                    codings.c.source_id,
                    codings.c.code_id,
                    codings.c.start,
                    codings.c.end,
                    codings.c.model,
                    coders.c.name,
                    codes.c.label,
                )
                .select_from(
                    codings.join(coders, coders.c.id == codings.c.coder_id).join(
                        codes, codes.c.id == codings.c.code_id
                    )
                )
                .where(codings.c.id == coding_id)
            ).first()
            if row is None:
                raise InvalidInput(
                    _("no coding {coding_id}; nothing was changed").format(coding_id=coding_id)
                )
            if not row.name.startswith(MACHINE_PREFIX):
                raise InvalidInput(
                    _(
                        "coding {coding_id} is {name}'s, not a machine coder's: only a model's codings are checked; nothing was changed"
                    ).format(coding_id=coding_id, name=row.name)
                )
            coder_id = self.ensure_coder(conn, coder)
            twin = conn.execute(
                select(checks.c.verdict).where(
                    checks.c.coding_id == coding_id, checks.c.coder_id == coder_id
                )
            ).scalar()
            if twin is not None:
                raise InvalidInput(
                    _("coding {coding_id} is already checked ({twin}); nothing was changed").format(
                        coding_id=coding_id, twin=twin
                    )
                )
            ident = ch.insert(
                checks,
                {
                    "coding_id": coding_id,
                    "source_id": row.source_id,
                    "code_id": row.code_id,
                    "start": row.start,
                    "end": row.end,
                    "model": row.model,
                    "machine": row.name,
                    "verdict": verdict,
                    "coder_id": coder_id,
                    "created": time.time(),
                },
            )
            ch.summary = f"check {row.name}'s {row.label} at {row.start}–{row.end}: {verdict}"
        return ident

    def checks(self) -> list[dict[str, Any]]:
        """Every recorded check: coding id, code id, span, model, machine coder, verdict, who."""
        query = (
            select(
                checks.c.id,
                checks.c.coding_id,
                checks.c.source_id,
                checks.c.code_id,
                checks.c.start,
                checks.c.end,
                checks.c.model,
                checks.c.machine,
                checks.c.verdict,
                coders.c.name,
            )
            .select_from(checks.join(coders, coders.c.id == checks.c.coder_id))
            .order_by(checks.c.id)
        )
        keys = (
            "id",
            "coding_id",
            "source_id",
            "code_id",
            "start",
            "end",
            "model",
            "machine",
            "verdict",
            "coder",
        )
        with self.read() as conn:
            return [dict(zip(keys, r, strict=True)) for r in conn.execute(query)]

    def record_evaluation(
        self, figures: Mapping[str, Any], *, model: str, unit: str, trained_on: str = ""
    ) -> int:
        """Keep an evaluation report (``Evaluation.as_dict``) so exports can cite it."""
        macro = figures.get("macro", {})
        with self.change("evaluate", f"evaluate {model}") as ch:
            coder_id = self.ensure_coder(ch.conn, None)
            ident = ch.insert(
                evaluations,
                {
                    "model": model,
                    "unit": unit,
                    "trained_on": trained_on,
                    "figures": json.dumps(dict(figures), ensure_ascii=False),
                    "coder_id": coder_id,
                    "created": time.time(),
                },
            )
            ch.summary = f"evaluate {model} ({unit}): " + ", ".join(
                f"{k} {float(macro[k]):.2f}"
                for k in ("precision", "recall", "f1", "kappa")
                if k in macro
            )
        return ident

    def latest_evaluation(self) -> dict[str, Any] | None:
        """The newest recorded evaluation: model, unit, trained_on, created, and its figures."""
        with self.read() as conn:
            row = conn.execute(
                select(
                    evaluations.c.model,
                    evaluations.c.unit,
                    evaluations.c.trained_on,
                    evaluations.c.created,
                    evaluations.c.figures,
                ).order_by(evaluations.c.id.desc())
            ).first()
        if row is None:
            return None
        try:
            figures = json.loads(row.figures)
        except ValueError:
            figures = {}
        return {
            "model": row.model,
            "unit": row.unit,
            "trained_on": row.trained_on,
            "created": row.created,
            "figures": figures if isinstance(figures, dict) else {},
        }
