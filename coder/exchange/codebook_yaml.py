"""The YAML codebook format (``format: coder-codebook/1``), documented in the README.

Loading is strict about structure (unknown keys, unknown parents and cycles are errors, reported
before anything changes) and uses PyYAML's safe loader, so a file cannot construct objects.
Saving writes every field, so a codebook round-trips without loss.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from coder.errors import InvalidInput
from coder.i18n import _
from coder.model import AXES, CODE_FIELD_KEYS, CODE_TEXT_FIELDS, LEVELS, MEMO_TYPES, PARADIGM_ROLES
from coder.text.structure import SAFE_LOADER

if TYPE_CHECKING:
    from coder.project import Project


FORMAT = "coder-codebook/1"
TOP_KEYS = {"format", "title", "language", "labels", "terms", "codes", "relations", "memos"}
CODE_KEYS = {*CODE_FIELD_KEYS, "level", "parents", "core"}
RELATION_KEYS = {"from", "to", "type", "description"}
MEMO_KEYS = {"type", "attached_to", "title", "text"}


def _fail(where: str, what: str) -> InvalidInput:
    return InvalidInput(_("{where}: {what}; nothing was changed").format(where=where, what=what))


def parse_codebook(text: str, *, name: str = "codebook") -> dict[str, Any]:
    """Parse and check a YAML codebook; returns the document with every code complete."""
    try:
        doc = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise _fail(
            name,
            _("not valid YAML{at} ({problem})").format(
                at=at, problem=getattr(exc, "problem", None) or "syntax error"
            ),
        ) from None
    return check_codebook(doc, name=name)


def check_codebook(doc: Any, *, name: str = "codebook") -> dict[str, Any]:
    """Check a codebook document (from YAML, or a table turned into the same shape)."""
    if not isinstance(doc, dict):
        raise _fail(name, _("a codebook is a mapping with a 'codes' list"))
    unknown = set(doc) - TOP_KEYS
    if unknown:
        raise _fail(
            name,
            _("unknown key {sorted!r} at the top level").format(
                sorted=sorted(map(str, unknown))[0]
            ),
        )
    if doc.get("format", FORMAT) != FORMAT:
        raise _fail(
            name, _("format {get!r} is not {FORMAT}").format(get=doc.get("format"), FORMAT=FORMAT)
        )
    raw_codes = doc.get("codes") or []
    if not isinstance(raw_codes, list):
        raise _fail(name, _("'codes' must be a list"))
    codes: list[dict[str, Any]] = []
    labels: dict[str, dict[str, Any]] = {}
    for i, raw in enumerate(raw_codes, 1):
        where = f"{name}: code {i}"
        if not isinstance(raw, dict):
            raise _fail(where, _("each code is a mapping"))
        bad = set(raw) - CODE_KEYS
        if bad:
            raise _fail(where, _("unknown key {sorted!r}").format(sorted=sorted(map(str, bad))[0]))
        code = dict(raw)
        code["name"] = str(code.get("name") or "").strip()
        if not code["name"]:
            raise _fail(where, _("has no name"))
        code["level"] = code.get("level") or "open"
        if code["level"] not in LEVELS:
            raise _fail(
                where,
                _("level {level!r} is not open, axial or selective").format(level=code["level"]),
            )
        code["label"] = str(code["label"]).strip() if code.get("label") not in (None, "") else None
        parents = code.get("parents") or []
        if isinstance(parents, str):
            parents = [parents]
        code["parents"] = [str(p) for p in parents]
        role, axis = code.get("paradigm_role"), code.get("axis")
        if role is not None and role not in PARADIGM_ROLES:
            raise _fail(
                where,
                _("paradigm_role {role!r} is not one of {PARADIGM_ROLES}").format(
                    role=role, PARADIGM_ROLES=", ".join(PARADIGM_ROLES)
                ),
            )
        if axis is not None and axis not in AXES:
            raise _fail(where, _("axis {axis!r} is not 统, 合 or null").format(axis=axis))
        if code["label"]:
            if code["label"] in labels:
                raise _fail(where, _("label {label!r} is used twice").format(label=code["label"]))
            labels[code["label"]] = code
        codes.append(code)
    # A parent is named by its label, or, for a code without one, by its name (a table from
    # Taguette has no labels); a name two unlabelled codes share cannot name a parent.
    keys = dict(labels)
    shared: set[str] = set()
    for code in codes:
        if not code["label"]:
            if code["name"] in keys and code["name"] not in labels:
                shared.add(code["name"])
            keys.setdefault(code["name"], code)
    for code in codes:
        for p in code["parents"]:
            if p not in keys:
                raise _fail(
                    f"{name}: code {code['label'] or code['name']}",
                    _("parent {p!r} is not a label in this file").format(p=p),
                )
            if p in shared:
                raise _fail(
                    f"{name}: code {code['label'] or code['name']}",
                    _("parent {p!r} is the name of two codes without labels").format(p=p),
                )
    _check_cycles(codes, keys, name)
    relations = []
    for i, raw in enumerate(doc.get("relations") or [], 1):
        if (
            not isinstance(raw, dict)
            or set(raw) - RELATION_KEYS
            or not {"from", "to", "type"} <= set(raw)
        ):
            raise _fail(
                f"{name}: relation {i}", _("needs from, to and type (and optionally description)")
            )
        for end in ("from", "to"):
            if str(raw[end]) not in labels:
                raise _fail(
                    f"{name}: relation {i}",
                    _("{end} {raw!r} is not a label in this file").format(end=end, raw=raw[end]),
                )
        relations.append({k: str(v) for k, v in raw.items()})
    memos = []
    for i, raw in enumerate(doc.get("memos") or [], 1):
        if not isinstance(raw, dict) or set(raw) - MEMO_KEYS or "text" not in raw:
            raise _fail(
                f"{name}: memo {i}", _("needs text (and optionally type, attached_to, title)")
            )
        if raw.get("type", "theoretical") not in MEMO_TYPES:
            raise _fail(
                f"{name}: memo {i}",
                _("type {get!r} is not one of {MEMO_TYPES}").format(
                    get=raw.get("type"), MEMO_TYPES=", ".join(MEMO_TYPES)
                ),
            )
        if raw.get("attached_to") is not None and str(raw["attached_to"]) not in labels:
            raise _fail(
                f"{name}: memo {i}",
                _("attached_to {attached_to!r} is not a label in this file").format(
                    attached_to=raw["attached_to"]
                ),
            )
        memos.append(raw)
    terms = doc.get("terms") or []
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise _fail(name, _("'terms' must be a list of words"))
    return {
        "terms": [t.strip() for t in terms if t.strip()],
        "title": doc.get("title", ""),
        "language": doc.get("language"),
        "labels": doc.get("labels"),
        "codes": codes,
        "relations": relations,
        "memos": memos,
    }


def _check_cycles(
    codes: list[dict[str, Any]], labels: dict[str, dict[str, Any]], name: str
) -> None:
    state: dict[str, int] = {}

    def visit(label: str, path: list[str]) -> None:
        if state.get(label) == 2:
            return
        if state.get(label) == 1:
            cycle = " → ".join([*path[path.index(label) :], label])
            raise _fail(name, _("parents form a cycle ({cycle})").format(cycle=cycle))
        state[label] = 1
        for p in labels[label]["parents"]:
            visit(p, [*path, label])
        state[label] = 2

    for label in labels:
        visit(label, [])


def load_codebook_file(project: Project, path: Path) -> dict[str, int]:
    """Load a YAML codebook into the project, merging by name (one event)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(
            _("{path}: no such file; nothing was changed").format(path=path)
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput(
            _("{path}: not UTF-8 text; nothing was changed").format(path=path)
        ) from None
    spec = parse_codebook(text, name=path.name)
    return project.import_codebook(spec, summary=f"load codebook {path.name}")


def dump_codebook(project: Project) -> str:
    """The project's codebook as YAML text."""
    codes = project.codes()
    by_id = {c.id: c for c in codes}
    order = _hierarchy_order(codes)
    out_codes = []
    for c in order:
        entry: dict[str, Any] = {"label": c.label, "name": c.name}
        if c.name_en:
            entry["name_en"] = c.name_en
        entry["level"] = c.level
        if c.parents:
            entry["parents"] = [by_id[p].label for p in c.parents]
        if c.is_core:
            entry["core"] = True
        if c.level == "axial":
            entry["paradigm_role"] = c.paradigm_role
            entry["axis"] = c.axis
        if c.colour:
            entry["colour"] = c.colour
        for key in CODE_TEXT_FIELDS:
            value = getattr(c, key)
            if value:
                entry[key] = value
        if c.in_vivo:
            entry["in_vivo"] = True
        if c.properties:
            entry["properties"] = [dict(p) for p in c.properties]
        out_codes.append(entry)
    relations = [
        {
            "from": by_id[r.from_id].label,
            "to": by_id[r.to_id].label,
            "type": r.type,
            **({"description": r.description} if r.description else {}),
        }
        for r in project.relations()
    ]
    memos = []
    for m in project.memos():
        if m.target_type == "project" or (m.target_type == "code" and m.target_id in by_id):
            entry = {"type": m.type}
            if m.target_type == "code" and m.target_id is not None:
                entry["attached_to"] = by_id[m.target_id].label
            if m.title:
                entry["title"] = m.title
            entry["text"] = m.text
            memos.append(entry)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "title": project.title,
        "language": project.language,
        "labels": project.setting("label_scheme"),
        "terms": project.dictionary(),
        "codes": out_codes,
        "relations": relations,
        "memos": memos,
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def _hierarchy_order(codes: list[Any]) -> list[Any]:
    """Parents before children: core and categories first, each followed by what sits under it."""
    by_id = {c.id: c for c in codes}
    children: dict[int | None, list[Any]] = {}
    for c in codes:
        primary = c.parents[0] if c.parents and c.parents[0] in by_id else None
        children.setdefault(primary, []).append(c)
    out: list[Any] = []
    seen: set[int] = set()

    def walk(parent: int | None) -> None:
        for c in children.get(parent, []):
            if c.id not in seen:
                seen.add(c.id)
                out.append(c)
                walk(c.id)

    walk(None)
    out.extend(c for c in codes if c.id not in seen)
    # A code must come after all its parents (not only its primary one) for loading.
    placed: set[int] = set()
    result: list[Any] = []
    pending = list(out)
    while pending:
        rest = []
        for c in pending:
            if all(p in placed or p not in by_id for p in c.parents):
                result.append(c)
                placed.add(c.id)
            else:
                rest.append(c)
        if len(rest) == len(pending):
            result.extend(rest)
            break
        pending = rest
    return result


def save_codebook_file(project: Project, path: Path) -> None:
    path.write_text(dump_codebook(project), encoding="utf-8")
