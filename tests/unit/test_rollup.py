"""The category network grounded in the codings (issue 19): concepts' co-occurrences rolled up to
their categories, checked on the demo against counts made here straight from the fixture files
(corpus/fixtures/gold_coder1.jsonl and codebooks/tonghe.yaml), not through the program."""

from __future__ import annotations

import json
from collections import Counter
from itertools import combinations

import yaml

from coder.analysis.cooccurrence import rolled_cooccurrence
from coder.analysis.support import relation_support
from coder.graph.network import concept_network, evidence
from coder.graph.tonghe import LEVELS, tonghe_view
from coder.project import Project
from tests.conftest import CODEBOOK, CORPUS


def _codebook() -> tuple[dict[str, set[str]], set[str]]:
    """Every code's ancestors, and the labels of the axial categories, from the YAML file."""
    doc = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    parents = {c["label"]: list(c.get("parents") or []) for c in doc["codes"]}

    def up(label: str) -> set[str]:
        out: set[str] = set()
        for p in parents[label]:
            out |= {p} | up(p)
        return out

    axial = {c["label"] for c in doc["codes"] if c["level"] == "axial"}
    return {label: up(label) for label in parents}, axial


def _gold() -> list[dict]:
    lines = (CORPUS / "fixtures" / "gold_coder1.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _category_segments() -> set[tuple[str, int, int, str]]:
    """(transcript, start, end, category) for every category above each gold coding."""
    ancestors, axial = _codebook()
    return {
        (c["transcript"], c["start"], c["end"], cat)
        for c in _gold()
        # a35 数字化赋能, the negative control's new concept, sits under no category
        for cat in ancestors.get(c["code"], set()) & axial
    }


def _by_source() -> Counter:
    held: dict[str, set[str]] = {}
    for transcript, _, _, cat in _category_segments():
        held.setdefault(transcript, set()).add(cat)
    return Counter(pair for cats in held.values() for pair in combinations(sorted(cats), 2))


def _by_segment() -> Counter:
    segments = sorted(_category_segments())
    out: Counter = Counter()
    for (t1, s1, e1, c1), (t2, s2, e2, c2) in combinations(segments, 2):
        if t1 == t2 and c1 != c2 and s1 < e2 and s2 < e1:
            out[tuple(sorted((c1, c2)))] += 1
    return out


def _program(demo: Project, unit: str) -> Counter:
    return Counter(
        {
            tuple(sorted((r.a, r.b))): r.count
            for r in rolled_cooccurrence(demo, unit, coder="R1")
            if r.a.startswith("A") and r.b.startswith("A") and "AA" not in (r.a, r.b)
        }
    )


def test_rolled_up_pairs_by_source_equal_a_count_from_the_fixtures(demo: Project) -> None:
    expected = _by_source()
    assert len(expected) > 20  # the demo's categories meet in many interviews
    assert _program(demo, "source") == expected


def test_rolled_up_pairs_by_segment_equal_a_count_from_the_fixtures(demo: Project) -> None:
    expected = _by_segment()
    assert expected  # overlapping codings of concepts in different categories exist
    assert _program(demo, "segment") == expected


def test_the_core_is_never_paired_with_the_categories_under_it(demo: Project) -> None:
    rows = rolled_cooccurrence(demo, "source")
    assert rows and all("AA" not in (r.a, r.b) for r in rows)
    assert all(r.a.startswith("A") and r.b.startswith("A") for r in rows)  # categories only


def test_every_tong_and_he_category_has_a_rolled_up_degree(demo: Project) -> None:
    view = tonghe_view(concept_network(demo))
    degree = {c["code"]: c for c in view.categories}
    for side in ("统", "合"):
        for cat in view.sides[side]["categories"]:
            assert degree[cat]["degree"] > 0 and degree[cat]["weighted_degree"] > 0
            assert degree[cat]["level"] == "category"
    assert view.as_dict()["levels"]["categories"] == LEVELS["categories"] == "category"
    assert view.as_dict()["levels"]["bridging"] == "concept"
    # The category-level degree is the number of categories (not the core) met in some turn.
    turn = {tuple(sorted((r.a, r.b))) for r in rolled_cooccurrence(demo, "turn")}
    for cat, row in degree.items():
        assert row["degree"] == sum(cat in pair for pair in turn)


def test_a_category_tie_shows_the_segments_of_the_concepts_under_each(demo: Project) -> None:
    g = concept_network(demo, unit="source")
    segments = evidence(demo, g, "A5", "A8", "cooccurrence")
    codes = {s.label for s in segments}
    assert codes and all(c.startswith("a") for c in codes)  # concepts, rolled up
    ancestors, _ = _codebook()
    assert all({"A5", "A8"} & ancestors[c] for c in codes)


# -- relations with their evidence ---------------------------------------------------------------


def _relations() -> list[tuple[str, str, str]]:
    doc = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    return [(r["from"], r["to"], r["type"]) for r in doc["relations"]]


def test_each_relations_support_equals_a_count_from_the_fixtures(demo: Project) -> None:
    held: dict[str, set[str]] = {}
    for transcript, _, _, cat in _category_segments():
        held.setdefault(transcript, set()).add(cat)
    got = relation_support(demo, "source", coder="R1")
    assert [(s.source, s.target, s.type) for s in got] == _relations()
    for s in got:
        both = sum({s.source, s.target} <= cats for cats in held.values())
        assert s.units == both, (s.source, s.target)
        assert s.grounded == (both > 0) and s.evidence == 0 and s.memos == ()


def test_evidence_and_memos_count_and_unsupported_relations_are_flagged(demo: Project) -> None:
    by_turn = {(s.source, s.target, s.type): s for s in relation_support(demo, "turn")}
    flagged = [k for k, s in by_turn.items() if not s.grounded]
    assert flagged and all(by_turn[k].flag == "asserted, not yet grounded" for k in flagged)
    a, b, kind = flagged[0]
    rel = next(
        r
        for r in demo.relations()
        if (demo.code(r.from_id).label, demo.code(r.to_id).label, r.type) == (a, b, kind)
    )
    codings = demo.segments(code="a25")[:2]
    demo.add_evidence(rel.id, [c.id for c in codings])
    demo.add_memo(
        "两处条块联动都说明了这一点",
        type="theoretical",
        target="relation",
        target_id=rel.id,
        title="论证",
    )
    after = {(s.source, s.target, s.type): s for s in relation_support(demo, "turn")}[flagged[0]]
    assert (after.evidence, after.memos, after.grounded, after.flag) == (2, ("论证",), True, "")
    only_r2 = {(s.source, s.target, s.type): s for s in relation_support(demo, "turn", coder="R2")}
    assert only_r2[flagged[0]].evidence == sum(c.coder == "R2" for c in codings)
    # The network's relation ties carry the same support.
    g = concept_network(demo)
    tie = next(d for x, y, d in g.edges(data=True) if (x, y) == (a, b) and d.get("type") == kind)
    assert (tie["support"], tie["memos"], tie["grounded"]) == (after.units, 1, True)


def test_stats_paradigm_shows_the_support(demo: Project, capsys) -> None:  # type: ignore[no-untyped-def]
    import coder.cli

    assert coder.cli.main(["stats", str(demo.path), "paradigm", "--json", "--unit", "source"]) == 0
    doc = json.loads(capsys.readouterr().out)
    support = {(r["from"], r["to"], r["type"]): r for r in doc["relations"]}
    assert len(support) == len(_relations())
    assert all(
        r["unit"] == "source" and r["grounded"] == (r["units"] > 0) for r in doc["relations"]
    )
    assert coder.cli.main(["stats", str(demo.path), "paradigm", "--code", "A10"]) == 0
    out = capsys.readouterr().out
    assert "A9 → A10" in out and "A1 → A3" not in out
    assert "relations asserted, not yet grounded" in out
