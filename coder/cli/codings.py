"""Codings and history: ``code``, ``uncode``, ``codings``, ``undo``, ``redo``, ``log``."""

from __future__ import annotations

import argparse

from coder.cli.base import Add, open_project
from coder.cli.output import clip, emit_table, when
from coder.errors import NotFound
from coder.i18n import _


def cmd_code(args: argparse.Namespace) -> int:
    project = open_project(args)
    coding = project.code_span(
        args.source, args.start, args.end, args.code, coder=args.coder, memo=args.memo or ""
    )
    print(coding.id)
    return 0


def cmd_uncode(args: argparse.Namespace) -> int:
    project = open_project(args)
    seg = next(iter(project.segments(ids=[args.coding_id])), None)
    old = project.uncode(args.coding_id, force=args.force)
    whose = ""
    if seg is not None and seg.coder != project.coder:
        whose = f" ({seg.coder}'s {seg.label} {seg.code})"
    print(_("removed coding {id}{whose}").format(id=old.id, whose=whose))
    return 0


def cmd_codings(args: argparse.Namespace) -> int:
    project = open_project(args)
    if args.coder_filter is not None and args.coder_filter not in project.coders():
        raise NotFound(
            _("no coder named {coder_filter!r}; nothing was changed").format(
                coder_filter=args.coder_filter
            )
        )
    segs = project.segments(code=args.code, source=args.source, coder=args.coder_filter)
    return emit_table(
        args,
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
        ],
        [_("id"), _("source"), _("span"), _("code"), _("coder"), _("text")],
        [
            [s.id, s.source, f"{s.start}–{s.end}", f"{s.label} {s.code}", s.coder, clip(s.text, 40)]
            for s in segs
        ],
    )


def cmd_undo(args: argparse.Namespace) -> int:
    project = open_project(args)
    event = project.undo() if args.command == "undo" else project.redo()
    print(f"{args.command}: {event.summary}")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    project = open_project(args)
    events = project.log()

    def machine() -> None:
        from coder.assist.provenance import provenance

        for line in provenance(project).lines("en"):  # what the machine did, if anything
            print(_("machine assistance 机器辅助: {line}").format(line=line))

    return emit_table(
        args,
        [
            {
                "id": e.id,
                "time": when(e.time),
                "coder": e.coder,
                "action": e.action,
                "summary": e.summary,
                "undone": e.undone,
                "state": e.state,
            }
            for e in events
        ],
        [_("id"), _("time"), _("coder"), _("action"), _("summary")],
        [
            [e.id, when(e.time), e.coder, e.action, e.summary + ("  (undone)" if e.undone else "")]
            for e in events
        ],
        after=machine,
    )


def register(add: Add) -> None:
    """Add ``code``, ``uncode``, ``codings``, ``undo``, ``log`` to the ``coder`` command."""
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

    p = add("codings", cmd_codings, "coded segments with their text", shared=add.debug_only)
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
