"""Dialogs: the fuzzy code picker, text and memo prompts, a chooser, the choice of codings to
split off, and project search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, SelectionList, TextArea
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection
from textual.worker import Worker

from coder.i18n import _, level_word
from coder.model import Code
from coder.text.pinyin import pinyin_match
from coder.text.variants import fold
from coder.tui.words import count
from coder.tui.workers import WorkHost


def fuzzy_score(needle: str, code: Code) -> int | None:
    """How well ``needle`` matches a code's label or name (higher is better; None: no match).
    Exact label first, then prefixes, then substrings, then pinyin, then the characters in
    order. Traditional and Simplified match alike (coder.text.variants)."""
    n = fold(needle.strip().lower())
    if not n:
        return 0
    label, name = code.label.lower(), fold(code.name.lower())
    if needle.strip() == code.label:
        return 1001  # a10, not A10
    if n == label:
        return 1000
    if label.startswith(n):
        return 800 - len(label)
    if name.startswith(n):
        return 600 - len(name)
    if n in name:
        return 400 - name.index(n)
    at = pinyin_match(n, code.name)  # 条块联动 by tkld or tiaokuai
    if at is not None:
        return 300 - at * 10 - len(name)
    it = iter(name)
    if all(ch in it for ch in n):
        return 100 - len(name)
    return None


class CodePicker(ModalScreen[int | str | None]):
    """Pick a code by typing part of its label or name. Returns its id, or the typed text when
    the user asks for a new code with that name (a string), or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", _("Cancel"), id="picker.cancel"),
        Binding("ctrl+n", "new", _("New code of the typed name"), id="picker.new"),
    ]

    def __init__(
        self, codes: list[Code], *, title: str | None = None, allow_new: bool = True
    ) -> None:
        super().__init__()
        self.codes = codes
        self.title_text = title or _("Apply code 编码")
        self.allow_new = allow_new

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder=_("label or name, e.g. a25 or 条块"), id="picker-input")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, needle: str) -> None:
        scored = [(fuzzy_score(needle, c), c) for c in self.codes]
        ranked = sorted(((s, c) for s, c in scored if s is not None), key=lambda x: -x[0])
        options = [
            Option(
                Text.assemble(
                    (f"{c.label:<5} ", "bold"), c.name, ("  " + level_word(c.level), "dim")
                ),
                id=str(c.id),
            )
            for _score, c in ranked[:200]
        ]
        if self._may_make(needle):
            # Last, and out of the arrows' way while codes are listed: ctrl+n (or a click)
            # makes it; Enter only when nothing else matches.
            options.append(
                Option(
                    Text.assemble(
                        ("+ " + _("new code") + " ", "green"), needle.strip(), ("  ctrl+n", "dim")
                    ),
                    id="new",
                )
            )
        listing = self.query_one("#picker-list", OptionList)
        listing.clear_options()
        listing.add_options(options)
        if options:
            listing.highlighted = 0

    @on(Input.Changed, "#picker-input")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-input")
    def _enter(self) -> None:
        listing = self.query_one("#picker-list", OptionList)
        if listing.highlighted is not None:
            self._choose(listing.get_option_at_index(listing.highlighted).id)

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id == "new":
            self.dismiss(self.query_one("#picker-input", Input).value.strip())
        elif option_id is not None:
            self.dismiss(int(option_id))

    def _may_make(self, needle: str) -> bool:
        """A new code only for a name that is no code's label or name already."""
        n = needle.strip().casefold()
        return (
            self.allow_new
            and bool(n)
            and not any(n in (c.label.casefold(), c.name.casefold()) for c in self.codes)
        )

    def action_new(self) -> None:
        needle = self.query_one("#picker-input", Input).value
        if self._may_make(needle):
            self.dismiss(needle.strip())
        elif needle.strip():
            self.notify(
                _("{name} is a code already: Enter applies it").format(name=needle.strip()),
                severity="warning",
            )

    def key_down(self) -> None:
        listing = self.query_one("#picker-list", OptionList)
        at = listing.highlighted
        if at is not None and at + 1 < listing.option_count:
            if listing.get_option_at_index(at + 1).id == "new":
                return  # the arrows stay on the codes; ctrl+n makes a new one
        listing.action_cursor_down()

    def key_up(self) -> None:
        listing = self.query_one("#picker-list", OptionList)
        if listing.highlighted == 0:
            return  # no wrapping round to the new code at the bottom
        listing.action_cursor_up()


class TextPrompt(ModalScreen[str | None]):
    """One line of text (a code name, a search query)."""

    BINDINGS = [Binding("escape", "dismiss(None)", _("Cancel"), id="prompt.cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.value, self.placeholder = title, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


@dataclass(frozen=True)
class ExportRequest:
    path: str
    held_out: tuple[str, ...] | None
    """Sources held out in the saturation table; None: the table's default (the last two)."""


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Where to export, by the file's suffix, and which interviews the saturation table holds
    out."""

    BINDINGS = [Binding("escape", "dismiss(None)", _("Cancel"), id="export.cancel")]
    AUTO_FOCUS = "#export-path"

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Label(_("Export to 导出"), classes="dialog-title")
            yield Label(
                _(
                    ".docx .xlsx .md .tex .csv tables · .svg .png figures · .qdpx .qdc REFI-QDA · "
                    ".yaml codebook · .txt MAXQDA structured text"
                ),
                classes="dialog-note",
            )
            yield Input(value=self.default, id="export-path")
            yield Label(
                _(
                    "Held-out interviews for the saturation table 留存检验 (names, space-separated; "
                    "empty: the last two)"
                ),
                classes="dialog-note",
            )
            yield Input(placeholder=_("e.g. S5-01 S4-03"), id="export-held-out")

    @on(Input.Submitted)
    def _done(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.dismiss(None)
            return
        held = self.query_one("#export-held-out", Input).value.replace(",", " ").split()
        self.dismiss(ExportRequest(path, tuple(held) or None))


class MemoEditor(ModalScreen[str | None]):
    """A memo: several lines, saved with ctrl+s. Escape on a changed draft asks before it
    throws the draft away."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Save"), id="memo.save"),
        Binding("escape", "cancel", _("Cancel"), id="memo.cancel"),
    ]
    # Focus by selector, not in on_mount: a key typed while the app quits can push the editor
    # after its children are gone, and a query there raised.
    AUTO_FOCUS = "#memo-text"

    def __init__(self, title: str, text: str = "", *, draft: str | None = None) -> None:
        """``text``: the memo as stored; ``draft``: text to start from instead (what the user
        typed before a save was refused), which escape does not throw away without asking."""
        super().__init__()
        self.title_text, self.text = title, text
        self.draft = text if draft is None else draft

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="memo"):
            yield Label(self.title_text, classes="dialog-title")
            yield TextArea(self.draft, id="memo-text", soft_wrap=True)
            with Horizontal(classes="buttons"):
                yield Button(_("Save (ctrl+s)"), id="memo-save", variant="primary")
                yield Button(_("Cancel (esc)"), id="memo-cancel")

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        draft = self.query_one(TextArea).text
        if draft == self.text or not draft.strip():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)
            else:
                self.query_one(TextArea).focus()

        self.app.push_screen(
            Confirm(
                _("Discard this memo draft ({n} characters)?").format(n=len(draft)),
                yes=_("Discard (y)"),
                no=_("Keep editing (n)"),
            ),
            answered,
        )

    @on(Button.Pressed, "#memo-save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#memo-cancel")
    def _cancel(self) -> None:
        self.action_cancel()


class SplitDialog(ModalScreen[list[int] | None]):
    """Choose which codings of a code go to the new code; returns their ids."""

    BINDINGS = [
        Binding("ctrl+s", "done", _("Split off the chosen"), id="split.done"),
        Binding("escape", "dismiss(None)", _("Cancel"), id="split.cancel"),
    ]

    def __init__(self, title: str, segments: list[tuple[int, Text]]) -> None:
        super().__init__()
        self.title_text, self.segments = title, segments

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Label(self.title_text, classes="dialog-title")
            yield SelectionList[int](
                *[Selection(text, ident) for ident, text in self.segments], id="split-list"
            )
            with Horizontal(classes="buttons"):
                yield Button(_("Next (ctrl+s)"), id="split-done", variant="primary")
                yield Button(_("Cancel (esc)"), id="split-cancel")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_done(self) -> None:
        chosen = self.query_one(SelectionList).selected
        if not chosen:
            self.notify(_("tick the codings to split off (space)"), severity="warning")
            return
        self.dismiss(list(chosen))

    @on(Button.Pressed, "#split-done")
    def _done(self) -> None:
        self.action_done()

    @on(Button.Pressed, "#split-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """A yes-or-no question (y or n; escape is no)."""

    BINDINGS = [
        Binding("y", "dismiss(True)", _("Yes"), id="confirm.yes"),
        Binding("n,escape", "dismiss(False)", _("No"), id="confirm.no"),
    ]
    AUTO_FOCUS = "#confirm-no"

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes, self.no = yes or _("Yes (y)"), no or _("No (n)")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question, classes="dialog-title", id="confirm-question")
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="confirm-yes", variant="warning")
                yield Button(self.no, id="confirm-no")

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)


class Chooser(ModalScreen[str | None]):
    """Choose one of a few labelled options (e.g. which coding under the cursor)."""

    BINDINGS = [Binding("escape", "dismiss(None)", _("Cancel"), id="chooser.cancel")]

    def __init__(self, title: str, options: list[tuple[str, str | Text]]) -> None:
        super().__init__()
        self.title_text, self.options = title, options

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(
                *[Option(text, id=key) for key, text in self.options], id="chooser-list"
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


@dataclass(frozen=True)
class SearchJump:
    source_id: int
    start: int
    end: int


class SearchDialog(WorkHost, ModalScreen[SearchJump | None]):
    """Search the whole project (plain text, or a regular expression with a leading ``re:``);
    enter on a hit jumps there. The search runs in a worker."""

    BINDINGS = [Binding("escape", "dismiss(None)", _("Cancel"), id="search.cancel")]

    def __init__(self, project) -> None:
        super().__init__()
        self.project = project
        self.hits: list = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Label(
                _("Search the project 检索  (re: for a regular expression)"),
                classes="dialog-title",
            )
            yield Input(placeholder=_("e.g. 条块联动"), id="search-input")
            yield Label("", id="search-count")
            yield OptionList(id="search-hits")

    @on(Input.Submitted, "#search-input")
    def _search(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if query:
            self.query_one("#search-count", Label).update(_("searching…"))
            self.in_thread(
                self._search_for, query, group="search", description="search", done=self._show
            )

    def _search_for(self, query: str) -> list:
        from coder.text.search import search

        regex = query.startswith("re:")
        return search(
            self.project, query[3:] if regex else query, regex=regex, context=16, limit=2000
        )

    def work_failed(self, worker: Worker[Any], message: str) -> None:
        self.query_one("#search-count", Label).update(message)

    def _show(self, hits: list) -> None:
        self.hits = hits
        listing = self.query_one("#search-hits", OptionList)
        listing.clear_options()
        listing.add_options(
            [
                Option(
                    Text.assemble((f"{h.source} ", "bold"), h.left, (h.match, "reverse"), h.right),
                    id=str(i),
                )
                for i, h in enumerate(hits)
            ]
        )
        self.query_one("#search-count", Label).update(
            count(len(hits), _("{n} hit"), _("{n} hits"))
            + (_(" (first 2,000)") if len(hits) >= 2000 else "")
        )
        if hits:
            listing.highlighted = 0
            listing.focus()

    @on(OptionList.OptionSelected, "#search-hits")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        h = self.hits[int(event.option.id or 0)]
        self.dismiss(SearchJump(h.source_id, h.start, h.end))
