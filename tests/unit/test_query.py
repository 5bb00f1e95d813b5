"""Coding queries (issue 19): the grammar, every operator on a project counted by hand, a
brute-force evaluator on random projects, attribute filters, saved queries and ``coder query``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coder.cli
from coder.analysis.query import Corpus, code_sets, evaluate, run_query
from coder.errors import InvalidInput, NotFound
from coder.facade.queries import delete_query, save_query, saved_queries
from coder.project import Project
from coder.text.importer import import_paths
from coder.text.query_grammar import Code, Op, Term, parse, show

# -- the grammar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ('a25 AND a08 NOT a26 OR "会商日"', '((a25 AND (a08 NOT a26)) OR "会商日")'),
        ("a OR b AND c", "(a OR (b AND c))"),
        ("a AND b OR c AND d", "((a AND b) OR (c AND d))"),
        ("a NOT b NOT c", "((a NOT b) NOT c)"),
        ("a NEAR/5 b IN c", "((a NEAR/5 b) IN c)"),
        ("a NEAR/3 FOLLOWED_BY b", "(a FOLLOWED_BY/3 b)"),
        ("(a OR b) AND =A3", "((a OR b) AND =A3)"),
        ("{资源下沉 & <权力>} IN “会商日”", '({资源下沉 & <权力>} IN "会商日")'),
        ("ANDROID AND and", "(ANDROID AND and)"),
    ],
)
def test_precedence_not_near_in_over_and_over_or(text: str, read: str) -> None:
    assert show(parse(text)) == read


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a AND", "an operand expected at its end"),
        ("(a OR b", "never closed"),
        ("a b", "an operator"),
        ("a OR b)", "unmatched )"),
        ("NOT a", "an operand expected before NOT"),
        ("{a & b", "unclosed {"),
        ('"会商', "unclosed quote"),
        ('=""', "= goes before a code"),
        ("   ", "empty"),
        ("a NEAR/2 FOLLOWED_BY/3 b", "distance once"),
    ],
)
def test_malformed_queries_say_where(text: str, says: str) -> None:
    with pytest.raises(InvalidInput, match="nothing was run") as err:
        parse(text)
    assert says in str(err.value)


# -- a project counted by hand -------------------------------------------------------------------
#
# S1 (Simplified, 王科长) and S2 (Traditional, 李主任). The codebook: category A1 条块协同 over a01
# 条块联动 and a02 定期会商日, category A2 阻滞因素 over a03 部门本位.

S1 = """---
id: 王科长
role: 科长
date: 2019-03-05
duration_min: 95
---
访谈者：会商日是怎么开起来的？
王科长：每月开一次会商日。条块联动靠的是现场拍板。部门本位还是有的。
访谈者：举个例子？
王科长：井盖的事当场就定了。
"""
S2 = """---
id: 李主任
role: 主任
date: 2024-05-16
duration_min: 120
---
訪談者：條塊怎麼配合？
李主任：條塊聯動以後，會商日變成固定的。部門本位少了。
"""


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("hand")
    (folder / "S1.txt").write_text(S1, encoding="utf-8")
    (folder / "S2.txt").write_text(S2, encoding="utf-8")
    p = Project.create(folder / "hand.coder", title="hand", coder="R1")
    p.set_setting("speakers", ["王科长", "李主任"])  # as `coder dictionary P speakers` does
    import_paths(p, [folder / "S1.txt", folder / "S2.txt"])
    p.add_code("条块协同", "axial")
    p.add_code("阻滞因素", "axial")
    p.add_code("条块联动", "open", parent="A1")
    p.add_code("定期会商日", "open", parent="A1")
    p.add_code("部门本位", "open", parent="A2")
    text = {s.name: p.source_text(s.id) for s in p.sources()}
    for source, phrase, code, who in [
        ("S1", "每月开一次会商日。", "a02", "R1"),
        ("S1", "条块联动靠的是现场拍板", "a01", "R1"),
        ("S1", "拍板。部门本位还是有的", "a03", "R1"),
        ("S1", "井盖的事当场就定了", "a01", "R1"),
        ("S2", "條塊聯動以後", "a01", "R1"),
        ("S2", "會商日變成固定的", "a02", "R1"),
        ("S2", "部門本位少了", "a03", "R1"),
        ("S2", "會商日變成固定的", "a01", "R2"),
    ]:
        start = text[source].index(phrase)
        p.code_span(source, start, start + len(phrase), code, coder=who)
    yield p, text
    p.close()


def found(p: Project, query: str, **options: object) -> list[tuple[str, str]]:
    return [(h.source, h.text) for h in run_query(p, query, **options).hits]  # type: ignore[arg-type]


def test_the_hand_built_project_is_as_described(hand) -> None:
    p, text = hand
    assert text["S1"].startswith("访谈者：会商日") and "會商日" in text["S2"]
    assert {c.label: c.name for c in p.codes()}["A1"] == "条块协同"
    # The sentences and turns the unit answers below are counted with.
    s1 = p.source_id("S1")
    assert [t.speaker for t in p.turns(s1)] == ["访谈者", "王科长", "访谈者", "王科长"]
    assert [text["S1"][s:e] for s, e in p.analysis(s1).sentences][1:4] == [
        "每月开一次会商日。",
        "条块联动靠的是现场拍板。",
        "部门本位还是有的。",
    ]


def test_and_is_the_overlap_of_codings(hand) -> None:
    p, _ = hand
    assert found(p, "a01 AND a03") == [("S1", "拍板")]
    assert found(p, "条块协同 AND 部门本位") == [("S1", "拍板")]  # names, and categories
    # Touching is not overlapping; R2's a01 on the same span as a02 is.
    assert found(p, "a02 AND a01") == [("S2", "會商日變成固定的")]
    assert found(p, "a02 AND a01", coder="R1") == []


def test_or_merges_overlapping_and_touching_hits(hand) -> None:
    p, _ = hand
    assert found(p, "a02 OR a01") == [
        ("S1", "每月开一次会商日。条块联动靠的是现场拍板"),
        ("S1", "井盖的事当场就定了"),
        ("S2", "條塊聯動以後"),
        ("S2", "會商日變成固定的"),
    ]


def test_not_with_a_category_and_with_only_the_category_itself(hand) -> None:
    p, _ = hand
    assert found(p, "A1 NOT a03") == [
        ("S1", "井盖的事当场就定了"),
        ("S2", "條塊聯動以後"),
        ("S2", "會商日變成固定的"),
    ]
    assert found(p, "=A1 NOT a03") == []  # nobody coded the category itself
    assert found(p, "a03 NOT A1") == [("S2", "部門本位少了")]


def test_near_counts_the_gap_in_characters(hand) -> None:
    p, _ = hand
    assert found(p, "a02 NEAR/0 a01") == [
        ("S1", "每月开一次会商日。条块联动靠的是现场拍板"),
        ("S2", "會商日變成固定的"),
    ]
    # 條塊聯動以後 is one character (，) away from 會商日變成固定的.
    assert found(p, "a02 NEAR/1 a01")[1:] == [("S2", "條塊聯動以後，會商日變成固定的")]


def test_followed_by_and_its_bound(hand) -> None:
    p, _ = hand
    assert found(p, "a01 FOLLOWED_BY a03") == [
        ("S1", "条块联动靠的是现场拍板。部门本位还是有的"),
        ("S2", "條塊聯動以後，會商日變成固定的。部門本位少了"),
    ]
    # From the end of 部门本位还是有的 to 井盖: 。\n访谈者：举个例子？\n王科长： is 16 characters.
    assert found(p, "a03 FOLLOWED_BY/15 a01") == []
    assert [t for _, t in found(p, "a03 NEAR/16 FOLLOWED_BY a01")] == [
        "拍板。部门本位还是有的。\n访谈者：举个例子？\n王科长：井盖的事当场就定了"
    ]


def test_in_and_search_terms(hand) -> None:
    p, _ = hand
    # The interviewer's 会商日 is not coded; the Traditional 會商日 is another word.
    assert found(p, '"会商日" IN A1') == [("S1", "会商日")]
    assert len(found(p, '"会商日"')) == 2
    assert found(p, '"會商日" IN a01', coder="R2") == [("S2", "會商日")]
    assert found(p, "a02 IN a01") == [("S2", "會商日變成固定的")]


def test_where_compares_dates_and_numbers_as_such(hand) -> None:
    p, _ = hand
    assert [s for s, _ in found(p, "A1", where=["role=科长"])] == ["S1", "S1"]
    assert [s for s, _ in found(p, "A1", where=["date>=2020-01-01"])] == ["S2", "S2"]
    assert [s for s, _ in found(p, "A1", where=["date<2020/1/1"])] == ["S1", "S1"]
    # As text "95" > "100"; as numbers it is not.
    assert [s for s, _ in found(p, "a03", where=["duration_min>100"])] == ["S2"]
    assert found(p, "a03", where=["role=科长", "duration_min>100"]) == []
    assert [s for s, _ in found(p, "a03", where=["case!=王科长"])] == ["S2"]
    with pytest.raises(InvalidInput, match="no source or case has an attribute 'age'"):
        run_query(p, "a03", where=["age>3"])
    with pytest.raises(InvalidInput, match="not ATTRIBUTE=VALUE"):
        run_query(p, "a03", where=["role"])


def test_units_and_adjacency_at_their_borders(hand) -> None:
    p, text = hand
    # a02 and a01 touch across a sentence border: same turn, not the same sentence.
    assert len(found(p, "a02 AND a01", unit="turn")) == 2
    assert found(p, "a02 AND a01", unit="sentence") == [("S2", "條塊聯動以後，會商日變成固定的。")]
    assert len(found(p, "a02 AND a01", unit="source")) == 2
    # Adjacent sentences are 0 characters apart: the hit is both sentences.
    assert found(p, "a02 NEAR/0 a01", unit="sentence")[:2] == [
        ("S1", "每月开一次会商日。"),
        ("S1", "条块联动靠的是现场拍板。"),
    ]
    # a03 starts inside the sentence of 条块联动 (at 拍板), so only two of A1's sentences are left.
    assert found(p, "A1 NOT a03", unit="sentence") == [
        ("S1", "每月开一次会商日。"),
        ("S1", "井盖的事当场就定了。"),
        ("S2", "條塊聯動以後，會商日變成固定的。"),
    ]
    hits = run_query(p, "a01 AND a03", unit="turn").hits
    # The codes a hit lists are the query's (a02 is in the same turn but not asked for).
    assert [(h.source, h.case, h.codes) for h in hits] == [
        ("S1", "王科长", ("a01", "a03")),
        ("S2", "李主任", ("a01", "a03")),
    ]
    assert text["S1"][hits[0].start : hits[0].end].startswith("每月开一次")


def test_unknown_codes_are_refused(hand) -> None:
    p, _ = hand
    with pytest.raises(InvalidInput, match="no code with the label or name 'a99'"):
        run_query(p, "a01 AND a99")


# -- random projects against a brute-force evaluator ---------------------------------------------


def brute(node, codings, texts, sets, units):  # type: ignore[no-untyped-def]
    """Character sets (segment unit) or unit index sets, pair by pair: the definitions."""
    if units is None:
        return _brute_chars(node, codings, texts, sets)
    return _brute_units(node, codings, texts, sets, units)


def _runs(chars: set[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for c in sorted(chars):
        if out and out[-1][1] == c:
            out[-1] = (out[-1][0], c + 1)
        else:
            out.append((c, c + 1))
    return out


def _covered(node, codings, texts, sets):  # type: ignore[no-untyped-def]
    out: dict[int, list[tuple[int, int]]] = {}
    if isinstance(node, Term):
        for sid, body in texts.items():
            for i in range(len(body)):
                if body.startswith(node.text, i):
                    out.setdefault(sid, []).append((i, i + len(node.text)))
    else:
        for cid in sets[node]:
            for sid, s, e in codings.get(cid, []):
                out.setdefault(sid, []).append((s, e))
    return out


def _brute_chars(node, codings, texts, sets):  # type: ignore[no-untyped-def]
    if not isinstance(node, Op):
        spans = _covered(node, codings, texts, sets)
        return {sid: {c for s, e in v for c in range(s, e)} for sid, v in spans.items()}
    a = _brute_chars(node.left, codings, texts, sets)
    b = _brute_chars(node.right, codings, texts, sets)
    out: dict[int, set[int]] = {}
    for sid in set(a) | set(b):
        x, y = a.get(sid, set()), b.get(sid, set())
        if node.op == "AND":
            got = x & y
        elif node.op == "OR":
            got = x | y
        else:
            got = set()
            for s, e in _runs(x):
                if node.op == "NOT" and not (set(range(s, e)) & y):
                    got |= set(range(s, e))
                if node.op == "IN" and any(bs <= s and e <= be for bs, be in _runs(y)):
                    got |= set(range(s, e))
                if node.op == "NEAR":
                    for bs, be in _runs(y):
                        if max(0, bs - e, s - be) <= (node.n or 0):
                            got |= set(range(min(s, bs), max(e, be)))
                if node.op == "FOLLOWED_BY":
                    later = [(bs, be) for bs, be in _runs(y) if bs > s]
                    if later:
                        bs, be = min(later)
                        if node.n is None or max(0, bs - e) <= node.n:
                            got |= set(range(s, max(e, be)))
        if got:
            out[sid] = got
    return out


def _brute_units(node, codings, texts, sets, units):  # type: ignore[no-untyped-def]
    if not isinstance(node, Op):
        spans = _covered(node, codings, texts, sets)
        out = {
            sid: {k for k, (us, ue) in enumerate(units[sid]) for s, e in v if s < ue and us < e}
            for sid, v in spans.items()
        }
        return {sid: ks for sid, ks in out.items() if ks}
    a = _brute_units(node.left, codings, texts, sets, units)
    b = _brute_units(node.right, codings, texts, sets, units)
    result: dict[int, set[int]] = {}
    for sid in set(a) | set(b):
        x, y, u = a.get(sid, set()), b.get(sid, set()), units.get(sid, [])
        got: set[int] = set()
        if node.op in ("AND", "IN"):
            got = x & y
        elif node.op == "OR":
            got = x | y
        elif node.op == "NOT":
            got = x - y
        elif node.op == "NEAR":
            for i in x:
                for j in y:
                    lo, hi = min(i, j), max(i, j)
                    if (0 if i == j else u[hi][0] - u[lo][1]) <= (node.n or 0):
                        got |= set(range(lo, hi + 1))
        else:
            for i in x:
                later = [j for j in y if j > i]
                if later and (node.n is None or u[min(later)][0] - u[i][1] <= node.n):
                    got |= set(range(i, min(later) + 1))
        if got:
            result[sid] = got
    return result


OPERANDS = [Code("c1"), Code("c2"), Code("c3"), Code("C"), Code("C", exact=True), Term("ab")]
#: C is a category over c1 and c2, coded directly too (code 4).
SETS = {
    Code("c1"): frozenset({1}),
    Code("c2"): frozenset({2}),
    Code("c3"): frozenset({3}),
    Code("C"): frozenset({1, 2, 4}),
    Code("C", exact=True): frozenset({4}),
}


def trees() -> st.SearchStrategy:
    leaf = st.sampled_from(OPERANDS)

    def grow(inner: st.SearchStrategy) -> st.SearchStrategy:
        ops = st.sampled_from(["AND", "OR", "NOT", "NEAR", "FOLLOWED_BY", "FOLLOWED_BY/", "IN"])
        return st.builds(
            lambda op, a, b, n: Op(
                op.rstrip("/"), a, b, n if op in ("NEAR", "FOLLOWED_BY/") else None
            ),
            ops,
            inner,
            inner,
            st.integers(0, 6),
        )

    return st.recursive(leaf, grow, max_leaves=5)


@st.composite
def corpora(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    texts = {sid: draw(st.text(alphabet="ab。c", min_size=4, max_size=40)) for sid in (1, 2, 3)}
    codings: dict[int, list[tuple[int, int, int]]] = {}
    for _ in range(draw(st.integers(0, 14))):
        sid = draw(st.sampled_from([1, 2, 3]))
        n = len(texts[sid])
        s = draw(st.integers(0, n - 1))
        e = draw(st.integers(s + 1, n))
        codings.setdefault(draw(st.integers(1, 4)), []).append((sid, s, e))
    units = {}
    for sid, body in texts.items():
        cuts = sorted(set(draw(st.lists(st.integers(0, len(body)), max_size=6))) | {0, len(body)})
        # Some stretches between units belong to no unit (speaker labels, blank lines).
        spans = [(s, e) for s, e in zip(cuts, cuts[1:], strict=False) if e > s]
        units[sid] = [sp for sp in spans if draw(st.booleans()) or len(spans) == 1]
    return texts, codings, units


@settings(max_examples=300, deadline=None)
@given(trees(), corpora(), st.booleans())
def test_evaluation_equals_the_brute_force_definition(tree, corpus, by_unit) -> None:  # type: ignore[no-untyped-def]
    texts, codings, units = corpus
    assert parse(show(tree)) == tree
    got = evaluate(tree, Corpus(codings, texts, units if by_unit else None), SETS)
    want = brute(tree, codings, texts, SETS, units if by_unit else None)
    if by_unit:
        assert {sid: set(v) for sid, v in got.items()} == want
    else:
        assert got == {sid: _runs(chars) for sid, chars in want.items()}


def test_a_category_stands_for_every_code_under_it(hand) -> None:
    from coder.analysis.data import Hierarchy

    p, _ = hand
    ids = {c.label: c.id for c in p.codes()}
    sets = code_sets(parse("A1 AND =A1 AND a03"), Hierarchy.of(p))
    assert sets[Code("A1")] == {ids["A1"], ids["a01"], ids["a02"]}
    assert sets[Code("A1", exact=True)] == {ids["A1"]}
    assert sets[Code("a03")] == {ids["a03"]}


# -- saved queries and the command ---------------------------------------------------------------


def test_saved_queries_are_undoable_changes(tmp_path: Path, hand) -> None:
    p, _ = hand
    copy = tmp_path / "copy.coder"
    p.copy_to(copy)
    with Project.open(copy, coder="R1") as q:
        save_query(q, "条块 and 阻滞", "A1 AND A2", where=["role=科长"], unit="turn")
        assert [s.as_dict()["where"] for s in saved_queries(q)] == [["role=科长"]]
        assert q.log(limit=1)[0].summary == "save query 条块 and 阻滞"
        save_query(q, "条块 and 阻滞", "A1 OR A2")
        assert [s.expression for s in saved_queries(q)] == ["A1 OR A2"]
        q.undo()
        assert [s.expression for s in saved_queries(q)] == ["A1 AND A2"]
        with pytest.raises(InvalidInput, match="stray brace.*nothing was saved"):
            save_query(q, "bad", "A1 AND }")
        delete_query(q, "条块 and 阻滞")
        assert saved_queries(q) == []
        with pytest.raises(NotFound, match="no saved query named 'x'"):
            delete_query(q, "x")


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = coder.cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_the_query_command(tmp_path: Path, hand, capsys: pytest.CaptureFixture[str]) -> None:
    p, _ = hand
    path = tmp_path / "cli.coder"
    p.copy_to(path)
    status, out, _ = run_cli(["query", str(path), "a01 AND a03", "--json"], capsys)
    assert status == 0
    rows = json.loads(out)
    assert rows == [
        {
            "source": "S1",
            "start": rows[0]["start"],
            "end": rows[0]["start"] + 2,
            "text": "拍板",
            "codes": ["a01", "a03"],
            "case": "王科长",
        }
    ]
    status, out, _ = run_cli(
        ["query", str(path), "--save", "r2", "a01", "--coder", "R2", "--where", "role=主任"], capsys
    )
    assert status == 0 and out.startswith(
        "saved query r2\na01 by segment: 1 hits in 1 of 1 sources"
    )
    status, out, _ = run_cli(["query", str(path), "--run", "r2", "--json"], capsys)
    assert [r["text"] for r in json.loads(out)] == ["會商日變成固定的"]
    status, out, _ = run_cli(["query", str(path), "--list"], capsys)
    assert "r2" in out and "role=主任" in out
    status, _, err = run_cli(["query", str(path), "a01 AND"], capsys)
    assert status == 1 and err.count("\n") == 1 and "an operand expected" in err
    status, _, err = run_cli(["query", str(path), "a01", "--run", "r2"], capsys)
    assert status == 1 and "takes no expression" in err


# -- matrix coding queries -------------------------------------------------------------------------


def test_a_matrix_of_queries_holds_what_row_and_column_both_find(hand) -> None:
    from coder.analysis.query_matrix import query_matrix

    p, _ = hand
    m = query_matrix(p, ["a01", "a03"], ["a02", "A2"])
    # Counted by hand from the codings above: a01∩a02 is R2's 會商日變成固定的 (the S1 ones only
    # touch), a01∩A2 is S1's 拍板, a03∩a02 is empty, a03∩A2 is a03 itself in both sources.
    assert [[(c.passages, c.sources) for c in line] for line in m.cells] == [
        [(1, 1), (1, 1)],
        [(0, 0), (2, 2)],
    ]
    assert [h.text for h in m.cells[0][1].hits] == ["拍板"]
    # R1 alone never coded 會商日變成固定的 with a01.
    assert query_matrix(p, ["a01"], ["a02"], coder="R1").cells[0][0].passages == 0
    table = m.as_dict()
    assert table["columns"] == ["a02", "A2"] and table["cells"][1][1]["passages"] == 2


def test_a_matrix_by_attribute_splits_the_row_hits_by_the_sources_values(hand) -> None:
    from coder.analysis.query_matrix import query_matrix

    p, _ = hand
    m = query_matrix(p, ["a01", "a03"], by="role")
    assert m.columns == ("科长", "主任")
    assert [[c.passages for c in line] for line in m.cells] == [[2, 2], [1, 1]]
    # At the sentence unit S2's two a01 passages are one sentence (a comma between them).
    s = query_matrix(p, ["a01"], by="role", unit="sentence")
    assert [c.passages for c in s.cells[0]] == [2, 1]
    assert query_matrix(p, ["a01"], by="case").columns == ("王科长", "李主任")


def test_a_matrix_query_refuses_an_unclear_shape(hand) -> None:
    from coder.analysis.query_matrix import query_matrix

    p, _ = hand
    with pytest.raises(InvalidInput, match="either column queries or --by"):
        query_matrix(p, ["a01"], ["a02"], by="role")
    with pytest.raises(InvalidInput, match="no attribute named 'rank'"):
        query_matrix(p, ["a01"], by="rank")
    with pytest.raises(InvalidInput, match="at least one row"):
        query_matrix(p, [], ["a02"])


def test_split_queries_at_semicolons_outside_braces_and_quotes() -> None:
    from coder.analysis.query_matrix import split_queries

    assert split_queries(['a25 AND a08; {a, b; c} OR "x;y, z"', "“会;商”;; a01,a02"]) == [
        "a25 AND a08",
        '{a, b; c} OR "x;y, z"',
        "“会;商”",
        "a01,a02",
    ]


def test_stats_matrix_of_queries(tmp_path: Path, hand, capsys: pytest.CaptureFixture[str]) -> None:
    p, _ = hand
    path = tmp_path / "matrix.coder"
    p.copy_to(path)
    # The cells counted by hand in test_a_matrix_of_queries_holds_what_row_and_column_both_find.
    status, out, _ = run_cli(
        ["stats", str(path), "matrix", "--rows", "a01;a03", "--columns", "a02; A2", "--json"],
        capsys,
    )
    assert status == 0
    cells = json.loads(out)["cells"]
    assert [[(c["passages"], c["sources"]) for c in line] for line in cells] == [
        [(1, 1), (1, 1)],
        [(0, 0), (2, 2)],
    ]
    assert [h["text"] for h in cells[0][1]["hits"]] == ["拍板"]
    # Text, --rows repeated, and the passages behind each cell.
    status, out, _ = run_cli(
        ["stats", str(path), "matrix", "--rows", "a01", "--rows", "a03", "--columns", "A2"]
        + ["--passages"],
        capsys,
    )
    lines = out.splitlines()
    assert lines[0].startswith("passages per row and column query (unit: segment)")
    assert [line.split() for line in lines[3:5]] == [["a01", "1", "(1)"], ["a03", "2", "(2)"]]
    assert "a01 × A2: 1 passage in 1 source" in out and "  S1 " in out and "拍板" in out
    assert "a03 × A2: 2 passages in 2 sources" in out and "部門本位少了" in out
    # A query with a comma in it is one query; by role (科长 S1, 主任 S2): the term is in S2
    # (以後，會商日), a03 once in each.
    status, out, _ = run_cli(
        ["stats", str(path), "matrix", "--rows", '"後，會" OR a03; a01', "--by", "role", "--json"],
        capsys,
    )
    m = json.loads(out)
    assert m["columns"] == ["科长", "主任"]
    assert [[c["passages"] for c in line] for line in m["cells"]] == [[1, 2], [2, 2]]
    # Without --columns or --by the columns are the cases, as for the code matrix.
    status, out, _ = run_cli(["stats", str(path), "matrix", "--rows", "a01", "--json"], capsys)
    assert json.loads(out)["columns"] == ["王科长", "李主任"]
    for argv, says in [
        (["--columns", "a02"], "--columns needs --rows"),
        (["--unit", "turn"], "--unit goes with --rows"),
        (["--rows", "a01", "--sources", "S1"], "--sources does not apply"),
        (["--rows", "a01 AND"], "an operand expected"),
        (["--rows", ";"], "at least one row"),
    ]:
        status, _, err = run_cli(["stats", str(path), "matrix", *argv], capsys)
        assert status == 1 and err.count("\n") == 1 and says in err, (argv, err)


def test_a_set_of_chosen_sources(tmp_path: Path, hand) -> None:
    p, _ = hand
    p.copy_to(tmp_path / "sets.coder")
    q = Project.open(tmp_path / "sets.coder", coder="R1")
    s1, s2 = q.source_id("S1"), q.source_id("S2")
    made = q.make_set("hits", [s2, s1, s2], description="from a query")
    assert made.sources == (s2, s1)  # in the order given, each once
    assert q.source_set("hits").sources == (s2, s1)
    assert q.source_set("hits").description == "from a query"
    with pytest.raises(InvalidInput, match="exists already"):
        q.make_set("hits", [s1])
    with pytest.raises(InvalidInput, match="at least one source"):
        q.make_set("none", [])
    with pytest.raises(NotFound, match="no source with id 999"):
        q.make_set("lost", [999])
    assert [s.name for s in q.sets()] == ["hits"]
    q.undo()
    assert q.sets() == []
    q.close()
