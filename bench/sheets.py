"""Sheets: a generated 100,000-row message-board workbook (about 30 M characters) imported,
committed and searchable, beside reading the same sheet with python-calamine alone; a search that
hits 1% of the rows; the import's peak memory; and calamine against openpyxl on 10,000 rows.

The import runs in a subprocess of its own, so its peak resident memory (``VmHWM``) is the
import's and nothing else's.
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import Context, Result, alternate, median_of

ROWS = 100_000
CHARS_PER_ROW = 300
#: Appears in 1% of rows and nowhere else (its characters are not in the filler pool).
NEEDLE = "垃圾分类"
_POOL = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理世"


def _texts(seed: int, rows: int) -> list[tuple[str, str, str, str, str, int]]:
    rng = random.Random(seed)
    pool = [c for c in _POOL if c not in NEEDLE]
    labels = [
        "城乡建设",
        "环境保护",
        "交通运输",
        "教育文体",
        "劳动和社会保障",
        "卫生计生",
        "商贸旅游",
    ]
    out = []
    for i in range(rows):
        n = rng.randint(CHARS_PER_ROW - 100, CHARS_PER_ROW + 100)
        body = "".join(rng.choices(pool, k=n))
        if i % 100 == 7:  # 1% of rows
            at = rng.randrange(n)
            body = body[:at] + NEEDLE + body[at:]
        title = "".join(rng.choices(pool, k=rng.randint(6, 14)))
        day = f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
        out.append(
            (
                f"2019-{i:06d}",
                title,
                "\n\t\t" + body,
                day,
                labels[i % len(labels)],
                rng.randint(0, 500),
            )
        )
    return out


def _write(path: Path, rows: int) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("留言")
    ws.append(["留言编号", "留言主题", "留言详情", "留言时间", "一级标签", "点赞数"])
    chars = 0
    for row in _texts(17, rows):
        ws.append(list(row))
        chars += len(row[1]) + len(row[2])
    book.save(path)
    return chars


_IMPORT = """
import resource, sys, time, json
from pathlib import Path
from coder.project import Project
from coder.text.sheets import import_sheet
from coder.text.search import search
t = time.perf_counter()
p = Project.open(Path(sys.argv[1]))
r = import_sheet(p, Path(sys.argv[2]), text=["留言主题", "留言详情"], id="留言编号", code_column="一级标签")
elapsed = time.perf_counter() - t
p.close()
# VmHWM: the peak of this process's own memory since exec. ru_maxrss would also count the
# parent's size at fork (the bench process itself, over a gigabyte after earlier modules).
try:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
    peak = int(hwm.split()[1]) / 1024
except (OSError, IndexError, ValueError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "sources": r.sources}))
"""

_READ = """
import sys, time
from python_calamine import CalamineWorkbook
t = time.perf_counter()
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
print(time.perf_counter() - t)
"""

#: The import's anchor: the same sheet read with calamine and its rows written with bare sqlite3
#: (executemany into a fresh file, one commit): the least an import that keeps the rows must do.
_RAW_IMPORT = """
import sqlite3, sys, time
from pathlib import Path
from python_calamine import CalamineWorkbook
out = Path(sys.argv[2]); out.unlink(missing_ok=True)
t = time.perf_counter()
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
head, body = rows[0], rows[1:]
i, a, b = head.index("留言编号"), head.index("留言主题"), head.index("留言详情")
con = sqlite3.connect(out)
con.execute("CREATE TABLE sources (id INTEGER PRIMARY KEY, name TEXT, text TEXT, attrs TEXT)")
con.executemany(
    "INSERT INTO sources (name, text, attrs) VALUES (?, ?, ?)",
    ((str(r[i]), f"{r[a]}\\n{r[b]}", repr(r)) for r in body),
)
con.commit(); con.close()
print(time.perf_counter() - t)
"""

#: The absolute targets over their anchors' typical values measured on this machine on
#: 2026-12-03: the import's 30 s over calamine + executemany, the search's 200 ms over bare
#: sqlite3 scanning the same texts for the needle (instr, no index). The import's anchor is the
#: mean of its values (5.86 s, 6.39 s) in two full `make bench` runs with nothing else on this 2-core machine, 2026-12-03 (sessions 8 and 9; the earlier value, measured at 07:31 UTC with helpers' runs beside it, was three times too slow and made the ratio stricter than the absolute target).
IMPORT_ANCHOR_S = 6.1
SEARCH_ANCHOR_S = 0.461
RATIO_IMPORT = round(30.0 / IMPORT_ANCHOR_S, 1)
RATIO_SEARCH = round(0.2 / SEARCH_ANCHOR_S, 1)

_OPENPYXL = """
import sys, time
from openpyxl import load_workbook
t = time.perf_counter()
rows = list(load_workbook(sys.argv[1], read_only=True).worksheets[0].iter_rows(values_only=True))
print(time.perf_counter() - t)
"""


def _py(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def run(ctx: Context) -> list[Result]:
    import json
    import sqlite3

    from coder.project import Project
    from coder.text.search import search

    work = ctx.out / "sheets"
    work.mkdir(parents=True, exist_ok=True)
    sheet = work / "board-100k.xlsx"
    small = work / "board-10k.xlsx"
    if not sheet.exists():
        _write(sheet, ROWS)
    if not small.exists():
        _write(small, ROWS // 10)
    project = work / "board.coder"
    if project.exists():
        project.unlink()
    for extra in ("-wal", "-shm"):
        Path(str(project) + extra).unlink(missing_ok=True)
    Project.create(project, title="bench sheets").close()

    read = float(_py(_READ, str(sheet)))
    raw_db = work / "raw-import.sqlite"
    # The import once (30 s), between two runs of its anchor: drift moves them together.
    raw = [float(_py(_RAW_IMPORT, str(sheet), str(raw_db)))]
    done = json.loads(_py(_IMPORT, str(project), str(sheet)))
    raw.append(float(_py(_RAW_IMPORT, str(sheet), str(raw_db))))
    raw_db.unlink(missing_ok=True)
    assert done["sources"] == ROWS, done

    p = Project.open(project)
    try:
        hits = search(p, NEEDLE)
        assert len({h.source_id for h in hits}) == ROWS // 100, len(hits)
        bare = sqlite3.connect(f"file:{project}?mode=ro", uri=True)

        def scan() -> list[tuple]:
            return bare.execute(
                "SELECT id, name, text FROM sources WHERE instr(text, ?) > 0 ORDER BY position",
                (NEEDLE,),
            ).fetchall()

        assert len(scan()) == ROWS // 100
        search_s, search_anchor = alternate(lambda: search(p, NEEDLE), scan, 5)
        bare.close()
        two = median_of(lambda: search(p, "垃圾"), 3)
    finally:
        p.close()

    cal_small = min(float(_py(_READ, str(small))) for _ in range(3))
    opx_small = min(float(_py(_OPENPYXL, str(small))) for _ in range(2))
    shutil.rmtree(work / "tmp", ignore_errors=True)
    return [
        Result(
            "sheet import: 100,000 rows (~30 M chars), committed and searchable",
            done["seconds"],
            target=30.0,
            anchor="calamine read + bare sqlite3 executemany of the rows (before and after)",
            anchor_value=statistics.mean(raw),
            ratio_target=RATIO_IMPORT,
        ),
        Result("  calamine read alone", read),
        Result(
            f"search {NEEDLE!r}: hits 1% of 100,000 rows, median of 5",
            search_s,
            target=0.2,
            anchor="bare sqlite3 instr() scan of the same texts",
            anchor_value=search_anchor,
            ratio_target=RATIO_SEARCH,
        ),
        Result("search '垃圾' (2 characters) over 100,000 rows", two),
        Result(
            "sheet import peak memory (VmHWM of its own process)",
            done["peak_mb"],
            unit="MB",
            target=1024,
        ),
        Result(
            "read 10,000-row .xlsx: python-calamine",
            cal_small,
            anchor="openpyxl read-only",
            anchor_value=opx_small,
        ),
    ]
