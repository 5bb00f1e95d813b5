"""``export``: by the target's suffix."""

from __future__ import annotations

import argparse

from coder.cli.base import Add, open_project
from coder.cli.output import one_line, split, warn
from coder.i18n import _


def cmd_export(args: argparse.Namespace) -> int:
    from coder.exchange.exports import export_by_suffix

    project = open_project(args)
    exported = export_by_suffix(
        project,
        args.output,
        format=args.format,
        figure=args.figure,
        lang=args.lang,
        tables=args.tables,
        coders=split(args.coders) or None,
        held_out=split(args.held_out) or None,
        examples=args.examples,
    )
    for note in exported.warnings:
        warn(_("warning: {note}").format(note=one_line(note)))
    for line in exported.lines:
        print(line)
    return 0


def register(add: Add) -> None:
    """Add ``export`` to the ``coder`` command."""
    p = add(
        "export",
        cmd_export,
        "export by suffix: paper tables .md .tex .docx .xlsx .csv, figures .svg .png, "
        "REFI-QDA .qdpx .qdc, the codebook .yaml; or --format maxqda: sources and codings as "
        "MAXQDA structured text (.txt)",
    )
    p.add_argument("project")
    p.add_argument("-o", "--output", required=True)
    p.add_argument(
        "--format",
        choices=["maxqda"],
        help="maxqda: MAXQDA's structured text (#TEXT, #CODE), whatever the suffix",
    )
    p.add_argument("--tables", help="only these tables (names or 表 titles, comma-separated)")
    p.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="table headers in Chinese or English"
    )
    p.add_argument("--coders", help="the coder pair for the 编码信度 table, e.g. R1,R2")
    p.add_argument(
        "--held-out", help="held-out interviews for the saturation table, e.g. S2-03,S4-02"
    )
    p.add_argument("--examples", type=int, default=1, help="quotes per concept in 开放式编码示例")
    p.add_argument(
        "--figure",
        choices=["paradigm", "tonghe", "network"],
        help="write this model figure to exactly the file named (.svg .pdf .png)",
    )
