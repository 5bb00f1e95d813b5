"""TUI benchmark: a 300,000-character transcript with 5,000 codings.

Figures: time to open (the app built, the project read, the transcript laid out and first drawn),
and the median and 95th percentile per key for cursor moves, page downs, shift-selections and
applying a code. A key's time runs from the moment the key is sent until the screen update that
shows its effect has been composed (the compositor's refresh after the key's messages are
handled; Textual batches screen updates at up to 60 per second, so this includes that wait).
The idle time Pilot spends afterwards waiting for quiet is not counted.

In the same run, Textual's own ``TextArea`` (read-only, soft wrap) shows the same transcript at
the same size and takes the same cursor moves, page downs and shift-selections, timed the same
way; each figure is judged against the stock widget's in the same run (at most a quarter of
its median, since the workbench draws codings and margin labels that the stock widget does
not; a 95th percentile no longer than the stock's). Opening is judged against an empty Textual
app opened alternately with it, medians of three.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from pathlib import Path

from bench.common import Context, Result
from bench.synth import make_text

CHARS = 300_000
CODINGS = 5_000
#: Opening may take this many times an empty Textual app's open (measured 2026-12-02).
OPEN_RATIO = 8.0


def _build(path: Path) -> None:
    from coder.model import SourceDraft
    from coder.project import Project

    rng = random.Random(7)
    text, turns = make_text(rng, CHARS)
    p = Project.create(path, title="tui benchmark")
    p.add_code("范畴", "axial")
    codes = [p.add_code(f"概念{i}", parent="A1").id for i in range(40)]
    src = p.add_source(SourceDraft(name="long", text=text, turns=turns))
    rows = []
    for _ in range(CODINGS):
        start = rng.randrange(0, len(text) - 300)
        rows.append((src.id, rng.choice(codes), start, start + rng.randint(5, 300), "R1"))
    p.add_codings(rows)
    p.close()


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _tracer(app, screen):  # type: ignore[no-untyped-def]
    """``key(name, probe)``: send a key as a terminal would and return the time until the first
    screen update after which ``probe()`` differs from before the key."""
    from textual import events

    original = screen._compositor_refresh
    drawn: list[tuple[float, object]] = []
    state = {"probe": lambda: None}

    def traced() -> None:
        original()
        drawn.append((time.perf_counter(), state["probe"]()))

    screen._compositor_refresh = traced  # type: ignore[method-assign]

    async def key(pilot, name: str, probe) -> float:  # type: ignore[no-untyped-def]
        await pilot.pause()
        state["probe"] = probe
        before = probe()
        drawn.clear()
        t = time.perf_counter()
        app.post_message(events.Key(name, None))
        deadline = t + 3.0
        while time.perf_counter() < deadline and not any(p != before for _, p in drawn):
            await asyncio.sleep(0.0005)
        await pilot.pause()
        hits = [d for d, p in drawn if p != before]
        return (hits[0] if hits else time.perf_counter()) - t

    return key


CURSOR_KEYS = ["right", "down", "left", "down", "right"] * 40


async def _measure_textarea(text: str) -> dict[str, list[float]]:
    """The stock widget on the same text: Textual's TextArea, read-only, soft-wrapped."""
    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    class Stock(App[None]):
        def compose(self) -> ComposeResult:
            yield TextArea(text, read_only=True, soft_wrap=True, id="stock")

    app = Stock()
    out: dict[str, list[float]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        area = app.query_one(TextArea)
        area.focus()
        await pilot.pause()
        key = _tracer(app, app.screen)

        def probe():  # type: ignore[no-untyped-def]
            return (area.cursor_location, area.selection)

        out["cursor"] = [await key(pilot, k, probe) for k in CURSOR_KEYS]
        out["page"] = [await key(pilot, "pagedown", probe) for _ in range(100)]
        out["select"] = [await key(pilot, "shift+right", probe) for _ in range(100)]
    return out


async def _empty_open() -> float:
    """The anchor for opening: an empty Textual app, from construction to its first frame."""
    from textual.app import App
    from textual.widgets import Footer, Header

    class Empty(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Header()
            yield Footer()

    t0 = time.perf_counter()
    app = Empty()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        elapsed = time.perf_counter() - t0
    return elapsed


async def _measure(path: Path, *, apply: bool) -> dict[str, list[float] | float]:
    from coder.tui.app import make_app
    from coder.tui.widgets.transcript import TranscriptView

    t0 = time.perf_counter()
    app = make_app(path, coder="bench", nlp=False)
    out: dict[str, list[float] | float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        while not view.text:
            await pilot.pause(0.01)
        out["open"] = time.perf_counter() - t0
        await _keys(app, pilot, view, out, apply=apply)
    app.project.close()
    return out


async def _keys(app, pilot, view, out, *, apply: bool) -> None:  # type: ignore[no-untyped-def]
    """The per-key figures, sent as a terminal would send them."""

    traced = _tracer(app, app.screen)

    async def key(name: str, probe=lambda: (view.cursor, view.anchor)) -> float:  # type: ignore[no-untyped-def]
        return await traced(pilot, name, probe)

    out["cursor"] = [await key(k) for k in CURSOR_KEYS]
    out["page"] = [await key("pagedown") for _ in range(100)]
    out["select"] = [await key("shift+right") for _ in range(100)]
    if not apply:
        return
    times = []
    code_id = [c.id for c in app.project.codes() if c.level == "open"][0]
    app.screen.keys.use(code_id)  # on number key 1
    for i in range(50):
        view.anchor = None
        view.cursor = 1000 + i * 997
        await pilot.press("shift+right", "shift+right", "shift+right")
        times.append(await key("1", probe=lambda: len(view.spans)))
    out["apply"] = times


def run(ctx: Context) -> list[Result]:
    work = ctx.out / "tui"
    work.mkdir(parents=True, exist_ok=True)
    path = work / "long.coder"
    if path.exists():
        path.unlink()
    _build(path)
    # The workbench's number keys are a per-user file: the bench's go to its own folder.
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    from coder.project import Project

    with Project.open(path) as p:
        text = p.source_text("long")
    # Three rounds, each: the anchor's opening, the stock widget's keys, the workbench's opening
    # and keys. Opening is the median of three; each key figure pools the three rounds' keys on
    # both sides, so a slow spell of the machine falls on both (one round each swung the stock
    # widget's median page down from 19 to 32 ms between runs of `make bench`). Applying a code
    # changes the project, so it is measured in the last round only.
    opens: list[float] = []
    anchors: list[float] = []
    m: dict[str, list[float]] = {}
    stock: dict[str, list[float]] = {}
    for i in range(3):
        anchors.append(asyncio.run(_empty_open()))
        for name, values in asyncio.run(_measure_textarea(text)).items():
            stock.setdefault(name, []).extend(values)
        ours = asyncio.run(_measure(path, apply=i == 2))
        opens.append(float(ours.pop("open")))  # type: ignore[arg-type]
        for name, values in ours.items():
            assert isinstance(values, list)
            m.setdefault(name, []).extend(values)
    results = [
        Result(
            f"tui: open a {CHARS:,}-char transcript with {CODINGS:,} codings",
            statistics.median(opens),
            target=1.0,
            anchor="an empty Textual app's open",
            anchor_value=statistics.median(anchors),
            ratio_target=OPEN_RATIO,
        )
    ]
    for name, label in (
        ("cursor", "cursor moves"),
        ("page", "page downs"),
        ("select", "shift-selections"),
        ("apply", "applying a code"),
    ):
        values = m[name]
        assert isinstance(values, list)
        # The stock widget's same key is the anchor (applying a code: its cursor move). The
        # workbench must take at most a quarter of its time per key (it draws codings and margin
        # labels the stock widget does not), and its slowest keys no longer than the stock's.
        theirs = stock.get(name, stock["cursor"])
        what = "Textual TextArea's " + ("same key" if name in stock else "cursor move")
        results.append(
            Result(
                f"tui: {label}, median per key",
                statistics.median(values),
                target=0.030,
                anchor=what,
                anchor_value=statistics.median(theirs),
                ratio_target=0.25 if name in stock else 1.0,
            )
        )
        results.append(
            Result(
                f"tui: {label}, 95th percentile",
                _pct(values, 0.95),
                target=0.080,
                anchor=what,
                anchor_value=_pct(theirs, 0.95),
                ratio_target=1.0,
            )
        )
    return results
