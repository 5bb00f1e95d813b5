"""Bringing material in: ``import``, ``turns``, ``media``, ``play``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from coder.cli.base import Add, open_project
from coder.cli.output import emit, one_line, print_table
from coder.errors import InvalidInput
from coder.i18n import _


def _import_refi(args: argparse.Namespace, project, paths: list[Path]) -> int:
    """.qdpx projects and .qdc codebooks from other QDA programs (REFI-QDA)."""
    from coder.exchange.refi import import_qdc, import_qdpx

    reports = []
    for path in paths:
        if not path.is_file():
            raise InvalidInput(_("{path}: no such file; nothing was imported").format(path=path))
        reader = import_qdpx if path.suffix.lower() == ".qdpx" else import_qdc
        if reader is import_qdpx:
            reports.append(import_qdpx(project, path, speakers=_labels(args.speakers)))
        else:
            reports.append(import_qdc(project, path))

    def human() -> None:
        for r in reports:
            for line in r.lines():
                print(line)

    return emit(args, [r.as_dict() for r in reports], human)


def _labels(value: str | None) -> list[str] | None:
    """``--speakers A,B`` as a list (full-width commas too); None when not given."""
    if value is None:
        return None
    labels = [s.strip() for s in value.replace("，", ",").split(",") if s.strip()]
    if not labels:
        raise InvalidInput(_("--speakers needs labels such as A,B; nothing was changed"))
    return labels


def _speakers_line(turns) -> str:
    from coder.text.speakers import speaker_names

    names = speaker_names(turns)
    if not names:
        return _("no speakers found")
    message = _("{n} speaker: {names}") if len(names) == 1 else _("{n} speakers: {names}")
    return message.format(n=len(names), names=", ".join(names))


def cmd_import(args: argparse.Namespace) -> int:
    from coder.exchange.maxqda import STRUCTURED_TEXT
    from coder.text.importer import import_paths
    from coder.text.speakers import speaker_names

    project = open_project(args)
    paths = [Path(p) for p in args.paths]
    refi = [p for p in paths if p.suffix.lower() in (".qdpx", ".qdc")]
    if refi:
        if len(refi) != len(paths):
            raise InvalidInput(
                _(
                    "import REFI-QDA files (.qdpx, .qdc) on their own, not with transcripts; nothing was imported"
                )
            )
        return _import_refi(args, project, refi)
    if any(p.suffix.lower() in _SHEETS for p in paths):
        return _import_sheets(args, project, paths)
    from coder.text.readers import collect

    progress = _progress(len(collect([Path(p) for p in args.paths])))

    def on_file(path: Path, draft, error: str | None) -> None:
        if error:
            print(f"coder: {one_line(error)}", file=sys.stderr)
        progress(1)

    try:
        report = import_paths(
            project,
            [Path(p) for p in args.paths],
            encoding=args.encoding,
            on_file=on_file,
            speakers=_labels(args.speakers),
            structured=[STRUCTURED_TEXT],
        )
    finally:
        progress(0, close=True)
    for warning in report.warnings:
        print(_("coder: warning: {warning}").format(warning=one_line(warning)), file=sys.stderr)
    for note in report.notes:
        print(note)
    done, failed = len(report.imported), len(report.failed)

    def human() -> None:
        for d in report.imported:
            print(
                _(
                    "imported {name}: {n_text} characters, {n_turns} turns ({speakers}), {encoding}"
                ).format(
                    name=d.name,
                    n_text=len(d.text),
                    n_turns=len(d.turns or ()),
                    speakers=_speakers_line(d.turns or ()),
                    encoding=d.encoding,
                )
            )

    emit(
        args,
        {
            "imported": done,
            "failed": failed,
            "sources": [d.name for d in report.imported],
            "speakers": {d.name: speaker_names(d.turns or ()) for d in report.imported},
        },
        human,
    )
    if failed:
        if report.files > 1:  # one file: its own message above is the whole story
            print(
                _("coder: {failed} of {files} files not imported; {done} imported and kept").format(
                    failed=failed, files=report.files, done=done
                ),
                file=sys.stderr,
            )
        return 1
    return 0


_SHEETS = (".csv", ".tsv", ".xlsx", ".ods")


def _import_sheets(args: argparse.Namespace, project, paths: list[Path]) -> int:
    """Spreadsheets: each row a source (or each respondent), see coder/text/sheets.py."""
    from coder.text.sheets import import_sheet

    if any(p.suffix.lower() not in _SHEETS for p in paths):
        raise InvalidInput(
            _(
                "import sheets (.csv .tsv .xlsx .ods) on their own, not with transcripts; nothing was imported"
            )
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
            print(_("coder: warning: {warning}").format(warning=one_line(warning)), file=sys.stderr)
        reports.append(report)
        if not args.json:
            for line in report.lines():
                print(line)
    # the human report was printed per file as each was imported
    return emit(args, lambda: [r.as_dict() for r in reports], lambda: None)


class _SheetBar:
    """A progress bar on stderr for a long sheet import (when stderr is a terminal)."""

    def __init__(self) -> None:
        self.bar: Any = None  # a rich Progress, made only for a long import
        self.task: Any = None

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


def _progress(total: int):
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


def cmd_turns(args: argparse.Namespace) -> int:
    from coder.text.speakers import TurnRule, refind_turns, speaker_names

    project = open_project(args)
    chosen = [project.source(ref) for ref in args.sources] or project.sources()
    labels = _labels(args.speakers)
    if labels is not None and args.detect:
        raise InvalidInput(_("give --speakers or --detect, not both; nothing was changed"))
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

    def human() -> None:
        if not new:
            print_table(
                [_("source"), _("turns"), _("speakers")],
                [[n, b, ", ".join(sp)] for n, _old, b, sp in rows],
            )
            return
        print_table(
            [_("source"), _("turns before"), _("turns"), _("speakers")],
            [[n, a, b, ", ".join(sp)] for n, a, b, sp in rows],
        )
        if args.dry_run:
            print(_("dry run: nothing was changed"))
        elif event is None:
            print(_("the turns are as found already; nothing was changed"))
        else:
            print(
                _(
                    "turns recomputed as one step (event {event}); `coder undo` puts them back"
                ).format(event=event)
            )

    return emit(
        args,
        {
            "sources": [
                {"name": n, "turns_before": a, "turns": b, "speakers": sp} for n, a, b, sp in rows
            ],
            "event": event,
        },
        human,
    )


def cmd_media(args: argparse.Namespace) -> int:
    from coder.media import MEDIA, link

    project = open_project(args)
    if args.file is None:
        src = project.source(args.source)
        linked = src.attributes.get(MEDIA, "")
        if not linked:
            print(_("{name}: no recording linked").format(name=src.name))
        else:
            there = "" if Path(linked).is_file() else " (not there: moved?)"
            print(f"{src.name}: {linked}{there}")
        return 0
    path = link(project, args.source, args.file)
    print(
        _("{name}: recording {path} (referenced, not copied)").format(
            name=project.source(args.source).name, path=path
        )
    )
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    from coder.media import playback, player_command, start

    project = open_project(args)
    play = playback(project, args.source, args.at)
    if play.note:
        print(f"coder: {play.note}", file=sys.stderr)
    if args.print:
        command = player_command(play)
        print(" ".join(command) if command else f"{play.path} {play.at:g}")
        return 0
    start(play)
    print(_("playing {path} from {stamp}").format(path=play.path, stamp=play.stamp or "0:00"))
    return 0


def register(add: Add) -> None:
    """Add ``import``, ``turns``, ``media``, ``play`` to the ``coder`` command."""
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
