"""The concept network: the 统/合 sides on the demo, metrics on hand-made graphs, exports."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import yaml
from lxml import etree

from coder.graph.export import cjk_font, to_dot, to_mermaid, write
from coder.graph.network import concept_network, neighbourhood
from coder.graph.tonghe import tonghe_view
from coder.project import Project
from tests.conftest import CODEBOOK


def _codebook_sides() -> dict[str, tuple[set[str], set[str]]]:
    """The sides as the codebook file defines them (read independently of the program)."""
    doc = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    out: dict[str, tuple[set[str], set[str]]] = {}
    for side in ("统", "合"):
        cats = {c["label"] for c in doc["codes"] if c.get("axis") == side}
        concepts = {
            c["label"] for c in doc["codes"] if c["level"] == "open" and c["parents"][0] in cats
        }
        out[side] = (cats, concepts)
    return out


def test_demo_sides_hold_the_codebooks_categories_and_concepts(demo: Project) -> None:
    g = concept_network(demo)
    view = tonghe_view(g)
    expected = _codebook_sides()
    assert set(view.sides["统"]["categories"]) == expected["统"][0] == {"A5", "A6", "A7"}
    assert set(view.sides["合"]["categories"]) == expected["合"][0] == {"A3", "A8", "A9"}
    for side in ("统", "合"):
        assert set(view.sides[side]["concepts"]) == expected[side][1]
    # the 统⇄合 relations of the codebook (A5 reinforces A3 and back) are cross-side ties
    rel = {(t["a"], t["b"]) for t in view.cross_ties if t["kind"] == "relation"}
    assert {("A5", "A3"), ("A3", "A5")} <= rel
    assert 0 < view.cross_share < 1


def test_node_and_edge_attributes(demo: Project) -> None:
    g = concept_network(demo, unit="turn")
    a25 = g.nodes["a25"]
    assert (a25["name"], a25["level"], a25["axis"], a25["axis_own"]) == (
        "条块联动",
        "open",
        "合",
        False,
    )
    assert g.nodes["A8"]["paradigm_role"] == "strategy" and g.nodes["A8"]["axis_own"]
    assert a25["codings"] == len([s for s in demo.segments(code="a25")])
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    assert kinds == {"hierarchy", "relation", "cooccurrence"}
    assert any(d["kind"] == "hierarchy" for _, b, d in g.out_edges("a25", data=True) if b == "A8")
    # the planted pair a02–a25 shares turns
    weights = [
        d["weight"]
        for a, b, d in g.edges(data=True)
        if d["kind"] == "cooccurrence" and {a, b} == {"a02", "a25"}
    ]
    assert weights and weights[0] >= 2
    near = neighbourhood(g, "a25")
    assert near[0]["weight"] >= near[-1]["weight"] and any(e["code"] == "a02" for e in near)
    assert concept_network(demo, threshold=1000).number_of_edges() < g.number_of_edges()


# -- metrics on hand-made graphs -----------------------------------------------------------------


def _graph(nodes: dict[str, tuple[str, str]], ties: list[tuple[str, str, int]]) -> nx.MultiDiGraph:
    """nodes: label -> (level, axis)."""
    g = nx.MultiDiGraph(title="t")
    for n, (level, axis) in nodes.items():
        g.add_node(
            n,
            label=n,
            name=n,
            level=level,
            axis=axis,
            paradigm_role="",
            codings=1,
            sources=1,
            colour="",
            core=False,
        )
    for a, b, w in ties:
        g.add_edge(a, b, kind="cooccurrence", weight=w, jaccard=0.5, unit="turn")
    return g


def test_density_cross_share_and_bridges_by_hand() -> None:
    # 统: t1 t2 t3 (a triangle); 合: h1 h2 (one tie); the bridge b (a 统 concept) ties t1 and h1.
    nodes = {
        "t1": ("open", "统"),
        "t2": ("open", "统"),
        "t3": ("open", "统"),
        "b": ("open", "统"),
        "h1": ("open", "合"),
        "h2": ("open", "合"),
        "x": ("open", ""),
    }
    ties = [
        ("t1", "t2", 1),
        ("t2", "t3", 1),
        ("t1", "t3", 1),
        ("h1", "h2", 1),
        ("b", "t1", 2),
        ("b", "h1", 2),
        ("x", "h2", 5),
    ]
    view = tonghe_view(_graph(nodes, ties))
    # 统 side: 4 nodes, 4 ties of 6 possible; 合: 2 nodes, 1 tie of 1.
    assert view.density == {"统": pytest.approx(4 / 6, abs=1e-6), "合": pytest.approx(1.0)}
    # ties among side codes: 6 (x is on no side); across: b–h1 only.
    assert view.cross_share == pytest.approx(1 / 6, abs=1e-6)
    assert view.cross_share_weighted == pytest.approx(2 / 8, abs=1e-6)
    # Concepts tied to both sides: b (to t1 and h1) and h1 (to b and h2). By hand, in the 6-node
    # graph of side codes, b lies on the shortest paths of the 3 × 2 pairs {t1,t2,t3} × {h1,h2}
    # and h1 on those of the 4 pairs h2 × {t1,t2,t3,b}; normalised by C(5,2) = 10.
    assert [(b["code"], b["betweenness"]) for b in view.bridging] == [("b", 0.6), ("h1", 0.4)]


def test_communities_line_up_with_the_sides() -> None:
    nodes = {f"t{i}": ("open", "统") for i in range(4)} | {
        f"h{i}": ("open", "合") for i in range(4)
    }
    ties = [(f"t{i}", f"t{j}", 3) for i in range(4) for j in range(i + 1, 4)]
    ties += [(f"h{i}", f"h{j}", 3) for i in range(4) for j in range(i + 1, 4)]
    ties += [("t0", "h0", 1)]
    view = tonghe_view(_graph(nodes, ties))
    rows = sorted((c["统"], c["合"], c["neither"]) for c in view.communities)
    assert rows == [(0, 4, 0), (4, 0, 0)]


# -- exports ----------------------------------------------------------------------------------


def test_graphml_and_gexf_keep_attributes(demo: Project, tmp_path: Path) -> None:
    g = concept_network(demo)
    for suffix, reader in ((".graphml", nx.read_graphml), (".gexf", nx.read_gexf)):
        path = tmp_path / f"net{suffix}"
        assert write(g, path) == []
        back = reader(path)
        assert back.number_of_nodes() == g.number_of_nodes()
        assert back.number_of_edges() == g.number_of_edges()
        node = back.nodes["a25"]
        assert node["name"] == "条块联动" and node["axis"] == "合" and node["level"] == "open"
        assert int(node["codings"]) == g.nodes["a25"]["codings"]
        assert {d["kind"] for _, _, d in back.edges(data=True)} == {
            "hierarchy",
            "relation",
            "cooccurrence",
        }


def test_dot_parses_and_clusters_the_sides(demo: Project) -> None:
    import pydot

    g = concept_network(demo)
    text = to_dot(g)
    (graph,) = pydot.graph_from_dot_data(text)
    clusters = {s.get_name(): s for s in graph.get_subgraphs()}
    assert set(clusters) == {"cluster_0", "cluster_1"}
    tong = {n.get_name().strip('"') for n in clusters["cluster_0"].get_nodes()}
    assert {"A5", "A6", "A7"} <= tong and "A3" not in tong
    shapes = {
        n.get_name().strip('"'): n.get("shape") for s in clusters.values() for n in s.get_nodes()
    }
    assert shapes["A3"] == "doubleoctagon" and shapes["A5"] == "box" and shapes["a25"] == "ellipse"


def test_mermaid_and_json(demo: Project, tmp_path: Path) -> None:
    g = concept_network(demo)
    text = to_mermaid(g)
    assert (
        text.startswith("flowchart LR")
        and 'subgraph tong["统 统筹"]' in text
        and "条块联动" in text
    )
    path = tmp_path / "net.json"
    write(g, path)
    back = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="links")
    assert back.nodes["a25"]["name"] == "条块联动"


def test_svg_is_well_formed_with_chinese_labels(demo: Project, tmp_path: Path) -> None:
    path = tmp_path / "net.svg"
    notes = write(concept_network(demo), path)
    root = etree.parse(str(path)).getroot()
    assert root.tag.endswith("svg")
    text = path.read_text(encoding="utf-8")
    if cjk_font() is None:
        assert notes and "Chinese" in notes[0]
        pytest.skip("no CJK font on this machine: the SVG was written with a warning, as it should")
    assert notes == [] and "会商共议平台" in text


def test_graph_command(
    demo: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import coder.cli

    out = tmp_path / "n.graphml"
    assert coder.cli.main(["graph", str(demo.path), "-o", str(out)]) == 0
    assert out.exists() and "wrote" in capsys.readouterr().out
    assert coder.cli.main(["graph", str(demo.path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc["sides"]) == {"统", "合"} and "cross_share" in doc
    assert coder.cli.main(["graph", str(demo.path), "-o", str(tmp_path / "n.png")]) == 1
    assert "nothing was written" in capsys.readouterr().err


def test_cooccurrence_evidence_shares_turns(demo: Project) -> None:
    from coder.graph.network import evidence

    g = concept_network(demo, unit="turn")
    segs = evidence(demo, g, "a02", "a25", "cooccurrence")
    weight = next(
        d["weight"]
        for a, b, d in g.edges(data=True)
        if d["kind"] == "cooccurrence" and {a, b} == {"a02", "a25"}
    )
    turns: dict[tuple[str, int], set[str]] = {}
    for s in segs:
        turn = next(t.idx for t in demo.turns(s.source) if t.start <= s.start < t.end)
        turns.setdefault((s.source, turn), set()).add(s.label)
    assert all(v == {"a02", "a25"} for v in turns.values())
    assert len(turns) == weight
    rel = evidence(demo, g, "A5", "A3", "relation")
    assert rel == []  # the codebook's relations carry no evidence codings yet
