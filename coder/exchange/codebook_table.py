"""Codebooks as tables: CSV (UTF-8, with or without BOM) and Excel (.xlsx), one code per row.

The first row names the columns; English or Chinese headers are accepted:

| column | also | meaning |
| --- | --- | --- |
| label | 编号, 标签, 编码 | the code's label (a01, A1, AA) |
| name | 名称, 概念, 范畴 | the code's name (required) |
| level | 层级, 级别 | open / axial / selective (初始概念 / 范畴 / 核心范畴 also accepted) |
| parents | parent, 上级, 所属范畴 | labels of the categories it sits in, separated by ; or 、 (first = primary) |
| definition, inclusion, exclusion, example | 定义, 纳入, 排除, 示例 | texts |
| paradigm_role | 范式要素 | causal / phenomenon / context / intervening / strategy / consequence |
| axis | 统合 | 统 / 合 |
| in_vivo | 本土概念 | yes / true / 1 / 是 |
| colour | color, 颜色 | #rrggbb |
| name_en | 英文名 | an English gloss |

A table becomes the same document as a YAML codebook and goes through the same checks, so the
same rules (unknown parents, cycles, bad roles) apply and nothing changes when one fails.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from coder.errors import InvalidInput
from coder.exchange.codebook_yaml import check_codebook

HEADERS = {
    "label": ("label", "编号", "标签", "编码"),
    "name": ("name", "名称", "概念", "范畴"),
    "level": ("level", "层级", "级别"),
    "parents": ("parents", "parent", "上级", "所属范畴"),
    "definition": ("definition", "定义", "范畴内涵"),
    "inclusion": ("inclusion", "纳入"),
    "exclusion": ("exclusion", "排除"),
    "example": ("example", "示例", "例句"),
    "paradigm_role": ("paradigm_role", "paradigm role", "范式要素"),
    "axis": ("axis", "统合", "统/合"),
    "in_vivo": ("in_vivo", "in vivo", "本土概念"),
    "colour": ("colour", "color", "颜色"),
    "name_en": ("name_en", "英文名"),
}
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
        key = lookup.get(str(cell or "").strip().lower())
        if key is None and str(cell or "").strip():
            raise InvalidInput(f"{name}: unknown column {str(cell).strip()!r}; nothing was changed")
        if key:
            out[i] = key
    if "name" not in out.values():
        raise InvalidInput(
            f"{name}: the first row must name the columns, with a 'name' column; nothing was changed"
        )
    return out


def rows_to_codebook(rows: list[list[Any]], name: str) -> dict[str, Any]:
    if not rows:
        raise InvalidInput(f"{name}: the table is empty; nothing was changed")
    columns = _columns([str(c) if c is not None else "" for c in rows[0]], name)
    codes = []
    for values in rows[1:]:
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
            elif key == "in_vivo":
                code[key] = text.lower() in TRUE
            elif key in ("paradigm_role",):
                code[key] = text.lower()
            else:
                code[key] = text
        if code:
            codes.append(code)
    return check_codebook({"codes": codes}, name=name)


def read_csv(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{path.name}: not UTF-8 text (save the CSV as UTF-8); nothing was changed"
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InvalidInput(
            f"{path.name}: not a readable CSV table ({exc}); nothing was changed"
        ) from None
    return rows_to_codebook(rows, path.name)


def read_xlsx(path: Path) -> dict[str, Any]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput(
            f"{path.name}: not a readable .xlsx file ({exc}); nothing was changed"
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return rows_to_codebook(rows, path.name)
