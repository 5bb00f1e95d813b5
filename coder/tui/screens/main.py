"""The main screen: sources, the transcript, the code tree and the detail pane.

The coding commands are in :mod:`coder.tui.screens.coding`, the colours in
:mod:`coder.tui.colours`, the detail pane in :mod:`coder.tui.widgets.detail`.

Length: this screen is the hub every other screen is opened from and returns to: its key table
(28 bindings with ids and descriptions), the wiring of the four panes (a source chosen loads the
transcript, a selection updates the status line and the detail pane, a coding refreshes the tree's
counts) and the thin actions that open the other screens. What has a seam of its own is out
already (coding, colours, the detail pane, the source list, export); what stays here is the
wiring, which reads best in one place, and the margin suggestions' few actions.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Static
from textual.worker import Worker

from coder.errors import CoderError
from coder.i18n import _
from coder.model import Code
from coder.prefs import KeySlots, load_suggesting, save_suggesting
from coder.tui.colours import code_colours, coder_colour
from coder.tui.screens.coding import CodingCommands
from coder.tui.screens.dialogs import ExportDialog, ExportRequest, SearchDialog, SearchJump
from coder.tui.screens.query import QueryState
from coder.tui.widgets.code_tree import CodeRow, CodeTree
from coder.tui.widgets.detail import DetailPane
from coder.tui.widgets.footer import FittingFooter
from coder.tui.widgets.source_list import SourceLines, SourceList
from coder.tui.widgets.textline import TextPane
from coder.tui.widgets.transcript import Hint, Span, TranscriptView
from coder.tui.words import chars


class MainScreen(CodingCommands):
    """Read, select, code and memo."""

    #: The transcript has the focus from the start (Textual's default, the first focusable
    #: widget, is the sources' filter box: the footer was composed for it, then again).
    AUTO_FOCUS = "#transcript"

    BINDINGS = [
        Binding("enter", "apply_highlighted", _("Apply code"), id="main.apply"),
        Binding("c", "pick_code", _("Code…"), id="main.pick"),
        Binding("n", "new_code", _("New code"), id="main.new"),
        Binding("v", "in_vivo", _("In vivo"), id="main.invivo"),
        Binding("x,delete", "uncode", _("Uncode"), id="main.uncode"),
        Binding("r", "resize", _("Resize coding"), show=False, id="main.resize"),
        Binding("m", "memo", _("Memo"), id="main.memo"),
        Binding("M", "code_memo", _("Code memo"), show=False, id="main.code_memo"),
        Binding("slash", "search", _("Search"), id="main.search"),
        Binding("f2", "codebook", _("Codebook"), id="main.codebook"),
        Binding("f3", "compare", _("Compare"), id="main.compare"),
        Binding("f4", "network", _("Network"), id="main.network"),
        Binding("f6", "stats", _("Statistics"), id="main.stats"),
        Binding("f7", "review", _("Disagreements"), id="main.review"),
        Binding("f8", "query", _("Query 查询"), id="main.query"),
        Binding("E", "export", _("Export…"), id="main.export"),
        Binding("O", "whose", _("Whose codings"), id="main.whose"),
        Binding("S", "toggle_suggestions", _("Suggestions 建议"), show=False, id="main.suggest"),
        Binding("a", "accept_suggestion", _("Accept suggestion"), show=False, id="main.accept"),
        Binding("R", "reject_suggestion", _("Reject suggestion"), show=False, id="main.reject"),
        Binding("N", "next_passage", _("Next passage to code"), show=False, id="main.next"),
        Binding(
            "right_square_bracket",
            "next_hint(1)",
            _("Next suggestion"),
            show=False,
            id="main.next_hint",
        ),
        Binding(
            "left_square_bracket",
            "next_hint(-1)",
            _("Previous suggestion"),
            show=False,
            id="main.prev_hint",
        ),
        Binding("K", "check_machine", _("Check machine codings"), show=False, id="main.check"),
        Binding("D", "discover", _("Discover concepts"), show=False, id="main.discover"),
        Binding("ctrl+o", "focus_sources", _("Sources"), id="main.sources"),
        Binding("u", "next_uncoded", _("Next uncoded source"), show=False, id="main.next_uncoded"),
        Binding("ctrl+c,super+c", "copy_passage", _("Copy passage"), show=False, id="main.copy"),
        Binding("p", "play", _("Play the recording here"), show=False, id="main.play"),
        Binding("ctrl+t", "focus_tree", _("Code tree"), show=False, id="main.tree"),
        Binding(
            "escape", "focus_transcript", _("Back to the transcript"), show=False, id="main.back"
        ),
        *[
            Binding(
                str(i),
                f"recent({i})",
                _("Code on key {i}").format(i=i),
                show=False,
                id=f"main.recent{i}",
            )
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
        """The sources pane's rows (:class:`coder.facade.views.SourceRow`: no text)."""
        self.nlp_state = _("loading words…")
        self.flash = ""
        self._sticky_at = -1
        self._sticky_since = 0.0
        self.sticky = ""
        """A status line kept until the cursor moves (where a jump landed), unlike ``flash``,
        which the next status update replaces (a source's words loading, say)."""
        """A confirmation shown once in the status line (cheaper than a toast on every coding)."""
        self.view = "all"
        """Whose codings the transcript shows (see VIEWS)."""
        self.suggesting = False
        """Whether the model's suggestions show in the margin (S; off until asked for, then as
        this user last left it on this project: coder.prefs)."""
        self._announced: Hint | None = None
        """The suggestion ] or [ last selected and named in the status line."""
        self._judged: list[tuple[int | None, int, int]] = []
        """Suggestions accepted or rejected in this session (source, start, end): ``a`` or ``R``
        there again says so instead of "no suggestion"."""
        self.query_state = QueryState()
        """The last coding query and its hits, shown again when the query screen opens."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield Static(_("Sources 资料"), classes="pane-title")
                yield SourceList(id="source-pane")
            yield TranscriptView(id="transcript")
            with Vertical(id="right"):
                yield Static(_("Codes 编码"), classes="pane-title")
                yield CodeTree(id="codes")
                yield DetailPane(id="detail")
        yield TextPane(id="status")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 100, "-narrow")
        if not self.coder_app.nlp_enabled:
            self.nlp_state = _("characters (word list off)")
        self._load_keys()
        self.suggesting = load_suggesting(self._keys_place(), self.project.coder)
        view = self.query_one(TranscriptView)
        view.on_selection = self._selection  # in the same screen update as the move
        self._explain = False
        """S was just pressed: the next margin result says what came of it in the status."""
        self.reload()
        view.focus()

    def on_resize(self) -> None:
        narrow = self.app.size.width < 100
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self._load_sources()

    # -- loading -----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Reload sources, codebook and the open source (after any change)."""
        self._load_codebook()
        shown = self.source_id
        self._load_sources()  # shows the first source if none was shown
        if shown is not None and self.source_id is not None:
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

    #: The attributes the source lines show (the rest is read after the first frame).
    SHOWN_ATTRIBUTES = ("role", "职务")

    #: From this many sources the pane opens on the pages it shows (SourcePages) and the whole
    #: list, which the filter needs, is read in a worker.
    PAGED_FROM = 2_000

    def _load_sources(self) -> None:
        """The sources pane's rows: names and roles in SQL, never the texts; every other
        attribute (what the filter searches) is read in a worker after the first frame. A large
        project's list is read a page at a time until then."""
        from coder.facade.views import SourcePages

        pages = SourcePages(self.project, self.SHOWN_ATTRIBUTES)
        if len(pages) >= self.PAGED_FROM:
            pane = self.query_one(SourceList)
            pane.lines.prompt = self._row_prompt
            pane.load_pages(pages, keep=self.source_id)
            rows: Sequence = pages
        else:
            rows = self.project.source_rows(self.SHOWN_ATTRIBUTES)
            self._fill_sources(rows)
        if rows and self.source_id is None:
            first = self.query_one(SourceList).lines.source_id
            self.source_id = first if first is not None else rows[0].id
            self._show_source(self.source_id)
        # After the first frame: a worker thread holds the GIL in turns with the drawing.
        self.call_after_refresh(self._read_attributes)

    def _read_attributes(self) -> None:
        def read() -> tuple:
            rows = self.project.source_rows()
            return rows, self.project.attribute_types(), self.project.coded_shares()

        def done(got: tuple) -> None:
            rows, types, shares = got
            self._fill_sources(rows, types)
            self._show_coverage(shares)

        # One worker, not two at once: the screen shares the interpreter with one thread only,
        # so that keys stay quick while a large project's list is read.
        self.in_thread(
            read, group="source-rows", description=_("the sources' attributes"), done=done
        )

    def _fill_sources(self, rows: list, types: dict[str, str] | None = None) -> None:
        """Rows into the pane (``types``: the attributes' types, which the filter's conditions
        need; until they are read, every word is text to find)."""
        from coder.facade.views import SourceFilter

        self.sources = rows
        self.source_names = {s.id: s.name for s in rows}
        if len(rows) >= self.PAGED_FROM:
            # 100,000 rows with their attributes are long-lived: kept out of the cyclic garbage
            # collector's full passes, each of which took 50-170 ms (a key's whole budget).
            gc.freeze()
        pane = self.query_one(SourceList)
        pane.lines.prompt = self._row_prompt
        source_filter = SourceFilter(
            rows,
            types=types or {},
            sets=lambda: {s.name: s.sources for s in self.project.sets()},
            coded=self._coded_ids,
        )
        pane.load(source_filter, keep=self.source_id)
        if types:
            self.in_thread(
                source_filter.prepare, group="source-columns", description=_("the filter's columns")
            )

    def _coded_ids(self) -> set[int]:
        """Sources with codings: by anyone, or only by me in blind coding (the view "mine"),
        where others' codings are hidden and so must not count as done."""
        key = (self.coder_app.change_token, self.view == "mine")
        cached = getattr(self, "_coded_cache", None)
        if cached is None or cached[0] != key:
            coder = self.project.coder if self.view == "mine" else None
            cached = (key, self.project.coded_source_ids(coder))
            self._coded_cache = cached
        return cached[1]

    def _row_prompt(self, row) -> Text:
        shares = getattr(self, "_shares", None)
        return self._source_prompt(row, None if shares is None else shares.get(row.id, 0.0))

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

    def _show_coverage(self, shares: dict[int, float]) -> None:
        """The share of each source's text that is coded (by anyone), read in the worker."""
        self._shares = shares  # a source without codings is not in it (0.0)
        self.query_one(SourceLines).redraw()

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
            self.nlp_state = _("loading words…")
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
            "all": _("showing everyone's codings"),
            "mine": _("blind coding: only {coder}'s codings").format(coder=self.project.coder),
            "by coder": _("everyone's codings, coloured by coder"),
        }[self.view]
        self._update_detail(force=True)
        self._update_status()

    def _analyse(self, source_id: int) -> None:
        self.in_thread(
            self.project.analysis,
            source_id,
            group="nlp",
            description=_("word boundaries"),
            done=lambda analysis: self._analysed(source_id, analysis),
        )

    def _analysed(self, source_id: int, analysis) -> None:
        self.query_one(TranscriptView).set_analysis(source_id, analysis)
        self.nlp_state = _("words")
        self._update_status()

    def _refresh_after_coding(self) -> None:
        # The codebook first: a code made just now must have its label in the margin at once.
        self._load_codebook()
        pane = self.query_one(SourceList)
        if pane.filter is not None:
            # is:uncoded is recomputed on the next key; the list itself stays as it is, so that
            # a source just coded does not vanish under the cursor.
            pane.filter.forget(coded_only=True)
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
            description=_("suggestions"),
            done=self._show_hints,
        )

    def _hints_for(self, source_id: int) -> tuple[int, list, str]:
        """The margin's suggestions for a source, and why there are none when there are none."""
        from coder.assist.service import (
            model_for,
            readiness,
            source_units,
            suggestions_for_source,
            thresholds,
        )

        try:
            coder = self._suggestion_coder()
        except CoderError:  # blind, and nothing coded by this coder: nothing to suggest
            return (
                source_id,
                [],
                _(
                    "blind coding: suggestions learn only from {coder}'s codings, and there are none yet"
                ).format(coder=self.project.coder),
            )

        # The source's units and their features, kept while its text is the same.
        key = (source_id, hash(self.query_one(TranscriptView).text))
        kept = getattr(self, "_units_kept", None)
        if kept is None or kept[0] != key:
            kept = (key, source_units(self.project, source_id))
            self._units_kept = kept
        units = kept[1]

        def hints(model) -> list[Hint]:
            found = suggestions_for_source(self.project, source_id, model, coder=coder, units=units)
            floor = dict(zip(model.codes, thresholds(model).tolist(), strict=True))
            cv = dict(zip(model.codes, model.cv[:, 0].tolist(), strict=True))
            return [
                Hint(
                    s.start,
                    s.end,
                    s.code_id,
                    s.label,
                    s.score,
                    tuple(s.because),
                    s.model,
                    floor[s.code_id],
                    cv[s.code_id],
                )
                for s in found
            ]

        # From the model already trained first (fast: the margin follows a coding at once),
        # then from the model retrained on the codings as they are now.
        last = getattr(self, "_last_model", None)
        if last is not None and last[0] == coder:
            self.app.call_from_thread(self._show_hints, (source_id, hints(last[1]), ""))
        try:
            model = model_for(self.project, "sentence", coder)
        except CoderError:
            return source_id, [], _("nothing coded yet: suggestions learn from the codings")
        self._last_model = (coder, model)
        found = hints(model)
        return source_id, found, "" if found else self._why_no_hints(readiness(model))

    @staticmethod
    def _why_no_hints(ready) -> str:
        """One line on why the margin is empty (:class:`coder.assist.service.Readiness`)."""
        if ready.reason == "few":
            return _(
                "too few codings to suggest: code {n} more passage(s) with one code "
                "(each needs {needed})"
            ).format(n=ready.needed - ready.most, needed=ready.needed)
        if ready.reason == "imprecise":
            return _(
                "no code is recognised reliably yet (held out, each was right less than half "
                "the time): code more passages"
            )
        return _(
            "no suggestion here: no passage reaches its code's threshold ({n} codes suggestable)"
        ).format(n=ready.suggestable)

    def _show_hints(self, result: tuple[int, list, str]) -> None:
        source_id, hints, why = result
        if source_id == self.source_id and self.suggesting:
            view = self.query_one(TranscriptView)
            view.set_hints(hints)
            self._resay_selected(view)
            self._update_detail(force=True)
            if self._explain and why:
                self.flash = why
                self._update_status()
                self.notify(why)  # the status line may be too narrow for all of it
            elif self._explain and hints:
                self.flash = _(
                    "{n} suggestion(s) in this source (] next, a accept, R reject, N next passage)"
                ).format(n=len(hints))
                self._update_status()
            if why or hints:
                self._explain = False

    def _resay_selected(self, view) -> None:
        """The margin was refreshed under a suggestion selected by ] (the model retrained after
        a coding): the status line says what is there now, so ``a`` and ``R`` act on what it
        names."""
        said = self._announced
        if said is None or not self.sticky or view.selection != (said.start, said.end):
            return
        now = self._selected_hint(view)
        if now == said:
            return
        if now is None:
            self.sticky = _(
                "the suggestions were refreshed: none here now (] selects the next one)"
            )
        else:
            self._announced = now
            self.sticky = self._hint_line(now, view.hints)
        self._update_status()

    @staticmethod
    def _hint_line(hint, hints) -> str:
        ordered = sorted(hints, key=lambda h: (h.start, h.end))
        return _("suggestion {i}/{n}: {label}? {score}").format(
            i=ordered.index(hint) + 1, n=len(ordered), label=hint.label, score=f"{hint.score:.2f}"
        )

    def action_toggle_suggestions(self) -> None:
        self.suggesting = not self.suggesting
        if self.suggesting:
            self.flash = _("suggestions on: learning from the codings…")
            self._explain = True  # say what came of it, suggestions or why there are none
            self._suggest()
        else:
            self.query_one(TranscriptView).set_hints([])
            self.flash = _("suggestions off")
        try:  # this user's habit on this project, kept outside it (not in the undo history)
            save_suggesting(self._keys_place(), self.project.coder, self.suggesting)
        except CoderError as exc:
            self.notify(str(exc), severity="warning")
        self._update_status()

    @staticmethod
    def _selected_hint(view):
        """The suggestion whose passage is exactly the selection (as ] and [ leave it)."""
        sel = view.selection
        if not sel:
            return None
        return next((h for h in view.hints if (h.start, h.end) == tuple(sel)), None)

    @classmethod
    def _pointed_hint(cls, view):
        """The suggestion a key acts on: the one selected (by ] or [), else the one at the
        cursor, but with a selection only if it overlaps the selection. After ``a`` the accepted
        passage stays selected with the cursor at its end, which is where the next sentence's
        suggestion starts: that one is not pointed at (``a`` then ``R`` rejected it)."""
        hint = cls._selected_hint(view)
        if hint is not None:
            return hint
        hint = view.hint_at(view.cursor)
        sel = view.selection
        if hint is not None and sel and not (hint.start < sel[1] and hint.end > sel[0]):
            return None
        return hint

    def _hint_here(self):
        view = self.query_one(TranscriptView)
        hint = self._pointed_hint(view)
        if hint is None:
            self.notify(self._why_no_hint_here(view), severity="warning")
        return hint

    def _why_no_hint_here(self, view) -> str:
        """Why ``a`` or ``R`` found nothing: the suggestion there was just judged, the margin is
        being refreshed from the retrained model, or there is none."""
        sel = view.selection
        where = tuple(sel) if sel else (view.cursor, view.cursor)
        if any(
            sid == self.source_id and s <= where[0] and where[1] <= e for sid, s, e in self._judged
        ):
            return _("this suggestion is judged already (ctrl+z undoes it); ] selects the next one")
        if self.suggesting and any(
            w.group == "suggest" and not w.is_finished for w in self.app.workers
        ):
            return _("the suggestions are being refreshed (learning from the codings); try again")
        if self.suggesting:
            return _("no suggestion at the cursor (] selects the next one)")
        return _("no suggestion at the cursor (S shows them in the margin)")

    def action_accept_suggestion(self) -> None:
        """Code the suggested passage as suggested: a coding of provenance ``suggested``."""
        hint = self._judge_hint(self.project.accept_suggestion)
        if hint is not None:
            self._refresh_after_coding()
            self._say(
                _("accepted {label} ({score})").format(label=hint.label, score=f"{hint.score:.2f}")
            )

    def action_reject_suggestion(self) -> None:
        """Not this code here: kept as negative evidence the model learns from."""
        hint = self._judge_hint(self.project.reject_suggestion)
        if hint is not None:
            self._suggest()
            self._say(_("rejected {label} here").format(label=hint.label))

    def action_next_hint(self, step: int = 1) -> None:
        """Select the next (or previous) suggestion in the margin, wrapping round: a source of
        some thousand characters holds only a few, far apart."""
        view = self.query_one(TranscriptView)
        hints = sorted(view.hints, key=lambda h: (h.start, h.end))
        if not hints:
            working = any(w.group == "suggest" and not w.is_finished for w in self.app.workers)
            self.notify(
                _("no suggestions in this source (S shows them in the margin)")
                if not self.suggesting
                else _("suggestions on: learning from the codings…")
                if working
                else _("no suggestions in this source"),
                severity="information" if working else "warning",
            )
            return
        at = view.cursor
        if step > 0:
            later = [h for h in hints if h.start >= at and h.end > at]
            hint = later[0] if later else hints[0]
        else:
            earlier = [h for h in hints if h.end < at]
            hint = earlier[-1] if earlier else hints[-1]
        view.select(hint.start, hint.end)  # the cursor at its end: a and R judge it
        self._announced = hint
        said = self._hint_line(hint, hints)
        # After the selection's own status update (a message still on its way), not before it.
        self.call_after_refresh(self._say, said)

    def _say(self, text: str) -> None:
        """A line in the status until the cursor moves, and the detail pane as it stands."""
        self.sticky = text
        self._sticky_at = self.query_one(TranscriptView).cursor
        self._sticky_since = time.monotonic()
        self._update_detail(force=True)
        self._update_status()

    def _judge_hint(self, judge):
        """Accept or reject the suggestion at the cursor through ``judge`` (one write, one
        undo); the suggestion judged, gone from the margin, or None if nothing was written."""
        hint = self._hint_here()
        if hint is None or self.source_id is None:
            return None
        ok, _ = self.write(
            judge,
            self.source_id,
            hint.start,
            hint.end,
            hint.code_id,
            model=hint.model,
            score=hint.score,
        )
        if not ok:
            return None
        self._drop_hint(hint)
        self._judged.append((self.source_id, hint.start, hint.end))
        self._announced = None  # judged: the margin's refresh has nothing to say about it
        return hint

    def _drop_hint(self, hint) -> None:
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
                self.notify(_("nothing uncoded left to suggest"), severity="warning")
                return
            top = found[0]
            sid = self.project.source_id(top["source"])
            self.jump_to(sid, top["start"], top["end"])
            # After the selection's own status update, which would otherwise wipe it.
            said = (
                _("next to code (the model's guess {label} {score}, uncertainty {u})").format(
                    label=top["best_guess"],
                    score=f"{top['score']:.2f}",
                    u=f"{top['uncertainty']:.2f}",
                )
                if top.get("best_guess")
                else _("next to code (uncertainty {u})").format(u=f"{top['uncertainty']:.2f}")
            )
            self.call_after_refresh(self._say, said)

        self.in_thread(queue, group="queue", description=_("next passage to code"), done=go)

    # -- events ------------------------------------------------------------------------------------

    @on(SourceLines.Highlighted)
    def _source_highlighted(self, event: SourceLines.Highlighted) -> None:
        if isinstance(event, SourceLines.Selected):
            return
        if event.source_id != self.source_id:
            self._show_source(event.source_id)

    @on(SourceLines.Selected)
    def _source_selected(self, event: SourceLines.Selected) -> None:
        if event.source_id != self.source_id:
            self._show_source(event.source_id)
        self.remove_class("-show-sources")
        self.query_one(TranscriptView).focus()

    @on(TranscriptView.SelectionChanged)
    def _selection(self, event: TranscriptView.SelectionChanged) -> None:
        # The cursor moved on from where it was said (not the jump's own moves, just after).
        if event.cursor != self._sticky_at and time.monotonic() - self._sticky_since > 0.5:
            self.sticky = ""
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
        name = self._source_name(self.source_id)
        sel = view.selection
        parts = [f"{name}", f"@{view.cursor}/{len(view.text)}"]
        # What the last key did comes before the lasting state: at 80 columns the line ends in
        # "…" and the message must not be what is cut.
        message = self.flash or self.sticky
        self.flash = ""  # said once; the sticky line stays until the cursor moves
        if message:
            parts.append(message)
        if sel:
            parts.append(
                _("selected {chars} [{start}–{end})").format(
                    chars=chars(sel[1] - sel[0]), start=sel[0], end=sel[1]
                )
            )
        parts.append(_("characters") if view.char_mode else self.nlp_state)
        if self.view != "all":
            parts.append({"mine": _("blind"), "by coder": _("by coder")}[self.view])
        parts.append(_("coder {name}").format(name=self.project.coder))
        if self.suggesting and not message:  # S is kept: say it is on
            parts.append(_("suggestions shown"))
        keys = sorted((k, c) for c, k in self.keys.keys().items() if c in self.codes)
        if keys:
            parts.append(_("keys") + " " + " ".join(f"{k}:{self.codes[c].label}" for k, c in keys))
        self.query_one("#status", TextPane).show(" · ".join(parts))

    def _source_name(self, source_id: int | None) -> str:
        """The name of a source (the pane's rows have it, or the pages while they are read)."""
        if source_id is None:
            return "—"
        name = self.source_names.get(source_id)
        if name is None:
            try:
                name = self.project.source(source_id).name
            except CoderError:
                return "—"
            self.source_names[source_id] = name
        return name

    def _has_source(self, name: str) -> bool:
        if name in self.source_names.values():
            return True
        try:
            self.project.source_id(name)
        except CoderError:
            return False
        return True

    def _update_detail(self, *, force: bool = False) -> None:
        view = self.query_one(TranscriptView)
        under = view.spans_between(view.cursor, view.cursor)[:4] if view.text else []
        code_id = self.query_one(CodeTree).highlighted
        hint = self._selected_hint(view)
        if hint is None:
            hint = self._pointed_hint(view) if view.text and not under else None
        else:  # a suggestion selected by ]: what the cursor touches past its end is not it
            under = [u for u in under if u.start < hint.end and u.end > hint.start]
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
        self.flash = _("copied {chars}").format(chars=chars(len(passage)))
        self._update_status()

    def action_play(self) -> None:
        """The source's recording from the time of the turn at the cursor (mpv or ffplay, run on
        their own); a source without a recording, times or a player says so in one line."""
        from coder import media

        if self.source_id is None:
            self.notify(_("open a source first"), severity="warning")
            return
        if self.app.is_web:  # coder serve: a player would start on the server, not here
            self.notify(
                _(
                    "playing a recording is unavailable in the browser; play it in the terminal "
                    "workbench (p) or with coder play"
                ),
                severity="warning",
            )
            return
        try:
            play = media.playback(
                self.project, self.source_id, self.query_one(TranscriptView).cursor
            )
            media.start(play)
        except CoderError as exc:
            self.notify(str(exc), severity="error")
            return
        said = (
            _("playing {file} from {stamp}").format(file=play.path.name, stamp=play.stamp)
            if play.stamp
            else _("playing {file}").format(file=play.path.name)
        )
        self.notify(said + (f" — {play.note}" if play.note else ""))

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
            lines = self.query_one(SourceLines)
            index = lines.index_of(source_id)
            if index is not None:
                lines._move(index, post=False)
        view = self.query_one(TranscriptView)
        view.select(start, end)
        view.focus()

    def action_focus_sources(self) -> None:
        """The sources pane's filter (Down or Enter into the list)."""
        self.add_class("-show-sources")
        self.query_one(SourceList).focus_filter()

    def action_next_uncoded(self) -> None:
        """The next source in the pane's order (its filter, a set's order) after the open one that
        has no coding — by anyone, or by me in blind coding — wrapping round to the top."""
        lines = self.query_one(SourceLines)
        if not lines.rows:
            self.notify(_("no sources in the list"), severity="warning")
            return
        coded = self._coded_ids()
        at = lines.index_of(self.source_id) if self.source_id is not None else None
        start = -1 if at is None else at
        n = len(lines.rows)
        for step in range(1, n + 1):
            i = (start + step) % n
            row = lines.rows[i]
            if row.id not in coded and row.id != self.source_id:
                lines._move(i, post=False)
                self._show_source(row.id)
                self.flash = _("next uncoded: {source}").format(source=row.name)
                self._update_status()
                return
        self.notify(
            _("no uncoded source left in this list (coded by you) 没有未编码的资料")
            if self.view == "mine"
            else _("no uncoded source left in this list (coded by anyone) 没有未编码的资料")
        )

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
                unknown = [n for n in request.held_out if not self._has_source(n)]
                if unknown:
                    self.notify(
                        _("no source named {names} to hold out; nothing was written").format(
                            names=", ".join(unknown)
                        ),
                        severity="error",
                    )
                    return
            self.flash = _("exporting to {path}…").format(path=request.path)
            self._update_status()
            self._export(Path(request.path).expanduser(), request.held_out)

        self.app.push_screen(ExportDialog(default), chosen)

    def _export(self, target: Path, held_out: tuple[str, ...] | None = None) -> None:
        def done(notes: list[str]) -> None:
            self.notify(
                _("wrote {path}").format(path=target) + (f" — {notes[0]}" if notes else ""),
                timeout=6,
            )
            self.flash = _("exported")
            self._update_status()

        self.in_thread(
            self._export_to, target, held_out, group="export", description=_("export"), done=done
        )

    def _export_to(self, target: Path, held_out: tuple[str, ...] | None) -> list[str]:
        from coder.exchange.exports import export_by_suffix

        # A .txt is MAXQDA structured text here (the dialog has no format choice).
        maxqda = "maxqda" if target.suffix.lower() == ".txt" else None
        exported = export_by_suffix(self.project, target, format=maxqda, held_out=held_out)
        if target.suffix.lower() in (".qdpx", ".qdc"):  # the report's lines say what went in
            return exported.lines
        return exported.warnings + exported.lines[1:]

    def work_failed(self, worker: Worker, message: str) -> None:
        # The status line no longer says "exporting" (the message said why).
        if worker.group == "export":
            self.flash = _("export failed")
            self._update_status()

    def action_check_machine(self, n: int = 20) -> None:
        """A random check of the machine coders' codings: confirm or refute each (K)."""
        from coder.tui.screens.assist import CheckScreen

        self.app.push_screen(CheckScreen(n))

    def action_discover(self) -> None:
        """Candidate concepts in the uncoded text; one becomes an open code in one step (D)."""
        from coder.tui.screens.assist import DiscoverScreen

        self.app.push_screen(DiscoverScreen())

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
