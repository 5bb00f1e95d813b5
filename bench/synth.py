"""A synthetic large project for benchmarks: 1,000 sources of 15,000 characters, 300 codes at
three levels, 200,000 codings by three coders. Deterministic (seeded)."""

from __future__ import annotations

import gc
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from coder.model import SourceDraft, Turn
from coder.project import Project

WORDS = (
    "街道 居委会 会商日 条块联动 职能部门 区委书记 资源清单 需求清单 驻区单位 居民代表 问题清单 "
    "现场 踏勘 执法 考核 办结率 满意度 经费 编制 下沉 权限 审批 项目 规划 例会 督办 协调 沟通 "
    "老旧小区 加装电梯 停车 垃圾分类 物业 业委会 网格 平台 热线 派单 反馈 整改 落实 推进 "
    "我们 他们 这个 那个 就是说 然后 其实 因为 所以 但是 如果 已经 还是 一直 比较 特别"
).split()
PUNCT = "，，，。。！？；"


@dataclass
class Synth:
    sources: int = 1000
    chars: int = 15_000
    codes: int = 300
    codings: int = 200_000
    coders: tuple[str, ...] = ("R1", "R2", "R3")
    seed: int = 20261127


def make_text(rng: random.Random, n: int) -> tuple[str, list[Turn]]:
    """About ``n`` characters of interview-like Chinese in speaker turns."""
    parts: list[str] = []
    turns: list[Turn] = []
    size = 0
    idx = 0
    while size < n:
        speaker = "访谈者" if idx % 2 == 0 else "受访者"
        label = f"{speaker}："
        body_len = rng.randint(20, 60) if speaker == "访谈者" else rng.randint(150, 700)
        words: list[str] = []
        blen = 0
        while blen < body_len:
            w = rng.choice(WORDS)
            words.append(w)
            blen += len(w)
            if rng.random() < 0.15:
                words.append(rng.choice(PUNCT))
                blen += 1
        body = "".join(words) + "。"
        start = size + len(label)
        parts.append(label + body + "\n")
        turns.append(Turn(idx, start, start + len(body), speaker, ""))
        size += len(label) + len(body) + 1
        idx += 1
    return "".join(parts), turns


def drafts(spec: Synth) -> list[SourceDraft]:
    rng = random.Random(spec.seed)
    out = []
    for i in range(spec.sources):
        text, turns = make_text(rng, spec.chars)
        out.append(
            SourceDraft(
                name=f"T{i:04d}",
                text=text,
                turns=turns,
                attributes={"group": rng.choice(["区", "街镇", "居民区", "居民"])},
                case=f"P{i:04d}",
            )
        )
    return out


def codebook_spec(spec: Synth) -> dict:
    """1 core, 29 categories, the rest concepts: the parsed-codebook shape import_codebook takes."""
    n_axial = 29
    codes = [{"label": "AA", "name": "核心范畴", "level": "selective", "core": True, "parents": []}]
    for i in range(1, n_axial + 1):
        codes.append(
            {
                "label": f"A{i}",
                "name": f"范畴{i}",
                "level": "axial",
                "parents": ["AA"],
                "paradigm_role": "strategy",
                "axis": "统" if i % 2 else "合",
            }
        )
    for i in range(1, spec.codes - n_axial):
        codes.append(
            {
                "label": f"a{i:03d}",
                "name": f"概念{i}",
                "level": "open",
                "parents": [f"A{1 + i % n_axial}"],
            }
        )
    return {"codes": codes, "relations": [], "memos": []}


def coding_rows(
    spec: Synth, texts: dict[int, int], code_ids: list[int]
) -> list[tuple[int, int, int, int, str]]:
    rng = random.Random(spec.seed + 1)
    sids = sorted(texts)
    rows = []
    for _ in range(spec.codings):
        sid = rng.choice(sids)
        start = rng.randrange(0, texts[sid] - 200)
        rows.append(
            (sid, rng.choice(code_ids), start, start + rng.randint(5, 200), rng.choice(spec.coders))
        )
    return rows


def _remove(path: Path) -> None:
    """A database file and its WAL companions, so the next load starts from nothing."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


def raw_sqlite_load(
    path: Path, docs: list[SourceDraft], rows: list[tuple[int, int, int, int, str]]
) -> float:
    """The anchor of the bulk load: the same sources, turns and codings written with the bare
    ``sqlite3`` module (``executemany`` into three plain tables, one transaction, WAL), so the
    figure can be judged against what SQLite itself costs on this machine in the same run."""
    import sqlite3

    _remove(path)
    t = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.executescript(
        "CREATE TABLE sources (id INTEGER PRIMARY KEY, name TEXT UNIQUE, text TEXT, chars INT);"
        "CREATE TABLE turns (source INT, idx INT, start INT, end INT, speaker TEXT);"
        "CREATE TABLE codings (id INTEGER PRIMARY KEY, source INT, code INT, start INT, end INT,"
        " coder TEXT); CREATE INDEX codings_code ON codings (code, source, start)"
    )
    with con:
        con.executemany(
            "INSERT INTO sources VALUES (?, ?, ?, ?)",
            ((i + 1, d.name, d.text, len(d.text)) for i, d in enumerate(docs)),
        )
        con.executemany(
            "INSERT INTO turns VALUES (?, ?, ?, ?, ?)",
            (
                (i + 1, tu.idx, tu.start, tu.end, tu.speaker)
                for i, d in enumerate(docs)
                for tu in d.turns
            ),
        )
        con.executemany(
            "INSERT INTO codings (source, code, start, end, coder) VALUES (?, ?, ?, ?, ?)", rows
        )
    con.close()
    return time.perf_counter() - t


def build(path: Path, spec: Synth | None = None, repeat: int = 3) -> dict[str, float]:
    """Write the synthetic project to ``path``; returns timings of the parts (seconds), and
    ``anchor``: a raw-SQLite load of the same rows. The project is built ``repeat`` times, each
    build just after an anchor load, and every figure is the median of its runs: one load of
    four seconds beside one of a second swung the ratio by 15% between runs of `make bench`
    (4.05x to 4.67x), which a median of three alternated loads does not."""
    spec = spec or Synth()
    docs = drafts(spec)
    raw = path.with_name("raw-anchor.sqlite")
    anchor_rows = coding_rows(
        spec, {i + 1: len(d.text) for i, d in enumerate(docs)}, list(range(30, 301))
    )
    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        anchor = raw_sqlite_load(raw, docs, anchor_rows)
        _remove(path)
        gc.collect()
        runs.append({"anchor": anchor, **_build_once(path, spec, docs)})
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def _build_once(path: Path, spec: Synth, docs: list[SourceDraft]) -> dict[str, float]:
    t0 = time.perf_counter()
    p = Project.create(path, title="synthetic benchmark project")
    p.import_codebook(codebook_spec(spec))
    t1 = time.perf_counter()
    p.add_sources(docs, summary="import synthetic sources")
    t2 = time.perf_counter()
    texts = {s.id: s.chars for s in p.sources()}
    code_ids = [c.id for c in p.codes() if c.level == "open"]
    rows = coding_rows(spec, texts, code_ids)
    t3 = time.perf_counter()
    p.add_codings(rows, summary="synthetic codings")
    t4 = time.perf_counter()
    p.close()
    return {
        "codebook": t1 - t0,
        "sources": t2 - t1,
        "codings": t4 - t3,
        "total": (t1 - t0) + (t2 - t1) + (t4 - t3),
    }
