"""Machine assistance on screens of their own: the random check of the machine coders' codings
(K), and discovery candidates turned into open codes (D).

- :class:`CheckScreen` draws machine codings not yet checked (``coder suggest --check N``, the
  same :func:`coder.assist.confirm.check_sample`), shows each with its passage in context, and
  records a verdict per key (``y`` confirm, ``n`` refute; one change and one undo each, through
  :meth:`Project.check_coding`, as ``--confirm``/``--refute`` do). The head gives each machine
  coder's precision with its Wilson 95% interval from :func:`coder.assist.confirm.check_report`,
  worded as ``coder suggest --check-report`` prints it.
- :class:`DiscoverScreen` runs :func:`coder.assist.discover.discover` in a worker and lists its
  candidates (top terms, in-vivo names) and their strongest passages; the researcher ticks
  passages, types or picks a name, and ctrl+s makes the open code with codings on the ticked
  passages: one event (:meth:`Project.code_new_many`), so one undo takes both back.

Length: two small screens on purpose in one module: they share the machine-assistance
vocabulary, the worker pattern and the passage-in-context rendering, and each is short; a third
screen of this kind would be the moment to give each a module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import Worker

from coder.i18n import _
from coder.tui.screens.base import CoderScreen
from coder.tui.widgets.footer import FittingFooter

if TYPE_CHECKING:
    from coder.assist.discover import Candidate
    from coder.assist.provenance import CheckFigures

#: Characters of the text shown on each side of a checked passage.
CONTEXT = 120


def unit_word(unit: str) -> str:
    return {"sentence": _("sentence"), "turn": _("turn"), "source": _("source")}.get(unit, unit)


def verdict_word(verdict: str) -> str:
    return {"confirmed": _("confirmed"), "refuted": _("refuted")}.get(verdict, verdict)


def _cell(text: str, style: str = "") -> Text:
    return Text(" ".join(str(text).split()), style=style, no_wrap=True, overflow="ellipsis")


def interval_words(f: CheckFigures) -> str:
    """A precision as ``coder suggest --check-report`` prints it: estimate and Wilson 95% CI."""
    return _("precision {p} (95% CI {low}–{high}), {confirmed} of {checked} confirmed").format(
        p=f"{f.precision:.3f}",
        low=f"{f.low:.3f}",
        high=f"{f.high:.3f}",
        confirmed=f.confirmed,
        checked=f.checked,
    )


def in_context(text: str, start: int, end: int, width: int = CONTEXT, lines: int = 2) -> Text:
    """The passage ``[start, end)`` of ``text`` marked, with the text around it, dim: up to
    ``width`` characters on each side and no more than ``lines`` line breaks (the question
    before, the rest of the answer), so that the passage stays in sight on a small screen."""
    left = max(0, start - width)
    before = text[left:start]
    parts = before.split("\n")
    if len(parts) > lines:
        before = "\n".join(parts[-lines:])
    elif left > 0:
        before = "…" + before
    after = text[end : end + width]
    parts = after.split("\n")
    if len(parts) > lines:
        after = "\n".join(parts[:lines])
    elif end + width < len(text):
        after += "…"
    return Text.assemble((before, "dim"), (text[start:end], "bold reverse"), (after, "dim"))


class CheckScreen(CoderScreen):
    """Check machine codings 抽检机器编码: a random draw of the machine coders' codings, each
    confirmed or refuted by a person, and the precision they give."""

    CSS_PATH = "../styles/assist.tcss"
    TITLE = _("Check machine codings 抽检机器编码")
    BINDINGS = [
        Binding("y,c", "judge('confirmed')", _("Confirm"), id="check.confirm"),
        Binding("n,r", "judge('refuted')", _("Refute"), id="check.refute"),
        Binding("s", "skip", _("Skip"), id="check.skip"),
        Binding("enter", "jump", _("In context"), priority=True, id="check.jump"),
        Binding("d", "draw", _("Draw again"), id="check.draw"),
        Binding("escape", "back", _("Back"), id="check.back"),
    ]

    def __init__(self, n: int = 20, *, seed: int | None = None) -> None:
        super().__init__()
        self.n = n
        self.seed = seed
        self.rows: list[dict[str, Any]] = []
        """The drawn machine codings (:func:`coder.assist.confirm.check_sample`'s rows)."""
        self.context: dict[int, Text] = {}
        """Each drawn coding's passage in its text (coding id → marked text)."""
        self.verdicts: dict[int, str] = {}
        """This coder's recorded verdicts on machine codings (coding id → verdict)."""
        self.skipped: set[int] = set()
        self.figures: list[CheckFigures] = []
        self._drawn = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(_("drawing machine codings…"), id="check-head")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="check-table")
        yield Static("", id="check-detail")
        yield FittingFooter()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#check-table", DataTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.action_draw()

    # -- drawing and reading ----------------------------------------------------------------------

    def action_draw(self) -> None:
        """Draw ``n`` machine codings this coder has not checked yet (in a worker)."""
        self.in_thread(
            self._draw, group="check-draw", description="machine codings to check", done=self._shown
        )

    def _draw(self) -> tuple[list[dict[str, Any]], dict[int, Text]]:
        from coder.assist.confirm import check_sample

        rows = check_sample(self.project, self.n, seed=self.seed)
        texts: dict[str, str] = {}
        context = {}
        for r in rows:
            if r["source"] not in texts:
                texts[r["source"]] = self.project.source_text(self.project.source_id(r["source"]))
            context[r["coding"]] = in_context(texts[r["source"]], r["start"], r["end"])
        return rows, context

    def _shown(self, drawn: tuple[list[dict[str, Any]], dict[int, Text]]) -> None:
        self.rows, self.context = drawn
        self.skipped = set()
        self._drawn = True
        self.reload()

    def reload(self) -> None:
        """The verdicts and the precision again (after a judgement, an undo, a colleague's check);
        the drawn codings stay."""
        from coder.assist.confirm import check_report

        me = self.project.coder
        before = self.verdicts
        self.verdicts = {
            c["coding_id"]: c["verdict"] for c in self.project.checks() if c["coder"] == me
        }
        self.figures = check_report(self.project)
        if self._drawn:
            self._fill()
            undone = [i for i, r in enumerate(self.rows) if r["coding"] in before]
            undone = [i for i in undone if self.rows[i]["coding"] not in self.verdicts]
            if undone:  # a verdict taken back (ctrl+z): the cursor on it, to judge again
                self.table.move_cursor(row=undone[0], animate=False)

    def work_failed(self, worker: Worker, message: str) -> None:
        if worker.group == "check-draw":
            self.query_one("#check-head", Static).update(
                Text(_("could not draw machine codings: {message}").format(message=message), "red")
            )

    # -- showing ----------------------------------------------------------------------------------

    def _state(self, coding: int) -> Text:
        verdict = self.verdicts.get(coding)
        if verdict == "confirmed":
            return _cell("✓ " + _("confirmed"), "green")
        if verdict == "refuted":
            return _cell("✗ " + _("refuted"), "red")
        if coding in self.skipped:
            return _cell(_("skipped"), "yellow")
        return _cell(_("not judged"), "dim")

    def _fill(self) -> None:
        table = self.table
        keep = table.cursor_row
        table.clear(columns=True)
        wide = self.size.width >= 100
        columns = [
            ("coding", _("coding"), 7),
            ("source", _("source"), 10),
            ("span", _("span"), 11),
            ("code", _("code"), 8),
            ("score", _("score"), 6),
            ("verdict", _("verdict"), 12),
        ]
        if wide:
            columns.append(("passage", _("passage"), max(20, self.size.width - 78)))
        for key, title, width in columns:
            table.add_column(_cell(title), width=width, key=key)
        for r in self.rows:
            cells = [
                _cell(str(r["coding"])),
                _cell(r["source"]),
                _cell(f"{r['start']}–{r['end']}"),
                _cell(r["label"]),
                _cell("" if r["score"] is None else f"{r['score']:.2f}"),
                self._state(r["coding"]),
            ]
            if wide:
                cells.append(_cell(r["text"]))
            table.add_row(*cells, key=str(r["coding"]))
        if self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1), animate=False)
        self._head()
        self._detail()

    def head_text(self) -> Text:
        """How many are drawn and judged, and each machine coder's precision with its interval."""
        judged = sum(r["coding"] in self.verdicts for r in self.rows)
        text = Text(
            _("{drawn} drawn, {judged} judged").format(drawn=len(self.rows), judged=judged),
            style="bold",
        )
        if not self.rows:
            text.append(
                "  " + _("no machine codings left to check (coder suggest --apply makes them)"),
                style="yellow",
            )
        overall = [f for f in self.figures if f.code is None]
        for f in overall:
            text.append(f"\n{f.machine}: ", style="bold")
            text.append(interval_words(f))
        if not overall:
            text.append("\n" + _("no checks yet: y confirms, n refutes"), style="dim")
        return text

    def _head(self) -> None:
        self.query_one("#check-head", Static).update(self.head_text())

    @property
    def current(self) -> dict[str, Any] | None:
        row = self.table.cursor_row
        return self.rows[row] if self.rows and 0 <= row < len(self.rows) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        r = self.current
        text = Text()
        if r is not None:
            text.append(f"{r['source']} {r['start']}–{r['end']}  ", style="bold")
            text.append(f"{r['label']}", style="bold")
            try:
                name = self.project.code(r["label"]).name
            except Exception:  # noqa: BLE001 -- a code gone meanwhile: the label says enough
                name = ""
            text.append(f" {name}  ")
            score = "" if r["score"] is None else f"{r['score']:.2f}"
            text.append(f"{r['coder']} {score}", style="dim")
            per_code = next(
                (f for f in self.figures if f.machine == r["coder"] and f.code == r["label"]), None
            )
            if per_code is not None:
                text.append(f"\n{r['label']}: " + interval_words(per_code), style="dim")
            text.append("\n")
            text.append_text(self.context.get(r["coding"], Text(r["text"])))
        self.query_one("#check-detail", Static).update(text)

    def on_resize(self) -> None:
        if self._drawn:
            self._fill()

    # -- judging ----------------------------------------------------------------------------------

    def action_judge(self, verdict: str) -> None:
        """Record this coder's verdict on the coding under the cursor (one change, one undo)."""
        r = self.current
        if r is None:
            self.notify(_("no machine coding here to judge"), severity="warning")
            return
        if r["coding"] in self.verdicts:
            self.notify(
                _("coding {id} is judged already ({verdict}); ctrl+z takes it back").format(
                    id=r["coding"], verdict=verdict_word(self.verdicts[r["coding"]])
                ),
                severity="warning",
            )
            return
        ok, _ident = self.write(self.project.check_coding, r["coding"], verdict)
        if not ok:
            return
        self.skipped.discard(r["coding"])
        self.reload()
        self._next_open()

    def action_skip(self) -> None:
        r = self.current
        if r is None:
            return
        if r["coding"] not in self.verdicts:
            self.skipped.add(r["coding"])
            self._fill()
        self._next_open()

    def _next_open(self) -> None:
        """The cursor to the next coding neither judged nor skipped (wrapping round)."""
        n = len(self.rows)
        at = self.table.cursor_row
        for step in range(1, n + 1):
            r = self.rows[(at + step) % n]
            if r["coding"] not in self.verdicts and r["coding"] not in self.skipped:
                self.table.move_cursor(row=(at + step) % n, animate=False)
                return
        if n:
            self.notify(_("every drawn coding is judged or skipped; d draws more"), timeout=4)

    def action_jump(self) -> None:
        r = self.current
        if r is not None:
            self.coder_app.show_passage(
                self.project.source_id(r["source"]), int(r["start"]), int(r["end"])
            )

    def action_back(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()


class DiscoverScreen(CoderScreen):
    """Discovery 概念发现: candidate concepts in the text nobody has coded yet; tick passages,
    name the concept, and it becomes an open code with those codings, in one undoable step."""

    CSS_PATH = "../styles/assist.tcss"
    TITLE = _("Discovery 概念发现")
    BINDINGS = [
        Binding("escape", "back", _("Back"), id="discover.back"),
        Binding("space", "tick", _("Tick passage"), id="discover.tick"),
        Binding("A", "tick_all", _("Tick all"), show=False, id="discover.tick_all"),
        Binding("ctrl+n", "next_name", _("Next name"), id="discover.name"),
        Binding("ctrl+s", "make_code", _("Make open code"), id="discover.make"),
        Binding("g", "rediscover", _("Discover again"), id="discover.again"),
        Binding("u", "unit", _("Unit"), show=False, id="discover.unit"),
    ]

    UNITS = ("sentence", "turn")

    def __init__(self, *, unit: str = "sentence", k: int = 8) -> None:
        super().__init__()
        self.unit = unit
        self.k = k
        self.candidates: list[Candidate] = []
        self.ticks: dict[int, set[int]] = {}
        """Per candidate, the ticked passages (indexes into its passages)."""
        self.names: dict[int, str] = {}
        """Per candidate, the name typed or picked."""
        self.made: dict[int, tuple[int, str]] = {}
        """Candidates made into codes here: index → (code id, label)."""
        self._shown_candidate: int | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="discover-head")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="discover-cands")
        yield DataTable(cursor_type="row", id="discover-passages")
        yield Static("", id="discover-detail")
        yield Input(
            placeholder=_("name of the open code (ctrl+n: the next in-vivo name)"),
            id="discover-name",
        )
        yield FittingFooter()

    @property
    def cands(self) -> DataTable[Text]:
        return self.query_one("#discover-cands", DataTable)

    @property
    def passages(self) -> DataTable[Text]:
        return self.query_one("#discover-passages", DataTable)

    def on_mount(self) -> None:
        self.cands.focus()
        self.action_rediscover()

    # -- discovering ------------------------------------------------------------------------------

    def action_rediscover(self) -> None:
        """Run discovery on the text not yet coded, in a worker (NMF over jieba words)."""
        from coder.assist.discover import discover

        self.query_one("#discover-head", Static).update(
            Text(
                _("discovering candidate concepts in the uncoded {unit}s…").format(
                    unit=unit_word(self.unit)
                ),
                style="dim",
            )
        )
        self.in_thread(
            lambda: discover(self.project, unit=self.unit, k=self.k),
            group="discover",
            description="discovery",
            done=self._found,
        )

    def action_unit(self) -> None:
        self.unit = self.UNITS[(self.UNITS.index(self.unit) + 1) % len(self.UNITS)]
        self.action_rediscover()

    def _found(self, candidates: list[Candidate]) -> None:
        self.candidates = candidates
        self.ticks = {i: set() for i in range(len(candidates))}
        self.names = {i: (c.names[0] if c.names else "") for i, c in enumerate(candidates)}
        self.made = {}
        self._shown_candidate = None
        self._fill()

    def work_failed(self, worker: Worker, message: str) -> None:
        if worker.group == "discover":
            self.query_one("#discover-head", Static).update(
                Text(_("no candidates: {message}").format(message=message), style="red")
            )

    def reload(self) -> None:
        """After an undo or a colleague's change: candidates whose code is gone are open again
        (the candidates themselves stay until g runs discovery again)."""
        if not self.made:
            return
        ids = {c.id for c in self.project.codes()}
        self.made = {i: m for i, m in self.made.items() if m[0] in ids}
        self._fill()

    # -- showing ----------------------------------------------------------------------------------

    def _fill(self) -> None:
        table = self.cands
        keep = table.cursor_row
        table.clear(columns=True)
        width = self.size.width
        table.add_column(_cell("#"), width=3, key="n")
        table.add_column(_cell(_("names")), width=18, key="names")
        table.add_column(
            _cell(_("top terms")), width=max(20, width - 3 - 18 - 10 - 10), key="terms"
        )
        table.add_column(_cell(_("made")), width=8, key="made")
        for i, c in enumerate(self.candidates):
            made = self.made.get(i)
            table.add_row(
                _cell(str(i + 1)),
                _cell(" / ".join(c.names)),
                _cell(" ".join(c.terms)),
                _cell(f"✓ {made[1]}" if made else "", "green"),
                key=str(i),
            )
        if self.candidates:
            table.move_cursor(row=min(max(keep, 0), len(self.candidates) - 1), animate=False)
        self._head()
        self._show_candidate(force=True)

    def _head(self) -> None:
        text = Text(
            _("{n} candidate concepts in the uncoded {unit}s").format(
                n=len(self.candidates), unit=unit_word(self.unit)
            ),
            style="bold",
        )
        text.append(
            "  " + _("space ticks a passage · type or pick a name · ctrl+s makes the open code"),
            style="dim",
        )
        self.query_one("#discover-head", Static).update(text)

    @property
    def at(self) -> int | None:
        """The index of the candidate under the cursor."""
        row = self.cands.cursor_row
        return row if self.candidates and 0 <= row < len(self.candidates) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table is self.cands:
            self._show_candidate()
        else:
            self._detail()

    def _show_candidate(self, *, force: bool = False) -> None:
        i = self.at
        same = i == self._shown_candidate
        if same and not force:
            return
        self._shown_candidate = i
        table = self.passages
        keep = max(table.cursor_row, 0) if same else 0
        table.clear(columns=True)
        table.add_column(_cell("✓"), width=1, key="tick")
        table.add_column(_cell(_("source")), width=10, key="source")
        table.add_column(_cell(_("passage")), width=max(20, self.size.width - 20), key="text")
        name = self.query_one("#discover-name", Input)
        if i is None:
            name.value = ""
            self._detail()
            return
        for j, p in enumerate(self.candidates[i].passages):
            table.add_row(*self._passage_cells(i, j, p), key=str(j))
        if self.candidates[i].passages:
            table.move_cursor(row=min(keep, len(self.candidates[i].passages) - 1), animate=False)
        name.value = self.names.get(i, "")
        self._detail()

    def _passage_cells(self, i: int, j: int, p: dict[str, Any]) -> list[Text]:
        ticked = j in self.ticks.get(i, set())
        return [
            _cell("✓" if ticked else "·", "green bold" if ticked else "dim"),
            _cell(str(p["source"])),
            _cell(p["text"]),
        ]

    def _detail(self) -> None:
        i, j = self.at, self.passages.cursor_row
        text = Text()
        if i is not None and 0 <= j < len(self.candidates[i].passages):
            p = self.candidates[i].passages[j]
            text.append(f"{p['source']} {p['start']}–{p['end']}  ", style="bold")
            text.append(_("weight {w}").format(w=f"{p['weight']:.3f}"), style="dim")
            ticked = len(self.ticks.get(i, set()))
            text.append("  " + _("{n} ticked").format(n=ticked), style="green" if ticked else "dim")
            text.append("\n" + " ".join(p["text"].split()))
        self.query_one("#discover-detail", Static).update(text)

    def on_resize(self) -> None:
        if self.candidates:
            self._fill()

    # -- choosing ---------------------------------------------------------------------------------

    def action_tick(self) -> None:
        """Tick or untick the passage under the passages' cursor (the first key goes there)."""
        i = self.at
        if i is None or not self.candidates[i].passages:
            return
        if self.focused is not self.passages:
            self.passages.focus()
            return
        j = self.passages.cursor_row
        ticks = self.ticks.setdefault(i, set())
        ticks ^= {j}
        self._redraw_passage(i, j)
        self._detail()

    def action_tick_all(self) -> None:
        i = self.at
        if i is None:
            return
        every = set(range(len(self.candidates[i].passages)))
        self.ticks[i] = set() if self.ticks.get(i) == every else every
        for j in every:
            self._redraw_passage(i, j)
        self._detail()

    def _redraw_passage(self, i: int, j: int) -> None:
        p = self.candidates[i].passages[j]
        self.passages.update_cell(str(j), "tick", self._passage_cells(i, j, p)[0])

    def action_next_name(self) -> None:
        """The candidate's next in-vivo name (then its top terms) into the name field."""
        i = self.at
        if i is None:
            return
        c = self.candidates[i]
        options = list(dict.fromkeys(c.names + c.terms[:3]))
        field = self.query_one("#discover-name", Input)
        now = field.value.strip()
        field.value = (
            options[(options.index(now) + 1) % len(options)] if now in options else options[0]
        )
        self.names[i] = field.value

    @on(Input.Changed, "#discover-name")
    def _named(self, event: Input.Changed) -> None:
        i = self.at
        if i is not None and self._shown_candidate == i:
            self.names[i] = event.value

    @on(Input.Submitted, "#discover-name")
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_make_code()

    def action_make_code(self) -> None:
        """The open code, named as typed, coded on the ticked passages: one event, one undo."""
        i = self.at
        if i is None:
            return
        c = self.candidates[i]
        name = self.query_one("#discover-name", Input).value.strip()
        picked = [c.passages[j] for j in sorted(self.ticks.get(i, set()))]
        if not name:
            self.notify(_("type a name for the code first (ctrl+n offers one)"), severity="warning")
            return
        if not picked:
            self.notify(_("tick the passages to code first (space)"), severity="warning")
            return
        in_vivo = any(name in p["text"] for p in picked)
        memo = _("From discovery (NMF over the uncoded {unit}s); top terms: {terms}").format(
            unit=unit_word(self.unit), terms=" ".join(c.terms)
        )
        ok, made = self.write(
            self.project.code_new_many,
            name,
            [(p["source"], p["start"], p["end"]) for p in picked],
            in_vivo=in_vivo,
            memo=memo,
        )
        if not ok or made is None:
            return
        code_id, codings = made
        code = self.project.code(code_id)
        self.made[i] = (code_id, code.label)  # the ticks stay: they show what went in
        self.notify(
            _("open code {label} {name}: {n} passages coded (ctrl+z takes both back)").format(
                label=code.label, name=code.name, n=len(codings)
            ),
            timeout=4,
        )
        self._fill()
        self.cands.focus()

    def action_back(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()
