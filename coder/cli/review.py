"""The ``review`` command: two coders' disagreements, or the report of their resolutions (added
to ``coder`` through ``coder.cli.EXTENSIONS``). Resolving happens in the terminal UI."""

from __future__ import annotations

import argparse
from typing import Any

from coder.analysis.names import CONSENSUS
from coder.cli.base import Add, open_project
from coder.cli.output import emit, print_table, split
from coder.i18n import _


def register(add: Add) -> None:
    """Add ``review`` to the ``coder`` command."""
    # The shared options stay: ``--coder`` names who works, ``--coders`` whose codings differ.
    p = add(
        "review",
        cmd_review,
        "disagreement review: the units where two coders' codes differ, or (--report) how "
        "they were resolved",
    )
    p.add_argument("project")
    p.add_argument("--coders", required=True, help="the two coders compared: A,B")
    p.add_argument(
        "--source",
        "--sources",
        dest="source",
        action="append",
        metavar="SOURCE",
        help="only these sources (repeatable, or comma-separated)",
    )
    p.add_argument(
        "--consensus",
        default=CONSENSUS,
        metavar="NAME",
        help=f"the coder holding the agreed codings (default: {CONSENSUS})",
    )
    p.add_argument("--report", action="store_true", help="the resolutions, for an appendix")
    p.add_argument("--json", action="store_true")


def _clip(text: str, width: int = 30) -> str:
    from rich.cells import cell_len

    flat = " ".join(text.split())
    if cell_len(flat) <= width:
        return flat
    out = ""
    for ch in flat:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def cmd_review(args: argparse.Namespace) -> int:
    """Print the disagreements (or the resolutions report) as a table, or JSON."""
    from coder.analysis.review import disagreements, report
    from coder.errors import InvalidInput

    project = open_project(args)
    coders = split(args.coders)
    if len(coders) != 2:
        raise InvalidInput(
            _("--coders takes two coder names (A,B), not {coders!r}; nothing was changed").format(
                coders=args.coders
            )
        )
    a, b = coders
    if args.report:
        rows = report(project, coders, consensus=args.consensus)

        def human_report() -> None:
            table: list[list[Any]] = [
                [r["unit"], r["A"], r["B"], r["decision"], r["memo"], r["who"], r["when"][:10]]
                for r in rows
            ]
            print_table([_("unit"), a, b, _("decision"), _("memo"), _("who"), _("when")], table)
            print(
                _("{n_rows} resolved disagreements of {a} and {b}").format(
                    n_rows=len(rows), a=a, b=b
                )
            )

        return emit(args, rows, human_report)
    found = disagreements(project, coders, sources=split(args.source) or None)

    def human() -> None:
        print_table(
            ["", _("unit"), a, b, _("decision"), _("text")],
            [
                [
                    "✓" if d.resolved else ("↺" if d.stale else ""),
                    d.unit,
                    ", ".join(c.label for c in d.a) or "—",
                    ", ".join(c.label for c in d.b) or "—",
                    d.resolution.phrase if d.resolution else "",
                    _clip(d.text),
                ]
                for d in found
            ],
        )
        done = sum(d.resolved for d in found)
        stale = sum(d.stale for d in found)
        again = (
            _(" ({stale} to review again: ↺, a coder changed their codes since)").format(
                stale=stale
            )
            if stale
            else ""
        )
        print(
            _("{n_found} disagreements of {a} and {b}, {done} resolved{again}").format(
                n_found=len(found), a=a, b=b, done=done, again=again
            )
        )

    return emit(args, [d.to_json() for d in found], human)
