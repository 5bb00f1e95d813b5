"""The main screen: sources, the transcript, the code tree and the detail pane.

The coding commands are in :mod:`coder.tui.screens.coding`, the colours in
:mod:`coder.tui.colours`, the detail pane in :mod:`coder.tui.widgets.detail`.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from coder.errors import CoderError
from coder.model import Code
from coder.prefs import KeySlots
from coder.tui.colours import code_colours, coder_colour
from coder.tui.screens.coding import CodingCommands
from coder.tui.screens.dialogs import ExportDialog, ExportRequest, SearchDialog, SearchJump
from coder.tui.screens.query import QueryState
from coder.tui.widgets.code_tree import CodeRow, CodeTree
from coder.tui.widgets.detail import DetailPane
from coder.tui.widgets.footer import FittingFooter
from coder.tui.widgets.textline import TextPane
from coder.tui.widgets.transcript import Span, TranscriptView
from coder.tui.words import plural


class MainScreen(CodingCommands):
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
        Binding("f8", "query", "Query 查询", id="main.query"),
        Binding("E", "export", "Export…", id="main.export"),
        Binding("O", "whose", "Whose codings", id="main.whose"),
        Binding("S", "toggle_suggestions", "Suggestions 建议", show=False, id="main.suggest"),
        Binding("a", "accept_suggestion", "Accept suggestion", show=False, id="main.accept"),
        Binding("R", "reject_suggestion", "Reject suggestion", show=False, id="main.reject"),
        Binding("N", "next_passage", "Next passage to code", show=False, id="main.next"),
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
        self.suggesting = False
        """Whether the model's suggestions show in the margin (S; off until asked for)."""
        self.query_state = QueryState()
        """The last coding query and its hits, shown again when the query screen opens."""

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
                yield DetailPane(id="detail")
        yield TextPane(id="status")
        yield FittingFooter()

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

    def _source_prompt(self, s, share: float | None) -> Text:
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

    def _coverage(self) -> None:
        """The share of each source's text that is coded (by anyone), off the main thread."""
        self.in_thread(
            self.project.coded_shares,
            group="coverage",
            description="coded share of the sources",
            done=self._show_coverage,
        )

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
        self._suggest()
        if view.analysis is None and self.coder_app.nlp_enabled:
            self.nlp_state = "loading words…"
            self._analyse(source_id)
        self._update_status()

    #: Whose codings the transcript shows: everyone's (coloured by code), only this coder's
    #: (blind coding), or everyone's coloured by coder.
    VIEWS = ("all", "mine", "by coder")

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
                coder_colour(coder, coders)
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
            self.query_one(TranscriptView).set_hints([])
            self._suggest()  # blind coding: only this coder's own codings teach the model
        self.flash = {
            "all": "showing everyone's codings",
            "mine": f"blind coding: only {self.project.coder}'s codings",
            "by coder": "everyone's codings, coloured by coder",
        }[self.view]
        self._update_detail(force=True)
        self._update_status()

    def _analyse(self, source_id: int) -> None:
        self.in_thread(
            self.project.analysis,
            source_id,
            group="nlp",
            description="word boundaries",
            done=lambda analysis: self._analysed(source_id, analysis),
        )

    def _analysed(self, source_id: int, analysis) -> None:
        self.query_one(TranscriptView).set_analysis(source_id, analysis)
        self.nlp_state = "words"
        self._update_status()

    def _refresh_after_coding(self) -> None:
        # The codebook first: a code made just now must have its label in the margin at once.
        self._load_codebook()
        view = self.query_one(TranscriptView)
        if self.source_id is not None:
            view.set_spans(self._spans(self.source_id))
        self._update_detail(force=True)
        self._suggest()

    # -- machine suggestions -----------------------------------------------------------------------

    def _suggestion_coder(self) -> str | None:
        from coder.assist.service import suggestion_coder

        return suggestion_coder(self.project, None, blind=self.view == "mine")

    def _suggest(self) -> None:
        """Margin suggestions for the open source, from the model of the current codings (trained
        in the same background worker when they changed; never on a key press)."""
        if not self.suggesting or self.source_id is None:
            return
        self.in_thread(
            self._hints_for,
            self.source_id,
            group="suggest",
            description="suggestions",
            done=self._show_hints,
        )

    def _hints_for(self, source_id: int) -> tuple[int, list]:
        from coder.assist.service import model_for, source_units, suggestions_for_source
        from coder.tui.widgets.transcript import Hint

        try:
            coder = self._suggestion_coder()
        except CoderError:
            return source_id, []  # blind, and nothing coded by this coder: nothing to suggest

        # The source's units and their features, kept while its text is the same.
        key = (source_id, hash(self.query_one(TranscriptView).text))
        kept = getattr(self, "_units_kept", None)
        if kept is None or kept[0] != key:
            kept = (key, source_units(self.project, source_id))
            self._units_kept = kept
        units = kept[1]

        def hints(model) -> list[Hint]:  # type: ignore[no-untyped-def]
            found = suggestions_for_source(self.project, source_id, model, coder=coder, units=units)
            return [
                Hint(s.start, s.end, s.code_id, s.label, s.score, tuple(s.because), s.model)
                for s in found
            ]

        # From the model already trained first (fast: the margin follows a coding at once),
        # then from the model retrained on the codings as they are now.
        last = getattr(self, "_last_model", None)
        if last is not None and last[0] == coder:
            self.app.call_from_thread(self._show_hints, (source_id, hints(last[1])))
        try:
            model = model_for(self.project, "sentence", coder)
        except CoderError:
            return source_id, []  # nothing coded yet: nothing to suggest
        self._last_model = (coder, model)
        return source_id, hints(model)

    def _show_hints(self, result: tuple[int, list]) -> None:
        source_id, hints = result
        if source_id == self.source_id and self.suggesting:
            self.query_one(TranscriptView).set_hints(hints)
            self._update_detail(force=True)

    def action_toggle_suggestions(self) -> None:
        self.suggesting = not self.suggesting
        if self.suggesting:
            self.flash = "suggestions on (a accept, R reject, N next passage)"
            self._suggest()
        else:
            self.query_one(TranscriptView).set_hints([])
            self.flash = "suggestions off"
        self._update_status()

    def _hint_here(self):  # type: ignore[no-untyped-def]
        view = self.query_one(TranscriptView)
        hint = view.hint_at(view.cursor)
        if hint is None:
            self.notify(
                "no suggestion at the cursor (S shows them in the margin)", severity="warning"
            )
        return hint

    def action_accept_suggestion(self) -> None:
        """Code the suggested passage as suggested: a coding of provenance ``suggested``."""
        hint = self._hint_here()
        if hint is None or self.source_id is None:
            return
        ok, _ = self.write(
            self.project.accept_suggestion,
            self.source_id,
            hint.start,
            hint.end,
            hint.code_id,
            model=hint.model,
            score=hint.score,
        )
        if ok:
            self.flash = f"accepted {hint.label} ({hint.score:.2f})"
            self._drop_hint(hint)
            self._refresh_after_coding()
            self._update_status()

    def action_reject_suggestion(self) -> None:
        """Not this code here: kept as negative evidence the model learns from."""
        hint = self._hint_here()
        if hint is None or self.source_id is None:
            return
        ok, _ = self.write(
            self.project.reject_suggestion,
            self.source_id,
            hint.start,
            hint.end,
            hint.code_id,
            model=hint.model,
            score=hint.score,
        )
        if ok:
            self.flash = f"rejected {hint.label} here"
            self._drop_hint(hint)
            self._suggest()
            self._update_status()

    def _drop_hint(self, hint) -> None:  # type: ignore[no-untyped-def]
        view = self.query_one(TranscriptView)
        view.set_hints([h for h in view.hints if h != hint])

    def action_next_passage(self) -> None:
        """Jump to the uncoded passage the model is least sure of (active learning) and select
        it, so the next hand coding teaches the model most."""

        def queue() -> list[dict]:
            from coder.assist.service import next_units

            return next_units(self.project, 1, coder=self._suggestion_coder())

        def go(found: list[dict]) -> None:
            if not found:
                self.notify("nothing uncoded left to suggest", severity="warning")
                return
            top = found[0]
            sid = self.project.source_id(top["source"])
            self.jump_to(sid, top["start"], top["end"])
            self.flash = f"next to code (uncertainty {top['uncertainty']:.2f})"
            self._update_status()

        self.in_thread(queue, group="queue", description="next passage to code", done=go)

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
        hint = view.hint_at(view.cursor) if view.text and not under else None
        key = (tuple(s.id for s in under), code_id, hint)
        if key == getattr(self, "_detail_key", None) and not force:
            return  # cursor moves inside the same codings: nothing to redraw
        self._detail_key = key
        code = self.codes.get(code_id) if code_id is not None else None
        self.query_one(DetailPane).show_detail(
            under,
            code,
            codes=self.codes,
            colours=self.colours,
            coding_memos=self._coding_memos(view.source_id) if under else {},
            code_memos=self.project.memos(target="code", target_id=code.id) if code else [],
            hint=hint,
        )

    def _coding_memos(self, source_id: int | None) -> dict[int, str]:
        """Memos on the open source's codings (read once per change, not per key)."""
        cached = getattr(self, "_memo_cache", None)
        token = self.coder_app.change_token
        if cached is None or cached[0] != (source_id, token):
            memos = self.project.coding_memos(source_id) if source_id is not None else {}
            cached = ((source_id, token), memos)
            self._memo_cache = cached
        return cached[1]

    # -- reading -----------------------------------------------------------------------------------

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

    def _export(self, target: Path, held_out: tuple[str, ...] | None = None) -> None:
        def done(notes: list[str]) -> None:
            self.notify(f"wrote {target}" + (f" — {notes[0]}" if notes else ""), timeout=6)
            self.flash = "exported"
            self._update_status()

        self.in_thread(
            self._export_to, target, held_out, group="export", description="export", done=done
        )

    def _export_to(self, target: Path, held_out: tuple[str, ...] | None) -> list[str]:
        from coder.exchange.codebook_yaml import save_codebook_file
        from coder.exchange.papers import export_figures, export_tables
        from coder.exchange.refi import export_qdc, export_qdpx

        suffix = target.suffix.lower()
        if not target.parent.is_dir():
            raise CoderError(f"{target.parent}: no such folder; nothing was written")
        if suffix in (".docx", ".xlsx", ".md", ".tex", ".csv"):
            notes = export_tables(self.project, target, held_out=held_out)
        elif suffix in (".svg", ".png"):
            notes = export_figures(self.project, target)
        elif suffix in (".qdpx", ".qdc"):
            notes = (export_qdpx if suffix == ".qdpx" else export_qdc)(self.project, target).lines()
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
        return notes

    def work_failed(self, worker: Worker, message: str) -> None:
        # The status line no longer says "exporting" (the message said why).
        if worker.group == "export":
            self.flash = "export failed"
            self._update_status()

    def action_review(self) -> None:
        """Disagreement review between the two coders with most codings (c there picks others)."""
        from coder.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen())

    def action_stats(self) -> None:
        from coder.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def action_query(self) -> None:
        from coder.tui.screens.query import QueryScreen

        self.app.push_screen(QueryScreen(self.query_state))

    def action_network(self) -> None:
        from coder.tui.screens.network import NetworkScreen

        self.app.push_screen(NetworkScreen(self.query_one(CodeTree).highlighted))

    def action_compare(self) -> None:
        from coder.tui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(self.query_one(CodeTree).highlighted))
