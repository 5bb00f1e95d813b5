"""The workbench's sources pane on a 100,000-source project (issue 17): opening the project in the
TUI, and filtering the pane per key, by an attribute and by name.

The project is built with the sheet importer from the message-board sheet that
``bench/sheets.py`` generates (``_texts``: 100,000 rows of about 300 characters, a date, a label
coded through the code column, a number of likes), written as CSV. In the same run the same open
is timed on the first 1,000 rows of the same sheet (the anchor: what the pane costs beyond a
small project), and Textual's stock ``OptionList`` is fed the same 100,000 prompts, the widget the
pane used before.

Open: from building the app until the main screen is mounted with the pane filled and the first
frame composed, then Pilot's pause (which waits for the process to go idle, up to a second, so
part of the workers' reading of the whole list counts); the first frame alone is printed beside
it, and the coded shares, read in a worker afterwards, are timed separately. Filter: the
box's value set to one more character of the words, until the first screen update composed after
the pane took its new rows (Textual batches updates at up to 60 a second, so this includes that
wait; the idle time Pilot waits afterwards is not counted).
"""

from __future__ import annotations

import asyncio
import csv
import statistics
import time
from pathlib import Path

from bench.common import Context, Result

ROWS = 100_000
SMALL = 1_000


def _write_csv(path: Path, rows: int) -> None:
    from bench.sheets import _texts

    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["留言编号", "留言主题", "留言详情", "留言时间", "一级标签", "点赞数"])
        out.writerows(_texts(17, rows))


def _build(work: Path, rows: int) -> Path:
    from coder.project import Project
    from coder.text.sheets import import_sheet

    project = work / f"sources-{rows}.coder"
    if project.exists():
        return project
    sheet = work / f"board-{rows}.csv"
    _write_csv(sheet, rows)
    tmp = work / f"building-{rows}.coder"
    for old in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        old.unlink(missing_ok=True)
    p = Project.create(tmp, title=f"bench sources {rows}")
    import_sheet(
        p,
        sheet,
        text=["留言主题", "留言详情"],
        id="留言编号",
        attributes=["留言时间", "点赞数"],
        code_column="一级标签",
    )
    p.close()
    tmp.rename(project)
    return project


async def _reading_key(path: Path) -> tuple[float, bool]:
    """A key in the pane just after the first frame, while the whole list is still being read
    (the pane shows its pages meanwhile): until the cursor has moved. Whether the list was still
    being read when the key was handled."""
    from textual import events

    from coder.tui.app import make_app
    from coder.tui.screens.main import MainScreen
    from coder.tui.widgets.source_list import SourceList

    app = make_app(path, nlp=False)
    async with app.run_test(size=(160, 45)):
        while not (isinstance(app.screen, MainScreen) and app.screen.query(SourceList)):
            await asyncio.sleep(0.001)
        pane = app.screen.query_one(SourceList)
        while not pane.lines.rows:
            await asyncio.sleep(0.001)
        pane.lines.focus()
        s = time.perf_counter()
        app.post_message(events.Key("down", None))
        while pane.lines.highlighted in (None, 0):
            await asyncio.sleep(0.0005)
        elapsed = time.perf_counter() - s
        paged = not isinstance(pane.lines.rows, list)
        await app.workers.wait_for_complete()
    app.project.close()
    return elapsed, paged


async def _open(path: Path) -> dict[str, float]:
    from coder.tui.app import make_app
    from coder.tui.screens.main import MainScreen
    from coder.tui.widgets.source_list import SourceList

    t = time.perf_counter()
    app = make_app(path, nlp=False)
    out: dict[str, float] = {}
    async with app.run_test(size=(160, 45)) as pilot:
        while not (isinstance(app.screen, MainScreen) and app.screen.query(SourceList)):
            await asyncio.sleep(0.001)
        pane = app.screen.query_one(SourceList)
        first: list[float] = []
        composed = app.screen._compositor_refresh

        def first_frame() -> None:
            composed()
            if not first and pane.lines.rows:
                first.append(time.perf_counter())

        app.screen._compositor_refresh = first_frame  # type: ignore[method-assign]
        while not pane.lines.rows:
            await asyncio.sleep(0.001)
        # Pilot's pause waits for the first frame and then for the process to go idle, up to a
        # second: the workers reading the whole list for the filter count in this figure.
        await pilot.pause()
        out["open"] = time.perf_counter() - t
        while not first:
            await asyncio.sleep(0.001)
        out["first_frame"] = first[0] - t
        app.screen._compositor_refresh = composed  # type: ignore[method-assign]
        await app.workers.wait_for_complete()
        out["shares"] = time.perf_counter() - t
        await pilot.pause()
        box = pane.query_one("#source-filter")
        drawn: list[float] = []
        original = app.screen._compositor_refresh

        def traced() -> None:
            original()
            drawn.append(time.perf_counter())

        app.screen._compositor_refresh = traced  # type: ignore[method-assign]
        for name, words in (
            ("attribute", "留言时间>=2019-06-01"),
            ("name", "2019-00123"),
        ):
            times = []
            for i in range(1, len(words) + 1):
                await pilot.pause()
                before = pane.lines.rows
                drawn.clear()
                s = time.perf_counter()
                box.value = words[:i]  # type: ignore[attr-defined]
                # Until the first screen update after the pane took its new rows.
                while not (pane.lines.rows is not before and drawn):
                    await asyncio.sleep(0.0005)
                times.append(drawn[-1] - s)
            out[name] = statistics.median(times)
            out[name + "_max"] = max(times)
            out[name + "_rows"] = len(pane.lines.rows)
            box.value = ""  # type: ignore[attr-defined]
            await pilot.pause()
        s = time.perf_counter()
        await pilot.press("u")
        out["next"] = time.perf_counter() - s
    app.project.close()
    return out


async def _option_list(prompts: list[str]) -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import OptionList

    class Stock(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionList()

    app = Stock()
    async with app.run_test(size=(160, 45)) as pilot:
        t = time.perf_counter()
        app.query_one(OptionList).add_options(prompts)
        await pilot.pause()
        return time.perf_counter() - t


def run(ctx: Context) -> list[Result]:
    work = ctx.out / "sources"
    work.mkdir(parents=True, exist_ok=True)
    big = _build(work, ROWS)
    small = _build(work, SMALL)
    asyncio.run(_open(small))  # warm: imports, stylesheet
    small_t = asyncio.run(_open(small))
    big_t = asyncio.run(_open(big))
    reading_key, reading_paged = asyncio.run(_reading_key(big))
    from coder.project import Project

    p = Project.open(big)
    prompts = [f"{r.name} {r.attributes.get('留言时间', '')}" for r in p.source_rows()]
    p.close()
    stock = asyncio.run(_option_list(prompts))
    return [
        Result(
            "TUI open, 100,000 sources (pane filled, first frame)",
            big_t["open"],
            target=2.0,
            anchor="the same open at 1,000 sources",
            anchor_value=small_t["open"],
        ),
        Result(
            "  … the first frame with the pane filled (before the idle wait)",
            big_t["first_frame"],
            anchor="the same at 1,000 sources",
            anchor_value=small_t["first_frame"],
        ),
        Result(
            "  … a key in the pane just after it (the list "
            + ("still being read)" if reading_paged else "read already)"),
            reading_key,
        ),
        Result("  … coded shares shown (worker), 100,000 sources", big_t["shares"]),
        Result(
            f"filter per key, attribute 留言时间>=2019-06-01 (median; {big_t['attribute_rows']:,.0f} rows)",
            big_t["attribute"],
            target=0.1,
            anchor="the same at 1,000 sources",
            anchor_value=small_t["attribute"],
        ),
        Result("  … slowest key of it", big_t["attribute_max"], target=0.1),
        Result(
            f"filter per key, name 2019-00123 (median; {big_t['name_rows']:,.0f} rows)",
            big_t["name"],
            target=0.1,
            anchor="the same at 1,000 sources",
            anchor_value=small_t["name"],
        ),
        Result("  … slowest key of it", big_t["name_max"], target=0.1),
        Result("next uncoded (u), 100,000 sources", big_t["next"]),
        Result(
            "stock OptionList fed the 100,000 prompts (the pane before)",
            stock,
            anchor="the line-API pane's open",
            anchor_value=big_t["open"],
        ),
    ]
