"""Turn the hand-written coding fixtures into offsets and the expected figures.

Run from the repository root:  python corpus/build_fixtures.py

Reads   corpus/<ID>.txt and corpus/fixtures/coder{1,2}/<ID>.yaml (codes with quoted passages)
Writes  corpus/fixtures/gold_coder1.jsonl   one coding per line: transcript, start, end, code, text
        corpus/fixtures/coder2.jsonl        the second coder over S2-01 and S3-02
        corpus/fixtures/expected.json       the figures tests compare the program against

This script is deliberately independent of the `coder` package: it reads the files with the
standard library and PyYAML only, so the figures it stores are a check on the program, not a copy
of it. Offsets are code points into the body (the text after the front matter), NFC, LF.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
FIX = HERE / "fixtures"

# The design's table of planted codes per transcript (corpus/README.md, Design), copied by
# hand. The fixtures must carry exactly these.
DESIGN_SOURCES = {
    "S1-01": "a05 a06 a07 a15 a16 a17 a18 a19 a21 a22 a23 a24 a34",
    "S1-02": "a02 a03 a10 a12 a13 a16 a20 a22 a25 a26 a27 a31",
    "S1-03": "a01 a06 a14 a23 a28 a29 a33",
    "S2-01": "a01 a02 a03 a07 a08 a09 a10 a15 a16 a18 a19 a22 a23 a24 a25 a31",
    "S2-02": "a04 a09 a11 a12 a14 a21 a28 a29 a30 a33",
    "S3-01": "a04 a08 a09 a10 a11 a20 a26 a32 a33",
    "S3-02": "a02 a03 a04 a12 a14 a27 a28 a31 a32",
    "S3-03": "a01 a05 a13 a17 a20 a29 a30 a33 a34",
    "S4-01": "a04 a10 a11 a14 a32",
    "S4-03": "a06 a25 a29 a30 a31",
    "S2-03": "a01 a10 a15 a18 a22 a23 a25 a31 a34",
    "S4-02": "a04 a11 a27 a28 a32",
    "S5-01": "a08 a10 a35",
}
CODING_ORDER = ["S1-01", "S1-02", "S1-03", "S2-01", "S2-02", "S3-01", "S3-02", "S3-03", "S4-01", "S4-03"]
HELD_OUT = ["S2-03", "S4-02"]
NEGATIVE = ["S5-01"]
PLANTED_PAIRS = [("a01", "a23"), ("a15", "a16"), ("a02", "a25"), ("a28", "a29"), ("a10", "a20"), ("a03", "a22")]
TURN_START = re.compile(r"^(?:\[\d{1,2}:\d{2}(?::\d{2})?\] ?)?(访谈者|受访者)：", re.MULTILINE)


def body_of(path: Path) -> str:
    text = path.read_bytes().decode("utf-8")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    assert text.startswith("---\n"), path
    end = text.index("\n---\n", 3)
    return text[end + 5 :]


def turns_of(body: str) -> list[tuple[int, int, str]]:
    """(start, end, speaker) of each turn's content, as lines starting with a speaker label."""
    starts = list(TURN_START.finditer(body))
    out = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        out.append((m.end(), end, m.group(1)))
    return out


def locate(body: str, quote: str, nth: int | None, where: str) -> int:
    hits = [m.start() for m in re.finditer(re.escape(quote), body)]
    if not hits:
        sys.exit(f"{where}: quote not found: {quote}")
    if nth is None:
        if len(hits) > 1:
            sys.exit(f"{where}: quote occurs {len(hits)} times, give nth: {quote}")
        return hits[0]
    return hits[nth - 1]


def load(coder: str) -> list[dict]:
    rows = []
    for path in sorted((FIX / coder).glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        tid = doc["transcript"]
        body = body_of(HERE / f"{tid}.txt")
        turns = turns_of(body)
        for i, c in enumerate(doc["codings"]):
            quote = unicodedata.normalize("NFC", c["quote"])
            start = locate(body, quote, c.get("nth"), f"{path.name} #{i + 1}")
            end = start + len(quote)
            turn = [k for k, (s, e, _) in enumerate(turns) if s <= start and end <= e]
            if not turn or turns[turn[0]][2] != "受访者":
                sys.exit(f"{path.name} #{i + 1}: not inside one 受访者 turn: {quote}")
            rows.append({"transcript": tid, "start": start, "end": end, "code": c["code"], "text": quote, "turn": turn[0]})
    return rows


def new_codes() -> list[dict]:
    out = []
    for path in sorted((FIX / "coder1").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for c in doc.get("new_codes") or []:
            out.append({**c, "transcript": doc["transcript"]})
    return out


def kappa(a: list, b: list) -> float:
    """Cohen's kappa from the definition: (po - pe) / (1 - pe)."""
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def agreement(gold: list[dict], second: list[dict]) -> dict:
    scope = sorted({r["transcript"] for r in second})
    c1 = {(r["transcript"], r["start"], r["end"], r["code"]) for r in gold if r["transcript"] in scope}
    c2 = {(r["transcript"], r["start"], r["end"], r["code"]) for r in second}
    m, n1, n2 = len(c1 & c2), len(c1), len(c2)
    k = 2 * m / (n1 + n2)
    r = 2 * k / (1 + k)
    units = sorted({x[:3] for x in c1 | c2})

    def value(coded: set, unit: tuple) -> str:
        codes = sorted(x[3] for x in coded if x[:3] == unit)
        return "+".join(codes) if codes else "-"

    v1 = [value(c1, u) for u in units]
    v2 = [value(c2, u) for u in units]
    per_code = {}
    for code in sorted({x[3] for x in c1 | c2}):
        p1 = [any(x[:3] == u and x[3] == code for x in c1) for u in units]
        p2 = [any(x[:3] == u and x[3] == code for x in c2) for u in units]
        per_code[code] = {"cohen_kappa": round(kappa(p1, p2), 6), "percent": round(sum(a == b for a, b in zip(p1, p2)) / len(units), 6)}
    return {
        "scope": scope,
        "unit": "segment",
        "segments": len(units),
        "M": m,
        "N1": n1,
        "N2": n2,
        "holsti_k": round(k, 6),
        "composite_r": round(r, 6),
        "cohen_kappa": round(kappa(v1, v2), 6),
        "percent": round(sum(a == b for a, b in zip(v1, v2)) / len(units), 6),
        "per_code": per_code,
    }


def main() -> None:
    gold = load("coder1")
    second = load("coder2")
    sources: dict[str, set[str]] = defaultdict(set)
    for r in gold:
        sources[r["code"]].add(r["transcript"])
    by_transcript: dict[str, set[str]] = defaultdict(set)
    for r in gold:
        by_transcript[r["transcript"]].add(r["code"])
    for tid, planned in DESIGN_SOURCES.items():
        if by_transcript.get(tid, set()) != set(planned.split()):
            sys.exit(f"{tid}: fixture codes {sorted(by_transcript.get(tid, set()))} differ from the design {planned}")

    coding = [r for r in gold if r["transcript"] in CODING_ORDER]
    frequencies = {
        code: {"codings": sum(1 for r in coding if r["code"] == code), "sources": len({r["transcript"] for r in coding if r["code"] == code})}
        for code in sorted({r["code"] for r in coding})
    }
    # Co-occurrence: units (turns, sources) in which both codes of a pair occur, coding transcripts.
    turn_codes: dict[tuple[str, int], set[str]] = defaultdict(set)
    for r in coding:
        turn_codes[(r["transcript"], r["turn"])].add(r["code"])
    turn_pairs: Counter = Counter()
    for codes in turn_codes.values():
        for a, b in itertools.combinations(sorted(codes), 2):
            turn_pairs[(a, b)] += 1
    source_pairs: Counter = Counter()
    for tid in CODING_ORDER:
        for a, b in itertools.combinations(sorted(by_transcript[tid]), 2):
            source_pairs[(a, b)] += 1
    overlap_pairs: Counter = Counter()
    for tid in CODING_ORDER:
        rows = [r for r in coding if r["transcript"] == tid]
        for x, y in itertools.combinations(rows, 2):
            if x["code"] != y["code"] and x["start"] < y["end"] and y["start"] < x["end"]:
                overlap_pairs[tuple(sorted((x["code"], y["code"])))] += 1
    seen: set[str] = set()
    curve = []
    for tid in CODING_ORDER + HELD_OUT + NEGATIVE:
        new = sorted(by_transcript[tid] - seen)
        seen |= by_transcript[tid]
        curve.append({"source": tid, "new_codes": len(new), "cumulative": len(seen), "new": new})

    expected = {
        "note": "Computed by corpus/build_fixtures.py from the fixtures, independently of the coder package.",
        "coder1": "R1",
        "coder2": "R2",
        "coding_transcripts": CODING_ORDER,
        "held_out": HELD_OUT,
        "negative_control": NEGATIVE,
        "codings_total": len(gold),
        "design_sources": {t: v.split() for t, v in DESIGN_SOURCES.items()},
        "sources_per_code": {c: sorted(s) for c, s in sorted(sources.items())},
        "frequencies_coding_transcripts": frequencies,
        "planted_pairs": [
            {"a": a, "b": b, "turn": turn_pairs[(a, b)], "source": source_pairs[(a, b)], "overlap": overlap_pairs[(a, b)]}
            for a, b in PLANTED_PAIRS
        ],
        "cooccurrence_turn": [{"a": a, "b": b, "count": n} for (a, b), n in sorted(turn_pairs.items())],
        "cooccurrence_overlap": [{"a": a, "b": b, "count": n} for (a, b), n in sorted(overlap_pairs.items())],
        "saturation": curve,
        "agreement_segment": agreement(gold, second),
        "new_codes": new_codes(),
    }
    FIX.mkdir(exist_ok=True)
    for name, rows in (("gold_coder1.jsonl", gold), ("coder2.jsonl", second)):
        with (FIX / name).open("w", encoding="utf-8") as fh:
            for r in rows:
                out = {k: r[k] for k in ("transcript", "start", "end", "code", "text")}
                fh.write(json.dumps(out, ensure_ascii=False) + "\n")
    (FIX / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(gold)} gold codings, {len(second)} second-coder codings; expected.json written")


if __name__ == "__main__":
    main()
