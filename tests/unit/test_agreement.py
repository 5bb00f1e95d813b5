"""Inter-coder agreement: the statistics against independent references (the ``krippendorff``
package, Krippendorff's published example, scikit-learn, hand counts, the fixture figures computed
by corpus/build_fixtures.py) and the ``agreement`` command."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coder.analysis.agreement import (
    agreement,
    cohen_kappa,
    composite_r,
    holsti_k,
    krippendorff_alpha,
    percent_agreement,
    reliability_rows,
)
from coder.errors import InvalidInput, NotFound
from coder.model import SourceDraft, Turn
from coder.project import Project

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((ROOT / "corpus" / "fixtures" / "expected.json").read_text(encoding="utf-8"))


# -- Krippendorff's α ----------------------------------------------------------------------------


def _package_alpha(matrix: np.ndarray, weights: np.ndarray | None = None) -> float | None:
    """The ``krippendorff`` package on the same data (−1 missing), units repeated by weight."""
    import krippendorff

    data = np.where(matrix >= 0, matrix, np.nan).astype(float)
    if weights is not None:
        data = np.repeat(data, weights, axis=1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:  # fewer than two values, or no unit with two coders
        return None
    return None if math.isnan(value) else value


reliability_data = st.integers(2, 5).flatmap(
    lambda coders: st.integers(1, 25).flatmap(
        lambda units: st.lists(
            st.lists(st.integers(-1, 4), min_size=units, max_size=units),
            min_size=coders,
            max_size=coders,
        )
    )
)


@settings(max_examples=200, deadline=None)
@given(reliability_data)
def test_alpha_agrees_with_the_krippendorff_package_with_missing_values(rows):
    matrix = np.array(rows)
    expected = _package_alpha(matrix)
    for method in ("sparse", "package", "auto"):
        got = krippendorff_alpha(matrix, method=method)
        if expected is None:
            assert got is None
        else:
            assert got == pytest.approx(expected, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(reliability_data, st.data())
def test_weighted_alpha_counts_each_unit_that_many_times(rows, data):
    matrix = np.array(rows)
    weights = np.array(
        data.draw(st.lists(st.integers(1, 4), min_size=matrix.shape[1], max_size=matrix.shape[1]))
    )
    expected = _package_alpha(matrix, weights)
    got = krippendorff_alpha(matrix, weights, method="sparse")
    assert got == (None if expected is None else pytest.approx(expected, abs=1e-9))


def test_alpha_reproduces_krippendorffs_published_example():
    """Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*. Annenberg School for
    Communication, University of Pennsylvania, Departmental Papers (ASC) 43, example C ("nominal
    data, any number of observers, missing data"): four observers A–D, twelve units, values 1–5,
    "." for a missing value; the paper gives α = 0.743 (nominal). The same data is the "C" example
    of R's irr/DescTools ``kripp.alpha``."""
    m = -1
    observers = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m],  # A
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3],  # B
            [m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m],  # C
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m],  # D
        ]
    )
    for method in ("sparse", "package"):
        assert round(krippendorff_alpha(observers, method=method), 3) == 0.743


def test_alpha_is_undefined_without_variation_or_pairs():
    assert krippendorff_alpha([[1, 1, 1], [1, 1, 1]]) is None
    assert krippendorff_alpha([[1, -1, 2], [-1, 2, -1]]) is None


# -- Cohen's κ, percent, Holsti ------------------------------------------------------------------

label_pairs = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
        st.lists(st.integers(1, 5), min_size=n, max_size=n),
    )
)


@settings(max_examples=300, deadline=None)
@given(label_pairs)
def test_kappa_equals_scikit_learn(pair):
    from sklearn.metrics import cohen_kappa_score

    a, b, weights = pair
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = cohen_kappa_score(a, b)
        weighted = cohen_kappa_score(a, b, sample_weight=weights)
    for ours, theirs in ((cohen_kappa(a, b), plain), (cohen_kappa(a, b, weights), weighted)):
        if math.isnan(theirs):  # both coders used one and the same value throughout
            assert ours == 1.0 and a == b
        else:
            assert ours == pytest.approx(theirs, abs=1e-9)


def test_missing_values_leave_the_unit_out_of_kappa_and_percent():
    a = [0, 1, -1, 1, 2, 0]
    b = [0, 1, 2, -1, 2, 1]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa([0, 1, 2, 0], [0, 1, 2, 1]))
    assert percent_agreement(a, b) == 0.75
    assert cohen_kappa([-1], [1]) is None


def test_holsti_and_composite_reliability_by_hand():
    assert holsti_k(38, 44, 43) == pytest.approx(76 / 87)
    assert composite_r(0.5, 2) == pytest.approx(2 / 3)
    assert composite_r(5 / 9, 3) == pytest.approx(15 / 19)
    assert holsti_k(0, 0, 0) is None


TEXT = "一二三四五六七八九十。" * 4  # 44 characters, four sentences


def _small(path: Path) -> Project:
    """One source of two turns; coders A, B, C; codes c1, c2 (A and C code alike)."""
    p = Project.create(path, title="agreement")
    p.add_source(
        SourceDraft(
            name="S", text=TEXT, turns=[Turn(0, 0, 22, "受访者", ""), Turn(1, 22, 44, "", "")]
        )
    )
    c1, c2 = (p.add_code(n).id for n in ("c1", "c2"))
    s = p.source_id("S")
    spans = {
        "A": [(0, 5, c1), (11, 16, c2), (22, 27, c1)],
        "B": [(0, 5, c1), (11, 16, c1), (33, 38, c2)],
        "C": [(0, 5, c1), (11, 16, c2), (22, 27, c1)],
    }
    p.add_codings([(s, code, a, b, who) for who, rows in spans.items() for a, b, code in rows])
    return p


def test_segment_agreement_by_hand(project_path):
    """Units are the four distinct spans. A: c1, c2, c1, – ; B: c1, c1, –, c2.
    A–B: M = 1 (0–5 c1), N1 = N2 = 3, K = 2/6, R = 2K/(1+K) = 1/2; percent 1/4; chance agreement
    pe = (2·2 + 1·1 + 1·1)/16 = 3/8, κ = (1/4 − 3/8)/(5/8) = −1/5. A–C agree fully (K = 1), B–C as
    A–B: mean K = 5/9 and the three coders' composite R = 3K/(1+2K) = 15/19."""
    p = _small(project_path)
    two = agreement(p, ["A", "B"])
    assert (two.pairs[0].m, two.pairs[0].n1, two.pairs[0].n2) == (1, 3, 3)
    assert two.holsti_k == pytest.approx(1 / 3)
    assert two.composite_r == pytest.approx(1 / 2)
    assert two.percent == pytest.approx(1 / 4)
    assert two.cohen_kappa == pytest.approx(-1 / 5)
    assert two.units == 4
    three = agreement(p, ["A", "B", "C"])
    assert three.holsti_k == pytest.approx(5 / 9)
    assert three.composite_r == pytest.approx(15 / 19)
    assert three.cohen_kappa == pytest.approx((-1 / 5 + 1 - 1 / 5) / 3)
    assert [r[0] for r in reliability_rows(three)] == ["A–B", "A–C", "B–C"]
    assert reliability_rows(three, summary=True)[-1][4:6] == (three.holsti_k, three.composite_r)
    p.close()


def test_turn_and_char_units_by_hand(project_path):
    """Turns 0–22 and 22–44: A has {c1, c2} and {c1}, B has {c1} and {c2}, so percent 0; the
    decisions are A: (1, c1) (1, c2) (2, c1), B: (1, c1) (2, c2), M = 1. Characters: each coder
    codes 15 of them, 5 alike (0–5 c1); percent is counted character by character below."""
    p = _small(project_path)
    turn = agreement(p, ["A", "B"], unit="turn")
    assert turn.units == 2
    assert turn.percent == 0
    assert (turn.pairs[0].m, turn.pairs[0].n1, turn.pairs[0].n2) == (1, 3, 2)
    char = agreement(p, ["A", "B"], unit="char")
    a, b = ["-"] * len(TEXT), ["-"] * len(TEXT)
    for labels, rows in (
        (a, [(0, 5, "c1"), (11, 16, "c2"), (22, 27, "c1")]),
        (b, [(0, 5, "c1"), (11, 16, "c1"), (33, 38, "c2")]),
    ):
        for s, e, code in rows:
            labels[s:e] = [code] * (e - s)
    assert char.units == 44
    assert char.percent == pytest.approx(sum(x == y for x, y in zip(a, b, strict=True)) / 44)
    assert (char.pairs[0].m, char.pairs[0].n1, char.pairs[0].n2) == (5, 15, 15)
    p.close()


# -- the demo's second coder ---------------------------------------------------------------------


def test_demo_second_coder_matches_the_fixture_figures(demo):
    expected = EXPECTED["agreement_segment"]
    result = agreement(demo, [EXPECTED["coder1"], EXPECTED["coder2"]], unit="segment")
    assert list(result.sources) == expected["scope"]
    assert result.units == expected["segments"]
    pair = result.pairs[0]
    assert (pair.m, pair.n1, pair.n2) == (expected["M"], expected["N1"], expected["N2"])
    for key in ("holsti_k", "composite_r", "cohen_kappa", "percent"):
        assert getattr(result, key) == pytest.approx(expected[key], abs=1e-6), key
    per_code = {c.code: c for c in result.per_code}
    assert set(per_code) == set(expected["per_code"])
    for code in ("a09", "a10", "a14", "a20", "a31"):
        for key in ("cohen_kappa", "percent"):
            want = expected["per_code"][code][key]
            assert getattr(per_code[code], key) == pytest.approx(want, abs=1e-6), (code, key)
    rows = reliability_rows(result)
    assert rows == [("R1–R2", 38, 44, 43, result.holsti_k, result.composite_r, result.cohen_kappa)]


@pytest.mark.parametrize("unit", ["char", "turn", "sentence"])
def test_demo_units_against_a_brute_force_count(demo, unit):
    """Each unit's set of codes per coder, built character by character or unit by unit from
    the codings, compared with scikit-learn's κ and the ``krippendorff`` package's α."""
    from sklearn.metrics import cohen_kappa_score

    result = agreement(demo, ["R1", "R2"], unit=unit)
    a_all, b_all = [], []
    for name in result.sources:
        text = demo.source_text(name)
        if unit == "char":
            spans = [(i, i + 1) for i in range(len(text))]
        elif unit == "turn":
            spans = [(t.start, t.end) for t in demo.turns(name) if t.end > t.start]
        else:
            spans = demo.analysis(name).sentences
        for who, labels in (("R1", a_all), ("R2", b_all)):
            segs = demo.segments(source=name, coder=who)
            for s, e in spans:
                codes = sorted({g.label for g in segs if g.start < e and s < g.end})
                labels.append("+".join(codes) or "-")
    assert result.units == len(a_all)
    assert result.percent == pytest.approx(
        np.mean([x == y for x, y in zip(a_all, b_all, strict=True)])
    )
    assert result.cohen_kappa == pytest.approx(cohen_kappa_score(a_all, b_all), abs=1e-9)
    values = {v: i for i, v in enumerate(sorted(set(a_all) | set(b_all)))}
    matrix = np.array([[values[v] for v in a_all], [values[v] for v in b_all]])
    assert result.krippendorff_alpha == pytest.approx(_package_alpha(matrix), abs=1e-9)


# -- mutually exclusive codes --------------------------------------------------------------------


SENTENCE = 8  # characters in each sentence of _sentences


def _sentences(path: Path) -> tuple[Project, int]:
    text = "".join(f"第{i}句话在这里。" for i in range(8))
    p = Project.create(path, title="codes")
    p.add_source(SourceDraft(name="S", text=text, turns=[Turn(0, 0, len(text), "受访者", "")]))
    for name in ("正面", "负面", "中性", "其他"):
        p.add_code(name)
    return p, p.source_id("S")


def test_codes_set_gives_one_value_per_unit_with_missing(project_path):
    p, s = _sentences(project_path)
    pos, neg, neu, other = (p.code_id(n) for n in ("正面", "负面", "中性", "其他"))
    r1 = [pos, pos, neg, neu, None, pos, neg, None]
    r2 = [pos, neg, neg, neu, pos, None, neg, None]
    rows = []
    for who, values in (("R1", r1), ("R2", r2)):
        for i, code in enumerate(values):
            if code is not None:
                rows.append((s, code, SENTENCE * i, SENTENCE * i + 6, who))
    rows.append((s, other, 0, 14, "R1"))  # a code outside the set plays no part
    p.add_codings(rows)
    result = agreement(p, ["R1", "R2"], unit="sentence", codes=["正面", "负面", "中性"])
    index = {pos: 0, neg: 1, neu: 2, None: -1}
    matrix = np.array([[index[v] for v in r1], [index[v] for v in r2]])
    assert result.codes == ("a01", "a02", "a03")
    assert result.krippendorff_alpha == pytest.approx(_package_alpha(matrix), abs=1e-9)
    both = [(x, y) for x, y in zip(r1, r2, strict=True) if x is not None and y is not None]
    assert result.pairs[0].units == len(both) == 5
    assert result.percent == pytest.approx(4 / 5)
    assert result.cohen_kappa == pytest.approx(
        cohen_kappa([index[x] for x, _ in both], [index[y] for _, y in both])
    )
    assert (result.pairs[0].m, result.pairs[0].n1, result.pairs[0].n2) == (4, 6, 6)
    assert [c.code for c in result.per_code] == ["a01", "a02", "a03"]
    p.close()


def test_two_codes_of_the_set_in_one_unit_is_an_error_naming_it(project_path):
    p, s = _sentences(project_path)
    pos, neg = p.code_id("正面"), p.code_id("负面")
    p.add_codings([(s, pos, 9, 11, "R1"), (s, neg, 12, 14, "R1"), (s, pos, 9, 14, "R2")])
    with pytest.raises(
        InvalidInput, match=r"R1 applied more than one code .*\(a01, a02\) to S 8–16"
    ):
        agreement(p, ["R1", "R2"], unit="sentence", codes=["a01", "a02"])
    # At the segment unit the two codings are different units: no clash.
    assert agreement(p, ["R1", "R2"], unit="segment", codes=["a01", "a02"]).units == 3
    p.close()


def test_scope_and_errors(demo):
    with pytest.raises(InvalidInput, match="two or more"):
        agreement(demo, ["R1", "R1"])
    with pytest.raises(NotFound, match="no coder named 'R9'"):
        agreement(demo, ["R1", "R9"])
    with pytest.raises(InvalidInput, match="R2 has not coded S1-01"):
        agreement(demo, ["R1", "R2"], sources=["S1-01"])
    with pytest.raises(InvalidInput, match="unit 'word'"):
        agreement(demo, ["R1", "R2"], unit="word")
    one = agreement(demo, ["R1", "R2"], sources=["S2-01"])
    assert one.sources == ("S2-01",)


# -- the command ---------------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch):
    import coder.cli

    return coder.cli.main


def test_agreement_command_json_shape(cli, demo, capsys):
    path = str(demo.path)
    assert cli(["agreement", path, "--coders", "R1,R2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in (
        "unit",
        "coders",
        "percent",
        "holsti_k",
        "composite_r",
        "cohen_kappa",
        "krippendorff_alpha",
        "per_code",
    ):
        assert key in out
    assert out["unit"] == "segment" and out["coders"] == ["R1", "R2"]
    assert (out["M"], out["N1"], out["N2"]) == (38, 44, 43)
    assert set(out["per_code"][0]) >= {"code", "cohen_kappa", "percent"}
    assert out["cohen_kappa"] == pytest.approx(
        EXPECTED["agreement_segment"]["cohen_kappa"], abs=1e-6
    )


def test_agreement_command_table_and_errors(cli, demo, capsys):
    path = str(demo.path)
    assert cli(["agreement", path, "--coders", "R1,R2", "--unit", "turn"]) == 0
    out = capsys.readouterr().out
    assert "编码者对" in out and "R1–R2" in out and "Krippendorff's α" in out
    assert cli(["agreement", path, "--coders", "R1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("coder: ") and "nothing was changed" in err and err.count("\n") == 1
    with pytest.raises(SystemExit) as exc:
        cli(["agreement", path, "--coders", "R1,R2", "--unit", "word"])
    assert exc.value.code == 2


def test_the_report_says_per_coder_whether_suggestions_were_in_use(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from coder.analysis.agreement import agreement
    from coder.cli import main
    from coder.model import SourceDraft
    from coder.project import Project

    p = Project.create(tmp_path / "s.coder", coder="R1")
    p.add_source(SourceDraft(name="S1", text="居委会跑断腿，街道说了算。"))
    a = p.add_code("负担")
    p.code_span("S1", 0, 6, a.id)
    p.code_span("S1", 0, 6, a.id, coder="R2")
    assert agreement(p, ["R1", "R2"]).suggestions_in_use() == {"R1": False, "R2": False}
    p.accept_suggestion("S1", 7, 12, a.id, model="lr-z", score=0.9, coder="R2")
    result = agreement(p, ["R1", "R2"])
    assert result.suggestions_in_use() == {"R1": False, "R2": True}
    assert result.to_json()["suggestions"]["R2"] == {"in_use": True, "accepted": 1}
    p.close()
    capsys.readouterr()
    assert main(["agreement", str(tmp_path / "s.coder"), "--coders", "R1,R2"]) == 0
    out = capsys.readouterr().out
    assert "R2 used them (1 accepted codings)" in out and "R1 did not use them" in out
    assert main(["agreement", str(tmp_path / "s.coder"), "--coders", "R1,R2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["suggestions"]["R1"]["in_use"] is False
