"""``coder query PROJECT EXPR``: coding queries, and the queries saved in the project.

The JSON shape is a list of ``{"source", "start", "end", "text", "codes", "case"}`` (see
:class:`coder.analysis.query.Hit`).
"""

from __future__ import annotations

import argparse

from coder.cli.base import Add, open_project
from coder.cli.output import emit, print_table, unit_word
from coder.errors import InvalidInput
from coder.i18n import _, pgettext

#: Terminal columns of a passage shown in the table (``--json`` gives it whole).
SHOWN = 60


def register(add: Add) -> None:
    """Add ``query`` to the ``coder`` command."""
    from coder.analysis.names import UNITS

    p = add(
        "query",
        cmd_query,
        "coding queries: passages where codes and words occur together (AND), either (OR), "
        "apart (NOT), near (NEAR/n), in order (FOLLOWED_BY) or inside (IN)",
        coder_filter=True,
    )
    p.add_argument("project")
    p.add_argument(
        "expression",
        nargs="?",
        help="e.g. 'a25 AND a08', 'A8 NOT \"会商日\"', '{资源下沉 & <权力>} NEAR/20 =A3'",
    )
    p.add_argument(
        "--where",
        action="append",
        default=None,
        metavar="ATTR=VALUE",
        help="only sources whose attribute (or case's) matches: role=科长, date>=2024-05-01 "
        "(=, !=, >=, <=, >, <; repeatable, all must hold)",
    )
    p.add_argument("--coder", dest="coder_filter", metavar="C", help="only this coder's codings")
    p.add_argument("--unit", choices=UNITS, help="what a hit is (default: segment)")
    p.add_argument(
        "--save",
        nargs="+",
        metavar=("NAME", "EXPR"),
        help="save the query under NAME (the expression before --save or after NAME), then run it",
    )
    p.add_argument("--run", metavar="NAME", help="run the saved query NAME")
    p.add_argument("--list", action="store_true", help="list the saved queries")
    p.add_argument("--delete", metavar="NAME", help="delete the saved query NAME")
    p.add_argument("--json", action="store_true")


def cmd_query(args: argparse.Namespace) -> int:
    from coder.analysis.query import run_query
    from coder.facade.queries import delete_query, save_query, saved_queries, saved_query

    chosen = [x for x in ("save", "run", "list", "delete") if getattr(args, x)]
    if len(chosen) > 1:
        raise InvalidInput(
            _("--{chosen} and --{chosen2} go separately; nothing was changed").format(
                chosen=chosen[0], chosen2=chosen[1]
            )
        )
    if args.save:
        name, *rest = args.save
        if rest and args.expression:
            raise InvalidInput(_("give the expression once, before --save or after its name"))
        if len(rest) > 1:
            raise InvalidInput(
                _(
                    "--save takes a name and one expression (quote it: 'a25 AND a08'); nothing was saved"
                )
            )
        args.save, args.expression = name, args.expression or (rest[0] if rest else None)
    needs_expression = not (args.run or args.list or args.delete)
    if needs_expression and not args.expression:
        raise InvalidInput(_("give a query expression (or --run NAME, --list); nothing was run"))
    if not needs_expression and args.expression:
        raise InvalidInput(
            _("--{chosen} takes no expression (it was {expression!r}); nothing was run").format(
                chosen=chosen[0], expression=args.expression
            )
        )
    project = open_project(args)
    if args.list:
        saved = saved_queries(project)

        def human_list() -> None:
            if not saved:
                print(_("no saved queries (coder query PROJECT --save NAME EXPR saves one)"))
                return
            print_table(
                [
                    pgettext("column", "name"),
                    _("query"),
                    _("where"),
                    _("unit"),
                    _("coder"),
                    _("saved by"),
                ],
                [
                    [q.name, q.expression, " ".join(q.where), q.unit, q.coder, q.saved_by]
                    for q in saved
                ],
            )

        return emit(args, [q.as_dict() for q in saved], human_list)
    if args.delete:
        delete_query(project, args.delete)
        print(_("deleted saved query {delete}").format(delete=args.delete))
        return 0
    expression, where, unit, coder = args.expression, args.where, args.unit, args.coder_filter
    if args.run:
        run = saved_query(project, args.run)
        # Options given now replace the saved ones.
        expression = run.expression
        where = list(run.where) if where is None else where
        unit = unit or run.unit
        coder = coder or run.coder
    if args.save:
        save_query(project, args.save, expression, where=where or (), unit=unit, coder=coder)
    result = run_query(project, expression, where=where or (), coder=coder, unit=unit or "segment")

    def human() -> None:
        if args.save:
            print(_("saved query {save}").format(save=args.save))
        in_sources = len({h.source for h in result.hits})
        print(
            _("{query} by {unit}: {n_hits} hits in {in_sources} of {sources} sources").format(
                query=result.query,
                unit=unit_word(result.unit),
                n_hits=len(result.hits),
                in_sources=in_sources,
                sources=result.sources,
            )
        )
        if result.hits:
            print_table(
                [_("source"), _("case"), _("start"), _("end"), _("codes"), _("text")],
                [
                    [h.source, h.case, h.start, h.end, " ".join(h.codes), _short(h.text)]
                    for h in result.hits
                ],
            )

    return emit(args, [h.as_dict() for h in result.hits], human)


def _short(text: str) -> str:
    from rich.cells import cell_len

    flat = " ".join(text.split())
    if cell_len(flat) <= SHOWN:
        return flat
    while cell_len(flat) > SHOWN - 1:
        flat = flat[:-1]
    return flat + "…"
