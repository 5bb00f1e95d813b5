"""The code tree, and the concept network as a REFI-QDA ``Graph``.

The graph is for other programs to show: codes as vertices (the core category on top, the
categories in a row, each category's concepts stacked below it), category membership as dotted
edges and relations as solid ones, each edge naming the relation it represents. Its GUIDs are
derived from the codes and relations, so exporting again gives the same graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from coder.model import Code

from .convention import derived_guid
from .xmlsafe import XmlWriter


def tree(codes: list[Code]) -> tuple[list[Code], dict[int, list[Code]]]:
    """Roots and children by primary parent, in the codebook's order."""
    ids = {c.id for c in codes}
    roots: list[Code] = []
    children: dict[int, list[Code]] = defaultdict(list)
    for c in codes:
        if c.parents and c.parents[0] in ids:
            children[c.parents[0]].append(c)
        else:
            roots.append(c)
    return roots, children


_SHAPES = {"selective": "Star", "axial": "RoundedRectangle", "open": "Rectangle"}


def write_graph(out: XmlWriter, codes: list[Code], relations: Sequence[Any]) -> None:
    """The concept network: codes as vertices (core on top, categories in a row, their concepts
    stacked below each), relations and category membership as edges."""
    _, children = tree(codes)
    pos: dict[int, tuple[int, int]] = {}
    top = [c for c in codes if c.level == "selective"]
    cats = [c for c in codes if c.level == "axial"]
    for i, c in enumerate(top):
        pos[c.id] = (i * 240, 0)
    for i, c in enumerate(cats):
        pos[c.id] = (i * 240, 120)
        for k, child in enumerate(x for x in children.get(c.id, ()) if x.level == "open"):
            pos[child.id] = (i * 240 + 20, 240 + 60 * k)
    rest = [c for c in codes if c.id not in pos]
    for k, c in enumerate(rest):
        pos[c.id] = (len(cats) * 240 + 20, 240 + 60 * k)
    name = "concept network"
    out.raw("<Graphs>")
    # Derived from the smallest code GUID: the same after a round trip through another project.
    out.tag("Graph", {"guid": derived_guid("graph", min(c.guid for c in codes)), "name": name})
    vertex = {c.id: derived_guid("vertex", c.guid) for c in codes}
    guid = {c.id: c.guid for c in codes}
    for c in codes:
        x, y = pos[c.id]
        out.tag(
            "Vertex",
            {
                "guid": vertex[c.id],
                "representedGUID": c.guid,
                "name": c.display,
                "firstX": str(x),
                "firstY": str(y),
                "secondX": str(x + 200),
                "secondY": str(y + 40),
                "shape": _SHAPES[c.level],
                "color": c.colour or None,
            },
            close=True,
        )
    for c in codes:
        for p in c.parents:
            if p in vertex:
                out.tag(
                    "Edge",
                    {
                        "guid": derived_guid("edge", c.guid, guid[p]),
                        "name": "category",
                        "sourceVertex": vertex[c.id],
                        "targetVertex": vertex[p],
                        "direction": "OneWay",
                        "lineStyle": "dotted",
                    },
                    close=True,
                )
    for r in relations:
        out.tag(
            "Edge",
            {
                "guid": derived_guid("edge", r.guid),
                "representedGUID": r.guid,
                "name": r.type,
                "sourceVertex": vertex[r.from_id],
                "targetVertex": vertex[r.to_id],
                "direction": "OneWay",
                "lineStyle": "solid",
            },
            close=True,
        )
    out.end("Graph")
    out.end("Graphs")
