"""The 统/合 view of the concept network.

The core category has two sides: 统 (统筹 — top-level coordination: the categories whose axis is
统, with their concepts) and 合 (整合/合作 — integration and cooperation: axis 合). Everything else
(conditions, context, consequences) is on neither side. Figures, all from the co-occurrence ties
(undirected, weighted by shared units) unless said otherwise:

Each figure is at one of two levels, named in :data:`LEVELS` (and in the output): the *concept*
level takes the codes as coded; the *category* level rolls concepts up into their categories (a
category's units are its concepts' units, counted once), since categories are seldom coded
directly.

* **sides** — categories and concepts of each side;
* **density** of each side — networkx density of the concept-level graph on that side's
  concepts; **category density** — of the category-level graph on that side's categories;
* **cross-side ties** — concept-level co-occurrence ties between a 统 code and a 合 code, and
  typed relations between 统 and 合 codes; **cross share** — cross ties over all concept-level
  ties among side codes (by count and by weight); **category cross share** — the same over the
  category-level ties among side categories;
* **bridging concepts** — betweenness centrality (weighted, distance = 1/weight) on the
  concept-level graph of both sides, for concepts tied to both sides; the higher, the more the
  concept links 统 and 合 (exact up to 150 side codes, estimated from 48 pivots above that);
* **category degree** — each category's degree and weighted degree in the category-level graph;
* **communities** — Louvain (networkx, fixed seed) on the concept-level graph of all codes, and
  how each community lines up with 统/合 (codes per side).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from coder.graph.network import cooccurrence_graph, edges_of_kind

SIDES = ("统", "合")
#: The level of each figure of :class:`TongHe` (see the module).
LEVELS = {
    "density": "concept",
    "category_density": "category",
    "cross_ties": "concept",
    "cross_share": "concept",
    "cross_share_weighted": "concept",
    "category_cross_share": "category",
    "category_cross_share_weighted": "category",
    "bridging": "concept",
    "categories": "category",
    "communities": "concept",
}


@dataclass
class TongHe:
    sides: dict[str, dict[str, list[str]]]
    """side → {"categories": [...], "concepts": [...]}"""
    density: dict[str, float]
    cross_ties: list[dict[str, Any]]
    cross_share: float
    cross_share_weighted: float
    bridging: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    communities: list[dict[str, Any]] = field(default_factory=list)
    category_density: dict[str, float] = field(default_factory=dict)
    category_cross_share: float = 0.0
    category_cross_share_weighted: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "sides": self.sides,
            "density": self.density,
            "cross_ties": self.cross_ties,
            "cross_share": self.cross_share,
            "cross_share_weighted": self.cross_share_weighted,
            "bridging": self.bridging,
            "categories": self.categories,
            "communities": self.communities,
            "category_density": self.category_density,
            "category_cross_share": self.category_cross_share,
            "category_cross_share_weighted": self.category_cross_share_weighted,
            "levels": LEVELS,
        }


def side_members(g: nx.MultiDiGraph) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {s: {"categories": [], "concepts": []} for s in SIDES}
    for n, d in g.nodes(data=True):
        if d["axis"] in SIDES:
            key = "categories" if d["level"] != "open" else "concepts"
            out[d["axis"]][key].append(n)
    return out


def tonghe_view(g: nx.MultiDiGraph, *, seed: int = 7) -> TongHe:
    sides = side_members(g)
    side_of = {n: s for s in SIDES for key in ("categories", "concepts") for n in sides[s][key]}
    co_all = cooccurrence_graph(g)
    co_cat = cooccurrence_graph(g, level="category")
    density = {s: round(nx.density(co_all.subgraph(sides[s]["concepts"])), 6) for s in SIDES}
    category_density = {
        s: round(nx.density(co_cat.subgraph(sides[s]["categories"])), 6) for s in SIDES
    }
    cross, (share, share_w) = _across(co_all, side_of)
    _, (cat_share, cat_share_w) = _across(co_cat, side_of)
    for a, b, d in edges_of_kind(g, "relation"):
        sa, sb = side_of.get(a), side_of.get(b)
        if sa and sb and sa != sb:
            cross.append(
                {"a": a, "b": b, "kind": "relation", "type": d["type"], "weight": d["weight"]}
            )
    cross.sort(key=lambda t: (-t["weight"], t["a"], t["b"]))

    both = co_all.subgraph(list(side_of))
    dist = nx.Graph()
    dist.add_nodes_from(both.nodes)
    dist.add_edges_from(
        (a, b, {"distance": 1.0 / d["weight"]}) for a, b, d in both.edges(data=True)
    )
    between = betweenness(dist, seed=seed)
    bridging = []
    for n in both.nodes:
        if g.nodes[n]["level"] != "open":
            continue
        touched = {side_of[m] for m in both.neighbors(n)}
        if touched >= set(SIDES):
            bridging.append(
                {
                    "code": n,
                    "name": g.nodes[n]["name"],
                    "side": side_of[n],
                    "betweenness": round(between.get(n, 0.0), 6),
                }
            )
    bridging.sort(key=lambda b: (-b["betweenness"], b["code"]))

    categories = []
    for n, d in g.nodes(data=True):
        if d["level"] == "axial":
            categories.append(
                {
                    "code": n,
                    "name": d["name"],
                    "axis": d["axis"],
                    "paradigm_role": d["paradigm_role"],
                    "degree": co_cat.degree(n),
                    "weighted_degree": co_cat.degree(n, weight="weight"),
                    "level": "category",
                }
            )
    return TongHe(
        sides,
        density,
        cross,
        round(share, 6),
        round(share_w, 6),
        bridging,
        categories,
        communities(co_all, seed=seed),
        category_density,
        round(cat_share, 6),
        round(cat_share_w, 6),
    )


def _across(
    co: nx.Graph, side_of: dict[str, str]
) -> tuple[list[dict[str, Any]], tuple[float, float]]:
    """The ties between the sides, and their share of the ties among side codes (by count and
    by weight)."""
    cross: list[dict[str, Any]] = []
    within = across = 0
    w_within = w_across = 0.0
    for a, b, d in co.edges(data=True):
        sa, sb = side_of.get(a), side_of.get(b)
        if sa and sb:
            if sa != sb:
                across += 1
                w_across += d["weight"]
                cross.append({"a": a, "b": b, "kind": "cooccurrence", "weight": d["weight"]})
            else:
                within += 1
                w_within += d["weight"]
    share = across / (across + within) if across + within else 0.0
    share_w = w_across / (w_across + w_within) if w_across + w_within else 0.0
    return cross, (share, share_w)


#: Up to this many codes betweenness is exact; above, it is estimated from PIVOTS sources.
EXACT_BETWEENNESS = 150
PIVOTS = 48


def betweenness(dist: nx.Graph, *, seed: int = 7) -> dict[str, float]:
    """Normalised betweenness with distance = 1/weight: exact for up to ``EXACT_BETWEENNESS``
    codes, else estimated from ``PIVOTS`` randomly chosen source codes (fixed seed; Brandes and
    Pich's estimator, as networkx implements it), which keeps a dense network of hundreds of
    codes within seconds."""
    if len(dist) <= 2:
        return {}
    k = None if len(dist) <= EXACT_BETWEENNESS else PIVOTS
    return nx.betweenness_centrality(dist, k=k, weight="distance", normalized=True, seed=seed)


def communities(co: nx.Graph, *, seed: int = 7) -> list[dict[str, Any]]:
    """Louvain communities of the co-occurrence graph, each with its codes per 统/合 side."""
    # A graph of its own, not a subgraph view: Louvain walks the adjacency many times, and a
    # view filters every step (a third of its time on the synthetic project). The copy keeps
    # the nodes' order, which the seeded shuffle depends on.
    linked = co.subgraph([n for n in co.nodes if co.degree(n) > 0]).copy()
    if linked.number_of_edges() == 0:
        return []
    groups = nx.community.louvain_communities(linked, weight="weight", seed=seed)
    out = []
    for i, members in enumerate(sorted(groups, key=lambda m: (-len(m), sorted(m)))):
        counts = {"统": 0, "合": 0, "": 0}
        for n in members:
            counts[co.nodes[n].get("axis", "")] += 1
        out.append(
            {
                "community": i + 1,
                "codes": sorted(members),
                "统": counts["统"],
                "合": counts["合"],
                "neither": counts[""],
            }
        )
    return out
