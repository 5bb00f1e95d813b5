"""The query screen (查询): a coding query typed in, its hits listed, and what to do with them.

The expression is read as it is typed (the grammar's complaint in one line when it does not
parse); Enter runs it in a worker, at the unit chosen, on the sources the conditions keep, with
one coder's codings or everyone's. Enter on a hit shows it in its transcript; the hits can be saved
as a query to run again, their sources as a set, or all be coded with one code (one change, one
undo). The last query is kept by the main screen, so coming back shows it again.
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Input, OptionList, Select
from textual.widgets.option_list import Option
from textual.worker import Worker

from coder.analysis.names import UNITS
from coder.errors import InvalidInput
from coder.i18n import _, unit_word
from coder.tui.screens.base import CoderScreen
from coder.tui.screens.dialogs import Chooser, CodePicker, Confirm, TextPrompt
from coder.tui.widgets.footer import FittingFooter
from coder.tui.widgets.textline import TextPane
from coder.tui.words import count, plural

HITS = (_("{n} hit"), _("{n} hits"))
SOURCES = (_("{n} source"), _("{n} sources"))
PASSAGES = (_("{n} passage"), _("{n} passages"))

if TYPE_CHECKING:
    from coder.analysis.query import Hit, Result

#: Cells of the source and case columns of a hit (longer names are cut with "…").
SOURCE_CELLS = 10
CASE_CELLS = 8


@dataclass
class QueryState:
    """What the screen shows, kept between visits (the main screen holds it)."""

    expression: str = ""
    where: str = ""
    """Conditions as typed: ``role=科长 date>=2019-01-01`` (all must hold)."""
    coder: str = ""
    unit: str = "segment"
    result: Result | None = field(default=None, repr=False)
    token: tuple[int, float] | None = None
    """The project's change token when the result was found (run again if it changed)."""


#: Hits listed at most (saving a set and coding take every hit; the message says how many).
LISTED = 2000


def conditions(typed: str) -> list[str]:
    """The ``--where`` conditions in the typed line, separated by spaces; a value with spaces
    in quotes (``role="居民代表 楼组长"``)."""
    try:
        return shlex.split(typed)
    except ValueError:
        raise InvalidInput(
            _("where {typed!r}: a quote is not closed; nothing was run").format(typed=typed)
        ) from None


def typed_conditions(where: Sequence[str]) -> str:
    """The conditions as they are typed (the inverse of :func:`conditions`)."""
    return " ".join(
        shlex.quote(w) if any(ch.isspace() for ch in w) or "'" in w or '"' in w else w
        for w in where
    )


def fit(text: str, cells: int) -> str:
    """``text`` padded or cut (with "…") to exactly ``cells`` terminal cells (a Chinese
    character takes two), so the columns of the hits line up."""
    if cell_len(text) <= cells:
        return text + " " * (cells - cell_len(text))
    while text and cell_len(text) > cells - 1:
        text = text[:-1]
    return text + "…" + " " * (cells - 1 - cell_len(text))


def hit_line(hit: Hit, span_cells: int, width: int) -> Text:
    """One hit in ``width`` cells: source, case, span, codes, the passage cut with "…"."""
    flat = " ".join(hit.text[: width * 2].split())  # a whole source is long: its start will do
    line = Text.assemble(
        (fit(hit.source, SOURCE_CELLS), "bold"),
        " ",
        (fit(hit.case or "—", CASE_CELLS), "dim"),
        " ",
        (f"{hit.start}–{hit.end}".rjust(span_cells), "dim"),
        " ",
        (" ".join(hit.codes) + " " if hit.codes else "", "cyan"),
        flat,
        no_wrap=True,
        overflow="ellipsis",
    )
    line.truncate(max(width, 20), overflow="ellipsis")
    return line


class QueryScreen(CoderScreen):
    """Query 查询: where codes and words occur together, in what whom said."""

    CSS_PATH = "../styles/query.tcss"
    TITLE = _("Coding query 编码查询")
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back"), id="query.back"),
        Binding("ctrl+s", "save_query", _("Save"), id="query.save"),
        Binding("ctrl+l", "saved", _("Saved"), id="query.saved"),
        Binding("ctrl+b", "save_set", _("As set 资料集"), id="query.set"),
        Binding("ctrl+g", "code_all", _("Code all 编码"), id="query.code_all"),
    ]

    def __init__(self, state: QueryState | None = None) -> None:
        super().__init__()
        self.state = state or QueryState()

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="query-form"):
            yield Input(
                self.state.expression,
                placeholder=_('query, e.g. a25 AND a08, A8 NOT "会商日" (enter runs)'),
                id="query-expr",
            )
            yield Select(
                [(unit_word(u), u) for u in UNITS],
                value=self.state.unit,
                allow_blank=False,
                id="query-unit",
            )
        with Horizontal(id="query-filters"):
            yield Input(
                self.state.where,
                placeholder=_("where: role=科长 date>=2019-01-01"),
                id="query-where",
            )
            yield Input(self.state.coder, placeholder=_("coder (all)"), id="query-coder")
        yield TextPane(id="query-message")
        yield OptionList(id="query-hits")
        yield FittingFooter()

    def on_mount(self) -> None:
        if self.state.result is not None:
            self._show(self.state.result)
            if self.state.token != self.coder_app.change_token:
                self.run_query()  # coded or changed since: the hits again
        else:
            self._check(self.state.expression)
        self.query_one("#query-expr", Input).focus()

    # -- reading and running -----------------------------------------------------------------------

    def _say(self, text: str, style: str = "") -> None:
        self.query_one("#query-message", TextPane).show(
            Text(text, style=style, no_wrap=True, overflow="ellipsis")
        )

    def _check(self, expression: str) -> bool:
        """Parse the expression: its reading, or the grammar's complaint, in the message line."""
        from coder.text.query_grammar import parse, show

        if not expression.strip():
            self._say(_('type a query: codes, categories, "words"; AND OR NOT NEAR/n IN'), "dim")
            return False
        try:
            read = show(parse(expression))
        except InvalidInput as exc:
            said = str(exc).removesuffix("; nothing was run")
            self._say(said.removesuffix("；" + _("nothing was run")), "red")
            return False
        self._say(_("reads as {read} (enter runs)").format(read=read), "dim")
        return True

    @on(Input.Changed, "#query-expr")
    def _typed(self, event: Input.Changed) -> None:
        self.state.expression = event.value
        self._check(event.value)

    @on(Input.Changed, "#query-where")
    def _where_typed(self, event: Input.Changed) -> None:
        self.state.where = event.value

    @on(Input.Changed, "#query-coder")
    def _coder_typed(self, event: Input.Changed) -> None:
        self.state.coder = event.value

    @on(Select.Changed, "#query-unit")
    def _unit_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.state.unit:
            self.state.unit = event.value
            if self.state.result is not None:
                self.run_query()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.run_query()

    def run_query(self) -> None:
        """Run the typed query in a worker (a newer run replaces one still running)."""
        from coder.analysis.query import run_query

        s = self.state
        if not self._check(s.expression):
            return
        try:
            where = conditions(s.where)
        except InvalidInput as exc:
            self._say(_("not run: {message}").format(message=exc), "red")
            return
        self._say(
            _("running {query} by {unit}…").format(
                query=s.expression.strip(), unit=unit_word(s.unit)
            ),
            "dim",
        )
        work = functools.partial(
            run_query,
            self.project,
            s.expression,
            where=where,
            coder=s.coder.strip() or None,
            unit=s.unit,
        )
        self.in_thread(work, group="query", description="query", done=self._found)

    def reload(self) -> None:
        if self.state.result is not None:
            self.run_query()

    def on_resize(self) -> None:
        # The lines are cut to the width: cut them again, on the same hit.
        if self.state.result is not None:
            listing = self.query_one("#query-hits", OptionList)
            keep = listing.highlighted
            self._show(self.state.result)
            if keep is not None and keep < listing.option_count:
                listing.highlighted = keep

    def work_failed(self, worker: Worker, message: str) -> None:
        self._say(_("not run: {message}").format(message=message), "red")

    def _found(self, result: Result) -> None:
        self.state.token = self.coder_app.change_token
        self._show(result)

    def _show(self, result: Result) -> None:
        self.state.result = result
        hits = result.hits
        in_sources = len({h.source_id for h in hits})
        listed = _(" (the first {n} listed)").format(n=f"{LISTED:,}") if len(hits) > LISTED else ""
        self._say(
            _("{query} by {unit}: {hits} in {in_sources} of {sources}{listed}").format(
                query=result.query,
                unit=unit_word(result.unit),
                hits=count(len(hits), *HITS),
                in_sources=in_sources,
                sources=count(result.sources, *SOURCES),
                listed=listed,
            )
            + _(" · enter: show in context")
        )
        listing = self.query_one("#query-hits", OptionList)
        listing.clear_options()
        span = max((len(f"{h.start}–{h.end}") for h in hits), default=0)
        # The options wrap long lines: each is cut to the list's width instead (the text whole
        # is one Enter away, in its transcript).
        width = (listing.scrollable_content_region.width or self.app.size.width) - 2
        listing.add_options(
            [Option(hit_line(h, span, width), id=str(i)) for i, h in enumerate(hits[:LISTED])]
        )
        if hits:
            listing.highlighted = 0

    @on(OptionList.OptionSelected, "#query-hits")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        hit = self._hits()[int(event.option.id or 0)]
        self.coder_app.show_passage(hit.source_id, hit.start, hit.end)

    def _hits(self) -> tuple[Hit, ...]:
        return self.state.result.hits if self.state.result is not None else ()

    def _hits_or_warn(self) -> tuple[Hit, ...]:
        hits = self._hits()
        if not hits:
            self.notify(_("no hits: run a query that finds something first"), severity="warning")
        return hits

    # -- saved queries -----------------------------------------------------------------------------

    @work(group="query-dialog")
    async def action_save_query(self) -> None:
        from coder.facade.queries import save_query

        s = self.state
        if not self._check(s.expression):
            self.notify(_("type a query that reads first; nothing was saved"), severity="warning")
            return
        name = await self.app.push_screen_wait(
            TextPrompt(_("Save query as 保存查询"), placeholder=_("a name, e.g. 条块 and 会商"))
        )
        if name is None:
            return
        try:
            where = conditions(s.where)
        except InvalidInput as exc:
            self.notify(
                str(exc).replace(_("nothing was run"), _("nothing was saved")), severity="error"
            )
            return
        ok, _made = self.write(
            save_query,
            self.project,
            name,
            s.expression.strip(),
            where=where,
            unit=s.unit,
            coder=s.coder.strip() or None,
        )
        if ok:
            self.notify(_("saved query {name}").format(name=name))

    @work(group="query-dialog")
    async def action_saved(self) -> None:
        """The saved queries: one chosen fills the form and runs."""
        from coder.facade.queries import saved_queries

        saved = saved_queries(self.project)
        if not saved:
            self.notify(_("no saved queries yet (ctrl+s saves the one typed)"), severity="warning")
            return
        options: list[tuple[str, str | Text]] = [
            (
                q.name,
                Text.assemble(
                    (q.name, "bold"),
                    "  ",
                    q.expression,
                    (
                        "  "
                        + unit_word(q.unit or "segment")
                        + (f" {' '.join(q.where)}" if q.where else "")
                        + (" " + _("coder {coder}").format(coder=q.coder) if q.coder else ""),
                        "dim",
                    ),
                ),
            )
            for q in saved
        ]
        chosen = await self.app.push_screen_wait(Chooser(_("Saved queries 已存查询"), options))
        query = next((q for q in saved if q.name == chosen), None)
        if query is None:
            return
        self.state.where = typed_conditions(query.where)
        self.state.coder = query.coder or ""
        self.state.unit = query.unit or "segment"
        self.query_one("#query-where", Input).value = self.state.where
        self.query_one("#query-coder", Input).value = self.state.coder
        self.query_one("#query-unit", Select).value = self.state.unit
        self.query_one("#query-expr", Input).value = query.expression
        self.state.expression = query.expression
        self.run_query()

    # -- what to do with the hits ------------------------------------------------------------------

    @work(group="query-dialog")
    async def action_save_set(self) -> None:
        """The sources of the hits, in project order, as a source set."""
        hits = self._hits_or_warn()
        if not hits:
            return
        members = list(dict.fromkeys(h.source_id for h in hits))
        assert self.state.result is not None
        name = await self.app.push_screen_wait(
            TextPrompt(
                _("Save the {sources} with hits as a set 存为资料集").format(
                    sources=count(len(members), *SOURCES)
                ),
                value=f"query {self.state.result.query}",
            )
        )
        if name is None:
            return
        ok, made = self.write(
            self.project.make_set,
            name,
            members,
            description=f"sources with hits of {self.state.result.query} by {self.state.unit}",
        )
        if ok and made is not None:
            self.notify(
                _("saved set {name}: {sources}").format(
                    name=made.name, sources=count(len(made.sources), *SOURCES)
                )
            )

    @work(group="query-dialog")
    async def action_code_all(self) -> None:
        """Code every hit with one code: asked first, written as one change (one undo)."""
        hits = self._hits_or_warn()
        if not hits:
            return
        codes = self.project.codes()
        picked = await self.app.push_screen_wait(
            CodePicker(
                codes,
                title=_("Code all {hits} with… 全部编码").format(hits=count(len(hits), *HITS)),
                allow_new=False,
            )
        )
        code = next((c for c in codes if c.id == picked), None)
        if code is None:
            return
        sources = len({h.source_id for h in hits})
        sure = await self.app.push_screen_wait(
            Confirm(
                _("Code {passages} in {sources} as {code}?").format(
                    passages=count(len(hits), *PASSAGES),
                    sources=count(sources, *SOURCES),
                    code=f"{code.label} {code.name}",
                )
            )
        )
        if not sure:
            return
        coder = self.project.coder
        rows = [(h.source_id, code.id, h.start, h.end, coder) for h in hits]
        ok, made = self.write(
            self.project.add_codings,
            rows,
            f"code {plural(len(rows), 'query hit')} as {code.label} "
            f"({self.state.result.query if self.state.result else ''})",
            "code-query",
        )
        if not ok or made is None:
            return
        already = len(rows) - len(made)
        self.notify(
            _("coded {passages} as {code}").format(
                passages=count(len(made), *PASSAGES), code=f"{code.label} {code.name}"
            )
            + (_(" ({n} coded so already)").format(n=already) if already else "")
            + _(" · ctrl+z undoes it")
        )
        self.run_query()
