"""Restructuring the codebook: moving codes between categories and the method's operations.

The code tree changes here: move, attach and detach a code; promote (focused coding), merge,
split and delete codes, keeping their lineage; and load a parsed codebook file into the project.
Adding, editing and reading codes, and the helpers these operations share, are in
:mod:`coder.facade.codebook`.

Length: the codebook operations that keep lineage share the lineage writer and the
checks of the tree's levels; splitting them would duplicate those checks.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, or_, select

from coder.errors import InvalidInput
from coder.i18n import _
from coder.model import CODE_DESCRIPTION, LEVELS, Code
from coder.store.core import FacadeCore
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

from .codebook import (
    LEVEL_RANK,
    _a,
    _ancestors,
    _check_fields,
    _load_codes,
    _resolve_code,
    next_label,
)


class RestructureOps(FacadeCore):
    """Commands that reshape the code tree. Mixed into :class:`coder.project.Project`."""

    # -- the tree ----------------------------------------------------------------------------

    def move_code(self, ref: int | str, parent: int | str | None) -> Code:
        """Put a code under another primary parent (None: out of every category)."""
        with self.change("move-code", "move code") as ch:
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
                    self.link_parent(ch, cid, pid, primary=True)
                else:
                    self._make_primary(ch, cid, pid)
                target = _load_codes(ch.conn, pid)[0]
                ch.summary = f"move {code.label} {code.name} under {target.label} {target.name}"
            return _load_codes(ch.conn, cid)[0]

    def attach_code(self, ref: int | str, parent: int | str, *, primary: bool = False) -> Code:
        """Put a code in a further category as well (a concept may sit in several)."""
        with self.change("attach-code", "attach code") as ch:
            cid = _resolve_code(ch.conn, ref)
            pid = _resolve_code(ch.conn, parent)
            code, target = _load_codes(ch.conn, cid)[0], _load_codes(ch.conn, pid)[0]
            if pid in code.parents:
                raise InvalidInput(
                    _("{label} is already under {label2}; nothing was changed").format(
                        label=code.label, label2=target.label
                    )
                )
            self.link_parent(ch, cid, pid, primary=primary or not code.parents)
            ch.summary = f"attach {code.label} {code.name} to {target.label} {target.name}"
            return _load_codes(ch.conn, cid)[0]

    def detach_code(self, ref: int | str, parent: int | str) -> Code:
        """Take a code out of one of its categories."""
        with self.change("detach-code", "detach code") as ch:
            cid = _resolve_code(ch.conn, ref)
            pid = _resolve_code(ch.conn, parent)
            code = _load_codes(ch.conn, cid)[0]
            if pid not in code.parents:
                raise InvalidInput(
                    _("{label} is not under code {parent}; nothing was changed").format(
                        label=code.label, parent=parent
                    )
                )
            ch.delete(code_parents, {"child_id": cid, "parent_id": pid})
            rest = [p for p in code.parents if p != pid]
            if code.parents[0] == pid and rest:
                self._make_primary(ch, cid, rest[0])
            ch.summary = f"detach {code.label} {code.name}"
            return _load_codes(ch.conn, cid)[0]

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
        with self.change("promote-code", "promote code") as ch:
            cid = _resolve_code(ch.conn, ref)
            code = _load_codes(ch.conn, cid)[0]
            if code.level == "selective":
                raise InvalidInput(
                    _("{label} is already selective; nothing was changed").format(label=code.label)
                )
            level = LEVELS[LEVEL_RANK[code.level] + 1]
            dup = ch.conn.execute(
                select(codes.c.label).where(codes.c.level == level, codes.c.name == code.name)
            ).first()
            if dup:
                raise InvalidInput(
                    _(
                        "{a_level} code named {name!r} already exists ({dup}); nothing was changed"
                    ).format(a_level=_a(level), name=code.name, dup=dup[0])
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
        with self.change("merge-codes", "merge codes") as ch:
            conn = ch.conn
            sid, tid = _resolve_code(conn, source), _resolve_code(conn, target)
            if sid == tid:
                raise InvalidInput(_("cannot merge a code into itself; nothing was changed"))
            src, dst = _load_codes(conn, sid)[0], _load_codes(conn, tid)[0]
            if sid in _ancestors(conn, tid):
                raise InvalidInput(
                    _(
                        "{label} lies inside {label2}; move it out before merging; nothing was changed"
                    ).format(label=dst.label, label2=src.label)
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
                    self.link_parent(ch, tid, pid, primary=not _load_codes(conn, tid)[0].parents)
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
        with self.change("split-code", "split code") as ch:
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
                    _("coding {stray} is not a coding of {label}; nothing was changed").format(
                        stray=stray[0], label=code.label
                    )
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
        self.check_allowed("delete-code")
        if self.code_counts().get(cid, (0, 0))[0] and getattr(self, "path", None) is not None:
            self.backup("before-delete-code")
        with self.change("delete-code", "delete code") as ch:
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
        fields = CODE_DESCRIPTION
        stats = {"added": 0, "updated": 0, "relations": 0, "memos": 0}
        with self.change("load-codebook", summary) as ch:
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
                                _(
                                    "{a_level} code cannot contain {a_level2} code ({plabel} above {clabel}); nothing was changed"
                                ).format(
                                    a_level=_a(levels[pid]),
                                    a_level2=_a(levels[cid]),
                                    plabel=plabel,
                                    clabel=spec_code.get("label") or spec_code["name"],
                                )
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
                        self.link_parent(ch, cid, pid, primary=(i == 0 and not have))
                        have.add(pid)
            ch.insert_values(code_parents, ["child_id", "parent_id", "is_primary"], fresh_links)
            for rel in spec["relations"]:
                a, b = ids[rel["from"]], ids[rel["to"]]
                if not conn.execute(
                    select(relation_types.c.name).where(relation_types.c.name == rel["type"])
                ).first():
                    raise InvalidInput(
                        _("unknown relation type {type!r}; nothing was changed").format(
                            type=rel["type"]
                        )
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
