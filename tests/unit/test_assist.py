"""Machine assistance: the model learns from the project's codings, suggestions are accepted or
rejected as undoable changes, evaluation figures are scikit-learn's, and nothing goes online."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import numpy as np
import pytest

from coder.assist import service
from coder.assist.evaluate import evaluate, figures
from coder.cli import main
from coder.project import Project
from coder.text.importer import import_paths

# Interview transcripts as researchers have them: named speakers, full-width colons, Simplified
# and Traditional Chinese, a stray blank line. 網格員/网格员 always goes with code "网格走访";
# "经费不足" is never said with it.
GRID = ["网格员每天都来走访，问问大家的情况。", "網格員每天都來走訪，問問大家的情況。"]
MONEY = ["街道的经费一直不够，预算很紧张。", "街道的經費一直不夠，預算很緊張。"]
TALK = ["今天天气还可以。", "我们先喝口茶再说。", "那個時候我還在讀書。", "好的，我明白了。"]


def _transcript(n: int) -> str:
    lines = ["---", f"case: 社区{n}", "---", ""]
    for i in range(9):
        said = (GRID, MONEY, TALK)[(i + n) % 3]
        lines.append(f"访谈者：能说说{['那边', '這邊', '当时'][i % 3]}的情况吗？")
        lines.append(f"王主任：{said[(i + n) % len(said)]}{TALK[i % len(TALK)]}")
        if i == 4:
            lines.append("")
    return "\n".join(lines) + "\n"


@pytest.fixture
def coded(tmp_path: Path) -> Project:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(8):
        (folder / f"S{n}.txt").write_text(_transcript(n), encoding="utf-8")
    project = Project.create(tmp_path / "a.coder", coder="R1")
    import_paths(project, [folder])
    grid = project.add_code("网格走访")
    money = project.add_code("经费不足")
    # R1 codes the sentences of the first five interviews; the rest are left for the model.
    for src in project.sources()[:5]:
        text = project.source_text(src.id)
        for s, e in project.analysis(src.id).sentences:
            if "网格员" in text[s:e] or "網格員" in text[s:e]:
                project.code_span(src.id, s, e, grid.id)
            elif "经费" in text[s:e] or "經費" in text[s:e]:
                project.code_span(src.id, s, e, money.id)
    yield project
    project.close()


def _uncoded_sentences(project: Project) -> list[tuple[str, int, int, str]]:
    out = []
    for src in project.sources()[5:]:
        text = project.source_text(src.id)
        out += [(src.name, s, e, text[s:e]) for s, e in project.analysis(src.id).sentences]
    return out


def test_the_model_learns_a_term_that_always_goes_with_a_code(coded: Project) -> None:
    found = service.suggest(coded, unit="sentence", limit=None, min_score=0.5)
    by_span = {(s.source, s.start, s.end): s for s in found}
    grid_sentences = [u for u in _uncoded_sentences(coded) if "网格员" in u[3] or "網格員" in u[3]]
    talk = [u for u in _uncoded_sentences(coded) if not any(w in u[3] for w in "网網经經")]
    assert grid_sentences and talk
    for name, s, e, text in grid_sentences:
        suggestion = by_span[(name, s, e)]
        assert suggestion.code == "网格走访", text
        assert suggestion.score > 0.8
        assert suggestion.because  # the terms behind it, taken from the sentence itself
        assert all(t in text for t in suggestion.because)
    # The money code never goes with the grid term, and plain talk gets nothing.
    assert not [
        s for s in found if s.code == "经费不足" and ("网格员" in s.text or "網格員" in s.text)
    ]
    assert not [u for u in talk if (u[0], u[1], u[2]) in by_span]


def test_margin_suggestions_come_from_the_trained_model_in_text_order(coded: Project) -> None:
    model = service.model_for(coded, "sentence")
    assert service.model_for(coded, "sentence") is model  # same codings: not retrained
    margin = service.suggestions_for_source(coded, "S6", model)
    assert [m.start for m in margin] == sorted(m.start for m in margin)
    text = coded.source_text("S6")
    assert {m.code for m in margin if "网格员" in text[m.start : m.end]} == {"网格走访"}


def test_accept_and_reject_are_recorded_and_undoable(coded: Project) -> None:
    first = service.suggest(coded, limit=1)[0]
    coding = coded.accept_suggestion(
        first.source, first.start, first.end, first.code_id, model=first.model, score=first.score
    )
    with coded.read() as conn:
        row = conn.exec_driver_sql(
            "SELECT origin, model, score FROM codings WHERE id = ?", (coding.id,)
        ).one()
    assert row[0] == "suggested" and row[1] == first.model
    assert row[2] == pytest.approx(first.score)
    assert coded.log()[-1].action == "accept-suggestion"
    coded.undo()
    assert coding.id not in {s.id for s in coded.segments()}

    # Rejecting says "not this code here": the suggestion goes, and training sees a negative.
    coded.reject_suggestion(first.source, first.start, first.end, first.code_id, model=first.model)
    after = service.suggest(coded, limit=None, min_score=0.0)
    assert (first.source, first.start, first.end, first.code_id) not in {
        (s.source, s.start, s.end, s.code_id) for s in after
    }
    units = service.project_units(coded, "sentence")
    training, _ = service.training_set(coded, units, service.training_coders(coded, None))
    row_of = training.units.index()
    k = training.codes.index(first.code_id)
    assert training.labels[row_of[(first.source_id, first.start, first.end)], k] == -1
    assert coded.rejections()[0]["code_id"] == first.code_id
    coded.undo()
    assert coded.rejections() == []
    coded.redo()
    assert len(coded.rejections()) == 1


def test_evaluation_figures_are_scikit_learns(coded: Project) -> None:
    from sklearn.metrics import cohen_kappa_score, f1_score, precision_score, recall_score

    # figures() against a hand count: tp 2, fp 1, fn 1, tn 4.
    truth = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    pred = np.array([1, 1, 0, 1, 0, 0, 0, 0])
    p, r, f, kappa = figures(truth, pred)
    assert (p, r, f) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    po, pe = 6 / 8, (3 / 8) * (3 / 8) + (5 / 8) * (5 / 8)
    assert kappa == pytest.approx((po - pe) / (1 - pe))

    report = evaluate(coded, unit="sentence", held_out="S3,S4")
    # The same predictions, made again, measured by scikit-learn directly.
    units = service.project_units(coded, "sentence")
    test = units.take(
        np.flatnonzero(np.isin(units.source_ids, [coded.source_id("S3"), coded.source_id("S4")]))
    )
    train = units.take(
        np.flatnonzero(~np.isin(units.source_ids, [coded.source_id("S3"), coded.source_id("S4")]))
    )
    ids = service.training_coders(coded, None)
    truth_set, _ = service.training_set(coded, test, ids)
    training, _ = service.training_set(coded, train, ids)
    model = service.Suggester.train(training, service.Space.fit(units.features))
    scores = model.scores(truth_set.units.features)
    for fig in report.codes:
        cid = coded.code(fig.label).id
        t = (truth_set.labels[:, truth_set.codes.index(cid)] > 0).astype(int)
        at = model.codes.index(cid)
        q = (scores[:, at] >= model.thresholds[at]).astype(int)
        assert fig.support == t.sum()
        assert fig.precision == pytest.approx(precision_score(t, q, zero_division=0))
        assert fig.recall == pytest.approx(recall_score(t, q, zero_division=0))
        assert fig.f1 == pytest.approx(f1_score(t, q, zero_division=0))
        if len(set(t) | set(q)) > 1:
            assert fig.kappa == pytest.approx(cohen_kappa_score(t, q))
    assert report.curve[-1]["units"] == report.train_units
    assert "logistic regression" in report.methods()


def test_nothing_in_the_suggestion_path_opens_the_network(coded: Project, monkeypatch) -> None:
    service._models.clear()
    service._spaces.clear()

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the suggestion path tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    model = service.model_for(coded, "sentence")
    assert service.suggest(coded, limit=3)
    assert service.suggestions_for_source(coded, "S7", model) is not None
    assert service.next_units(coded, 2)


def test_applied_codings_are_a_machine_coder_left_out_of_counts(coded: Project) -> None:
    from coder.analysis.frequencies import frequencies
    from coder.assist.confirm import apply_model, check_sample

    before = coded.code_counts()
    freq_before = {r.code_id: r.codings for r in frequencies(coded)}
    dry = apply_model(coded, dry_run=True)
    assert dry["codings"] > 0 and coded.code_counts() == before
    done = apply_model(coded)
    assert done["codings"] == dry["codings"]
    assert done["coder"] in coded.coders()
    # Left out by default; there when asked for by name.
    assert coded.code_counts() == before
    assert {r.code_id: r.codings for r in frequencies(coded)} == freq_before
    machine = frequencies(coded, coder=done["coder"])
    assert sum(r.direct_codings for r in machine) == done["codings"]
    sample = check_sample(coded, 3, seed=1)
    assert len(sample) == 3 and all(s["coder"] == done["coder"] for s in sample)
    coded.undo()  # one event
    assert done["coder"] not in {s.coder for s in coded.segments()}


def test_suggest_cli_json_shape_and_accept(coded: Project, capsys) -> None:
    path = str(coded.location)
    capsys.readouterr()
    assert main(["suggest", path, "--json", "--limit", "2"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2
    assert {"source", "start", "end", "text", "code", "label", "score", "because"} <= set(rows[0])
    r = rows[0]
    assert (
        main(["suggest", path, "--accept", r["source"], str(r["start"]), str(r["end"]), r["label"]])
        == 0
    )
    assert "accepted" in capsys.readouterr().out
    assert main(["suggest", path, "--next", "2", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["suggest", path, "--evaluate", "--json"]) == 0
    assert "methods" in json.loads(capsys.readouterr().out)
    assert main(["discover", path, "--k", "2", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["suggest", path, "--accept", r["source"], "x", "y", r["label"]]) == 1
    assert "offsets" in capsys.readouterr().err


def test_an_old_project_gains_provenance_on_open(tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "v1.coder"
    shutil.copy(Path(__file__).parent.parent / "data" / "v1.coder", path)
    p = Project.open(path, coder="R1")
    with p.read() as conn:
        assert conn.exec_driver_sql("SELECT origin, model, score FROM codings").all() == [
            ("", "", None)
        ]
    p.reject_suggestion("S1", 0, 4, "a01", model="lr-test")
    assert p.rejections()[0]["model"] == "lr-test"
    p.undo()
    assert p.rejections() == []
    p.close()


def test_wilson_interval_matches_a_hand_computation() -> None:
    from coder.assist.confirm import precision_interval

    # 8 of 10 confirmed: Wilson 95% (z = 1.96) by hand, as statsmodels'
    # proportion_confint(8, 10, method="wilson") gives it: 0.4902 to 0.9433.
    p, low, high = precision_interval(8, 10)
    assert p == 0.8
    assert (low, high) == pytest.approx((0.49016, 0.94333), abs=1e-4)
    # 0 of 5: the interval starts at 0 and reaches z²/(n+z²) = 3.8416/8.8416.
    assert precision_interval(0, 5)[1:] == pytest.approx((0.0, 3.8416 / 8.8416), abs=1e-6)


def test_random_checks_are_recorded_undoable_and_give_precision(coded: Project, capsys) -> None:
    from coder.assist.confirm import apply_model, check_report, check_sample, run_checks

    apply_model(coded)
    drawn = check_sample(coded, 4, seed=3)
    assert len(drawn) == 4
    answers = iter(["y", "maybe", "n", "y", "s"])  # "maybe" is asked again
    done = run_checks(coded, drawn, lambda row: next(answers))
    assert done == {"confirmed": 2, "refuted": 1, "skipped": 1}
    recorded = coded.checks()
    assert [c["verdict"] for c in recorded] == ["confirmed", "refuted", "confirmed"]
    assert {c["coding_id"] for c in recorded} == {r["coding"] for r in drawn[:3]}
    assert coded.log()[-1].action == "check-coding"
    # What was checked is not drawn again.
    assert not {r["coding"] for r in check_sample(coded, 100)} & {c["coding_id"] for c in recorded}
    overall = [f for f in check_report(coded) if f.code is None]
    assert len(overall) == 1 and (overall[0].checked, overall[0].confirmed) == (3, 2)
    # Wilson by hand for 2 of 3.
    z2 = 1.96**2
    centre = (2 / 3 + z2 / 6) / (1 + z2 / 3)
    half = 1.96 * ((2 / 9) / 3 + z2 / 36) ** 0.5 / (1 + z2 / 3)
    assert (overall[0].low, overall[0].high) == pytest.approx((centre - half, centre + half))
    coded.undo()
    assert len(coded.checks()) == 2

    # The CLI for scripts: --confirm / --refute, --check-report, refusals in one line.
    path = str(coded.location)
    left = check_sample(coded, 2, seed=0)
    capsys.readouterr()
    assert main(["suggest", path, "--refute", str(left[0]["coding"])]) == 0
    assert main(["suggest", path, "--confirm", str(left[1]["coding"])]) == 0
    assert main(["suggest", path, "--confirm", str(left[1]["coding"])]) == 1
    assert "already checked" in capsys.readouterr().err
    human = coded.segments(coder="R1")[0].id
    assert main(["suggest", path, "--confirm", str(human)]) == 1
    assert "not a machine coder" in capsys.readouterr().err
    assert main(["suggest", path, "--check-report", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    total = [r for r in rows if r["code"] is None][0]
    assert (total["checked"], total["confirmed"]) == (4, 2)
    assert main(["suggest", path, "--check", "2", "--json", "--seed", "1"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_check_at_a_terminal_asks_one_by_one(coded: Project, capsys, monkeypatch) -> None:
    import sys

    from coder.assist.confirm import apply_model

    apply_model(coded)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    answers = iter(["y", "n", "q"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["suggest", str(coded.location), "--check", "5", "--seed", "2"]) == 0
    assert "1 confirmed, 1 refuted" in capsys.readouterr().out
    assert sorted(c["verdict"] for c in coded.checks()) == ["confirmed", "refuted"]


def _with_machine(project: Project) -> str:
    """The project's human codings copied as a machine coder's (one confirmation run), each
    under a second code too, so every count would change if machine codings were counted."""
    codes = [c.id for c in project.codes() if c.level == "open"]
    rows = []
    for s in project.segments():
        rows.append((s.source_id, s.code_id, s.start, s.end, 0.9))
        rows.append((s.source_id, codes[0], s.start, s.end, 0.6))
    project.apply_model(rows, model="lr-test")
    return "model:lr-test"


def _consumers(project: Project, coder: str | None) -> dict[str, object]:
    from coder.analysis.cooccurrence import cooccurrence
    from coder.analysis.frequencies import frequencies
    from coder.analysis.matrix import matrix
    from coder.analysis.query import run_query
    from coder.analysis.query_matrix import query_matrix
    from coder.analysis.saturation import saturation

    labels = [c.label for c in project.codes() if c.level == "open"][:2]
    return {
        "frequencies": [
            (f.code_id, f.codings, f.sources) for f in frequencies(project, coder=coder)
        ],
        "matrix": matrix(project, "case", coder=coder).as_dict(),
        "cooccurrence": cooccurrence(project, "turn", coder=coder),
        "saturation": saturation(project, coder=coder).as_dict(),
        "query": run_query(project, labels[0], coder=coder).hits,
        "query matrix": query_matrix(project, labels[:1], labels[1:], coder=coder).as_dict(),
    }


def test_machine_coders_are_left_out_of_every_figure_unless_asked(demo: Project) -> None:
    counts = demo.code_counts()
    before = _consumers(demo, None)
    machine = _with_machine(demo)
    assert demo.code_counts() == counts  # the code tree's counts
    after = _consumers(demo, None)
    for name in before:
        assert after[name] == before[name], name
    asked = _consumers(demo, machine)
    for name in ("frequencies", "query"):
        assert asked[name] != before[name], name


def test_blind_coding_learns_only_from_the_coders_own_codings(coded: Project, capsys) -> None:
    money = coded.code("经费不足").id
    for src in coded.sources()[5:7]:
        text = coded.source_text(src.id)
        for s, e in coded.analysis(src.id).sentences:
            if "经费" in text[s:e] or "經費" in text[s:e]:
                coded.code_span(src.id, s, e, money, coder="R2")
    shared = {s.code for s in service.suggest(coded, limit=None)}
    assert shared == {"网格走访", "经费不足"}  # R1's codings teach the shared model
    assert service.suggestion_coder(coded, None, blind=True) == coded.coder
    assert service.suggestion_coder(coded, "R2", blind=True) == "R2"
    assert service.suggestion_coder(coded, None, blind=False) is None
    path = str(coded.location)
    capsys.readouterr()
    assert main(["suggest", path, "--blind", "--coder", "R2", "--json", "--limit", "50"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["code"] for r in rows} == {"经费不足"}  # never R1's grid code
    assert all(r["because"] for r in rows)
    # Blind, as the session's coder, who has coded nothing: a one-line refusal.
    assert main(["suggest", path, "--blind"]) == 1
    assert "coded nothing yet" in capsys.readouterr().err


def test_evaluation_is_kept_and_the_log_says_what_the_machine_did(coded: Project, capsys) -> None:
    from coder.assist.confirm import apply_model

    path = str(coded.location)
    capsys.readouterr()
    assert main(["log", path]) == 0
    assert "machine assistance" not in capsys.readouterr().out  # nothing done yet
    assert main(["suggest", path, "--evaluate", "--held-out", "S3,S4", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    kept = coded.latest_evaluation()
    assert kept is not None and kept["model"] == report["model"]
    assert kept["figures"]["macro"] == report["macro"]
    assert coded.log()[-1].action == "evaluate"
    first = service.suggest(coded, limit=1)[0]
    coded.accept_suggestion(
        first.source, first.start, first.end, first.code_id, model=first.model, score=first.score
    )
    done = apply_model(coded)
    assert main(["log", path]) == 0
    out = capsys.readouterr().out
    assert (
        f"1 of the human codings are machine suggestions a researcher accepted (model {first.model} 1"
        in out
    )
    assert f"The {done['codings']} codings of machine coder {done['coder']} are left out" in out
    assert f"Latest evaluation as a second coder (model {report['model']}" in out
    assert f"F1 {report['macro']['f1']:.2f}" in out


def test_questions_and_fillers_are_left_alone_unless_questions_are_coded(coded: Project) -> None:
    """The interviewer's turns (访谈者) are not suggested nor queued while no one codes them;
    once a question is coded, they are units like any other."""

    def in_question(source: str, start: int, end: int) -> bool:
        return any(
            t.speaker == "访谈者" and t.start <= start and end <= t.end for t in coded.turns(source)
        )

    found = service.suggest(coded, limit=None, min_score=0.0)
    assert found and not [s for s in found if in_question(s.source, s.start, s.end)]
    queue = service.next_units(coded, 200)
    assert queue and not [q for q in queue if in_question(q["source"], q["start"], q["end"])]
    assert all(len(q["text"].strip("，。？！…")) >= 4 for q in queue)
    # A researcher who codes a question: questions come back.
    src = coded.sources()[0]
    q = next(t for t in coded.turns(src.id) if t.speaker == "访谈者")
    coded.code_span(src.id, q.start, q.end, coded.code("经费不足").id)
    again = service.suggest(coded, limit=None, min_score=0.0)
    assert [s for s in again if in_question(s.source, s.start, s.end)]


def test_the_queue_favours_units_with_words_no_coded_unit_has_shown_the_model() -> None:
    from coder.assist.features import UnitTable

    def unit(*words: str) -> list[str]:
        return ["w:" + w for w in words] + list("".join(words))

    feats = [
        unit("网格", "走访"),  # 0: coded
        unit("网格", "经费"),  # 1: 经费 is new and in 3 units
        unit("走访", "志愿者"),  # 2: 志愿者 is new but in this unit only
        unit("经费", "物业"),  # 3: 经费 (3) and 物业 (2) are new
        unit("经费", "物业"),  # 4: the same
    ]
    n = len(feats)
    table = UnitTable(
        np.zeros(n, dtype=np.int64), np.arange(n), np.arange(1, n + 1), ["x"] * n, feats
    )
    novelty = service.word_novelty(table, [1, 2, 3, 4], [0])
    assert novelty.tolist() == [3.0, 0.0, 5.0, 5.0]  # counted by hand
    assert service.word_novelty(table, [1, 3], [0, 1]).tolist() == [0.0, 2.0]  # 经费 seen now
    # Three units the model cannot tell apart (uncertainty 1) and one it leans on a little
    # (0.6 against 0.4: a softmax of the log-odds gives 0.692, uncertainty 0.615), all guessed
    # as the first code. Alone, uncertainty ranks them 0, 1, 2, 3; weighted by new words 0, 5,
    # 3, 5 as (novelty / 5 + 0.05) ** 0.5: 0.224, 1.025, 0.806, 0.630, so 1, 2, 3, 0.
    scores = np.array([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.6, 0.4]])
    assert abs(service.uncertainty(scores)[3] - (1 - (1.5 - 2 / 3) / (1.5 + 2 / 3))) < 1e-9
    assert service.queue_order(scores, 4).tolist() == [0, 1, 2, 3]
    assert service.queue_order(scores, 4, np.array([0.0, 5.0, 3.0, 5.0])).tolist() == [1, 2, 3, 0]


def test_because_names_words_and_meaningful_characters_not_particles() -> None:
    """Seen in the demo: "because: 领导 了 一" and "统筹 区里 里统". The reasons are the unit's
    own words (jieba's ``w:`` features) weighed with the characters and pairs that spell them;
    a pair across a word boundary (里统) and a particle count in the score, never as a reason."""
    import numpy as np

    from coder.assist.model import Space, Suggester

    features = ["w:区里", "w:统筹", "w:了", "w:我们", "w:办", "区", "里", "统", "筹", "了", "办"]
    features += ["区里", "里统", "统筹"]
    model = Suggester(Space.fit([features]), "test")
    model.vocabulary = {f: i for i, f in enumerate(features)}
    model.terms = [f.removeprefix("w:") for f in features]
    model.idf = np.ones(len(features), dtype=np.float32)
    # By hand: the boundary pair 里统, the particle and the pronoun weigh most, then 统筹 (word and pair
    # together), 区里, and the single-character word 办.
    weights = {"w:区里": 1.0, "w:统筹": 1.5, "w:了": 5.0, "w:我们": 4.0, "w:办": 0.4}
    weights |= {"了": 3.0, "里统": 6.0}
    weights |= {"统筹": 1.0, "区": 0.1}
    model.coef = np.array([[weights.get(f, 0.0) for f in features]])
    (terms,) = model.because_many([features], [0], top=3)
    assert terms == ["统筹", "区里", "办"]
    # Nothing but a pair speaks for another code: the pair stands in.
    model.coef = np.array([[6.0 if f == "里统" else -1.0 for f in features]])
    assert model.because_many([features], [0], top=3) == [["里统"]]
