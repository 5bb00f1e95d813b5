"""``coder suggest`` and ``coder discover``: machine assistance from the shell.

Registered by :func:`register` with the helper ``coder.cli.build_parser`` uses for every command.
``suggest --json`` prints ``[{"source", "start", "end", "text", "code", "label", "score",
"because": [terms]}, ...]`` (more keys are welcome).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from coder.cli.base import Add, open_project
from coder.cli.output import emit, emit_table, print_table
from coder.errors import InvalidInput
from coder.i18n import _


def register(add: Add) -> None:
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on errors"
    )
    p = add(
        "suggest",
        cmd_suggest,
        "code suggestions learned from the project's own codings (offline); --next, --evaluate, "
        "--apply, --check, --confirm, --refute, --check-report, --accept, --reject",
        shared=shared,
    )
    p.add_argument("project")
    p.add_argument("--code", help="only this code (with --apply: codes C,C,...)")
    p.add_argument("--source", help="only this source")
    p.add_argument("--unit", choices=["sentence", "turn", "source"], default="sentence")
    p.add_argument(
        "--coder",
        dest="coder_filter",
        metavar="C",
        help="learn from this coder's codings only (default: every human coder); also who "
        "accepts or rejects",
    )
    p.add_argument("--limit", type=int, default=20, help="at most N suggestions (default 20)")
    p.add_argument(
        "--min-score",
        type=float,
        default=None,
        help="suggest from this score for every code (default: each code's own threshold, "
        "chosen on cross-validated scores, as in the workbench's margin)",
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument("--next", type=int, metavar="N", help="the N units most useful to code next")
    what.add_argument(
        "--evaluate", action="store_true", help="the model measured as a second coder"
    )
    what.add_argument(
        "--apply", action="store_true", help="code every uncoded unit as coder model:VERSION"
    )
    what.add_argument(
        "--check",
        type=int,
        metavar="N",
        help="draw N machine codings not yet checked (asked one by one at a terminal)",
    )
    what.add_argument(
        "--confirm", type=int, metavar="ID", help="record that machine coding ID is right"
    )
    what.add_argument(
        "--refute", type=int, metavar="ID", help="record that machine coding ID is wrong"
    )
    what.add_argument(
        "--check-report",
        action="store_true",
        help="the machine coders' precision from the checks, with Wilson 95%% intervals",
    )
    what.add_argument(
        "--accept",
        nargs=4,
        metavar=("SOURCE", "START", "END", "CODE"),
        help="accept a suggestion: a coding marked suggested",
    )
    what.add_argument(
        "--reject",
        nargs=4,
        metavar=("SOURCE", "START", "END", "CODE"),
        help="reject a suggestion: not this code here (the model learns from it)",
    )
    p.add_argument(
        "--blind",
        action="store_true",
        help="blind coding: learn only from the coder's own codings (--coder, else you)",
    )
    p.add_argument("--held-out", dest="held_out", metavar="S,S", help="--evaluate: test sources")
    p.add_argument("--seed", type=int, help="--check: the random draw's seed")
    p.add_argument("--dry-run", action="store_true", help="--apply: list, change nothing")
    p.add_argument("--json", action="store_true")

    p = add(
        "discover",
        cmd_discover,
        "candidate concepts in the text not yet coded (NMF topics of jieba words)",
        shared=shared,
    )
    p.add_argument("project")
    p.add_argument("--unit", choices=["sentence", "turn", "source"], default="sentence")
    p.add_argument("--k", type=int, default=8, help="how many candidates (default 8)")
    p.add_argument("--json", action="store_true")


def _span(project: Any, values: list[str]) -> tuple[str, int, int, str]:
    source, start, end, code = values
    try:
        return source, int(start), int(end), code
    except ValueError:
        raise InvalidInput(
            _("START and END must be offsets, not {start!r} {end!r}; nothing was changed").format(
                start=start, end=end
            )
        ) from None


def cmd_suggest(args: argparse.Namespace) -> int:
    from coder.assist import service

    project = open_project(args)
    who = service.suggestion_coder(project, args.coder_filter, blind=args.blind)
    if args.accept or args.reject:
        source, start, end, code = _span(project, args.accept or args.reject)
        model = service.model_for(project, args.unit, who)
        sid = project.source_id(source)
        units = service.load_units(project, args.unit, [sid])
        score = None
        cid = project.code(code).id
        if cid in model.codes:
            at = [i for i in range(len(units)) if (units.starts[i], units.ends[i]) == (start, end)]
            if at:
                score = float(model.scores([units.features[at[0]]])[0, model.codes.index(cid)])
        if args.accept:
            c = project.accept_suggestion(
                sid, start, end, cid, model=model.version, score=score, coder=who
            )
            print(_("accepted: coding {id} ({version})").format(id=c.id, version=model.version))
        else:
            ident = project.reject_suggestion(
                sid, start, end, cid, model=model.version, score=score, coder=who
            )
            print(
                _("rejected: not {code} at {source} {start}–{end} (rejection {ident})").format(
                    code=code, source=source, start=start, end=end, ident=ident
                )
            )
        return 0
    if args.next is not None:
        rows = service.next_units(project, args.next, unit=args.unit, coder=who)

        def human() -> None:
            print_table(
                [_("source"), _("start"), _("end"), _("unsure"), _("guess"), _("text")],
                [
                    [
                        r["source"],
                        r["start"],
                        r["end"],
                        r["uncertainty"],
                        r["best_guess"],
                        _short(r["text"]),
                    ]
                    for r in rows
                ],
            )

        return emit(args, rows, human)
    if args.evaluate:
        from coder.assist.evaluate import evaluate

        report = evaluate(project, unit=args.unit, coder=who, held_out=args.held_out)
        note = record(project, report)
        if note:
            print(note, file=sys.stderr)

        def human() -> None:
            for line in report.lines():
                print(line)

        return emit(args, report.as_dict(), human)
    if args.apply:
        from coder.assist.confirm import apply_model

        result = apply_model(
            project,
            unit=args.unit,
            coder=who,
            codes=args.code,
            min_score=args.min_score,
            dry_run=args.dry_run,
        )

        def human() -> None:
            verb = _("would code") if args.dry_run else _("coded")
            print(
                _("{coder} {verb} {codings} units ({model})").format(
                    coder=result["coder"],
                    verb=verb,
                    codings=result["codings"],
                    model=result["model"],
                )
            )

        return emit(args, result, human)
    if args.confirm is not None or args.refute is not None:
        ident = args.confirm if args.confirm is not None else args.refute
        verdict = "confirmed" if args.confirm is not None else "refuted"
        project.check_coding(ident, verdict)
        said = _("confirmed") if verdict == "confirmed" else _("refuted")
        print(_("{verdict}: machine coding {ident}").format(verdict=said, ident=ident))
        return 0
    if args.check_report:
        from coder.assist.confirm import check_report

        figures = check_report(project)

        def human() -> None:
            print_table(
                [
                    _("machine coder"),
                    _("code"),
                    _("checked"),
                    _("confirmed"),
                    _("precision"),
                    _("95% CI"),
                ],
                [
                    [
                        f.machine,
                        f.code or "(all)",
                        f.checked,
                        f.confirmed,
                        f"{f.precision:.3f}",
                        f"{f.low:.3f}–{f.high:.3f}",
                    ]
                    for f in figures
                ],
            )

        return emit(args, [f.as_dict() for f in figures], human)
    if args.check is not None:
        from coder.assist.confirm import check_sample, run_checks

        rows = check_sample(project, args.check, seed=args.seed)
        if not args.json and rows and sys.stdin.isatty():
            done = run_checks(project, rows, _ask)
            print(
                _(
                    "{confirmed} confirmed, {refuted} refuted, {skipped} skipped (coder suggest --check-report for precision)"
                ).format(
                    confirmed=done["confirmed"], refuted=done["refuted"], skipped=done["skipped"]
                )
            )
            return 0

        def human() -> None:
            print_table(
                [_("coding"), _("source"), _("start"), _("end"), _("label"), _("score"), _("text")],
                [
                    [
                        r["coding"],
                        r["source"],
                        r["start"],
                        r["end"],
                        r["label"],
                        r["score"],
                        _short(r["text"]),
                    ]
                    for r in rows
                ],
            )

        return emit(args, rows, human)
    found = service.suggest(
        project,
        unit=args.unit,
        coder=who,
        code=args.code,
        source=args.source,
        limit=args.limit,
        min_score=args.min_score,
    )
    if not found and not args.json:  # say why in one line (JSON stays a plain empty list)
        ready = service.readiness(service.model_for(project, args.unit, who), args.min_score)
        why = ready.message() if ready.reason != "ok" else "no unit scores above its threshold"
        print(f"no suggestions: {why}", file=sys.stderr)
    keys = ("source", "start", "end", "text", "code", "label", "score", "because", "model")
    return emit_table(
        args,
        lambda: [{k: s.as_dict()[k] for k in keys} for s in found],
        [_("source"), _("start"), _("end"), _("label"), _("score"), _("because"), _("text")],
        [
            [
                s.source,
                s.start,
                s.end,
                s.label,
                f"{s.score:.2f}",
                " ".join(s.because),
                _short(s.text),
            ]
            for s in found
        ],
    )


def record(project: Any, report: Any) -> str:
    """Keep the evaluation so exports cite it; a note when this session may not write."""
    from coder.errors import Forbidden

    try:
        project.record_evaluation(
            report.as_dict(), model=report.model, unit=report.unit, trained_on=report.coder
        )
    except Forbidden as exc:
        return f"not recorded: {exc}"
    return ""


def _ask(row: dict[str, Any]) -> str:
    print(f"\n[{row['coding']}] {row['source']} {row['start']}–{row['end']}  {row['label']}")
    print(f"  {' '.join(row['text'].split())}")
    try:
        return input("  right? [y]es / [n]o / [s]kip / [q]uit: ")
    except EOFError:  # end of input: stop, keeping the verdicts given
        return "q"


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_discover(args: argparse.Namespace) -> int:
    from coder.assist.discover import discover

    project = open_project(args)
    found = discover(project, unit=args.unit, k=args.k)

    def human() -> None:
        for n, c in enumerate(found, 1):
            print(
                _("{n}. {terms}   names: {names}").format(
                    n=n, terms=" ".join(c.terms), names=", ".join(c.names) or "-"
                )
            )
            for ps in c.passages[:3]:
                print(f"     {ps['source']} {ps['start']}–{ps['end']}  {_short(ps['text'], 60)}")

    return emit(args, [c.as_dict() for c in found], human)
