"""`coder graph PROJECT -o OUT`: the concept network in the format of OUT's suffix; without -o,
the 统/合 summary."""

from __future__ import annotations

import argparse
from pathlib import Path

from coder.cli.base import Add, open_project
from coder.cli.output import emit, print_table, unit_word
from coder.i18n import _, pgettext


def register(add: Add) -> None:
    p = add(
        "graph",
        cmd_graph,
        "the concept network: .graphml .gexf .dot .mmd .json .svg, or the 统/合 summary",
        coder_filter=True,
    )
    p.add_argument("project")
    p.add_argument("-o", "--output", help="file to write (format from the suffix)")
    p.add_argument(
        "--unit",
        choices=["segment", "sentence", "turn", "source"],
        default="turn",
        help="co-occurrence unit",
    )
    p.add_argument(
        "--threshold", type=int, default=1, help="leave out co-occurrence ties seen in fewer units"
    )
    p.add_argument("--coder", dest="coder_filter", help="only this coder's codings")
    p.add_argument("--json", action="store_true", help="print the 统/合 summary as JSON")


def cmd_graph(args: argparse.Namespace) -> int:
    import sys

    from coder.graph.export import write
    from coder.graph.network import concept_network
    from coder.graph.tonghe import tonghe_view

    project = open_project(args)
    g = concept_network(project, unit=args.unit, threshold=args.threshold, coder=args.coder_filter)
    if args.output:
        out = Path(args.output)
        for note in write(g, out):
            print(_("coder: warning: {note}").format(note=note), file=sys.stderr)
        if not args.json:
            print(
                _("wrote {nodes} codes and {edges} ties to {out}").format(
                    nodes=g.number_of_nodes(),
                    edges=g.number_of_edges(),
                    out=out,
                )
            )
            return 0
    view = tonghe_view(g)

    def human() -> None:
        print(
            _(
                "concept level: the codes as coded; category level: concepts rolled up into their categories (a category's units are its concepts' units, counted once)"
            )
        )
        for side in ("统", "合"):
            s = view.sides[side]
            print(
                _(
                    "{side}: {n_categories} categories ({categories}), {n_concepts} concepts; density {density:.3f} among the concepts, {category_density:.3f} among the categories"
                ).format(
                    side=side,
                    n_categories=len(s["categories"]),
                    categories=", ".join(s["categories"]),
                    n_concepts=len(s["concepts"]),
                    density=view.density[side],
                    category_density=view.category_density[side],
                )
            )
        print(
            _(
                "cross-side ties (concept level): {n_cross_ties}; share of ties across the sides {cross_share:.1%} (weighted {cross_share_weighted:.1%}); at the category level {category_cross_share:.1%} (weighted {category_cross_share_weighted:.1%})"
            ).format(
                n_cross_ties=len(view.cross_ties),
                cross_share=view.cross_share,
                cross_share_weighted=view.cross_share_weighted,
                category_cross_share=view.category_cross_share,
                category_cross_share_weighted=view.category_cross_share_weighted,
            )
        )
        if view.bridging:
            print(_("bridging concepts (concept level):"))
            print_table(
                [_("code"), pgettext("column", "name"), _("side"), _("betweenness")],
                [
                    [b["code"], b["name"], b["side"], f"{b['betweenness']:.3f}"]
                    for b in view.bridging[:10]
                ],
            )
        print(
            _("categories (category level, co-occurrence by {unit}):").format(
                unit=unit_word(args.unit)
            )
        )
        print_table(
            [
                _("code"),
                pgettext("column", "name"),
                _("axis"),
                _("role"),
                _("degree"),
                _("weighted"),
            ],
            [
                [
                    c["code"],
                    c["name"],
                    c["axis"],
                    c["paradigm_role"],
                    c["degree"],
                    c["weighted_degree"],
                ]
                for c in view.categories
            ],
        )
        if view.communities:
            print(_("communities (Louvain, concept level) and the 统/合 sides:"))
            print_table(
                ["#", _("codes"), "统", "合", _("neither")],
                [
                    [c["community"], len(c["codes"]), c["统"], c["合"], c["neither"]]
                    for c in view.communities
                ],
            )

    return emit(args, view.as_dict(), human)
