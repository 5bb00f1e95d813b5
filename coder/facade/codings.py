"""Codings: coded spans of source text, and the queries that read them back."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, select

from coder.errors import Forbidden, InvalidInput, NotFound
from coder.i18n import _
from coder.model import Coding, Segment
from coder.store.core import FacadeCore
from coder.store.schema import coders, codes, codings, relation_evidence, sources

from .codebook import _resolve_code, code_counts

if TYPE_CHECKING:
    from coder.store.journal import Change

CodingKey = tuple[int, int, int, int, int]
"""What makes a coding itself: (source, code, coder, start, end), unique in a project."""


def coding_keys(conn: Connection, source_ids: Iterable[int]) -> set[CodingKey]:
    """The keys of the codings already in ``source_ids`` (bulk loads skip their duplicates)."""
    found: set[CodingKey] = set()
    for sid in source_ids:  # per source: the (source_id, start) index serves each query
        found.update(
            tuple(k)
            for k in conn.execute(
                select(
                    codings.c.source_id,
                    codings.c.code_id,
                    codings.c.coder_id,
                    codings.c.start,
                    codings.c.end,
                ).where(codings.c.source_id == sid)
            )
        )
    return found


def coding_row(
    source_id: int,
    code_id: int,
    coder_id: int,
    start: int,
    end: int,
    created: float,
    **more: object,
) -> dict[str, object]:
    """A new coding's row for the ``codings`` table (no memo yet); ``more``: the machine's
    provenance of an accepted suggestion (origin, model, score)."""
    return {
        "source_id": source_id,
        "code_id": code_id,
        "coder_id": coder_id,
        "start": start,
        "end": end,
        "memo": "",
        "created": created,
        **more,
    }


def _check_span(conn: Connection, source_id: int, start: int, end: int) -> str:
    """Refuse offsets outside the source; returns the source's name."""
    row = conn.execute(
        select(sources.c.chars, sources.c.name).where(sources.c.id == source_id)
    ).first()
    if row is None:
        raise NotFound(
            _("no source with id {source_id}; nothing was changed").format(source_id=source_id)
        )
    chars, name = row
    if start < 0 or end < 0:
        raise InvalidInput(
            _("offsets {start}–{end} are negative; nothing was changed").format(
                start=start, end=end
            )
        )
    if start >= end:
        raise InvalidInput(
            _(
                "offsets {start}–{end}: the start must come before the end; nothing was changed"
            ).format(start=start, end=end)
        )
    if end > chars:
        raise InvalidInput(
            _(
                "offsets {start}–{end} run past the end of the text ({chars} characters); nothing was changed"
            ).format(start=start, end=end, chars=chars)
        )
    return str(name)


class CodingOps(FacadeCore):
    """Coding commands and queries. Mixed into :class:`coder.project.Project`."""

    def code_span(
        self,
        source: int | str,
        start: int,
        end: int,
        code: int | str,
        *,
        coder: str | None = None,
        memo: str = "",
    ) -> Coding:
        """Code ``[start, end)`` of a source. The same code by the same coder on the same span
        exists once: coding it again is an error."""
        # Ids (as the workbench passes them) are checked inside the change, by the queries that
        # need the rows anyway: fewer round trips to a distant server.
        by_id = isinstance(source, int) and not isinstance(source, bool)
        sid = source if by_id else self.source_id(source)
        with self.change("code", "code") as ch:
            conn = ch.conn
            if isinstance(code, int) and not isinstance(code, bool):
                cid = code
            else:
                cid = _resolve_code(conn, code)
            coder_id = self.ensure_coder(conn, coder)
            src = _check_span(conn, int(sid), start, end)
            # The code's label and name, and any twin coding, in one query.
            twin_id = (
                select(codings.c.id)
                .where(
                    codings.c.source_id == sid,
                    codings.c.code_id == cid,
                    codings.c.coder_id == coder_id,
                    codings.c.start == start,
                    codings.c.end == end,
                )
                .limit(1)
                .scalar_subquery()
            )
            found = conn.execute(
                select(codes.c.label, codes.c.name, twin_id).where(codes.c.id == cid)
            ).first()
            if found is None:
                raise NotFound(_("no code with id {cid}; nothing was changed").format(cid=cid))
            label, name, twin = found
            if twin:
                raise InvalidInput(
                    _(
                        "{start}–{end} is already coded {label} by this coder (coding {twin}); nothing was changed"
                    ).format(start=start, end=end, label=label, twin=twin)
                )
            row = {
                "source_id": sid,
                "code_id": cid,
                "coder_id": coder_id,
                "start": start,
                "end": end,
                "memo": memo,
                "created": time.time(),
            }
            ident = ch.insert(codings, row)
            ch.summary = f"code {src} {start}–{end} as {label} {name}"
        return Coding(ident, sid, cid, coder_id, start, end, memo, row["created"])  # type: ignore[arg-type]

    def _code_named(self, ch: Change, level: str, name: str, in_vivo: bool) -> tuple[int, bool]:
        """The id of the ``level`` code called ``name``, made inside change ``ch`` when there is
        none; and whether it was made here."""
        from .codebook import _check_fields

        row = ch.conn.execute(
            select(codes.c.id).where(codes.c.level == level, codes.c.name == name)
        ).first()
        if row is not None:
            return int(row[0]), False
        fields = _check_fields(level, {"name": name, "in_vivo": in_vivo})
        return self._insert_code(ch, level, fields), True

    def code_new(
        self,
        source: int | str,
        start: int,
        end: int,
        name: str,
        *,
        level: str = "open",
        parent: int | str | None = None,
        in_vivo: bool = False,
        coder: str | None = None,
    ) -> tuple[int, Coding]:
        """Code a span with a code called ``name``, made on the spot if there is none at that
        level — one event, so one undo removes both (an in-vivo code is made this way).
        Returns the code's id and the coding."""
        from .codebook import _resolve_code

        sid = self.source_id(source)
        name = name.strip()
        with self.change("code-new", "code") as ch:
            conn = ch.conn
            _check_span(conn, sid, start, end)
            cid, made = self._code_named(ch, level, name, in_vivo)
            if made and parent is not None:
                self.link_parent(ch, cid, _resolve_code(conn, parent), primary=True)
            coder_id = self.ensure_coder(conn, coder)
            twin = conn.execute(
                select(codings.c.id).where(
                    codings.c.source_id == sid,
                    codings.c.code_id == cid,
                    codings.c.coder_id == coder_id,
                    codings.c.start == start,
                    codings.c.end == end,
                )
            ).first()
            if twin:
                raise InvalidInput(
                    _(
                        "{start}–{end} is already coded {name} by this coder; nothing was changed"
                    ).format(start=start, end=end, name=name)
                )
            now = time.time()
            ident = ch.insert(codings, coding_row(sid, cid, coder_id, start, end, now))
            label = conn.execute(select(codes.c.label).where(codes.c.id == cid)).scalar_one()
            src = conn.execute(select(sources.c.name).where(sources.c.id == sid)).scalar_one()
            kind = "in-vivo code" if in_vivo else "code"
            ch.summary = (
                f"new {kind} {label} {name}, " if made else ""
            ) + f"code {src} {start}–{end} as {label} {name}"
        return cid, Coding(ident, sid, cid, coder_id, start, end, "", now)

    def code_new_many(
        self,
        name: str,
        spans: Sequence[tuple[int | str, int, int]],
        *,
        level: str = "open",
        in_vivo: bool = False,
        coder: str | None = None,
        memo: str = "",
    ) -> tuple[int, list[int]]:
        """Code several passages ``(source, start, end)`` with a code called ``name``, made on
        the spot if there is none at that level (a discovery candidate becomes an open code this
        way) — one event, so one undo removes the code and every coding. ``memo``: a code memo
        on a code made here (where it came from). Returns the code's id and the codings' ids."""
        import uuid

        from coder.store.schema import memos

        name = name.strip()
        if not spans:
            raise InvalidInput(
                _("no passages to code as {name!r}; nothing was changed").format(name=name)
            )
        wanted = [(self.source_id(s), int(a), int(b)) for s, a, b in spans]
        with self.change("code-new-many", "code") as ch:
            conn = ch.conn
            for sid, start, end in wanted:
                _check_span(conn, sid, start, end)
            cid, made = self._code_named(ch, level, name, in_vivo)
            coder_id = self.ensure_coder(conn, coder)
            seen = coding_keys(conn, {sid for sid, _, _ in wanted})
            now = time.time()
            idents = []
            for sid, start, end in sorted(set(wanted)):
                if (sid, cid, coder_id, start, end) in seen:
                    continue  # coded so already: nothing to add there
                idents.append(ch.insert(codings, coding_row(sid, cid, coder_id, start, end, now)))
            if not idents:
                raise InvalidInput(
                    _(
                        "every passage is already coded {name} by this coder; nothing was changed"
                    ).format(name=name)
                )
            if made and memo.strip():
                ch.insert(
                    memos,
                    {
                        "guid": str(uuid.uuid4()),
                        "type": "code",
                        "target_type": "code",
                        "target_id": cid,
                        "title": "",
                        "text": memo,
                        "coder_id": coder_id,
                        "created": now,
                        "modified": now,
                        "start": None,
                        "end": None,
                    },
                )
            label = conn.execute(select(codes.c.label).where(codes.c.id == cid)).scalar_one()
            kind = "in-vivo code" if in_vivo else "code"
            ch.summary = (f"new {kind} {label} {name}, " if made else "") + (
                f"code {len(idents)} passages as {label} {name}"
            )
        return cid, idents

    def spans(self, source: int | str) -> list[tuple[int, int, int, int, str]]:
        """Codings of a source for display: ``(id, start, end, code_id, coder)``, no text."""
        sid = self.source_id(source)
        with self.read() as conn:
            names = dict(conn.execute(select(coders.c.id, coders.c.name)).all())
            rows = conn.execute(
                select(
                    codings.c.id,
                    codings.c.start,
                    codings.c.end,
                    codings.c.code_id,
                    codings.c.coder_id,
                )
                .where(codings.c.source_id == sid)
                .order_by(codings.c.start, codings.c.end)
            ).all()
        return [(i, start, end, code, names[who]) for i, start, end, code, who in rows]

    def add_codings(
        self,
        rows: Sequence[tuple[int, int, int, int, str]],
        summary: str = "",
        action: str = "code-many",
    ) -> list[int]:
        """Bulk coding as one event: ``(source_id, code_id, start, end, coder_name)`` rows.
        Spans are checked; a duplicate of an existing coding is skipped."""
        now = time.time()
        with self.change(action, summary or f"code {len(rows)} spans") as ch:
            conn = ch.conn
            chars = dict(conn.execute(select(sources.c.id, sources.c.chars)).all())
            code_ids = {r[0] for r in conn.execute(select(codes.c.id))}
            coder_ids = {name: self.ensure_coder(conn, name) for name in {r[4] for r in rows}}
            seen = coding_keys(conn, {r[0] for r in rows})
            batch = []
            for sid, cid, start, end, coder in rows:
                if sid not in chars:
                    raise NotFound(
                        _("no source with id {sid}; nothing was changed").format(sid=sid)
                    )
                if cid not in code_ids:
                    raise NotFound(_("no code with id {cid}; nothing was changed").format(cid=cid))
                if not 0 <= start < end <= chars[sid]:
                    raise InvalidInput(
                        _(
                            "offsets {start}–{end} do not fit source {sid}; nothing was changed"
                        ).format(start=start, end=end, sid=sid)
                    )
                key = (sid, cid, coder_ids[coder], start, end)
                if key in seen:
                    continue
                seen.add(key)
                batch.append((sid, start, end, cid, key[2], "", now))
            # In index order: the B-tree inserts stay local, which matters for large loads.
            batch.sort()
            cols = ["source_id", "start", "end", "code_id", "coder_id", "memo", "created"]
            return ch.insert_values(codings, cols, batch)

    def uncode(self, coding_id: int, *, force: bool = False) -> Coding:
        """Remove a coding (with any relation evidence it was). Another coder's coding only
        with ``force`` (see :meth:`_check_whose`)."""
        with self.change("uncode", "uncode") as ch:
            old = _coding(ch.conn, coding_id)
            label = self._check_whose(ch.conn, old, "remove", force)
            ch.delete_where(relation_evidence, relation_evidence.c.coding_id == coding_id)
            ch.delete(codings, {"id": coding_id})
            ch.summary = f"uncode {label} at {old.start}–{old.end} (coding {coding_id})"
            return old

    def resize_coding(self, coding_id: int, start: int, end: int, *, force: bool = False) -> Coding:
        with self.change("resize", "resize coding") as ch:
            old = _coding(ch.conn, coding_id)
            label = self._check_whose(ch.conn, old, "resize", force)
            _check_span(ch.conn, old.source_id, start, end)
            ch.update(codings, {"id": coding_id}, {"start": start, "end": end})
            ch.summary = f"resize {label} from {old.start}–{old.end} to {start}–{end}"
            return _coding(ch.conn, coding_id)

    def set_coding_memo(self, coding_id: int, memo: str, *, force: bool = False) -> Coding:
        with self.change("coding-memo", "memo on coding") as ch:
            old = _coding(ch.conn, coding_id)
            label = self._check_whose(ch.conn, old, "change the memo of", force)
            ch.update(codings, {"id": coding_id}, {"memo": memo})
            ch.summary = f"memo on {label} at {old.start}–{old.end}"
            return _coding(ch.conn, coding_id)

    def _check_whose(self, conn: Connection, old: Coding, words: str, force: bool) -> str:
        """Another coder's work is theirs: changing one of their codings needs ``force`` (the
        workbench asks, the command line wants ``--force``), and on a team server a member
        with the coder role may not change it at all. Returns the code's label and name."""
        label, name = conn.execute(
            select(codes.c.label, codes.c.name).where(codes.c.id == old.code_id)
        ).one()
        if old.coder_id == self.ensure_coder(conn):
            return f"{label} {name}"
        whose = conn.execute(select(coders.c.name).where(coders.c.id == old.coder_id)).scalar_one()
        what = f"coding {old.id} ({label} {name} at {old.start}–{old.end}) is {whose}'s"
        if self.on_server and self._role(conn) == "coder":
            raise Forbidden(
                _(
                    "{what}; a coder on this server may not {words} another coder's codings; nothing was changed"
                ).format(what=what, words=words)
            )
        if not force:
            raise Forbidden(
                _(
                    "{what}, not {coder}'s; {words} it only when asked to (--force); nothing was changed"
                ).format(what=what, coder=self.coder, words=words)
            )
        return f"{whose}'s {label} {name}"

    # -- queries -----------------------------------------------------------------------------

    def coding(self, coding_id: int) -> Coding:
        with self.read() as conn:
            return _coding(conn, coding_id)

    def segments(
        self,
        *,
        code: int | str | None = None,
        source: int | str | None = None,
        coder: str | None = None,
        ids: Iterable[int] | None = None,
    ) -> list[Segment]:
        """Coded segments with their text, in source order then position."""
        # Codes and coders are few: their names are joined in Python, which keeps the query to
        # codings and the passages (SQL's substr counts code points on SQLite and PostgreSQL, and
        # sends only the passages, not whole transcripts).
        query = (
            select(
                codings.c.id,
                sources.c.name,
                codings.c.source_id,
                codings.c.start,
                codings.c.end,
                codings.c.code_id,
                codings.c.coder_id,
                func.substr(sources.c.text, codings.c.start + 1, codings.c.end - codings.c.start),
                codings.c.memo,
            )
            .select_from(codings.join(sources, sources.c.id == codings.c.source_id))
            .order_by(sources.c.position, codings.c.start, codings.c.end, codings.c.id)
        )
        with self.read() as conn:
            if code is not None:
                query = query.where(codings.c.code_id == _resolve_code(conn, code))
            if coder is not None:
                cid = conn.execute(select(coders.c.id).where(coders.c.name == coder)).first()
                if cid is None:
                    raise NotFound(
                        _("no coder named {coder!r}; nothing was changed").format(coder=coder)
                    )
                query = query.where(codings.c.coder_id == cid[0])
            if ids is not None:
                query = query.where(codings.c.id.in_(list(ids)))
            if source is not None:
                query = query.where(codings.c.source_id == self.source_id(source))
            rows = conn.execute(query).all()
            code_names = {
                r[0]: (r[1], r[2])
                for r in conn.execute(select(codes.c.id, codes.c.name, codes.c.label))
            }
            coder_names = dict(conn.execute(select(coders.c.id, coders.c.name)).all())
        return [
            Segment(
                r[0], r[1], r[2], r[3], r[4], *code_names[r[5]], r[5], coder_names[r[6]], r[7], r[8]
            )
            for r in rows
        ]

    def codings_at(self, source: int | str, start: int, end: int | None = None) -> list[Segment]:
        """Segments of a source that overlap ``[start, end)`` (or contain ``start``)."""
        end = start + 1 if end is None else end
        sid = self.source_id(source)
        return [s for s in self.segments(source=sid) if s.start < end and start < s.end]

    def code_counts(self) -> dict[int, tuple[int, int]]:
        """Codings and sources per code id, as coded (no roll-up)."""
        with self.read() as conn:
            return code_counts(conn)


def _coding(conn: Connection, coding_id: int) -> Coding:
    row = conn.execute(
        select(
            codings.c.id,
            codings.c.source_id,
            codings.c.code_id,
            codings.c.coder_id,
            codings.c.start,
            codings.c.end,
            codings.c.memo,
            codings.c.created,
        ).where(codings.c.id == coding_id)
    ).first()
    if row is None:
        raise NotFound(_("no coding {coding_id}; nothing was changed").format(coding_id=coding_id))
    return Coding(*row)
