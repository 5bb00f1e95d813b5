"""Constant comparison (持续比较): every segment of a code, or of two codes side by side.

Each segment shows its source (and its case when that is named otherwise), the case's role, the
span and the coder, then the whole passage wrapped by terminal cells (a Chinese character takes
two) under a hanging indent. Enter shows the passage in its transcript; a comparison memo is
written without leaving the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from coder.i18n import _
from coder.model import Code, Memo, Segment
from coder.tui.screens.base import CoderScreen
from coder.tui.screens.dialogs import CodePicker
from coder.tui.widgets.footer import FittingFooter
from coder.tui.widgets.layout import wrap
from coder.tui.words import LEVELS, count

if TYPE_CHECKING:
    from coder.project import Project

#: Case attributes that say who the interviewee is, the first one present is shown.
ROLE_KEYS = ("role", "职务", "category", "类别")
#: Columns a passage is indented by under its heading line.
INDENT = 2


@dataclass(frozen=True, slots=True)
class CaseInfo:
    """Who a source is about: the case (interviewee) and a role such as 副主任."""

    case: str | None
    role: str


@dataclass(frozen=True, slots=True)
class Side:
    """One code and every segment coded with it."""

    code: Code
    segments: list[Segment]


@dataclass(frozen=True, slots=True)
class Comparison:
    """What the screen shows, read in one go by the loading worker."""

    sides: list[Side]
    cases: dict[int, CaseInfo]
    memos: list[Memo]


def source_cases(project: Project) -> dict[int, CaseInfo]:
    """The case and role of every source, by source id (the role from the case's attributes,
    else from the source's)."""
    case_attrs = {c.name: c.attributes for c in project.cases()}
    out: dict[int, CaseInfo] = {}
    for s in project.sources():
        attrs = {**s.attributes, **case_attrs.get(s.case or "", {})}
        role = next((attrs[k] for k in ROLE_KEYS if attrs.get(k)), "")
        out[s.id] = CaseInfo(s.case, role)
    return out


def load_comparison(project: Project, code_ids: tuple[int, ...]) -> Comparison:
    """The codes, their segments, the sources' cases and the codes' comparison memos."""
    sides = [Side(project.code(cid), project.segments(code=cid)) for cid in code_ids]
    memos: dict[int, Memo] = {}
    for cid in code_ids:
        for memo in project.memos(target="code", target_id=cid, type="comparison"):
            memos[memo.id] = memo
    return Comparison(sides, source_cases(project), [memos[k] for k in sorted(memos)])


class SegmentCard:
    """A segment as a list item: a heading line, then the full passage wrapped to the width it
    is given, by cells, never splitting a wide character (the transcript's own wrapping)."""

    def __init__(self, segment: Segment, case: CaseInfo | None) -> None:
        self.segment = segment
        self.case = case

    def heading(self) -> Text:
        seg, case = self.segment, self.case
        text = Text.assemble((seg.source, "bold"))
        if case is not None and case.case and case.case != seg.source:
            text.append(f"  {case.case}")
        if case is not None and case.role:
            text.append(f"  {case.role}", style="cyan")
        text.append(f"  [{seg.start}–{seg.end})", style="dim")
        text.append(f"  {seg.coder}", style="italic")
        return text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        yield self.heading()
        body = max(width - INDENT, 4)
        pad = " " * INDENT
        for line in passage_lines(self.segment.text, body):
            yield Text(pad + line, no_wrap=True, overflow="crop")
        if self.segment.memo:
            memo = Text(_("memo: {memo}").format(memo=self.segment.memo), style="italic dim")
            for wrapped in memo.wrap(console, body):
                yield Text(pad) + wrapped

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(INDENT + 4, options.max_width)


def passage_lines(text: str, width: int) -> list[str]:
    """``text`` as display lines of ``width`` cells: the transcript's own wrapping (a wide
    character never split, closing punctuation never starting a line), paragraphs kept without
    the blank line between them."""
    return [text[line.start : line.end] for line in wrap(text, width) if not line.blank]


def code_heading(side: Side, shown: list[Segment], coder: str | None) -> Text:
    """``a25 条块联动`` over ``open 初始概念 · 9 segments · 6 sources`` (with the coder filter):
    two lines always, so that two columns' lists start on the same row."""
    code = side.code
    text = Text.assemble((f"{code.label} {code.name}", "bold"))
    text.append("\n" + LEVELS.get(code.level, code.level))
    n = len(shown)
    sources = len({s.source_id for s in shown})
    many = count(n, _("{n} segment"), _("{n} segments"))
    if coder is not None:
        many = _("{count} of {total} by {coder}").format(
            count=many, total=len(side.segments), coder=coder
        )
    text.append(f" · {many} · " + count(sources, _("{n} source"), _("{n} sources")))
    return text


class SegmentList(OptionList):
    """The segments of one code. Enter (or a double click) asks to show one in context."""

    BINDINGS = [Binding("enter", "jump", _("In context"), id="compare.jump")]

    class Jump(Message):
        """Show this segment in its transcript."""

        def __init__(self, segment_list: SegmentList, segment: Segment) -> None:
            super().__init__()
            self.segment_list = segment_list
            self.segment = segment

        @property
        def control(self) -> SegmentList:
            return self.segment_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.segments: list[Segment] = []

    def show(self, segments: list[Segment], cases: dict[int, CaseInfo]) -> None:
        """List ``segments``, keeping the highlighted one if it is still there."""
        keep = self.current.id if self.current is not None else None
        self.segments = segments
        self.clear_options()
        options: list[Option | None] = []
        for s in segments:
            if options:
                options.append(None)  # a rule between segments
            options.append(Option(SegmentCard(s, cases.get(s.source_id)), id=str(s.id)))
        self.add_options(options)
        if segments:
            ids = [s.id for s in segments]
            self.highlighted = ids.index(keep) if keep in ids else 0

    @property
    def current(self) -> Segment | None:
        """The highlighted segment."""
        i = self.highlighted
        return self.segments[i] if i is not None and i < len(self.segments) else None

    def action_jump(self) -> None:
        if self.current is not None:
            self.post_message(self.Jump(self, self.current))

    def on_click(self, event: events.Click) -> None:
        # A single click highlights (OptionList's own handling); a double click jumps.
        if event.chain >= 2:
            self.action_jump()


class CompareColumn(Vertical):
    """A heading with the code's figures above its list of segments."""

    def compose(self) -> ComposeResult:
        yield Static("", classes="compare-head")
        yield SegmentList()

    @property
    def segment_list(self) -> SegmentList:
        return self.query_one(SegmentList)

    def set_heading(self, text: str | Text) -> None:
        self.query_one(".compare-head", Static).update(text)


class CompareScreen(CoderScreen):
    """Constant comparison 持续比较: read every segment of a code, or of two codes side by side."""

    CSS_PATH = "../styles/compare.tcss"
    TITLE = _("Constant comparison 持续比较")
    BINDINGS = [
        Binding("escape", "back", _("Back"), id="compare.back"),
        Binding("b", "second_code", _("Second code"), id="compare.second"),
        Binding("B", "single", _("One code only"), show=False, id="compare.single"),
        Binding("c", "first_code", _("Change code"), show=False, id="compare.code"),
        Binding("tab", "switch_column", _("Other column"), id="compare.switch"),
        Binding("f", "cycle_coder", _("Coder filter"), id="compare.filter"),
        Binding("m", "memo", _("Memo"), id="compare.memo"),
    ]

    coder_filter: reactive[str | None] = reactive(None, init=False)
    """Show only this coder's segments (None: every coder's)."""

    def __init__(self, code_id: int | None = None) -> None:
        super().__init__()
        self.code_ids: tuple[int, ...] = () if code_id is None else (code_id,)
        self.comparison: Comparison | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="compare-columns"):
            yield CompareColumn(id="compare-a")
            yield CompareColumn(id="compare-b")
        yield Static("", id="compare-memo-title")
        yield Static("", id="compare-memos")
        yield FittingFooter()

    @property
    def columns(self) -> list[CompareColumn]:
        """The columns in use: one per code compared."""
        found = list(self.query(CompareColumn))
        return found[: max(len(self.code_ids), 1)]

    def on_mount(self) -> None:
        self.query_one("#compare-b").display = False
        self.columns[0].set_heading(_("choose a code 选择编码…"))
        if self.code_ids:
            self.reload()
        else:
            self._pick(0, self._picked_first)

    # -- loading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the codes' segments again (after any change to the project)."""
        if not self.code_ids:
            return
        self.query_one("#compare-b").display = len(self.code_ids) > 1
        self.refresh_bindings()
        for column in self.columns:
            column.set_heading(_("loading…"))
        self._load(self.code_ids)

    def _load(self, code_ids: tuple[int, ...]) -> None:
        self.in_thread(
            load_comparison,
            self.project,
            code_ids,
            group="compare",
            description="comparison",
            done=lambda comparison: self._loaded(code_ids, comparison),
        )

    def _loaded(self, code_ids: tuple[int, ...], comparison: Comparison) -> None:
        if code_ids != self.code_ids:  # a newer choice is loading
            return
        self.comparison = comparison
        coders = self.coders()
        if self.coder_filter is not None and self.coder_filter not in coders:
            self.coder_filter = None
        self._show()

    def work_failed(self, worker: Worker, message: str) -> None:
        if worker.group == "compare":
            for column in self.columns:
                column.set_heading(
                    Text(
                        _("could not load the segments: {message}").format(message=message),
                        style="red",
                    )
                )

    def coders(self) -> list[str]:
        """The coders of the segments loaded, in name order."""
        if self.comparison is None:
            return []
        return sorted({s.coder for side in self.comparison.sides for s in side.segments})

    def shown(self, side: Side) -> list[Segment]:
        """The segments of ``side`` that pass the coder filter."""
        if self.coder_filter is None:
            return side.segments
        return [s for s in side.segments if s.coder == self.coder_filter]

    def _show(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        for column, side in zip(self.columns, comparison.sides, strict=False):
            shown = self.shown(side)
            column.set_heading(code_heading(side, shown, self.coder_filter))
            column.segment_list.show(shown, comparison.cases)
        self._show_memos(comparison.memos)
        # Keep the column the user was in (the screen remembers it while a dialog is open).
        if self.focused not in [c.segment_list for c in self.columns]:
            self.columns[0].segment_list.focus()

    def _show_memos(self, memos: list[Memo]) -> None:
        self.query_one("#compare-memo-title", Static).update(
            _("Comparison memos 比较备忘 ({n})  · m writes one").format(n=len(memos))
        )
        text = Text()
        for memo in reversed(memos):  # the newest first
            if text:
                text.append("\n")
            text.append(memo.title or _("memo"), style="bold")
            text.append(f"  {memo.coder}  ", style="dim")
            text.append(" ".join(memo.text.split()))
        if not memos:
            text.append(_("none yet"), style="dim")
        self.query_one("#compare-memos", Static).update(text)

    def watch_coder_filter(self) -> None:
        self._show()

    # -- choosing codes --------------------------------------------------------------------------

    def _pick(self, exclude: int | None, then) -> None:
        codes = [c for c in self.project.codes() if c.id != exclude]
        title = (
            _("Compare which code? 持续比较") if not self.code_ids else _("Compare with 对比编码")
        )
        self.app.push_screen(CodePicker(codes, title=title, allow_new=False), then)

    def _picked_first(self, result: int | str | None) -> None:
        if isinstance(result, int):
            self.code_ids = (result, *self.code_ids[1:])
            self.reload()
        elif not self.code_ids:
            # Nothing to compare: back to where the user came from.
            self.app.call_later(self._leave)

    def _picked_second(self, result: int | str | None) -> None:
        if isinstance(result, int) and self.code_ids:
            self.code_ids = (self.code_ids[0], result)
            self.reload()
            self.call_after_refresh(self.action_switch_column)

    def _leave(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    def action_first_code(self) -> None:
        self._pick(None, self._picked_first)

    def action_second_code(self) -> None:
        if not self.code_ids:
            return
        self._pick(self.code_ids[0], self._picked_second)

    def action_single(self) -> None:
        if len(self.code_ids) > 1:
            self.code_ids = self.code_ids[:1]
            self.reload()

    # -- actions ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Switching columns and going back to one code mean something only with two codes.
        if action in ("switch_column", "single"):
            return len(self.code_ids) > 1
        return True

    def action_back(self) -> None:
        self._leave()

    def action_switch_column(self) -> None:
        lists = [c.segment_list for c in self.columns]
        if len(lists) < 2:
            return
        now = lists.index(self.focused) if self.focused in lists else -1
        # At once, not after the queued messages (as Widget.focus does): a key typed right
        # after tab must land in the other column.
        self.set_focus(lists[(now + 1) % len(lists)])

    def action_cycle_coder(self) -> None:
        cycle: list[str | None] = [None, *self.coders()]
        i = cycle.index(self.coder_filter) if self.coder_filter in cycle else 0
        self.coder_filter = cycle[(i + 1) % len(cycle)]
        self.notify(_("coder: {coder}").format(coder=self.coder_filter or _("all")), timeout=2)

    def action_memo(self) -> None:
        if self.comparison is None or not self.code_ids:
            self.notify(_("the segments are still loading"), severity="warning")
            return
        codes = [side.code for side in self.comparison.sides]
        title = " vs ".join(c.label for c in codes)
        first = codes[0].id
        heading = _(" vs ").join(c.display for c in codes)

        def add(text: str) -> None:
            self.project.add_memo(
                text, type="comparison", target="code", target_id=first, title=title
            )

        self._write_memo(
            _("Comparison memo 比较备忘 · {heading}").format(heading=heading), add, title
        )

    @work(group="memo", description="comparison memo", exit_on_error=False)
    async def _write_memo(self, heading: str, add: Callable[[str], object], title: str) -> None:
        if await self.edit_memo(heading, "", add, empty_ok=False):
            self.notify(_("comparison memo {title} saved").format(title=title), timeout=2)

            self.reload()

    @on(SegmentList.Jump)
    def _jump(self, event: SegmentList.Jump) -> None:
        """Leave for the main screen and show the passage there, selected."""
        seg = event.segment
        self.coder_app.show_passage(seg.source_id, seg.start, seg.end)
