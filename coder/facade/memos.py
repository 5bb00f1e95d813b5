"""Memos (typed, attached to any object) and relations between codes (typed, directed, with
codings as evidence)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable

from sqlalchemy import Connection, Select, select

from coder.errors import InvalidInput, NotFound
from coder.i18n import _
from coder.model import MEMO_TARGETS, MEMO_TYPES, Memo, Relation
from coder.store.core import FacadeCore
from coder.store.schema import (
    cases,
    coders,
    codes,
    codings,
    memos,
    relation_evidence,
    relation_types,
    relations,
    sources,
)

from .codebook import _resolve_code

_TARGET_TABLES = {
    "source": sources,
    "case": cases,
    "code": codes,
    "coding": codings,
    "relation": relations,
}


class MemoOps(FacadeCore):
    """Memo and relation commands and queries. Mixed into :class:`coder.project.Project`."""

    # -- memos -------------------------------------------------------------------------------

    def add_memo(
        self,
        text: str,
        *,
        type: str = "theoretical",
        target: str = "project",
        target_id: int | None = None,
        title: str = "",
        span: tuple[int, int] | None = None,
    ) -> Memo:
        """Write a memo about the project, a source, case, code, coding or relation; with
        ``span`` (start, end), about that passage of a source (an annotation)."""
        if type not in MEMO_TYPES:
            raise InvalidInput(
                _("memo type {type!r} is not one of {MEMO_TYPES}; nothing was changed").format(
                    type=type, MEMO_TYPES=", ".join(MEMO_TYPES)
                )
            )
        if target not in MEMO_TARGETS:
            raise InvalidInput(
                _("a memo cannot be attached to {target!r}; nothing was changed").format(
                    target=target
                )
            )
        with self.change("add-memo", f"{type} memo") as ch:
            _check_target(ch.conn, target, target_id)
            if span is not None:
                _check_span(ch.conn, target, target_id, span)
            now = time.time()
            mid = ch.insert(
                memos,
                {
                    "guid": str(uuid.uuid4()),
                    "type": type,
                    "target_type": target,
                    "target_id": target_id if target != "project" else None,
                    "title": title,
                    "text": text,
                    "coder_id": ch.coder_id,
                    "created": now,
                    "modified": now,
                    "start": span[0] if span else None,
                    "end": span[1] if span else None,
                },
            )
            ch.summary = (
                f"{type} memo {title or text[:20]!r} on {_target_words(ch.conn, target, target_id)}"
            )
            return _memo(ch.conn, mid)

    def update_memo(
        self,
        memo_id: int,
        *,
        text: str | None = None,
        title: str | None = None,
        type: str | None = None,
    ) -> Memo:
        values: dict[str, object] = {}
        if text is not None:
            values["text"] = text
        if title is not None:
            values["title"] = title
        if type is not None:
            if type not in MEMO_TYPES:
                raise InvalidInput(
                    _("memo type {type!r} is not one of {MEMO_TYPES}; nothing was changed").format(
                        type=type, MEMO_TYPES=", ".join(MEMO_TYPES)
                    )
                )
            values["type"] = type
        with self.change("edit-memo", f"edit memo {memo_id}") as ch:
            _memo(ch.conn, memo_id)
            if values:
                ch.update(memos, {"id": memo_id}, {**values, "modified": time.time()})
            return _memo(ch.conn, memo_id)

    def delete_memo(self, memo_id: int) -> None:
        with self.change("delete-memo", f"delete memo {memo_id}") as ch:
            _memo(ch.conn, memo_id)
            ch.delete(memos, {"id": memo_id})

    def memos(
        self, *, target: str | None = None, target_id: int | None = None, type: str | None = None
    ) -> list[Memo]:
        query = _memo_select().order_by(memos.c.id)
        if target is not None:
            query = query.where(memos.c.target_type == target)
        if target_id is not None:
            query = query.where(memos.c.target_id == target_id)
        if type is not None:
            query = query.where(memos.c.type == type)
        with self.read() as conn:
            return [Memo(*r) for r in conn.execute(query)]

    # -- relations ---------------------------------------------------------------------------

    def relation_types(self) -> list[tuple[str, str, str, str]]:
        with self.read() as conn:
            rows = conn.execute(
                select(relation_types).order_by(relation_types.c.family, relation_types.c.name)
            )
            return [tuple(r) for r in rows]

    def add_relation_type(
        self, name: str, *, label_zh: str = "", family: str = "custom", description: str = ""
    ) -> None:
        """Extend the project's list of relation types (Glaser's coding families are editable)."""
        if not name.strip() or any(ch.isspace() for ch in name.strip()):
            raise InvalidInput(
                _("relation type {name!r} must be one word; nothing was changed").format(name=name)
            )
        with self.change("add-relation-type", f"relation type {name}") as ch:
            if ch.conn.execute(
                select(relation_types.c.name).where(relation_types.c.name == name)
            ).first():
                raise InvalidInput(
                    _("relation type {name!r} exists already; nothing was changed").format(
                        name=name
                    )
                )
            ch.insert(
                relation_types,
                {"name": name, "label_zh": label_zh, "family": family, "description": description},
            )

    def add_relation(
        self,
        source: int | str,
        target: int | str,
        type: str,
        *,
        description: str = "",
        evidence: Iterable[int] = (),
    ) -> Relation:
        """A typed, directed relation between two codes, with codings as evidence."""
        evidence = list(evidence)
        with self.change("add-relation", "add relation") as ch:
            conn = ch.conn
            a, b = _resolve_code(conn, source), _resolve_code(conn, target)
            if a == b:
                raise InvalidInput(_("a relation links two different codes; nothing was changed"))
            if not conn.execute(
                select(relation_types.c.name).where(relation_types.c.name == type)
            ).first():
                known = ", ".join(r[0] for r in conn.execute(select(relation_types.c.name)))
                raise InvalidInput(
                    _(
                        "unknown relation type {type!r} (known: {known}); nothing was changed"
                    ).format(type=type, known=known)
                )
            if conn.execute(
                select(relations.c.id).where(
                    relations.c.from_id == a, relations.c.to_id == b, relations.c.type == type
                )
            ).first():
                raise InvalidInput(_("that relation exists already; nothing was changed"))
            rid = ch.insert(
                relations,
                {
                    "guid": str(uuid.uuid4()),
                    "from_id": a,
                    "to_id": b,
                    "type": type,
                    "description": description,
                    "coder_id": ch.coder_id,
                    "created": time.time(),
                },
            )
            self._add_evidence(ch, rid, evidence)
            la = conn.execute(select(codes.c.label).where(codes.c.id == a)).scalar_one()
            lb = conn.execute(select(codes.c.label).where(codes.c.id == b)).scalar_one()
            ch.summary = f"relation {la} —{type}→ {lb}"
            return _relation(conn, rid)

    def add_evidence(self, relation_id: int, coding_ids: Iterable[int]) -> Relation:
        with self.change("add-evidence", f"evidence for relation {relation_id}") as ch:
            _relation(ch.conn, relation_id)
            self._add_evidence(ch, relation_id, list(coding_ids))
            return _relation(ch.conn, relation_id)

    def _add_evidence(self, ch, relation_id: int, coding_ids: list[int]) -> None:
        have = {
            r[0]
            for r in ch.conn.execute(
                select(relation_evidence.c.coding_id).where(
                    relation_evidence.c.relation_id == relation_id
                )
            )
        }
        for cid in coding_ids:
            if not ch.conn.execute(select(codings.c.id).where(codings.c.id == cid)).first():
                raise NotFound(_("no coding {cid}; nothing was changed").format(cid=cid))
            if cid not in have:
                ch.insert(relation_evidence, {"relation_id": relation_id, "coding_id": cid})
                have.add(cid)

    def delete_relation(self, relation_id: int) -> None:
        with self.change("delete-relation", f"delete relation {relation_id}") as ch:
            _relation(ch.conn, relation_id)
            ch.delete_where(relation_evidence, relation_evidence.c.relation_id == relation_id)
            ch.delete_where(
                memos, memos.c.target_type == "relation", memos.c.target_id == relation_id
            )
            ch.delete(relations, {"id": relation_id})

    def relations(self) -> list[Relation]:
        with self.read() as conn:
            ids = [r[0] for r in conn.execute(select(relations.c.id).order_by(relations.c.id))]
            return [_relation(conn, i) for i in ids]


def _target_words(conn: Connection, target: str, target_id: int | None) -> str:
    """What a memo is on, as the log says it: ``code a25 条块联动``, not ``code 19``."""
    if target == "code":
        row = conn.execute(select(codes.c.label, codes.c.name).where(codes.c.id == target_id)).one()
        return f"code {row[0]} {row[1]}"
    if target == "source":
        name = conn.execute(select(sources.c.name).where(sources.c.id == target_id)).scalar_one()
        return f"source {name}"
    if target == "case":
        name = conn.execute(select(cases.c.name).where(cases.c.id == target_id)).scalar_one()
        return f"case {name}"
    if target == "coding":
        crow = conn.execute(
            select(codes.c.label, codings.c.start, codings.c.end)
            .select_from(codings.join(codes, codes.c.id == codings.c.code_id))
            .where(codings.c.id == target_id)
        ).one()
        return f"coding {crow[0]} at {crow[1]}–{crow[2]}"
    return target if target_id is None else f"{target} {target_id}"


def _check_target(conn: Connection, target: str, target_id: int | None) -> None:
    if target == "project":
        return
    if target_id is None:
        raise InvalidInput(
            _("a memo on a {target} needs the {target}'s id; nothing was changed").format(
                target=target
            )
        )
    table = _TARGET_TABLES[target]
    if not conn.execute(select(table.c.id).where(table.c.id == target_id)).first():
        raise NotFound(
            _("no {target} {target_id}; nothing was changed").format(
                target=target, target_id=target_id
            )
        )


def _check_span(
    conn: Connection, target: str, target_id: int | None, span: tuple[int, int]
) -> None:
    start, end = span
    if target != "source":
        raise InvalidInput(
            _("only a memo on a source can be anchored to a passage; nothing was changed")
        )
    chars = conn.execute(select(sources.c.chars).where(sources.c.id == target_id)).scalar_one()
    if not 0 <= start < end <= chars:
        raise InvalidInput(
            _(
                "passage {start}–{end} is not within the source's {chars} characters; nothing was changed"
            ).format(start=start, end=end, chars=chars)
        )


def _memo_select() -> Select:
    """A memo's row in the order of :class:`coder.model.Memo`'s fields, with its writer's name."""
    return select(
        memos.c.id,
        memos.c.type,
        memos.c.target_type,
        memos.c.target_id,
        memos.c.title,
        memos.c.text,
        coders.c.name,
        memos.c.created,
        memos.c.modified,
        memos.c.start,
        memos.c.end,
    ).select_from(memos.join(coders, coders.c.id == memos.c.coder_id))


def _memo(conn: Connection, memo_id: int) -> Memo:
    row = conn.execute(_memo_select().where(memos.c.id == memo_id)).first()
    if row is None:
        raise NotFound(_("no memo {memo_id}; nothing was changed").format(memo_id=memo_id))
    return Memo(*row)


def _relation(conn: Connection, relation_id: int) -> Relation:
    row = conn.execute(
        select(
            relations.c.id,
            relations.c.from_id,
            relations.c.to_id,
            relations.c.type,
            relations.c.description,
        ).where(relations.c.id == relation_id)
    ).first()
    if row is None:
        raise NotFound(
            _("no relation {relation_id}; nothing was changed").format(relation_id=relation_id)
        )
    ev = tuple(
        r[0]
        for r in conn.execute(
            select(relation_evidence.c.coding_id)
            .where(relation_evidence.c.relation_id == relation_id)
            .order_by(relation_evidence.c.coding_id)
        )
    )
    return Relation(*row, evidence=ev)
