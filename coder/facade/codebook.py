"""The codebook: codes at three levels and their parents; reading, adding and editing codes.

Open codes (初始概念) sit under axial categories (范畴), which sit under the selective core
category (核心范畴). A code may belong to several categories; the first (primary) parent is the
one tables and trees show it under. The operations of the method that reshape the tree (move,
merge, split, promote, delete, loading a codebook file) are in :mod:`coder.facade.restructure`;
the helpers at the bottom of this module are shared with it and with other modules.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, select, text

from coder.errors import Conflict, InvalidInput, NotFound
from coder.i18n import _
from coder.model import AXES, CODE_FIELD_KEYS, CODE_TEXT_FIELDS, LEVELS, PARADIGM_ROLES, Code
from coder.store.core import FacadeCore
from coder.store.journal import Change
from coder.store.schema import (
    code_lineage,
    code_parents,
    codes,
    codings,
    human_only,
    settings,
)

LEVEL_RANK: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}
#: Fields of a code that ``update_code`` accepts.
EDITABLE = CODE_FIELD_KEYS
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{6}|)$")


def _a(level: str) -> str:
    """'an open', 'an axial', 'a selective' (in the interface language)."""
    said = {"open": _("an open"), "axial": _("an axial"), "selective": _("a selective")}
    return said.get(level) or (f"an {level}" if level[0] in "aeiou" else f"a {level}")


def _check_fields(level: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate code fields; returns them ready for the table. Raises InvalidInput."""
    out = dict(fields)
    if "name" in out:
        out["name"] = str(out["name"]).strip()
        if not out["name"]:
            raise InvalidInput(_("a code needs a name; nothing was changed"))
        if "\n" in out["name"]:
            raise InvalidInput(_("a code name is one line; nothing was changed"))
    if "label" in out:
        out["label"] = str(out["label"]).strip()
        if not out["label"] or any(ch.isspace() for ch in out["label"]):
            raise InvalidInput(
                _("label {label!r} must be one word; nothing was changed").format(
                    label=out["label"]
                )
            )
    role = out.get("paradigm_role")
    if role is not None:
        if role not in PARADIGM_ROLES:
            raise InvalidInput(
                _(
                    "paradigm role {role!r} is not one of {PARADIGM_ROLES}; nothing was changed"
                ).format(role=role, PARADIGM_ROLES=", ".join(PARADIGM_ROLES))
            )
        if level != "axial":
            raise InvalidInput(
                _("only axial categories carry a paradigm role; nothing was changed")
            )
    axis = out.get("axis")
    if axis is not None:
        if axis not in AXES:
            raise InvalidInput(
                _("axis {axis!r} is not 统 or 合; nothing was changed").format(axis=axis)
            )
        if level != "axial":
            raise InvalidInput(
                _("only axial categories sit on the 统/合 axis; nothing was changed")
            )
    if "colour" in out:
        out["colour"] = str(out["colour"] or "")
        if not _COLOUR.match(out["colour"]):
            raise InvalidInput(
                _("colour {colour!r} is not #rrggbb; nothing was changed").format(
                    colour=out["colour"]
                )
            )
    if "in_vivo" in out:
        out["in_vivo"] = bool(out["in_vivo"])
    if "properties" in out:
        props = out["properties"] or []
        if not isinstance(props, list | tuple) or not all(isinstance(p, dict) for p in props):
            raise InvalidInput(
                _("properties must be a list of {name, dimension}; nothing was changed")
            )
        out["properties"] = json.dumps([dict(p) for p in props], ensure_ascii=False)
    for key in (*CODE_TEXT_FIELDS, "name_en"):
        if key in out:
            out[key] = str(out[key] or "")
    return out


class CodebookOps(FacadeCore):
    """Codebook commands and queries. Mixed into :class:`coder.project.Project`."""

    # -- queries -----------------------------------------------------------------------------

    def codes(self) -> list[Code]:
        """Every code, ordered by level (core first) and label."""
        with self.read() as conn:
            return _load_codes(conn)

    def code(self, ref: int | str) -> Code:
        cid = self.code_id(ref)
        with self.read() as conn:
            return _load_codes(conn, cid)[0]

    def code_id(self, ref: int | str) -> int:
        """Resolve a code by label, then name, then numeric id. An unknown code is an error."""
        with self.read() as conn:
            return _resolve_code(conn, ref)

    def children(self, ref: int | str) -> list[Code]:
        cid = self.code_id(ref)
        return [c for c in self.codes() if cid in c.parents]

    def lineage(self) -> list[dict[str, Any]]:
        """Merges, splits and promotions: which codes went into which, oldest first."""
        with self.read() as conn:
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
                _("level {level!r} is not open, axial or selective; nothing was changed").format(
                    level=level
                )
            )
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise InvalidInput(
                _("unknown code field {sorted!r}; nothing was changed").format(
                    sorted=sorted(unknown)[0]
                )
            )
        clean = _check_fields(
            level, {"name": name, **fields, **({"label": label} if label else {})}
        )
        with self.change("add-code", f"add {level} code {clean['name']}") as ch:
            cid = self._insert_code(ch, level, clean, is_core=is_core)
            if parent is not None:
                self.link_parent(ch, cid, _resolve_code(ch.conn, parent), primary=True)
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
                _(
                    "{a_level} code named {name!r} already exists ({dup}); nothing was changed"
                ).format(a_level=_a(level), name=name, dup=dup[0])
            )
        label = clean.pop("label", None) or next_label(conn, level)
        if conn.execute(select(codes.c.id).where(codes.c.label == label)).first():
            raise InvalidInput(
                _("label {label!r} is already taken; nothing was changed").format(label=label)
            )
        if is_core:
            if level != "selective":
                raise InvalidInput(
                    _("only a selective code can be the core category; nothing was changed")
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
            raise InvalidInput(
                _("unknown code field {sorted!r}; nothing was changed").format(
                    sorted=sorted(unknown)[0]
                )
            )
        with self.change("edit-code", "edit code") as ch:
            cid = _resolve_code(ch.conn, ref)
            code = _load_codes(ch.conn, cid)[0]
            moved = sorted(k for k, v in (expect or {}).items() if getattr(code, k) != v)
            if moved:
                raise Conflict(
                    _(
                        "{label} {name} was changed by someone else since you opened it ({moved}); your edit was not saved; reload (F5) to see theirs"
                    ).format(label=code.label, name=code.name, moved=", ".join(moved))
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
                        _(
                            "{a_level} code named {name!r} already exists ({dup}); nothing was changed"
                        ).format(a_level=_a(code.level), name=clean["name"], dup=dup[0])
                    )
            if "label" in clean and clean["label"] != code.label:
                if ch.conn.execute(
                    select(codes.c.id).where(codes.c.label == clean["label"])
                ).first():
                    raise InvalidInput(
                        _("label {label!r} is already taken; nothing was changed").format(
                            label=clean["label"]
                        )
                    )
            ch.update(codes, {"id": cid}, clean)
            what = ", ".join(sorted(fields))
            ch.summary = f"edit {code.label} {code.name}: {what}"
            return _load_codes(ch.conn, cid)[0]

    def rename_code(self, ref: int | str, name: str) -> Code:
        return self.update_code(ref, name=name)

    def set_core(self, ref: int | str) -> Code:
        """Mark a selective code as the core category (核心范畴); any other core is unmarked."""
        with self.change("set-core", "set core category") as ch:
            cid = _resolve_code(ch.conn, ref)
            code = _load_codes(ch.conn, cid)[0]
            if code.level != "selective":
                raise InvalidInput(
                    _(
                        "{label} {name} is {level}; only a selective code can be the core category; nothing was changed"
                    ).format(label=code.label, name=code.name, level=code.level)
                )
            for (other,) in ch.conn.execute(
                select(codes.c.id).where(codes.c.is_core.is_(True), codes.c.id != cid)
            ):
                ch.update(codes, {"id": other}, {"is_core": False})
            ch.update(codes, {"id": cid}, {"is_core": True})
            ch.summary = f"core category {code.label} {code.name}"
            return _load_codes(ch.conn, cid)[0]

    # -- the tree (shared with coder.facade.restructure) -----------------------------------

    def link_parent(self, ch: Change, child: int, parent: int, *, primary: bool) -> None:
        """Put ``child`` under ``parent`` (as its primary category if ``primary``), refusing a
        parent below the child's level and any cycle. Shared by adding, moving and merging."""
        conn = ch.conn
        levels = dict(
            conn.execute(
                select(codes.c.id, codes.c.level).where(codes.c.id.in_([child, parent]))
            ).all()
        )
        if LEVEL_RANK[levels[parent]] < LEVEL_RANK[levels[child]]:
            raise InvalidInput(
                _("{a_level} code cannot contain {a_level2} code; nothing was changed").format(
                    a_level=_a(levels[parent]), a_level2=_a(levels[child])
                )
            )
        if child == parent or child in _ancestors(conn, parent):
            raise InvalidInput(
                _("that would put a code inside itself (a cycle); nothing was changed")
            )
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
            _("{ref_s!r} names several codes: {which}; use the label; nothing was changed").format(
                ref_s=ref_s, which=which
            )
        )
    if isinstance(ref, int) or ref_s.isdigit():
        row = conn.execute(select(codes.c.id).where(codes.c.id == int(ref_s))).first()
        if row:
            return int(row[0])
    raise NotFound(
        _("no code {ref_s!r} (by label or name); nothing was changed").format(ref_s=ref_s)
    )


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
        ps = tuple(p for _x, p in sorted(parents.get(r["id"], [])))
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
        raise NotFound(_("no code with id {only}").format(only=only))
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
        select(codings.c.code_id, func.count(), func.count(func.distinct(codings.c.source_id)))
        .where(human_only(codings.c.coder_id))
        .group_by(codings.c.code_id)
    )
    return {r[0]: (r[1], r[2]) for r in rows}
