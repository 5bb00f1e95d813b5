"""`coder graph PROJECT -o OUT`: the concept network in the format of OUT's suffix; without -o,
the 统/合 summary."""

from __future__ import annotations

import argparse
from pathlib import Path

from coder.cli.base import Add, open_project
from coder.cli.output import emit, print_table


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
            print(f"coder: warning: {note}", file=sys.stderr)
        if not args.json:
            print(f"wrote {g.number_of_nodes()} codes and {g.number_of_edges()} ties to {out}")
            return 0
    view = tonghe_view(g)

    def human() -> None:
        print(
            "concept level: the codes as coded; category level: concepts rolled up into their "
            "categories (a category's units are its concepts' units, counted once)"
        )
        for side in ("统", "合"):
            s = view.sides[side]
            print(
                f"{side}: {len(s['categories'])} categories ({', '.join(s['categories'])}), "
                f"{len(s['concepts'])} concepts; density {view.density[side]:.3f} among the concepts, "
                f"{view.category_density[side]:.3f} among the categories"
            )
        print(
            f"cross-side ties (concept level): {len(view.cross_ties)}; share of ties across the sides "
            f"{view.cross_share:.1%} (weighted {view.cross_share_weighted:.1%}); at the category "
            f"level {view.category_cross_share:.1%} (weighted {view.category_cross_share_weighted:.1%})"
        )
        if view.bridging:
            print("bridging concepts (concept level):")
            print_table(
                ["code", "name", "side", "betweenness"],
                [
                    [b["code"], b["name"], b["side"], f"{b['betweenness']:.3f}"]
                    for b in view.bridging[:10]
                ],
            )
        print(f"categories (category level, co-occurrence by {args.unit}):")
        print_table(
            ["code", "name", "axis", "role", "degree", "weighted"],
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
            print("communities (Louvain, concept level) and the 统/合 sides:")
            print_table(
                ["#", "codes", "统", "合", "neither"],
                [
                    [c["community"], len(c["codes"]), c["统"], c["合"], c["neither"]]
                    for c in view.communities
                ],
            )

    return emit(args, view.as_dict(), human)
