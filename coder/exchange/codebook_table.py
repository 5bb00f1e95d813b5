r"""Codebooks as tables: CSV (UTF-8, with or without BOM) and Excel (.xlsx), one code per row.

The first row names the columns; English or Chinese headers are accepted:

| column | also | meaning |
| --- | --- | --- |
| label | 编号, 标签, 编码 | the code's label (a01, A1, AA) |
| name | 名称, 概念, 范畴 | the code's name (required) |
| level | 层级, 级别 | open / axial / selective (初始概念 / 范畴 / 核心范畴 also accepted) |
| parents | parent, 上级, 所属范畴 | labels of the categories it sits in, separated by ; or 、 (first = primary) |
| definition, inclusion, exclusion, example | description (Taguette: the definition), 定义, 纳入, 排除, 示例 | texts |
| paradigm_role | 范式要素 | causal / phenomenon / context / intervening / strategy / consequence |
| axis | 统合 | 统 / 合 |
| in_vivo | 本土概念 | yes / true / 1 / 是 |
| colour | color, 颜色 | #rrggbb |
| name_en | 英文名 | an English gloss |
| core | 核心 | yes: the core category |
| properties | 性质 | JSON: ``[{"name": …, "dimension": …}]`` |
| tag | path | a Taguette tag path (below), when there is no name column |

A table becomes the same document as a YAML codebook and goes through the same checks, so the
same rules (unknown parents, cycles, bad roles) apply and nothing changes when one fails.

**Taguette's codebook CSV** (columns ``tag``, ``description``, ``number of highlights``,
``number of documents``) loads too: a ``tag`` column with no ``name`` column names each code by
its path, the parts joined by ``.`` (``基层治理困境.条块分割``: 条块分割 inside 基层治理困境).
Parents missing from the file are made. Without a ``level`` column a code that has codes under it
is an axial category and every other code an open code (Taguette has no levels); the count columns
are ignored; ``description`` is the code's definition. Codes without labels are told apart by
name, so two tags that end in the same name (``甲.其他`` and ``乙.其他``) are refused with a
message rather than merged. In a tag, a ``.`` that belongs to a name is written ``\.`` and a
backslash ``\\``. (Taguette also takes a ``name`` column as the path; here ``name`` is a plain
name, as in the rest of this table.)

:func:`write_csv` writes the codebook in that shape, ``tag`` and ``description`` first so that
Taguette's importer takes it, then coder's own columns, and :func:`read_csv` reads it back
unchanged. (``tag`` carries the primary parent path; all parents are in ``parents``.)
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coder.errors import InvalidInput
from coder.exchange.codebook_yaml import check_codebook
from coder.i18n import _

if TYPE_CHECKING:
    from coder.project import Project


HEADERS = {
    "label": ("label", "编号", "标签", "编码"),
    "name": ("name", "名称", "概念", "范畴"),
    "level": ("level", "层级", "级别"),
    "parents": ("parents", "parent", "上级", "所属范畴"),
    "tag": ("tag", "path"),  # Taguette's importer takes either
    "definition": ("definition", "description", "定义", "范畴内涵"),
    "inclusion": ("inclusion", "纳入"),
    "exclusion": ("exclusion", "排除"),
    "example": ("example", "示例", "例句"),
    "paradigm_role": ("paradigm_role", "paradigm role", "范式要素"),
    "axis": ("axis", "统合", "统/合"),
    "in_vivo": ("in_vivo", "in vivo", "本土概念"),
    "colour": ("colour", "color", "颜色"),
    "name_en": ("name_en", "英文名"),
    "core": ("core", "核心"),
    "properties": ("properties", "性质"),
}
#: Columns read and ignored: Taguette's counts (coder counts its own codings).
IGNORED = ("number of highlights", "number of documents")
#: Taguette refuses longer tag paths (``taguette.validate.tag_path``).
TAGUETTE_MAX_PATH = 200
LEVEL_WORDS = {
    "初始概念": "open",
    "概念": "open",
    "范畴": "axial",
    "主范畴": "axial",
    "核心范畴": "selective",
}
TRUE = {"yes", "true", "1", "是", "y"}


def _columns(header: list[str], name: str) -> dict[int, str]:
    lookup = {alias.lower(): key for key, aliases in HEADERS.items() for alias in aliases}
    out = {}
    for i, cell in enumerate(header):
        text = str(cell or "").strip().lower()
        if text in IGNORED:
            continue
        key = lookup.get(text)
        if key is None and text:
            raise InvalidInput(
                _("{name}: unknown column {strip!r}; nothing was changed").format(
                    name=name, strip=str(cell).strip()
                )
            )
        if key:
            out[i] = key
    if len(set(out.values())) != len(out):
        dup = next(k for k in out.values() if list(out.values()).count(k) > 1)
        raise InvalidInput(
            _("{name}: two columns mean {dup!r}; nothing was changed").format(name=name, dup=dup)
        )
    if "name" not in out.values() and "tag" not in out.values():
        raise InvalidInput(
            _(
                "{name}: the first row must name the columns, with a 'name' column (or Taguette's 'tag'); nothing was changed"
            ).format(name=name)
        )
    return out


def rows_to_codebook(rows: list[list[Any]], name: str) -> dict[str, Any]:
    if not rows:
        raise InvalidInput(_("{name}: the table is empty; nothing was changed").format(name=name))
    columns = _columns([str(c) if c is not None else "" for c in rows[0]], name)
    codes = []
    tags: list[tuple[str, ...] | None] = []
    for n, values in enumerate(rows[1:], 2):
        code: dict[str, Any] = {}
        for i, key in columns.items():
            value = values[i] if i < len(values) else None
            text = "" if value is None else str(value).strip()
            if not text:
                continue
            if key == "parents":
                code[key] = [
                    p.strip()
                    for p in text.replace("、", ";").replace(",", ";").split(";")
                    if p.strip()
                ]
            elif key == "level":
                code[key] = LEVEL_WORDS.get(text, text.lower())
            elif key in ("in_vivo", "core"):
                code[key] = text.lower() in TRUE
            elif key in ("paradigm_role",):
                code[key] = text.lower()
            elif key == "properties":
                code[key] = _properties(text, f"{name}: row {n}")
            else:
                code[key] = text
        if code:
            tag = code.pop("tag", None)
            tags.append(split_tag(tag, f"{name}: row {n}") if tag else None)
            codes.append(code)
    if "name" not in columns.values():
        codes = _from_paths(codes, tags, name)
    return check_codebook({"codes": codes}, name=name)


def _properties(text: str, where: str) -> list[dict[str, str]]:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        raise InvalidInput(
            _(
                "{where}: properties must be a JSON list of {{name, dimension}}; nothing was changed"
            ).format(where=where)
        )
    return [{str(k): str(v) for k, v in p.items()} for p in value]


def split_tag(tag: str, where: str) -> tuple[str, ...]:
    """A Taguette tag path into its names: ``.`` separates, ``\\.`` and ``\\\\`` escape."""
    parts, part, i = [], [], 0
    while i < len(tag):
        ch = tag[i]
        if ch == "\\" and i + 1 < len(tag) and tag[i + 1] in ".\\":
            part.append(tag[i + 1])
            i += 2
            continue
        if ch == ".":
            parts.append("".join(part).strip())
            part = []
        else:
            part.append(ch)
        i += 1
    parts.append("".join(part).strip())
    if not all(parts):
        raise InvalidInput(
            _("{where}: tag {tag!r} has an empty part; nothing was changed").format(
                where=where, tag=tag
            )
        )
    return tuple(parts)


def join_tag(names: list[str]) -> str:
    """The inverse of :func:`split_tag`."""
    return ".".join(n.replace("\\", "\\\\").replace(".", "\\.") for n in names)


def _from_paths(
    codes: list[dict[str, Any]], tags: list[tuple[str, ...] | None], name: str
) -> list[dict[str, Any]]:
    """Codes named by tag paths (Taguette's shape): the last part names the code, the rest its
    primary parent path; missing parents are made, levels follow the tree where not given."""
    by_path: dict[tuple[str, ...], dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for code, path in zip(codes, tags, strict=True):
        if path is None:
            raise InvalidInput(_("{name}: a row has no tag; nothing was changed").format(name=name))
        if path in by_path:
            raise InvalidInput(
                _("{name}: tag {join_tag!r} is listed twice; nothing was changed").format(
                    name=name, join_tag=join_tag(list(path))
                )
            )
        for k in range(1, len(path)):
            if path[:k] not in by_path:
                made = {"name": path[k - 1]}
                by_path[path[:k]] = made
                out.append(made)
        code["name"] = path[-1]
        by_path[path] = code
        out.append(code)
    has_children = {path[:-1] for path in by_path if len(path) > 1}
    seen: dict[str, tuple[str, ...]] = {}
    for path, code in by_path.items():
        code.setdefault("level", "axial" if path in has_children else "open")
        if not code.get("label"):
            if code["name"] in seen:
                raise InvalidInput(
                    _(
                        "{name}: tags {join_tag!r} and {join_tag2!r} both make a code named {name2!r}; codes without labels must differ by name (rename one, or add a label column); nothing was changed"
                    ).format(
                        name=name,
                        join_tag=join_tag(list(seen[code["name"]])),
                        join_tag2=join_tag(list(path)),
                        name2=code["name"],
                    )
                )
            seen[code["name"]] = path
        if len(path) > 1 and not code.get("parents"):
            parent = by_path[path[:-1]]
            code["parents"] = [parent.get("label") or parent["name"]]
    return out


def read_csv(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            _("{name}: not UTF-8 text (save the CSV as UTF-8); nothing was changed").format(
                name=path.name
            )
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InvalidInput(
            _("{name}: not a readable CSV table ({exc}); nothing was changed").format(
                name=path.name, exc=exc
            )
        ) from None
    return rows_to_codebook(rows, path.name)


def read_xlsx(path: Path) -> dict[str, Any]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput(
            _("{name}: not a readable .xlsx file ({exc}); nothing was changed").format(
                name=path.name, exc=exc
            )
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return rows_to_codebook(rows, path.name)


#: The columns :func:`write_csv` writes, in order: Taguette's two first, then coder's.
CSV_COLUMNS = (
    "tag",
    "description",
    "label",
    "level",
    "parents",
    "core",
    "paradigm_role",
    "axis",
    "inclusion",
    "exclusion",
    "example",
    "in_vivo",
    "colour",
    "name_en",
    "properties",
)


def codebook_rows(project: Project) -> list[list[str]]:
    """The codebook as CSV rows (header first): every code, parents before children."""
    from coder.exchange.codebook_yaml import _hierarchy_order

    codes = project.codes()
    by_id = {c.id: c for c in codes}

    def path(c: Any) -> list[str]:
        names, seen = [c.name], {c.id}
        while c.parents and c.parents[0] in by_id and c.parents[0] not in seen:
            c = by_id[c.parents[0]]
            seen.add(c.id)
            names.append(c.name)
        return names[::-1]

    rows = [list(CSV_COLUMNS)]
    for c in _hierarchy_order(codes):
        axial = c.level == "axial"
        rows.append(
            [
                join_tag(path(c)),
                c.definition,
                c.label,
                c.level,
                "; ".join(by_id[p].label for p in c.parents if p in by_id),
                "yes" if c.is_core else "",
                (c.paradigm_role or "") if axial else "",
                (c.axis or "") if axial else "",
                c.inclusion,
                c.exclusion,
                c.example,
                "yes" if c.in_vivo else "",
                c.colour,
                c.name_en,
                json.dumps([dict(p) for p in c.properties], ensure_ascii=False)
                if c.properties
                else "",
            ]
        )
    return rows


def write_csv(project: Project, path: Path) -> list[str]:
    """Write the codebook as a CSV that Taguette's codebook import and :func:`read_csv` both
    take (UTF-8 with a BOM, so that Excel shows the Chinese; CRLF line ends, as Taguette writes).
    Returns notes on what the file does not carry."""
    rows = codebook_rows(project)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(buffer.getvalue().encode("utf-8-sig"))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    notes = []
    long = [r[0] for r in rows[1:] if len(r[0]) > TAGUETTE_MAX_PATH]
    if long:
        notes.append(
            f"{len(long)} tag paths are longer than Taguette's {TAGUETTE_MAX_PATH} characters "
            f"(first: {long[0][:40]}…); Taguette will refuse those rows"
        )
    relations = len(project.relations())
    memos = sum(m.target_type in ("code", "project") for m in project.memos())
    if relations or memos:
        notes.append(
            f"a CSV codebook holds codes only: {relations} relations and {memos} codebook memos "
            "are not in it (save as .yaml to keep them)"
        )
    return notes
