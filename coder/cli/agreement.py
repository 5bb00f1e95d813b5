"""The ``agreement`` and ``merge`` commands (added to ``coder`` through ``coder.cli.EXTENSIONS``)."""

from __future__ import annotations

import argparse
from typing import Any

from coder.analysis.names import AGREEMENT_UNITS as UNITS
from coder.analysis.names import RELIABILITY_HEADERS
from coder.cli.base import Add, open_project
from coder.cli.output import emit, print_table, split, unit_word, units_word
from coder.i18n import _, pgettext


def register(add: Add) -> None:
    """Add ``agreement`` and ``merge`` to the ``coder`` command."""
    p = add(
        "agreement",
        cmd_agreement,
        "inter-coder agreement: percent, Holsti's K and R, Cohen's κ, Krippendorff's α",
    )
    p.add_argument("project")
    p.add_argument("--coders", required=True, help="two or more coder names: A,B[,C...]")
    p.add_argument(
        "--unit", choices=UNITS, default="segment", help="what is compared (default: segment)"
    )
    p.add_argument(
        "--codes",
        metavar="C1,C2,...",
        help="a set of mutually exclusive codes: each unit's value is the one a coder applied",
    )
    p.add_argument(
        "--source",
        "--sources",
        dest="source",
        action="append",
        metavar="SOURCE",
        help="compare only these sources (repeatable, or comma-separated)",
    )
    p.add_argument("--json", action="store_true")

    p = add(
        "merge",
        cmd_merge,
        "bring another coder's copy of the project in, keeping each coder's codings apart",
    )
    p.add_argument("project")
    p.add_argument("other", metavar="OTHER")
    p.add_argument("--json", action="store_true")


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def cmd_agreement(args: argparse.Namespace) -> int:
    """Print the agreement figures, the 编码信度 table and the per-code figures (or JSON)."""
    from coder.analysis.agreement import agreement, reliability_rows

    project = open_project(args)
    result = agreement(
        project,
        split(args.coders),
        unit=args.unit,
        codes=split(args.codes) if args.codes is not None else None,
        sources=split(args.source) or None,
    )

    def human() -> None:
        what = (
            _("codes {codes} (one per unit)").format(codes=", ".join(result.codes))
            if result.codes
            else _("all codes")
        )
        noun = units_word(result.unit)
        print(
            _("{coders}: {what}, {units} {noun} in {n_sources} sources ({sources})").format(
                coders=", ".join(result.coders),
                what=what,
                units=result.units,
                noun=noun,
                n_sources=len(result.sources),
                sources=", ".join(result.sources),
            )
        )
        print(
            _(
                "percent {percent}  Holsti K {holsti_k}  composite R {composite_r}  Cohen's κ {kappa}  Krippendorff's α {alpha}"
            ).format(
                percent=_num(result.percent),
                holsti_k=_num(result.holsti_k),
                composite_r=_num(result.composite_r),
                kappa=_num(result.cohen_kappa),
                alpha=_num(result.krippendorff_alpha),
            )
        )
        if result.unplaced:
            print(
                _("{unplaced} codings overlap no {unit} and take no part").format(
                    unplaced=result.unplaced, unit=unit_word(result.unit)
                )
            )
        for line in result.suggestion_lines():
            print(line)
        print()
        rows: list[list[Any]] = [
            [name, m, n1, n2, _num(k), _num(r), _num(kappa)]
            for name, m, n1, n2, k, r, kappa in reliability_rows(result, summary=True)
        ]
        print_table(list(RELIABILITY_HEADERS), rows)
        print()
        print_table(
            [
                _("code"),
                pgettext("column", "name"),
                "κ",
                _("percent"),
                _("coded ({coders})").format(coders="/".join(result.coders)),
            ],
            [
                [c.code, c.name, _num(c.cohen_kappa), _num(c.percent), "/".join(map(str, c.coded))]
                for c in result.per_code
            ],
        )

    return emit(args, result.to_json(), human)


def cmd_merge(args: argparse.Namespace) -> int:
    """Merge OTHER into PROJECT as one undoable step and print the report (or JSON)."""
    from coder.exchange.merge import merge_project

    report = merge_project(open_project(args), args.other)

    def human() -> None:
        for line in report.lines():
            print(line)
        if report.event_id is not None:
            print(_("one step: `coder undo` takes the whole merge back"))

    return emit(args, report.to_json(), human)
