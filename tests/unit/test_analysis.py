"""Analysis (issue 6): frequencies, co-occurrence, matrices, saturation, paradigm and selective
coding, as plain functions and through ``coder stats``.

The reference figures come from ``corpus/fixtures/expected.json``, computed by
``corpus/build_fixtures.py`` independently of the package (coder R1's gold codings; frequencies and
co-occurrence over the ten coding transcripts).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coder.analysis.cooccurrence as cooccurrence_module
import coder.cli
from coder.analysis.cooccurrence import brute_force, cooccurrence, count, tally
from coder.analysis.data import UNITS
from coder.analysis.frequencies import frequencies
from coder.analysis.matrix import matrix
from coder.analysis.paradigm import paradigm, paradigm_views, selective_check
from coder.analysis.saturation import saturation, stopping_rule
from coder.errors import InvalidInput
from coder.model import SourceDraft, Turn
from coder.project import Project
from tests.conftest import CORPUS

EXPECTED = json.loads((CORPUS / "fixtures" / "expected.json").read_text(encoding="utf-8"))
GOLD = EXPECTED["coder1"]
CODING = EXPECTED["coding_transcripts"]
HELD_OUT = EXPECTED["held_out"]
NEGATIVE = EXPECTED["negative_control"]


def pairs(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"a": r.a, "b": r.b, "count": r.count} for r in rows]


# -- the demo corpus against the hand-computed figures --------------------------------------------


def test_frequencies_of_the_gold_coding_match_the_fixture(demo: Project) -> None:
    got = {r.label: r for r in frequencies(demo, coder=GOLD, sources=CODING)}
    expected = EXPECTED["frequencies_coding_transcripts"]
    assert {k: {"codings": got[k].codings, "sources": got[k].sources} for k in expected} == expected
    assert got["a35"].codings == 0  # coded only in the negative control, outside the scope
    # Concepts are coded directly, so their roll-up is their own count.
    assert all(got[k].direct_codings == got[k].codings for k in expected)


def test_a_category_counts_its_concepts(demo: Project) -> None:
    got = {r.label: r for r in frequencies(demo, coder=GOLD, sources=CODING)}
    expected = EXPECTED["frequencies_coding_transcripts"]
    # A10 groups a31–a34 and no two of them code the same span in the gold coding.
    assert got["A10"].codings == sum(expected[k]["codings"] for k in ("a31", "a32", "a33", "a34"))
    sources = {
        t for k in ("a31", "a32", "a33", "a34") for t in EXPECTED["sources_per_code"][k]
    } & set(CODING)
    assert got["A10"].sources == len(sources)
    assert got["AA"].sources == len(CODING)


def test_the_planted_pairs_cooccur_by_turn_and_source(demo: Project) -> None:
    by_unit = {
        unit: {(r.a, r.b): r.count for r in cooccurrence(demo, unit, coder=GOLD, sources=CODING)}
        for unit in ("turn", "source", "segment")
    }
    for planted in EXPECTED["planted_pairs"]:
        key = (planted["a"], planted["b"])
        assert by_unit["turn"].get(key, 0) == planted["turn"], key
        assert by_unit["source"].get(key, 0) == planted["source"], key
        assert by_unit["segment"].get(key, 0) == planted["overlap"], key


def test_cooccurrence_by_turn_is_the_fixtures_full_list(demo: Project) -> None:
    rows = cooccurrence(demo, "turn", coder=GOLD, sources=CODING)
    assert pairs(rows) == EXPECTED["cooccurrence_turn"]


def test_cooccurrence_of_overlapping_segments_is_the_fixtures_list(demo: Project) -> None:
    rows = cooccurrence(demo, "segment", coder=GOLD, sources=CODING)
    assert pairs(rows) == EXPECTED["cooccurrence_overlap"]


def test_jaccard_by_turn_is_both_over_either(demo: Project) -> None:
    rows = cooccurrence(demo, "turn", coder=GOLD, sources=CODING)
    for r in rows:
        assert r.jaccard == pytest.approx(r.count / (r.a_units + r.b_units - r.count))
        assert 0 < r.jaccard <= 1


def test_sentence_pairs_nest_in_turn_pairs_and_match_brute_force(demo: Project) -> None:
    sentence = {(r.a, r.b): r.count for r in cooccurrence(demo, "sentence", coder=GOLD)}
    turn = {(r.a, r.b): r.count for r in cooccurrence(demo, "turn", coder=GOLD)}
    assert sentence  # the planted pairs sit in one sentence at least once
    assert all(n <= turn[key] for key, n in sentence.items())  # no sentence crosses a turn
    codes = {c.id: c.label for c in demo.codes()}
    total: dict[tuple[str, str], int] = {}
    for src in demo.sources():
        spans = [(s.start, s.end, s.code_id) for s in demo.segments(source=src.id, coder=GOLD)]
        counts = brute_force(spans, "sentence", demo.analysis(src.id).sentences).pairs
        for (a, b), n in counts.items():
            key = tuple(sorted((codes[a], codes[b])))
            total[key] = total.get(key, 0) + n  # type: ignore[index]
    assert total == sentence


def test_saturation_curve_in_the_tables_order(demo: Project) -> None:
    result = saturation(demo, order=CODING + HELD_OUT + NEGATIVE, coder=GOLD)
    got = [
        {
            "source": s.source,
            "new_codes": s.new_codes,
            "cumulative": s.cumulative,
            "new": list(s.new),
        }
        for s in result.curve
    ]
    assert got == EXPECTED["saturation"]


def test_held_out_sources_add_nothing_and_the_negative_control_one_code(demo: Project) -> None:
    result = saturation(demo, order=CODING, held_out=HELD_OUT + NEGATIVE, coder=GOLD)
    assert [s.source for s in result.curve] == CODING + HELD_OUT + NEGATIVE
    assert [s.held_out for s in result.curve] == [False] * 10 + [True] * 3
    added = {h.source: (h.new_codes, h.new_categories) for h in result.held_out}
    assert added == {"S2-03": ((), ()), "S4-02": ((), ()), "S5-01": (("a35",), ())}


def test_stopping_rule_on_the_demo(demo: Project) -> None:
    result = saturation(demo, order=CODING + HELD_OUT + NEGATIVE, coder=GOLD)
    curve = EXPECTED["saturation"]
    rule = result.stopping
    # Base: the first four interviews; the run S2-02, S3-01 adds 3 + 1 codes (13 % of the
    # base), the run S3-01, S3-02 adds 1 (3 %, at most 5 %): saturation after 7 interviews.
    assert rule.base_codes == curve[3]["cumulative"] == 30
    assert [r.new_codes for r in rule.runs[:2]] == [4, 1]
    assert rule.runs[0].ratio == pytest.approx(4 / 30) and not rule.runs[0].met
    assert rule.saturated_after == 7 and rule.saturated_at == "S3-02"
    assert saturation(demo, coder=GOLD, threshold=0.0).stopping.saturated_after is not None


def test_stopping_rule_by_hand() -> None:
    sets = [{1, 2, 3, 4}, {5}, {6}, {1, 7}, {2}, {3}, {4}]
    rule = stopping_rule("ABCDEFG", sets, base=2, run=2, threshold=0.2)
    assert rule.base_codes == 5
    # Runs: C+D add 6, 7 (40 %); D+E add 7 (20 %, met): saturated after 5 sources.
    assert [(r.sources, r.new_codes) for r in rule.runs] == [
        (("C", "D"), 2),
        (("D", "E"), 1),
        (("E", "F"), 0),
        (("F", "G"), 0),
    ]
    assert rule.saturated_after == 5 and rule.saturated_at == "E"
    assert stopping_rule("AB", sets[:2], base=4).saturated_after is None


def test_saturation_in_import_and_date_order(demo: Project) -> None:
    sources = demo.sources()
    assert [s.source for s in saturation(demo).curve] == [s.name for s in sources]
    by_date = sorted(sources, key=lambda s: s.attributes["date"])
    assert [s.source for s in saturation(demo, order="date").curve] == [s.name for s in by_date]
    partial = saturation(demo, order=["S5-01", "S4-02"]).curve
    assert [s.source for s in partial][:3] == ["S5-01", "S4-02", sources[0].name]
    with pytest.raises(InvalidInput, match="not a source"):
        saturation(demo, order=["S1-01", "S9-99"])
    with pytest.raises(InvalidInput, match="neither a source nor an attribute"):
        saturation(demo, order="birthday")


def test_matrix_by_role_adds_up_to_the_frequencies(demo: Project) -> None:
    freq = {r.label: r.codings for r in frequencies(demo, coder=GOLD, sources=CODING)}
    m = matrix(demo, "role", coder=GOLD, sources=CODING)
    assert "科长" in m.columns and sum(m.column_sources) == len(CODING)
    for row in m.rows:
        assert row.total == freq[row.label], row.label
        if row.total:
            assert sum(row.shares) == pytest.approx(1.0)
    a25 = next(r for r in m.rows if r.label == "a25")
    assert sum(a25.sources) == EXPECTED["frequencies_coding_transcripts"]["a25"]["sources"]


def test_matrix_by_case_has_one_column_per_interviewee(demo: Project) -> None:
    m = matrix(demo, coder=GOLD)
    assert list(m.columns) == [s.case for s in demo.sources()]
    a35 = next(r for r in m.rows if r.label == "a35")
    assert a35.codings[m.columns.index("S5-01")] == a35.total == 3
    with pytest.raises(InvalidInput, match="no attribute named"):
        matrix(demo, "职级")


def test_paradigm_view_of_the_phenomenon(demo: Project) -> None:
    view = paradigm(demo, "A3", coder=GOLD)
    assert view.role == "phenomenon"
    assert view.labels("causal") == ["A1"]
    assert view.labels("context") == ["A2"]
    assert view.labels("strategies") == ["A5", "A6", "A7", "A8", "A9"]
    assert view.labels("intervening") == ["A4"]  # A4 intervenes in A3's strategies
    assert view.labels("consequences") == ["A10"]  # the strategies lead to A10
    assert view.labels("phenomena") == view.labels("other") == []
    (a4,) = view.slots["intervening"]
    assert a4.via == ("A5", "A6", "A7", "A8", "A9")
    (a1,) = view.slots["causal"]
    assert a1.relations == ("A1 causes A3",) and a1.via == ()
    freq = {r.label: r for r in frequencies(demo, coder=GOLD)}
    assert (a1.codings, a1.sources) == (freq["A1"].codings, freq["A1"].sources)
    assert view.codings == freq["A3"].codings
    a5 = view.slots["strategies"][0]
    assert set(a5.relations) == {"A5 condition_for A3", "A5 reinforces A3", "A3 reinforces A5"}


def test_paradigm_views_cover_every_category(demo: Project) -> None:
    views = {v.label: v for v in paradigm_views(demo)}
    assert set(views) == {c.label for c in demo.codes() if c.level != "open"}
    assert views["A1"].labels("phenomena") == ["A3"]  # A1 causes the phenomenon
    assert views["A10"].labels("strategies") == ["A5", "A6", "A7", "A8", "A9"]


def test_selective_check_on_the_demo(demo: Project) -> None:
    check = selective_check(demo)
    assert check.core is not None and check.core.label == "AA"
    assert len(check.storyline) == 1 and check.storyline[0].title == "故事线"
    assert check.unrelated_categories == ()
    assert [c.label for c in check.concepts_without_category] == ["a35"]
    assert not check.complete


def test_selective_check_follows_relations_and_the_tree(demo: Project) -> None:
    loose = demo.add_code("孤立范畴", "axial")
    sub = demo.add_code("孤立子范畴", "axial", parent=loose.id)
    assert {c.label for c in selective_check(demo).unrelated_categories} == {loose.label, sub.label}
    # A relation to a category under the core relates it, and its sub-category with it.
    demo.add_relation(loose.id, "A4", "covaries_with")
    assert selective_check(demo).unrelated_categories == ()


# -- small projects built by hand ----------------------------------------------------------------

TEXT = "受访者：" + "甲乙丙丁戊己庚辛壬癸" * 4


@pytest.fixture
def tiny(tmp_path: Path):
    p = Project.create(tmp_path / "tiny.coder", title="tiny", coder="R1")
    p.add_source(SourceDraft(name="T1", text=TEXT, turns=[Turn(0, 4, len(TEXT), "受访者", "")]))
    core = p.add_code("核心", "selective", is_core=True)
    cat = p.add_code("范畴一", "axial", parent=core.id, paradigm_role="phenomenon")
    p.add_code("范畴二", "axial", parent=core.id, paradigm_role="causal")
    p.add_code("概念x", "open", parent=cat.id)
    p.add_code("概念y", "open", parent=cat.id)
    yield p
    p.close()


def test_two_concepts_on_one_span_count_once_for_their_category(tiny: Project) -> None:
    tiny.code_span("T1", 4, 8, "概念x")
    tiny.code_span("T1", 4, 8, "概念y")
    tiny.code_span("T1", 10, 14, "概念x")
    got = {r.code: r for r in frequencies(tiny)}
    assert (got["概念x"].codings, got["概念y"].codings) == (2, 1)
    assert (got["范畴一"].codings, got["范畴一"].sources, got["范畴一"].direct_codings) == (2, 1, 0)
    assert got["核心"].codings == 2 and got["范畴二"].codings == 0
    # Another coder's coding of the same span is another reference.
    tiny.code_span("T1", 4, 8, "概念x", coder="R2")
    assert {r.code: r.codings for r in frequencies(tiny)}["范畴一"] == 3
    assert {r.code: r.codings for r in frequencies(tiny, coder="R1")}["范畴一"] == 2


def test_a_concept_in_two_categories_counts_in_both(tiny: Project) -> None:
    tiny.attach_code("概念y", "范畴二")
    tiny.code_span("T1", 4, 8, "概念y")
    got = {r.code: r.codings for r in frequencies(tiny)}
    assert got["范畴一"] == got["范畴二"] == got["核心"] == 1


def test_paradigm_evidence_counts_relation_codings(tiny: Project) -> None:
    first = tiny.code_span("T1", 4, 8, "概念x")
    second = tiny.code_span("T1", 10, 14, "概念y", coder="R2")
    tiny.add_relation("范畴二", "范畴一", "causes", evidence=[first.id, second.id])
    (link,) = paradigm(tiny, "范畴一").slots["causal"]
    assert (link.label, link.evidence, link.codings) == ("A2", 2, 0)
    (link,) = paradigm(tiny, "范畴一", coder="R2").slots["causal"]
    assert link.evidence == 1


def test_selective_check_without_a_core(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "nocore.coder", title="t")
    try:
        p.add_code("范畴", "axial")
        p.add_code("概念", "open")
        check = selective_check(p)
        assert check.core is None and check.storyline == ()
        assert [c.name for c in check.unrelated_categories] == ["范畴"]
        assert [c.name for c in check.concepts_without_category] == ["概念"]
    finally:
        p.close()


def test_two_coders_coding_the_same_unit_count_once(tiny: Project) -> None:
    tiny.code_span("T1", 4, 8, "概念x")
    tiny.code_span("T1", 6, 9, "概念y")
    tiny.code_span("T1", 4, 8, "概念x", coder="R2")
    tiny.code_span("T1", 6, 9, "概念y", coder="R2")
    for unit in ("segment", "turn", "source"):
        (row,) = cooccurrence(tiny, unit)
        assert (row.count, row.jaccard) == (1, 1.0), unit


def test_a_source_without_turns_uses_its_paragraphs(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "plain.coder", title="t")
    try:
        p.add_source(SourceDraft(name="N", text="第一段文字。\n第二段文字。\n"))
        for name in ("甲", "乙", "丙"):
            p.add_code(name)
        p.code_span("N", 0, 2, "甲")
        p.code_span("N", 3, 5, "乙")
        p.code_span("N", 7, 9, "丙")
        by_turn = [(r.a_code, r.b_code, r.count) for r in cooccurrence(p, "turn")]
        assert by_turn == [("甲", "乙", 1)]
        assert len(cooccurrence(p, "source")) == 3
    finally:
        p.close()


# -- the sweep against brute force --------------------------------------------------------------


@st.composite
def codings_and_units(draw: Any) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    length = draw(st.integers(5, 120))
    spans = []
    for _ in range(draw(st.integers(0, 30))):
        start = draw(st.integers(0, length - 1))
        end = draw(st.integers(start + 1, min(length, start + 50)))
        spans.append((start, end, draw(st.integers(1, 6))))
    cuts = sorted(draw(st.sets(st.integers(0, length), max_size=15)))
    gaps = draw(st.lists(st.booleans(), min_size=len(cuts), max_size=len(cuts)))
    # Consecutive cuts make the units; some are left out, so text between units is in none.
    units = [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1) if not gaps[i]]
    return spans, units


#: (CHUNK, DENSE_LIMIT): as shipped; pairs made in several small slices (as in a large project)
#: summed in the dense table; and the same summed sparsely (as with thousands of codes).
STEPS = [(cooccurrence_module.CHUNK, cooccurrence_module.DENSE_LIMIT), (5, 10**6), (5, 0)]


@settings(max_examples=300, deadline=None)
@given(codings_and_units(), st.sampled_from(STEPS))
def test_sweep_equals_brute_force_for_every_unit(data: Any, steps: tuple[int, int]) -> None:
    spans, units = data
    with (
        patch.object(cooccurrence_module, "CHUNK", steps[0]),
        patch.object(cooccurrence_module, "DENSE_LIMIT", steps[1]),
    ):
        for unit in UNITS:
            fast = tally(spans, unit, units)
            slow = brute_force(spans, unit, units)
            assert fast.pairs == slow.pairs, unit
            assert fast.codes == slow.codes, unit
            assert fast.linked == slow.linked, unit
            for pair in fast.pairs:
                assert 0 < fast.jaccard(pair, unit) <= 1


def test_jaccard_of_the_arrays_matches_the_counters() -> None:
    spans = [(0, 5, 1), (3, 8, 2), (4, 6, 2), (9, 12, 1), (10, 11, 3), (20, 30, 3)]
    units = [(0, 6), (6, 12), (12, 40)]
    for unit in UNITS:
        arr = np.array(spans)
        zero = np.zeros(len(arr), dtype=np.int64)
        u = np.array(units)
        counts = count(
            zero,
            arr[:, 0],
            arr[:, 1],
            arr[:, 2],
            unit,
            (np.zeros(3, dtype=np.int64), u[:, 0], u[:, 1]),
        )
        slow = brute_force(spans, unit, units)
        n = len(counts.ids)
        got = {
            (int(counts.ids[k // n]), int(counts.ids[k % n])): j
            for k, j in zip(counts.pairs, counts.jaccard, strict=True)
        }
        assert got == pytest.approx({pair: slow.jaccard(pair, unit) for pair in slow.pairs}), unit


def test_sweep_spans_many_sources_at_once() -> None:
    # The same spans in two sources: each source's units and overlaps stay its own.
    spans = [(0, 5, 1), (3, 8, 2), (9, 12, 1), (10, 11, 3)]
    units = [(0, 6), (6, 12)]
    one = tally(spans, "turn", units)
    src = np.array([1] * 4 + [7] * 4)
    arr = np.array(spans * 2)
    both = count(
        src,
        arr[:, 0],
        arr[:, 1],
        arr[:, 2],
        "turn",
        (np.array([1, 1, 7, 7]), np.array([0, 6] * 2), np.array([6, 12] * 2)),
    ).tally()
    assert both.pairs == one.pairs + one.pairs and both.codes == one.codes + one.codes
    segments = count(src, arr[:, 0], arr[:, 1], arr[:, 2], "segment").tally()
    assert segments.pairs == Counter({(1, 2): 2, (1, 3): 2})


# -- coder stats ---------------------------------------------------------------------------------


@pytest.fixture
def stats(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], demo: Project):

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = coder.cli.main(["stats", str(demo.path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def as_json(result: tuple[int, str, str]) -> Any:
    code, out, err = result
    assert code == 0 and err == "", err
    return json.loads(out)


def test_cli_frequencies_json(stats: Any) -> None:
    rows = as_json(stats("frequencies", "--coder", GOLD, "--sources", ",".join(CODING), "--json"))
    assert all({"code", "label", "level", "codings", "sources"} <= set(r) for r in rows)
    a25 = next(r for r in rows if r["label"] == "a25")
    assert a25["code"] == "条块联动" and a25["level"] == "open"
    assert {"codings": a25["codings"], "sources": a25["sources"]} == EXPECTED[
        "frequencies_coding_transcripts"
    ]["a25"]


def test_cli_cooccurrence_json(stats: Any) -> None:
    rows = as_json(
        stats(
            "cooccurrence",
            "--unit",
            "turn",
            "--coder",
            GOLD,
            "--sources",
            ",".join(CODING),
            "--json",
        )
    )
    assert [{k: r[k] for k in ("a", "b", "count")} for r in rows] == EXPECTED["cooccurrence_turn"]
    assert all("jaccard" in r for r in rows)
    unordered = [frozenset((r["a"], r["b"])) for r in rows]
    assert len(unordered) == len(set(unordered))


def test_cli_saturation_json_in_import_order(stats: Any, demo: Project) -> None:
    rows = as_json(stats("saturation", "--coder", GOLD, "--json"))
    assert [r["source"] for r in rows] == [s.name for s in demo.sources()]
    assert all({"source", "new_codes", "cumulative"} <= set(r) for r in rows)
    assert rows[-1]["cumulative"] == 35
    rows = as_json(
        stats(
            "saturation",
            "--coder",
            GOLD,
            "--order",
            ",".join(CODING),
            "--held-out",
            "S2-03,S4-02,S5-01",
            "--json",
        )
    )
    assert [(r["source"], r["new_codes"]) for r in rows] == [
        (s["source"], s["new_codes"]) for s in EXPECTED["saturation"]
    ]
    assert [r["held_out_new_codes"] for r in rows[-3:]] == [[], [], ["a35"]]


def test_cli_matrix_and_paradigm_json(stats: Any) -> None:
    m = as_json(stats("matrix", "--by", "role", "--json"))
    assert m["by"] == "role" and {"value", "sources"} <= set(m["columns"][0])
    doc = as_json(stats("paradigm", "--json"))
    a3 = next(v for v in doc["categories"] if v["label"] == "A3")
    assert [x["label"] for x in a3["causal"]] == ["A1"]
    assert doc["selective"]["core"]["label"] == "AA"
    assert as_json(stats("selective", "--json"))["concepts_without_category"][0]["label"] == "a35"


@pytest.mark.parametrize(
    "args",
    [
        ["frequencies"],
        ["cooccurrence", "--unit", "segment"],
        ["saturation", "--held-out", "S2-03,S4-02", "--threshold", "5%"],
        ["matrix", "--by", "role"],
        ["paradigm", "--code", "A3"],
        ["selective"],
    ],
)
def test_cli_tables(stats: Any, args: list[str]) -> None:
    code, out, err = stats(*args)
    assert code == 0 and err == ""
    ruled = any(line.startswith("---") for line in out.splitlines())  # an aligned table
    assert ruled or out.startswith("core category")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["frequencies", "--unit", "turn"], "--unit does not apply"),
        (["cooccurrence", "--coder", "nobody"], "no coder named 'nobody'"),
        (["saturation", "--held-out", "S9-99"], "no source named 'S9-99'"),
        (["matrix", "--by", "职级"], "no attribute named"),
        (["paradigm", "--code", "A99"], "no code 'A99'"),
    ],
)
def test_cli_errors_are_one_line(stats: Any, args: list[str], says: str) -> None:
    code, out, err = stats(*args)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and says in err and "nothing was changed" in err


def test_cli_bad_kind_is_usage_error(stats: Any) -> None:
    with pytest.raises(SystemExit) as exc:
        stats("histogram")
    assert exc.value.code == 2
