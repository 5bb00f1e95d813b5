"""Concept-network benchmark: the network with its 统/合 metrics for the synthetic project
(300 codes, 200,000 codings), co-occurrence at the turn unit."""

from __future__ import annotations

import time

from bench.common import Context, Result


def run(ctx: Context) -> list[Result]:
    from coder.graph.network import concept_network
    from coder.graph.tonghe import tonghe_view
    from coder.project import Project

    p = Project.open(ctx.synthetic())
    t = time.perf_counter()
    g = concept_network(p, unit="turn")
    built = time.perf_counter() - t
    view = tonghe_view(g)
    total = time.perf_counter() - t
    p.close()
    return [
        Result(
            f"graph: network + 统/合 metrics, synthetic project ({g.number_of_nodes()} codes, "
            f"{g.number_of_edges():,} ties)",
            total,
            target=5.0,
        ),
        Result("  of which building the network (co-occurrence by turn)", built),
        Result(
            f"  communities found (Louvain): {len(view.communities)}",
            float(len(view.communities)),
            unit="",
        ),
    ]
