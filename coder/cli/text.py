"""Working on the text: ``search``, ``autocode``, ``words``, ``keywords``, ``dictionary``."""

from __future__ import annotations

import argparse

from coder.cli.base import Add, open_project
from coder.cli.output import clip, emit, print_table
from coder.i18n import _


def cmd_search(args: argparse.Namespace) -> int:
    from coder.text.search import search

    project = open_project(args)
    hits = search(project, args.query, regex=args.regex, context=args.context)

    def human() -> None:
        print_table(
            [_("source"), _("at"), _("left"), _("match"), _("right")],
            [[h.source, h.start, h.left, h.match, h.right] for h in hits],
        )
        print(_("{n_hits} hits").format(n_hits=len(hits)))

    return emit(
        args,
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
        ],
        human,
    )


def cmd_autocode(args: argparse.Namespace) -> int:
    from coder.text import autocode

    project = open_project(args)
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

    def human() -> None:
        verb = _("would code") if args.dry_run else _("coded")
        for p in planned:
            print(f"{p.source}\t{p.start}\t{p.end}\t{clip(p.text, 50)}")
        print(
            _("{verb} {n_planned} passages as {label}").format(
                verb=verb, n_planned=len(planned), label=project.code(args.code).label
            )
        )

    return emit(
        args,
        [{"source": p.source, "start": p.start, "end": p.end, "text": p.text} for p in planned],
        human,
    )


def cmd_words(args: argparse.Namespace) -> int:
    from coder.text.frequency import word_frequencies

    project = open_project(args)
    groups = word_frequencies(project, by=args.by, top=args.top)

    def human() -> None:
        for group, rows in groups.items():
            if args.by != "overall":
                print(f"[{group}]")
            print_table([_("word"), _("count")], [[w, n] for w, n in rows])

    return emit(
        args, {g: [{"word": w, "count": n} for w, n in rows] for g, rows in groups.items()}, human
    )


def cmd_keywords(args: argparse.Namespace) -> int:
    from coder.text.frequency import keywords

    project = open_project(args)
    rows = keywords(project, source=args.source, top=args.top)

    def human() -> None:
        print_table(
            [_("word"), _("tf-idf"), ""],
            [
                [w, f"{x:.3f}", _("a code already") if c else _("candidate in-vivo code")]
                for w, x, c in rows
            ],
        )

    return emit(args, [{"word": w, "weight": round(x, 4), "is_code": c} for w, x, c in rows], human)


def _speaker_labels(project, words: list[str], *, remove: bool) -> int:
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
        print(_("not speakers: {sorted}").format(sorted=" ".join(sorted(rule.blocked))))
    return 0


def cmd_dictionary(args: argparse.Namespace) -> int:
    project = open_project(args)
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


def register(add: Add) -> None:
    """Add ``search``, ``autocode``, ``words``, ``keywords``, ``dictionary`` to the ``coder`` command."""
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
