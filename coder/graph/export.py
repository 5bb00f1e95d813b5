"""Writing the concept network: GraphML and GEXF (for Gephi), DOT (Graphviz), Mermaid, node-link
JSON, and an SVG figure (matplotlib). The format comes from the file's suffix."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import networkx as nx

from coder.errors import InvalidInput
from coder.i18n import _

FORMATS = (".graphml", ".gexf", ".dot", ".mmd", ".json", ".svg")
#: DOT shapes by paradigm role (categories without one are boxes; concepts ellipses).
SHAPES = {
    "causal": "invhouse",
    "phenomenon": "doubleoctagon",
    "context": "folder",
    "intervening": "diamond",
    "strategy": "box",
    "consequence": "house",
}


def write(g: nx.MultiDiGraph, path: Path) -> list[str]:
    """Write ``g`` in the format of ``path``'s suffix; returns warnings for the user."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(
            _("{name}: a network is written as {FORMATS}; nothing was written").format(
                name=path.name, FORMATS=", ".join(FORMATS)
            )
        )
    if not path.parent.exists():
        raise InvalidInput(
            _("{parent}: no such folder; nothing was written").format(parent=path.parent)
        )
    if suffix == ".graphml":
        nx.write_graphml(_plain(g), path, encoding="utf-8")
    elif suffix == ".gexf":
        nx.write_gexf(_plain(g), path, encoding="utf-8")
    elif suffix == ".dot":
        path.write_text(to_dot(g), encoding="utf-8")
    elif suffix == ".mmd":
        path.write_text(to_mermaid(g), encoding="utf-8")
    elif suffix == ".json":
        data = nx.node_link_data(g, edges="links")
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        return write_svg(g, path)
    return []


def _plain(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only str/int/float/bool attributes (GraphML and GEXF take no None)."""
    h = nx.MultiDiGraph()
    h.graph.update({k: v for k, v in g.graph.items() if isinstance(v, str | int | float | bool)})
    for n, d in g.nodes(data=True):
        h.add_node(n, **{k: ("" if v is None else v) for k, v in d.items()})
    for a, b, k, d in g.edges(keys=True, data=True):
        h.add_edge(a, b, key=k, **{k2: ("" if v is None else v) for k2, v in d.items()})
    return h


def _q(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(g: nx.MultiDiGraph) -> str:
    """Graphviz DOT: clusters for the 统 and 合 sides, shapes by paradigm role, hierarchy edges
    dotted, relations solid with their type, co-occurrences undirected and weighted."""
    lines = [
        "digraph concepts {",
        '  graph [rankdir=LR, fontname="Noto Sans CJK SC"];',
        '  node [fontname="Noto Sans CJK SC", style=filled, fillcolor=white];',
        '  edge [fontname="Noto Sans CJK SC"];',
    ]

    def node_line(n: str, d: dict[str, Any]) -> str:
        shape = SHAPES.get(d["paradigm_role"], "box") if d["level"] != "open" else "ellipse"
        if d["level"] == "selective":
            shape = "doublecircle"
        label = f"{n}\\n{d['name']}"
        colour = d["colour"] or "#999999"
        return f"    {_q(n)} [label={_q(label)}, shape={shape}, color={_q(colour)}];"

    sides: dict[str, list[tuple[Any, dict[str, Any]]]] = {"统": [], "合": [], "": []}
    for n, d in g.nodes(data=True):
        sides[d["axis"] if d["axis"] in sides else ""].append((n, d))
    for i, (side, title) in enumerate(
        (("统", "统 — 统筹 coordination"), ("合", "合 — 整合/合作 integration"))
    ):
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f"    label={_q(title)};")
        lines.append("    style=rounded;")
        lines.extend(node_line(n, d) for n, d in sides[side])
        lines.append("  }")
    lines.extend(node_line(n, d)[2:] for n, d in sides[""])
    for a, b, d in g.edges(data=True):
        if d["kind"] == "hierarchy":
            lines.append(f"  {_q(a)} -> {_q(b)} [style=dotted, arrowhead=none];")
        elif d["kind"] == "relation":
            lines.append(f"  {_q(a)} -> {_q(b)} [label={_q(d['type'])}, penwidth=2];")
        else:
            width = 1 + min(d["weight"], 10) / 2
            lines.append(
                f"  {_q(a)} -> {_q(b)} [dir=none, color=gray, penwidth={width:.1f}, label={_q(d['weight'])}];"
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(g: nx.MultiDiGraph) -> str:
    """A Mermaid flowchart with subgraphs for 统 and 合 (ids are n1, n2 … with the labels)."""
    ids = {n: f"n{i}" for i, n in enumerate(g.nodes, 1)}

    def node(n: str, d: dict[str, Any]) -> str:
        text = f"{n} {d['name']}".replace('"', "'")
        return f'    {ids[n]}["{text}"]'

    lines = ["flowchart LR"]
    for side, title in (("统", "统 统筹"), ("合", "合 整合/合作")):
        lines.append(f'  subgraph {"tong" if side == "统" else "he"}["{title}"]')
        lines.extend(node(n, d) for n, d in g.nodes(data=True) if d["axis"] == side)
        lines.append("  end")
    lines.extend(node(n, d)[2:] for n, d in g.nodes(data=True) if d["axis"] not in ("统", "合"))
    for a, b, d in g.edges(data=True):
        if d["kind"] == "hierarchy":
            lines.append(f"  {ids[a]} -.-> {ids[b]}")
        elif d["kind"] == "relation":
            lines.append(f"  {ids[a]} -->|{d['type']}| {ids[b]}")
        else:
            lines.append(f"  {ids[a]} ---|{d['weight']}| {ids[b]}")
    return "\n".join(lines) + "\n"


#: File names of fonts that carry Chinese glyphs (matched in lower case).
CJK_FILES = ("cjk", "sourcehan", "wqy", "droidsansfallback", "simhei", "simsun", "msyh", "pingfang")


def cjk_font() -> str | None:
    """The name of an installed font with Chinese glyphs, or None.

    matplotlib keeps its font list in a cache made on its first run, so a font installed after
    that (``apt-get install fonts-noto-cjk``) is not in it: when the cache has no CJK font, the
    system's font files are scanned and such fonts added (for this process)."""
    name = _cached_cjk_font()
    if name is None and _add_system_cjk_fonts():
        name = _cached_cjk_font()
    return name


def _add_system_cjk_fonts() -> int:
    from matplotlib import font_manager

    added = 0
    for path in font_manager.findSystemFonts():
        if any(k in Path(path).name.lower().replace("-", "") for k in CJK_FILES):
            try:
                font_manager.fontManager.addfont(path)
                added += 1
            except (OSError, RuntimeError, ValueError):
                continue  # an unreadable font file is left out
    return added


def _cached_cjk_font() -> str | None:
    from matplotlib import font_manager

    preferred = (
        "Noto Sans CJK SC",
        "Noto Serif CJK SC",
        "Source Han Sans SC",
        "WenQuanYi Zen Hei",
        "SimHei",
        "Microsoft YaHei",
        "PingFang SC",
    )
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in preferred:
        if name in names:
            return name
    for name in sorted(names):
        if "CJK" in name or "Hei" in name or "Song" in name:
            return name
    return None


_ROLE_ROW = {
    "causal": 3.0,
    "context": 2.0,
    "phenomenon": 0.0,
    "intervening": -1.5,
    "consequence": -3.0,
}


def _columns(h: nx.Graph) -> dict[str, tuple[float, float]]:
    """统 categories in a column on the left, 合 on the right, the core in the middle with the
    conditions above it and the consequences below (the paradigm model read top to bottom)."""
    pos: dict[str, tuple[float, float]] = {}
    left = sorted((n for n, d in h.nodes(data=True) if d["axis"] == "统"), key=_natural)
    right = sorted((n for n, d in h.nodes(data=True) if d["axis"] == "合"), key=_natural)
    for column, x in ((left, -1.0), (right, 1.0)):
        for i, n in enumerate(column):
            pos[n] = (x, 1.5 * ((len(column) - 1) / 2 - i))
    used: dict[float, int] = {}
    for n in sorted((n for n in h.nodes if n not in pos), key=_natural):
        d = h.nodes[n]
        y = 0.0 if d["level"] == "selective" else _ROLE_ROW.get(d["paradigm_role"], 1.0)
        k = used.get(y, 0)
        used[y] = k + 1
        pos[n] = (0.5 * ((k + 1) // 2) * (1 if k % 2 else -1), y)
    return pos


def _natural(label: str) -> tuple[str, int]:
    head = label.rstrip("0123456789")
    tail = label[len(head) :]
    return (head, int(tail) if tail else 0)


def write_svg(g: nx.MultiDiGraph, path: Path) -> list[str]:
    """A figure of the categories and the core (concepts are many): 统 categories on the left,
    合 on the right, the core between them with conditions above and consequences below."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    notes: list[str] = []
    font = cjk_font()
    if font:
        plt.rcParams["font.family"] = [font]
    else:
        notes.append(
            "no font with Chinese characters is installed: Chinese labels in the SVG show as boxes (install fonts-noto-cjk)"
        )
    plt.rcParams["svg.fonttype"] = "none"  # text stays text, so labels are searchable
    keep = [n for n, d in g.nodes(data=True) if d["level"] != "open"]
    h = nx.Graph()
    for n in keep:
        h.add_node(n, **g.nodes[n])
    for a, b, d in g.edges(data=True):
        if a in h and b in h and a != b:
            w = d.get("weight", 1)
            h.add_edge(a, b, weight=h[a][b]["weight"] + w if h.has_edge(a, b) else w)
    pos = _columns(h)
    fig, ax = plt.subplots(figsize=(11, 7.5))
    colours = [h.nodes[n]["colour"] or "#999999" for n in h.nodes]
    sizes = [400 + 12 * h.nodes[n]["codings"] for n in h.nodes]
    widths = [0.5 + min(d["weight"], 20) / 5 for _x, _x, d in h.edges(data=True)]
    nx.draw_networkx_edges(h, pos, ax=ax, width=widths, edge_color="#bbbbbb")
    nx.draw_networkx_nodes(h, pos, ax=ax, node_color=colours, node_size=sizes, alpha=0.9)
    for n, (x, y) in pos.items():
        ax.annotate(
            f"{n} {h.nodes[n]['name']}",
            (x, y),
            xytext=(0, -16),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=9,
        )
    ax.set_xlim(-1.6, 1.6)
    ax.margins(y=0.15)
    ax.set_title(f"{g.graph.get('title', '')} — 统 (left) · 合 (right)")
    ax.axis("off")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyph warnings: reported once above
        fig.savefig(path, format="svg")
    plt.close(fig)
    return notes
