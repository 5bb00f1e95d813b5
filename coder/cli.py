"""The ``coder`` command (see ``shared/CLI.md`` for the contract: names and JSON shapes are fixed).

Exit codes: 0 success; 1 a user error, reported as one line on stderr that says what was wrong and
what was kept; 2 bad usage. ``--json`` prints one JSON document on stdout and nothing else there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from coder.errors import CoderError, InvalidInput, NotFound

#: Projects opened by the running command; ``main`` closes them when the command ends.
_opened: list[Any] = []


def _project(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from coder.project import Project

    project = Project.open(args.project, coder=getattr(args, "coder", None))
    _opened.append(project)
    return project


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def _table(headers: list[str], rows: list[list[Any]]) -> None:
    """A plain table aligned by display width (Chinese characters take two columns)."""
    from rich.cells import cell_len

    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(cell_len(r[i]) for r in cells) for i in range(len(headers))]
    for n, r in enumerate(cells):
        line = "  ".join(v + " " * (widths[i] - cell_len(v)) for i, v in enumerate(r)).rstrip()
        print(line)
        if n == 0:
            print("  ".join("-" * w for w in widths))


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


# -- commands ------------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from coder.project import Project

    project = Project.create(
        args.project, title=args.title or "", lang=args.lang, coder=args.coder, scheme=args.labels
    )
    project.close()
    print(f"created {project.location}")
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from coder.project import Project

    Project.open(args.project).close()  # a clear one-line error before the screen is taken
    return _run_tui(args.project, args.coder)


def _run_tui(path: str | Path, coder: str | None) -> int:
    from coder.tui.app import make_app

    app = make_app(path, coder=coder)
    try:
        app.run()
    finally:
        app.project.close()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from coder import serve

    served, warning = serve.prepare(args.project, args.host, args.port, args.public)
    if warning:
        print(warning, file=sys.stderr)
    print(f"serving {served.location} on {served.url} (ctrl+c stops)", flush=True)
    serve.serve(served)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from coder.demo import open_or_build_demo
    from coder.store.engine import describe, is_server

    path: str | Path = args.path
    if not is_server(args.path):
        path = Path(args.path)
        path.parent.mkdir(parents=True, exist_ok=True)
    project, summary = open_or_build_demo(path)
    project.close()
    for line in summary.lines():
        print(line)
    if not args.no_tui and sys.stdout.isatty() and sys.stdin.isatty():
        return _run_tui(path, args.coder)
    where = describe(path)
    print(
        f"Try:  coder codebook {where} show   ·   coder codings {where} --code a25   (in .venv: . .venv/bin/activate)"
    )
    return 0


def _import_refi(args: argparse.Namespace, project, paths: list[Path]) -> int:  # type: ignore[no-untyped-def]
    """.qdpx projects and .qdc codebooks from other QDA programs (REFI-QDA)."""
    from coder.exchange.refi import import_qdc, import_qdpx

    reports = []
    for path in paths:
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file; nothing was imported")
        reader = import_qdpx if path.suffix.lower() == ".qdpx" else import_qdc
        if reader is import_qdpx:
            reports.append(import_qdpx(project, path, speakers=_labels(args.speakers)))
        else:
            reports.append(import_qdc(project, path))
    if args.json:
        _print_json([r.as_dict() for r in reports])
    else:
        for r in reports:
            for line in r.lines():
                print(line)
    return 0


def _labels(value: str | None) -> list[str] | None:
    """``--speakers A,B`` as a list (full-width commas too); None when not given."""
    if value is None:
        return None
    labels = [s.strip() for s in value.replace("，", ",").split(",") if s.strip()]
    if not labels:
        raise InvalidInput("--speakers needs labels such as A,B; nothing was changed")
    return labels


def _speakers_line(turns) -> str:  # type: ignore[no-untyped-def]
    from coder.text.speakers import speaker_names

    names = speaker_names(turns)
    if not names:
        return "no speakers found"
    return f"{len(names)} speaker{'s' if len(names) != 1 else ''}: {', '.join(names)}"


def cmd_import(args: argparse.Namespace) -> int:
    from coder.text.importer import import_paths
    from coder.text.speakers import speaker_names

    project = _project(args)
    paths = [Path(p) for p in args.paths]
    refi = [p for p in paths if p.suffix.lower() in (".qdpx", ".qdc")]
    if refi:
        if len(refi) != len(paths):
            raise InvalidInput(
                "import REFI-QDA files (.qdpx, .qdc) on their own, not with transcripts; nothing was imported"
            )
        return _import_refi(args, project, refi)
    if any(p.suffix.lower() in _SHEETS for p in paths):
        return _import_sheets(args, project, paths)
    from coder.text.readers import collect

    progress = _progress(len(collect([Path(p) for p in args.paths])))

    def on_file(path: Path, draft, error: str | None) -> None:  # type: ignore[no-untyped-def]
        if error:
            print(f"coder: {_one_line(error)}", file=sys.stderr)
        progress(1)

    try:
        report = import_paths(
            project,
            [Path(p) for p in args.paths],
            encoding=args.encoding,
            on_file=on_file,
            speakers=_labels(args.speakers),
        )
    finally:
        progress(0, close=True)
    for warning in report.warnings:
        print(f"coder: warning: {_one_line(warning)}", file=sys.stderr)
    for note in report.notes:
        print(note)
    done, failed = len(report.imported), len(report.failed)
    if args.json:
        _print_json(
            {
                "imported": done,
                "failed": failed,
                "sources": [d.name for d in report.imported],
                "speakers": {d.name: speaker_names(d.turns or ()) for d in report.imported},
            }
        )
    else:
        for d in report.imported:
            print(
                f"imported {d.name}: {len(d.text)} characters, {len(d.turns or ())} turns "
                f"({_speakers_line(d.turns or ())}), {d.encoding}"
            )
    if failed:
        if report.files > 1:  # one file: its own message above is the whole story
            print(
                f"coder: {failed} of {report.files} files not imported; {done} imported and kept",
                file=sys.stderr,
            )
        return 1
    return 0


_SHEETS = (".csv", ".tsv", ".xlsx", ".ods")


def _import_sheets(args: argparse.Namespace, project, paths: list[Path]) -> int:  # type: ignore[no-untyped-def]
    """Spreadsheets: each row a source (or each respondent), see coder/text/sheets.py."""
    from coder.text.sheets import import_sheet

    if any(p.suffix.lower() not in _SHEETS for p in paths):
        raise InvalidInput(
            "import sheets (.csv .tsv .xlsx .ods) on their own, not with transcripts; nothing was imported"
        )

    def cols(value: str | None) -> list[str] | None:
        return [c.strip() for c in value.split(",") if c.strip()] if value else None

    reports = []
    for path in paths:
        bar = _SheetBar()
        try:
            report = import_sheet(
                project,
                path,
                sheet=args.sheet,
                encoding=args.encoding,
                text=cols(args.text),
                title=args.title,
                id=args.id,
                case=args.case,
                attributes=cols(args.attributes),
                code_column=args.code_column,
                each=args.each,
                progress=bar,
            )
        finally:
            bar.close()
        for warning in report.warnings():
            print(f"coder: warning: {_one_line(warning)}", file=sys.stderr)
        reports.append(report)
        if not args.json:
            for line in report.lines():
                print(line)
    if args.json:
        _print_json([r.as_dict() for r in reports])
    return 0


class _SheetBar:
    """A progress bar on stderr for a long sheet import (when stderr is a terminal)."""

    def __init__(self) -> None:
        self.bar = None
        self.task = None

    def __call__(self, total: int | None = None, advance: int = 0) -> None:
        if total is not None and total >= 20000 and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("importing rows", total=total)
            self.bar.start()
        elif self.bar is not None and advance:
            self.bar.advance(self.task, advance)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _progress(total: int):  # type: ignore[no-untyped-def]
    """A progress bar on stderr when stderr is a terminal (and more than one file)."""
    if total < 2 or not sys.stderr.isatty():
        return lambda n, close=False: None
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task("importing", total=total)
    bar.start()

    def step(n: int, close: bool = False) -> None:
        bar.advance(task, n)
        if close:
            bar.stop()

    return step


def cmd_sources(args: argparse.Namespace) -> int:
    project = _project(args)
    rows = project.sources()
    if args.where:
        keep = project.source_ids_where(args.where)
        rows = [s for s in rows if s.id in keep]
    if args.json:
        _print_json(
            [
                {
                    "id": s.id,
                    "name": s.name,
                    "chars": s.chars,
                    "turns": s.turns,
                    "attributes": s.attributes,
                    "case": s.case,
                    "encoding": s.encoding,
                    "format": s.format,
                    "original_name": s.original_name,
                    "sha256": s.sha256,
                }
                for s in rows
            ]
        )
        return 0
    _table(
        ["id", "name", "chars", "turns", "case", "encoding", "file"],
        [[s.id, s.name, s.chars, s.turns, s.case or "", s.encoding, s.original_name] for s in rows],
    )
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    project = _project(args)
    chosen = project.sample(args.n, by=args.by, seed=args.seed, name=args.name)
    if args.json:
        _print_json(_set_json(project, chosen))
        return 0
    print(f"set {chosen.name}: {chosen.description}")
    return 0


def _set_json(project, s) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    names = {x.id: x.name for x in project.sources()}
    return {
        "name": s.name,
        "guid": s.guid,
        "description": s.description,
        "seed": s.seed,
        "by": s.by,
        "sources": [names[i] for i in s.sources],
    }


def cmd_sets(args: argparse.Namespace) -> int:
    project = _project(args)
    sets = project.sets()
    if args.json:
        _print_json([_set_json(project, s) for s in sets])
        return 0
    _table(
        ["set", "sources", "made", "how"],
        [[s.name, len(s.sources), _when(s.created), s.description] for s in sets],
    )


def cmd_turns(args: argparse.Namespace) -> int:
    from coder.text.speakers import TurnRule, refind_turns, speaker_names

    project = _project(args)
    chosen = [project.source(ref) for ref in args.sources] or project.sources()
    labels = _labels(args.speakers)
    if labels is not None and args.detect:
        raise InvalidInput("give --speakers or --detect, not both; nothing was changed")
    rows = []
    new: dict[int, list] = {}
    if labels is None and not args.detect:
        for src in chosen:
            found = project.turns(src.id)
            rows.append((src.name, len(found), len(found), speaker_names(found)))
    else:
        rule = TurnRule.for_project(project, explicit=labels)
        for src in chosen:
            old = project.turns(src.id)
            found = refind_turns(project.source_text(src.id), old, src.format, rule)
            rows.append((src.name, len(old), len(found), speaker_names(found)))
            new[src.id] = found
    event = None
    if new and not args.dry_run:
        summary = (
            f"recompute the turns of {chosen[0].name}"
            if len(chosen) == 1
            else f"recompute the turns of {len(chosen)} sources"
        )
        event = project.set_turns(new, summary=summary)
    if args.json:
        _print_json(
            {
                "sources": [
                    {"name": n, "turns_before": a, "turns": b, "speakers": sp}
                    for n, a, b, sp in rows
                ],
                "event": event,
            }
        )
        return 0
    if not new:
        _table(["source", "turns", "speakers"], [[n, b, ", ".join(sp)] for n, _, b, sp in rows])
        return 0
    _table(
        ["source", "turns before", "turns", "speakers"],
        [[n, a, b, ", ".join(sp)] for n, a, b, sp in rows],
    )
    if args.dry_run:
        print("dry run: nothing was changed")
    elif event is None:
        print("the turns are as found already; nothing was changed")
    else:
        print(f"turns recomputed as one step (event {event}); `coder undo` puts them back")
    return 0


def cmd_media(args: argparse.Namespace) -> int:
    from coder.media import MEDIA, link

    project = _project(args)
    if args.file is None:
        src = project.source(args.source)
        linked = src.attributes.get(MEDIA, "")
        if not linked:
            print(f"{src.name}: no recording linked")
        else:
            there = "" if Path(linked).is_file() else " (not there: moved?)"
            print(f"{src.name}: {linked}{there}")
        return 0
    path = link(project, args.source, args.file)
    print(f"{project.source(args.source).name}: recording {path} (referenced, not copied)")
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    from coder.media import playback, player_command, start

    project = _project(args)
    play = playback(project, args.source, args.at)
    if play.note:
        print(f"coder: {play.note}", file=sys.stderr)
    if args.print:
        command = player_command(play)
        print(" ".join(command) if command else f"{play.path} {play.at:g}")
        return 0
    start(play)
    print(f"playing {play.path} from {play.stamp or '0:00'}")
    return 0


def cmd_text(args: argparse.Namespace) -> int:
    project = _project(args)
    sys.stdout.write(project.source_text(args.source))
    return 0


def _tree_rows(project) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    counts = project.code_counts()
    return [
        {
            "id": c.id,
            "label": c.label,
            "name": c.name,
            "level": c.level,
            "parents": list(c.parents),
            "paradigm_role": c.paradigm_role,
            "axis": c.axis,
            "codings": counts.get(c.id, (0, 0))[0],
            "sources": counts.get(c.id, (0, 0))[1],
            "core": c.is_core,
            "in_vivo": c.in_vivo,
            "name_en": c.name_en,
            "definition": c.definition,
        }
        for c in project.codes()
    ]


def cmd_codebook(args: argparse.Namespace) -> int:
    from coder.exchange.codebook_yaml import load_codebook_file

    project = _project(args)
    if args.action == "show":
        rows = _tree_rows(project)
        if args.json:
            _print_json(rows)
            return 0
        by_id = {r["id"]: r for r in rows}
        kids: dict[int | None, list[dict[str, Any]]] = {}
        for r in rows:
            parent = r["parents"][0] if r["parents"] else None
            kids.setdefault(parent, []).append(r)
        lines: list[list[Any]] = []

        def walk(parent: int | None, depth: int) -> None:
            for r in kids.get(parent, []):
                extra = [
                    x
                    for x in (
                        r["paradigm_role"],
                        r["axis"],
                        "core" if r["core"] else None,
                        "in vivo" if r["in_vivo"] else None,
                    )
                    if x
                ]
                also = [by_id[p]["label"] for p in r["parents"][1:]]
                if also:
                    extra.append("also in " + ", ".join(also))
                lines.append(
                    [
                        "  " * depth + r["label"],
                        r["name"],
                        r["level"],
                        r["codings"],
                        r["sources"],
                        " · ".join(extra),
                    ]
                )
                walk(r["id"], depth + 1)

        walk(None, 0)
        _table(["label", "name", "level", "codings", "sources", ""], lines)
        return 0
    if args.action == "load":
        path = Path(args.file)
        suffix = path.suffix.lower()
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file; nothing was changed")
        if suffix in (".yaml", ".yml"):
            stats = load_codebook_file(project, path)
        elif suffix in (".csv", ".xlsx"):
            from coder.exchange.codebook_table import read_csv, read_xlsx

            spec = read_csv(path) if suffix == ".csv" else read_xlsx(path)
            stats = project.import_codebook(spec, summary=f"load codebook {path.name}")
        elif suffix == ".qdc":
            return _load_qdc(project, path)
        else:
            raise InvalidInput(
                f"{path.name}: a codebook loads from .yaml, .csv, .xlsx or .qdc; nothing was changed"
            )
        print(
            f"loaded {path.name}: {stats['added']} codes added, {stats['updated']} updated, "
            f"{stats['relations']} relations, {stats['memos']} memos"
        )
        return 0
    if args.action == "save":
        return _save_codebook(project, Path(args.file))
    if args.action == "add":
        code = project.add_code(args.name, args.level, parent=args.parent, label=args.label)
        if args.json:
            _print_json(
                {"id": code.id, "label": code.label, "name": code.name, "level": code.level}
            )
        else:
            print(f"{code.label} {code.name}")
        return 0
    raise AssertionError(args.action)  # pragma: no cover - argparse restricts the choices


def _save_codebook(project, path: Path) -> int:  # type: ignore[no-untyped-def]
    """``codebook save``: .csv (Taguette's importer takes it), .yaml, .qdc, by suffix."""
    suffix = path.suffix.lower()
    if not path.parent.is_dir():
        raise InvalidInput(f"{path.parent}: no such folder; nothing was written")
    if suffix == ".csv":
        from coder.exchange.codebook_table import write_csv

        for note in write_csv(project, path):
            print(f"coder: note: {_one_line(note)}", file=sys.stderr)
    elif suffix in (".yaml", ".yml"):
        from coder.exchange.codebook_yaml import save_codebook_file

        save_codebook_file(project, path)
    elif suffix == ".qdc":
        from coder.exchange.refi import export_qdc

        for line in export_qdc(project, path).lines():
            print(line)
        return 0
    else:
        raise InvalidInput(
            f"{path.name}: a codebook saves as .csv, .yaml or .qdc; nothing was written"
        )
    print(f"wrote the codebook ({len(project.codes())} codes) to {path}")
    return 0


def _load_qdc(project, path: Path) -> int:  # type: ignore[no-untyped-def]
    from coder.exchange.refi import import_qdc

    report = import_qdc(project, path)
    for line in report.lines():
        print(line)
    return 0


def cmd_code(args: argparse.Namespace) -> int:
    project = _project(args)
    coding = project.code_span(
        args.source, args.start, args.end, args.code, coder=args.coder, memo=args.memo or ""
    )
    print(coding.id)
    return 0


def cmd_uncode(args: argparse.Namespace) -> int:
    project = _project(args)
    seg = next(iter(project.segments(ids=[args.coding_id])), None)
    old = project.uncode(args.coding_id, force=args.force)
    theirs = seg is not None and seg.coder != project.coder
    print(
        f"removed coding {old.id}" + (f" ({seg.coder}'s {seg.label} {seg.code})" if theirs else "")
    )
    return 0


def cmd_codings(args: argparse.Namespace) -> int:
    project = _project(args)
    if args.coder_filter is not None and args.coder_filter not in project.coders():
        raise NotFound(f"no coder named {args.coder_filter!r}; nothing was changed")
    segs = project.segments(code=args.code, source=args.source, coder=args.coder_filter)
    if args.json:
        _print_json(
            [
                {
                    "id": s.id,
                    "source": s.source,
                    "start": s.start,
                    "end": s.end,
                    "code": s.code,
                    "label": s.label,
                    "coder": s.coder,
                    "text": s.text,
                    "memo": s.memo,
                }
                for s in segs
            ]
        )
        return 0
    _table(
        ["id", "source", "span", "code", "coder", "text"],
        [
            [
                s.id,
                s.source,
                f"{s.start}–{s.end}",
                f"{s.label} {s.code}",
                s.coder,
                _clip(s.text, 40),
            ]
            for s in segs
        ],
    )
    return 0


def _clip(text: str, n: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


def cmd_undo(args: argparse.Namespace) -> int:
    project = _project(args)
    event = project.undo() if args.command == "undo" else project.redo()
    print(f"{args.command}: {event.summary}")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    project = _project(args)
    events = project.log()
    if args.json:
        _print_json(
            [
                {
                    "id": e.id,
                    "time": _when(e.time),
                    "coder": e.coder,
                    "action": e.action,
                    "summary": e.summary,
                    "undone": e.undone,
                    "state": e.state,
                }
                for e in events
            ]
        )
        return 0
    _table(
        ["id", "time", "coder", "action", "summary"],
        [
            [e.id, _when(e.time), e.coder, e.action, e.summary + ("  (undone)" if e.undone else "")]
            for e in events
        ],
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from coder.exchange.codebook_yaml import save_codebook_file

    project = _project(args)
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
            print(f"coder: warning: {_one_line(note)}", file=sys.stderr)
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
            print(f"coder: warning: {_one_line(note)}", file=sys.stderr)
        print(f"wrote {out}")
        return 0
    if out.suffix.lower() in (".yaml", ".yml"):
        save_codebook_file(project, out)
        print(f"wrote the codebook to {out}")
        return 0
    raise InvalidInput(
        f"{out.name}: export to {out.suffix or 'no suffix'} is not available yet (supported: .md .tex .docx .xlsx .csv .svg .png .qdpx .qdc .yaml, or --format maxqda); nothing was written"
    )


def cmd_search(args: argparse.Namespace) -> int:
    from coder.text.search import search

    project = _project(args)
    hits = search(project, args.query, regex=args.regex, context=args.context)
    if args.json:
        _print_json(
            [
                {
                    "source": h.source,
                    "start": h.start,
                    "end": h.end,
                    "left": h.left,
                    "match": h.match,
                    "right": h.right,
                }
                for h in hits
            ]
        )
        return 0
    _table(
        ["source", "at", "left", "match", "right"],
        [[h.source, h.start, h.left, h.match, h.right] for h in hits],
    )
    print(f"{len(hits)} hits")
    return 0


def cmd_autocode(args: argparse.Namespace) -> int:
    from coder.text import autocode

    project = _project(args)
    planned = autocode.plan(
        project,
        args.code,
        terms=args.term,
        regex=args.regex,
        speaker=args.speaker,
        unit=args.unit,
        substring=args.substring,
        coder=args.coder,
    )
    what = ", ".join(args.term) if args.term else (args.regex or f"speaker {args.speaker}")
    if not args.dry_run:
        autocode.run(project, args.code, planned, coder=args.coder, what=what)
    if args.json:
        _print_json(
            [{"source": p.source, "start": p.start, "end": p.end, "text": p.text} for p in planned]
        )
        return 0
    verb = "would code" if args.dry_run else "coded"
    for p in planned:
        print(f"{p.source}\t{p.start}\t{p.end}\t{_clip(p.text, 50)}")
    print(f"{verb} {len(planned)} passages as {project.code(args.code).label}")
    return 0


def cmd_words(args: argparse.Namespace) -> int:
    from coder.text.frequency import word_frequencies

    project = _project(args)
    groups = word_frequencies(project, by=args.by, top=args.top)
    if args.json:
        _print_json({g: [{"word": w, "count": n} for w, n in rows] for g, rows in groups.items()})
        return 0
    for group, rows in groups.items():
        if args.by != "overall":
            print(f"[{group}]")
        _table(["word", "count"], [[w, n] for w, n in rows])
    return 0


def cmd_keywords(args: argparse.Namespace) -> int:
    from coder.text.frequency import keywords

    project = _project(args)
    rows = keywords(project, source=args.source, top=args.top)
    if args.json:
        _print_json([{"word": w, "weight": round(x, 4), "is_code": c} for w, x, c in rows])
        return 0
    _table(
        ["word", "tf-idf", ""],
        [[w, f"{x:.3f}", "a code already" if c else "candidate in-vivo code"] for w, x, c in rows],
    )
    return 0


def _speaker_labels(project, words: list[str], *, remove: bool) -> int:  # type: ignore[no-untyped-def]
    """Add speaker labels to the project's, or (``remove``) take labels off: a built-in or
    inferred label removed is never a speaker in this project's imports."""
    from coder.text.speakers import TurnRule

    added = set(project.setting("speakers", []) or ())
    off = set(project.setting("not_speakers", []) or ())
    if words and remove:
        project.set_settings(
            {"speakers": sorted(added - set(words)), "not_speakers": sorted(off | set(words))}
        )
    elif words:
        project.set_settings(
            {"speakers": sorted(added | set(words)), "not_speakers": sorted(off - set(words))}
        )
    rule = TurnRule.for_project(project)
    print(" ".join(rule.labels))
    if rule.blocked:
        print(f"not speakers: {' '.join(sorted(rule.blocked))}")
    return 0


def cmd_dictionary(args: argparse.Namespace) -> int:
    project = _project(args)
    words = project.dictionary()
    if args.action == "add":
        project.set_dictionary(words + args.words)
    elif args.action == "remove":
        project.set_dictionary([w for w in words if w not in set(args.words)])
    elif args.action == "speakers":
        return _speaker_labels(project, args.words, remove=args.remove)
    elif args.action == "stopwords":
        if args.words:
            project.set_stopwords(project.stopwords() + args.words)
        print(" ".join(project.stopwords()))
        return 0
    print(" ".join(project.dictionary()))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from coder.store.backup import backups

    project = _project(args)
    if args.list:
        if project.path is None:
            raise InvalidInput(
                f"{project.location}: a server project has no backup folder; its backups are "
                "copies (coder copy URL FILE) or the server's own"
            )
        for b in backups(project.path):
            print(b)
        return 0
    dest = project.backup("manual", Path(args.output) if args.output else None)
    print(f"backed up to {dest}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from coder.store.backup import restore
    from coder.store.engine import is_server

    if is_server(args.project):
        raise InvalidInput(
            "a server project is restored by copying a backup file to a new database "
            "(coder copy FILE URL); nothing was changed"
        )
    safety = restore(Path(args.project), Path(args.backup))
    print(f"restored {args.project} from {args.backup}; the state before is kept in {safety}")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from coder.store import engine as store_engine

    project = _project(args)
    progress = None
    if sys.stderr.isatty() and not args.json:

        def progress(table: str) -> None:
            print(f"\rcopying {table:<20}", end="", file=sys.stderr, flush=True)

    report = project.copy_to(args.target, progress)
    if progress is not None:
        print("\r" + " " * 30 + "\r", end="", file=sys.stderr, flush=True)
    if args.json:
        _print_json({"source": project.location, "target": report.target, "rows": report.rows})
    else:
        print(report.summary())
        if store_engine.is_server(args.target) and not project.members():
            print(
                "note: the project has no members, so everyone who can connect to the database "
                "may change everything; add them with: coder member URL add LOGIN --role coder"
            )
    return 0


def cmd_member(args: argparse.Namespace) -> int:
    project = _project(args)
    if args.action == "add":
        project.set_member(args.name, args.role)
        print(f"{args.name} is {args.role}")
    elif args.action == "remove":
        project.remove_member(args.name)
        print(f"{args.name} is no longer a member")
    members = project.members()
    if args.action != "list":
        _table(["member", "role"], [[n, r] for n, r in members])
    else:
        if args.json:
            _print_json(
                {
                    "members": [{"name": n, "role": r} for n, r in members],
                    "you": project.user(),
                    "your_role": project.role(),
                }
            )
        elif not members:
            print(f"no members: a personal project, and {project.user()} is its owner")
        else:
            _table(["member", "role"], [[n, r] for n, r in members])
    return 0


#: Modules that add subcommands (see build_parser).
EXTENSIONS: list[str] = [
    "coder.analysis.cli",
    "coder.analysis.agreement_cli",
    "coder.analysis.review_cli",
    "coder.graph.cli",
    "coder.analysis.query_cli",
    "coder.assist.cli",
]


# -- the parser ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--coder",
        default=argparse.SUPPRESS,
        help="work as this coder (default: $CODER_USER or your login name)",
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on errors"
    )

    parser = argparse.ArgumentParser(
        prog="coder", description="A grounded-theory coding workbench.", parents=[common]
    )
    parser.add_argument(
        "--ui-lang",
        metavar="LANG",
        help="the interface language: en, zh-Hans or zh-Hant (default: $CODER_LANG, your "
        "preference, the system locale)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    debug_only = argparse.ArgumentParser(add_help=False)
    debug_only.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on errors"
    )

    def add(
        name: str, func, help: str, shared=common, *, coder_filter: bool = False
    ) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def]
        """A subcommand. ``coder_filter=True``: the command's own ``--coder`` selects whose
        codings to read (as in ``codings``), instead of naming who works."""
        p = sub.add_parser(
            name, help=help, description=help, parents=[debug_only if coder_filter else shared]
        )
        p.set_defaults(func=func)
        return p

    p = add("new", cmd_new, "create an empty project file")
    p.add_argument("project")
    p.add_argument("--title")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument(
        "--labels",
        default="a01/A1/AA",
        choices=["a01/A1/AA", "a/A/AA", "A/B/C"],
        help="label prefix scheme",
    )

    p = add(
        "copy",
        cmd_copy,
        "copy a whole project, history included, between a file and a PostgreSQL server "
        "(either way)",
    )
    p.add_argument("project", help="the project to copy: a file or postgresql://USER@HOST/DB")
    p.add_argument("target", help="a new file, or a new or empty server database")
    p.add_argument("--json", action="store_true")

    p = add("member", cmd_member, "members and their roles: owner, coder, reader")
    p.add_argument("project")
    mb = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = mb.add_parser("list", help="who may do what", parents=[common])
    s.add_argument("--json", action="store_true")
    s = mb.add_parser("add", help="add a member or change a role (owners only)", parents=[common])
    s.add_argument("name", help="a server login (on a server) or a coder name (in a file)")
    s.add_argument("--role", choices=["owner", "coder", "reader"], default="coder")
    s = mb.add_parser("remove", help="take a member off the project", parents=[common])
    s.add_argument("name")

    p = add("demo", cmd_demo, "build the demo project (first time) and open it")
    p.add_argument("--path", default="demo/tonghe.coder")
    p.add_argument("--no-tui", action="store_true", help="only build and summarise")

    p = add("open", cmd_open, "open a project in the terminal UI")
    p.add_argument("project")

    p = add("serve", cmd_serve, "the workbench in a browser (textual-serve; see docs/serve.md)")
    p.add_argument("project")
    p.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--public", action="store_true", help="allow a non-loopback --host")

    p = add(
        "import",
        cmd_import,
        "import transcripts (.txt .md .docx .srt .vtt .pdf; folders recursively), sheets "
        "(.csv .tsv .xlsx .ods: a row per source), MAXQDA structured text (a .txt whose first "
        "line starts with #TEXT) or REFI-QDA .qdpx/.qdc",
    )
    p.add_argument("project")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--encoding", default="auto", help="auto (detect) or an encoding name such as gb18030"
    )
    g = p.add_argument_group("sheets (.csv .tsv .xlsx .ods)")
    g.add_argument("--sheet", help="the workbook's sheet, by name or number (default: the first)")
    g.add_argument("--text", metavar="COL[,COL...]", help="text columns, each a section (turn)")
    g.add_argument("--title", metavar="COL", help="a column naming the source (after the id)")
    g.add_argument("--id", metavar="COL", help="the column of row ids (default: inferred)")
    g.add_argument("--case", metavar="COL", help="a column naming each row's case")
    g.add_argument("--attributes", metavar="COL,...", help="attribute columns (default: the rest)")
    g.add_argument(
        "--code-column", metavar="COL", help="a column whose values become codes on the row's text"
    )
    g.add_argument(
        "--each",
        choices=["row", "respondent"],
        default="row",
        help="row: a source per row; respondent: a wide survey, each question a turn, the respondent a case",
    )
    p.add_argument(
        "--speakers",
        metavar="L1,L2",
        help="exactly these speaker labels for this import (none inferred)",
    )
    p.add_argument("--json", action="store_true")

    p = add(
        "turns",
        cmd_turns,
        "show the speaker turns of sources, or find them again (--detect, --speakers): "
        "one undoable step; the text and the codings stay",
    )
    p.add_argument("project")
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="default: every source")
    p.add_argument(
        "--speakers", metavar="L1,L2", help="exactly these labels are speakers (none inferred)"
    )
    p.add_argument(
        "--detect",
        action="store_true",
        help="find the speakers from the text (built-in and project labels, and inferred ones)",
    )
    p.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    p.add_argument("--json", action="store_true")

    p = add(
        "media",
        cmd_media,
        "link a source to its recording (audio or video; referenced, not copied), or show the link",
    )
    p.add_argument("project")
    p.add_argument("source")
    p.add_argument("file", nargs="?", help="the recording; without it, show the link")

    p = add(
        "play",
        cmd_play,
        "play a source's recording from the time of the turn at an offset (mpv or ffplay)",
    )
    p.add_argument("project")
    p.add_argument("source")
    p.add_argument("--at", type=int, default=0, metavar="OFFSET", help="a code point offset")
    p.add_argument(
        "--print", action="store_true", help="print the player's command instead of running it"
    )

    p = add("sources", cmd_sources, "list sources")
    p.add_argument("project")
    p.add_argument(
        "--where",
        action="append",
        metavar="ATTR=VALUE",
        help="only sources whose attribute matches (also >=, <=, >, <, != for numbers and dates); repeatable",
    )
    p.add_argument("--json", action="store_true")

    p = add(
        "sample",
        cmd_sample,
        "pick a random or stratified sample of sources into a named set (for hand coding)",
    )
    p.add_argument("project")
    p.add_argument("n", type=int, metavar="N", help="how many sources")
    p.add_argument("--by", metavar="ATTR", help="stratify: each value's share as in the project")
    p.add_argument("--seed", type=int, help="the random seed (default: a new one, reported)")
    p.add_argument("--name", metavar="SET", help="the set's name (default: 'sample N')")
    p.add_argument("--json", action="store_true")

    p = add("sets", cmd_sets, "list the source sets (samples)")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")

    p = add("text", cmd_text, "print a source's normalised text (the text all offsets index)")
    p.add_argument("project")
    p.add_argument("source")

    p = add("codebook", cmd_codebook, "show, load, save or extend the codebook")
    p.add_argument("project")
    cb = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = cb.add_parser("show", help="the code tree with counts", parents=[common])
    s.add_argument("--json", action="store_true")
    s = cb.add_parser(
        "load",
        help="load a codebook file (.yaml .csv .xlsx .qdc; Taguette's CSV too), merging by name",
        parents=[common],
    )
    s.add_argument("file")
    s = cb.add_parser(
        "save",
        help="save the codebook by suffix: .csv (Taguette imports it), .yaml, .qdc",
        parents=[common],
    )
    s.add_argument("file")
    s = cb.add_parser("add", help="add one code", parents=[common])
    s.add_argument("name")
    s.add_argument("--level", choices=["open", "axial", "selective"], default="open")
    s.add_argument("--parent")
    s.add_argument("--label")
    s.add_argument("--json", action="store_true")

    p = add("code", cmd_code, "code a span of a source (offsets are code points, end exclusive)")
    p.add_argument("project")
    p.add_argument("source")
    p.add_argument("start", type=int)
    p.add_argument("end", type=int)
    p.add_argument("code")
    p.add_argument("--memo")

    p = add("uncode", cmd_uncode, "remove a coding")
    p.add_argument("project")
    p.add_argument("coding_id", type=int)
    p.add_argument("--force", action="store_true", help="also another coder's coding")

    p = add("codings", cmd_codings, "coded segments with their text", shared=debug_only)
    p.add_argument("project")
    p.add_argument("--code")
    p.add_argument("--source")
    p.add_argument("--coder", dest="coder_filter", help="only this coder's codings")
    p.add_argument("--json", action="store_true")

    for name in ("undo", "redo"):
        p = add(name, cmd_undo, f"{name} the last change")
        p.add_argument("project")

    p = add("log", cmd_log, "the history of changes")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")

    p = add("search", cmd_search, "keyword in context over all sources")
    p.add_argument("project")
    p.add_argument("query")
    p.add_argument("--regex", action="store_true", help="QUERY is a regular expression")
    p.add_argument("--context", type=int, default=20, metavar="N", help="characters either side")
    p.add_argument("--json", action="store_true")

    p = add(
        "autocode",
        cmd_autocode,
        "code every hit of terms, a pattern or a speaker (one undoable event)",
    )
    p.add_argument("project")
    p.add_argument("--code", required=True)
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument(
        "--term",
        action="append",
        metavar="T",
        help="a word or phrase (repeatable); matches whole words",
    )
    how.add_argument("--regex", metavar="R")
    how.add_argument("--speaker", metavar="S", help="every turn of this speaker")
    p.add_argument("--unit", choices=["match", "sentence", "turn"], default="match")
    p.add_argument("--substring", action="store_true", help="let terms match inside longer words")
    p.add_argument(
        "--dry-run", action="store_true", help="list what a real run would code, change nothing"
    )
    p.add_argument("--json", action="store_true")

    p = add("words", cmd_words, "word frequency (jieba words, stop words left out)")
    p.add_argument("project")
    p.add_argument("--by", choices=["overall", "source", "case"], default="overall")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--json", action="store_true")

    p = add("keywords", cmd_keywords, "TF-IDF keywords: candidate in-vivo codes")
    p.add_argument("project")
    p.add_argument("--source")
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--json", action="store_true")

    p = add(
        "dictionary",
        cmd_dictionary,
        "the words jieba keeps whole (show/add/remove), the stop words, and speaker labels for import",
    )
    p.add_argument("project")
    p.add_argument("action", choices=["show", "add", "remove", "stopwords", "speakers"])
    p.add_argument("words", nargs="*")
    p.add_argument(
        "--remove",
        action="store_true",
        help="with speakers: these labels are not speakers (built-in, added or inferred ones)",
    )

    p = add(
        "backup",
        cmd_backup,
        "copy the project safely (automatic backups are kept in PROJECT.backups/)",
    )
    p.add_argument("project")
    p.add_argument("-o", "--output", help="where to write the copy (default: the backups folder)")
    p.add_argument("--list", action="store_true", help="list the backups kept")

    p = add(
        "restore",
        cmd_restore,
        "put a backup's content back into the project (the current state is backed up first)",
    )
    p.add_argument("project")
    p.add_argument("backup")

    # Commands that live beside their subject (coder/analysis, coder/graph, ...): each such
    # module has ``register(add)`` and adds its subcommands with the same helper.
    for module in dict.fromkeys(EXTENSIONS):  # each once, in order
        import importlib

        importlib.import_module(module).register(add)

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
    return parser


def _one_line(message: str) -> str:
    """The message on one line (a path or a database error may carry line breaks)."""
    return " ".join(message.split())


def _passwords(argv: list[str]) -> list[str]:
    """Passwords in server URLs on the command line (in the user part or as ``?password=``):
    never printed, even in a traceback."""
    from urllib.parse import parse_qsl, unquote

    from coder.store.engine import SECRET_PARAMS

    found = []
    for arg in argv:
        if "://" not in arg:
            continue
        rest = arg.partition("://")[2]
        netloc, _, tail = rest.partition("/")
        userinfo = netloc.rpartition("@")[0]
        if ":" in userinfo:
            found.append(userinfo.partition(":")[2])
        for key, value in parse_qsl(tail.partition("?")[2], keep_blank_values=True):
            if key.lower() in SECRET_PARAMS:
                found.append(value)
    found += [unquote(f) for f in found]
    # Also each piece of a password with an '@' (libpq would see the rest as a host name).
    found += [piece for f in found for piece in f.split("@") if len(piece) >= 3]
    return sorted({f for f in found if f}, key=len, reverse=True)


def _scrub(message: str, secrets: list[str]) -> str:
    for secret in secrets:
        message = message.replace(secret, "***")
    return message


class _Scrubbed:
    """stdout that never lets a password from the command line through."""

    def __init__(self, stream, secrets: list[str]) -> None:  # type: ignore[no-untyped-def]
        self._stream = stream
        self._secrets = secrets

    def write(self, text: str) -> int:
        return self._stream.write(_scrub(text, self._secrets))

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._stream, name)


def _traceback(secrets: list[str]) -> None:
    print(_scrub(traceback.format_exc(), secrets), file=sys.stderr, end="")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "coder"):
        args.coder = None
    debug = getattr(args, "debug", False)
    secrets = _passwords(argv if argv is not None else sys.argv[1:])
    if secrets:
        sys.stdout = _Scrubbed(sys.stdout, secrets)  # type: ignore[assignment]
    try:
        from coder.i18n import activate

        activate(args.ui_lang)
        if args.ui_lang:  # the served app processes and any child use it too
            os.environ["CODER_LANG"] = args.ui_lang
        return int(args.func(args))
    except CoderError as exc:
        if debug:
            _traceback(secrets)
        print(f"coder: {_scrub(_one_line(str(exc)), secrets)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("coder: interrupted; changes made before the interrupt are kept", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so in one line, keep the traceback for --debug
        if debug:
            _traceback(secrets)
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            from coder.store.engine import server_reason

            reason = _scrub(_one_line(server_reason(exc)), secrets)
            print(
                f"coder: the database failed ({reason}); the change in progress was not kept",
                file=sys.stderr,
            )
            return 1
        print(
            f"coder: internal error ({type(exc).__name__}: {_scrub(_one_line(str(exc)), secrets)}); "
            "nothing was changed by the failed step; run with --debug for details",
            file=sys.stderr,
        )
        return 1
    finally:
        if isinstance(sys.stdout, _Scrubbed):
            sys.stdout = sys.stdout._stream
        while _opened:  # release the file (and fold its write-ahead log) before returning
            _opened.pop().close()


if __name__ == "__main__":
    sys.exit(main())
