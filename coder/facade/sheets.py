"""A sheet's rows written as sources in one change: sources, turns, typed attributes, cases,
the codes of a code column and their codings, and the search index.

All of it is one transaction and one event ("import 100000 rows of 留言.xlsx"): a crash leaves
nothing, and one undo removes all of it. The journal names the sources by an id range, so the
event stays small however many rows the sheet has.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from coder.errors import InvalidInput
from coder.facade.sources import SOURCE_COLUMNS, source_row
from coder.i18n import _
from coder.store.core import FacadeCore
from coder.store.schema import (
    case_attributes,
    cases,
    code_parents,
    codes,
    codings,
    settings,
    source_attributes,
    sources,
    turns,
)

#: Settings key prefix that remembers an imported sheet by its bytes (re-import is refused).
SHEET_KEY = "sheet:"


@dataclass
class SheetImport:
    file: str
    sources: int
    turns: int
    attributes: dict[str, str]
    """Attribute name -> type."""
    cases: int
    codes_created: list[str] = field(default_factory=list)
    codes_matched: list[str] = field(default_factory=list)
    codings: int = 0
    event_id: int | None = None


if TYPE_CHECKING:
    from coder.text.sheets import Sheet, SheetRows


class SheetOps(FacadeCore):
    """Mixed into :class:`coder.project.Project`."""

    def import_sheet_rows(
        self,
        sheet: Sheet,
        rows: SheetRows,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> SheetImport:
        drafts = rows.drafts
        key = SHEET_KEY + sheet.sha256[:48]
        summary = f"import {len(drafts)} rows of {sheet.file}"
        with self.change("import", summary) as ch:
            conn = ch.conn
            seen = conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
            if seen is not None:
                raise InvalidInput(
                    _(
                        "{file}: the same file was imported before (as {loads}); nothing was imported"
                    ).format(file=sheet.file, loads=json.loads(seen))
                )
            # One read of the names there are (from the sources list's index) rather than a
            # query per few hundred rows: binding 100,000 names costs more than reading them.
            existing = set(conn.execute(select(sources.c.name)).scalars())
            taken = [d.name for d in drafts if d.name in existing] if existing else []
            del existing
            if taken:
                raise InvalidInput(
                    _(
                        "{file}: a source named {sorted!r} exists already ({n_taken} names taken; name the rows with --id or --title); nothing was imported"
                    ).format(file=sheet.file, sorted=sorted(taken)[0], n_taken=len(taken))
                )
            case_ids = self._sheet_cases(ch, drafts)
            position = conn.execute(
                select(func.coalesce(func.max(sources.c.position), 0))
            ).scalar_one()
            now = time.time()
            fmt = sheet.file.rsplit(".", 1)[-1].lower()
            original = f"{sheet.file}#{sheet.sheet}" if sheet.sheet else sheet.file
            # A sheet is in one language: judged once from its first rows, not row by row.
            from coder.text.nlp import detect_language

            language = detect_language("".join(d.text for d in drafts[:500]))
            ids = ch.insert_values(
                sources,
                SOURCE_COLUMNS,
                [
                    source_row(
                        d.name,
                        d.text,
                        original,
                        "",
                        sheet.encoding,
                        fmt,
                        language,
                        case_ids.get(d.case) if d.case else None,
                        position + i,
                        now,
                        # Chinese boundaries cost a few per cent of the import (2 s of the
                        # 100,000-row bench, coder.text.sentences); spaCy's for other languages
                        # would cost more than the import itself, so they are left to the
                        # first reader at the sentence unit.
                        d.turns if language == "zh" else None,
                    )
                    for i, d in enumerate(drafts, 1)
                ],
            )
            if progress:
                progress(len(ids))
            ch.insert_values(
                source_attributes,
                ["source_id", "name", "value", "type"],
                [
                    (sid, k, v, kind)
                    for sid, d in zip(ids, drafts, strict=True)
                    for k, (v, kind) in d.attributes.items()
                ],
            )
            ch.insert_values(
                turns,
                ["source_id", "idx", "start", "end", "speaker", "timestamp"],
                [
                    (sid, t.idx, t.start, t.end, t.speaker, t.timestamp)
                    for sid, d in zip(ids, drafts, strict=True)
                    for t in d.turns
                ],
            )
            report = SheetImport(
                sheet.file,
                len(ids),
                sum(len(d.turns) for d in drafts),
                dict(rows.types),
                len(case_ids),
            )
            if rows.plan.code_column:
                self._sheet_codes(ch, rows, ids, report, now)
            from coder.text import index as search_index

            search_index.add(conn, ((sid, d.text) for sid, d in zip(ids, drafts, strict=True)))
            if progress:
                progress(len(ids))
            ch.insert(
                settings,
                {
                    "key": key,
                    "value": json.dumps(
                        f"{len(ids)} sources, {time.strftime('%Y-%m-%d %H:%M')}", ensure_ascii=False
                    ),
                },
            )
            ch.summary = summary
        report.event_id = ch.event_id
        return report

    def _sheet_cases(self, ch, drafts) -> dict[str, int]:
        wanted: dict[str, dict[str, tuple[str, str]]] = {}
        for d in drafts:
            if d.case:
                wanted.setdefault(d.case, {}).update(d.case_attributes)
        if not wanted:
            return {}
        conn = ch.conn
        known: dict[str, int] = {}
        names = list(wanted)
        for i in range(0, len(names), 500):
            known.update(
                conn.execute(
                    select(cases.c.name, cases.c.id).where(cases.c.name.in_(names[i : i + 500]))
                ).all()
            )
        new = [n for n in names if n not in known]
        new_ids = ch.insert_values(cases, ["guid", "name"], [(str(uuid.uuid4()), n) for n in new])
        known.update(zip(new, new_ids, strict=True))
        existing: set[tuple[int, str]] = set()
        old = [known[n] for n in names if n not in new]
        for i in range(0, len(old), 500):
            existing.update(
                conn.execute(
                    select(case_attributes.c.case_id, case_attributes.c.name).where(
                        case_attributes.c.case_id.in_(old[i : i + 500])
                    )
                ).all()
            )
        ch.insert_values(
            case_attributes,
            ["case_id", "name", "value", "type"],
            [
                (known[n], k, v, kind)
                for n, attrs in wanted.items()
                for k, (v, kind) in attrs.items()
                if (known[n], k) not in existing
            ],
        )
        return known

    def _sheet_codes(
        self, ch, rows: SheetRows, ids: list[int], report: SheetImport, now: float
    ) -> None:
        from coder.facade.codebook import next_label

        conn = ch.conn
        column = rows.plan.code_column
        values = sorted({d.code for d in rows.drafts if d.code})
        if not values:
            return
        by_name: dict[str, int] = {}
        for cid, name, level in conn.execute(select(codes.c.id, codes.c.name, codes.c.level)):
            # An open code wins over a category of the same name (the row is coded with it).
            if name not in by_name or level == "open":
                by_name[name] = cid
        category = conn.execute(
            select(codes.c.id).where(codes.c.level == "axial", codes.c.name == column)
        ).scalar()
        if category is None:
            category = ch.insert(
                codes,
                {
                    "guid": str(uuid.uuid4()),
                    "label": next_label(conn, "axial"),
                    "name": column,
                    "level": "axial",
                    "definition": f"the values of column {column} of {rows_file(report)}",
                    "created": now,
                },
            )
        for value in values:
            if value in by_name:
                report.codes_matched.append(value)
                continue
            cid = ch.insert(
                codes,
                {
                    "guid": str(uuid.uuid4()),
                    "label": next_label(conn, "open"),
                    "name": value,
                    "level": "open",
                    "created": now,
                },
            )
            ch.insert(code_parents, {"child_id": cid, "parent_id": category, "is_primary": True})
            by_name[value] = cid
            report.codes_created.append(value)
        coder_id = ch.coder_id
        batch = [
            (sid, 0, len(d.text.rstrip("\n")), by_name[d.code], coder_id, "", now)
            for sid, d in zip(ids, rows.drafts, strict=True)
            if d.code
        ]
        ch.insert_values(
            codings, ["source_id", "start", "end", "code_id", "coder_id", "memo", "created"], batch
        )
        report.codings = len(batch)


def rows_file(report: SheetImport) -> str:
    return report.file


_OPS = (">=", "<=", "!=", "=", ">", "<")


def parse_where(condition: str) -> tuple[str, str, str]:
    """``ATTR=VALUE`` (also ``>=``, ``<=``, ``>``, ``<``, ``!=``) as ``(name, op, value)``."""
    for op in _OPS:
        name, sep, value = condition.partition(op)
        if sep and name.strip():
            return name.strip(), op, value.strip()
    raise InvalidInput(
        _(
            "--where {condition!r}: write ATTR=VALUE, ATTR>=VALUE or ATTR<=VALUE (numbers and dates compare as such)"
        ).format(condition=condition)
    )


def _compare(kind: str, value: str, op: str, wanted: str) -> bool:
    from coder.text.sheets import as_date, as_number

    left: object = value
    right: object = wanted
    if kind == "number" and op not in ("=", "!="):
        if as_number(wanted) is None:
            raise InvalidInput(_("--where: {wanted!r} is not a number").format(wanted=wanted))
        left, right = float(value), float(as_number(wanted) or 0)
    elif kind == "number":
        left, right = as_number(value) or value, as_number(wanted) or wanted
    elif kind == "date":
        day = as_date(wanted)
        if day is None:
            raise InvalidInput(
                _("--where: {wanted!r} is not a date (write 2024-03-05)").format(wanted=wanted)
            )
        if op in ("=", "!="):
            # A day matches every time of that day.
            same = value == day or (len(day) == 10 and value[:10] == day)
            return same if op == "=" else not same
        right = day + " 99" if len(day) == 10 and op in ("<=", ">") else day
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if op == ">=":
        return left >= right  # type: ignore[operator]
    if op == "<=":
        return left <= right  # type: ignore[operator]
    if op == ">":
        return left > right  # type: ignore[operator]
    return left < right  # type: ignore[operator]


class AttributeOps(FacadeCore):
    """Typed source attributes and filtering by them. Mixed into :class:`coder.project.Project`."""

    def attribute_types(self) -> dict[str, str]:
        """Each source attribute's type: text, number or date (the most general of its rows)."""
        out: dict[str, str] = {}
        with self.read() as conn:
            for name, kind in conn.execute(
                select(source_attributes.c.name, source_attributes.c.type).distinct()
            ):
                prev = out.get(name)
                out[name] = kind if prev in (None, kind) else "text"
        return out

    def source_ids_where(self, conditions: list[str]) -> set[int]:
        """Ids of the sources whose attributes meet every condition (see :func:`parse_where`)."""
        with self.read() as conn:
            found: set[int] | None = None
            for condition in conditions:
                name, op, wanted = parse_where(condition)
                rows = conn.execute(
                    select(
                        source_attributes.c.source_id,
                        source_attributes.c.value,
                        source_attributes.c.type,
                    ).where(source_attributes.c.name == name)
                ).all()
                if not rows:
                    raise InvalidInput(
                        _("--where: no source has an attribute {name!r}").format(name=name)
                    )
                kinds = {r[2] for r in rows}
                kind = kinds.pop() if len(kinds) == 1 else "text"
                ids = {sid for sid, value, _x in rows if _compare(kind, value, op, wanted)}
                found = ids if found is None else found & ids
        return found or set()
