"""Acting on the model's suggestions: accept (a coding of provenance ``suggested``), reject
(negative evidence the model trains on), apply (a model's codings as coder ``model:<version>``).

Each is one change with its history event, so ``undo`` takes it back like any coding.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import select

from coder.errors import InvalidInput
from coder.model import Coding
from coder.store.core import FacadeCore
from coder.store.schema import codes, codings, rejections

from .codebook import _resolve_code
from .codings import _check_span, coding_keys


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
                    f"{start}–{end} is already coded with that code by this coder; nothing was changed"
                )
            label = conn.execute(select(codes.c.label).where(codes.c.id == cid)).scalar_one()
            row = {
                "source_id": sid,
                "code_id": cid,
                "coder_id": coder_id,
                "start": start,
                "end": end,
                "memo": "",
                "created": time.time(),
                "origin": "suggested",
                "model": model,
                "score": score,
            }
            ident = ch.insert(codings, row)
            ch.summary = f"accept suggestion {label} at {src} {start}–{end} ({model})"
        return Coding(ident, sid, cid, coder_id, start, end, "", float(row["created"]))  # type: ignore[arg-type]

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
                    f"that suggestion at {start}–{end} is already rejected; nothing was changed"
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
        from coder.store.schema import coders

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
