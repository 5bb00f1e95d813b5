"""The main screen: sources, the transcript, the code tree and the detail pane."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from coder.errors import CoderError
from coder.model import PARADIGM_ROLE_ZH, Code
from coder.prefs import KeySlots, load_slots, save_slots
from coder.tui.screens.base import CoderScreen
from coder.tui.screens.dialogs import (
    Chooser,
    CodePicker,
    Confirm,
    ExportDialog,
    ExportRequest,
    MemoEditor,
    SearchDialog,
    SearchJump,
    TextPrompt,
)
from coder.tui.widgets.code_tree import CodeRow, CodeTree
from coder.tui.widgets.textline import TextPane
from coder.tui.widgets.transcript import Span, TranscriptView
from coder.tui.words import plural

if TYPE_CHECKING:
    pass

#: Colours for codes that have none of their own (and no coloured category above them).
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
_TRIM = re.compile(r"^[\s\W_]+|[\s\W_]+$")


def code_colours(codes: list[Code]) -> dict[int, str]:
    """A code's colour, or its primary category's, or one from the palette."""
    by_id = {c.id: c for c in codes}
    out: dict[int, str] = {}

    def colour(c: Code, depth: int = 0) -> str:
        if c.colour:
            return c.colour
        if c.parents and c.parents[0] in by_id and depth < 10:
            return colour(by_id[c.parents[0]], depth + 1)
        return PALETTE[c.id % len(PALETTE)]

    for c in codes:
        out[c.id] = colour(c)
    return out


class MainScreen(CoderScreen):
    """Read, select, code and memo."""

    BINDINGS = [
        Binding("enter", "apply_highlighted", "Apply code", id="main.apply"),
        Binding("c", "pick_code", "Code…", id="main.pick"),
        Binding("n", "new_code", "New code", id="main.new"),
        Binding("v", "in_vivo", "In vivo", id="main.invivo"),
        Binding("x,delete", "uncode", "Uncode", id="main.uncode"),
        Binding("r", "resize", "Resize coding", show=False, id="main.resize"),
        Binding("m", "memo", "Memo", id="main.memo"),
        Binding("M", "code_memo", "Code memo", show=False, id="main.code_memo"),
        Binding("slash", "search", "Search", id="main.search"),
        Binding("f2", "codebook", "Codebook", id="main.codebook"),
        Binding("f3", "compare", "Compare", id="main.compare"),
        Binding("f4", "network", "Network", id="main.network"),
        Binding("f6", "stats", "Statistics", id="main.stats"),
        Binding("f7", "review", "Disagreements", id="main.review"),
        Binding("E", "export", "Export…", id="main.export"),
        Binding("O", "whose", "Whose codings", id="main.whose"),
        Binding("ctrl+o", "focus_sources", "Sources", id="main.sources"),
        Binding("ctrl+c,super+c", "copy_passage", "Copy passage", show=False, id="main.copy"),
        Binding("p", "play", "Play the recording here", show=False, id="main.play"),
        Binding("ctrl+t", "focus_tree", "Code tree", show=False, id="main.tree"),
        Binding("escape", "focus_transcript", "Back to the transcript", show=False, id="main.back"),
        *[
            Binding(str(i), f"recent({i})", f"Code on key {i}", show=False, id=f"main.recent{i}")
            for i in range(1, 10)
        ],
    ]

    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[int, Code] = {}
        self.colours: dict[int, str] = {}
        self.keys = KeySlots()
        """The codes on the number keys: this user's, kept outside the project (coder.prefs)."""
        self.source_id: int | None = None
        self.source_names: dict[int, str] = {}
        self.sources: list = []
        self.nlp_state = "loading words…"
        self.flash = ""
        """A confirmation shown once in the status line (cheaper than a toast on every coding)."""
        self.view = "all"
        """Whose codings the transcript shows (see VIEWS)."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield Static("Sources 资料", classes="pane-title")
                yield OptionList(id="sources")
            yield TranscriptView(id="transcript")
            with Vertical(id="right"):
                yield Static("Codes 编码", classes="pane-title")
                yield CodeTree(id="codes")
                yield TextPane(id="detail")
        yield TextPane(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 100, "-narrow")
        if not self.coder_app.nlp_enabled:
            self.nlp_state = "characters (word list off)"
        self._load_keys()
        self.reload()
        self.query_one(TranscriptView).focus()

    def on_resize(self) -> None:
        narrow = self.app.size.width < 100
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self._load_sources()

    # -- loading -----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Reload sources, codebook and the open source (after any change)."""
        self._load_codebook()
        self._load_sources()
        if self.source_id is not None:
            self._show_source(self.source_id)

    def _load_codebook(self) -> None:
        codes = self.project.codes()
        counts = self.project.code_counts()
        self.codes = {c.id: c for c in codes}
        self.colours = code_colours(codes)
        rows = [CodeRow(c, *counts.get(c.id, (0, 0)), self.colours[c.id]) for c in codes]
        tree = self.query_one(CodeTree)
        tree.keys = {c: k for c, k in self.keys.keys().items() if c in self.codes}
        tree.set_codes(rows)

    def _load_sources(self) -> None:
        sources = self.project.sources()
        self.sources = sources
        self.source_names = {s.id: s.name for s in sources}
        listing = self.query_one("#sources", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        shares = getattr(self, "_shares", {})
        for s in sources:
            listing.add_option(Option(self._source_prompt(s, shares.get(s.id)), id=str(s.id)))
        if sources:
            listing.highlighted = keep if keep is not None and keep < len(sources) else 0
            if self.source_id is None:
                self.source_id = sources[0].id
                self._show_source(self.source_id)
        self._coverage()

    def _source_prompt(self, s, share: float | None) -> Text:  # type: ignore[no-untyped-def]
        """One line per source: name, role (shortened to fit), share of its text coded."""
        from coder.tui.widgets.transcript import cells_len

        room = 13 if self.has_class("-narrow") else 19
        role = s.attributes.get("role") or s.attributes.get("职务") or ""
        pct = "…" if share is None else f"{share:.0%}"
        space = max(room - cells_len(s.name) - 4 - 2, 0)
        if cells_len(role) > space:  # cut with an ellipsis, by cells (a Chinese character is two)
            while role and cells_len(role) > space - 1:
                role = role[:-1]
            role = role + "…" if space >= 3 else ""  # "…" alone would say nothing
        # The share right-aligned in its own column whatever the widths of the characters.
        pad = " " * (space - cells_len(role))
        return Text.assemble((s.name, "bold"), " ", role, pad, " ", (pct.rjust(4), "dim"))

    @work(thread=True, exclusive=True, group="coverage")
    def _coverage(self) -> None:
        """The share of each source's text that is coded (by anyone), off the main thread."""
        from sqlalchemy import select

        from coder.store.schema import codings

        chars = {s.id: s.chars for s in self.sources}
        shares: dict[int, float] = {}
        with self.project.read() as conn:
            rows = conn.execute(
                select(codings.c.source_id, codings.c.start, codings.c.end).order_by(
                    codings.c.source_id, codings.c.start
                )
            )
            current, covered, reach = None, 0, -1
            for sid, start, end in rows:
                if sid != current:
                    if current is not None:
                        shares[current] = covered / max(chars.get(current, 1), 1)
                    current, covered, reach = sid, 0, -1
                if end > reach:
                    covered += end - max(start, reach)
                    reach = end
            if current is not None:
                shares[current] = covered / max(chars.get(current, 1), 1)
        self.app.call_from_thread(self._show_coverage, shares)

    def _show_coverage(self, shares: dict[int, float]) -> None:
        self._shares = shares
        listing = self.query_one("#sources", OptionList)
        for s in self.sources:
            listing.replace_option_prompt(str(s.id), self._source_prompt(s, shares.get(s.id, 0.0)))

    def _show_source(self, source_id: int) -> None:
        view = self.query_one(TranscriptView)
        text = self.project.source_text(source_id)
        turns = []
        for t in self.project.turns(source_id):
            label_start = text.rfind("\n", 0, t.start) + 1
            turns.append((label_start, t.start, t.speaker))
        view.load(source_id, text, turns, self._spans(source_id))
        self.source_id = source_id
        if view.analysis is None and self.coder_app.nlp_enabled:
            self.nlp_state = "loading words…"
            self._analyse(source_id)
        self._update_status()

    #: Whose codings the transcript shows: everyone's (coloured by code), only this coder's
    #: (blind coding), or everyone's coloured by coder.
    VIEWS = ("all", "mine", "by coder")
    CODER_COLOURS = (
        "#e6194b",
        "#3cb44b",
        "#4363d8",
        "#f58231",
        "#911eb4",
        "#42d4f4",
        "#f032e6",
        "#bfef45",
    )

    def _spans(self, source_id: int) -> list[Span]:
        out = []
        mine = self.project.coder
        coders = (
            sorted({c for *_, c in self.project.spans(source_id)})
            if self.view == "by coder"
            else []
        )
        for cid, start, end, code_id, coder in self.project.spans(source_id):
            if self.view == "mine" and coder != mine:
                continue
            code = self.codes.get(code_id)
            colour = (
                self.CODER_COLOURS[coders.index(coder) % len(self.CODER_COLOURS)]
                if self.view == "by coder"
                else self.colours.get(code_id, "")
            )
            out.append(Span(cid, start, end, code_id, code.label if code else "?", colour, coder))
        return out

    def action_whose(self) -> None:
        """Cycle: everyone's codings → only mine (blind coding) → everyone's, coloured by coder."""
        self.view = self.VIEWS[(self.VIEWS.index(self.view) + 1) % len(self.VIEWS)]
        if self.source_id is not None:
            self.query_one(TranscriptView).set_spans(self._spans(self.source_id))
        self.flash = {
            "all": "showing everyone's codings",
            "mine": f"blind coding: only {self.project.coder}'s codings",
            "by coder": "everyone's codings, coloured by coder",
        }[self.view]
        self._update_detail(force=True)
        self._update_status()

    @work(thread=True, exclusive=True, group="nlp")
    def _analyse(self, source_id: int) -> None:
        analysis = self.project.analysis(source_id)
        self.app.call_from_thread(self._analysed, source_id, analysis)

    def _analysed(self, source_id: int, analysis) -> None:  # type: ignore[no-untyped-def]
        self.query_one(TranscriptView).set_analysis(source_id, analysis)
        self.nlp_state = "words"
        self._update_status()

    def _refresh_after_coding(self) -> None:
        # The codebook first: a code made just now must have its label in the margin at once.
        self._load_codebook()
        view = self.query_one(TranscriptView)
        if self.source_id is not None:
            view.set_spans(self._spans(self.source_id))
        self.coder_app._token = self.project.change_token()
        self._update_detail(force=True)

    # -- events ------------------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#sources")
    def _source_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and int(event.option.id) != self.source_id:
            self._show_source(int(event.option.id))

    @on(OptionList.OptionSelected, "#sources")
    def _source_selected(self, event: OptionList.OptionSelected) -> None:
        self.remove_class("-show-sources")
        self.query_one(TranscriptView).focus()

    @on(TranscriptView.SelectionChanged)
    def _selection(self, event: TranscriptView.SelectionChanged) -> None:
        self._update_status()
        self._update_detail()

    @on(CodeTree.Highlighted)
    def _code_highlighted(self, event: CodeTree.Highlighted) -> None:
        self._update_detail()

    @on(CodeTree.Chosen)
    def _code_chosen(self, event: CodeTree.Chosen) -> None:
        if self.query_one(TranscriptView).selection:
            self._apply(event.code_id)
            self.query_one(TranscriptView).focus()

    # -- status and detail -------------------------------------------------------------------------

    def _update_status(self) -> None:
        view = self.query_one(TranscriptView)
        name = self.source_names.get(self.source_id or -1, "—")
        sel = view.selection
        parts = [f"{name}", f"@{view.cursor}/{len(view.text)}"]
        if sel:
            parts.append(f"selected {plural(sel[1] - sel[0], 'char')} [{sel[0]}–{sel[1]})")
        parts.append("characters" if view.char_mode else self.nlp_state)
        if self.view != "all":
            parts.append({"mine": "blind", "by coder": "by coder"}[self.view])
        parts.append(f"coder {self.project.coder}")
        if self.flash:
            parts.append(self.flash)
            self.flash = ""
        keys = sorted((k, c) for c, k in self.keys.keys().items() if c in self.codes)
        if keys:
            parts.append("keys " + " ".join(f"{k}:{self.codes[c].label}" for k, c in keys))
        self.query_one("#status", TextPane).show(" · ".join(parts))

    def _update_detail(self, *, force: bool = False) -> None:
        view = self.query_one(TranscriptView)
        under = view.spans_between(view.cursor, view.cursor)[:4] if view.text else []
        code_id = self.query_one(CodeTree).highlighted
        key = (tuple(s.id for s in under), code_id)
        if key == getattr(self, "_detail_key", None) and not force:
            return  # cursor moves inside the same codings: nothing to redraw
        self._detail_key = key
        text = Text()
        memos = dict(self._coding_memos(view.source_id)) if under else {}
        for span in under:
            code = self.codes.get(span.code_id)
            text.append(f"■ {span.label} ", style=self.colours.get(span.code_id, ""))
            text.append(f"{code.name if code else ''}  ", style="bold")
            text.append(f"[{span.start}–{span.end}) {span.coder}\n", style="dim")
            if memos.get(span.id):
                text.append(f"  memo: {memos[span.id]}\n", style="italic")
        code = self.codes.get(code_id) if code_id is not None else None
        if code:
            if under:
                text.append("\n")
            text.append(f"{code.label} {code.name}", style="bold")
            if code.name_en:
                text.append(f"  {code.name_en}", style="dim")
            text.append(f"\n{code.level}")
            if code.paradigm_role:
                text.append(
                    f" · {code.paradigm_role} {PARADIGM_ROLE_ZH.get(code.paradigm_role, '')}"
                )
            if code.axis:
                text.append(f" · {code.axis}")
            if code.in_vivo:
                text.append(" · in vivo")
            for field, head in (
                ("definition", "定义"),
                ("inclusion", "纳入"),
                ("exclusion", "排除"),
                ("example", "例"),
            ):
                value = getattr(code, field)
                if value:
                    text.append(f"\n{head} ", style="bold dim")
                    text.append(value)
            for memo in self.project.memos(target="code", target_id=code.id)[:3]:
                text.append("\nmemo ", style="bold dim")
                text.append(memo.text[:200], style="italic")
        self.query_one("#detail", TextPane).show(text)

    def _coding_memos(self, source_id: int | None) -> dict[int, str]:
        """Memos on the open source's codings (read once per change, not per key)."""
        cached = getattr(self, "_memo_cache", None)
        if cached is None or cached[0] != (source_id, self.coder_app._token):
            from sqlalchemy import select

            from coder.store.schema import codings

            with self.project.read() as conn:
                rows = conn.execute(
                    select(codings.c.id, codings.c.memo).where(
                        codings.c.source_id == source_id, codings.c.memo != ""
                    )
                ).all()
            cached = ((source_id, self.coder_app._token), dict(rows))
            self._memo_cache = cached
        return cached[1]

    # -- coding ------------------------------------------------------------------------------------

    def _selection_or_warn(self) -> tuple[int, int] | None:
        view = self.query_one(TranscriptView)
        sel = view.selection
        if sel is None:
            self.notify(
                "select a passage first (shift+arrows, s sentence, t turn, or drag)",
                severity="warning",
            )
        return sel

    def _remember(self, code_id: int) -> None:
        """The code takes a number key (and keeps it until pushed out), saved for next time."""
        self.keys.keep_only(set(self.codes))  # a deleted code's key is free again
        self.keys.use(code_id)
        self.query_one(CodeTree).set_keys(self.keys.keys())
        try:
            save_slots(self._keys_place(), self.project.coder, self.keys)
        except CoderError as exc:
            self.notify(str(exc), severity="warning")

    def _apply(self, code_id: int) -> None:
        sel = self._selection_or_warn()
        if sel is None or self.source_id is None:
            return
        try:
            coding = self.project.code_span(self.source_id, sel[0], sel[1], code_id)
        except CoderError as exc:
            self.notify(str(exc), severity="error")
            return
        self._remember(code_id)
        code = self.codes[code_id]
        # The fast path: one span into the view, one count in the tree (no reload, no toast).
        view = self.query_one(TranscriptView)
        view.add_span(
            Span(
                coding.id,
                coding.start,
                coding.end,
                code_id,
                code.label,
                self.colours.get(code_id, ""),
                self.project.coder,
            )
        )
        tree = self.query_one(CodeTree)
        count = next((r.codings for r in tree.rows if r.code.id == code_id), 0) + 1
        tree.set_count(code_id, count)
        self.coder_app._token = self.project.change_token()
        self.flash = f"coded {plural(sel[1] - sel[0], 'char')} as {code.label} {code.name}"
        self._update_detail(force=True)
        self._update_status()

    def action_apply_highlighted(self) -> None:
        code_id = self.query_one(CodeTree).highlighted
        if code_id is None:
            self.notify(
                "highlight a code in the tree first (ctrl+t), or press c", severity="warning"
            )
            return
        self._apply(code_id)

    def action_recent(self, n: int) -> None:
        code_id = self.keys.code(n)
        if code_id is not None and code_id in self.codes:
            self._apply(code_id)
        else:
            self.notify(
                f"no code on key {n} yet: a code you apply takes the next free number key",
                severity="warning",
            )

    def _keys_place(self) -> str:
        """Which project the number keys belong to: its file, or its server location."""
        return (
            str(Path(self.project.path).resolve()) if self.project.path else self.project.location
        )

    def _load_keys(self) -> None:
        try:
            self.keys = load_slots(self._keys_place(), self.project.coder)
        except CoderError as exc:
            self.notify(str(exc), severity="warning")

    def action_pick_code(self) -> None:
        if self._selection_or_warn() is None:
            return

        def picked(result: int | str | None) -> None:
            if isinstance(result, int):
                self._apply(result)
            elif isinstance(result, str):
                self._code_new(result, in_vivo=False)

        self.app.push_screen(CodePicker(list(self.codes.values())), picked)

    def _code_new(self, name: str, *, in_vivo: bool) -> None:
        sel = self._selection_or_warn()
        if sel is None or self.source_id is None:
            return
        highlighted = self.query_one(CodeTree).highlighted
        parent = (
            highlighted
            if highlighted is not None and self.codes[highlighted].level == "axial"
            else None
        )
        try:
            code_id, _ = self.project.code_new(
                self.source_id, sel[0], sel[1], name, parent=parent, in_vivo=in_vivo
            )
        except CoderError as exc:
            self.notify(str(exc), severity="error")
            return
        made = code_id not in self.codes
        self._refresh_after_coding()
        self._remember(code_id)
        code = self.codes[code_id]
        self.notify(
            f"new {'in-vivo ' if in_vivo else ''}code {code.label} {code.name}, coded"
            if made
            else f"coded as {code.label} {code.name} (the code of that name)",
            timeout=3,
        )
        self._update_status()

    def action_new_code(self) -> None:
        if self._selection_or_warn() is None:
            return

        def named(name: str | None) -> None:
            if name:
                self._code_new(name, in_vivo=False)

        self.app.push_screen(
            TextPrompt("New code from the selection 新建初始概念", placeholder="name"), named
        )

    def action_in_vivo(self) -> None:
        """The selected words become the code's name (an in-vivo code), at one key."""
        sel = self._selection_or_warn()
        if sel is None:
            return
        view = self.query_one(TranscriptView)
        name = _TRIM.sub("", view.text[sel[0] : sel[1]]).replace("\n", " ")
        if not name:
            self.notify("the selection has no words to name a code", severity="warning")
            return
        if len(name) > 60:
            self.notify("an in-vivo name is a short phrase: select fewer words", severity="warning")
            return
        self._code_new(name, in_vivo=True)

    def _codings_here(self) -> list[Span]:
        """Codings the user means: those overlapping the selection (the one that matches it
        first), else those under the cursor or ending right at it."""
        view = self.query_one(TranscriptView)
        sel = view.selection
        if sel:
            hits = view.spans_between(*sel)
            return sorted(hits, key=lambda s: (abs(s.start - sel[0]) + abs(s.end - sel[1]), -s.id))
        here = view.spans_between(view.cursor, view.cursor)
        if not here and view.cursor > 0:
            here = [
                s for s in view.spans_between(view.cursor - 1, view.cursor) if s.end == view.cursor
            ]
        return here

    def _choose_coding(self, verb: str, then) -> None:  # type: ignore[no-untyped-def]
        """Which coding ``verb`` (remove, resize, memo on) applies to: the one that matches the
        selection exactly, the only one there, or the user's pick from a list (label, name,
        coder, span). Another coder's coding is changed only after a question naming them;
        ``then(span, force)`` does the change."""
        here = self._codings_here()
        if not here:
            self.notify("no coding under the cursor", severity="warning")
            return
        sel = self.query_one(TranscriptView).selection
        exact = [s for s in here if sel and (s.start, s.end) == sel]
        if len(exact) == 1 or len(here) == 1:
            self._whose_first(verb, (exact or here)[0], then)
            return
        options = [
            (
                str(i),
                Text.assemble(
                    (f"{s.label} ", "bold"),
                    self.codes[s.code_id].name if s.code_id in self.codes else "",
                    (f"  {s.coder}", "bold" if s.coder != self.project.coder else ""),
                    (f"  [{s.start}–{s.end})", "dim"),
                ),
            )
            for i, s in enumerate(here)
        ]

        def chosen(key: str | None) -> None:
            if key is not None:
                self._whose_first(verb, here[int(key)], then)

        self.app.push_screen(Chooser(f"{verb.capitalize()} which coding?", options), chosen)

    def _whose_first(self, verb: str, span: Span, then) -> None:  # type: ignore[no-untyped-def]
        """One's own coding at once; a colleague's after a question (the facade refuses a coder
        on a team server, and says so)."""
        if span.coder == self.project.coder:
            then(span, False)
            return
        if self.project.on_server and self.project.role() == "coder":
            then(span, False)
            return
        code = self.codes.get(span.code_id)

        def answered(yes: bool | None) -> None:
            if yes:
                then(span, True)

        self.app.push_screen(
            Confirm(
                f"{verb.capitalize()} {span.coder}'s coding {span.label} "
                f"{code.name if code else ''} [{span.start}–{span.end})? "
                f"It is {span.coder}'s work, not {self.project.coder}'s.",
                yes=f"{verb.capitalize()} it (y)",
                no="Leave it (n)",
            ),
            answered,
        )

    def action_copy_passage(self) -> None:
        """The selected passage to the clipboard (OSC 52: most terminals, not macOS Terminal)."""
        sel = self._selection_or_warn()
        if sel is None or self.source_id is None:
            return
        passage = self.project.source_text(self.source_id)[sel[0] : sel[1]]
        self.app.copy_to_clipboard(passage)
        self.flash = f"copied {plural(len(passage), 'char')}"
        self._update_status()

    def action_play(self) -> None:
        """The source's recording from the time of the turn at the cursor (mpv or ffplay, run on
        their own); a source without a recording, times or a player says so in one line."""
        from coder import media

        if self.source_id is None:
            self.notify("open a source first", severity="warning")
            return
        try:
            play = media.playback(
                self.project, self.source_id, self.query_one(TranscriptView).cursor
            )
            media.start(play)
        except CoderError as exc:
            self.notify(str(exc), severity="error")
            return
        where = f" from {play.stamp}" if play.stamp else ""
        self.notify(f"playing {play.path.name}{where}" + (f" — {play.note}" if play.note else ""))

    def action_uncode(self) -> None:
        def remove(span: Span, force: bool) -> None:
            try:
                self.project.uncode(span.id, force=force)
            except CoderError as exc:
                self.notify(str(exc), severity="error")
                return
            whose = f"{span.coder}'s " if span.coder != self.project.coder else ""
            self.notify(f"removed {whose}{span.label} at {span.start}–{span.end}", timeout=2)
            self._refresh_after_coding()

        self._choose_coding("remove", remove)

    def action_resize(self) -> None:
        sel = self._selection_or_warn()
        if sel is None:
            return

        def resize(span: Span, force: bool) -> None:
            try:
                self.project.resize_coding(span.id, *sel, force=force)
            except CoderError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(f"{span.label} now covers {sel[0]}–{sel[1]}", timeout=2)
            self._refresh_after_coding()

        if not self._codings_here():
            self.notify("no coding overlaps the selection", severity="warning")
            return
        self._choose_coding("resize", resize)

    def action_memo(self) -> None:
        """Memo on the coding under the cursor, else on the source."""
        here = self._codings_here()
        if here:

            def edit(span: Span, force: bool) -> None:
                current = self.project.coding(span.id).memo

                def saved(text: str | None) -> None:
                    if text is None:
                        return
                    try:
                        self.project.set_coding_memo(span.id, text, force=force)
                    except CoderError as exc:
                        self.notify(str(exc), severity="error")
                        return
                    self.notify("memo saved", timeout=2)
                    self._refresh_after_coding()

                self.app.push_screen(
                    MemoEditor(
                        f"Memo on coding {span.label} [{span.start}–{span.end}) 编码备忘", current
                    ),
                    saved,
                )

            self._choose_coding("memo on", edit)
            return
        if self.source_id is None:
            return
        source_id = self.source_id

        def saved_source(text: str | None) -> None:
            if text:
                self.project.add_memo(
                    text, type="methodological", target="source", target_id=source_id
                )
                self.notify("memo saved", timeout=2)
                self.coder_app._token = self.project.change_token()

        self.app.push_screen(
            MemoEditor(f"Memo on source {self.source_names[source_id]} 资料备忘"), saved_source
        )

    def action_code_memo(self) -> None:
        code_id = self.query_one(CodeTree).highlighted
        if code_id is None:
            self.notify("highlight a code first", severity="warning")
            return
        code = self.codes[code_id]
        existing = self.project.memos(target="code", target_id=code_id, type="code")

        def saved(text: str | None) -> None:
            if text is None:
                return
            if existing:
                self.project.update_memo(existing[0].id, text=text)
            else:
                self.project.add_memo(text, type="code", target="code", target_id=code_id)
            self.notify("memo saved", timeout=2)
            self.coder_app._token = self.project.change_token()
            self._update_detail(force=True)

        self.app.push_screen(
            MemoEditor(
                f"Memo on {code.label} {code.name} 编码备忘", existing[0].text if existing else ""
            ),
            saved,
        )

    # -- navigation ---------------------------------------------------------------------------------

    def action_search(self) -> None:
        def jump(target: SearchJump | None) -> None:
            if target is None:
                return
            self.jump_to(target.source_id, target.start, target.end)

        self.app.push_screen(SearchDialog(self.project), jump)

    def jump_to(self, source_id: int, start: int, end: int) -> None:
        """Show a passage: open its source and select it."""
        if source_id != self.source_id:
            self._show_source(source_id)
            listing = self.query_one("#sources", OptionList)
            for i in range(listing.option_count):
                if listing.get_option_at_index(i).id == str(source_id):
                    listing.highlighted = i
        view = self.query_one(TranscriptView)
        view.select(start, end)
        view.focus()

    def action_focus_sources(self) -> None:
        self.add_class("-show-sources")
        self.query_one("#sources", OptionList).focus()

    def action_focus_tree(self) -> None:
        """The tree's filter: type part of a label or name, Down or Enter into the tree."""
        self.query_one(CodeTree).focus_filter()

    def action_focus_transcript(self) -> None:
        self.remove_class("-show-sources")
        self.query_one(TranscriptView).focus()

    def action_codebook(self) -> None:
        from coder.tui.screens.codebook import CodebookScreen

        self.app.push_screen(CodebookScreen())

    def action_export(self) -> None:
        """Export by the file's suffix: paper tables, figures, REFI-QDA, the YAML codebook, MAXQDA's
        structured text (.txt)."""
        default = (
            str(Path(self.project.path).with_suffix(".docx"))
            if self.project.path
            else "tables.docx"
        )

        def chosen(request: ExportRequest | None) -> None:
            if request is None:
                return
            if request.held_out:
                unknown = [n for n in request.held_out if n not in self.source_names.values()]
                if unknown:
                    self.notify(
                        f"no source named {', '.join(unknown)} to hold out; nothing was written",
                        severity="error",
                    )
                    return
            self.flash = f"exporting to {request.path}…"
            self._update_status()
            self._export(Path(request.path).expanduser(), request.held_out)

        self.app.push_screen(ExportDialog(default), chosen)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, target: Path, held_out: tuple[str, ...] | None = None) -> None:
        from coder.exchange.codebook_yaml import save_codebook_file
        from coder.exchange.papers import export_figures, export_tables
        from coder.exchange.refi import export_qdc, export_qdpx

        suffix = target.suffix.lower()
        try:
            if not target.parent.is_dir():
                raise CoderError(f"{target.parent}: no such folder; nothing was written")
            if suffix in (".docx", ".xlsx", ".md", ".tex", ".csv"):
                notes = export_tables(self.project, target, held_out=held_out)
            elif suffix in (".svg", ".png"):
                notes = export_figures(self.project, target)
            elif suffix in (".qdpx", ".qdc"):
                notes = (export_qdpx if suffix == ".qdpx" else export_qdc)(
                    self.project, target
                ).lines()
            elif suffix in (".yaml", ".yml"):
                save_codebook_file(self.project, target)
                notes = []
            elif suffix == ".txt":
                from coder.exchange.maxqda import export_structured

                notes = export_structured(self.project, target).lines()[1:]
            else:
                raise CoderError(
                    f"{target.name}: unknown format {suffix or '(none)'}; nothing was written"
                )
        except CoderError as exc:
            self.app.call_from_thread(self._exported, str(exc), "error")
            return
        self.app.call_from_thread(
            self._exported, f"wrote {target}" + (f" — {notes[0]}" if notes else ""), "information"
        )

    def _exported(self, message: str, severity: str) -> None:
        """The export is over: say how it went, and the status line no longer says "exporting"."""
        self.notify(message, severity=severity, timeout=6)  # type: ignore[arg-type]
        self.flash = "export failed" if severity == "error" else "exported"
        self._update_status()

    def action_review(self) -> None:
        """Disagreement review between the two coders with most codings (c there picks others)."""
        from coder.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen())

    def action_stats(self) -> None:
        from coder.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def action_network(self) -> None:
        from coder.tui.screens.network import NetworkScreen

        self.app.push_screen(NetworkScreen(self.query_one(CodeTree).highlighted))

    def action_compare(self) -> None:
        from coder.tui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(self.query_one(CodeTree).highlighted))
