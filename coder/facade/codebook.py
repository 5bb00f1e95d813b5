"""The codebook: codes at three levels, their parents, and the operations of the method.

Open codes (初始概念) sit under axial categories (范畴), which sit under the selective core
category (核心范畴). A code may belong to several categories; the first (primary) parent is the
one tables and trees show it under. Merge, split and promote keep the lineage of codes.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, text

from coder.errors import Conflict, InvalidInput, NotFound
from coder.model import AXES, LEVELS, PARADIGM_ROLES, Code
from coder.store.journal import Change
from coder.store.schema import (
    code_lineage,
    code_parents,
    codes,
    codings,
    memos,
    relation_evidence,
    relation_types,
    relations,
    settings,
)

LEVEL_RANK = {level: i for i, level in enumerate(LEVELS)}
#: Fields of a code that ``update_code`` accepts.
EDITABLE = (
    "name",
    "label",
    "colour",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "name_en",
    "in_vivo",
    "paradigm_role",
    "axis",
    "properties",
)
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{6}|)$")


def _a(level: str) -> str:
    """'an open', 'an axial', 'a selective'."""
    return f"an {level}" if level[0] in "aeiou" else f"a {level}"


def _check_fields(level: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate code fields; returns them ready for the table. Raises InvalidInput."""
    out = dict(fields)
    if "name" in out:
        out["name"] = str(out["name"]).strip()
        if not out["name"]:
            raise InvalidInput("a code needs a name; nothing was changed")
        if "\n" in out["name"]:
            raise InvalidInput("a code name is one line; nothing was changed")
    if "label" in out:
        out["label"] = str(out["label"]).strip()
        if not out["label"] or any(ch.isspace() for ch in out["label"]):
            raise InvalidInput(f"label {out['label']!r} must be one word; nothing was changed")
    role = out.get("paradigm_role")
    if role is not None:
        if role not in PARADIGM_ROLES:
            raise InvalidInput(
                f"paradigm role {role!r} is not one of {', '.join(PARADIGM_ROLES)}; nothing was changed"
            )
        if level != "axial":
            raise InvalidInput("only axial categories carry a paradigm role; nothing was changed")
    axis = out.get("axis")
    if axis is not None:
        if axis not in AXES:
            raise InvalidInput(f"axis {axis!r} is not 统 or 合; nothing was changed")
        if level != "axial":
            raise InvalidInput("only axial categories sit on the 统/合 axis; nothing was changed")
    if "colour" in out:
        out["colour"] = str(out["colour"] or "")
        if not _COLOUR.match(out["colour"]):
            raise InvalidInput(f"colour {out['colour']!r} is not #rrggbb; nothing was changed")
    if "in_vivo" in out:
        out["in_vivo"] = bool(out["in_vivo"])
    if "properties" in out:
        props = out["properties"] or []
        if not isinstance(props, list | tuple) or not all(isinstance(p, dict) for p in props):
            raise InvalidInput(
                "properties must be a list of {name, dimension}; nothing was changed"
            )
        out["properties"] = json.dumps([dict(p) for p in props], ensure_ascii=False)
    for key in ("definition", "inclusion", "exclusion", "example", "name_en"):
        if key in out:
            out[key] = str(out[key] or "")
    return out


class CodebookOps:
    """Codebook commands and queries. Mixed into :class:`coder.project.Project`."""

    # -- queries -----------------------------------------------------------------------------

    def codes(self) -> list[Code]:
        """Every code, ordered by level (core first) and label."""
        with self._read() as conn:  # type: ignore[attr-defined]
            return _load_codes(conn)

    def code(self, ref: int | str) -> Code:
        cid = self.code_id(ref)
        with self._read() as conn:  # type: ignore[attr-defined]
            return _load_codes(conn, cid)[0]

    def code_id(self, ref: int | str) -> int:
        """Resolve a code by label, then name, then numeric id. An unknown code is an error."""
        with self._read() as conn:  # type: ignore[attr-defined]
            return _resolve_code(conn, ref)

    def children(self, ref: int | str) -> list[Code]:
        cid = self.code_id(ref)
        return [c for c in self.codes() if cid in c.parents]

    def lineage(self) -> list[dict[str, Any]]:
        """Merges, splits and promotions: which codes went into which, oldest first."""
        with self._read() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(
                select(
                    code_lineage.c.kind,
                    code_lineage.c.from_label,
                    code_lineage.c.from_name,
                    codes.c.label,
                    codes.c.name,
                    code_lineage.c.time,
                )
                .select_from(code_lineage.outerjoin(codes, codes.c.id == code_lineage.c.to_code_id))
                .order_by(code_lineage.c.id)
            ).all()
        return [
            {
                "kind": r[0],
                "from_label": r[1],
                "from_name": r[2],
                "to_label": r[3],
                "to_name": r[4],
                "time": r[5],
            }
            for r in rows
        ]

    # -- adding and editing ------------------------------------------------------------------

    def add_code(
        self,
        name: str,
        level: str = "open",
        *,
        parent: int | str | None = None,
        label: str | None = None,
        is_core: bool = False,
        **fields: Any,
    ) -> Code:
        """Add a code; its label comes from the project's prefix scheme unless given."""
        if level not in LEVELS:
            raise InvalidInput(
                f"level {level!r} is not open, axial or selective; nothing was changed"
            )
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise InvalidInput(f"unknown code field {sorted(unknown)[0]!r}; nothing was changed")
        clean = _check_fields(
            level, {"name": name, **fields, **({"label": label} if label else {})}
        )
        with self._change("add-code", f"add {level} code {clean['name']}") as ch:  # type: ignore[attr-defined]
            cid = self._insert_code(ch, level, clean, is_core=is_core)
            if parent is not None:
                self._link_parent(ch, cid, _resolve_code(ch.conn, parent), primary=True)
            code = _load_codes(ch.conn, cid)[0]
            ch.summary = f"add {level} code {code.label} {code.name}"
        return code

    def _insert_code(
        self, ch: Change, level: str, clean: dict[str, Any], *, is_core: bool = False
    ) -> int:
        conn = ch.conn
        name = clean["name"]
        dup = conn.execute(
            select(codes.c.label).where(codes.c.level == level, codes.c.name == name)
        ).first()
        if dup:
            raise InvalidInput(
                f"{_a(level)} code named {name!r} already exists ({dup[0]}); nothing was changed"
            )
        label = clean.pop("label", None) or next_label(conn, level)
        if conn.execute(select(codes.c.id).where(codes.c.label == label)).first():
            raise InvalidInput(f"label {label!r} is already taken; nothing was changed")
        if is_core:
            if level != "selective":
                raise InvalidInput(
                    "only a selective code can be the core category; nothing was changed"
                )
            for (other,) in conn.execute(select(codes.c.id).where(codes.c.is_core.is_(True))):
                ch.update(codes, {"id": other}, {"is_core": False})
        return ch.insert(
            codes,
            {
                "guid": str(uuid.uuid4()),
                "label": label,
                "level": level,
                "is_core": is_core,
                "created": time.time(),
                **clean,
            },
        )

    def update_code(
        self, ref: int | str, *, expect: Mapping[str, Any] | None = None, **fields: Any
    ) -> Code:
        """Edit fields of a code (name, label, colour, definition, inclusion, exclusion, example,
        name_en, in_vivo, paradigm_role, axis, properties).

        ``expect``: the values the editor started from; if someone changed one of them since, the
        edit is refused rather than silently overwriting theirs (a form open while a colleague
        edits the same code on a team server).
        """
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise InvalidInput(f"unknown code field {sorted(unknown)[0]!r}; nothing was changed")
        with self._change("edit-code", "edit code") as ch:  # type: ignore[attr-defined]
            cid = _resolve_code(ch.conn, ref)
            code = _load_codes(ch.conn, cid)[0]
            moved = sorted(k for k, v in (expect or {}).items() if getattr(code, k) != v)
            if moved:
                raise Conflict(
                    f"{code.label} {code.name} was changed by someone else since you opened it "
                    f"({', '.join(moved)}); your edit was not saved; reload (F5) to see theirs"
                )
            clean = _check_fields(code.level, fields)
            if "name" in clean and clean["name"] != code.name:
                dup = ch.conn.execute(
                    select(codes.c.label).where(
                        codes.c.level == code.level,
                        codes.c.name == clean["name"],
                        codes.c.id != cid,
                    )
                ).first()
                if dup:
                    raise InvalidInput(
                        f"{_a(code.level)} code named {clean['name']!r} already exists ({dup[0]}); nothing was changed"
                    )
            if "label" in clean and clean["label"] != code.label:
                if ch.conn.execute(
                    select(codes.c.id).where(codes.c.label == clean["label"])
                ).first():
                    raise InvalidInput(
                        f"label {clean['label']!r} is already taken; nothing was changed"
                    )
            ch.update(codes, {"id": cid}, clean)
            what = ", ".join(sorted(fields))
            ch.summary = f"edit {code.label} {code.name}: {what}"
            return _load_codes(ch.conn, cid)[0]

    def rename_code(self, ref: int | str, name: str) -> Code:
        return self.update_code(ref, name=name)

    def set_core(self, ref: int | str) -> Code:
        """Mark a selective code as the core category (核心范畴); any other core is unmarked."""
        with self._change("set-core", "set core category") as ch:  # type: ignore[attr-defined]
            cid = _resolve_code(ch.conn, ref)
            code = _load_codes(ch.conn, cid)[0]
            if code.level != "selective":
                raise InvalidInput(
                    f"{code.label} {code.name} is {code.level}; only a selective code can be the core category; nothing was changed"
                )
            for (other,) in ch.conn.execute(
                select(codes.c.id).where(codes.c.is_core.is_(True), codes.c.id != cid)
            ):
                ch.update(codes, {"id": other}, {"is_core": False})
            ch.update(codes, {"id": cid}, {"is_core": True})
            ch.summary = f"core category {code.label} {code.name}"
            return _load_codes(ch.conn, cid)[0]

    # -- the tree ----------------------------------------------------------------------------

    def move_code(self, ref: int | str, parent: int | str | None) -> Code:
        """Put a code under another primary parent (None: out of every category)."""
        with self._change("move-code", "move code") as ch:  # type: ignore[attr-defined]
            cid = _resolve_code(ch.conn, ref)
            code = _load_codes(ch.conn, cid)[0]
            old_primary = code.parents[0] if code.parents else None
            if parent is None:
                ch.delete_where(code_parents, code_parents.c.child_id == cid)
                ch.summary = f"move {code.label} out of every category"
            else:
                pid = _resolve_code(ch.conn, parent)
                if old_primary is not None and old_primary != pid:
                    ch.delete(code_parents, {"child_id": cid, "parent_id": old_primary})
                existing = ch.conn.execute(
                    select(code_parents.c.is_primary).where(
                        code_parents.c.child_id == cid, code_parents.c.parent_id == pid
                    )
                ).first()
                if existing is None:
                    self._link_parent(ch, cid, pid, primary=True)
                else:
                    self._make_primary(ch, cid, pid)
                target = _load_codes(ch.conn, pid)[0]
                ch.summary = f"move {code.label} {code.name} under {target.label} {target.name}"
            return _load_codes(ch.conn, cid)[0]

    def attach_code(self, ref: int | str, parent: int | str, *, primary: bool = False) -> Code:
        """Put a code in a further category as well (a concept may sit in several)."""
        with self._change("attach-code", "attach code") as ch:  # type: ignore[attr-defined]
            cid = _resolve_code(ch.conn, ref)
            pid = _resolve_code(ch.conn, parent)
            code, target = _load_codes(ch.conn, cid)[0], _load_codes(ch.conn, pid)[0]
            if pid in code.parents:
                raise InvalidInput(
                    f"{code.label} is already under {target.label}; nothing was changed"
                )
            self._link_parent(ch, cid, pid, primary=primary or not code.parents)
            ch.summary = f"attach {code.label} {code.name} to {target.label} {target.name}"
            return _load_codes(ch.conn, cid)[0]

    def detach_code(self, ref: int | str, parent: int | str) -> Code:
        """Take a code out of one of its categories."""
        with self._change("detach-code", "detach code") as ch:  # type: ignore[attr-defined]
            cid = _resolve_code(ch.conn, ref)
            pid = _resolve_code(ch.conn, parent)
            code = _load_codes(ch.conn, cid)[0]
            if pid not in code.parents:
                raise InvalidInput(f"{code.label} is not under code {parent}; nothing was changed")
            ch.delete(code_parents, {"child_id": cid, "parent_id": pid})
            rest = [p for p in code.parents if p != pid]
            if code.parents[0] == pid and rest:
                self._make_primary(ch, cid, rest[0])
            ch.summary = f"detach {code.label} {code.name}"
            return _load_codes(ch.conn, cid)[0]

    def _link_parent(self, ch: Change, child: int, parent: int, *, primary: bool) -> None:
        conn = ch.conn
        levels = dict(
            conn.execute(
                select(codes.c.id, codes.c.level).where(codes.c.id.in_([child, parent]))
            ).all()
        )
        if LEVEL_RANK[levels[parent]] < LEVEL_RANK[levels[child]]:
            raise InvalidInput(
                f"{_a(levels[parent])} code cannot contain {_a(levels[child])} code; nothing was changed"
            )
        if child == parent or child in _ancestors(conn, parent):
            raise InvalidInput("that would put a code inside itself (a cycle); nothing was changed")
        if primary:
            for (other,) in conn.execute(
                select(code_parents.c.parent_id).where(
                    code_parents.c.child_id == child, code_parents.c.is_primary.is_(True)
                )
            ):
                ch.update(
                    code_parents, {"child_id": child, "parent_id": other}, {"is_primary": False}
                )
        ch.insert(code_parents, {"child_id": child, "parent_id": parent, "is_primary": primary})

    def _make_primary(self, ch: Change, child: int, parent: int) -> None:
        for pid, is_primary in ch.conn.execute(
            select(code_parents.c.parent_id, code_parents.c.is_primary).where(
                code_parents.c.child_id == child
            )
        ).all():
            want = pid == parent
            if bool(is_primary) != want:
                ch.update(code_parents, {"child_id": child, "parent_id": pid}, {"is_primary": want})

    # -- the method's operations ---------------------------------------------------------------

    def promote_code(self, ref: int | str) -> Code:
        """Focused coding: raise a code one level (open → axial → selective), with a new label."""
        with self._change("promote-code", "promote code") as ch:  # type: ignore[attr-defined]
            cid = _resolve_code(ch.conn, ref)
            code = _load_codes(ch.conn, cid)[0]
            if code.level == "selective":
                raise InvalidInput(f"{code.label} is already selective; nothing was changed")
            level = LEVELS[LEVEL_RANK[code.level] + 1]
            dup = ch.conn.execute(
                select(codes.c.label).where(codes.c.level == level, codes.c.name == code.name)
            ).first()
            if dup:
                raise InvalidInput(
                    f"{_a(level)} code named {code.name!r} already exists ({dup[0]}); nothing was changed"
                )
            # Parents below the new level no longer fit; the code keeps the others.
            for pid in code.parents:
                if LEVEL_RANK[_load_codes(ch.conn, pid)[0].level] < LEVEL_RANK[level]:
                    ch.delete(code_parents, {"child_id": cid, "parent_id": pid})
            label = next_label(ch.conn, level)
            ch.update(codes, {"id": cid}, {"level": level, "label": label})
            self._lineage(ch, "promote", code, cid)
            ch.summary = f"promote {code.label} {code.name} to {level} {label}"
            return _load_codes(ch.conn, cid)[0]

    def merge_codes(self, source: int | str, target: int | str) -> Code:
        """Merge ``source`` into ``target``: its codings, categories, children, relations and memos
        move to the target, and the source code goes. Undo restores both codes exactly."""
        with self._change("merge-codes", "merge codes") as ch:  # type: ignore[attr-defined]
            conn = ch.conn
            sid, tid = _resolve_code(conn, source), _resolve_code(conn, target)
            if sid == tid:
                raise InvalidInput("cannot merge a code into itself; nothing was changed")
            src, dst = _load_codes(conn, sid)[0], _load_codes(conn, tid)[0]
            if sid in _ancestors(conn, tid):
                raise InvalidInput(
                    f"{dst.label} lies inside {src.label}; move it out before merging; nothing was changed"
                )
            moved = self._move_codings(ch, sid, tid)
            # Categories of the source become categories of the target.
            for pid in src.parents:
                ch.delete(code_parents, {"child_id": sid, "parent_id": pid})
                if (
                    pid != tid
                    and pid not in dst.parents
                    and tid not in _ancestors(conn, pid) | {pid}
                ):
                    self._link_parent(ch, tid, pid, primary=not _load_codes(conn, tid)[0].parents)
            # Children of the source move under the target.
            for child, is_primary in conn.execute(
                select(code_parents.c.child_id, code_parents.c.is_primary).where(
                    code_parents.c.parent_id == sid
                )
            ).all():
                ch.delete(code_parents, {"child_id": child, "parent_id": sid})
                taken = conn.execute(
                    select(code_parents.c.child_id).where(
                        code_parents.c.child_id == child, code_parents.c.parent_id == tid
                    )
                ).first()
                if not taken and child != tid:
                    ch.insert(
                        code_parents,
                        {"child_id": child, "parent_id": tid, "is_primary": bool(is_primary)},
                    )
            self._repoint_relations(ch, sid, tid)
            for (mid,) in conn.execute(
                select(memos.c.id).where(memos.c.target_type == "code", memos.c.target_id == sid)
            ).all():
                ch.update(memos, {"id": mid}, {"target_id": tid})
            self._lineage(ch, "merge", src, tid)
            ch.delete(codes, {"id": sid})
            ch.summary = (
                f"merge {src.label} {src.name} into {dst.label} {dst.name} ({moved} codings)"
            )
            return _load_codes(conn, tid)[0]

    def _move_codings(
        self, ch: Change, sid: int, tid: int, only: Iterable[int] | None = None
    ) -> int:
        """Move codings from code ``sid`` to ``tid``; a span the target already has for the same
        coder is kept once (its relation evidence moves to the surviving coding)."""
        conn = ch.conn
        query = select(
            codings.c.id, codings.c.source_id, codings.c.coder_id, codings.c.start, codings.c.end
        ).where(codings.c.code_id == sid)
        if only is not None:
            query = query.where(codings.c.id.in_(list(only)))
        rows = conn.execute(query).all()
        existing = {
            (r.source_id, r.coder_id, r.start, r.end): r.id
            for r in conn.execute(
                select(
                    codings.c.id,
                    codings.c.source_id,
                    codings.c.coder_id,
                    codings.c.start,
                    codings.c.end,
                ).where(codings.c.code_id == tid)
            )
        }
        for r in rows:
            twin = existing.get((r.source_id, r.coder_id, r.start, r.end))
            if twin is None:
                ch.update(codings, {"id": r.id}, {"code_id": tid})
                continue
            for (rel,) in conn.execute(
                select(relation_evidence.c.relation_id).where(relation_evidence.c.coding_id == r.id)
            ).all():
                ch.delete(relation_evidence, {"relation_id": rel, "coding_id": r.id})
                if not conn.execute(
                    select(relation_evidence.c.relation_id).where(
                        relation_evidence.c.relation_id == rel,
                        relation_evidence.c.coding_id == twin,
                    )
                ).first():
                    ch.insert(relation_evidence, {"relation_id": rel, "coding_id": twin})
            ch.delete(codings, {"id": r.id})
        return len(rows)

    def _repoint_relations(self, ch: Change, sid: int, tid: int) -> None:
        conn = ch.conn
        for rel in conn.execute(
            select(relations).where(or_(relations.c.from_id == sid, relations.c.to_id == sid))
        ).all():
            new_from = tid if rel.from_id == sid else rel.from_id
            new_to = tid if rel.to_id == sid else rel.to_id
            twin = conn.execute(
                select(relations.c.id).where(
                    relations.c.from_id == new_from,
                    relations.c.to_id == new_to,
                    relations.c.type == rel.type,
                )
            ).first()
            if new_from != new_to and twin is None:
                ch.update(relations, {"id": rel.id}, {"from_id": new_from, "to_id": new_to})
                continue
            evidence = [
                e[0]
                for e in conn.execute(
                    select(relation_evidence.c.coding_id).where(
                        relation_evidence.c.relation_id == rel.id
                    )
                )
            ]
            ch.delete_where(relation_evidence, relation_evidence.c.relation_id == rel.id)
            if twin is not None and new_from != new_to:
                have = {
                    e[0]
                    for e in conn.execute(
                        select(relation_evidence.c.coding_id).where(
                            relation_evidence.c.relation_id == twin[0]
                        )
                    )
                }
                for cod in evidence:
                    if cod not in have:
                        ch.insert(relation_evidence, {"relation_id": twin[0], "coding_id": cod})
            ch.delete(relations, {"id": rel.id})

    def split_code(
        self, ref: int | str, new_name: str, coding_ids: Iterable[int], *, label: str | None = None
    ) -> Code:
        """Split a code: a new sibling code (same level and categories) takes the given codings."""
        ids = list(coding_ids)
        with self._change("split-code", "split code") as ch:  # type: ignore[attr-defined]
            cid = _resolve_code(ch.conn, ref)
            code = _load_codes(ch.conn, cid)[0]
            mine = {
                r[0]
                for r in ch.conn.execute(
                    select(codings.c.id).where(codings.c.code_id == cid, codings.c.id.in_(ids))
                )
            }
            stray = [i for i in ids if i not in mine]
            if stray:
                raise InvalidInput(
                    f"coding {stray[0]} is not a coding of {code.label}; nothing was changed"
                )
            fields: dict[str, Any] = {"name": new_name}
            if label:
                fields["label"] = label
            if code.level == "axial":
                fields.update(paradigm_role=code.paradigm_role, axis=code.axis)
            clean = _check_fields(code.level, fields)
            new_id = self._insert_code(ch, code.level, clean)
            for i, pid in enumerate(code.parents):
                ch.insert(
                    code_parents, {"child_id": new_id, "parent_id": pid, "is_primary": i == 0}
                )
            self._move_codings(ch, cid, new_id, only=ids)
            new = _load_codes(ch.conn, new_id)[0]
            self._lineage(ch, "split", code, new_id)
            ch.summary = (
                f"split {len(ids)} codings of {code.label} {code.name} into {new.label} {new.name}"
            )
            return new

    def delete_code(self, ref: int | str) -> int:
        """Delete a code with its codings, links and memos (children stay, out of it).
        Returns the number of codings removed. Undo restores everything; a code that has
        codings is backed up first as well."""
        cid = self.code_id(ref)
        self.check_allowed("delete-code")  # type: ignore[attr-defined]
        if self.code_counts().get(cid, (0, 0))[0] and getattr(self, "path", None) is not None:  # type: ignore[attr-defined]
            self.backup("before-delete-code")  # type: ignore[attr-defined]
        with self._change("delete-code", "delete code") as ch:  # type: ignore[attr-defined]
            conn = ch.conn
            cid = _resolve_code(conn, ref)
            code = _load_codes(conn, cid)[0]
            coding_ids = select(codings.c.id).where(codings.c.code_id == cid).scalar_subquery()
            ch.delete_where(relation_evidence, relation_evidence.c.coding_id.in_(coding_ids))
            rel_ids = select(relations.c.id).where(
                or_(relations.c.from_id == cid, relations.c.to_id == cid)
            )
            ch.delete_where(
                relation_evidence, relation_evidence.c.relation_id.in_(rel_ids.scalar_subquery())
            )
            rel_memo = and_(
                memos.c.target_type == "relation", memos.c.target_id.in_(rel_ids.scalar_subquery())
            )
            ch.delete_where(memos, rel_memo)
            ch.delete_where(relations, or_(relations.c.from_id == cid, relations.c.to_id == cid))
            removed = ch.delete_where(codings, codings.c.code_id == cid)
            ch.delete_where(
                code_parents, or_(code_parents.c.child_id == cid, code_parents.c.parent_id == cid)
            )
            ch.delete_where(memos, memos.c.target_type == "code", memos.c.target_id == cid)
            # Lineage that points at the code keeps its history but loses the link.
            for (lid,) in conn.execute(
                select(code_lineage.c.id).where(code_lineage.c.to_code_id == cid)
            ).all():
                ch.update(code_lineage, {"id": lid}, {"to_code_id": None})
            ch.delete(codes, {"id": cid})
            ch.summary = f"delete {code.level} code {code.label} {code.name} ({removed} codings)"
            return removed

    def import_codebook(
        self, spec: dict[str, Any], *, summary: str = "load codebook"
    ) -> dict[str, int]:
        """Merge a parsed codebook (see ``coder.exchange.codebook_yaml``) into the project by name,
        as one event: existing codes (same level and name) get the file's fields, new codes are
        added, parents, relations and memos are added where missing. Returns counts."""
        fields = (
            "name_en",
            "colour",
            "definition",
            "inclusion",
            "exclusion",
            "example",
            "in_vivo",
            "paradigm_role",
            "axis",
            "properties",
        )
        stats = {"added": 0, "updated": 0, "relations": 0, "memos": 0}
        with self._change("load-codebook", summary) as ch:  # type: ignore[attr-defined]
            conn = ch.conn
            ids: dict[str, int] = {}
            made: set[int] = set()
            for spec_code in spec["codes"]:
                level = spec_code["level"]
                values = {k: spec_code[k] for k in fields if spec_code.get(k) is not None}
                row = conn.execute(
                    select(codes.c.id).where(
                        codes.c.level == level, codes.c.name == spec_code["name"]
                    )
                ).first()
                if row is None:
                    clean = _check_fields(level, {"name": spec_code["name"], **values})
                    label = spec_code.get("label")
                    if (
                        label
                        and not conn.execute(
                            select(codes.c.id).where(codes.c.label == label)
                        ).first()
                    ):
                        clean["label"] = label
                    cid = self._insert_code(ch, level, clean, is_core=bool(spec_code.get("core")))
                    made.add(cid)
                    stats["added"] += 1
                else:
                    cid = int(row[0])
                    clean = _check_fields(level, values)
                    before = len(ch.forward)
                    ch.update(codes, {"id": cid}, clean) if clean else None
                    if spec_code.get("core"):
                        for (other,) in conn.execute(
                            select(codes.c.id).where(codes.c.is_core.is_(True), codes.c.id != cid)
                        ):
                            ch.update(codes, {"id": other}, {"is_core": False})
                        ch.update(codes, {"id": cid}, {"is_core": True})
                    stats["updated"] += len(ch.forward) > before
                ids[spec_code.get("label") or spec_code["name"]] = cid
            levels = {
                ids[k]: c["level"]
                for k, c in ((c.get("label") or c["name"], c) for c in spec["codes"])
            }
            fresh_links = []
            for spec_code in spec["codes"]:
                cid = ids[spec_code.get("label") or spec_code["name"]]
                if cid in made:
                    # A code made by this load has no children outside the file, and the file
                    # was checked for cycles: its links need only the level rule.
                    for i, plabel in enumerate(dict.fromkeys(spec_code["parents"])):
                        pid = ids[plabel]
                        if LEVEL_RANK[levels[pid]] < LEVEL_RANK[levels[cid]]:
                            raise InvalidInput(
                                f"{_a(levels[pid])} code cannot contain {_a(levels[cid])} code "
                                f"({plabel} above {spec_code.get('label') or spec_code['name']}); nothing was changed"
                            )
                        fresh_links.append((cid, pid, i == 0))
                    continue
                have = {
                    r[0]
                    for r in conn.execute(
                        select(code_parents.c.parent_id).where(code_parents.c.child_id == cid)
                    )
                }
                for i, plabel in enumerate(spec_code["parents"]):
                    pid = ids[plabel]
                    if pid not in have:
                        self._link_parent(ch, cid, pid, primary=(i == 0 and not have))
                        have.add(pid)
            ch.insert_values(code_parents, ["child_id", "parent_id", "is_primary"], fresh_links)
            for rel in spec["relations"]:
                a, b = ids[rel["from"]], ids[rel["to"]]
                if not conn.execute(
                    select(relation_types.c.name).where(relation_types.c.name == rel["type"])
                ).first():
                    raise InvalidInput(
                        f"unknown relation type {rel['type']!r}; nothing was changed"
                    )
                if conn.execute(
                    select(relations.c.id).where(
                        relations.c.from_id == a,
                        relations.c.to_id == b,
                        relations.c.type == rel["type"],
                    )
                ).first():
                    continue
                ch.insert(
                    relations,
                    {
                        "guid": str(uuid.uuid4()),
                        "from_id": a,
                        "to_id": b,
                        "type": rel["type"],
                        "description": rel.get("description", ""),
                        "coder_id": ch.coder_id,
                        "created": time.time(),
                    },
                )
                stats["relations"] += 1
            for memo in spec["memos"]:
                target = "code" if memo.get("attached_to") is not None else "project"
                target_id = ids[str(memo["attached_to"])] if target == "code" else None
                mtype = memo.get("type", "theoretical")
                title = str(memo.get("title") or "")
                dup = conn.execute(
                    select(memos.c.id).where(
                        memos.c.target_type == target,
                        memos.c.target_id.is_(None)
                        if target_id is None
                        else memos.c.target_id == target_id,
                        memos.c.type == mtype,
                        memos.c.title == title,
                    )
                ).first()
                if dup:
                    continue
                now = time.time()
                ch.insert(
                    memos,
                    {
                        "guid": str(uuid.uuid4()),
                        "type": mtype,
                        "target_type": target,
                        "target_id": target_id,
                        "title": title,
                        "text": str(memo["text"]),
                        "coder_id": ch.coder_id,
                        "created": now,
                        "modified": now,
                    },
                )
                stats["memos"] += 1
            terms = spec.get("terms") or []
            if terms:
                row = conn.execute(
                    select(settings.c.value).where(settings.c.key == "dictionary")
                ).first()
                have = json.loads(row[0]) if row else []
                merged = sorted(set(have) | set(terms))
                if merged != have:
                    value = json.dumps(merged, ensure_ascii=False)
                    if row:
                        ch.update(settings, {"key": "dictionary"}, {"value": value})
                    else:
                        ch.insert(settings, {"key": "dictionary", "value": value})
            ch.summary = f"{summary}: {stats['added']} codes added, {stats['updated']} updated"
        return stats

    def _lineage(self, ch: Change, kind: str, old: Code, to_code_id: int) -> None:
        ch.insert(
            code_lineage,
            {
                "event_id": ch.reserve_event(),
                "kind": kind,
                "from_guid": old.guid,
                "from_label": old.label,
                "from_name": old.name,
                "to_code_id": to_code_id,
                "time": time.time(),
            },
        )


# -- helpers shared with other modules ---------------------------------------------------------


def _resolve_code(conn: Connection, ref: int | str) -> int:
    if isinstance(ref, int) and not isinstance(ref, bool):
        # An id, as the workbench passes: one query (labels are never bare numbers there).
        row = conn.execute(select(codes.c.id).where(codes.c.id == ref)).first()
        if row:
            return int(row[0])
    ref_s = str(ref).strip()
    row = conn.execute(select(codes.c.id).where(codes.c.label == ref_s)).first()
    if row:
        return int(row[0])
    rows = conn.execute(
        select(codes.c.id, codes.c.label, codes.c.level).where(codes.c.name == ref_s)
    ).all()
    if len(rows) == 1:
        return int(rows[0][0])
    if len(rows) > 1:
        which = ", ".join(f"{r.label} ({r.level})" for r in rows)
        raise InvalidInput(
            f"{ref_s!r} names several codes: {which}; use the label; nothing was changed"
        )
    if isinstance(ref, int) or ref_s.isdigit():
        row = conn.execute(select(codes.c.id).where(codes.c.id == int(ref_s))).first()
        if row:
            return int(row[0])
    raise NotFound(f"no code {ref_s!r} (by label or name); nothing was changed")


_ANCESTORS = text(
    "WITH RECURSIVE anc(id) AS ("
    " SELECT parent_id FROM code_parents WHERE child_id = :code"
    " UNION SELECT cp.parent_id FROM code_parents cp JOIN anc ON cp.child_id = anc.id"
    ") SELECT id FROM anc"
)


def _ancestors(conn: Connection, code_id: int) -> set[int]:
    """All codes above ``code_id`` (through every parent link)."""
    return {r[0] for r in conn.execute(_ANCESTORS, {"code": code_id})}


def _load_codes(conn: Connection, only: int | None = None) -> list[Code]:
    parents: dict[int, list[tuple[bool, int]]] = {}
    query = select(code_parents.c.child_id, code_parents.c.parent_id, code_parents.c.is_primary)
    if only is not None:
        query = query.where(code_parents.c.child_id == only)
    for child, parent, primary in conn.execute(query):
        parents.setdefault(child, []).append((not primary, parent))
    rank = {"selective": 0, "axial": 1, "open": 2}
    query = select(codes)
    if only is not None:
        query = query.where(codes.c.id == only)
    out = []
    for r in conn.execute(query).mappings():
        ps = tuple(p for _, p in sorted(parents.get(r["id"], [])))
        out.append(
            Code(
                id=r["id"],
                guid=r["guid"],
                label=r["label"],
                name=r["name"],
                level=r["level"],
                colour=r["colour"],
                definition=r["definition"],
                inclusion=r["inclusion"],
                exclusion=r["exclusion"],
                example=r["example"],
                name_en=r["name_en"],
                in_vivo=bool(r["in_vivo"]),
                paradigm_role=r["paradigm_role"],
                axis=r["axis"],
                is_core=bool(r["is_core"]),
                properties=tuple(json.loads(r["properties"] or "[]")),
                parents=ps,
            )
        )
    if only is not None and not out:
        raise NotFound(f"no code with id {only}")
    out.sort(key=lambda c: (rank[c.level], _label_key(c.label)))
    return out


def _label_key(label: str) -> tuple[str, int, str]:
    m = re.match(r"^(\D*)(\d*)(.*)$", label)
    assert m
    return (m.group(1), int(m.group(2) or 0), m.group(3))


def next_label(conn: Connection, level: str) -> str:
    """The next free label at ``level`` under the project's prefix scheme."""
    raw = conn.execute(select(settings.c.value).where(settings.c.key == "label_scheme")).scalar()
    scheme = json.loads(raw) if raw else {}
    rule = scheme.get(level, {"prefix": level[0], "width": 1})
    prefix, width = rule["prefix"], int(rule["width"])
    pattern = re.compile(rf"^{re.escape(prefix)}(\d*)$")
    used = set()
    for (label,) in conn.execute(select(codes.c.label).where(codes.c.label.like(f"{prefix}%"))):
        m = pattern.match(label)
        if m:
            used.add(int(m.group(1)) if m.group(1) else 1)
    n = max(used, default=0) + 1
    taken = {r[0] for r in conn.execute(select(codes.c.label))}
    while True:
        label = prefix if (width == 0 and n == 1) else f"{prefix}{str(n).zfill(width)}"
        if label not in taken:
            return label
        n += 1


def code_counts(conn: Connection) -> dict[int, tuple[int, int]]:
    """Codings and sources per code id (directly coded, no roll-up)."""
    rows = conn.execute(
        select(
            codings.c.code_id, func.count(), func.count(func.distinct(codings.c.source_id))
        ).group_by(codings.c.code_id)
    )
    return {r[0]: (r[1], r[2]) for r in rows}
