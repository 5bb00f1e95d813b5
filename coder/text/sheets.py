"""Spreadsheets (.csv, .tsv, .xlsx, .ods): rows become sources, columns become sections,
typed attributes, cases and codes.

A sheet is read whole or refused: a file that cannot be parsed, has no header or has rows wider
than their header raises :class:`InvalidInput` with one line saying why, before anything is
written. Cells are trimmed; padding rows above the header (a title row) and empty rows are
skipped and counted. ``.xlsx`` and ``.ods`` are read with python-calamine (Rust), which is many
times faster than openpyxl (figures in bench/sheets.py); ``.csv``/``.tsv`` are decoded as text
files are (a GBK file from Excel included) and parsed with :mod:`csv`.

Length: one module on purpose. Reading, column inference, typing of attributes and the
row-to-source mapping share the parsed sheet and its refusal rules; the import is all or
nothing, so every check must run before the first write, in one place.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import hashlib
import io
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from coder.errors import InvalidInput
from coder.i18n import _
from coder.model import Turn
from coder.text.normalise import decode, normalise

SHEET_SUFFIXES = {".csv", ".tsv", ".xlsx", ".ods"}
#: Largest sheet file accepted (a 100,000-row corpus of short texts is some 60 MB as UTF-8 CSV).
MAX_SHEET_BYTES = 300 * 1024 * 1024
#: Longest source name made from an id or title cell.
NAME_CHARS = 80

Cell = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

#: Column names that mark an id column (lower-cased, compared whole or as a suffix).
_ID_NAMES = (
    "id",
    "编号",
    "序号",
    "号",
    "no",
    "no.",
    "number",
    "编码",
    "工单号",
    "受访者",
    "respondent",
)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:,\d{3})*|\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_DATE = re.compile(
    r"(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
    r"(?:[ T]+(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2})(?:\.\d+)?秒?)?)?"
)
#: A date or date and time as :func:`as_date` writes it (``2024-03-05``, ``2024-03-05 14:30:00``).
_ISO = re.compile(r"\d{4}-\d\d-\d\d(?: \d\d:\d\d:\d\d)?", re.ASCII)


@dataclass
class Sheet:
    """A parsed sheet: trimmed cells under a header, with what was skipped."""

    file: str
    header: list[str]
    rows: list[list[Cell]]
    row_numbers: list[int]
    """The 1-based line (CSV) or row (workbook) each kept row came from, for messages."""
    encoding: str
    sha256: str
    sheet: str = ""
    padding: int = 0
    """Rows above the header (a title, a note) that were skipped."""
    empty: int = 0
    """Empty rows skipped."""


def read_sheet(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Sheet:
    """Read a spreadsheet or CSV/TSV file into a :class:`Sheet` (or refuse it)."""
    if not path.is_file():
        raise InvalidInput(_("{path}: no such file; nothing was imported").format(path=path))
    size = path.stat().st_size
    if size > MAX_SHEET_BYTES:
        raise InvalidInput(
            _(
                "{name}: {size} MB is over the {MAX_SHEET_BYTES} MB limit for a sheet; nothing was imported"
            ).format(
                name=path.name,
                size=size // (1024 * 1024),
                MAX_SHEET_BYTES=MAX_SHEET_BYTES // (1024 * 1024),
            )
        )
    data = path.read_bytes()
    if not data.strip():
        raise InvalidInput(
            _("{name}: the file is empty; nothing was imported").format(name=path.name)
        )
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        if sheet:
            raise InvalidInput(
                _(
                    "{name}: --sheet is for workbooks (.xlsx, .ods), a {suffix} file has one table; nothing was imported"
                ).format(name=path.name, suffix=suffix)
            )
        raw, used = decode(data, encoding, name=path.name)
        grid = _parse_delimited(normalise(raw), path.name, "\t" if suffix == ".tsv" else None)
        name = ""
    elif suffix in (".xlsx", ".ods"):
        grid, name = _read_workbook(data, path.name, sheet)
        used = suffix.lstrip(".")
    else:
        raise InvalidInput(
            _(
                "{name}: {suffix_or_no_suffix} is not a sheet (supported: .csv .tsv .xlsx .ods); nothing was imported"
            ).format(name=path.name, suffix_or_no_suffix=suffix or "no suffix")
        )
    return _tabulate(grid, path.name, used, hashlib.sha256(data).hexdigest(), name)


def _parse_delimited(text: str, file: str, delimiter: str | None) -> list[list[Cell]]:
    if "\x00" in text:
        raise InvalidInput(
            _("{file}: the file has NUL bytes (not a text table?); nothing was imported").format(
                file=file
            )
        )
    if delimiter is None:
        head = text[:20000]
        try:
            delimiter = csv.Sniffer().sniff(head, delimiters=",\t;|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        return [list(r) for r in reader]
    except csv.Error as exc:
        raise InvalidInput(
            _(
                "{file}: not a well-formed table at line {line_num} ({exc}); nothing was imported"
            ).format(file=file, line_num=reader.line_num, exc=exc)
        ) from None


def _read_workbook(data: bytes, file: str, sheet: str | None) -> tuple[list[list[Cell]], str]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        if not names:
            raise InvalidInput(
                _("{file}: the workbook has no sheets; nothing was imported").format(file=file)
            )
        if sheet is None:
            chosen = names[0]
        elif sheet in names:
            chosen = sheet
        elif sheet.isdigit() and 1 <= int(sheet) <= len(names):
            chosen = names[int(sheet) - 1]
        else:
            raise InvalidInput(
                _("{file}: no sheet {sheet!r} (sheets: {names}); nothing was imported").format(
                    file=file, sheet=sheet, names=", ".join(names)
                )
            )
        rows: list[list[Cell]] = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)  # type: ignore[assignment]
    except InvalidInput:
        raise
    except Exception as exc:  # calamine's errors are its own classes, ValueError and others
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise InvalidInput(
            _("{file}: not a readable workbook ({reason}); nothing was imported").format(
                file=file, reason=reason
            )
        ) from None
    return rows, chosen


def _clean(cell: Cell) -> Cell:
    if isinstance(cell, str):
        # normalise() without its work where there is none (most cells of a large sheet).
        if "\r" in cell or "\ufeff" in cell or not unicodedata.is_normalized("NFC", cell):
            cell = normalise(cell)
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 2**53:
        return int(cell)
    return cell


def _filled(row: list[Cell]) -> int:
    return len(row) - row.count(None) - row.count("")


def _tabulate(grid: list[list[Cell]], file: str, encoding: str, sha: str, name: str) -> Sheet:
    cleaned = [[_clean(c) for c in row] if row else row for row in grid]
    widths = [_filled(r) for r in cleaned[:200]]
    filled = [w for w in widths if w]
    if not filled:
        raise InvalidInput(
            _("{file}: the sheet has no cells; nothing was imported").format(file=file)
        )
    # The header is the first row that fills most of a typical row (the commonest width, the
    # widest on a tie): rows above it are padding (a title such as "2023年留言汇总", a note).
    typical = max(set(filled), key=lambda w: (filled.count(w), w))
    need = max(1, (typical * 3 + 4) // 5)
    at = next(i for i, w in enumerate(widths) if w >= need)
    header_row = cleaned[at]
    while header_row and header_row[-1] in (None, ""):
        header_row.pop()
    header = [_header_name(c, i) for i, c in enumerate(header_row)]
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in seen:
            raise InvalidInput(
                _(
                    "{file}: two columns are named {h!r} (columns {seen} and {i}); rename one; nothing was imported"
                ).format(file=file, h=h, seen=seen[h] + 1, i=i + 1)
            )
        seen[h] = i
    padding = sum(1 for w in widths[:at] if w)
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    empty = at - padding
    width = len(header)
    for i, row in enumerate(cleaned[at + 1 :], at + 2):
        if not _filled(row):
            empty += 1
            continue
        if len(row) != width:
            if len(row) > width and _filled(row[width:]):
                raise InvalidInput(
                    _(
                        "{file}: row {i} has {n_row} cells but the header has {width} (a broken line or a stray delimiter?); nothing was imported"
                    ).format(file=file, i=i, n_row=len(row), width=width)
                )
            row = row[:width] + [None] * (width - len(row))
        rows.append(row)
        numbers.append(i)
    if not rows:
        raise InvalidInput(
            _("{file}: the sheet has a header but no rows; nothing was imported").format(file=file)
        )
    return Sheet(file, header, rows, numbers, encoding, sha, name, padding, empty)


def _header_name(cell: Cell, i: int) -> str:
    text = as_text(cell).replace("\n", " ").strip()
    return text or f"column {i + 1}"


# -- values ---------------------------------------------------------------------------------


def as_text(cell: Cell) -> str:
    """A cell as the text a reader sees (dates in ISO form, integral numbers without ``.0``)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ", timespec="seconds").removesuffix(" 00:00:00")
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    if isinstance(cell, float):
        return repr(cell)
    return str(cell)


def as_number(cell: Cell) -> str | None:
    """The cell as a number in canonical text, or None."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return as_text(cell)
    if (
        isinstance(cell, str)
        and cell
        and _NUMBER.fullmatch(cell)
        and any(ch.isdigit() for ch in cell)
    ):
        value = float(cell.replace(",", ""))
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return None


def as_date(cell: Cell) -> str | None:
    """The cell as an ISO date (``2024-03-05``) or date and time (``2024-03-05 14:30:00``)."""
    if isinstance(cell, dt.datetime):
        return as_text(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if not isinstance(cell, str):
        return None
    if _ISO.fullmatch(cell):
        # Already in the canonical form (most date columns): only its range is checked.
        try:
            dt.datetime.fromisoformat(cell)
        except ValueError:
            return None
        return cell.removesuffix(" 00:00:00") if len(cell) > 10 else cell
    m = _DATE.fullmatch(cell)
    if not m:
        return None
    try:
        day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        if m["H"] is None:
            return day.isoformat()
        moment = dt.datetime.combine(day, dt.time(int(m["H"]), int(m["M"]), int(m["S"] or 0)))
    except ValueError:
        return None
    return as_text(moment)


def column_type(values: list[Cell]) -> str:
    """``number``, ``date`` or ``text``: the type every non-empty value of a column has."""
    filled = [v for v in values if v not in (None, "")]
    if not filled:
        return "text"
    if all(as_number(v) is not None for v in filled):
        return "number"
    if all(as_date(v) is not None for v in filled):
        return "date"
    return "text"


def typed_value(cell: Cell, kind: str) -> str:
    if kind == "number":
        return as_number(cell) or ""
    if kind == "date":
        return as_date(cell) or ""
    return as_text(cell)


# -- rows to drafts -------------------------------------------------------------------------


@dataclass
class Plan:
    """Which column does what, after inference; ``chosen`` says what was inferred."""

    text: list[str]
    title: str | None
    id: str | None
    case: str | None
    attributes: list[str]
    code_column: str | None
    each: str
    chosen: list[str] = field(default_factory=list)


@dataclass
class RowDraft:
    name: str
    text: str
    turns: list[Turn]
    attributes: dict[str, tuple[str, str]]
    """name -> (value, type)"""
    case: str | None
    case_attributes: dict[str, tuple[str, str]]
    code: str | None
    row: int


@dataclass
class SheetRows:
    drafts: list[RowDraft]
    plan: Plan
    types: dict[str, str]
    skipped: int
    """Rows with attributes but no text in the text columns."""
    duplicate_ids: list[str]


def _looks_like_id(name: str) -> bool:
    low = name.lower().strip()
    return any(low == k or low.endswith(k) for k in _ID_NAMES)


def _mean_chars(values: list[Cell]) -> float:
    texts = [as_text(v) for v in values if v not in (None, "")]
    return sum(map(len, texts)) / len(texts) if texts else 0.0


def plan_columns(
    sheet: Sheet,
    *,
    text: list[str] | None = None,
    title: str | None = None,
    id: str | None = None,  # noqa: A002 - the option's name
    case: str | None = None,
    attributes: list[str] | None = None,
    code_column: str | None = None,
    each: str = "row",
) -> Plan:
    """Check the named columns and infer the missing ones."""
    if each not in ("row", "respondent"):
        raise InvalidInput(
            _("--each is row or respondent, not {each!r}; nothing was imported").format(each=each)
        )
    header = sheet.header
    named = [*(text or []), title, id, case, code_column, *(attributes or [])]
    for col in named:
        if col is not None and col not in header:
            raise InvalidInput(
                _("{file}: no column {col!r} (columns: {header}); nothing was imported").format(
                    file=sheet.file, col=col, header=", ".join(header)
                )
            )
    columns = {h: [r[i] for r in sheet.rows] for i, h in enumerate(header)}
    chosen: list[str] = []
    if id is None:
        taken = set(text or []) | {title, case, code_column}
        for h in header:
            vals = [as_text(v) for v in columns[h] if v not in (None, "")]
            if (
                h not in taken
                and _looks_like_id(h)
                and len(vals) == len(sheet.rows)
                and max(map(len, vals)) <= NAME_CHARS
                and len(set(vals)) >= 0.5 * len(vals)
            ):
                id = h
                chosen.append(f"id {h}")
                break
    fixed = {id, title, case, code_column}
    if not text:
        candidates = [h for h in header if h not in fixed and column_type(columns[h]) == "text"]
        if each == "respondent":
            text = [
                h for h in candidates if _mean_chars(columns[h]) >= 4 or _distinct(columns[h]) > 0.5
            ]
        else:
            best = max(candidates, key=lambda h: _mean_chars(columns[h]), default=None)
            text = [best] if best else []
        if not text:
            raise InvalidInput(
                _(
                    "{file}: no text column found (name it with --text); nothing was imported"
                ).format(file=sheet.file)
            )
        chosen.append(("questions " if each == "respondent" else "text ") + ",".join(text))
    if attributes is None:
        attributes = [h for h in header if h not in fixed and h not in text]
    return Plan(list(text), title, id, case, attributes, code_column, each, chosen)


def _distinct(values: list[Cell]) -> float:
    vals = [as_text(v) for v in values if v not in (None, "")]
    return len(set(vals)) / len(vals) if vals else 0.0


def typed_column(values: list[Cell]) -> tuple[str, list[str]]:
    """A column's type (see :func:`column_type`) and its values as text of that type ('' for
    empty cells)."""
    for kind, convert in (("number", as_number), ("date", as_date)):
        out: list[str] = []
        for v in values:
            if v is None or v == "":
                out.append("")
                continue
            got = convert(v)
            if got is None:
                break
            out.append(got)
        else:
            if any(out):
                return kind, out
    return "text", [_text(v) for v in values]


def _text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else as_text(cell)


def sheet_rows(sheet: Sheet, plan: Plan) -> SheetRows:
    """Each row as a draft: its text sections as turns, typed attributes, case and code.
    The work goes column by column (each column typed once)."""
    index = {h: i for i, h in enumerate(sheet.header)}
    rows = sheet.rows

    def column(h: str) -> list[str]:
        i = index[h]
        return [_text(r[i]) for r in rows]

    texts = [(h, f"{h}：", column(h)) for h in plan.text]
    types: dict[str, str] = {}
    attr_cols: list[tuple[str, str, list[str]]] = []
    for h in plan.attributes:
        kind, values = typed_column([r[index[h]] for r in rows])
        types[h] = kind
        attr_cols.append((h, kind, values))
    ids = column(plan.id) if plan.id else None
    titles = column(plan.title) if plan.title else None
    cases = column(plan.case) if plan.case else None
    labels = column(plan.code_column) if plan.code_column else None
    drafts: list[RowDraft] = []
    skipped = 0
    names: set[str] = set()
    duplicates: list[str] = []
    for n, line in enumerate(sheet.row_numbers):
        parts: list[str] = []
        turns: list[Turn] = []
        pos = 0
        for h, head, values in texts:
            value = values[n]
            if not value:
                continue
            start = pos + len(head)
            turns.append(Turn(len(turns), start, start + len(value), h, ""))
            parts.append(head + value)
            pos = start + len(value) + 1
        if not parts:
            skipped += 1
            continue
        body = "\n".join(parts) + "\n"
        ident = ids[n].replace("\n", " ") if ids else ""
        title = titles[n].replace("\n", " ") if titles else ""
        name = f"{ident} {title}" if ident and title else ident or title or f"row {line}"
        name = name[:NAME_CHARS].strip()
        if name in names:
            duplicates.append(name)
            name = f"{name} (row {line})"
        names.add(name)
        attrs = {h: (values[n], kind) for h, kind, values in attr_cols if values[n]}
        case = None
        case_attrs: dict[str, tuple[str, str]] = {}
        if plan.each == "respondent":
            case = ident or name
            case_attrs = dict(attrs)
        elif cases:
            case = cases[n] or None
        code = labels[n] if labels else None
        drafts.append(RowDraft(name, body, turns, attrs, case, case_attrs, code or None, line))
    if not drafts:
        raise InvalidInput(
            _("{file}: no row has text in {text}; nothing was imported").format(
                file=sheet.file, text=", ".join(plan.text)
            )
        )
    return SheetRows(drafts, plan, types, skipped, duplicates)


# -- the import routine the CLI (and later the TUI) share -----------------------------------


@dataclass
class SheetReport:
    """What a sheet import did, for the import line and ``--json``."""

    file: str
    sources: int
    turns: int
    attributes: dict[str, str]
    cases: int
    codes_created: list[str]
    codes_matched: list[str]
    codings: int
    padding: int
    empty: int
    without_text: int
    duplicate_ids: list[str]
    chosen: list[str]
    encoding: str

    def lines(self) -> list[str]:
        attrs = ", ".join(f"{k} ({v})" for k, v in self.attributes.items()) or _("none")
        out = [
            _(
                "imported {file}: {sources} sources, {turns} turns, {encoding}; attributes: {attrs}"
            ).format(
                file=self.file,
                sources=self.sources,
                turns=self.turns,
                encoding=self.encoding,
                attrs=attrs,
            )
        ]
        if self.chosen:
            out.append(
                _(
                    "columns inferred: {chosen} (name them with --text, --id, --title to choose)"
                ).format(chosen="; ".join(self.chosen))
            )
        if self.cases:
            out.append(_("{cases} cases").format(cases=self.cases))
        if self.codes_created or self.codes_matched:
            out.append(
                _(
                    "coded {codings} rows: {n_codes_created} new codes, {n_codes_matched} matched to existing codes by name"
                ).format(
                    codings=self.codings,
                    n_codes_created=len(self.codes_created),
                    n_codes_matched=len(self.codes_matched),
                )
            )
        skipped = []
        if self.padding:
            skipped.append(_("{padding} rows above the header").format(padding=self.padding))
        if self.empty:
            skipped.append(_("{empty} empty rows").format(empty=self.empty))
        if self.without_text:
            skipped.append(
                _("{without_text} rows without text").format(without_text=self.without_text)
            )
        if skipped:
            out.append(_("skipped ") + ", ".join(skipped))
        return out

    def warnings(self) -> list[str]:
        if not self.duplicate_ids:
            return []
        shown = ", ".join(sorted(set(self.duplicate_ids))[:5])
        return [
            _(
                "{file}: {n_duplicate_ids} rows repeat an id ({shown}); they were kept, named with their row number"
            ).format(file=self.file, n_duplicate_ids=len(self.duplicate_ids), shown=shown)
        ]

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items()}


_gc_lock = threading.Lock()
_gc_holders = 0
_gc_was_enabled = False


@contextmanager
def without_gc() -> Iterator[None]:
    """Python's cycle collector paused while a sheet is read and written. An import makes
    millions of lists, tuples and rows and no cycles; each full collection walks all of them,
    which costs a tenth of the import of a 100,000-row sheet. Nested and concurrent uses are
    counted: the collector runs again when the last one ends, if it ran before the first."""
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_was_enabled:
                gc.enable()


@without_gc()
def import_sheet(
    project: object,
    path: Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    text: list[str] | None = None,
    title: str | None = None,
    id: str | None = None,  # noqa: A002 - the option's name
    case: str | None = None,
    attributes: list[str] | None = None,
    code_column: str | None = None,
    each: str = "row",
    progress: object = None,
) -> SheetReport:
    """Read, plan and write a sheet as one change; nothing is written if any step refuses.

    ``progress(total=None, advance=0)``-style callback: called with ``total`` once the rows are
    known and ``advance`` as they are written."""
    table = read_sheet(path, sheet=sheet, encoding=None if encoding == "auto" else encoding)
    plan = plan_columns(
        table,
        text=text,
        title=title,
        id=id,
        case=case,
        attributes=attributes,
        code_column=code_column,
        each=each,
    )
    rows = sheet_rows(table, plan)
    step = None
    if callable(progress):
        progress(total=2 * len(rows.drafts))
        step = lambda n: progress(advance=n)  # noqa: E731
    done = project.import_sheet_rows(table, rows, progress=step)  # type: ignore[attr-defined]
    return SheetReport(
        table.file if not table.sheet else f"{table.file} [{table.sheet}]",
        done.sources,
        done.turns,
        done.attributes,
        done.cases,
        done.codes_created,
        done.codes_matched,
        done.codings,
        table.padding,
        table.empty,
        rows.skipped,
        rows.duplicate_ids,
        plan.chosen,
        table.encoding,
    )
