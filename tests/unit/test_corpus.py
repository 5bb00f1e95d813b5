"""The demo corpus and its fixtures: synthetic transcripts, the gold coding and the second coder."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from coder.demo import GOLD_CODER, SECOND_CODER
from coder.project import Project
from tests.conftest import CORPUS

FIX = CORPUS / "fixtures"
EXPECTED = json.loads((FIX / "expected.json").read_text(encoding="utf-8"))


def _jsonl(name: str) -> list[dict]:
    return [
        json.loads(line)
        for line in (FIX / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_corpus_says_it_is_synthetic() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8").lower()
    assert "synthetic" in readme
    for path in CORPUS.glob("*.txt"):
        assert "synthetic: true" in path.read_bytes().decode("utf-8-sig")


def test_corpus_carries_the_planned_noise() -> None:
    raw = {p.stem: p.read_bytes() for p in CORPUS.glob("*.txt")}
    assert len(raw) >= 12
    assert raw["S1-03"].startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw["S3-02"] and b"\r\n" not in raw["S2-01"]
    text = {k: v.decode("utf-8-sig") for k, v in raw.items()}
    assert any("[笑]" in t for t in text.values()) and any("[听不清]" in t for t in text.values())
    main = [k for k in text if k not in ("S2-03", "S4-02", "S5-01")]
    assert all(2000 * 0.85 <= len(text[k].split("\n---", 1)[1]) <= 5000 * 1.15 for k in main)


def test_every_fixture_quote_is_the_transcript_slice(demo: Project) -> None:
    """The fixture's text equals the imported (normalised) text at its offsets — BOM and CRLF
    files included, so offsets index the normalised text."""
    for name in ("gold_coder1.jsonl", "coder2.jsonl"):
        for row in _jsonl(name):
            text = demo.source_text(row["transcript"])
            assert text[row["start"] : row["end"]] == row["text"], row


def test_fixture_json_is_current(tmp_path: Path) -> None:
    """build_fixtures.py, run afresh, reproduces the committed offsets and figures."""
    before = {
        n: (FIX / n).read_bytes() for n in ("gold_coder1.jsonl", "coder2.jsonl", "expected.json")
    }
    subprocess.run(
        [sys.executable, str(CORPUS / "build_fixtures.py")], check=True, capture_output=True
    )
    after = {n: (FIX / n).read_bytes() for n in before}
    assert after == before


def test_demo_holds_sources_codebook_and_both_coders(demo: Project) -> None:
    assert len(demo.sources()) == 13
    codes = demo.codes()
    levels = defaultdict(int)
    for c in codes:
        levels[c.level] += 1
    assert dict(levels) == {"selective": 1, "axial": 10, "open": 35}
    per_coder = defaultdict(int)
    for s in demo.segments():
        per_coder[s.coder] += 1
    assert per_coder[GOLD_CODER] == EXPECTED["codings_total"]
    assert per_coder[SECOND_CODER] == len(_jsonl("coder2.jsonl"))
    s201 = demo.source("S2-01")
    assert s201.case == "S2-01" and s201.attributes["role"] == "副主任" and s201.turns > 20
    assert {c.name: c.attributes for c in demo.cases()}["S2-01"]["gender"] == "男"


def test_sources_per_code_match_the_design_table(demo: Project) -> None:
    """The design table of corpus/README.md, transcribed by hand into build_fixtures.py."""
    found: dict[str, set[str]] = defaultdict(set)
    for s in demo.segments(coder=GOLD_CODER):
        found[s.source].add(s.label)
    assert {k: sorted(v) for k, v in found.items()} == {
        k: sorted(v) for k, v in EXPECTED["design_sources"].items()
    }


def test_design_properties_hold() -> None:
    """§5.3's built-in properties: every code has 2+ sources among the coding transcripts; a24
    only in officials' interviews; a32 only in community and residents' interviews."""
    coding = set(EXPECTED["coding_transcripts"])
    per_code = {c: set(s) & coding for c, s in EXPECTED["sources_per_code"].items() if c != "a35"}
    assert len(per_code) == 34 and all(len(s) >= 2 for s in per_code.values())
    assert all(s.startswith(("S1", "S2")) for s in EXPECTED["sources_per_code"]["a24"])
    assert all(s.startswith(("S3", "S4")) for s in EXPECTED["sources_per_code"]["a32"])


def test_saturation_figures_as_designed() -> None:
    curve = {row["source"]: row for row in EXPECTED["saturation"]}
    assert curve["S4-03"]["cumulative"] == 34
    assert curve["S2-03"]["new_codes"] == 0 and curve["S4-02"]["new_codes"] == 0
    assert curve["S5-01"]["new"] == ["a35"]


@pytest.mark.parametrize("pair", EXPECTED["planted_pairs"], ids=lambda p: f"{p['a']}-{p['b']}")
def test_planted_pairs_share_turns_in_two_transcripts(pair: dict, demo: Project) -> None:
    """Each planted pair co-occurs in the same answer turn of two transcripts (hand-checked against
    the design), counted here from the imported turns rather than the fixture script."""
    turns = {s.name: demo.turns(s.name) for s in demo.sources()}
    where = defaultdict(set)
    for seg in demo.segments(coder=GOLD_CODER):
        if seg.source not in EXPECTED["coding_transcripts"]:
            continue
        idx = next(t.idx for t in turns[seg.source] if t.start <= seg.start and seg.end <= t.end)
        where[(seg.source, idx)].add(seg.label)
    units = [u for u, codes in where.items() if {pair["a"], pair["b"]} <= codes]
    assert len(units) == pair["turn"]
    assert len({src for src, _ in units}) == 2


def test_second_coder_figures_by_hand() -> None:
    """The planted disagreement: coder 2 swaps 4 labels, misses 2 segments and adds 1
    (corpus/fixtures/coder2/*.yaml comments). Holsti's K from those counts by hand."""
    a = EXPECTED["agreement_segment"]
    assert (a["N1"], a["N2"]) == (44, 43)
    assert a["M"] == 44 - 4 - 2  # coder 1's codings less the 4 swapped and 2 missed
    assert a["holsti_k"] == pytest.approx(2 * 38 / 87, abs=1e-6)
    assert a["composite_r"] == pytest.approx(2 * a["holsti_k"] / (1 + a["holsti_k"]), abs=1e-6)
