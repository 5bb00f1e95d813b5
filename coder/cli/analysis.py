"""``coder stats PROJECT KIND``: the quantitative summaries and the grounded-theory checks.

Registered by :func:`register` with the helper ``coder.cli.build_parser`` uses for every command.
The JSON shapes of ``frequencies``, ``cooccurrence`` and ``saturation`` are fixed by
``docs/CLI.md`` (a list of rows with the keys named there; more keys are welcome).

Length: one command, ``coder stats``, with a kind per grounded-theory check (frequencies,
co-occurrence, matrices, saturation, paradigm, selective); each kind is a short printer
of one analysis function, and they share the same options and table helpers. Split per kind,
the parser's one ``kind`` argument would be registered from many places.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from coder.cli.base import Add, open_project
from coder.cli.output import (
    emit,
    level_word,
    print_table,
    role_word,
    slot_word,
    unit_word,
    units_word,
)
from coder.errors import InvalidInput
from coder.i18n import _, pgettext

KINDS = ("frequencies", "cooccurrence", "saturation", "matrix", "paradigm", "selective")
#: The options each kind takes; giving another is an error rather than silently ignored.
OPTIONS = {
    "frequencies": {"coder_filter", "sources"},
    "cooccurrence": {"unit", "coder_filter", "sources"},
    "saturation": {"order", "held_out", "coder_filter", "base", "run", "threshold"},
    "matrix": {"by", "coder_filter", "sources", "rows", "columns", "unit", "passages"},
    "paradigm": {"code", "coder_filter", "sources", "unit"},
    "selective": set(),
}
FLAGS = {
    "unit": "--unit",
    "by": "--by",
    "coder_filter": "--coder",
    "sources": "--sources",
    "order": "--order",
    "held_out": "--held-out",
    "base": "--base",
    "run": "--run",
    "threshold": "--threshold",
    "code": "--code",
    "rows": "--rows",
    "columns": "--columns",
    "passages": "--passages",
}


def register(add: Add) -> None:
    """Add ``stats`` to the ``coder`` command."""
    from coder.analysis.names import UNITS

    # --coder here filters codings (as in `coder codings`), so the shared "work as" option is
    # left out of this command's parents.
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on errors"
    )
    p = add(
        "stats",
        cmd_stats,
        "quantitative summaries (frequencies, co-occurrence, saturation, matrices) and the "
        "paradigm and selective-coding checks",
        shared=shared,
    )
    p.add_argument("project")
    p.add_argument("kind", choices=KINDS)
    p.add_argument(
        "--unit",
        choices=UNITS,
        help="cooccurrence, paradigm: the unit two codes share (default: turn)",
    )
    p.add_argument(
        "--by",
        metavar="ATTRIBUTE",
        help="matrix: columns by case (default), source, or an attribute such as role",
    )
    p.add_argument(
        "--rows",
        action="append",
        metavar="Q;Q",
        help="matrix: row queries, separated by ; (or --rows repeated), against --columns or --by",
    )
    p.add_argument(
        "--columns", action="append", metavar="Q;Q", help="matrix: column queries (see --rows)"
    )
    p.add_argument(
        "--passages",
        action="store_const",
        const=True,
        help="matrix with --rows: list the passages behind each cell",
    )
    p.add_argument(
        "--coder", dest="coder_filter", metavar="C", help="only this coder's codings (default: all)"
    )
    p.add_argument("--sources", metavar="S,S", help="only these sources")
    p.add_argument(
        "--order",
        metavar="ORDER",
        help="saturation: import (default), an attribute such as date, or a list S,S,...",
    )
    p.add_argument(
        "--held-out", dest="held_out", metavar="S,S", help="saturation: sources held out, last"
    )
    p.add_argument("--base", type=int, help="saturation: base size in sources (default 4)")
    p.add_argument("--run", type=int, help="saturation: run length in sources (default 2)")
    p.add_argument(
        "--threshold",
        type=_share,
        help="saturation: new-information threshold, e.g. 0.05 or 5%% (default 5%%)",
    )
    p.add_argument("--code", metavar="CATEGORY", help="paradigm: only this category")
    p.add_argument("--json", action="store_true")


def _share(text: str) -> float:
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share such as 0.05 or 5%") from None


def cmd_stats(args: argparse.Namespace) -> int:

    for name, flag in FLAGS.items():
        if getattr(args, name) is not None and name not in OPTIONS[args.kind]:
            raise InvalidInput(
                _("{flag} does not apply to stats {kind}; nothing was changed").format(
                    flag=flag, kind=args.kind
                )
            )
    project = open_project(args)
    return int(_COMMANDS[args.kind](project, args))


def _frequencies(project: Any, args: argparse.Namespace) -> int:
    from coder.analysis.frequencies import frequencies

    rows = frequencies(project, coder=args.coder_filter, sources=args.sources)

    def human() -> None:
        by_id = {r.code_id: r for r in rows}
        table = [
            [
                "  " * depth + r.label,
                r.code,
                level_word(r.level),
                r.codings,
                r.sources,
                r.direct_codings,
            ]
            for r, depth in _tree(project, by_id)
        ]
        print_table(
            [
                _("code"),
                pgettext("column", "name"),
                _("level"),
                _("codings"),
                _("sources"),
                _("coded directly"),
            ],
            table,
        )

    return emit(args, [r.as_dict() for r in rows], human)


def _tree(project: Any, by_id: dict[int, Any]) -> list[tuple[Any, int]]:
    """Rows in code-tree order (under their primary parent) with their depth."""
    kids: dict[int | None, list[int]] = {}
    for code in project.codes():
        kids.setdefault(code.parents[0] if code.parents else None, []).append(code.id)
    out: list[tuple[Any, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for cid in kids.get(parent, []):
            out.append((by_id[cid], depth))
            walk(cid, depth + 1)

    walk(None, 0)
    return out


def _cooccurrence(project: Any, args: argparse.Namespace) -> int:
    from coder.analysis.cooccurrence import cooccurrence

    unit = args.unit or "turn"
    rows = cooccurrence(project, unit, coder=args.coder_filter, sources=args.sources)

    def human() -> None:
        print(
            _("co-occurrence by {unit}: {n_rows} pairs").format(
                unit=unit_word(unit), n_rows=len(rows)
            )
        )
        ranked = sorted(rows, key=lambda r: -r.count)  # stable: ties stay in codebook order
        print_table(
            [
                "a",
                pgettext("column", "name"),
                "b",
                pgettext("column", "name"),
                _("count"),
                _("jaccard"),
            ],
            [[r.a, r.a_code, r.b, r.b_code, r.count, f"{r.jaccard:.3f}"] for r in ranked],
        )

    return emit(args, [r.as_dict() for r in rows], human)


def _saturation(project: Any, args: argparse.Namespace) -> int:
    from coder.analysis.saturation import saturation

    result = saturation(
        project,
        order=args.order,
        held_out=args.held_out,
        coder=args.coder_filter,
        base=4 if args.base is None else args.base,
        run=2 if args.run is None else args.run,
        threshold=0.05 if args.threshold is None else args.threshold,
    )
    rule = result.stopping

    def rows() -> list[dict[str, Any]]:
        ends = {r.sources[-1]: r for r in rule.runs}
        checks = {h.source: h for h in result.held_out}
        out = []
        for i, step in enumerate(result.curve):
            row = step.as_dict()
            row["base"] = i < rule.base
            if step.source in ends:
                run = ends[step.source]
                row.update(run_new_codes=run.new_codes, run_ratio=run.ratio, run_met=run.met)
            row["saturation_point"] = step.source == rule.saturated_at
            if step.source in checks:
                row["held_out_new_codes"] = list(checks[step.source].new_codes)
                row["held_out_new_categories"] = list(checks[step.source].new_categories)
            out.append(row)
        return out

    def human() -> None:
        print_table(
            [_("source"), _("new codes"), _("cumulative"), _("new"), _("new categories"), ""],
            [
                [
                    s.source,
                    s.new_codes,
                    s.cumulative,
                    " ".join(s.new),
                    " ".join(s.new_categories),
                    _("held out") if s.held_out else "",
                ]
                for s in result.curve
            ],
        )
        reached = (
            _("reached after {n} sources (run ending at {source})").format(
                n=rule.saturated_after, source=rule.saturated_at
            )
            if rule.saturated_at
            else _("not reached within {n} sources").format(n=len(result.curve))
        )
        print(
            _(
                "stopping rule (Guest et al. 2020): base {base} sources ({base_codes} codes), runs of {run}, new information ≤ {threshold:.0%} of the base: {reached}"
            ).format(
                base=rule.base,
                base_codes=rule.base_codes,
                run=rule.run,
                threshold=rule.threshold,
                reached=reached,
            )
        )
        for h in result.held_out:
            added = " ".join(h.new_codes + h.new_categories)
            print(
                _("held out {source}: adds {added}").format(source=h.source, added=added)
                if added
                else _("held out {source}: adds no code or category").format(source=h.source)
            )

    return emit(args, rows, human)


def _matrix(project: Any, args: argparse.Namespace) -> int:
    from coder.analysis.matrix import matrix

    if args.rows or args.columns:
        return _query_matrix(project, args)
    for name in ("unit", "passages"):
        if getattr(args, name) is not None:
            raise InvalidInput(
                _("{flag} goes with --rows (a matrix of queries); nothing was run").format(
                    flag=FLAGS[name]
                )
            )
    result = matrix(project, args.by or "case", coder=args.coder_filter, sources=args.sources)

    def human() -> None:
        print(
            _(
                "codings per code and {by} (the share of the code's codings); after each column, its number of sources"
            ).format(by=result.by)
        )
        headers = [
            "code",
            "name",
            *(f"{c} ({n})" for c, n in zip(result.columns, result.column_sources, strict=True)),
            "total",
        ]
        print_table(
            headers,
            [
                [
                    r.label,
                    r.code,
                    *(
                        f"{n} ({share:.0%})" if n else ""
                        for n, share in zip(r.codings, r.shares, strict=True)
                    ),
                    r.total,
                ]
                for r in result.rows
            ],
        )

    return emit(args, result.as_dict(), human)


def _query_matrix(project: Any, args: argparse.Namespace) -> int:
    """``stats matrix --rows Q;Q --columns Q;Q | --by ATTR``: the passages behind each cell."""
    from coder.analysis.query_matrix import matrix_lines, query_matrix, split_queries

    if not args.rows:
        raise InvalidInput(_("--columns needs --rows (the row queries); nothing was run"))
    if args.sources is not None:
        raise InvalidInput(_("--sources does not apply to a matrix of queries; nothing was run"))
    m = query_matrix(
        project,
        split_queries(args.rows),
        split_queries(args.columns or []),
        by=args.by or (None if args.columns else "case"),
        coder=args.coder_filter,
        unit=args.unit or "segment",
    )

    def human() -> None:
        headers, rows, lines = matrix_lines(m, passages=bool(args.passages))
        print(lines[0])
        print_table(headers, rows)
        for line in lines[1:]:
            print(line)

    return emit(args, m.as_dict(), human)


def _paradigm(project: Any, args: argparse.Namespace) -> int:
    from coder.analysis.paradigm import SLOTS, paradigm, paradigm_views, selective_check
    from coder.analysis.support import relation_support

    if args.code:
        views = [paradigm(project, args.code, coder=args.coder_filter, sources=args.sources)]
    else:
        views = paradigm_views(project, coder=args.coder_filter, sources=args.sources)
    check = selective_check(project)
    unit = args.unit or "turn"
    support = relation_support(project, unit, coder=args.coder_filter, sources=args.sources)
    if args.code:
        focus = project.code(args.code).label
        support = [s for s in support if focus in (s.source, s.target)]

    def human() -> None:
        for n, view in enumerate(views):
            if n:
                print()
            about = " · ".join(x for x in (view.role and role_word(view.role), view.axis) if x)
            print(
                f"{view.label} {view.name}"
                + (f" · {about}" if about else "")
                + _(" · {codings} codings in {sources} sources").format(
                    codings=view.codings, sources=view.sources
                )
            )
            rows = [
                [
                    slot_word(slot),
                    link.label,
                    link.name,
                    " ".join(link.via),
                    "; ".join(link.relations),
                    link.evidence,
                    link.codings,
                    link.sources,
                ]
                for slot in SLOTS
                for link in view.slots[slot]
            ]
            if rows:
                print_table(
                    [
                        _("slot"),
                        _("code"),
                        pgettext("column", "name"),
                        _("via"),
                        _("relations"),
                        _("evidence"),
                        _("codings"),
                        _("sources"),
                    ],
                    rows,
                )
            else:
                print(_("  no relations yet"))
        print()
        _print_support(support, unit)
        _print_check(check)

    return emit(
        args,
        {
            "categories": [v.as_dict() for v in views],
            "relations": [s.as_dict() for s in support],
            "selective": check.as_dict(),
        },
        human,
    )


def _print_support(support: Any, unit: str) -> None:

    if not support:
        return
    print(
        _(
            "relations and their support: {units} where both sides occur (rolled up: a category occurs where its concepts are coded), codings given as evidence, memos on the relation"
        ).format(units=units_word(unit))
    )
    print_table(
        [_("relation"), _("type"), units_word(unit), _("evidence"), _("memos"), ""],
        [
            [
                f"{s.source} → {s.target}",
                s.type,
                s.units,
                s.evidence,
                len(s.memos),
                s.flag,
            ]
            for s in support
        ],
    )
    flagged = sum(not s.grounded for s in support)
    print(
        _("{flagged} of {n_support} relations asserted, not yet grounded").format(
            flagged=flagged, n_support=len(support)
        )
    )
    print()


def _selective(project: Any, args: argparse.Namespace) -> int:
    from coder.analysis.paradigm import selective_check

    check = selective_check(project)

    def human() -> None:
        _print_check(check)

    return emit(args, check.as_dict(), human)


def _print_check(check: Any) -> None:
    def names(refs: Any) -> str:
        return ", ".join(
            f"{r.label} {r.name}"
            + (_(" ({codings} codings)").format(codings=r.codings) if r.codings else "")
            for r in refs
        )

    core = f"{check.core.label} {check.core.name}" if check.core else _("none marked")
    print(_("core category: {core}").format(core=core))
    if check.storyline:
        for memo in check.storyline:
            print(
                _("storyline: {title} ({coder}, {n_text} characters)").format(
                    title=memo.title or _("untitled"),
                    coder=memo.coder,
                    n_text=len(memo.text),
                )
            )
    else:
        print(_("storyline: none (write a storyline memo on the core category)"))
    print(
        _("categories not related to the core: {names}").format(
            names=names(check.unrelated_categories) or _("none")
        )
    )
    print(
        _("concepts under no category: {names}").format(
            names=names(check.concepts_without_category) or _("none")
        )
    )


_COMMANDS: dict[str, Callable[[Any, argparse.Namespace], int]] = {
    "frequencies": _frequencies,
    "cooccurrence": _cooccurrence,
    "saturation": _saturation,
    "matrix": _matrix,
    "paradigm": _paradigm,
    "selective": _selective,
}
