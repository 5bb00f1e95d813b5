"""``export``: by the target's suffix."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coder.cli.base import Add, open_project
from coder.cli.output import one_line
from coder.errors import InvalidInput


def cmd_export(args: argparse.Namespace) -> int:
    from coder.exchange.codebook_yaml import save_codebook_file

    project = open_project(args)
    out = Path(args.output)
    if not out.parent.is_dir():
        raise InvalidInput(f"{out.parent}: no such folder; nothing was written")
    if args.format == "maxqda":
        from coder.exchange.maxqda import export_structured

        for line in export_structured(project, out).lines():
            print(line)
        return 0
    if args.figure:
        from coder.exchange.figures import write_figure

        for note in write_figure(project, out, args.figure, lang=args.lang):
            print(f"coder: warning: {one_line(note)}", file=sys.stderr)
        print(f"wrote the {args.figure} figure to {out}")
        return 0
    if out.suffix.lower() in (".qdpx", ".qdc"):
        from coder.exchange.refi import export_qdc, export_qdpx

        report = (export_qdpx if out.suffix.lower() == ".qdpx" else export_qdc)(project, out)
        for line in report.lines():
            print(line)
        return 0
    if out.suffix.lower() in (".md", ".tex", ".docx", ".xlsx", ".csv", ".svg", ".png"):
        from coder.exchange.papers import export_figures, export_tables

        split = lambda v: [x.strip() for x in v.split(",") if x.strip()] if v else None  # noqa: E731
        if out.suffix.lower() in (".svg", ".png"):
            notes = export_figures(project, out, lang=args.lang, held_out=split(args.held_out))
        else:
            notes = export_tables(
                project,
                out,
                tables=args.tables,
                lang=args.lang,
                coders=split(args.coders),
                held_out=split(args.held_out),
                examples=args.examples,
            )
        for note in notes:
            print(f"coder: warning: {one_line(note)}", file=sys.stderr)
        print(f"wrote {out}")
        return 0
    if out.suffix.lower() in (".yaml", ".yml"):
        save_codebook_file(project, out)
        print(f"wrote the codebook to {out}")
        return 0
    raise InvalidInput(
        f"{out.name}: export to {out.suffix or 'no suffix'} is not available yet (supported: .md .tex .docx .xlsx .csv .svg .png .qdpx .qdc .yaml, or --format maxqda); nothing was written"
    )


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
