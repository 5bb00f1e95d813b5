"""The network screen: a code's neighbourhood in the concept network, the 统/合 summary, and the
segments behind each tie (enter on a segment shows it in its transcript)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from coder.i18n import _, unit_word
from coder.tui.screens.base import CoderScreen
from coder.tui.widgets.footer import FittingFooter
from coder.tui.widgets.textline import TextPane
from coder.tui.words import count

#: A unit of the network as a count in running text ("3 turns").
UNIT_COUNTS = {
    "turn": (_("{n} turn"), _("{n} turns")),
    "sentence": (_("{n} sentence"), _("{n} sentences")),
    "segment": (_("{n} segment"), _("{n} segments")),
    "source": (_("{n} source"), _("{n} sources")),
}
#: The kind of a tie, where it has no type of its own.
KIND_WORDS = {
    "cooccurrence": _("cooccurrence"),
    "relation": _("relation"),
    "hierarchy": _("hierarchy"),
}


def units(n: int, unit: str) -> str:
    one, many = UNIT_COUNTS.get(unit, (f"{{n}} {unit}", f"{{n}} {unit}s"))
    return count(n, one, many)


if TYPE_CHECKING:
    from coder.project import Project

KIND_MARK = {"cooccurrence": "≈", "relation": "→", "hierarchy": "⊂"}


def build(project: Project, unit: str) -> tuple[Any, Any]:
    """The concept network by ``unit`` and its 统/合 view (off the UI thread)."""
    from coder.graph.network import concept_network
    from coder.graph.tonghe import tonghe_view

    g = concept_network(project, unit=unit)
    return g, tonghe_view(g)


class NetworkScreen(CoderScreen):
    """Network 概念网络: the ties of one code, strongest first."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back"), id="network.back"),
        Binding("g", "go", _("Go to code"), id="network.go"),
        Binding("u", "unit", _("Unit"), id="network.unit"),
    ]
    UNITS = ("turn", "sentence", "segment", "source")

    def __init__(self, code_id: int | None = None) -> None:
        super().__init__()
        self.code_id = code_id
        self.unit = "turn"
        self.graph: Any = None
        self.ties: list[dict[str, Any]] = []
        self.segments: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield TextPane(id="net-summary")
        with Horizontal(id="net-panes"):
            with Vertical(id="net-left"):
                yield Static(_("Ties 关联"), classes="pane-title")
                yield OptionList(id="net-ties")
            with Vertical(id="net-right"):
                yield Static(
                    _("Evidence 证据 (enter: show in the transcript)"), classes="pane-title"
                )
                yield OptionList(id="net-evidence")
        yield FittingFooter()

    def on_mount(self) -> None:
        if self.code_id is None:
            codes = [c for c in self.project.codes() if c.level != "open"]
            self.code_id = codes[0].id if codes else None
        self.reload()

    def reload(self) -> None:
        self.query_one("#net-summary", TextPane).show(_("building the network…"))
        self._build(self.unit)

    def _build(self, unit: str) -> None:
        self.in_thread(
            build, self.project, unit, group="network", description="network", done=self._built
        )

    def work_failed(self, worker: Worker, message: str) -> None:
        self.query_one("#net-summary", TextPane).show(
            Text(_("could not build the network: {message}").format(message=message), style="red")
        )

    def _built(self, built: tuple[Any, Any]) -> None:
        g, view = built
        self.graph = g
        # Two lines, each cut with an ellipsis where the screen is narrow (it wrapped mid-label).
        t = Text(no_wrap=True, overflow="ellipsis")
        for side in ("统", "合"):
            s = view.sides[side]
            t.append(f"{side} ", style="bold")
            # Densities at both levels: each level beside its own count (the concepts as coded;
            # the categories with their concepts' codings rolled up).
            cat = view.category_density.get(side, 0.0)
            t.append(
                _(
                    "{categories} categories (density {cat}), {concepts} concepts ({density})"
                ).format(
                    categories=len(s["categories"]),
                    cat=f"{cat:.2f}",
                    concepts=len(s["concepts"]),
                    density=f"{view.density[side]:.2f}",
                )
                + "   "
            )
        t.rstrip()
        t.append("\n")
        t.append(
            _("cross-side ties {n} ({share})").format(
                n=len(view.cross_ties), share=f"{view.cross_share:.0%}"
            ),
            style="bold",
        )
        if view.bridging:
            t.append(
                "   "
                + _("bridges: {codes}").format(
                    codes=", ".join(f"{b['code']} {b['name']}" for b in view.bridging[:3])
                )
            )
        relations = [d for *_, d in g.edges(data=True) if d["kind"] == "relation"]
        ungrounded = sum(not d.get("grounded") for d in relations)
        if relations:
            t.append(
                "   "
                + _("relations {n}, {ungrounded} not yet grounded").format(
                    n=len(relations), ungrounded=ungrounded
                ),
                style="yellow" if ungrounded else "",
            )
        t.append("   " + _("unit: {unit}").format(unit=unit_word(self.unit)), style="dim")
        self.query_one("#net-summary", TextPane).show(t)
        self._show_code()

    def _show_code(self) -> None:
        from coder.graph.network import neighbourhood

        code = next((c for c in self.project.codes() if c.id == self.code_id), None)
        listing = self.query_one("#net-ties", OptionList)
        listing.clear_options()
        if code is None or self.graph is None or code.label not in self.graph:
            return
        self.title = _("Network 概念网络 — {code} ({side})").format(
            code=f"{code.label} {code.name}",
            side=self.graph.nodes[code.label]["axis"] or _("no side"),
        )
        self.ties = neighbourhood(self.graph, code.label)
        for i, tie in enumerate(self.ties):
            axis = self.graph.nodes[tie["code"]]["axis"]
            line = Text.assemble(
                (f"{KIND_MARK[tie['kind']]} ", "bold"),
                (f"{tie['code']} ", "bold"),
                tie["name"],
            )
            if tie["kind"] == "relation":
                line.append(f"  {tie['type']} {tie['direction']}", "dim")
                line.append_text(self._support(tie))
            else:
                line.append(
                    f"  {tie['type'] or KIND_WORDS.get(tie['kind'], tie['kind'])}"
                    f" {tie['direction']} {tie['weight']}",
                    "dim",
                )
            line.append(f"  {axis}" if axis else "", "cyan")
            listing.add_option(Option(line, id=str(i)))
        if self.ties:
            listing.highlighted = 0
            listing.focus()

    def _support(self, tie: dict[str, Any]) -> Text:
        """A relation's support from the codings (as ``stats paradigm`` shows it): the units
        where both sides occur, the codings given as evidence and the memos, or the flag."""

        if not tie.get("grounded"):
            return Text("  " + _("asserted, not yet grounded"), style="bold yellow")
        parts = [units(tie.get("support") or 0, self.unit)]
        if tie.get("evidence"):
            parts.append(count(tie["evidence"], _("{n} evidence"), _("{n} evidence")))
        if tie.get("memos"):
            parts.append(count(tie["memos"], _("{n} memo"), _("{n} memos")))
        return Text("  " + _("support {parts}").format(parts=", ".join(parts)), style="green")

    @on(OptionList.OptionHighlighted, "#net-ties")
    def _tie(self, event: OptionList.OptionHighlighted) -> None:
        from coder.graph.network import evidence

        if self.graph is None or event.option.id is None:
            return
        tie = self.ties[int(event.option.id)]
        code = next(c for c in self.project.codes() if c.id == self.code_id)
        # The same passage coded with the same code by two coders is one line, naming both.
        coders: dict[tuple[int, int, int, str], list[str]] = {}
        self.segments = []
        for seg in evidence(self.project, self.graph, code.label, tie["code"], tie["kind"]):
            key = (seg.source_id, seg.start, seg.end, seg.label)
            if key not in coders:
                coders[key] = []
                self.segments.append(seg)
            if seg.coder not in coders[key]:
                coders[key].append(seg.coder)
        self.segments = self.segments[:300]
        listing = self.query_one("#net-evidence", OptionList)
        listing.clear_options()
        for i, s in enumerate(self.segments):
            who = coders[(s.source_id, s.start, s.end, s.label)]
            listing.add_option(
                Option(
                    Text.assemble(
                        (f"{s.source} ", "bold"),
                        (f"{s.label} ", "cyan"),
                        s.text.replace("\n", " "),
                        (f"  {', '.join(who)}", "dim"),
                    ),
                    id=str(i),
                )
            )
        if self.segments:
            listing.highlighted = 0
        elif tie["kind"] == "relation":
            # Nothing to list: say what the relation rests on instead.
            why = _("no coding is given as evidence; its sides share {units}").format(
                units=units(tie.get("support") or 0, self.unit)
            ) + (
                ""
                if tie.get("grounded")
                else _(" — asserted, not yet grounded 仅为断言，尚无资料支撑")
            )

            listing.add_option(Option(Text(why, style="yellow"), disabled=True))

    @on(OptionList.OptionSelected, "#net-ties")
    def _into_evidence(self) -> None:
        self.query_one("#net-evidence", OptionList).focus()

    @on(OptionList.OptionSelected, "#net-evidence")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        seg = self.segments[int(event.option.id or 0)]
        self.coder_app.show_passage(seg.source_id, seg.start, seg.end)

    def action_go(self) -> None:
        """Make the highlighted neighbour the code in the middle."""
        listing = self.query_one("#net-ties", OptionList)
        if listing.highlighted is None or not self.ties:
            return
        label = self.ties[listing.highlighted]["code"]
        self.code_id = next(c.id for c in self.project.codes() if c.label == label)
        self._show_code()

    def action_unit(self) -> None:
        self.unit = self.UNITS[(self.UNITS.index(self.unit) + 1) % len(self.UNITS)]
        self.reload()
