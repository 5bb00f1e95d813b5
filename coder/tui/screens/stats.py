"""The statistics screen: frequencies as bars, the saturation curve, the paradigm model of a
category and the selective-coding check, the strongest co-occurrences. Computed in a worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static, TabbedContent, TabPane
from textual.worker import Worker

from coder.i18n import _
from coder.tui.screens.base import CoderScreen
from coder.tui.widgets.footer import FittingFooter
from coder.tui.words import ROLES, SLOT_TITLES, UNIT_NAMES, count

if TYPE_CHECKING:
    from coder.project import Project


def bar(value: float, top: float, width: int = 30) -> str:
    """A horizontal bar in eighths of a cell."""
    if top <= 0:
        return ""
    eighths = round(value / top * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + ("▏▎▍▌▋▊▉"[rest - 1] if rest else "")


class Bar:
    """A bar as long as its table column allows: ``value / top`` of the width the column gets
    (a fixed 30 cells ran past a narrow column and ended in "…" at 80 columns)."""

    def __init__(self, value: float, top: float, style: str = "") -> None:
        self.value, self.top, self.style = value, top, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(bar(self.value, self.top, max(options.max_width - 1, 1)), style=self.style)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)


def compute(project: Project, unit: str) -> dict[str, Any]:
    """Every figure the screen shows (off the UI thread): frequencies, saturation, the paradigm
    views and the selective-coding check, co-occurrence by ``unit``."""
    from coder.analysis.cooccurrence import cooccurrence
    from coder.analysis.frequencies import frequencies
    from coder.analysis.paradigm import paradigm_views, selective_check
    from coder.analysis.saturation import saturation

    return {
        "freq": frequencies(project),
        "sat": saturation(project),
        "paradigm": paradigm_views(project),
        "selective": selective_check(project),
        "cooc": cooccurrence(project, unit),
    }


class StatsScreen(CoderScreen):
    """Statistics 统计: what the coding shows so far."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back"), id="stats.back"),
        Binding("u", "unit", _("Co-occurrence unit"), id="stats.unit"),
    ]
    UNITS = ("turn", "segment", "source", "sentence")

    def __init__(self, category: int | None = None, *, tab: str | None = None) -> None:
        """``tab``: the tab to show first (freq, sat, paradigm, cooc)."""
        super().__init__()
        self.category = category
        self.first_tab = tab
        self.unit = "turn"
        self.data: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with TabbedContent(id="stats-tabs"):
            for key, title, _short in self._titles():
                with TabPane(title, id=f"tab-{key}"), VerticalScroll():
                    yield Static(_("computing…"), id=f"stats-{key}")
        yield FittingFooter()

    @staticmethod
    def _titles() -> list[tuple[str, str, str]]:
        """Each tab: its key, its title with the Chinese method term, and its short title."""
        return [
            ("freq", _("Frequencies 编码频次"), _("Frequencies")),
            ("sat", _("Saturation 理论饱和度"), _("Saturation")),
            ("paradigm", _("Paradigm 范式模型"), _("Paradigm")),
            ("cooc", _("Co-occurrence 共现"), _("Co-occurrence")),
        ]

    def on_resize(self) -> None:
        """The four titles with their Chinese terms take 83 columns: narrower, the last one
        was cut at the edge ("Co-occurrence" without 共现, and no sign of it), so there they
        go without the terms, all four whole."""
        tabs = self.query_one(TabbedContent)
        titles = self._titles()
        need = sum(cell_len(title) + 2 for _key, title, _short in titles)  # padding 0 1
        wide = need <= self.size.width
        for key, title, short in titles:
            tab = tabs.get_tab(f"tab-{key}")
            label = title if wide else short
            if tab.label_text != label:
                tab.label = label

    def on_mount(self) -> None:
        self.title = _("Statistics 统计")
        if self.first_tab:
            self.query_one(TabbedContent).active = f"tab-{self.first_tab}"
        self.reload()

    def reload(self) -> None:
        self._compute(self.unit)

    def _compute(self, unit: str) -> None:
        self.in_thread(
            compute, self.project, unit, group="stats", description="statistics", done=self._show
        )

    def work_failed(self, worker: Worker, message: str) -> None:
        # The tabs say it where the figures would be: "computing…" would wait for ever.
        for key in ("freq", "sat", "paradigm", "cooc"):
            self.query_one(f"#stats-{key}", Static).update(
                Text(
                    _("could not compute the statistics: {message}").format(message=message),
                    style="red",
                )
            )

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        self.query_one("#stats-freq", Static).update(self._frequencies(data["freq"]))
        self.query_one("#stats-sat", Static).update(self._saturation(data["sat"]))
        self.query_one("#stats-paradigm", Static).update(
            self._paradigm(data["paradigm"], data["selective"])
        )
        self.query_one("#stats-cooc", Static).update(self._cooccurrence(data["cooc"]))

    def _frequencies(self, rows: list[Any]) -> Table:
        table = Table(box=None, expand=True, pad_edge=False)
        table.add_column(_("code"), style="bold", no_wrap=True)
        table.add_column(_("name"))
        table.add_column(_("codings 参考点"), justify="right")
        table.add_column(_("sources 来源"), justify="right")
        table.add_column("", ratio=1)
        # One scale for every row: a category with 43 codings and a concept with 15 must not
        # both show a full bar.
        top = max((r.codings for r in rows), default=0)
        for r in rows:
            indent = {"selective": "", "axial": "  ", "open": "    "}[r.level]
            style = "bold" if r.level != "open" else ""
            table.add_row(
                indent + r.label,
                Text(r.code, style=style),
                str(r.codings),
                str(r.sources),
                Bar(r.codings, top, "cyan"),
            )
        return table

    def _saturation(self, sat: Any) -> Table:
        table = Table(
            box=None,
            expand=True,
            pad_edge=False,
            title=_("New codes per interview, in order (held-out last)"),
        )
        table.add_column(_("source"), no_wrap=True)
        table.add_column(_("new"), justify="right")
        table.add_column(_("cumulative"), justify="right")
        table.add_column(_("curve"), ratio=1)
        table.add_column(_("new codes"))
        top = max((s.cumulative for s in sat.curve), default=0)
        for s in sat.curve:
            name = s.source + (_(" (held out)") if s.held_out else "")
            table.add_row(
                name,
                str(s.new_codes),
                str(s.cumulative),
                Bar(s.cumulative, top, "green" if not s.new_codes else "yellow"),
                " ".join(s.new[:8]) + (" …" if len(s.new) > 8 else ""),
            )
        st = sat.stopping
        caption = _(
            "Stopping rule (Guest et al. 2020): base {base} interviews ({codes} codes), "
            "runs of {run}, threshold ≤ {threshold}: "
        ).format(base=st.base, codes=st.base_codes, run=st.run, threshold=f"{st.threshold:.0%}")
        caption += (
            _("saturated after {n} interviews").format(n=st.saturated_after)
            if st.saturated_after
            else _("not reached")
        )
        for h in sat.held_out:
            caption += _(" · held-out {source}: {codes}").format(
                source=h.source, codes=", ".join(h.new_codes) or _("no new codes")
            )
        table.caption = caption
        return table

    def _paradigm(self, views: list[Any], check: Any) -> Text:
        out = Text()
        if check.core:
            out.append(
                _("Core category 核心范畴: {code}").format(
                    code=f"{check.core.label} {check.core.name}"
                )
                + "\n",
                style="bold",
            )
        else:
            out.append(
                _("No core category yet (mark one in the codebook, F2 → k)") + "\n",
                style="bold yellow",
            )
        out.append(
            (
                _("Storyline 故事线: written")
                if check.storyline
                else _("Storyline 故事线: not written yet")
            )
            + "\n"
        )
        if check.unrelated_categories:
            out.append(
                _("Not yet related to the core: ")
                + ", ".join(f"{c.label} {c.name}" for c in check.unrelated_categories)
                + "\n",
                style="yellow",
            )
        if check.concepts_without_category:
            out.append(
                _("Concepts under no category: ")
                + ", ".join(f"{c.label} {c.name}" for c in check.concepts_without_category)
                + "\n",
                style="yellow",
            )
        for v in views:
            if v.role is None and v.label != (check.core.label if check.core else None):
                continue
            out.append(f"\n{v.label} {v.name}", style="bold")
            role = ROLES[v.role] if v.role in ROLES else _("core 核心范畴")
            codings = count(v.codings, _("{n} coding"), _("{n} codings"))
            out.append(f"  {role}  {v.axis or ''}  {codings}\n", style="dim")
            for slot, links in v.slots.items():
                if links:
                    items = ", ".join(
                        f"{link.label} {link.name}"
                        + (_(" ({n} evidence)").format(n=link.evidence) if link.evidence else "")
                        for link in links
                    )
                    out.append(f"  {SLOT_TITLES[slot]}: ", style="cyan")
                    out.append(items + "\n")
        return out

    def _cooccurrence(self, pairs: list[Any]) -> Table:
        table = Table(
            box=None,
            expand=True,
            pad_edge=False,
            title=_("Strongest pairs, unit: {unit} (u changes it)").format(
                unit=UNIT_NAMES[self.unit]
            ),
        )
        for col in ("a", "", "b", "", _("count"), "Jaccard"):
            table.add_column(col)
        for p in sorted(pairs, key=lambda p: (-p.count, p.a, p.b))[:60]:
            table.add_row(p.a, p.a_code, p.b, p.b_code, str(p.count), f"{p.jaccard:.2f}")
        return table

    def action_unit(self) -> None:
        self.unit = self.UNITS[(self.UNITS.index(self.unit) + 1) % len(self.UNITS)]
        self.query_one("#stats-cooc", Static).update(
            _("computing co-occurrence by {unit}…").format(unit=UNIT_NAMES[self.unit])
        )
        self._compute(self.unit)
