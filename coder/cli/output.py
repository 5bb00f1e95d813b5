"""What commands print: one JSON document with ``--json``, otherwise plain lines and tables.

:func:`emit` and :func:`emit_table` are the one place a command chooses between the two: the
command builds what it has to say once, and says how a person reads it. JSON never goes through
the interface language; the human form may.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from coder.i18n import level_word, role_word, slot_word, unit_word, units_word

__all__ = ["level_word", "role_word", "slot_word", "unit_word", "units_word"]


def print_json(data: Any) -> None:
    """One JSON document on stdout (Chinese kept as it is)."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def emit(args: argparse.Namespace, data: Any, human: Callable[[], None]) -> int:
    """``data`` as JSON when the command was given ``--json``; otherwise ``human()`` prints it.

    ``data`` may be a function of no arguments, called only for ``--json`` (when building the
    document costs queries the human form does not need). Returns 0, the command's exit code.
    """
    if getattr(args, "json", False):
        print_json(data() if callable(data) else data)
    else:
        human()
    return 0


def emit_table(
    args: argparse.Namespace,
    data: Any,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]] | Callable[[], Sequence[Sequence[Any]]],
    *,
    after: Callable[[], None] | None = None,
) -> int:
    """``data`` as JSON with ``--json``; otherwise a table of ``rows`` under ``headers`` (``rows``
    may be a function, called only then), then ``after()`` for lines below it. Returns 0."""

    def human() -> None:
        print_table(headers, rows() if callable(rows) else rows)
        if after is not None:
            after()

    return emit(args, data, human)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain table aligned by display width (Chinese characters take two columns)."""
    from rich.cells import cell_len

    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(cell_len(r[i]) for r in cells) for i in range(len(headers))]
    for n, r in enumerate(cells):
        line = "  ".join(v + " " * (widths[i] - cell_len(v)) for i, v in enumerate(r)).rstrip()
        print(line)
        if n == 0:
            print("  ".join("-" * w for w in widths))


def split(values: Sequence[str] | str | None) -> list[str]:
    """Comma-separated values (from one option or repeated ones), stripped, empties left out."""
    items = [values] if isinstance(values, str) else list(values or [])
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def warn(message: str) -> None:
    """A one-line note on stderr (stdout stays the command's output)."""
    print(f"coder: {message}", file=sys.stderr)


def when(ts: float) -> str:
    """A timestamp as local ISO time to the second."""
    return dt.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def one_line(message: str) -> str:
    """The message on one line (a path or a database error may carry line breaks)."""
    return " ".join(message.split())


def clip(text: str, n: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"
