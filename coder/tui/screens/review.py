"""Disagreement review (分歧讨论): two coders' differing units side by side, resolved one by one.

Each row is a span that the two coders coded with different sets of codes. Accepting A's codes,
B's, both or neither (1, 2, 3, 0) asks for a resolution memo, then writes the decision as the
consensus coder's codings at that span (one undoable event; see :mod:`coder.analysis.review`) and
moves on to the next unresolved row. Enter shows the passage in its transcript.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker

from coder.analysis.review import (
    CONSENSUS,
    CodeRef,
    Disagreement,
    Key,
    busiest_pair,
    coders_by_codings,
    decision_phrase,
    disagreements,
    resolve,
)
from coder.errors import InvalidInput
from coder.i18n import _
from coder.tui.screens.base import CoderScreen
from coder.tui.screens.dialogs import Chooser
from coder.tui.widgets.footer import FittingFooter

if TYPE_CHECKING:
    pass

#: Cells of the columns that hold codes; the passage column takes what is left.
CODES_WIDTH = 24
UNIT_WIDTH = 18
DECISION_WIDTH = 16


def column_widths(width: int) -> dict[str, int]:
    """Cells of each column at a screen ``width``: the unit and the decision whole; the codes
    columns shrink (to 16 cells, ellipsis) before the passage goes; below 94 columns the
    passage column is left out (the detail under the table shows it whole)."""
    unit, decision = UNIT_WIDTH, DECISION_WIDTH
    room = width - 2 - 2 * 5  # the scrollbar and each column's padding of one cell a side
    codes = min(CODES_WIDTH, max(16, (room - unit - decision - 20) // 2))
    rest = room - unit - decision - 2 * codes
    if rest >= 16:
        return {"unit": unit, "a": codes, "b": codes, "decision": decision, "text": rest}
    room += 2  # no passage column, no padding for it
    codes = max(8, min(CODES_WIDTH, (room - unit - decision) // 2))
    return {"unit": unit, "a": codes, "b": codes, "decision": decision}


def _codes(codes: tuple[CodeRef, ...]) -> str:
    return ", ".join(c.display for c in codes) or "—"


def said(phrase: str) -> str:
    """A decision's phrase (``accept R1``, ``accept both``, as stored) in the interface language."""
    if not phrase.startswith("accept "):
        return phrase
    who = phrase.removeprefix("accept ")
    if who == "both":
        return _("accept both")
    if who == "neither":
        return _("accept neither")
    return _("accept {who}").format(who=who)


def _decision_cell(d: Disagreement) -> Text:
    """✓ and the decision; ↺ when a coder changed their codes after it; else open."""
    res = d.resolution
    if res is None:
        return _cell(_("open"), "dim")
    if d.stale:
        return _cell(f"↺ {said(res.phrase)}?", "yellow")
    return _cell(f"✓ {said(res.phrase)}", "green")


def _cell(text: str, style: str = "") -> Text:
    return Text(" ".join(text.split()), style=style, no_wrap=True, overflow="ellipsis")


class ReviewScreen(CoderScreen):
    """Disagreement review 分歧讨论: where two coders differ, side by side; accept one version,
    both or neither, with a resolution memo."""

    CSS_PATH = "../styles/review.tcss"
    TITLE = _("Disagreement review 分歧讨论")
    BINDINGS = [
        Binding("escape", "back", _("Back"), id="review.back"),
        Binding("1", "decide('a')", _("Accept A"), id="review.accept_a"),
        Binding("2", "decide('b')", _("Accept B"), id="review.accept_b"),
        Binding("3", "decide('both')", _("Both"), id="review.both"),
        Binding("0", "decide('neither')", _("Neither"), id="review.neither"),
        # A priority binding: the table's own enter (select) must not take it.
        Binding("enter", "jump", _("In context"), priority=True, id="review.jump"),
        Binding("f", "toggle_resolved", _("Hide/show resolved"), id="review.filter"),
        Binding("c", "choose_coders", _("Coders"), id="review.coders"),
    ]

    show_resolved: reactive[bool] = reactive(True, init=False)
    """List the resolved disagreements too (marked ✓ with the decision)."""

    def __init__(
        self, coders: tuple[str, str] | None = None, *, consensus: str = CONSENSUS
    ) -> None:
        super().__init__()
        self.coders = coders
        """The two coders compared; None until the loader has picked the two busiest."""
        self.consensus = consensus
        self.items: list[Disagreement] = []
        self.shown: list[Disagreement] = []
        self._loaded_once = False
        self._after: Key | None = None
        """After a resolution: move to the first unresolved row after this unit."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(_("loading…"), id="review-head")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="review-table")
        yield Static("", id="review-detail")
        yield FittingFooter()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#review-table", DataTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.reload()

    # -- loading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the disagreements again (after any change to the project)."""
        self._load(self.coders)

    def _load(self, coders: tuple[str, str] | None) -> None:
        self.in_thread(
            self._read,
            coders,
            group="review",
            description="disagreement review",
            done=self._loaded,
        )

    def _read(self, coders: tuple[str, str] | None) -> tuple[tuple[str, str], list[Disagreement]]:
        pair = coders or busiest_pair(self.project, consensus=self.consensus)
        if pair is None:
            raise InvalidInput(_("disagreement review needs two coders who have coded something"))
        return pair, disagreements(self.project, pair)

    def _loaded(self, read: tuple[tuple[str, str], list[Disagreement]]) -> None:
        coders, items = read
        if self.coders is not None and coders != self.coders:  # a newer choice is loading
            return
        self.coders = coders
        self.items = items
        self._show()

    def work_failed(self, worker: Worker, message: str) -> None:
        if worker.group == "review":
            self.query_one("#review-head", Static).update(
                Text(
                    _("could not load the disagreements: {message}").format(message=message),
                    style="red",
                )
            )

    # -- showing ---------------------------------------------------------------------------------

    def _show(self) -> None:
        if self.coders is None:
            return
        a, b = self.coders
        table = self.table
        keep = self._after or (self.current.key if self.current is not None else None)
        self.shown = [d for d in self.items if self.show_resolved or not d.resolved]
        table.clear(columns=True)
        widths = column_widths(self.size.width)
        labels = {"unit": _("unit"), "a": f"A · {a}", "b": f"B · {b}"}
        labels |= {"decision": _("decision"), "text": _("passage")}
        for key, cells in widths.items():
            table.add_column(_cell(labels[key]), width=cells, key=key)
        for d in self.shown:
            row = {
                "unit": _cell(d.unit),
                "a": _cell(_codes(d.a)),
                "b": _cell(_codes(d.b)),
                "decision": _decision_cell(d),
                "text": _cell(d.text),
            }
            table.add_row(*(row[key] for key in widths), key="{}:{}:{}".format(*d.key))
        self._head()
        if self._after is not None and all(d.resolved for d in self.items):
            self.notify(
                _("all {n} disagreements are resolved").format(n=len(self.items)), timeout=3
            )
        if self.shown:
            table.move_cursor(row=self._target_row(keep), animate=False)
        self._after = None
        self._detail()

    def _target_row(self, keep: Key | None) -> int:
        keys = [d.key for d in self.shown]
        if self._after is not None:
            order = [d.key for d in self.items]
            at = order.index(self._after) if self._after in order else -1
            ahead = self.items[at + 1 :] + self.items[: at + 1]
            nxt = next((d.key for d in ahead if not d.resolved and d.key in keys), None)
            if nxt is not None:
                return keys.index(nxt)
        return keys.index(keep) if keep in keys else 0

    def _head(self) -> None:
        assert self.coders is not None
        a, b = self.coders
        done = sum(d.resolved for d in self.items)
        text = Text.assemble(
            ("A ", "bold"),
            a,
            ("  B ", "bold"),
            b,
            "  ·  "
            + _("{n} disagreements at the segment unit, {done} resolved").format(
                n=len(self.items), done=done
            ),
            ("  ·  " + _("consensus coder: {coder}").format(coder=self.consensus), "dim"),
        )
        if not self.show_resolved and done:
            text.append("  ·  " + _("{done} resolved hidden (f)").format(done=done), style="dim")
        if not self.items:
            text.append(
                "\n" + _("{a} and {b} agree on every unit they coded").format(a=a, b=b),
                style="green",
            )
        self.query_one("#review-head", Static).update(text)

    @property
    def current(self) -> Disagreement | None:
        """The disagreement under the cursor."""
        row = self.table.cursor_row
        return self.shown[row] if self.shown and 0 <= row < len(self.shown) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        d = self.current
        text = Text()
        if d is not None:
            a, b = d.coders
            text.append(d.unit, style="bold")
            text.append(f"\n{a}: ", style="bold")
            text.append(_codes(d.a))
            text.append(f"\n{b}: ", style="bold")
            text.append(_codes(d.b))
            text.append("\n" + " ".join(d.text.split()))
            res = d.resolution
            if res is not None and d.stale:
                text.append(
                    "\n↺ "
                    + _("was {phrase}, but the codes here changed since: review again").format(
                        phrase=said(res.phrase)
                    ),
                    style="yellow bold",
                )
                text.append(f"  {res.who}", style="italic dim")
            elif res is not None:
                text.append(f"\n✓ {said(res.phrase)}", style="green bold")
                text.append(f"  {res.who}", style="italic dim")
                if res.memo.strip():
                    text.append("  " + " ".join(res.memo.split()), style="italic")
        self.query_one("#review-detail", Static).update(text)

    def watch_show_resolved(self) -> None:
        self._show()

    def on_resize(self) -> None:
        # The passage column takes the width left over.
        if self.coders is not None:
            self._show()

    # -- actions ---------------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    def action_toggle_resolved(self) -> None:
        self.show_resolved = not self.show_resolved
        self.notify(
            _("resolved: shown") if self.show_resolved else _("resolved: hidden"), timeout=2
        )

    def action_decide(self, choice: str) -> None:
        d = self.current
        if d is None:
            self.notify(_("no disagreement to resolve here"), severity="warning")
            return
        phrase = decision_phrase(choice, d.coders)

        self._resolve(d, choice, phrase)

    @work(group="resolve", description="resolution", exit_on_error=False)
    async def _resolve(self, d: Disagreement, choice: str, phrase: str) -> None:
        """The resolution memo, then the decision written (a refused write keeps the memo)."""

        def save(memo: str) -> None:
            resolve(self.project, d, choice, memo, consensus=self.consensus)

        earlier = d.resolution.memo if d.resolution is not None else ""
        title = _("Resolution 分歧处理 · {unit} · {phrase}").format(
            unit=d.unit, phrase=said(phrase)
        )
        if await self.edit_memo(title, earlier, save):
            self.notify(f"{d.unit}: {said(phrase)}", timeout=2)
            self._after = d.key
            self.reload()

    def action_jump(self) -> None:
        """Leave for the main screen and show the passage there, selected."""
        d = self.current
        if d is not None:
            self.coder_app.show_passage(d.source_id, d.start, d.end)

    def action_choose_coders(self) -> None:
        names = [name for name, _n in coders_by_codings(self.project, consensus=self.consensus)]
        pairs = [(x, y) for i, x in enumerate(names) for y in names[i + 1 :]]
        if not pairs:
            self.notify(_("fewer than two coders have coded anything"), severity="warning")
            return
        options: list[tuple[str, str | Text]] = [
            (str(i), _("{a} vs {b}").format(a=x, b=y)) for i, (x, y) in enumerate(pairs)
        ]

        def chosen(key: str | None) -> None:
            if key is not None and pairs[int(key)] != self.coders:
                self.coders = pairs[int(key)]
                self.items, self.shown = [], []
                self.reload()

        self.app.push_screen(Chooser(_("Compare which coders? 比较哪两位编码者"), options), chosen)
