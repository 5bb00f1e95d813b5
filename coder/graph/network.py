"""The concept network: codes as nodes; hierarchy, relation and co-occurrence edges.

Nodes are keyed by the code's label. Node attributes: ``label``, ``name``, ``level``, ``axis``
(统, 合 or "" — a concept takes its primary category's axis, ``axis_own`` says whether it is the
code's own), ``paradigm_role`` (or ""), ``codings`` and ``sources`` (rolled up the hierarchy),
``colour``, ``core``.

Edges carry a ``kind``:

* ``hierarchy`` — concept → category → core (child to parent), ``primary`` true or false;
* ``relation`` — a typed, directed relation between codes: ``type``, ``evidence`` (codings),
  and its support in the data (:mod:`coder.analysis.support`): ``support`` (units where both
  sides occur, rolled up), ``memos`` (memos on it), ``grounded`` (support or evidence);
* ``cooccurrence`` — codes coded in the same unit: ``weight`` (units), ``jaccard``, ``unit`` and
  ``level``; it has no direction (stored once, from the code earlier in the codebook). At
  ``level="concept"`` the codes are taken as coded; at ``level="category"`` the ties join
  categories, rolled up (a category's units are its concepts' units, counted once: see
  :func:`coder.analysis.cooccurrence.rolled_cooccurrence`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx

from coder.analysis.cooccurrence import cooccurrence
from coder.analysis.data import SOURCE, distinct_values, load_rows, unit_arrays
from coder.analysis.frequencies import frequencies

if TYPE_CHECKING:
    from coder.project import Project


def concept_network(
    project: Project,
    *,
    unit: str = "turn",
    threshold: int = 1,
    coder: str | None = None,
    cooccurrences: list | None = None,
    rolled: list | None = None,
) -> nx.MultiDiGraph:
    """Build the network of a project. Co-occurrence edges below ``threshold`` units are left out.
    ``cooccurrences`` (the pairs of codes as coded) and ``rolled`` (the rolled-up pairs of the
    categories and the relations' codes, :func:`coder.analysis.support.rolled_pairs`) are
    computed unless given."""
    from coder.analysis.support import relation_support, rolled_pairs

    codes = project.codes()
    by_id = {c.id: c for c in codes}
    # The codings are read once, for the counts and for the pairs (reading them is most of the
    # time the network takes on a large project).
    rows = load_rows(project, coder=coder)
    freq = {f.code_id: f for f in frequencies(project, coder=coder, rows=rows)}
    g = nx.MultiDiGraph(unit=unit, threshold=threshold, title=project.title)

    def axis_of(code, depth: int = 0) -> str:
        if code.axis:
            return code.axis
        if code.parents and code.parents[0] in by_id and depth < 10:
            return axis_of(by_id[code.parents[0]], depth + 1)
        return ""

    def colour_of(code, depth: int = 0) -> str:
        if code.colour:
            return code.colour
        if code.parents and code.parents[0] in by_id and depth < 10:
            return colour_of(by_id[code.parents[0]], depth + 1)
        return ""

    for c in codes:
        f = freq.get(c.id)
        g.add_node(
            c.label,
            label=c.label,
            name=c.name,
            level=c.level,
            axis=axis_of(c),
            axis_own=bool(c.axis),
            paradigm_role=c.paradigm_role or "",
            codings=f.codings if f else 0,
            sources=f.sources if f else 0,
            colour=colour_of(c),
            core=c.is_core,
        )
    for c in codes:
        for i, parent in enumerate(c.parents):
            if parent in by_id:
                g.add_edge(c.label, by_id[parent].label, kind="hierarchy", primary=i == 0, weight=1)
    units = None
    if (cooccurrences is None or rolled is None) and unit in ("sentence", "turn"):
        units = unit_arrays(project, unit, distinct_values(rows[:, SOURCE]).tolist())
    if rolled is None:
        rolled = rolled_pairs(project, unit, coder=coder, rows=rows, units=units)
    support = {s.relation_id: s for s in relation_support(project, unit, coder=coder, pairs=rolled)}
    for r in project.relations():
        if r.from_id in by_id and r.to_id in by_id:
            s = support[r.id]
            g.add_edge(
                by_id[r.from_id].label,
                by_id[r.to_id].label,
                kind="relation",
                type=r.type,
                description=r.description,
                evidence=len(r.evidence),
                support=s.units,
                memos=len(s.memos),
                grounded=s.grounded,
                weight=max(len(r.evidence), 1),
            )
    pairs = cooccurrences
    if pairs is None:
        pairs = cooccurrence(project, unit, coder=coder, rows=rows, units=units)
    level_of = {c.label: c.level for c in codes}
    between_categories = [p for p in rolled if level_of[p.a] != "open" and level_of[p.b] != "open"]
    for level, found in (("concept", pairs), ("category", between_categories)):
        for p in found:
            if p.count >= threshold and p.a in g and p.b in g:
                g.add_edge(
                    p.a,
                    p.b,
                    kind="cooccurrence",
                    weight=p.count,
                    jaccard=round(p.jaccard, 6),
                    unit=unit,
                    level=level,
                )
    return g


def edges_of_kind(g: nx.MultiDiGraph, kind: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [(a, b, d) for a, b, d in g.edges(data=True) if d.get("kind") == kind]


def cooccurrence_graph(
    g: nx.MultiDiGraph, nodes: set[str] | None = None, *, level: str = "concept"
) -> nx.Graph:
    """The undirected, weighted co-occurrence graph at one level, ``concept`` (codes as coded)
    or ``category`` (rolled up), optionally on ``nodes`` only."""
    h = nx.Graph()
    for n, d in g.nodes(data=True):
        if nodes is None or n in nodes:
            h.add_node(n, **d)
    for a, b, d in edges_of_kind(g, "cooccurrence"):
        if d.get("level", "concept") != level:
            continue
        if a in h and b in h:
            w = h[a][b]["weight"] + d["weight"] if h.has_edge(a, b) else d["weight"]
            h.add_edge(a, b, weight=w)
    return h


def neighbourhood(g: nx.MultiDiGraph, label: str) -> list[dict[str, Any]]:
    """Every edge touching a code, strongest first: the other code, the kind, the weight; a
    relation also its ``support`` (units where both sides occur, rolled up), ``evidence``
    (codings), ``memos`` and whether it is ``grounded``."""
    out = []
    for a, b, d in list(g.out_edges(label, data=True)) + list(g.in_edges(label, data=True)):
        other = b if a == label else a
        tie = {
            "code": other,
            "name": g.nodes[other]["name"],
            "kind": d["kind"],
            "type": d.get("type", ""),
            "direction": "→" if a == label else "←",
            "weight": d.get("weight", 1),
        }
        if d["kind"] == "relation":  # its support in the codings (coder.analysis.support)
            for key in ("support", "evidence", "memos", "grounded"):
                tie[key] = d.get(key)
        out.append(tie)
    out.sort(key=lambda e: (-e["weight"], e["kind"], e["code"]))
    return out


def evidence(project: Project, g: nx.MultiDiGraph, a: str, b: str, kind: str) -> list[Any]:
    """The coded segments behind a tie between codes ``a`` and ``b``:

    * ``relation`` — the relation's evidence codings (either direction);
    * ``cooccurrence`` — the segments of ``a`` and ``b`` that share a unit with the other
      (the graph's unit: turn, sentence, source; for segment, overlapping segments);
    * ``hierarchy`` — the segments of the lower code.
    """
    import bisect

    by_label = {c.label: c for c in project.codes()}
    if kind == "relation":
        ids: set[int] = set()
        for r in project.relations():
            if {r.from_id, r.to_id} == {by_label[a].id, by_label[b].id}:
                ids.update(r.evidence)
        return project.segments(ids=ids) if ids else []
    if kind == "hierarchy":
        lower = a if g.nodes[a]["level"] == "open" or g.nodes[b]["level"] == "selective" else b
        return project.segments(code=lower)
    unit = g.graph.get("unit", "turn")
    if g.nodes[a]["level"] != "open" and g.nodes[b]["level"] != "open":
        # A tie between categories is rolled up: the segments of every code under each.
        seg_a, seg_b = _under(project, a), _under(project, b)
    else:
        seg_a = project.segments(code=a)
        seg_b = project.segments(code=b)
    if unit == "segment":
        keep = {
            s.id
            for x in seg_a
            for s in seg_b
            if s.source_id == x.source_id and s.start < x.end and x.start < s.end
        }
        keep |= {
            x.id
            for x in seg_a
            for s in seg_b
            if s.source_id == x.source_id and s.start < x.end and x.start < s.end
        }
        return [s for s in seg_a + seg_b if s.id in keep]

    def unit_of(seg: Any) -> tuple[int, int]:
        if unit == "source":
            return (seg.source_id, 0)
        analysis = project.analysis(seg.source_id)
        spans = analysis.blocks if unit == "turn" else analysis.sentences
        i = bisect.bisect_right(spans, (seg.start, float("inf"))) - 1
        return (seg.source_id, i)

    units_a = {unit_of(s) for s in seg_a}
    units_b = {unit_of(s) for s in seg_b}
    shared = units_a & units_b
    return sorted(
        (s for s in seg_a + seg_b if unit_of(s) in shared), key=lambda s: (s.source, s.start)
    )


def _under(project: Project, label: str) -> list[Any]:
    """The segments of a code and of every code under it, each coding once."""
    from coder.analysis.data import Hierarchy

    hierarchy = Hierarchy.of(project)
    top = next(c.id for c in hierarchy.codes if c.label == label)
    ids = [c.id for c in hierarchy.codes if c.id == top or top in hierarchy.ancestors[c.id]]
    seen: dict[int, Any] = {}
    for cid in ids:
        for s in project.segments(code=cid):
            seen.setdefault(s.id, s)
    return sorted(seen.values(), key=lambda s: (s.source_id, s.start, s.end, s.id))
